//! The endpointer: a pure state machine that turns per-frame speech probabilities into the start
//! and end of each utterance, with sample-accurate positions.
//!
//! It reads no clock and no audio: positions count samples from the start of the stream, so the
//! same probabilities always give the same events. [`crate::listen::Listener`] drives it from the
//! VAD and cuts the audio it names.
//!
//! - **Hysteresis**: speech starts on a frame at or above `start_threshold` and continues while
//!   frames stay at or above the lower `end_threshold`.
//! - **Minimum speech**: a start is confirmed only after `min_speech_ms` of speech, so a cough or
//!   a click does not open an utterance.
//! - **Trailing silence**: an utterance ends after `trailing_silence_ms` below `end_threshold`;
//!   long enough to bridge a comma or a breath, short enough not to keep the trainee waiting.
//! - **Pre-roll and post-roll**: the utterance is widened before its first and after its last
//!   speech frame, so the first and last syllables (quiet onsets, final fricatives) are kept.
//! - **Cap**: an utterance is cut at `max_utterance_ms`; if the speaker goes on, the next one
//!   starts where the cut was.

use crate::audio::SAMPLE_RATE;

/// Default trailing silence that ends an utterance, in milliseconds. Measured on synthesized
/// clinician sentences (see the crate's `endpoint_pauses` test): comma pauses, as the VAD sees
/// them, last at most about 0.35 s, so 0.6 s bridges them with margin and still ends an utterance
/// about 0.6 s after the last word.
pub const DEFAULT_TRAILING_SILENCE_MS: u32 = 600;

/// How the endpointer decides. Durations are in milliseconds; they are rounded to whole frames.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EndpointConfig {
    /// A frame at or above this probability may start speech.
    pub start_threshold: f32,
    /// Once speaking, a frame at or above this probability counts as speech.
    pub end_threshold: f32,
    /// Speech must last this long before an utterance is confirmed.
    pub min_speech_ms: u32,
    /// Silence of this length ends an utterance.
    pub trailing_silence_ms: u32,
    /// Audio kept before the first speech frame.
    pub pre_roll_ms: u32,
    /// Audio kept after the last speech frame.
    pub post_roll_ms: u32,
    /// Longest utterance; a longer one is cut here.
    pub max_utterance_ms: u32,
    /// Silence of this length (and at least the post-roll) offers the utterance so far for an
    /// early transcript ([`Endpointer::pause`]): if the speaker stays silent until
    /// `trailing_silence_ms`, the utterance that ends is exactly that audio. At or above
    /// `trailing_silence_ms`: never.
    pub early_after_ms: u32,
}

/// Default silence after which the utterance so far is offered for an early transcript: four
/// frames, as soon as the post-roll is complete, so the code can be on the screen well within
/// half a second of the last word. An offer the trainee talks over costs one transcript and is
/// dropped; one that lasts to the trailing silence is the utterance's final transcript.
pub const DEFAULT_EARLY_AFTER_MS: u32 = 128;

/// Default audio kept after the last speech frame. The VAD's lower continuation threshold
/// already holds on through a word's fading end; 128 ms beyond it gave the same transcripts as
/// 200 ms on the bench's clinician lines (`rapport bench speech`, loop word error rate), and it
/// lets the early offer come 96 ms sooner.
pub const DEFAULT_POST_ROLL_MS: u32 = 128;

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            start_threshold: 0.5,
            end_threshold: 0.35,
            min_speech_ms: 160,
            trailing_silence_ms: DEFAULT_TRAILING_SILENCE_MS,
            pre_roll_ms: 300,
            post_roll_ms: DEFAULT_POST_ROLL_MS,
            max_utterance_ms: 20_000,
            early_after_ms: DEFAULT_EARLY_AFTER_MS,
        }
    }
}

/// What the endpointer saw. Positions are sample indices from the start of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpeechEvent {
    /// An utterance was confirmed; its audio begins at `at` (pre-roll included).
    SpeechStarted {
        /// First sample of the utterance.
        at: u64,
    },
    /// The utterance that began at `start` is over; its audio is `start..end`.
    SpeechEnded {
        /// First sample of the utterance (as in `SpeechStarted`).
        start: u64,
        /// One past its last sample (post-roll included).
        end: u64,
        /// Why it ended.
        reason: EndReason,
    },
}

/// A pause inside an open utterance ([`Endpointer::pause`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    /// First sample of the utterance.
    pub start: u64,
    /// Where the utterance will end (post-roll included) if the pause lasts.
    pub end: u64,
    /// End of the last speech frame: the same for every frame of one pause.
    pub voiced_end: u64,
}

