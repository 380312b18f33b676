//! The Rust guest of `wasmgauge:plugin` (../wit/plugin.wit), a WASI 0.2 component. Each function
//! does what the WIT text says; the harness checks every answer against its native twins
//! (harness/measure/src/component/reference.rs).
use exports::wasmgauge::plugin::calls::{self, Guest as Calls, GuestCounter, Point, Shape};
use exports::wasmgauge::plugin::image::{Guest as Image, Image as Picture};
use std::cell::Cell;

wit_bindgen::generate!({
    world: "plugin",
    path: "../wit",
});

struct Plugin;

impl Calls for Plugin {
    type Counter = Counter;

    fn noop() {}

    fn scalars(a: u32, b: u64, c: f32, d: f64) -> f64 {
        f64::from(a) * 3.0 + b as f64 - f64::from(c) * d
    }

    fn swap_case(s: String) -> String {
        s.chars()
            .map(|c| match c {
                'a'..='z' => c.to_ascii_uppercase(),
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => c,
            })
            .collect()
    }

    fn invert(mut data: Vec<u8>) -> (i64, Vec<u8>) {
        let mut h = 0u64;
        for b in &mut data {
            h = h.rotate_left(5) ^ u64::from(*b);
            *b ^= 0xff;
        }
        (h as i64, data)
    }

    fn mirror(p: Point) -> Point {
        Point { x: -p.x, y: -p.y, label: p.label.chars().rev().collect() }
    }

    fn area(s: Shape) -> Result<f64, String> {
        match s {
            Shape::Circle(r) if r >= 0.0 => Ok(std::f64::consts::PI * r * r),
            Shape::Square(a) if a >= 0.0 => Ok(a * a),
            Shape::Circle(_) | Shape::Square(_) => Err("negative size".into()),
            Shape::Nothing => Err("nothing has no area".into()),
        }
    }

    fn call_host(n: u32) -> u64 {
        (0..u64::from(n)).fold(0u64, |acc, i| acc.wrapping_add(wasmgauge::plugin::host::tick(i)))
    }
}

/// The `counter` resource.
pub struct Counter(Cell<u64>);

impl GuestCounter for Counter {
    fn new(start: u64) -> Self {
        Counter(Cell::new(start))
    }

    fn add(&self, n: u64) -> u64 {
        let v = self.0.get().wrapping_add(n);
        self.0.set(v);
        v
    }
}

impl Image for Plugin {
    fn resize(img: Picture, width: u32, height: u32) -> Picture {
        let (w, h) = (img.width as usize, img.height as usize);
        let (nw, nh) = (width as usize, height as usize);
        let mut data = vec![0u8; nw * nh * 4];
        if w > 0 && h > 0 {
            for y in 0..nh {
                let sy = y * h / nh;
                for x in 0..nw {
                    let sx = x * w / nw;
                    let from = (sy * w + sx) * 4;
                    let to = (y * nw + x) * 4;
                    data[to..to + 4].copy_from_slice(&img.data[from..from + 4]);
                }
            }
        }
        Picture { data, width, height }
    }

    fn grayscale(mut img: Picture) -> Picture {
        for px in img.data.chunks_exact_mut(4) {
            let y = ((u32::from(px[0]) * 77 + u32::from(px[1]) * 150 + u32::from(px[2]) * 29) >> 8) as u8;
            px[0] = y;
            px[1] = y;
            px[2] = y;
        }
        img
    }
}

export!(Plugin);

// `calls` names the generated module; keep the import used when every type is named above.
#[allow(unused_imports)]
use calls as _;
