"""The Python guest of `wasmgauge:plugin` (../wit/plugin.wit), a WASI 0.2 component built by
componentize-py (CPython inside). Each function does what the WIT text says; the harness checks
every answer against its native twins (harness/measure/src/component/reference.rs). The
`counter` resource is in calls.py: componentize-py finds an exported interface's resources in
the module named after the interface."""

import math
import string

from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import calls, image
from wit_world.imports import host

MASK64 = (1 << 64) - 1
SWAP_ASCII = str.maketrans(string.ascii_lowercase + string.ascii_uppercase, string.ascii_uppercase + string.ascii_lowercase)
INVERT = bytes(b ^ 0xFF for b in range(256))


class Calls(exports.Calls):
    def noop(self) -> None:
        pass

    def scalars(self, a: int, b: int, c: float, d: float) -> float:
        return float(a) * 3.0 + float(b) - c * d

    def swap_case(self, s: str) -> str:
        # ASCII letters only (str.swapcase would also change other scripts' letters).
        return s.translate(SWAP_ASCII)

    def invert(self, data: bytes) -> tuple[int, bytes]:
        h = 0
        for b in data:
            h = (((h << 5) | (h >> 59)) & MASK64) ^ b
        signed = h - (1 << 64) if h >= 1 << 63 else h
        return (signed, data.translate(INVERT))

    def mirror(self, p: calls.Point) -> calls.Point:
        return calls.Point(x=-p.x, y=-p.y, label=p.label[::-1])

    def area(self, s: calls.Shape) -> float:
        if isinstance(s, calls.Shape_Circle):
            if s.value >= 0.0:
                return math.pi * s.value * s.value
            raise Err("negative size")
        if isinstance(s, calls.Shape_Square):
            if s.value >= 0.0:
                return s.value * s.value
            raise Err("negative size")
        raise Err("nothing has no area")

    def call_host(self, n: int) -> int:
        total = 0
        for i in range(n):
            total = (total + host.tick(i)) & MASK64
        return total


class Image(exports.Image):
    def resize(self, img: image.Image, width: int, height: int) -> image.Image:
        w, h = img.width, img.height
        data = bytearray(width * height * 4)
        if w > 0 and h > 0:
            src = img.data
            for y in range(height):
                row = (y * h // height) * w
                for x in range(width):
                    at = (row + x * w // width) * 4
                    to = (y * width + x) * 4
                    data[to : to + 4] = src[at : at + 4]
        return image.Image(data=bytes(data), width=width, height=height)

    def grayscale(self, img: image.Image) -> image.Image:
        data = bytearray(img.data)
        for i in range(0, len(data) - len(data) % 4, 4):
            y = (data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8
            data[i] = data[i + 1] = data[i + 2] = y
        return image.Image(data=bytes(data), width=img.width, height=img.height)
