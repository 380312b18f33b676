//! `wasmgauge corpus build|list|input`: build the guest corpus, print its manifest, or write a
//! workload's generated input to a file.
use crate::args::CorpusCommand;
use crate::exit::Exit;
use crate::print::print_corpus;
use anyhow::{Context, Result, anyhow};
use results::manifest::Corpus;
use std::path::PathBuf;

/// The repository root this binary was built from, if it still exists; else the current dir.
fn default_source_root() -> PathBuf {
    crate::drivers::source_root().unwrap_or_else(|| PathBuf::from("."))
}

/// One `corpus` command.
pub fn main(command: CorpusCommand) -> Result<Exit> {
    match command {
        CorpusCommand::Build { out, source } => {
            let source = source.unwrap_or_else(default_source_root);
            let corpus = crate::corpus::build(&source, &out)?;
            print_corpus(&corpus);
            eprintln!("corpus: {} modules in {}", corpus.manifest.modules.len(), out.display());
        }
        CorpusCommand::List { corpus, json } => {
            let corpus = Corpus::load(&corpus)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&corpus.manifest)?);
            } else {
                print_corpus(&corpus);
            }
        }
        CorpusCommand::Input { workload, size, out } => {
            let w = wg_workloads::rust_workload(&workload).ok_or_else(|| {
                let known: Vec<&str> = wg_workloads::RUST_WORKLOADS.iter().map(|w| w.name).collect();
                anyhow!("unknown workload `{workload}`; known workloads: {}", known.join(", "))
            })?;
            let input = w.input_for(size);
            std::fs::write(&out, &input).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "{workload} ({}): {} bytes, sha256 {}",
                size.name(),
                input.len(),
                results::manifest::sha256_hex(&input)
            );
        }
    }
    Ok(Exit::Ok)
}
