;; Executes `unreachable`.
(module
  (func (export "run") (result i32) unreachable))
