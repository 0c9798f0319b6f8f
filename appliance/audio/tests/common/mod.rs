//! Helpers shared by the integration tests: test audio made with `sox` and `espeak-ng` into a
//! temporary folder, reading every frame of an input, and the measures the tests assert on.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rapport_audio::{AudioFrame, AudioInput};

/// Writes a sine of `freq` Hz lasting `seconds` at `rate` Hz with `channels` channels (16-bit),
/// amplitude 0.5, with sox.
pub fn sox_tone(
    dir: &Path,
    name: &str,
    rate: u32,
    channels: u32,
    seconds: f32,
    freq: u32,
) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("sox")
        .args(["-n", "-r", &rate.to_string(), "-c", &channels.to_string(), "-b", "16"])
        .arg(&path)
        .args(["synth", &seconds.to_string(), "sine", &freq.to_string(), "vol", "0.5"])
        .status()
        .expect("sox runs (apt package sox)");
    assert!(status.success(), "sox failed");
    path
}

/// Speaks `text` with espeak-ng into a WAV file (22 050 Hz mono).
pub fn espeak(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("espeak-ng")
        .arg("-w")
        .arg(&path)
        .arg(text)
        .status()
        .expect("espeak-ng runs (apt package espeak-ng)");
    assert!(status.success(), "espeak-ng failed");
    path
}

/// The number of samples in a WAV file, per channel, and its rate, as sox reads them.
pub fn sox_samples(path: &Path) -> (u64, u32) {
    let info = |flag: &str| {
        let out = Command::new("soxi").arg(flag).arg(path).output().expect("soxi runs");
        String::from_utf8(out.stdout).expect("soxi prints text").trim().to_owned()
    };
    (info("-s").parse().expect("a sample count"), info("-r").parse().expect("a rate"))
}

/// Every frame of `input`, until it ends.
pub fn read_all(input: &mut dyn AudioInput) -> Vec<AudioFrame> {
    let mut frames = Vec::new();
    while let Some(frame) = input.next_frame().expect("the input reads") {
        frames.push(frame);
    }
    frames
}

/// The samples of `frames`, joined.
pub fn joined(frames: &[AudioFrame]) -> Vec<f32> {
    frames.iter().flat_map(|frame| frame.samples().iter().copied()).collect()
}

/// How many times the signal changes sign.
pub fn zero_crossings(samples: &[f32]) -> usize {
    samples.windows(2).filter(|pair| (pair[0] < 0.0) != (pair[1] < 0.0)).count()
}

/// The root mean square of the signal.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}

/// A sine of `freq` Hz at `rate` Hz, amplitude `amplitude`, `seconds` long.
pub fn sine(rate: u32, freq: f32, amplitude: f32, seconds: f32) -> Vec<f32> {
    let count = (rate as f32 * seconds) as usize;
    (0..count)
        .map(|n| amplitude * (2.0 * std::f32::consts::PI * freq * n as f32 / rate as f32).sin())
        .collect()
}
