//! Native twins of the `wasmgauge:plugin` functions (`workloads/components/wit/plugin.wit`):
//! what every guest, in every language, must answer. The `component-calls` scenario checks each
//! call against them.

/// `calls.point`.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
    /// Its label.
    pub label: String,
}

/// `calls.shape`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// A circle of this radius.
    Circle(f64),
    /// A square of this side.
    Square(f64),
    /// Nothing.
    Nothing,
}

/// `image.image`: RGBA pixels, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// 4 bytes per pixel.
    pub data: Vec<u8>,
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

/// The arguments every `scalars` call passes (chosen so the f64 answer is exact).
pub const SCALARS_ARGS: (u32, u64, f32, f64) = (7, 1 << 40, 1.5, -3.25);

/// `calls.scalars`.
pub fn scalars(a: u32, b: u64, c: f32, d: f64) -> f64 {
    f64::from(a) * 3.0 + b as f64 - f64::from(c) * d
}

/// `calls.swap-case`.
pub fn swap_case(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => c,
        })
        .collect()
}

/// `calls.invert`: the checksum the core `invert` computes, and the inverted bytes.
pub fn invert(data: &[u8]) -> (i64, Vec<u8>) {
    let mut out = data.to_vec();
    let sum = crate::micro::invert(&mut out);
    (sum, out)
}

/// `calls.mirror`.
pub fn mirror(p: &Point) -> Point {
    Point { x: -p.x, y: -p.y, label: p.label.chars().rev().collect() }
}

/// `calls.area`.
pub fn area(s: Shape) -> Result<f64, String> {
    match s {
        Shape::Circle(r) if r >= 0.0 => Ok(std::f64::consts::PI * r * r),
        Shape::Square(a) if a >= 0.0 => Ok(a * a),
        Shape::Circle(_) | Shape::Square(_) => Err("negative size".into()),
        Shape::Nothing => Err("nothing has no area".into()),
    }
}

/// `host.tick`: what the host gives the guest.
pub fn host_tick(x: u64) -> u64 {
    x.wrapping_mul(2).wrapping_add(1)
}

/// `calls.call-host`.
pub fn call_host(n: u32) -> u64 {
    (0..u64::from(n)).fold(0u64, |acc, i| acc.wrapping_add(host_tick(i)))
}

/// `image.resize` (nearest neighbour).
pub fn resize(img: &Picture, width: u32, height: u32) -> Picture {
    let (w, h) = (img.width as usize, img.height as usize);
    let (nw, nh) = (width as usize, height as usize);
    let mut data = vec![0u8; nw * nh * 4];
    if w > 0 && h > 0 {
        for y in 0..nh {
            let sy = y * h / nh;
            for x in 0..nw {
                let from = (sy * w + x * w / nw) * 4;
                let to = (y * nw + x) * 4;
                data[to..to + 4].copy_from_slice(&img.data[from..from + 4]);
            }
        }
    }
    Picture { data, width, height }
}

/// `image.grayscale`.
pub fn grayscale(img: &Picture) -> Picture {
    let mut out = img.clone();
    for px in out.data.chunks_exact_mut(4) {
        let y = ((u32::from(px[0]) * 77 + u32::from(px[1]) * 150 + u32::from(px[2]) * 29) >> 8) as u8;
        px[..3].fill(y);
    }
    out
}

/// A text of `n` bytes (ASCII letters, digits and spaces, deterministic) for `swap-case`.
pub fn text(n: usize) -> String {
    const ALPHABET: &[u8] = b"The quick brown fox JUMPS over 13 lazy dogs ";
    (0..n).map(|i| ALPHABET[(i * 7 + i / 3) % ALPHABET.len()] as char).collect()
}

/// A `width` x `height` test picture (deterministic pixels).
pub fn picture(width: u32, height: u32) -> Picture {
    let n = width as usize * height as usize * 4;
    Picture { data: (0..n).map(|i| (i * 37 % 253) as u8).collect(), width, height }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scalars_answer_is_exact() {
        let (a, b, c, d) = SCALARS_ARGS;
        assert_eq!(scalars(a, b, c, d), 21.0 + (1u64 << 40) as f64 + 4.875);
    }

    #[test]
    fn swap_case_swaps_ascii_letters_only() {
        assert_eq!(swap_case("aB 1é"), "Ab 1é");
    }

    #[test]
    fn resize_and_grayscale_keep_the_shape() {
        let p = picture(4, 2);
        let r = resize(&p, 2, 1);
        assert_eq!(r.data.len(), 8);
        assert_eq!(&r.data[..4], &p.data[..4]);
        let g = grayscale(&p);
        assert_eq!(g.data[0], g.data[1]);
        assert_eq!(g.data[3], p.data[3]);
        assert_eq!(call_host(3), 1 + 3 + 5);
        assert_eq!(area(Shape::Square(-1.0)), Err("negative size".into()));
    }
}
