//! The pipe protocol between the `subprocess` baseline (in the native driver) and its
//! `wasmgauge-runner` child.
//!
//! Request frame: `op: u8`, `len: u32 LE`, `len` payload bytes. Reply frame: `status: u8`
//! (0 = ok, 1 = error), `len: u32 LE`, payload (ok: op-specific bytes; error: UTF-8 message).
//! Ops: `Load` (payload: workload name), `Input` (payload: input bytes), `Run` (no payload;
//! reply: checksum as u64 LE). Call-overhead ops: `Ping` (empty round trip), `Add4` (payload:
//! four i64 LE; reply: i64 LE), `Invert` (payload: bytes; reply: checksum i64 LE followed by
//! the inverted bytes), mirroring the WAT micro-modules.
use std::io::{self, Read, Write};

/// A request to the runner child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// Load the named workload's kernel.
    Load = 1,
    /// Take the input bytes.
    Input = 2,
    /// Run the kernel once on the input; reply with the checksum.
    Run = 3,
    /// Reply at once (an empty round trip).
    Ping = 4,
    /// `add4` over four i64s; reply with the sum.
    Add4 = 5,
    /// Checksum and invert the bytes; reply with both.
    Invert = 6,
}

impl Op {
    /// The op of a frame tag.
    pub fn from_u8(b: u8) -> Option<Op> {
        match b {
            1 => Some(Op::Load),
            2 => Some(Op::Input),
            3 => Some(Op::Run),
            4 => Some(Op::Ping),
            5 => Some(Op::Add4),
            6 => Some(Op::Invert),
            _ => None,
        }
    }
}

/// Writes one length-prefixed frame.
pub fn write_frame(w: &mut impl Write, tag: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| io::Error::other("frame larger than 4 GiB"))?;
    w.write_all(&[tag])?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(payload)
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 5];
    match r.read_exact(&mut head[..1]) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    r.read_exact(&mut head[1..])?;
    let len = u32::from_le_bytes(head[1..].try_into().expect("4 bytes")) as usize;
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    Ok(Some((head[0], payload)))
}

/// Reads a reply: the outer error is the transport failing, the inner one the runner's message.
pub fn read_reply(r: &mut impl Read) -> io::Result<Result<Vec<u8>, String>> {
    match read_frame(r)? {
        None => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "runner closed its output")),
        Some((0, payload)) => Ok(Ok(payload)),
        Some((_, payload)) => Ok(Err(String::from_utf8_lossy(&payload).into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        write_frame(&mut buf, Op::Input as u8, b"hello").unwrap();
        write_frame(&mut buf, 1, b"oops").unwrap();
        let mut r = buf.as_slice();
        assert_eq!(read_frame(&mut r).unwrap(), Some((2, b"hello".to_vec())));
        assert_eq!(read_reply(&mut r).unwrap(), Err("oops".to_string()));
        assert_eq!(read_frame(&mut r).unwrap(), None);
    }
}
