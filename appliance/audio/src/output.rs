//! Playing the patient's voice: [`SpeakerOutput`] pushes [`PcmChunk`]s through the echo probe to
//! ALSA (or a real-time null sink), reports from the sink's own position when each chunk started
//! and finished, and flushes everything queued on barge-in.

use std::collections::VecDeque;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::error::{AudioError, Direction};
use crate::frame::PcmChunk;
use crate::gst_util::{
    capsfilter, f32_buffer, f32_mono_caps, init, make, missing, pending_error, s16_mono_caps,
    set_state, share_timeline, shared_running_time_ns,
};
use crate::{ECHO_PROBE_NAME, PROBE_RATE};

/// How far ahead of the sink's clock a chunk queued on an idle speaker is placed, so its first
/// samples reach the device before their time rather than late (and cut).
const LEAD_NS: u64 = 60_000_000;

/// Silence pushed after each chunk, so the resamplers release a chunk's last samples at once
/// instead of holding them until more audio comes.
const TAIL_NS: u64 = 30_000_000;

/// The length of the buffers a chunk is cut into: small enough that a flush takes effect within
/// one of them and the echo probe sees a steady stream.
const PIECE_NS: u64 = 20_000_000;

/// The identity of one played chunk, in the order `play` was called.
pub type ChunkId = u64;

/// What happened to a chunk, reported by [`AudioOutput::poll_event`] in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaybackEvent {
    /// The chunk's first sample is being heard.
    Started(ChunkId),
    /// The chunk's last sample has been heard.
    Finished(ChunkId),
    /// The chunk was cut off (or never began) because [`AudioOutput::stop`] was called.
    Stopped(ChunkId),
}

/// A sink for the patient's voice.
pub trait AudioOutput: Send {
    /// Queues `chunk` after whatever is already queued and returns its id.
    ///
    /// # Errors
    /// [`AudioError::Device`] when the speaker has failed.
    fn play(&mut self, chunk: PcmChunk) -> Result<ChunkId, AudioError>;

    /// Barge-in: stops the chunk being heard at once and drops every queued one; each gets a
    /// [`PlaybackEvent::Stopped`].
    ///
    /// # Errors
    /// [`AudioError::Device`] when the speaker has failed.
    fn stop(&mut self) -> Result<(), AudioError>;

    /// The next event, if one is due; call it often (every input frame, say).
    ///
    /// # Errors
    /// [`AudioError::Device`] when the speaker failed (unplugged, say).
    fn poll_event(&mut self) -> Result<Option<PlaybackEvent>, AudioError>;

    /// Whether no chunk is queued or playing.
    fn is_idle(&self) -> bool;
}

/// Where a [`SpeakerOutput`] sends its sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpeakerSink {
    /// An ALSA device, as `alsasink` names it (`default`, `hw:0,0`…).
    Alsa {
        /// The device name.
        device: String,
    },
    /// Nowhere, but in real time: the headless station and tests, with the same timing and
    /// events as a speaker.
    Null,
}

impl SpeakerSink {
    fn device(&self) -> String {
        match self {
            Self::Alsa { device } => device.clone(),
            Self::Null => "null".to_owned(),
        }
    }
}

/// A chunk pushed into the pipeline, by its stream times.
#[derive(Debug)]
struct Scheduled {
    id: ChunkId,
    start_ns: u64,
    end_ns: u64,
    started: bool,
}

/// The patient's voice through the echo probe to a speaker.
pub struct SpeakerOutput {
    device: String,
    pipeline: gst::Pipeline,
    source: gst_app::AppSrc,
    bus: gst::Bus,
    rate: u32,
    next_pts_ns: u64,
    next_id: ChunkId,
    scheduled: VecDeque<Scheduled>,
    events: VecDeque<PlaybackEvent>,
    failed: Option<String>,
}

