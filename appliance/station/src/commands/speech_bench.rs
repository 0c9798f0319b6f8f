//! `rapport bench speech`: the speech figures of issue 3, each beside its baseline from the same
//! run.
//!
//! Two parts:
//! - the recogniser, the VAD and the voices on their own (`rapport_speech::bench`): word error
//!   rate and real-time factors, whisper with the station's settings against whisper's defaults;
//! - the whole conversation loop ([`crate::spoken::Conversation`]), fed a recording of clinician
//!   lines spoken by espeak-ng: for each utterance, the time from the end of speech to the final
//!   transcript, to its code and to the patient's first audio (median and 95th percentile), once
//!   with the station's whisper settings and once with whisper's defaults, the word error rate of
//!   what the engine was told (the endpointer's cuts and the early transcripts included), and the
//!   process's peak resident memory.
//!
//! The loop runs faster than real time on a recording, so its compute is measured in wall time
//! and placed on the audio's timeline, where a live trainee's silence passes in real time. "End
//! of speech" is the VAD's last speech frame. When the trainee pauses for the early-offer time
//! the utterance so far is transcribed and coded (the code is shown then); if the pause lasts to
//! the trailing silence, that transcript is the one used, so:
//! - code shown = early offer + early compute;
//! - final transcript = the later of the trailing silence and the early transcript;
//! - first audio = final transcript + the engine and the first sentence of the reply.
//!
//! Without a usable early transcript (the trainee went on), each step is the trailing silence
//! plus its compute.

use std::process::ExitCode;

use anyhow::Context as _;
use rapport_audio::{AudioError, AudioFrame, AudioInput, ConversationWriter, FRAME_SAMPLES};
use rapport_session::SessionEvent;
use rapport_speech::asr::WhisperModel;
use rapport_speech::bench::{CLINICIAN_LINES, synthesize};
use rapport_speech::endpoint::DEFAULT_TRAILING_SILENCE_MS;
use rapport_speech::wer::{normalized_words, word_errors};
use rapport_speech::{EndpointConfig, EspeakVoice, WhisperSettings};
use serde::Serialize;
use zeroize::Zeroizing;

use super::session::{find, start};
use crate::catalog;
use crate::cli::BenchArgs;
use crate::spoken::{Conversation, Heard, Latency, TurnTaking, models};

/// Issue 3's targets, in milliseconds from the end of speech, and the memory ceiling.
const CODE_P95_TARGET_MS: f64 = 500.0;
const FIRST_AUDIO_MEDIAN_TARGET_MS: f64 = 800.0;
const FIRST_AUDIO_P95_TARGET_MS: f64 = 1500.0;
const WER_TARGET: f64 = 0.05;
const RESIDENT_TARGET_MB: f64 = 600.0;

/// Silence before the first line and after each line of the trainee's recording, in seconds.
const LEAD_S: f32 = 0.5;
const PAUSE_S: f32 = 1.5;
/// The clinician lines are said this many times, for enough utterances per percentile.
const PASSES: usize = 2;

/// Median and 95th percentile of one latency, in milliseconds from the end of speech.
#[derive(Clone, Copy, Debug, Serialize)]
struct Spread {
    median_ms: f64,
    p95_ms: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Self {
        if values.is_empty() {
            return Self { median_ms: f64::NAN, p95_ms: f64::NAN };
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            // Nearest rank: the smallest value with at least q of the values at or below it.
            let rank = (q * values.len() as f64).ceil() as usize;
            values[rank.clamp(1, values.len()) - 1]
        };
        Self { median_ms: at(0.5), p95_ms: at(0.95) }
    }
}

/// What the conversation loop measured with one set of whisper settings.
#[derive(Debug, Serialize)]
struct PipelineFigures {
    settings: &'static str,
    utterances_said: usize,
    utterances_coded: usize,
    /// Utterances whose early transcript (at the pause) was the final one.
    utterances_early: usize,
    to_transcript: Spread,
    to_code: Spread,
    to_first_audio: Spread,
    /// Word error rate of the transcripts the engine got, against the lines said: what the
    /// endpointer's cuts and the early transcripts cost, beside the recogniser's own rate.
    word_error_rate: f64,
    peak_resident_mb: f64,
}

