//! Progress of long runs: an indicatif bar with ETA on a terminal, plain log lines otherwise
//! (CI logs), both on stderr so stdout stays for tables and JSON.
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    quiet: bool,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} cells, ETA {eta} {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        Progress { bar, total, done: 0, quiet: false }
    }

    /// Counts without printing (tests).
    pub fn quiet(total: u64) -> Progress {
        Progress { bar: None, total, done: 0, quiet: true }
    }

    /// A line of its own (a verdict that does not advance the count).
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None if !self.quiet => eprintln!("{line}"),
            None => {}
        }
    }

    /// Announces the cell about to run.
    pub fn start(&self, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_string()),
            None if self.quiet => {}
            None => eprintln!("[{}/{}] {what} ...", self.done + 1, self.total),
        }
    }

    /// Records a finished cell with a one-line verdict.
    pub fn finish(&mut self, what: &str, verdict: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if verdict.starts_with("FAILED") {
                    bar.println(format!("{what}: {verdict}"));
                }
            }
            None if self.quiet => {}
            None => eprintln!("[{}/{}] {what}: {verdict}", self.done, self.total),
        }
    }

    pub fn close(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
