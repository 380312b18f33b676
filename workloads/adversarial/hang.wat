;; A guest that never returns: follows the workload ABI, but `run` loops forever.
(module
  (memory (export "memory") 1)
  (func (export "wg_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "wg_free") (param i32 i32))
  (func (export "run") (param i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0)))
