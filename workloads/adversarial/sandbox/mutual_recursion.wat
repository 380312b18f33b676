;; Two functions calling each other forever, each with a large frame (many live locals).
(module
  (func $ping (export "run") (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i32.add (call $pong (i64.const 1)) (i32.const 1)))
  (func $pong (param i64) (result i32)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (i32.add (call $ping) (i32.wrap_i64 (local.get 0)))))
