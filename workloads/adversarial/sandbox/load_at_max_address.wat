;; A load at address 0xFFFFFFFF (the top of the 32-bit space), far past a 64 KiB memory.
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (i32.load8_u (i32.const -1))))
