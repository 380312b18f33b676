//! The driver protocol: what the `wasmgauge` orchestrator and a runtime driver process say to
//! each other, and how.
//!
//! A driver is one executable per runtime family (`harness/drivers/<name>/`, each its own cargo
//! workspace). The orchestrator starts it once per cell in a process group of its own, writes
//! one [`Envelope`]d [`Request`] as a JSON line on its stdin, and reads one line
//! `WASMGAUGE-REPLY <json>` ([`Reply`]) from its stdout; anything else the driver (or a guest)
//! prints is ignored. All timing happens inside the driver; only finished measurements cross
//! the pipe. A driver that exits without a reply, dies by a signal or outlives its timeout
//! yields a failed outcome that says which ([`client`]).
//!
//! Versioned: every message carries [`PROTOCOL_VERSION`]; a driver refuses a request of another
//! version with a message naming both, so an orchestrator never misreads an old driver.
//!
//! Modules: [`client`] (launching a driver for one request), [`conform`] and [`paired`] (the
//! payloads of conformance and paired-gate requests), [`runner`] (the frames between the native
//! driver and its `wasmgauge-runner` child, the `subprocess` baseline).

pub mod client;
pub mod conform;
pub mod paired;
pub mod runner;
pub mod wasi;
pub mod wasi_checks;

use results::{EngineInfo, EngineOptions};
use serde::{Deserialize, Serialize};

/// Version of the messages below; bumped on any change a peer could misread.
pub const PROTOCOL_VERSION: u32 = 1;
/// Prefix of the reply line on a driver's stdout.
pub const REPLY_MARKER: &str = "WASMGAUGE-REPLY ";

/// A message with the protocol version it was written under.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The protocol version the message was written under.
    pub protocol: u32,
    /// The message.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Envelope<T> {
    /// `body` under this build's protocol version.
    pub fn new(body: T) -> Envelope<T> {
        Envelope { protocol: PROTOCOL_VERSION, body }
    }
}

/// What the orchestrator asks of a driver.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// What the driver is: its subjects with their versions and knobs ([`Description`]).
    Describe,
    /// One cell of a scenario on one subject; the scenario reads `cell` (its own plan type).
    Measure(MeasureRequest),
    /// One unit of conformance work on one subject.
    Conform(ConformRequest),
    /// Two guest modules measured in interleaved rounds in this one process (paired gate).
    Paired(paired::PairedJob),
}

/// One cell of a scenario on one subject.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MeasureRequest {
    /// A scenario name from the scenario registry (`throughput`, `cold-start`, ...).
    pub scenario: String,
    /// A subject id from the subject registry (`wasmtime-cranelift`, `native`, ...).
    pub subject: String,
    /// The options the subject is built with.
    pub options: EngineOptions,
    /// The scenario's own description of the cell.
    pub cell: serde_json::Value,
}

/// One unit of conformance work on one subject.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConformRequest {
    /// The subject id.
    pub subject: String,
    /// The work.
    pub job: conform::ConformJob,
}

/// A driver's answer to one request.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reply {
    /// The request's output (a measurement, a description, a conformance outcome).
    Ok(serde_json::Value),
    /// Why the request failed (a wrong answer, a runtime error, a refused option).
    Failed(String),
}

/// What a driver is, in answer to [`Request::Describe`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Description {
    /// The driver's folder name under `harness/drivers/`.
    pub driver: String,
    /// Protocol version it speaks.
    pub protocol: u32,
    /// The rustc that built it.
    pub rustc: String,
    /// Runtime crate -> version, as its Cargo.lock resolved them.
    pub runtimes: std::collections::BTreeMap<String, String>,
    /// Every subject it can build, with its knobs at default options, in registry order.
    pub subjects: Vec<EngineInfo>,
}

/// Formats a reply line (what a driver prints).
pub fn reply_line(reply: &Reply) -> String {
    let text = serde_json::to_string(&Envelope::new(reply)).unwrap_or_else(|e| {
        serde_json::to_string(&Envelope::new(Reply::Failed(format!("unprintable reply: {e}")))).expect("a string")
    });
    format!("{REPLY_MARKER}{text}")
}

/// Reads a request line (what a driver does first), refusing other protocol versions.
pub fn parse_request(text: &str) -> anyhow::Result<Request> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("driver: unreadable request: {e}"))?;
    let version = value.get("protocol").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != u64::from(PROTOCOL_VERSION) {
        anyhow::bail!(
            "driver speaks protocol version {PROTOCOL_VERSION}, the request has version {version}: rebuild the drivers \
             and wasmgauge from one checkout"
        );
    }
    let envelope: Envelope<Request> =
        serde_json::from_value(value).map_err(|e| anyhow::anyhow!("driver: unknown request: {e}"))?;
    Ok(envelope.body)
}

/// Reads the reply line out of a driver's stdout, refusing other protocol versions.
pub fn parse_reply(stdout: &str) -> Option<anyhow::Result<Reply>> {
    let line = stdout.lines().rev().find_map(|l| l.strip_prefix(REPLY_MARKER))?;
    Some((|| {
        let value: serde_json::Value = serde_json::from_str(line)?;
        let version = value.get("protocol").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != u64::from(PROTOCOL_VERSION) {
            anyhow::bail!("the driver replied in protocol version {version}; this wasmgauge speaks {PROTOCOL_VERSION}");
        }
        let envelope: Envelope<Reply> = serde_json::from_value(value)?;
        Ok(envelope.body)
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_replies_round_trip_and_versions_are_checked() {
        let req = Request::Measure(MeasureRequest {
            scenario: results::ids::THROUGHPUT.into(),
            subject: "wasmi-eager".into(),
            options: EngineOptions::default(),
            cell: serde_json::json!({"x": 1}),
        });
        let line = serde_json::to_string(&Envelope::new(&req)).unwrap();
        assert!(matches!(parse_request(&line).unwrap(), Request::Measure(m) if m.subject == "wasmi-eager"));
        let old = line.replace("\"protocol\":1", "\"protocol\":0");
        assert!(parse_request(&old).unwrap_err().to_string().contains("protocol version 1"));
        let out = format!("guest noise\n{}\n", reply_line(&Reply::Failed("boom".into())));
        assert!(matches!(parse_reply(&out), Some(Ok(Reply::Failed(m))) if m == "boom"));
        assert!(parse_reply("no reply here").is_none());
    }
}
