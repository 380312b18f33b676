;; call_indirect with a signature (i32) -> i32 to a function of type () -> i32.
(module
  (type $wanted (func (param i32) (result i32)))
  (table 1 funcref)
  (func $one (result i32) (i32.const 1))
  (elem (i32.const 0) $one)
  (func (export "run") (result i32)
    (call_indirect (type $wanted) (i32.const 7) (i32.const 0))))
