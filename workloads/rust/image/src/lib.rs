//! Workload `image`: the seeds' WIT example. An RGBA image (header `width: u32, height: u32`,
//! then pixels) is turned to 8-bit grayscale and resized to half width and height with bilinear
//! filtering in fixed point; the checksum covers the output pixels.
fn grayscale(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8)
        .collect()
}

/// Source coordinate of output pixel `i` of `n` over `len` source pixels, in 16.16 fixed point.
/// Computed in u64: in `usize` it would overflow on 32-bit targets (wasm32) for large images
/// and give another answer than the 64-bit native build.
fn source_coord(i: usize, len: usize, n: usize) -> (usize, u32) {
    let s = ((i as u64 * (len as u64 - 1)) << 16) / (n as u64 - 1).max(1);
    ((s >> 16) as usize, (s & 0xffff) as u32)
}

fn resize(gray: &[u8], w: usize, h: usize, nw: usize, nh: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(nw * nh);
    for y in 0..nh {
        let (y0, fy) = source_coord(y, h, nh);
        let y1 = (y0 + 1).min(h - 1);
        for x in 0..nw {
            let (x0, fx) = source_coord(x, w, nw);
            let x1 = (x0 + 1).min(w - 1);
            let px = |xx: usize, yy: usize| u32::from(gray[yy * w + xx]);
            let top = px(x0, y0) * (0x10000 - fx) + px(x1, y0) * fx;
            let bottom = px(x0, y1) * (0x10000 - fx) + px(x1, y1) * fx;
            let v = ((u64::from(top) * u64::from(0x10000 - fy) + u64::from(bottom) * u64::from(fy)) >> 32) as u8;
            out.push(v);
        }
    }
    out
}

pub fn run(input: &[u8]) -> u64 {
    let w = u32::from_le_bytes(input[..4].try_into().expect("width")) as usize;
    let h = u32::from_le_bytes(input[4..8].try_into().expect("height")) as usize;
    let pixels = &input[8..];
    assert_eq!(pixels.len(), w * h * 4, "image input holds width*height RGBA pixels");
    let gray = grayscale(pixels);
    let small = resize(&gray, w, h, (w / 2).max(1), (h / 2).max(1));
    wg_common::mix(wg_common::fnv1a(&small), (w * h) as u64)
}

/// A `n` x `3n/4` RGBA image of gradients and noise.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let (w, h) = (n, (n * 3 / 4).max(1));
    let mut rng = wg_common::Rng::new(seed);
    let mut out = Vec::with_capacity(8 + w * h * 4);
    out.extend_from_slice(&(w as u32).to_le_bytes());
    out.extend_from_slice(&(h as u32).to_le_bytes());
    for y in 0..h {
        for x in 0..w {
            let noise = rng.below(32) as usize;
            out.extend_from_slice(&[((x * 255) / w + noise) as u8, ((y * 255) / h) as u8, (noise * 8) as u8, 255]);
        }
    }
    out
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn white_stays_white() {
        let gray = super::grayscale(&[255, 255, 255, 255, 0, 0, 0, 255]);
        assert_eq!(gray, vec![255, 0]);
        assert_eq!(super::resize(&[200; 16], 4, 4, 2, 2), vec![200; 4]);
        // The far corner maps exactly onto the last source pixel, with no overflow.
        assert_eq!(super::source_coord(399, 800, 400), (799, 0));
        assert_eq!(super::source_coord(299, 600, 300), (599, 0));
    }
}
