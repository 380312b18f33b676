;; Work exactly proportional to n: x = x * 6364136223846793005 + 1442695040888963407, n times.
(module
  (func (export "spin") (param $n i64) (result i64)
    (local $x i64) (local $i i64)
    (local.set $x (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $x
          (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005))
                   (i64.const 1442695040888963407)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.get $x)))
