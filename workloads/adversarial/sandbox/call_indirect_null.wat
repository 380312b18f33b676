;; call_indirect through a table slot that was never filled (null).
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func $one (result i32) (i32.const 1))
  (elem (i32.const 0) $one)
  (func (export "run") (result i32)
    (call_indirect (type $t) (i32.const 1))))