/// Why an utterance ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The speaker stopped for the trailing-silence time.
    Silence,
    /// The utterance reached the cap.
    Cap,
    /// The stream ended ([`Endpointer::finish`]).
    StreamEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Silence,
    /// Speech may be starting at `onset`; not yet long enough.
    Candidate {
        onset: u64,
    },
    /// Inside an utterance that began at `start`; the last speech frame ended at `voiced_end`.
    Speaking {
        start: u64,
        voiced_end: u64,
    },
}

/// Turns one probability per frame into [`SpeechEvent`]s.
#[derive(Clone, Debug)]
pub struct Endpointer {
    config: EndpointConfig,
    frame: u64,
    rate: u32,
    position: u64,
    /// Where the last utterance ended: the next one's pre-roll never reaches back past it.
    floor: u64,
    state: State,
}

impl Endpointer {
    /// An endpointer for frames of `frame_samples` samples at `rate` Hz.
    pub fn new(config: EndpointConfig, frame_samples: usize, rate: u32) -> Self {
        Self {
            config,
            frame: frame_samples.max(1) as u64,
            rate: rate.max(1),
            position: 0,
            floor: 0,
            state: State::Silence,
        }
    }

    /// An endpointer for the Silero VAD's frames at 16 kHz.
    pub fn for_silero(config: EndpointConfig) -> Self {
        Self::new(config, crate::vad::FRAME_SAMPLES, SAMPLE_RATE)
    }

    /// The configuration.
    pub fn config(&self) -> &EndpointConfig {
        &self.config
    }

    /// Samples consumed so far (the end of the last frame pushed).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Whether an utterance is open (confirmed and not yet ended).
    pub fn in_speech(&self) -> bool {
        matches!(self.state, State::Speaking { .. })
    }

    /// Where the open utterance begins, if one is open.
    pub fn utterance_start(&self) -> Option<u64> {
        match self.state {
            State::Speaking { start, .. } => Some(start),
            _ => None,
        }
    }

    /// The open utterance, if the speaker has now been silent for the configured
    /// `early_after_ms` (and the post-roll): its audio `start..end`, exactly what
    /// [`SpeechEvent::SpeechEnded`] will say if the silence lasts; `voiced_end` tells one pause
    /// from the next.
    pub fn pause(&self) -> Option<Pause> {
        let State::Speaking { start, voiced_end } = self.state else { return None };
        let early =
            self.samples(self.config.early_after_ms).max(self.samples(self.config.post_roll_ms));
        let silent = self.position - voiced_end;
        if self.config.early_after_ms >= self.config.trailing_silence_ms || silent < early {
            return None;
        }
        Some(Pause { start, end: voiced_end + self.samples(self.config.post_roll_ms), voiced_end })
    }

    fn samples(&self, ms: u32) -> u64 {
        u64::from(ms) * u64::from(self.rate) / 1000
    }

    /// Feeds the speech probability of the next frame; returns the event it caused, if any.
    pub fn push(&mut self, probability: f32) -> Option<SpeechEvent> {
        let frame_start = self.position;
        self.position += self.frame;
        let now = self.position;
        let starts = probability >= self.config.start_threshold;
        let continues = probability >= self.config.end_threshold;
        match self.state {
            State::Silence => {
                if starts {
                    self.state = State::Candidate { onset: frame_start };
                    return self.confirm_if_long_enough(frame_start);
                }
                None
            }
            State::Candidate { onset } => {
                if !continues {
                    self.state = State::Silence;
                    return None;
                }
                self.confirm_if_long_enough(onset)
            }
            State::Speaking { start, voiced_end } => {
                let voiced_end = if continues { now } else { voiced_end };
                if now - start >= self.samples(self.config.max_utterance_ms) {
                    return Some(self.end(start, now, EndReason::Cap));
                }
                if now - voiced_end >= self.samples(self.config.trailing_silence_ms) {
                    let end = (voiced_end + self.samples(self.config.post_roll_ms)).min(now);
                    return Some(self.end(start, end, EndReason::Silence));
                }
                self.state = State::Speaking { start, voiced_end };
                None
            }
        }
    }

    fn confirm_if_long_enough(&mut self, onset: u64) -> Option<SpeechEvent> {
        if self.position - onset < self.samples(self.config.min_speech_ms).max(1) {
            return None;
        }
        let start = onset.saturating_sub(self.samples(self.config.pre_roll_ms)).max(self.floor);
        self.state = State::Speaking { start, voiced_end: self.position };
        Some(SpeechEvent::SpeechStarted { at: start })
    }

    fn end(&mut self, start: u64, end: u64, reason: EndReason) -> SpeechEvent {
        self.state = State::Silence;
        self.floor = end;
        SpeechEvent::SpeechEnded { start, end, reason }
    }

