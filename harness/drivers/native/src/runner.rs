//! `wasmgauge-runner`: the native side of the `subprocess` baseline. It links the same workload
//! kernels as the native driver and answers length-prefixed requests on stdin/stdout (see
//! `protocol::runner`). Kept minimal so its process start is what the figure measures.
//!
//! `wasmgauge-runner --once WORKLOAD small|large` computes one answer and prints it (for timing
//! a whole process start with outside tools such as hyperfine).
use measure::micro as micro_native;
use protocol::runner::{Op, read_frame, write_frame};
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Write};
use std::process::ExitCode;
use wg_workloads::native_kernel;

fn once(name: &str, size: &str) -> Result<u64, String> {
    let w = wg_workloads::rust_workload(name).ok_or_else(|| format!("unknown workload `{name}`"))?;
    let size = results::Size::parse(size).ok_or_else(|| format!("unknown size `{size}` (small|large)"))?;
    let input = w.input_for(size);
    Ok(black_box((w.run)(black_box(&input))))
}

fn serve() -> std::io::Result<()> {
    let mut input_stream = BufReader::new(std::io::stdin().lock());
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut kernel: Option<fn(&[u8]) -> u64> = None;
    let mut input = Vec::new();
    while let Some((op, payload)) = read_frame(&mut input_stream)? {
        let reply: Result<Vec<u8>, String> = match Op::from_u8(op) {
            Some(Op::Load) => {
                let name = String::from_utf8_lossy(&payload).into_owned();
                native_kernel(&name)
                    .map(|k| kernel = Some(k))
                    .map(|_| Vec::new())
                    .ok_or(format!("unknown workload `{name}`"))
            }
            Some(Op::Input) => {
                input = payload;
                Ok(Vec::new())
            }
            Some(Op::Run) => match kernel {
                Some(k) => Ok(black_box(k(black_box(&input))).to_le_bytes().to_vec()),
                None => Err("run before load".into()),
            },
            Some(Op::Ping) => Ok(Vec::new()),
            Some(Op::Add4) if payload.len() == 32 => {
                let v: Vec<i64> =
                    payload.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
                Ok(micro_native::add4(v[0], v[1], v[2], v[3]).to_le_bytes().to_vec())
            }
            Some(Op::Add4) => Err("add4 takes 32 bytes".into()),
            Some(Op::Invert) => {
                let mut data = payload;
                let sum = micro_native::invert(&mut data);
                let mut reply = sum.to_le_bytes().to_vec();
                reply.extend_from_slice(&data);
                Ok(reply)
            }
            None => Err(format!("unknown op {op}")),
        };
        match reply {
            Ok(payload) => write_frame(&mut out, 0, &payload)?,
            Err(msg) => write_frame(&mut out, 1, msg.as_bytes())?,
        }
        out.flush()?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, name, size] if flag == "--once" => match once(name, size) {
            Ok(sum) => {
                println!("{sum:#018x}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("wasmgauge-runner: {e}");
                ExitCode::from(2)
            }
        },
        [] => {
            protocol::client::die_with_parent();
            match serve() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("wasmgauge-runner: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!(
                "usage: wasmgauge-runner            (serve requests on stdin/stdout)\n       wasmgauge-runner --once WORKLOAD small|large"
            );
            ExitCode::from(2)
        }
    }
}
