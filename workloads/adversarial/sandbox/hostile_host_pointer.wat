;; Hands the host a pointer/length pair that runs past the end of memory (0xFFFFFFF0, 256
;; bytes): the host must check the range and refuse, and the call must trap, not read.
(module
  (import "wasmgauge_sandbox" "read_guest" (func $read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (call $read (i32.const 0xFFFFFFF0) (i32.const 256))))