#[derive(Serialize)]
struct Report<'a> {
    trailing_silence_ms: u32,
    word_error_rate_tuned: f64,
    word_error_rate_default: f64,
    decode_ratio_default_over_tuned: f64,
    tuned: &'a PipelineFigures,
    default: &'a PipelineFigures,
}

/// The trainee's recording, in RAM, as an audio input.
struct Recording {
    samples: Zeroizing<Vec<f32>>,
    position: usize,
}

impl AudioInput for Recording {
    fn next_frame(&mut self) -> Result<Option<AudioFrame>, AudioError> {
        if self.position >= self.samples.len() {
            return Ok(None);
        }
        let end = (self.position + FRAME_SAMPLES).min(self.samples.len());
        let frame = AudioFrame::new(
            self.position as u64,
            Zeroizing::new(self.samples[self.position..end].to_vec()),
        );
        self.position = end;
        Ok(Some(frame))
    }
}

/// The clinician lines spoken by espeak-ng (a voice unlike the patient's), 16 kHz, with pauses.
fn trainee_recording() -> anyhow::Result<(Zeroizing<Vec<f32>>, usize)> {
    let mut voice = EspeakVoice::new("en-us");
    let lines = synthesize(&mut voice, &CLINICIAN_LINES).context("while speaking the lines")?;
    let silence = |seconds: f32| vec![0.0_f32; (seconds * 16_000.0) as usize];
    let mut samples = Zeroizing::new(silence(LEAD_S));
    for _ in 0..PASSES {
        for line in &lines {
            samples.extend_from_slice(line.audio.samples());
            samples.extend(silence(PAUSE_S));
        }
    }
    Ok((samples, lines.len() * PASSES))
}

/// Peak resident memory of this process so far (`VmHWM`), in MB.
pub(crate) fn peak_resident_mb() -> anyhow::Result<f64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("while reading /proc/self/status")?;
    let kb = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .context("no VmHWM line in /proc/self/status")?;
    Ok(kb / 1024.0)
}

/// One utterance's steps in milliseconds from the end of speech, on a live trainee's timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Timeline {
    transcript: f64,
    code: f64,
    first_audio: Option<f64>,
}

impl Timeline {
    fn of(latency: &Latency) -> Self {
        let trailing = f64::from(DEFAULT_TRAILING_SILENCE_MS);
        let early_after = f64::from(EndpointConfig::default().early_after_ms);
        // What the loop did after the endpointer's decision, beyond the transcript.
        let reply = latency.first_audio_ms.map(|ms| ms - latency.transcript_ms);
        match latency.early_ms {
            Some(early) => {
                let transcript = trailing.max(early_after + early) + latency.transcript_ms;
                Self {
                    transcript,
                    code: early_after + early,
                    first_audio: reply.map(|ms| transcript + ms),
                }
            }
            None => Self {
                transcript: trailing + latency.transcript_ms,
                code: trailing + latency.code_ms,
                first_audio: latency.first_audio_ms.map(|ms| trailing + ms),
            },
        }
    }
}

