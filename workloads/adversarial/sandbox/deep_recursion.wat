;; Unbounded self-recursion: must end in a stack-overflow trap, not a SIGSEGV of the host.
(module
  (func $f (export "run") (result i32)
    (i32.add (call $f) (i32.const 1))))
