;; Host->guest call floor: an export that does nothing.
(module
  (func (export "empty")))