/// One whole spoken session on the recording, with `settings` for whisper.
fn pipeline(
    store: &rapport_models::ModelStore,
    name: &'static str,
    settings: WhisperSettings,
    recording: &Zeroizing<Vec<f32>>,
    said: usize,
) -> anyhow::Result<PipelineFigures> {
    let catalog = catalog::builtin().catalog;
    let scenario = find(&catalog, catalog::DEFAULT_SCENARIO)?;
    let ears = models::ears_with(store, WhisperModel::TinyEn, settings)?;
    let voice = models::voice(store)?;
    let mut stage = ConversationWriter::timing_only();
    let (session, opening) = start(scenario, 1);
    let mut conversation =
        Conversation::new(session, ears, voice, &mut stage, TurnTaking::Wait, false);
    let mut input = Recording { samples: Zeroizing::new(recording.to_vec()), position: 0 };
    let mut latencies: Vec<Latency> = Vec::new();
    // What the engine was told, in order (fixed bench lines, wiped with the string).
    let mut heard_text = Zeroizing::new(String::new());
    conversation.run(&opening, &mut input, &mut |heard| {
        match heard {
            Heard::Latency(latency) => latencies.push(latency),
            Heard::Session(SessionEvent::Trainee { text, .. }) => {
                heard_text.push_str(text.expose());
                heard_text.push(' ');
            }
            _ => {}
        }
        Ok(())
    })?;
    conversation.wipe()?;
    drop(conversation);
    let timeline: Vec<Timeline> = latencies.iter().map(Timeline::of).collect();
    let spread = |pick: &dyn Fn(&Timeline) -> Option<f64>| {
        Spread::of(timeline.iter().filter_map(pick).collect())
    };
    Ok(PipelineFigures {
        settings: name,
        utterances_said: said,
        utterances_coded: latencies.len(),
        utterances_early: latencies.iter().filter(|l| l.early_ms.is_some()).count(),
        to_transcript: spread(&|t| Some(t.transcript)),
        to_code: spread(&|t| Some(t.code)),
        to_first_audio: spread(&|t| t.first_audio),
        word_error_rate: loop_word_error_rate(&heard_text),
        peak_resident_mb: peak_resident_mb()?,
    })
}

