//! Spoken sessions through the real binary and the real models: a recording of the trainee's
//! turns in, the coded events and a recording of the whole conversation out; and barge-in, when
//! the trainee speaks over the patient.
//!
//! The trainee's speech is synthesized here with espeak-ng (a voice unlike the patient's) and
//! written to a temporary folder; nothing else touches the disk.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Speaks `lines` with espeak-ng into one 16 kHz mono WAV file, after `lead_s` of silence, each
/// line followed by its pause.
fn trainee_recording(dir: &Path, name: &str, lead_s: f32, lines: &[(&str, f32)]) -> PathBuf {
    let silence = |path: &Path, seconds: f32| {
        let status = Command::new("sox")
            .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
            .arg(path)
            .args(["trim", "0", &seconds.to_string()])
            .status()
            .expect("sox runs");
        assert!(status.success());
    };
    let lead = dir.join(format!("{name}-lead.wav"));
    silence(&lead, lead_s);
    let mut parts = vec![lead];
    for (index, (line, pause_s)) in lines.iter().enumerate() {
        let raw = dir.join(format!("{name}-raw{index}.wav"));
        let status = Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", "160", "-w"])
            .arg(&raw)
            .arg(line)
            .status()
            .expect("espeak-ng runs (tests/setup installs it)");
        assert!(status.success());
        let spoken = dir.join(format!("{name}-line{index}.wav"));
        let pause = dir.join(format!("{name}-pause{index}.wav"));
        let sox = |args: &[&std::ffi::OsStr]| {
            let status = Command::new("sox").args(args).status().expect("sox runs");
            assert!(status.success());
        };
        sox(&[
            raw.as_os_str(),
            "-r".as_ref(),
            "16000".as_ref(),
            "-c".as_ref(),
            "1".as_ref(),
            "-b".as_ref(),
            "16".as_ref(),
            spoken.as_os_str(),
        ]);
        silence(&pause, *pause_s);
        parts.push(spoken);
        parts.push(pause);
    }
    let out = dir.join(format!("{name}.wav"));
    let status = Command::new("sox").args(&parts).arg(&out).status().expect("sox runs");
    assert!(status.success());
    out
}

/// Runs `rapport session` on a recording; returns the JSON events and the conversation's length
/// in seconds.
fn spoken_session(input: &Path, output: &Path, turn_taking: &str) -> Vec<Value> {
    let result = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["session", "--scenario", "alcohol-weekend", "--seed", "3", "--turn-taking"])
        .arg(turn_taking)
        .arg("--audio-in")
        .arg(input)
        .arg("--audio-out")
        .arg(output)
        .env_remove("RAPPORT_LOG")
        .output()
        .expect("the rapport binary runs");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    String::from_utf8(result.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
        .collect()
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|event| event["event"] == kind).collect()
}

/// Length in seconds and RMS level of a 16-bit mono WAV file's samples between two times.
fn wav_stats(path: &Path) -> (f64, Vec<i16>) {
    let bytes = std::fs::read(path).expect("the conversation file");
    assert_eq!(&bytes[..4], b"RIFF");
    let data = bytes.windows(4).position(|w| w == b"data").expect("a data chunk") + 8;
    let samples: Vec<i16> =
        bytes[data..].chunks_exact(2).map(|pair| i16::from_le_bytes([pair[0], pair[1]])).collect();
    (samples.len() as f64 / 16_000.0, samples)
}

fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / samples.len() as f64)
        .sqrt()
}

