//! The [`Listener`]: 16 kHz audio in, in chunks of any size; utterances out.
//!
//! It cuts the stream into VAD frames, asks the [`VoiceActivity`] detector about each, feeds the
//! [`Endpointer`], and keeps the audio the endpointer may still need (the pre-roll while silent,
//! the open utterance while speaking) in one buffer sized once for the longest utterance, so it
//! never reallocates, and wiped on drop.

use zeroize::Zeroizing;

use crate::SpeechError;
use crate::audio::{SAMPLE_RATE, SpeechAudio};
use crate::endpoint::{EndReason, EndpointConfig, Endpointer, SpeechEvent};
use crate::vad::{FRAME_SAMPLES, VoiceActivity};

/// What the listener noticed in a chunk of audio.
#[derive(Debug)]
pub enum ListenEvent {
    /// The trainee started speaking (an utterance was confirmed).
    Started,
    /// The trainee has paused long enough that the utterance may be over: its audio so far,
    /// offered once per pause for an early transcript. If the pause lasts, the `Ended` that
    /// follows has the same `span` and the same audio.
    Paused {
        /// The utterance's audio so far at 16 kHz, post-roll included.
        audio: SpeechAudio,
        /// Its first and one-past-last sample on the stream.
        span: (u64, u64),
    },
    /// The trainee stopped: the whole utterance, pre-roll and post-roll included.
    Ended {
        /// The utterance's audio at 16 kHz.
        audio: SpeechAudio,
        /// Why it ended.
        reason: EndReason,
        /// Its first and one-past-last sample on the stream.
        span: (u64, u64),
    },
}

/// VAD, endpointer and audio buffer together.
pub struct Listener<V: VoiceActivity> {
    vad: V,
    endpointer: Endpointer,
    /// Samples of an incomplete frame, waiting for the rest.
    pending: Zeroizing<Vec<f32>>,
    /// Audio from stream position `buffer_start` on.
    buffer: Zeroizing<Vec<f32>>,
    buffer_start: u64,
    /// Samples kept while no utterance is open: enough for the pre-roll of a start still being
    /// confirmed.
    keep_when_silent: usize,
    /// The pause last offered as [`ListenEvent::Paused`] (its `voiced_end`).
    offered: Option<u64>,
}

impl<V: VoiceActivity> std::fmt::Debug for Listener<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("position", &self.endpointer.position())
            .field("in_speech", &self.endpointer.in_speech())
            .finish_non_exhaustive()
    }
}

impl<V: VoiceActivity> Listener<V> {
    /// A listener that asks `vad` and decides with `config`.
    pub fn new(vad: V, config: EndpointConfig) -> Self {
        let ms = |ms: u32| (u64::from(ms) * u64::from(SAMPLE_RATE) / 1000) as usize;
        let keep_when_silent =
            ms(config.pre_roll_ms) + ms(config.min_speech_ms) + 2 * FRAME_SAMPLES;
        let capacity = keep_when_silent + ms(config.max_utterance_ms) + 2 * FRAME_SAMPLES;
        Self {
            vad,
            endpointer: Endpointer::for_silero(config),
            pending: Zeroizing::new(Vec::with_capacity(FRAME_SAMPLES)),
            buffer: Zeroizing::new(Vec::with_capacity(capacity)),
            buffer_start: 0,
            keep_when_silent,
            offered: None,
        }
    }

    /// Whether the trainee is speaking (an utterance is open).
    pub fn in_speech(&self) -> bool {
        self.endpointer.in_speech()
    }

    /// The open utterance's audio so far (for live captions), or `None` while silent.
    pub fn current(&self) -> Option<&[f32]> {
        let start = self.endpointer.utterance_start()?;
        let from = start.saturating_sub(self.buffer_start) as usize;
        self.buffer.get(from..)
    }

    /// Samples heard so far.
    pub fn position(&self) -> u64 {
        self.endpointer.position()
    }

    /// Feeds the next `samples` (mono, 16 kHz); returns what happened, in order.
    pub fn push(&mut self, samples: &[f32]) -> Result<Vec<ListenEvent>, SpeechError> {
        let mut events = Vec::new();
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (FRAME_SAMPLES - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == FRAME_SAMPLES {
                self.frame(&mut events)?;
            }
        }
        Ok(events)
    }

    /// The stream is over: a partial last frame is padded with silence, and an open utterance is
    /// returned.
    pub fn finish(&mut self) -> Result<Vec<ListenEvent>, SpeechError> {
        let mut events = Vec::new();
        if !self.pending.is_empty() {
            self.pending.resize(FRAME_SAMPLES, 0.0);
            self.frame(&mut events)?;
        }
        if let Some(event) = self.endpointer.finish() {
            self.handle(event, &mut events);
        }
        Ok(events)
    }

    fn frame(&mut self, events: &mut Vec<ListenEvent>) -> Result<(), SpeechError> {
        if self.buffer.len() + FRAME_SAMPLES > self.buffer.capacity() {
            // Cannot happen with the endpointer's cap, but never grow the buffer.
            self.drop_front(FRAME_SAMPLES);
        }
        self.buffer.extend_from_slice(&self.pending);
        let probability = self.vad.probability(&self.pending);
        self.pending.fill(0.0);
        self.pending.clear();
        if let Some(event) = self.endpointer.push(probability?) {
            self.handle(event, events);
        }
        if let Some(pause) = self.endpointer.pause()
            && self.offered != Some(pause.voiced_end)
        {
            self.offered = Some(pause.voiced_end);
            let from = pause.start.saturating_sub(self.buffer_start) as usize;
            let to = (pause.end.saturating_sub(self.buffer_start) as usize).min(self.buffer.len());
            let audio = self.buffer.get(from..to).map(<[f32]>::to_vec).unwrap_or_default();
            events.push(ListenEvent::Paused {
                audio: SpeechAudio::new(audio, SAMPLE_RATE),
                span: (pause.start, pause.end),
            });
        }
        if !self.endpointer.in_speech() && self.buffer.len() > self.keep_when_silent {
            self.drop_front(self.buffer.len() - self.keep_when_silent);
        }
        Ok(())
    }