/// Word error rate of everything the engine was told against every line said, in order (whole
/// conversation, so an utterance split or joined by the endpointer costs only its errors).
fn loop_word_error_rate(heard: &str) -> f64 {
    let said = CLINICIAN_LINES.join(" ");
    let reference = [said.as_str(); PASSES].join(" ");
    let words = normalized_words(&reference).len().max(1);
    word_errors(&reference, heard) as f64 / words as f64
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let store = models::store()?;
    let (recording, said) = trainee_recording()?;
    // The station's own run first, so the peak memory it reports is the station's alone.
    eprintln!("bench speech: whole conversations, tuned whisper…");
    let tuned = pipeline(&store, "tuned", WhisperSettings::tuned(), &recording, said)?;
    eprintln!("bench speech: recogniser, VAD and voices on their own…");
    let parts = rapport_speech::bench::run(&store, WhisperModel::TinyEn)
        .context("while measuring the speech models")?;
    eprintln!("bench speech: whole conversations, whisper's defaults…");
    let default =
        pipeline(&store, "default", WhisperSettings::default_whisper(), &recording, said)?;
    let decode_ratio = parts.default.mean_latency.as_secs_f64()
        / parts.tuned.mean_latency.as_secs_f64().max(f64::EPSILON);
    if args.json {
        let report = Report {
            trailing_silence_ms: DEFAULT_TRAILING_SILENCE_MS,
            word_error_rate_tuned: parts.tuned.word_error_rate,
            word_error_rate_default: parts.default.word_error_rate,
            decode_ratio_default_over_tuned: decode_ratio,
            tuned: &tuned,
            default: &default,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{parts}");
    println!("decoding, whisper's defaults / station's settings: {decode_ratio:.2}x");
    println!();
    println!(
        "whole conversation loop, {said} utterances said by espeak-ng, ms from the end of speech \
         (the VAD's last speech frame; {DEFAULT_TRAILING_SILENCE_MS} ms trailing silence)"
    );
    println!(
        "(an early transcript after {} ms of silence, reused when the pause was the end)",
        EndpointConfig::default().early_after_ms
    );
    println!(
        "settings  coded  early  transcript med/p95   code med/p95   first audio med/p95   WER    peak MB"
    );
    for figures in [&tuned, &default] {
        println!(
            "{:<8} {:>3}/{:<3} {:>5} {:>8.0} /{:>6.0} {:>7.0} /{:>6.0} {:>10.0} /{:>6.0} {:>5.1} % {:>7.0}",
            figures.settings,
            figures.utterances_coded,
            figures.utterances_said,
            figures.utterances_early,
            figures.to_transcript.median_ms,
            figures.to_transcript.p95_ms,
            figures.to_code.median_ms,
            figures.to_code.p95_ms,
            figures.to_first_audio.median_ms,
            figures.to_first_audio.p95_ms,
            figures.word_error_rate * 100.0,
            figures.peak_resident_mb,
        );
    }
    println!(
        "ratio default/tuned, median to code: {:.2}x",
        default.to_code.median_ms / tuned.to_code.median_ms.max(f64::EPSILON)
    );
    println!();
    println!("targets (tuned, tiny.en, CPU):");
    let code_p95 = tuned.to_code.p95_ms;
    println!(
        "  code shown p95 {code_p95:.0} ms <= {CODE_P95_TARGET_MS:.0} ms: {}",
        verdict(code_p95 <= CODE_P95_TARGET_MS)
    );
    let (audio_median, audio_p95) = (tuned.to_first_audio.median_ms, tuned.to_first_audio.p95_ms);
    println!(
        "  first audio median {audio_median:.0} ms <= {FIRST_AUDIO_MEDIAN_TARGET_MS:.0} ms: {}",
        verdict(audio_median <= FIRST_AUDIO_MEDIAN_TARGET_MS)
    );
    println!(
        "  first audio p95 {audio_p95:.0} ms <= {FIRST_AUDIO_P95_TARGET_MS:.0} ms: {}",
        verdict(audio_p95 <= FIRST_AUDIO_P95_TARGET_MS)
    );
    let wer = parts.tuned.word_error_rate;
    println!(
        "  word error rate {:.1} % <= {:.0} %: {}",
        wer * 100.0,
        WER_TARGET * 100.0,
        verdict(wer <= WER_TARGET)
    );

    // The peak after the tuned run, which ran first: the station's own models, loaded once.
    let resident = tuned.peak_resident_mb;
    println!(
        "  peak resident {resident:.0} MB < {RESIDENT_TARGET_MB:.0} MB: {}",
        verdict(resident < RESIDENT_TARGET_MB)
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_early_transcript_moves_the_code_before_the_trailing_silence() {
        let early = Timeline::of(&Latency {
            transcript_ms: 0.5,
            code_ms: 0.6,
            first_audio_ms: Some(80.5),
            early_ms: Some(200.0),
        });
        assert_eq!(early.code, 328.0);
        assert_eq!(early.transcript, 600.5);
        assert_eq!(early.first_audio, Some(680.5));
        // An early transcript slower than the trailing silence delays the final one.
        let slow = Timeline::of(&Latency {
            transcript_ms: 0.0,
            code_ms: 0.0,
            first_audio_ms: Some(50.0),
            early_ms: Some(500.0),
        });
        assert_eq!((slow.transcript, slow.first_audio), (628.0, Some(678.0)));
        let late = Timeline::of(&Latency {
            transcript_ms: 200.0,
            code_ms: 201.0,
            first_audio_ms: None,
            early_ms: None,
        });
        assert_eq!((late.transcript, late.code, late.first_audio), (800.0, 801.0, None));
    }

    #[test]
    fn the_loops_word_error_rate_counts_every_pass_in_order() {
        let said = CLINICIAN_LINES.join(" ");
        let everything = [said.as_str(); PASSES].join(" ");
        assert_eq!(loop_word_error_rate(&everything), 0.0);
        // One pass missing: half the words deleted.
        let rate = loop_word_error_rate(&said);
        assert!((rate - (PASSES - 1) as f64 / PASSES as f64).abs() < 1e-9, "{rate}");
        // Utterances split differently by the endpointer cost nothing.
        let resplit = everything.replace(". ", " ").replace("? ", "?\n");
        assert_eq!(loop_word_error_rate(&resplit), 0.0);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let spread = Spread::of((1..=20).map(f64::from).collect());
        assert_eq!(spread.median_ms, 10.0);
        assert_eq!(spread.p95_ms, 19.0);
        let one = Spread::of(vec![7.0]);
        assert_eq!((one.median_ms, one.p95_ms), (7.0, 7.0));
        assert!(Spread::of(Vec::new()).median_ms.is_nan());
    }
}
