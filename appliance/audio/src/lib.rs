//! Local audio for the practice station, through GStreamer: what the trainee says comes in, what
//! the patient says goes out, and (only where the user asks for it) the whole conversation is
//! written to one WAV file.
//!
//! The speech half (`rapport-speech`: VAD, whisper, the patient's voice) consumes [`AudioFrame`]s
//! and produces [`PcmChunk`]s; this crate moves them between those models and the world:
//!
//! - [`AudioInput`]: 16 kHz mono `f32` frames of [`FRAME_SAMPLES`] samples, stamped with their
//!   position in samples since the start. [`WavInput`] reads a file (as fast as possible, or paced
//!   in real time); [`MicInput`] captures an ALSA microphone through echo cancellation.
//! - [`AudioOutput`]: plays [`PcmChunk`]s at any rate, reports when each one started and finished,
//!   and stops at once on barge-in. [`SpeakerOutput`] plays through ALSA (or, headless, through a
//!   real-time null sink); [`ConversationWriter`] lays both sides on one timeline for a WAV file.
//! - [`Timeline`]: sample counts to milliseconds, for talk time and interruptions.
//!
//! # How a session uses it
//!
//! A file-driven session (`rapport session --audio-in T.wav --audio-out C.wav`): the trainee's
//! frames go to the VAD and onto the conversation's timeline, the patient's replies are played into
//! the same timeline, and barge-in is a `stop()` when the VAD hears the trainee over the patient.
//!
//! ```no_run
//! use rapport_audio::{AudioInput, AudioOutput, ConversationWriter, INPUT_RATE};
//! use rapport_audio::{Pacing, PlaybackEvent, Timeline, WavInput};
//! # fn main() -> Result<(), rapport_audio::AudioError> {
//! let mut input = WavInput::open("T.wav".as_ref(), Pacing::AsFastAsPossible)?;
//! let mut conversation = ConversationWriter::new();
//! let timeline = Timeline::new(INPUT_RATE);
//! while let Some(frame) = input.next_frame()? {
//!     conversation.push_input(&frame);
//!     // vad.push(frame.samples()) … when the VAD hears speech while the patient talks:
//!     // conversation.stop()?;   (barge-in)
//!     // when an utterance ends: conversation.play(tts_chunk)?;
//!     while let Some(event) = conversation.poll_event()? {
//!         // Started, Finished or Stopped, stamped in ms: talk time and interruptions.
//!         let _stamped: (PlaybackEvent, u64) = (event, timeline.ms(frame.end()));
//!     }
//! }
//! conversation.write_wav("C.wav".as_ref())?;
//! # Ok(())
//! # }
//! ```
//!
//! Live, the speaker is opened first (it carries the echo probe), then the microphone:
//! `SpeakerOutput::open(SpeakerSink::Alsa { device })`, `MicInput::open(&MicConfig::new(device))`,
//! and the same loop with `SpeakerOutput` in place of the writer. Events are stamped by the caller
//! with the input position at which they are polled, so both sides share the input's timeline.
//!
//! # The device pipelines
//!
//! ```text
//! capture:  alsasrc device=D ! audioconvert ! audioresample
//!             ! audio/x-raw,format=S16LE,rate=48000,channels=1
//!             ! webrtcdsp probe=rapport-echo-probe (echo cancellation, noise suppression)
//!             ! audioconvert ! audioresample
//!             ! audio/x-raw,format=F32LE,rate=16000,channels=1 ! appsink
//! playback: appsrc (F32LE, the chunk's rate, mono) ! audioconvert ! audioresample
//!             ! audio/x-raw,format=S16LE,rate=48000,channels=1
//!             ! webrtcechoprobe name=rapport-echo-probe
//!             ! audioconvert ! audioresample ! alsasink device=D
//! ```
//!
//! Why this way:
//! - `webrtcdsp` takes 16-bit interleaved audio at 8, 16, 32 or 48 kHz and refuses to run when its
//!   probe runs at another rate than itself. Both run at 48 kHz ([`PROBE_RATE`]) so the patient's
//!   voice reaches the speaker at full quality; the capture side is brought down to the 16 kHz the
//!   VAD and whisper want only after the DSP.
//! - The echo canceller must hear what the speaker plays. `webrtcechoprobe` sits on the playback
//!   side, as close to the device as possible (after every rate change the chunk goes through),
//!   and `webrtcdsp` finds it by name (`probe=`): the playback pipeline must therefore exist before
//!   the microphone is opened with echo cancellation on, and one speaker is open per process.
//! - The DSP finds the echo's delay by comparing the running times of the speaker's buffers (as
//!   the probe saw them) with the microphone's. Capture and playback are separate pipelines, so
//!   both are put on one shared timeline: the system clock and one base time for the process,
//!   kept through state changes and flushes (the ALSA elements slave to it). Without that, the
//!   delay is meaningless and cancellation fails once the echo comes back later than the probe
//!   saw it, which is always the case in a room.
//! - Chunks enter the playback pipeline in 20 ms buffers, so a flush bites within one buffer and
//!   the probe sees a steady stream. A chunk queued on an idle speaker is stamped 60 ms ahead of
//!   the clock so its first samples reach the device before their time instead of being cut.
//! - Playback is synchronised to that clock, so the stream position the sink reports is the
//!   sample being heard: that is what [`PlaybackEvent::Started`] and [`PlaybackEvent::Finished`]
//!   are measured against. Barge-in is a flush of the whole playback pipeline, which drops every
//!   queued sample at once, not after the queue drains; the running time goes on through it.
//! - A device that fails (missing, busy, unplugged) posts an error on the pipeline's bus; it comes
//!   back as [`AudioError::Device`] naming the device and carrying GStreamer's words, never as a
//!   panic.
//!
//! # What it needs
//!
//! GStreamer 1.22 or later with these elements: `filesrc`, `wavparse`, `audioconvert`,
//! `audioresample`, `appsrc`, `appsink`, `fakesink`, `alsasrc`, `alsasink`, `webrtcdsp`,
//! `webrtcechoprobe`. On Debian: `gstreamer1.0-plugins-base` (convert, resample, app),
//! `gstreamer1.0-plugins-good` (wavparse), `gstreamer1.0-plugins-bad` (webrtcdsp, webrtcechoprobe)
//! and `gstreamer1.0-alsa` (alsasrc, alsasink); building needs `pkg-config libgstreamer1.0-dev
//! libgstreamer-plugins-base1.0-dev`. [`check_elements`] says which are missing. ALSA's `null`
//! device, which exists without a sound card, lets the device pipelines run in tests.
//! The tests also run `sox`, `soxi` and `espeak-ng` to make test audio.
//!
//! # Privacy
//!
//! Every buffer of speech this crate hands out or keeps ([`AudioFrame`], [`PcmChunk`],
//! [`ConversationWriter`]) is wiped when dropped; the buffers this crate hands to GStreamer are
//! wiped when GStreamer frees them, and GStreamer's own copy of a captured buffer is zeroed once
//! its samples are copied out (where this crate holds its only reference). Intermediate buffers
//! inside the converters are GStreamer's, freed unwiped to the allocator. GStreamer's own debug
//! log is off unless [`DANGER_GST_LOG_VARIABLE`] is set (see [`init`]).
//! Nothing here logs, and nothing is written to disk except
//! by [`ConversationWriter::write_wav`], to the path the caller gives.

