/* The QuickJS host (C): runs the script SCRIPT.js with QuickJS-ng, giving it `print` (a line to
 * stdout) and `scriptArgs` (the arguments after the script). Built with QuickJS-ng's C source for
 * wasm32-wasi and natively, so the same engine runs the same script on both sides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quickjs.h"
static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  for (int i = 0; i < argc; i++) {
    const char *s = JS_ToCString(ctx, argv[i]);
    if (!s) return JS_EXCEPTION;
    fputs(s, stdout); if (i + 1 < argc) fputc(' ', stdout);
    JS_FreeCString(ctx, s);
  }
  fputc('\n', stdout);
  return JS_UNDEFINED;
}
int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s SCRIPT.js\n", argv[0]); return 2; }
  FILE *f = fopen(argv[1], "rb"); if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  char *src = malloc(n + 1); if (fread(src, 1, n, f) != (size_t)n) { perror("read"); return 2; } src[n] = 0; fclose(f);
  JSRuntime *rt = JS_NewRuntime(); JSContext *ctx = JS_NewContext(rt);
  JSValue global = JS_GetGlobalObject(ctx);
  JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, js_print, "print", 1));
  JSValue args = JS_NewArray(ctx);
  for (int i = 2; i < argc; i++) JS_SetPropertyUint32(ctx, args, i - 2, JS_NewString(ctx, argv[i]));
  JS_SetPropertyStr(ctx, global, "scriptArgs", args);
  JS_FreeValue(ctx, global);
  JSValue r = JS_Eval(ctx, src, n, argv[1], JS_EVAL_TYPE_GLOBAL);
  int code = 0;
  if (JS_IsException(r)) { JSValue e = JS_GetException(ctx); const char *s = JS_ToCString(ctx, e); fprintf(stderr, "uncaught: %s\n", s ? s : "?"); code = 1; JS_FreeCString(ctx, s); JS_FreeValue(ctx, e); }
  JS_FreeValue(ctx, r); JS_FreeContext(ctx); JS_FreeRuntime(rt); free(src);
  fflush(stdout); return code;
}