    /// The stream is over: closes an open utterance at the current position.
    pub fn finish(&mut self) -> Option<SpeechEvent> {
        match self.state {
            State::Speaking { start, voiced_end } => {
                let end = (voiced_end + self.samples(self.config.post_roll_ms)).min(self.position);
                Some(self.end(start, end, EndReason::StreamEnd))
            }
            State::Candidate { .. } => {
                self.state = State::Silence;
                None
            }
            State::Silence => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 ms frames of 160 samples at 16 kHz make the arithmetic readable.
    const FRAME: u64 = 160;

    fn endpointer() -> Endpointer {
        let config = EndpointConfig {
            start_threshold: 0.5,
            end_threshold: 0.3,
            min_speech_ms: 50,
            trailing_silence_ms: 100,
            pre_roll_ms: 30,
            post_roll_ms: 20,
            max_utterance_ms: 1000,
            early_after_ms: 40,
        };
        Endpointer::new(config, FRAME as usize, 16_000)
    }

    /// Pushes `(probability, frames)` runs and returns each event with the frame index after
    /// which it came.
    fn run(endpointer: &mut Endpointer, runs: &[(f32, usize)]) -> Vec<(usize, SpeechEvent)> {
        let mut events = Vec::new();
        let mut index = 0;
        for &(probability, frames) in runs {
            for _ in 0..frames {
                if let Some(event) = endpointer.push(probability) {
                    events.push((index, event));
                }
                index += 1;
            }
        }
        events
    }

    #[test]
    fn an_utterance_has_pre_roll_post_roll_and_ends_after_the_trailing_silence() {
        let mut e = endpointer();
        let events = run(&mut e, &[(0.0, 20), (0.9, 30), (0.0, 20)]);
        // Speech begins at frame 20; confirmed after 5 frames (50 ms), at frame 24.
        // Pre-roll 30 ms = 3 frames before the onset.
        assert_eq!(events[0], (24, SpeechEvent::SpeechStarted { at: 17 * FRAME }));
        // Last speech frame ends at frame 50; 10 silent frames (100 ms) later it ends; post-roll 2.
        assert_eq!(
            events[1],
            (
                59,
                SpeechEvent::SpeechEnded {
                    start: 17 * FRAME,
                    end: 52 * FRAME,
                    reason: EndReason::Silence
                }
            )
        );
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn a_blip_shorter_than_the_minimum_is_not_speech() {
        let mut e = endpointer();
        assert!(run(&mut e, &[(0.0, 5), (0.9, 4), (0.0, 50)]).is_empty());
        assert!(!e.in_speech());
    }

    #[test]
    fn hysteresis_keeps_an_utterance_open_between_the_thresholds() {
        let mut e = endpointer();
        // 0.4 cannot start speech, but it continues it.
        assert!(run(&mut e, &[(0.4, 30)]).is_empty());
        let events = run(&mut e, &[(0.9, 10), (0.4, 50), (0.1, 12)]);
        assert!(matches!(events[0].1, SpeechEvent::SpeechStarted { .. }));
        assert!(
            matches!(events[1], (69, SpeechEvent::SpeechEnded { end, .. }) if end == 92 * FRAME)
        );
    }

    #[test]
    fn a_pause_shorter_than_the_trailing_silence_does_not_split_the_utterance() {
        let mut e = endpointer();
        let events = run(&mut e, &[(0.9, 20), (0.0, 9), (0.9, 20), (0.0, 10)]);
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(matches!(events[1].1, SpeechEvent::SpeechEnded { start: 0, .. }));
    }

    #[test]
    fn a_long_utterance_is_capped_and_the_rest_starts_where_the_cut_was() {
        let mut e = endpointer();
        let events = run(&mut e, &[(0.0, 10), (0.9, 150)]);
        // Onset at frame 10, start 7 with pre-roll; cap 1000 ms = 100 frames after the start.
        assert_eq!(
            events[1],
            (
                106,
                SpeechEvent::SpeechEnded {
                    start: 7 * FRAME,
                    end: 107 * FRAME,
                    reason: EndReason::Cap
                }
            )
        );
        // The speaker goes on: a new utterance starts at the cut, not earlier.
        assert_eq!(events[2], (111, SpeechEvent::SpeechStarted { at: 107 * FRAME }));
        assert_eq!(
            e.finish(),
            Some(SpeechEvent::SpeechEnded {
                start: 107 * FRAME,
                end: 160 * FRAME,
                reason: EndReason::StreamEnd
            })
        );
    }

    #[test]
    fn pre_roll_stops_at_the_start_of_the_stream() {
        let mut e = endpointer();
        let events = run(&mut e, &[(0.9, 6)]);
        assert_eq!(events, vec![(4, SpeechEvent::SpeechStarted { at: 0 })]);
        assert_eq!(e.utterance_start(), Some(0));
    }
}
