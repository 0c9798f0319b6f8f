//! [`SpeechAudio`], mono `f32` samples that are wiped on drop, and [`resample`], a windowed-sinc
//! resampler (the Piper voice speaks at 22.05 kHz; the recogniser and the VAD hear 16 kHz).

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

/// The sample rate the VAD and the recogniser expect, in Hz.
pub const SAMPLE_RATE: u32 = 16_000;

/// Mono `f32` samples in [-1, 1] at a known rate, holding speech: wiped when dropped.
///
/// `Debug` prints the length and rate only.
#[derive(Clone)]
pub struct SpeechAudio {
    samples: Zeroizing<Vec<f32>>,
    rate: u32,
}

impl SpeechAudio {
    /// Takes ownership of `samples` (no copy) recorded at `rate` Hz.
    pub fn new(samples: Vec<f32>, rate: u32) -> Self {
        Self { samples: Zeroizing::new(samples), rate }
    }

    /// The samples.
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// The sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// How long the audio plays.
    pub fn duration(&self) -> Duration {
        duration_of(self.samples.len(), self.rate)
    }

    /// The same audio at `rate` Hz (a copy; this buffer is untouched).
    pub fn resampled(&self, rate: u32) -> SpeechAudio {
        SpeechAudio::new(resample(&self.samples, self.rate, rate), rate)
    }
}

impl fmt::Debug for SpeechAudio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpeechAudio(<{} samples at {} Hz>)", self.samples.len(), self.rate)
    }
}

/// How long `samples` samples last at `rate` Hz.
pub fn duration_of(samples: usize, rate: u32) -> Duration {
    if rate == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs_f64(samples as f64 / f64::from(rate))
}

/// Zero crossings of the sinc kept on each side of an output sample: the filter's length.
const SINC_ZERO_CROSSINGS: f64 = 16.0;
/// The low-pass cut-off as a fraction of the lower Nyquist frequency: a little below it, so the
/// windowed filter's transition band stays under Nyquist and nothing aliases.
const CUTOFF: f64 = 0.92;

/// `input` (at `from` Hz) resampled to `to` Hz by band-limited (windowed-sinc, Blackman window)
/// interpolation. When downsampling, the filter cuts below the new Nyquist frequency, so no
/// aliasing; the output has `ceil(len * to / from)` samples and no delay.
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let ratio = f64::from(to) / f64::from(from);
    // Cut-off relative to the input's sample rate (1.0 = input Nyquist).
    let cutoff = CUTOFF * ratio.min(1.0);
    let half_width = SINC_ZERO_CROSSINGS / cutoff;
    let out_len = (input.len() as f64 * ratio).ceil() as usize;
    let mut output = Vec::with_capacity(out_len);
    let last = input.len() as i64 - 1;
    for n in 0..out_len {
        let centre = n as f64 / ratio;
        let first = ((centre - half_width).ceil() as i64).max(0);
        let end = ((centre + half_width).floor() as i64).min(last);
        let mut sum = 0.0_f64;
        for k in first..=end {
            let offset = k as f64 - centre;
            // `k` is within 0..input.len() by the clamps above.
            sum += f64::from(input[k as usize]) * kernel(offset, cutoff, half_width);
        }
        output.push(sum as f32);
    }
    output
}

/// The windowed-sinc low-pass at `offset` input samples from the output sample's centre.
fn kernel(offset: f64, cutoff: f64, half_width: f64) -> f64 {
    use std::f64::consts::PI;
    let x = offset * cutoff;
    let sinc = if x.abs() < 1e-9 { 1.0 } else { (PI * x).sin() / (PI * x) };
    // Blackman window over [-half_width, half_width].
    let phase = (offset + half_width) / (2.0 * half_width);
    let window = 0.42 - 0.5 * (2.0 * PI * phase).cos() + 0.08 * (4.0 * PI * phase).cos();
    cutoff * sinc * window
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin() as f32)
            .collect()
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn a_tone_below_nyquist_keeps_its_level_and_phase() {
        let input = sine(440.0, 22_050, 1.0);
        let output = resample(&input, 22_050, 16_000);
        assert_eq!(output.len(), 16_000);
        let expected = sine(440.0, 16_000, 1.0);
        // Away from the edges the resampled tone is the tone sampled at 16 kHz.
        let error: f64 = output[500..15_500]
            .iter()
            .zip(&expected[500..15_500])
            .map(|(a, b)| f64::from(a - b).abs())
            .fold(0.0, f64::max);
        assert!(error < 0.01, "max error {error}");
    }

    #[test]
    fn a_tone_above_the_new_nyquist_is_removed_not_aliased() {
        // 10 kHz is representable at 22.05 kHz but not at 16 kHz (Nyquist 8 kHz).
        let input = sine(10_000.0, 22_050, 1.0);
        let output = resample(&input, 22_050, 16_000);
        assert!(rms(&output[500..15_500]) < 0.01, "rms {}", rms(&output[500..15_500]));
    }

    #[test]
    fn upsampling_keeps_a_tone() {
        let input = sine(1000.0, 16_000, 0.5);
        let output = resample(&input, 16_000, 48_000);
        assert_eq!(output.len(), 24_000);
        let expected = sine(1000.0, 48_000, 0.5);
        let error: f64 = output[1000..23_000]
            .iter()
            .zip(&expected[1000..23_000])
            .map(|(a, b)| f64::from(a - b).abs())
            .fold(0.0, f64::max);
        assert!(error < 0.01, "max error {error}");
    }

    #[test]
    fn same_rate_is_a_copy_and_debug_shows_no_samples() {
        let audio = SpeechAudio::new(vec![0.25, -0.5], 16_000);
        assert_eq!(audio.resampled(16_000).samples(), &[0.25, -0.5]);
        assert_eq!(format!("{audio:?}"), "SpeechAudio(<2 samples at 16000 Hz>)");
        assert_eq!(audio.duration(), Duration::from_secs_f64(2.0 / 16_000.0));
    }
}
