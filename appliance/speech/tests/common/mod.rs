//! Test audio: speech synthesized by espeak-ng and resampled to 16 kHz by sox, independently of
//! the crate's own voice and resampler. Files are written only under a temporary directory.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use rapport_speech::{SAMPLE_RATE, SpeechAudio};

/// `text` spoken by espeak-ng at `words_per_minute`, as 16 kHz mono samples (via two temp files).
pub fn espeak_16k(text: &str, words_per_minute: u16, dir: &Path) -> Vec<f32> {
    let wav = dir.join("espeak.wav");
    let raw = dir.join("espeak.f32");
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", &words_per_minute.to_string(), "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .expect("espeak-ng runs");
    assert!(status.success(), "espeak-ng failed");
    sox_to_16k(&wav, &raw)
}

/// `audio` (any rate) resampled to 16 kHz by sox, through temp files in `dir`.
pub fn sox_resample(audio: &SpeechAudio, dir: &Path) -> Vec<f32> {
    let input = dir.join("in.f32");
    let output = dir.join("out.f32");
    let bytes: Vec<u8> = audio.samples().iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(&input, bytes).expect("write temp audio");
    let status = Command::new("sox")
        .args(["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r"])
        .arg(audio.rate().to_string())
        .arg(&input)
        .args(["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r"])
        .arg(SAMPLE_RATE.to_string())
        .arg(&output)
        .status()
        .expect("sox runs");
    assert!(status.success(), "sox failed");
    read_f32(&output)
}

fn sox_to_16k(wav: &Path, raw: &Path) -> Vec<f32> {
    let status = Command::new("sox")
        .arg(wav)
        .args(["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r"])
        .arg(SAMPLE_RATE.to_string())
        .arg(raw)
        .status()
        .expect("sox runs");
    assert!(status.success(), "sox failed");
    read_f32(raw)
}

fn read_f32(path: &Path) -> Vec<f32> {
    std::fs::read(path)
        .expect("read sox output")
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// `seconds` of silence at 16 kHz.
pub fn silence(seconds: f64) -> Vec<f32> {
    vec![0.0; (seconds * f64::from(SAMPLE_RATE)) as usize]
}

/// The pieces one after the other.
pub fn concat(pieces: &[&[f32]]) -> Vec<f32> {
    pieces.iter().flat_map(|piece| piece.iter().copied()).collect()
}
