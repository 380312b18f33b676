;; A guest that crashes: follows the workload ABI, but `run` executes `unreachable`.
(module
  (memory (export "memory") 1)
  (func (export "wg_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "wg_free") (param i32 i32))
  (func (export "run") (param i32 i32) (result i64) unreachable))
