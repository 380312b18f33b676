"""The `counter` resource of the `calls` interface (see app.py)."""

from wit_world.exports import calls

MASK64 = (1 << 64) - 1


class Counter(calls.Counter):
    def __init__(self, start: int) -> None:
        self.value = start

    def add(self, n: int) -> int:
        self.value = (self.value + n) & MASK64
        return self.value