mod conversation;
mod error;
mod frame;
mod gst_util;
mod input;
mod output;
mod resample;

pub use conversation::ConversationWriter;
pub use error::{AudioError, Direction};
pub use frame::{AudioFrame, PcmChunk, Timeline};
pub use gst_util::{DANGER_GST_LOG_VARIABLE, REQUIRED_ELEMENTS, check_elements, init};
pub use input::{AudioInput, MicConfig, MicInput, Pacing, WavInput};
pub use output::{AudioOutput, ChunkId, PlaybackEvent, SpeakerOutput, SpeakerSink};
pub use resample::resample;

/// The sample rate of every input frame: what the VAD and whisper take.
pub const INPUT_RATE: u32 = 16_000;

/// Samples in one input frame: 32 ms at 16 kHz, the window Silero VAD takes.
pub const FRAME_SAMPLES: usize = 512;

/// The rate the echo probe and the echo canceller share (`webrtcdsp` insists on one rate for
/// both): 48 kHz, so the patient's voice loses nothing on its way to the speaker.
pub const PROBE_RATE: u32 = 48_000;

/// The name the echo canceller and its probe share.
pub const ECHO_PROBE_NAME: &str = "rapport-echo-probe";

/// Unit tests that open a speaker take this lock: the echo canceller finds its probe by name, so
/// two speakers alive at once in one test process could hand it the wrong far end.
#[cfg(test)]
pub(crate) static SPEAKER_TEST_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
