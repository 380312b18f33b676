;; Host->guest call with arguments: 4 i64 params, 1 i64 result: (a*3 + b - c) ^ d.
(module
  (func (export "add4") (param $a i64) (param $b i64) (param $c i64) (param $d i64) (result i64)
    (i64.xor
      (i64.sub (i64.add (i64.mul (local.get $a) (i64.const 3)) (local.get $b)) (local.get $c))
      (local.get $d))))
