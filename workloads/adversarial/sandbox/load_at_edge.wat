;; A 4-byte load whose last byte is one past the end of a 64 KiB memory.
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (i32.load (i32.const 65533))))
