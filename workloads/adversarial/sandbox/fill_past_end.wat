;; memory.fill of 1000 bytes starting 536 bytes before the end: must trap before writing
;; anything (the harness checks the tail of memory is still zero).
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (memory.fill (i32.const 65000) (i32.const 0xAA) (i32.const 1000))
    (i32.const 0)))
