// The C guest of `wasmgauge:plugin` (../wit/plugin.wit), a WASI 0.2 component: wit-bindgen's C
// bindings (generated at corpus build by ./bindgen into the cargo target directory), compiled
// with clang and Debian's wasi-libc, made a component by wit-component with the WASI preview 1
// adapter. Each function does what the WIT text says; the harness checks every answer against
// its native twins (harness/measure/src/component/reference.rs).
//
// Ownership follows wit-bindgen's C ABI: an exported function owns its arguments, and what it
// returns is freed by the generated post-return function. Buffers that go in and come out the
// same size are transformed in place and handed back.
#include "plugin.h"

#include <stdlib.h>
#include <string.h>

void exports_wasmgauge_plugin_calls_noop(void) {}

double exports_wasmgauge_plugin_calls_scalars(uint32_t a, uint64_t b, float c, double d) {
  return (double)a * 3.0 + (double)b - (double)c * d;
}

void exports_wasmgauge_plugin_calls_swap_case(plugin_string_t *s, plugin_string_t *ret) {
  for (size_t i = 0; i < s->len; i++) {
    uint8_t c = s->ptr[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) s->ptr[i] = c ^ 0x20;
  }
  *ret = *s;
}

void exports_wasmgauge_plugin_calls_invert(plugin_list_u8_t *data, plugin_tuple2_s64_list_u8_t *ret) {
  uint64_t h = 0;
  for (size_t i = 0; i < data->len; i++) {
    h = ((h << 5) | (h >> 59)) ^ data->ptr[i];
    data->ptr[i] ^= 0xff;
  }
  ret->f0 = (int64_t)h;
  ret->f1 = *data;
}

// Reverses bytes [from, to).
static void reverse(uint8_t *p, size_t from, size_t to) {
  while (to > from + 1) {
    uint8_t t = p[from];
    p[from++] = p[--to];
    p[to] = t;
  }
}

// Reverses a UTF-8 text by characters, in place: every character's bytes first, then the whole.
static void reverse_chars(plugin_string_t *s) {
  size_t i = 0;
  while (i < s->len) {
    size_t end = i + 1;
    while (end < s->len && (s->ptr[end] & 0xc0) == 0x80) end++;
    reverse(s->ptr, i, end);
    i = end;
  }
  reverse(s->ptr, 0, s->len);
}

void exports_wasmgauge_plugin_calls_mirror(exports_wasmgauge_plugin_calls_point_t *p,
                                           exports_wasmgauge_plugin_calls_point_t *ret) {
  reverse_chars(&p->label);
  ret->x = -p->x;
  ret->y = -p->y;
  ret->label = p->label;
}

bool exports_wasmgauge_plugin_calls_area(exports_wasmgauge_plugin_calls_shape_t *s, double *ret,
                                         plugin_string_t *err) {
  const double pi = 3.14159265358979323846;
  switch (s->tag) {
    case EXPORTS_WASMGAUGE_PLUGIN_CALLS_SHAPE_CIRCLE:
      if (s->val.circle >= 0.0) {
        *ret = pi * s->val.circle * s->val.circle;
        return true;
      }
      break;
    case EXPORTS_WASMGAUGE_PLUGIN_CALLS_SHAPE_SQUARE:
      if (s->val.square >= 0.0) {
        *ret = s->val.square * s->val.square;
        return true;
      }
      break;
    default:
      plugin_string_dup(err, "nothing has no area");
      return false;
  }
  plugin_string_dup(err, "negative size");
  return false;
}

// The `counter` resource's representation.
struct exports_wasmgauge_plugin_calls_counter_t {
  uint64_t value;
};

exports_wasmgauge_plugin_calls_own_counter_t exports_wasmgauge_plugin_calls_constructor_counter(uint64_t start) {
  exports_wasmgauge_plugin_calls_counter_t *rep = malloc(sizeof *rep);
  if (rep == NULL) abort();
  rep->value = start;
  return exports_wasmgauge_plugin_calls_counter_new(rep);
}

uint64_t exports_wasmgauge_plugin_calls_method_counter_add(exports_wasmgauge_plugin_calls_borrow_counter_t self,
                                                           uint64_t n) {
  self->value += n;
  return self->value;
}

void exports_wasmgauge_plugin_calls_counter_destructor(exports_wasmgauge_plugin_calls_counter_t *rep) { free(rep); }

uint64_t exports_wasmgauge_plugin_calls_call_host(uint32_t n) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) sum += wasmgauge_plugin_host_tick(i);
  return sum;
}

void exports_wasmgauge_plugin_image_resize(exports_wasmgauge_plugin_image_image_t *img, uint32_t width,
                                           uint32_t height, exports_wasmgauge_plugin_image_image_t *ret) {
  size_t w = img->width, h = img->height, nw = width, nh = height;
  size_t bytes = nw * nh * 4;
  uint8_t *data = calloc(bytes ? bytes : 1, 1);
  if (data == NULL) abort();
  if (w > 0 && h > 0) {
    for (size_t y = 0; y < nh; y++) {
      size_t sy = y * h / nh;
      for (size_t x = 0; x < nw; x++) {
        size_t sx = x * w / nw;
        memcpy(data + (y * nw + x) * 4, img->data.ptr + (sy * w + sx) * 4, 4);
      }
    }
  }
  plugin_list_u8_free(&img->data);
  ret->data.ptr = data;
  ret->data.len = bytes;
  ret->width = width;
  ret->height = height;
}

void exports_wasmgauge_plugin_image_grayscale(exports_wasmgauge_plugin_image_image_t *img,
                                              exports_wasmgauge_plugin_image_image_t *ret) {
  uint8_t *px = img->data.ptr;
  for (size_t i = 0; i + 4 <= img->data.len; i += 4) {
    uint8_t y = (uint8_t)(((uint32_t)px[i] * 77 + (uint32_t)px[i + 1] * 150 + (uint32_t)px[i + 2] * 29) >> 8);
    px[i] = px[i + 1] = px[i + 2] = y;
  }
  *ret = *img;
}
