;; memory.copy of 1000 non-zero bytes to 536 bytes before the end: must trap before writing
;; anything (the harness checks the tail of memory is still zero).
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
  (func (export "run") (result i32)
    (memory.copy (i32.const 65000) (i32.const 0) (i32.const 1000))
    (i32.const 0)))
