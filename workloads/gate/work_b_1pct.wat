;; Gate fixture: `work()` runs a 64-bit LCG for 202000 steps and returns the state.
;; work_a.wat does 200000 steps, work_b_10pct.wat 220000 (10% more work), work_b_1pct.wat 202000
;; (1% more), same export.
(module
  (func (export "work") (result i64)
    (local $x i64) (local $i i32)
    (local.set $x (i64.const 42))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 202000)))
        (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x)))
