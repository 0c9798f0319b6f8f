//! WAV files in, 16 kHz mono frames out: rate, length, timestamps, tone and pacing, and the
//! errors for a missing or broken file.

mod common;

use std::time::Instant;

use common::{espeak, joined, read_all, rms, sox_samples, sox_tone, zero_crossings};
use rapport_audio::{AudioError, FRAME_SAMPLES, INPUT_RATE, Pacing, WavInput};

#[test]
fn a_stereo_44k_file_becomes_contiguous_16k_mono_frames() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = sox_tone(dir.path(), "tone.wav", 44_100, 2, 1.5, 440);
    let mut input = WavInput::open(&path, Pacing::AsFastAsPossible).expect("opens");
    let frames = read_all(&mut input);
    let mut expected_start = 0;
    for (index, frame) in frames.iter().enumerate() {
        assert_eq!(frame.start(), expected_start, "frame {index} follows the one before");
        if index + 1 < frames.len() {
            assert_eq!(frame.len(), FRAME_SAMPLES);
        } else {
            assert!(frame.len() <= FRAME_SAMPLES && !frame.is_empty());
        }
        expected_start = frame.end();
    }
    let samples = joined(&frames);
    // 1.5 s at 16 kHz, give or take the resampler's edges.
    assert!((samples.len() as i64 - 24_000).abs() <= 16, "{} samples", samples.len());
    // 440 Hz: two crossings per period.
    let crossings = zero_crossings(&samples) as f32 / 1.5;
    assert!((crossings / 2.0 - 440.0).abs() < 5.0, "{crossings} crossings per second");
    // Amplitude 0.5 survives the downmix of two equal channels.
    assert!((rms(&samples[1000..23_000]) - 0.5 / 2f32.sqrt()).abs() < 0.02);
}

#[test]
fn a_16k_mono_file_passes_through_sample_for_sample_in_length() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = sox_tone(dir.path(), "tone16.wav", INPUT_RATE, 1, 1.0, 1000);
    let (count, rate) = sox_samples(&path);
    assert_eq!(rate, INPUT_RATE);
    let mut input = WavInput::open(&path, Pacing::AsFastAsPossible).expect("opens");
    let frames = read_all(&mut input);
    assert_eq!(frames.last().map(|frame| frame.end()), Some(count));
    assert_eq!(frames.len(), (count as usize).div_ceil(FRAME_SAMPLES));
}

#[test]
fn synthetic_speech_keeps_its_duration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = espeak(dir.path(), "speech.wav", "How have things been going since we last spoke?");
    let (count, rate) = sox_samples(&path);
    let mut input = WavInput::open(&path, Pacing::AsFastAsPossible).expect("opens");
    let frames = read_all(&mut input);
    let got = frames.last().map_or(0, |frame| frame.end());
    let expected = count * u64::from(INPUT_RATE) / u64::from(rate);
    assert!(got.abs_diff(expected) <= 16, "{got} samples for {expected}");
    assert!(rms(&joined(&frames)) > 0.01, "speech is not silence");
}

#[test]
fn real_time_pacing_takes_at_least_the_file_duration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = sox_tone(dir.path(), "half.wav", 22_050, 1, 0.5, 300);
    let began = Instant::now();
    let mut input = WavInput::open(&path, Pacing::RealTime).expect("opens");
    let frames = read_all(&mut input);
    // A lower bound only: a loaded machine can be slower, never faster than the clock.
    assert!(began.elapsed().as_millis() >= 400, "{:?}", began.elapsed());
    assert!(frames.last().map_or(0, |frame| frame.end()).abs_diff(8000) <= 16);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nowhere.wav");
    let error = WavInput::open(&path, Pacing::AsFastAsPossible).err().expect("fails");
    assert!(matches!(&error, AudioError::File { path: named, .. } if *named == path));
    assert!(error.to_string().contains("nowhere.wav"), "{error}");
}

#[test]
fn a_file_that_is_not_a_wav_is_an_error_naming_it_with_gstreamers_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.wav");
    std::fs::write(&path, "this is not audio at all, just some text in a file".repeat(40))
        .expect("write");
    let error = WavInput::open(&path, Pacing::AsFastAsPossible).err().expect("fails");
    let text = error.to_string();
    assert!(matches!(error, AudioError::File { .. }), "{text}");
    assert!(text.contains("notes.wav"), "{text}");
    assert!(text.contains("wavparse"), "the element that refused it is named: {text}");
}
