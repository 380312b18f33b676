;; table.grow by 0x7FFFFFFF elements: must fail (-1) or trap, not allocate gigabytes. Returns
;; what table.grow returned.
(module
  (table 1 funcref)
  (func (export "run") (result i32)
    (table.grow (ref.null func) (i32.const 0x7FFFFFFF))))
