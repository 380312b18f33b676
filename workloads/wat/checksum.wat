;; Data across the boundary: the host writes bytes into memory at the offset `reserve` returns,
;; the guest folds them into h = rotl(h, 5) ^ byte (`checksum`), or also inverts every byte in
;; place for the host to read back (`invert`).
(module
  (memory (export "memory") 1)
  ;; Grows memory so that [0, len) fits and returns the buffer offset (always 0).
  (func (export "reserve") (param $len i32) (result i32)
    (local $need i32)
    (local.set $need
      (i32.sub
        (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))
        (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then (if (i32.lt_s (memory.grow (local.get $need)) (i32.const 0)) (then unreachable))))
    (i32.const 0))
  (func (export "checksum") (param $ptr i32) (param $len i32) (result i64)
    (local $h i64) (local $end i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h
          (i64.xor (i64.rotl (local.get $h) (i64.const 5)) (i64.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h))
  (func (export "invert") (param $ptr i32) (param $len i32) (result i64)
    (local $h i64) (local $end i32) (local $b i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $ptr)))
        (local.set $h (i64.xor (i64.rotl (local.get $h) (i64.const 5)) (i64.extend_i32_u (local.get $b))))
        (i32.store8 (local.get $ptr) (i32.xor (local.get $b) (i32.const 255)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $h)))
