;; A loop that spends its time in a slow host import (1 ms per call): instruction counting
;; barely moves, so only a wall-clock deadline (Wasmtime epochs) or the harness's watchdog stops it.
(module
  (import "wasmgauge_sandbox" "sleep_ms" (func $sleep (param i32)))
  (func (export "run") (result i32)
    (loop $forever
      (call $sleep (i32.const 1))
      (br $forever))
    (i32.const 0)))
