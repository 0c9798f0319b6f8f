//! The audio values that cross this crate's boundary: input frames, output chunks, and the
//! timeline that turns sample counts into milliseconds. Both buffers wipe their samples on drop.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::AudioError;

/// A run of 16 kHz mono samples from an [`AudioInput`](crate::AudioInput), wiped on drop.
/// Its `Debug` shows the position and length, never a sample.
pub struct AudioFrame {
    start: u64,
    samples: Zeroizing<Vec<f32>>,
}

impl AudioFrame {
    /// A frame whose first sample is sample number `start` of its input.
    pub fn new(start: u64, samples: Zeroizing<Vec<f32>>) -> Self {
        Self { start, samples }
    }

    /// The position of the first sample, in samples since the input started.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The position just after the last sample.
    pub fn end(&self) -> u64 {
        self.start + self.samples.len() as u64
    }

    /// The samples, in [-1, 1]. Every frame has [`FRAME_SAMPLES`](crate::FRAME_SAMPLES) of them
    /// except possibly the last one of a file, which is shorter.
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the frame holds no sample.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Mono `f32` audio at a given rate, for an [`AudioOutput`](crate::AudioOutput); wiped on drop.
/// Its `Debug` shows the rate and length, never a sample.
pub struct PcmChunk {
    rate: u32,
    samples: Zeroizing<Vec<f32>>,
}

impl PcmChunk {
    /// A chunk of `samples` at `rate` Hz (the patient's voice comes at 22 050 Hz).
    ///
    /// # Errors
    /// [`AudioError::InvalidChunk`] when the rate is zero or there is no sample.
    pub fn new(rate: u32, samples: Zeroizing<Vec<f32>>) -> Result<Self, AudioError> {
        if rate == 0 {
            return Err(AudioError::InvalidChunk("sample rate is zero"));
        }
        if samples.is_empty() {
            return Err(AudioError::InvalidChunk("no samples"));
        }
        Ok(Self { rate, samples })
    }

    /// A chunk holding a copy of `samples` (the patient's voice from the speech crate, say), in a
    /// buffer sized once and wiped on drop.
    ///
    /// # Errors
    /// [`AudioError::InvalidChunk`] when the rate is zero or there is no sample.
    pub fn copy_from(rate: u32, samples: &[f32]) -> Result<Self, AudioError> {
        let mut copy = Zeroizing::new(Vec::with_capacity(samples.len()));
        copy.extend_from_slice(samples);
        Self::new(rate, copy)
    }

    /// The sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The samples, in [-1, 1].
    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    /// How long the chunk plays, in milliseconds (rounded down).
    pub fn duration_ms(&self) -> u64 {
        Timeline::new(self.rate).ms(self.samples.len() as u64)
    }
}

impl fmt::Debug for AudioFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AudioFrame")
            .field("start", &self.start)
            .field("len", &self.samples.len())
            .finish()
    }
}

impl fmt::Debug for PcmChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PcmChunk")
            .field("rate", &self.rate)
            .field("len", &self.samples.len())
            .finish()
    }
}

/// Converts sample counts at one rate to milliseconds and back, so talk time and interruptions
/// can be computed from frame positions alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeline {
    rate: u32,
}

impl Timeline {
    /// The timeline of a stream at `rate` Hz; the input's is `Timeline::new(INPUT_RATE)`.
    pub fn new(rate: u32) -> Self {
        Self { rate: rate.max(1) }
    }

    /// Milliseconds from the start to sample `position` (rounded down).
    pub fn ms(&self, position: u64) -> u64 {
        position * 1000 / u64::from(self.rate)
    }

    /// The sample at `ms` milliseconds from the start (rounded down).
    pub fn samples(&self, ms: u64) -> u64 {
        ms * u64::from(self.rate) / 1000
    }

    /// Milliseconds between two positions, zero when `to` is not after `from`.
    pub fn span_ms(&self, from: u64, to: u64) -> u64 {
        self.ms(to.saturating_sub(from))
    }

    /// The same position on a timeline at another rate (rounded to the nearest sample).
    pub fn convert(&self, position: u64, to: Timeline) -> u64 {
        let rate = u64::from(self.rate);
        (position * u64::from(to.rate) + rate / 2) / rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_converts_samples_and_milliseconds() {
        let input = Timeline::new(16_000);
        assert_eq!(input.ms(16_000), 1000);
        assert_eq!(input.ms(512), 32);
        assert_eq!(input.samples(250), 4000);
        assert_eq!(input.span_ms(32_000, 16_000), 0);
        assert_eq!(input.span_ms(16_000, 24_000), 500);
        assert_eq!(input.convert(16_000, Timeline::new(22_050)), 22_050);
        assert_eq!(Timeline::new(22_050).convert(11_025, input), 8000);
    }

    #[test]
    fn debug_shows_no_sample() {
        let frame = AudioFrame::new(512, Zeroizing::new(vec![0.123_456; 4]));
        let chunk = PcmChunk::new(22_050, Zeroizing::new(vec![0.654_321; 3])).expect("valid");
        let shown = format!("{frame:?} {chunk:?}");
        assert_eq!(shown, "AudioFrame { start: 512, len: 4 } PcmChunk { rate: 22050, len: 3 }");
    }

    #[test]
    fn a_chunk_needs_a_rate_and_samples() {
        assert!(PcmChunk::new(0, Zeroizing::new(vec![0.0])).is_err());
        assert!(PcmChunk::new(22_050, Zeroizing::new(Vec::new())).is_err());
        let chunk = PcmChunk::new(22_050, Zeroizing::new(vec![0.0; 11_025])).expect("valid");
        assert_eq!(chunk.duration_ms(), 500);
        let copied = PcmChunk::copy_from(16_000, &[0.25; 8]).expect("valid");
        assert_eq!((copied.rate(), copied.samples()), (16_000, &[0.25; 8][..]));
        assert!(PcmChunk::copy_from(16_000, &[]).is_err());
    }
}
