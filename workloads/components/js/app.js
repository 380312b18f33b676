// The JavaScript guest of `wasmgauge:plugin` (../wit/plugin.wit), a WASI 0.2 component built by
// componentize-js (SpiderMonkey inside, through StarlingMonkey). Each function does what the WIT
// text says; the harness checks every answer against its native twins
// (harness/measure/src/component/reference.rs). WIT's u64 and s64 are BigInts here, list<u8> a
// Uint8Array, a variant `{ tag, val }`, and a thrown value a result's error.
import { tick } from 'wasmgauge:plugin/host@0.1.0';

const MASK64 = (1n << 64n) - 1n;

/** ASCII letters' case swapped, other characters as they are. */
function swapCase(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
    else if (c >= 97 && c <= 122) out += String.fromCharCode(c - 32);
    else out += s[i];
  }
  return out;
}

/** The rolling checksum `h = (h rotl 5) ^ byte` over 64 bits, from 0, as two 32-bit halves. */
function checksum(data) {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < data.length; i++) {
    const nhi = ((hi << 5) | (lo >>> 27)) >>> 0;
    const nlo = ((lo << 5) | (hi >>> 27)) >>> 0;
    hi = nhi;
    lo = (nlo ^ data[i]) >>> 0;
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

class Counter {
  #value;
  constructor(start) {
    this.#value = start;
  }
  add(n) {
    this.#value = (this.#value + n) & MASK64;
    return this.#value;
  }
}

export const calls = {
  Counter,
  noop() {},
  scalars(a, b, c, d) {
    return a * 3 + Number(b) - c * d;
  },
  swapCase,
  invert(data) {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] ^ 0xff;
    return [checksum(data), out];
  },
  mirror(p) {
    return { x: -p.x, y: -p.y, label: Array.from(p.label).reverse().join('') };
  },
  area(s) {
    switch (s.tag) {
      case 'circle':
        if (s.val >= 0) return Math.PI * s.val * s.val;
        throw 'negative size';
      case 'square':
        if (s.val >= 0) return s.val * s.val;
        throw 'negative size';
      default:
        throw 'nothing has no area';
    }
  },
  callHost(n) {
    let total = 0n;
    for (let i = 0; i < n; i++) total = (total + tick(BigInt(i))) & MASK64;
    return total;
  },
};

export const image = {
  resize(img, width, height) {
    const { width: w, height: h, data: src } = img;
    const data = new Uint8Array(width * height * 4);
    if (w > 0 && h > 0) {
      for (let y = 0; y < height; y++) {
        const row = Math.floor((y * h) / height) * w;
        for (let x = 0; x < width; x++) {
          const at = (row + Math.floor((x * w) / width)) * 4;
          data.set(src.subarray(at, at + 4), (y * width + x) * 4);
        }
      }
    }
    return { data, width, height };
  },
  grayscale(img) {
    const data = new Uint8Array(img.data);
    for (let i = 0; i + 4 <= data.length; i += 4) {
      const y = (data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8;
      data[i] = data[i + 1] = data[i + 2] = y;
    }
    return { data, width: img.width, height: img.height };
  },
};
