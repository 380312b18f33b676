//! What a user's WASI command is: how it is run ([`CommandSpec`]: arguments, environment,
//! granted directories, stdin), its module checked (WASI preview 1 imports only, a `_start`),
//! its program name and its cell timeout.
use crate::inspect::inspect;
use anyhow::{Result, anyhow, bail};
use measure::wasi::{BENCH_END, BENCH_MODULE, BENCH_START};
use measure::wasi_files::{Grant, RunTemplate, Tree, digest_tree};
use results::wasi_command::GrantedDir;
use std::path::{Path, PathBuf};

/// The module every WASI preview 1 import comes from.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// How a user's WASI command is run: arguments, environment, granted directories, stdin.
#[derive(Clone, Debug, Default)]
pub struct CommandSpec {
    /// `argv` after the program name.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<GrantedDir>,
    pub stdin: Option<PathBuf>,
}

impl CommandSpec {
    /// Refuses directories that do not exist and a stdin that is not a file.
    pub fn check(&self) -> Result<()> {
        for d in &self.dirs {
            if !Path::new(&d.host).is_dir() {
                bail!("--dir {}: no such directory", d.host);
            }
        }
        if let Some(stdin) = &self.stdin
            && !stdin.is_file()
        {
            bail!("--stdin {}: no such file", stdin.display());
        }
        Ok(())
    }

    /// What the granted directories hold now (the runs' copies are compared with it).
    pub fn originals(&self) -> Result<Vec<Tree>> {
        self.dirs.iter().map(|d| digest_tree(Path::new(&d.host))).collect()
    }

    /// The runs' template for `module`, with `originals` from [`CommandSpec::originals`].
    pub fn template<'a>(&'a self, module: &Path, originals: &'a [Tree]) -> RunTemplate<'a> {
        RunTemplate {
            program_name: program_name(module),
            grants: self
                .dirs
                .iter()
                .zip(originals)
                .map(|(d, before)| Grant { from: Some(Path::new(&d.host)), guest: &d.guest, before })
                .collect(),
            env: self.env.clone(),
            stdin: self.stdin.clone(),
        }
    }
}

/// Reads a WASI command module (binary or WAT): it may import only WASI preview 1 and
/// Sightglass's `bench.start` and `bench.end` (both `[] -> []`), and must export `_start`.
pub fn load_command(path: &Path) -> Result<Vec<u8>> {
    let wasm = crate::inspect::core_module(path)?;
    let shape = inspect(&wasm).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
    let bench = [format!("{BENCH_MODULE}.{BENCH_START}"), format!("{BENCH_MODULE}.{BENCH_END}")];
    if let Some(other) = shape.imports.iter().find(|i| !i.starts_with(&format!("{WASI_MODULE}.")) && !bench.contains(i))
    {
        bail!(
            "{} imports `{other}`; a WASI command run with --wasi may import only {WASI_MODULE} (WASI preview 1) \
             and Sightglass's {} and {}",
            path.display(),
            bench[0],
            bench[1]
        );
    }
    for name in shape.imports.iter().filter(|i| bench.contains(i)) {
        let signature = shape.func_imports.iter().find(|(n, _)| n == name).and_then(|(_, s)| s.as_ref());
        if !signature.is_some_and(|s| s.params.is_empty() && s.results.is_empty()) {
            bail!(
                "{} imports `{name}` as something other than a function [] -> [] (Sightglass's protocol)",
                path.display()
            );
        }
    }
    if !shape.exports.iter().any(|e| e.kind == "func" && e.name == "_start") {
        bail!(
            "{} exports no `_start`: it is not a WASI command (for one export of a module, use --export)",
            path.display()
        );
    }
    Ok(wasm)
}

/// The cell timeout: the profile's, plus per run 30 s and 4 s per MB of module (compiling a
/// 50 MB module with Cranelift takes about 30 s on 2 cores).
pub fn timeout_for(profile_timeout_s: u64, module_bytes: u64, runs: usize) -> u64 {
    profile_timeout_s + runs as u64 * (30 + 4 * module_bytes.div_ceil(1 << 20))
}

/// The guest's program name (`argv[0]`): the module's file name.
pub fn program_name(module: &Path) -> String {
    module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "app".into())
}
