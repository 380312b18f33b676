;; call_indirect through index 5 of a 2-element table.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func $one (result i32) (i32.const 1))
  (elem (i32.const 0) $one $one)
  (func (export "run") (result i32)
    (call_indirect (type $t) (i32.const 5))))
