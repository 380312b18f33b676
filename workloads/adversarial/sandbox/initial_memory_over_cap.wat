;; Asks for 128 MiB (2048 pages) of initial memory, twice the 64 MiB cap: instantiation must fail.
(module
  (memory (export "memory") 2048)
  (func (export "run") (result i32) (i32.const 0)))
