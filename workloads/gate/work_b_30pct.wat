;; Gate fixture: `work()` runs a 64-bit LCG for 260000 steps and returns the state.
;; work_a.wat does 200000 steps, this one 260000 (30% more work: a slower build the paired gate
;; must flag however noisy the machine), same export.
(module
  (func (export "work") (result i64)
    (local $x i64) (local $i i32)
    (local.set $x (i64.const 42))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 260000)))
        (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x)))
