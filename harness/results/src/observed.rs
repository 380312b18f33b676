//! What a WASI run left behind, as every reader compares it: its exit code, a digest of each
//! stream (sha256, size, first lines) and every file it created, changed or deleted in a
//! granted directory. The corpus manifest records a native twin's run so; the `wasi_command`
//! section and the scenarios that run WASI programs compare the runtimes' with it.
use serde::{Deserialize, Serialize};

/// What a run wrote to one stream.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamDigest {
    /// The stream's sha256.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The first lines (at most [`HEAD_LINES`], each cut at [`HEAD_LINE_CHARS`] characters).
    pub head: Vec<String>,
}

/// Lines kept of a stream's head.
pub const HEAD_LINES: usize = 5;
/// Characters kept of each.
pub const HEAD_LINE_CHARS: usize = 200;

impl StreamDigest {
    /// The digest of a stream's bytes.
    pub fn of(bytes: &[u8]) -> StreamDigest {
        let text = String::from_utf8_lossy(bytes);
        StreamDigest {
            sha256: crate::values::sha256_hex(bytes),
            bytes: bytes.len() as u64,
            head: text.lines().take(HEAD_LINES).map(|l| l.chars().take(HEAD_LINE_CHARS).collect()).collect(),
        }
    }
}

/// A file a run created, changed or deleted inside a granted directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileChange {
    /// The guest's path (`GUEST/relative/path`).
    pub path: String,
    /// `None`: deleted.
    pub sha256: Option<String>,
    /// Its size (0 when deleted).
    pub bytes: u64,
}

/// What one run observably did: exit code, streams, files. Two runs agree when these are equal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// `_start`'s exit code (0 when it returned).
    pub exit_code: i32,
    /// What it wrote to stdout.
    pub stdout: StreamDigest,
    /// What it wrote to stderr.
    pub stderr: StreamDigest,
    /// Every file it created, changed or deleted, by path.
    pub files: Vec<FileChange>,
}

impl Observed {
    /// Exit code, stdout and files are equal (stderr is shown, not compared: runtimes may
    /// word their own diagnostics differently).
    pub fn agrees_with(&self, other: &Observed) -> bool {
        self.exit_code == other.exit_code && self.stdout.sha256 == other.stdout.sha256 && self.files == other.files
    }
}