impl SpeakerOutput {
    /// Opens the speaker and carries the echo probe [`MicInput`](crate::MicInput) cancels against.
    ///
    /// Keep one open per process: the echo canceller picks its probe by name
    /// ([`ECHO_PROBE_NAME`](crate::ECHO_PROBE_NAME)), and with two it may pick the wrong one.
    ///
    /// # Errors
    /// [`AudioError::Device`] naming the device and carrying GStreamer's message when it cannot
    /// be opened; [`AudioError::MissingElement`] when a plugin is missing.
    pub fn open(sink: SpeakerSink) -> Result<Self, AudioError> {
        init()?;
        let device = sink.device();
        let device_error = |message: String| AudioError::Device {
            device: device.clone(),
            direction: Direction::Playback,
            message,
        };
        let rate = 22_050;
        let source = gst_app::AppSrc::builder()
            .caps(&f32_mono_caps(rate))
            .format(gst::Format::Time)
            .is_live(false)
            .build();
        let probe = gst::ElementFactory::make("webrtcechoprobe")
            .name(ECHO_PROBE_NAME)
            .build()
            .map_err(|_| missing("webrtcechoprobe"))?;
        let output = match &sink {
            SpeakerSink::Alsa { device } => {
                let alsa = make("alsasink")?;
                alsa.set_property("device", device.as_str());
                alsa
            }
            SpeakerSink::Null => {
                let null = make("fakesink")?;
                null.set_property("sync", true);
                null
            }
        };
        let chain = [
            source.clone().upcast(),
            make("audioconvert")?,
            make("audioresample")?,
            capsfilter(&s16_mono_caps(PROBE_RATE))?,
            probe,
            make("audioconvert")?,
            make("audioresample")?,
            output,
        ];
        let pipeline = gst::Pipeline::new();
        pipeline.add_many(&chain).map_err(|error| device_error(error.to_string()))?;
        gst::Element::link_many(&chain).map_err(|error| device_error(error.to_string()))?;
        let bus =
            pipeline.bus().ok_or_else(|| device_error("the pipeline has no bus".to_owned()))?;
        share_timeline(&pipeline);
        set_state(&pipeline, gst::State::Playing).map_err(device_error)?;
        Ok(Self {
            device,
            pipeline,
            source,
            bus,
            rate,
            next_pts_ns: 0,
            next_id: 0,
            scheduled: VecDeque::new(),
            events: VecDeque::new(),
            failed: None,
        })
    }

    fn error(&self, message: String) -> AudioError {
        AudioError::Device { device: self.device.clone(), direction: Direction::Playback, message }
    }

    /// Fails with the bus's error, if the sink posted one.
    fn check(&mut self) -> Result<(), AudioError> {
        if self.failed.is_none()
            && let Some(error) = pending_error(&self.bus)
        {
            self.failed = Some(format!("{}: {}", error.source, error.text));
            // The device is gone; stopping the pipeline cannot fail in a way that matters.
            let _ = self.pipeline.set_state(gst::State::Null);
        }
        match &self.failed {
            Some(message) => Err(self.error(message.clone())),
            None => Ok(()),
        }
    }

    /// Turns the sink's position into events for the chunks it has reached.
    fn advance(&mut self) {
        let Some(position) = self.pipeline.query_position::<gst::ClockTime>() else { return };
        let position = position.nseconds();
        while let Some(front) = self.scheduled.front_mut() {
            if !front.started && position >= front.start_ns {
                front.started = true;
                self.events.push_back(PlaybackEvent::Started(front.id));
            }
            if front.started && position >= front.end_ns {
                self.events.push_back(PlaybackEvent::Finished(front.id));
                self.scheduled.pop_front();
            } else {
                break;
            }
        }
    }

    /// Pushes `samples` from `pts_ns` on, in buffers of [`PIECE_NS`], and returns their duration.
    fn push(&self, samples: &[f32], pts_ns: u64, rate: u32) -> Result<u64, AudioError> {
        let rate_ns = |count: usize| count as u64 * 1_000_000_000 / u64::from(rate);
        let piece = usize::try_from(u64::from(rate) * PIECE_NS / 1_000_000_000).unwrap_or(1).max(1);
        let mut offset = 0;
        for part in samples.chunks(piece) {
            let mut buffer = f32_buffer(part);
            if let Some(buffer) = buffer.get_mut() {
                let start = rate_ns(offset);
                buffer.set_pts(gst::ClockTime::from_nseconds(pts_ns + start));
                buffer.set_duration(gst::ClockTime::from_nseconds(
                    rate_ns(offset + part.len()) - start,
                ));
            }
            self.source
                .push_buffer(buffer)
                .map_err(|error| self.error(format!("the speaker refused audio: {error:?}")))?;
            offset += part.len();
        }
        Ok(rate_ns(samples.len()))
    }
}

impl AudioOutput for SpeakerOutput {
    fn play(&mut self, chunk: PcmChunk) -> Result<ChunkId, AudioError> {
        self.check()?;
        self.advance();
        if self.scheduled.is_empty() {
            self.next_pts_ns = self.next_pts_ns.max(shared_running_time_ns() + LEAD_NS);
        }
        if chunk.rate() != self.rate {
            self.rate = chunk.rate();
            self.source.set_caps(Some(&f32_mono_caps(self.rate)));
        }
        let id = self.next_id;
        self.next_id += 1;
        let start_ns = self.next_pts_ns;
        let duration_ns = self.push(chunk.samples(), start_ns, self.rate)?;
        let tail =
            vec![0.0; usize::try_from(u64::from(self.rate) * TAIL_NS / 1_000_000_000).unwrap_or(0)];
        let tail_ns = self.push(&tail, start_ns + duration_ns, self.rate)?;
        self.next_pts_ns = start_ns + duration_ns + tail_ns;
        self.scheduled.push_back(Scheduled {
            id,
            start_ns,
            end_ns: start_ns + duration_ns,
            started: false,
        });
        Ok(id)
    }

