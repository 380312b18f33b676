;; Guest->host calls: sums wasmgauge.tick(i) for i in 0..n (the host's tick returns i + 1).
(module
  (import "wasmgauge" "tick" (func $tick (param i32) (result i32)))
  (func (export "call_host") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $tick (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
