;; Memory per instance: one 64 KiB page, and an export that writes every 4 KiB page of it once,
;; so each instance has exactly 64 KiB of guest memory touched. Returns the pages touched (16).
(module
  (memory (export "memory") 1 1)
  (func (export "touch") (result i32)
    (local $off i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (i32.const 65536)))
        (i32.store (local.get $off) (i32.add (local.get $off) (i32.const 1)))
        (local.set $off (i32.add (local.get $off) (i32.const 4096)))
        (br $next)))
    (i32.shr_u (local.get $off) (i32.const 12))))
