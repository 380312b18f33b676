;; Grows memory one page at a time, touching each new page, until memory.grow fails (-1) or
;; traps; returns the number of pages reached. The cap is 64 MiB (1024 pages); wasm32 allows
;; 65536 pages (4 GiB), so a runtime without a cap lets it reach far past it.
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (local $pages i32)
    (local.set $pages (i32.const 1))
    (block $done
      (loop $grow
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        ;; touch one byte of the new page so growth is resident, as a real guest's would be
        (i32.store8 (i32.mul (local.get $pages) (i32.const 65536)) (i32.const 1))
        (local.set $pages (i32.add (local.get $pages) (i32.const 1)))
        (br_if $grow (i32.lt_u (local.get $pages) (i32.const 65536)))))
    (local.get $pages)))
