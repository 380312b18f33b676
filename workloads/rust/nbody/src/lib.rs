//! Workload `nbody`: the classic five-planet simulation (f64 arithmetic and sqrt), advanced for
//! the number of steps given in the input; the checksum is the final energy's bit pattern.
// Index loops over x/y/z mirror the reference implementation the energy test checks against.
#![allow(clippy::needless_range_loop)]
const PI: f64 = std::f64::consts::PI;
const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;

#[derive(Clone, Copy)]
struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

// The planets' data exactly as the Benchmarks Game publishes it.
#[allow(clippy::excessive_precision)]
fn bodies(jitter: f64) -> [Body; 5] {
    let body = |p: [f64; 3], v: [f64; 3], m: f64| Body {
        pos: [p[0] + jitter, p[1], p[2]],
        vel: [v[0] * DAYS_PER_YEAR, v[1] * DAYS_PER_YEAR, v[2] * DAYS_PER_YEAR],
        mass: m * SOLAR_MASS,
    };
    let mut b = [
        Body { pos: [0.0; 3], vel: [0.0; 3], mass: SOLAR_MASS },
        body(
            [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
            [1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05],
            9.54791938424326609e-04,
        ),
        body(
            [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
            [-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05],
            2.85885980666130812e-04,
        ),
        body(
            [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
            [2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05],
            4.36624404335156298e-05,
        ),
        body(
            [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
            [2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05],
            5.15138902046611451e-05,
        ),
    ];
    let mut p = [0.0; 3];
    for x in &b {
        for d in 0..3 {
            p[d] += x.vel[d] * x.mass;
        }
    }
    for d in 0..3 {
        b[0].vel[d] = -p[d] / SOLAR_MASS;
    }
    b
}

fn advance(b: &mut [Body; 5], dt: f64) {
    for i in 0..5 {
        for j in i + 1..5 {
            let d = [b[i].pos[0] - b[j].pos[0], b[i].pos[1] - b[j].pos[1], b[i].pos[2] - b[j].pos[2]];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let mag = dt / (d2 * d2.sqrt());
            let (mi, mj) = (b[i].mass, b[j].mass);
            for k in 0..3 {
                b[i].vel[k] -= d[k] * mj * mag;
                b[j].vel[k] += d[k] * mi * mag;
            }
        }
    }
    for x in b.iter_mut() {
        for k in 0..3 {
            x.pos[k] += dt * x.vel[k];
        }
    }
}

fn energy(b: &[Body; 5]) -> f64 {
    let mut e = 0.0;
    for i in 0..5 {
        let v = &b[i].vel;
        e += 0.5 * b[i].mass * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for j in i + 1..5 {
            let d: Vec<f64> = (0..3).map(|k| b[i].pos[k] - b[j].pos[k]).collect();
            e -= b[i].mass * b[j].mass / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        }
    }
    e
}

pub fn run(input: &[u8]) -> u64 {
    let steps = u32::from_le_bytes(input[..4].try_into().expect("steps"));
    let jitter = f64::from_le_bytes(input[4..12].try_into().expect("jitter"));
    let mut b = bodies(jitter);
    for _ in 0..steps {
        advance(&mut b, 0.01);
    }
    energy(&b).to_bits()
}

/// `steps: u32` then a tiny position jitter (f64) so the start state is not a constant.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut out = (n as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&(wg_common::Rng::new(seed).unit_f64() * 1e-9).to_le_bytes());
    out
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn energy_matches_benchmarks_game() {
        let mut input = 1000u32.to_le_bytes().to_vec();
        input.extend_from_slice(&0.0f64.to_le_bytes());
        let e = f64::from_bits(super::run(&input));
        assert!((e - -0.169087605).abs() < 1e-9, "{e}");
    }
}