#[test]
fn a_recording_of_the_trainees_turns_becomes_a_coded_spoken_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = [
        ("What brings you in to see me today?", 1.5),
        ("It sounds like the weekends matter a lot to you.", 1.5),
        ("Would it be okay if I shared what the blood test means?", 1.5),
    ];
    let input = trainee_recording(dir.path(), "turns", 0.5, &lines);
    let output = dir.path().join("conversation.wav");
    let events = spoken_session(&input, &output, "wait");

    // Each spoken line is heard once, transcribed close to what was said, and coded.
    let heard = of_kind(&events, "trainee");
    assert_eq!(heard.len(), 3, "{events:#?}");
    let words = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    for (event, (said, _)) in heard.iter().zip(lines) {
        let got = words(event["text"].as_str().expect("text"));
        let want = words(said);
        let missing = want.iter().filter(|w| !got.contains(w)).count();
        assert!(missing * 4 <= want.len(), "heard {got:?} for {want:?}");
    }
    let codes = of_kind(&events, "code");
    assert_eq!(codes.len(), 3);
    // Each pause before the end showed the code early, and the engine agreed with it.
    let early = of_kind(&events, "early_code");
    assert_eq!(early.len(), 3, "{events:#?}");
    for (early, code) in early.iter().zip(&codes) {
        assert_eq!(early["fine"], code["fine"]);
    }
    assert_eq!(codes[0]["fine"], "open_question");
    assert_eq!(codes[1]["main"], "reflection");
    assert_eq!(codes[2]["fine"], "seeking_collaboration");

    // The patient answers each turn in a voice, and the recording waits while the patient speaks.
    let voices = of_kind(&events, "patient_voice");
    assert!(voices.len() >= 4, "the opening, three replies and the closing: {voices:#?}");
    assert!(voices.iter().all(|v| v["interrupted"] == false), "{voices:#?}");
    let starts = of_kind(&events, "speech_started");
    assert_eq!(starts.len(), 3);
    for window in voices.windows(2) {
        assert!(window[0]["ended_ms"].as_u64() <= window[1]["started_ms"].as_u64());
    }
    // The second utterance began after the reply to the first had finished.
    let reply_end = voices[1]["ended_ms"].as_u64().expect("ms");
    assert!(starts[1]["at_ms"].as_u64().expect("ms") >= reply_end, "{events:#?}");

    // The summary measures talk in time, and the session is wiped at the end.
    let summary = of_kind(&events, "summary");
    let share = summary[0]["talk_share"].as_f64().expect("talk share");
    assert!(share > 5.0 && share < 60.0, "trainee's share of the talk {share}");
    assert_eq!(summary[0]["interruptions"], 0);
    assert_eq!(events.last().expect("events")["event"], "wiped");

    // The conversation file holds both voices: longer than the trainee's recording, with sound
    // where the patient spoke.
    let (input_s, _) = wav_stats(&input);
    let (output_s, samples) = wav_stats(&output);
    assert!(output_s > input_s + 3.0, "conversation {output_s} s, trainee {input_s} s");
    let opening_end = voices[0]["ended_ms"].as_u64().expect("ms") as usize * 16;
    assert!(rms(&samples[..opening_end]) > 300.0, "the opening line is audible in the file");
}

#[test]
fn speaking_over_the_patient_stops_the_patient() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The trainee lets the patient's opening line finish (it lasts a few seconds), then the
    // second line comes a second after the first, while the patient is still answering.
    let lines = [
        ("How have your weekends been lately?", 1.0),
        ("Sorry, I mean the Saturdays with your friends.", 2.0),
    ];
    let input = trainee_recording(dir.path(), "live", 15.0, &lines);
    let output = dir.path().join("conversation.wav");
    let events = spoken_session(&input, &output, "live");

    let barge_ins = of_kind(&events, "barge_in");
    assert_eq!(barge_ins.len(), 1, "{events:#?}");
    let cut = of_kind(&events, "patient_voice")
        .into_iter()
        .filter(|voice| voice["interrupted"] == true)
        .collect::<Vec<_>>();
    assert_eq!(cut.len(), 1, "{events:#?}");
    // The patient stopped within a frame or two of the trainee's confirmed start.
    let stopped = cut[0]["ended_ms"].as_u64().expect("ms");
    let barged = barge_ins[0]["at_ms"].as_u64().expect("ms");
    assert!(stopped.abs_diff(barged) <= 64, "stopped {stopped} ms, barge-in {barged} ms");
    let summary = of_kind(&events, "summary");
    assert_eq!(summary[0]["interruptions"], 1);
    assert_eq!(of_kind(&events, "trainee").len(), 2);

    // In the file, the patient falls silent where they were cut off: after the cut only the
    // trainee's second line is heard, not the rest of the reply on top of it.
    let (_, samples) = wav_stats(&output);
    let after = (stopped as usize + 100) * 16;
    let second_start = of_kind(&events, "speech_started")[1]["at_ms"].as_u64().expect("ms");
    assert!(second_start <= stopped);
    assert!(samples.len() > after);
}
