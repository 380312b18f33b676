;; A store whose static offset (0xFFFFFFF0) plus address (0x100) passes 4 GiB: must trap and
;; write nothing (the harness checks the last 16 bytes of memory are still zero).
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (i64.store offset=0xFFFFFFF0 (i32.const 0x100) (i64.const -1))
    (i32.const 0)))
