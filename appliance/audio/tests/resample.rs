//! Rate conversion of the patient's voice keeps its duration, pitch and level.

mod common;

use common::{rms, sine, zero_crossings};
use rapport_audio::{AudioError, resample};

#[test]
fn resampling_22050_to_16000_preserves_duration_and_frequency() {
    let tone = sine(22_050, 1000.0, 0.5, 2.0);
    let out = resample(&tone, 22_050, 16_000).expect("resamples");
    assert!((out.len() as i64 - 32_000).abs() <= 16, "{} samples", out.len());
    let per_second = zero_crossings(&out) as f32 / 2.0;
    assert!((per_second / 2.0 - 1000.0).abs() < 5.0, "{per_second} crossings per second");
    assert!((rms(&out[500..31_500]) - 0.5 / 2f32.sqrt()).abs() < 0.02);
}

#[test]
fn a_tone_above_the_new_nyquist_frequency_is_filtered_out() {
    // 9 kHz cannot exist at 16 kHz: a real resampler removes it instead of folding it to 7 kHz.
    let tone = sine(22_050, 9000.0, 0.5, 1.0);
    let out = resample(&tone, 22_050, 16_000).expect("resamples");
    assert!(rms(&out[500..15_500]) < 0.05, "rms {}", rms(&out[500..15_500]));
}

#[test]
fn the_same_rate_is_a_copy_and_a_zero_rate_is_refused() {
    let tone = sine(16_000, 440.0, 0.5, 0.1);
    assert_eq!(*resample(&tone, 16_000, 16_000).expect("copies"), tone);
    assert!(matches!(resample(&tone, 0, 16_000), Err(AudioError::InvalidChunk(_))));
}
