;; An infinite loop with no calls: only instruction counting or an interruption deadline stops it.
(module
  (func (export "run") (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