    fn stop(&mut self) -> Result<(), AudioError> {
        self.check()?;
        self.advance();
        if self.scheduled.is_empty() {
            return Ok(());
        }
        // A flush through the whole pipeline drops what appsrc, the converters and the sink
        // hold. The running time goes on (the timeline is shared with the microphone), so the
        // next chunk is placed just ahead of the clock again.
        let flushed = self.pipeline.send_event(gst::event::FlushStart::new())
            && self.pipeline.send_event(gst::event::FlushStop::new(false));
        for chunk in self.scheduled.drain(..) {
            self.events.push_back(PlaybackEvent::Stopped(chunk.id));
        }
        // Forget where the dropped chunks would have ended: the next one starts from the clock.
        self.next_pts_ns = 0;
        if !flushed {
            return Err(self.error("the playback pipeline refused to flush".to_owned()));
        }
        Ok(())
    }

    fn poll_event(&mut self) -> Result<Option<PlaybackEvent>, AudioError> {
        self.check()?;
        if self.events.is_empty() {
            self.advance();
        }
        Ok(self.events.pop_front())
    }

    fn is_idle(&self) -> bool {
        self.scheduled.is_empty()
    }
}

impl Drop for SpeakerOutput {
    fn drop(&mut self) {
        // Stopping a pipeline on the way out: there is no one left to tell if it fails.
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use zeroize::Zeroizing;

    use super::*;

    /// Counts the buffers with sound in them that reach the sink of `speaker`.
    fn count_loud_buffers(speaker: &SpeakerOutput) -> Arc<AtomicUsize> {
        let loud = Arc::new(AtomicUsize::new(0));
        let sink = speaker.pipeline.iterate_sinks().next().ok().flatten().expect("one sink");
        let pad = sink.static_pad("sink").expect("a sink pad");
        let counter = Arc::clone(&loud);
        pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            // Whatever the format, silence is all zero bytes.
            if let Some(gst::PadProbeData::Buffer(buffer)) = &info.data
                && let Ok(map) = buffer.map_readable()
                && map.as_slice().iter().any(|byte| *byte != 0)
            {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            gst::PadProbeReturn::Ok
        });
        loud
    }

    fn tone(seconds: f32) -> PcmChunk {
        let samples =
            (0..(22_050.0 * seconds) as usize).map(|n| 0.3 * (n as f32 * 0.125).sin()).collect();
        PcmChunk::new(22_050, Zeroizing::new(samples)).expect("a chunk")
    }

    fn wait_for(speaker: &mut SpeakerOutput, want: PlaybackEvent) {
        for _ in 0..4000 {
            if speaker.poll_event().expect("null sink") == Some(want) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("{want:?} never came");
    }

    #[test]
    fn a_speaker_failing_mid_session_is_an_error_value_naming_the_device() {
        let _one_speaker = crate::SPEAKER_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut speaker = SpeakerOutput::open(SpeakerSink::Null).expect("null speaker");
        let id = speaker.play(tone(2.0)).expect("plays");
        wait_for(&mut speaker, PlaybackEvent::Started(id));
        // What alsasink posts when the device goes away: a resource error on the bus.
        let sink = speaker.pipeline.iterate_sinks().next().ok().flatten().expect("one sink");
        let posted = gst::message::Error::builder(gst::ResourceError::Write, "device unplugged")
            .src(&sink)
            .build();
        assert!(sink.post_message(posted).is_ok());
        let error = speaker.poll_event().expect_err("the failure is reported");
        match &error {
            AudioError::Device { device, direction, message } => {
                assert_eq!(device, "null");
                assert_eq!(*direction, Direction::Playback);
                assert!(message.contains("device unplugged"), "{message}");
            }
            other => panic!("expected a device error, got {other}"),
        }
        assert!(speaker.play(tone(0.1)).is_err(), "a failed speaker stays failed");
    }

    #[test]
    fn after_a_stop_no_sound_of_the_stopped_lines_reaches_the_sink() {
        let _one_speaker = crate::SPEAKER_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut speaker = SpeakerOutput::open(SpeakerSink::Null).expect("null speaker");
        let loud = count_loud_buffers(&speaker);
        let first = speaker.play(tone(5.0)).expect("plays");
        speaker.play(tone(5.0)).expect("plays");
        wait_for(&mut speaker, PlaybackEvent::Started(first));
        std::thread::sleep(Duration::from_millis(300));
        assert!(loud.load(Ordering::SeqCst) > 0, "the line is heard before the stop");
        speaker.stop().expect("stops");
        // What was already inside the sink when the flush came may still land; nothing after.
        std::thread::sleep(Duration::from_millis(100));
        loud.store(0, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(loud.load(Ordering::SeqCst), 0, "9 s of queued sound were dropped");
        let next = speaker.play(tone(0.3)).expect("plays after a stop");
        wait_for(&mut speaker, PlaybackEvent::Finished(next));
        assert!(loud.load(Ordering::SeqCst) > 0, "the next line is heard");
    }
}
