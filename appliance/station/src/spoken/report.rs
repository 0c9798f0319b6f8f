//! What a spoken session shows: JSON lines for scripts and tests, or lines a person reads.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use super::Heard;
use crate::render;

/// One JSON line per event: the engine's events as `rapport session --script` prints them, and
/// the spoken session's own (`speech_started`, `caption`, `barge_in`, `not_understood`,
/// `patient_voice`, `early_code`, `latency`).
pub fn json(out: &mut impl Write, heard: &Heard<'_>) -> anyhow::Result<()> {
    match heard {
        Heard::Session(event) => serde_json::to_writer(&mut *out, event),
        Heard::SpeechStarted { at_ms } => {
            serde_json::to_writer(&mut *out, &At { event: "speech_started", at_ms: *at_ms })
        }
        Heard::BargeIn { at_ms } => {
            serde_json::to_writer(&mut *out, &At { event: "barge_in", at_ms: *at_ms })
        }
        Heard::NotUnderstood { at_ms } => {
            serde_json::to_writer(&mut *out, &At { event: "not_understood", at_ms: *at_ms })
        }
        Heard::Caption(text) => {
            serde_json::to_writer(&mut *out, &Caption { event: "caption", text: text.expose() })
        }
        Heard::PatientVoice(timing) => serde_json::to_writer(
            &mut *out,
            &PatientVoice {
                event: "patient_voice",
                started_ms: timing.started_ms,
                ended_ms: timing.ended_ms,
                interrupted: timing.interrupted,
            },
        ),
        Heard::EarlyCode(code) => serde_json::to_writer(
            &mut *out,
            &EarlyCode {
                event: "early_code",
                main: code.label.main(),
                fine: code.label,
                confidence: code.confidence,
                uncertain: code.uncertain(),
            },
        ),
        Heard::Latency(latency) => serde_json::to_writer(
            &mut *out,
            &Latency {
                event: "latency",
                transcript_ms: latency.transcript_ms,
                code_ms: latency.code_ms,
                first_audio_ms: latency.first_audio_ms,
                early_ms: latency.early_ms,
            },
        ),
    }
    .context("while writing an event")?;
    out.write_all(b"\n").context("while writing to stdout")?;
    out.flush().context("while writing to stdout")
}

/// Lines a person reads: the engine's events as the demo shows them, and a mark where the
/// trainee cut in.
pub fn terminal(out: &mut impl Write, heard: &Heard<'_>) -> anyhow::Result<()> {
    match heard {
        Heard::Session(event) => render::events(out, std::slice::from_ref(*event))?,
        Heard::BargeIn { .. } => writeln!(out, "     (you cut in: the patient stops)")?,
        Heard::NotUnderstood { .. } => {
            writeln!(out, "     (speech heard, but no words recognised: try again)")?;
        }
        Heard::Latency(latency) => {
            let first =
                latency.first_audio_ms.map_or(String::from("-"), |ms| format!("{ms:.0} ms"));
            writeln!(
                out,
                "     (heard in {:.0} ms, coded in {:.0} ms, patient's voice after {first})",
                latency.transcript_ms, latency.code_ms
            )?;
        }
        Heard::SpeechStarted { .. }
        | Heard::Caption(_)
        | Heard::PatientVoice(_)
        | Heard::EarlyCode(_) => {}
    }
    out.flush().context("while writing to stdout")
}

#[derive(Serialize)]
struct At {
    event: &'static str,
    at_ms: u64,
}

#[derive(Serialize)]
struct Caption<'a> {
    event: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct PatientVoice {
    event: &'static str,
    started_ms: u64,
    ended_ms: u64,
    interrupted: bool,
}

#[derive(Serialize)]
struct Latency {
    event: &'static str,
    transcript_ms: f64,
    code_ms: f64,
    first_audio_ms: Option<f64>,
    early_ms: Option<f64>,
}

#[derive(Serialize)]
struct EarlyCode {
    event: &'static str,
    main: rapport_coding::MainBehaviour,
    fine: rapport_coding::Label,
    confidence: f32,
    uncertain: bool,
}