    fn handle(&mut self, event: SpeechEvent, events: &mut Vec<ListenEvent>) {
        match event {
            SpeechEvent::SpeechStarted { .. } => events.push(ListenEvent::Started),
            SpeechEvent::SpeechEnded { start, end, reason } => {
                let from = start.saturating_sub(self.buffer_start) as usize;
                let to = (end.saturating_sub(self.buffer_start) as usize).min(self.buffer.len());
                let audio = self.buffer.get(from..to).map(<[f32]>::to_vec).unwrap_or_default();
                events.push(ListenEvent::Ended {
                    audio: SpeechAudio::new(audio, SAMPLE_RATE),
                    reason,
                    span: (start, end),
                });
                self.drop_front(to);
            }
        }
    }

    /// Drops the first `count` samples, wiping the space they leave at the end.
    fn drop_front(&mut self, count: usize) {
        let count = count.min(self.buffer.len());
        let len = self.buffer.len();
        self.buffer.copy_within(count.., 0);
        self.buffer[len - count..].fill(0.0);
        self.buffer.truncate(len - count);
        self.buffer_start += count as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech wherever the frame's first sample is loud: lets tests script the VAD.
    struct LoudnessVad;

    impl VoiceActivity for LoudnessVad {
        fn probability(&mut self, frame: &[f32]) -> Result<f32, SpeechError> {
            Ok(if frame[0].abs() > 0.1 { 0.9 } else { 0.0 })
        }
        fn reset(&mut self) {}
    }

    #[test]
    fn an_utterance_comes_back_with_its_audio_whatever_the_chunk_size() {
        let frames = |count: usize, value: f32| vec![value; count * FRAME_SAMPLES];
        let mut stream = frames(30, 0.0);
        // Distinct speech samples so the cut can be checked.
        stream.extend((0..40 * FRAME_SAMPLES).map(|i| 0.5 + (i % 7) as f32 * 0.01));
        stream.extend(frames(40, 0.0));
        for chunk in [1, 100, 512, 4096] {
            let mut listener = Listener::new(LoudnessVad, EndpointConfig::default());
            let mut events = Vec::new();
            for piece in stream.chunks(chunk) {
                events.extend(listener.push(piece).expect("fake VAD"));
            }
            assert!(matches!(events[0], ListenEvent::Started), "chunk {chunk}");
            let ListenEvent::Paused { audio: early, span: early_span } = &events[1] else {
                panic!("no pause with chunk {chunk}: {events:?}");
            };
            let ListenEvent::Ended { audio, reason, span } = &events[2] else {
                panic!("no end with chunk {chunk}: {events:?}");
            };
            assert_eq!(*reason, EndReason::Silence);
            // Pre-roll 300 ms = 4800 samples of silence, the speech, then 128 ms of post-roll.
            let speech_start = 30 * FRAME_SAMPLES;
            let speech_end = 70 * FRAME_SAMPLES;
            assert_eq!(audio.samples(), &stream[speech_start - 4800..speech_end + 2048]);
            // The pause offered the very same audio, before the end.
            assert_eq!(early_span, span);
            assert_eq!(early.samples(), audio.samples());
            assert_eq!(events.len(), 3);
        }
    }

    #[test]
    fn each_pause_is_offered_once_and_a_short_one_does_not_end_the_utterance() {
        let frames = |count: usize, value: f32| vec![value; count * FRAME_SAMPLES];
        let mut stream = frames(10, 0.0);
        stream.extend(frames(20, 0.5));
        // 10 frames = 320 ms: past the early offer (128 ms), short of the end (600 ms).
        stream.extend(frames(10, 0.0));
        stream.extend(frames(20, 0.5));
        stream.extend(frames(40, 0.0));
        let mut listener = Listener::new(LoudnessVad, EndpointConfig::default());
        let events = listener.push(&stream).expect("fake VAD");
        let kinds: Vec<&str> = events
            .iter()
            .map(|event| match event {
                ListenEvent::Started => "started",
                ListenEvent::Paused { .. } => "paused",
                ListenEvent::Ended { .. } => "ended",
            })
            .collect();
        assert_eq!(kinds, ["started", "paused", "paused", "ended"]);
        let (ListenEvent::Paused { span: first, .. }, ListenEvent::Paused { span: second, .. }) =
            (&events[1], &events[2])
        else {
            panic!("{events:?}");
        };
        let ListenEvent::Ended { span: whole, .. } = &events[3] else { panic!("{events:?}") };
        assert_ne!(first, whole, "the first pause was not the end");
        assert_eq!(second, whole, "the second was");
    }

    #[test]
    fn finish_returns_an_open_utterance_and_current_shows_it() {
        let mut listener = Listener::new(LoudnessVad, EndpointConfig::default());
        listener.push(&vec![0.5; 20 * FRAME_SAMPLES]).expect("fake VAD");
        assert_eq!(listener.current().map(<[f32]>::len), Some(20 * FRAME_SAMPLES));
        let events = listener.finish().expect("fake VAD");
        assert!(
            matches!(&events[..], [ListenEvent::Ended { audio, reason: EndReason::StreamEnd, .. }] if audio.len() == 20 * FRAME_SAMPLES)
        );
        assert!(listener.current().is_none());
    }
}
