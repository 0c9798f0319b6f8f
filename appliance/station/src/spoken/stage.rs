//! Where the patient's voice goes, and how the trainee's audio meets it.

use std::collections::VecDeque;

use rapport_audio::{
    AudioError, AudioFrame, AudioOutput, ChunkId, ConversationWriter, PcmChunk, PlaybackEvent,
    SpeakerOutput, resample,
};
use rapport_media::{FEED_RATE, StationFeed};
use zeroize::Zeroizing;

/// An output for the patient's voice that also hears the trainee's audio as it comes in: the
/// conversation file lays it on its timeline; a speaker needs nothing from it.
pub trait Stage: AudioOutput {
    /// The trainee's next frame, at its position on the conversation clock.
    fn heard(&mut self, frame: &AudioFrame);
}

impl Stage for ConversationWriter {
    fn heard(&mut self, frame: &AudioFrame) {
        self.push_input(frame);
    }
}

impl Stage for SpeakerOutput {
    fn heard(&mut self, _frame: &AudioFrame) {}
}

/// How the trainee's audio and the patient's voice share the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnTaking {
    /// The input is a recording of the trainee's turns: while the patient speaks, the recording
    /// waits, as a trainee would, and resumes when the patient is done.
    Wait,
    /// The input is live (a microphone, or a recording of one): it never waits, and speaking
    /// over the patient stops the patient.
    Live,
}

/// A stage whose conversation also goes to the remote peers: each frame of the trainee's audio,
/// with the patient's voice laid over it as the speaker plays it, is pushed into the media's
/// [`StationFeed`]. Peers hear both sides; actors never hear themselves.
pub struct FedStage<S: Stage> {
    inner: S,
    feed: StationFeed,
    /// The patient's voice not yet heard, at the feed's rate.
    patient: VecDeque<f32>,
}

impl<S: Stage> FedStage<S> {
    /// `inner`, with the conversation also pushed into `feed`.
    pub fn new(inner: S, feed: StationFeed) -> Self {
        Self { inner, feed, patient: VecDeque::new() }
    }

    fn forget_patient(&mut self) {
        self.patient.iter_mut().for_each(|sample| *sample = 0.0);
        self.patient.clear();
    }
}

/// `inner` as the loop's stage, its conversation also fed to the remote peers when the kiosk
/// hosts them (`feed`).
pub fn fed_when_hosting<S: Stage + 'static>(
    inner: S,
    feed: Option<&StationFeed>,
) -> Box<dyn Stage> {
    match feed {
        Some(feed) => Box::new(FedStage::new(inner, feed.clone())),
        None => Box::new(inner),
    }
}

impl<S: Stage> Drop for FedStage<S> {
    fn drop(&mut self) {
        self.forget_patient();
    }
}

impl<S: Stage> AudioOutput for FedStage<S> {
    fn play(&mut self, chunk: PcmChunk) -> Result<ChunkId, AudioError> {
        let voice = resample(chunk.samples(), chunk.rate(), FEED_RATE)?;
        self.patient.extend(voice.iter());
        self.inner.play(chunk)
    }

    fn stop(&mut self) -> Result<(), AudioError> {
        self.forget_patient();
        self.inner.stop()
    }

    fn poll_event(&mut self) -> Result<Option<PlaybackEvent>, AudioError> {
        self.inner.poll_event()
    }

    fn is_idle(&self) -> bool {
        self.inner.is_idle()
    }
}

impl<S: Stage> Stage for FedStage<S> {
    fn heard(&mut self, frame: &AudioFrame) {
        self.inner.heard(frame);
        let mixed: Zeroizing<Vec<f32>> = Zeroizing::new(
            frame
                .samples()
                .iter()
                .map(|trainee| (trainee + self.patient.pop_front().unwrap_or(0.0)).clamp(-1.0, 1.0))
                .collect(),
        );
        self.feed.push(&mixed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage that plays nothing and hears nothing.
    #[derive(Default)]
    struct Silent {
        played: usize,
    }

    impl AudioOutput for Silent {
        fn play(&mut self, _chunk: PcmChunk) -> Result<ChunkId, AudioError> {
            self.played += 1;
            Ok(self.played as ChunkId)
        }
        fn stop(&mut self) -> Result<(), AudioError> {
            Ok(())
        }
        fn poll_event(&mut self) -> Result<Option<PlaybackEvent>, AudioError> {
            Ok(None)
        }
        fn is_idle(&self) -> bool {
            true
        }
    }

    impl Stage for Silent {
        fn heard(&mut self, _frame: &AudioFrame) {}
    }

    #[test]
    fn the_patient_is_laid_over_the_trainee_and_forgotten_at_barge_in() {
        let (events, _heard) = std::sync::mpsc::channel();
        let config = rapport_media::MediaConfig {
            source: rapport_media::StationSource::Fed,
            ..rapport_media::MediaConfig::default()
        };
        let media = rapport_media::Media::start(config, events).expect("the media starts");
        let feed = media.station_feed().expect("a fed station");
        let mut stage = FedStage::new(Silent::default(), feed);
        let voice = PcmChunk::new(FEED_RATE, Zeroizing::new(vec![0.25; 800])).expect("a chunk");
        stage.play(voice).expect("played");
        assert_eq!(stage.patient.len(), 800);
        stage.heard(&AudioFrame::new(0, Zeroizing::new(vec![0.5; 512])));
        assert_eq!(stage.patient.len(), 288, "one frame of the patient went out with the trainee");
        stage.stop().expect("stopped");
        assert!(stage.patient.is_empty(), "barge-in drops the rest of the line");
        assert_eq!(stage.inner.played, 1);
    }
}
