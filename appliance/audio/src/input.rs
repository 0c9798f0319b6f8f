//! Sources of trainee audio: a WAV file ([`WavInput`]) or an ALSA microphone behind the echo
//! canceller ([`MicInput`]). Both end in an `appsink` delivering 16 kHz mono `f32`, cut here into
//! frames of [`FRAME_SAMPLES`] stamped with their position.

use std::path::{Path, PathBuf};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use zeroize::Zeroizing;

use crate::error::{AudioError, Direction};
use crate::frame::AudioFrame;
use crate::gst_util::{
    capsfilter, f32_mono_caps, init, make, pending_error, s16_mono_caps, set_state, share_timeline,
    take_samples, wait_error,
};
use crate::{ECHO_PROBE_NAME, FRAME_SAMPLES, INPUT_RATE, PROBE_RATE};

/// How long one wait for samples lasts before the bus is checked for errors.
const POLL: gst::ClockTime = gst::ClockTime::from_mseconds(100);

/// How long a file may take to start (find its header, fill the first buffer).
const PREROLL_LIMIT: gst::ClockTime = gst::ClockTime::from_seconds(10);

/// How long to wait for the error message of a pipeline that failed to start.
const ERROR_GRACE: gst::ClockTime = gst::ClockTime::from_seconds(2);

/// A source of trainee audio: 16 kHz mono `f32` frames, in order, without gaps.
pub trait AudioInput: Send {
    /// The next frame, blocking until it is ready; `Ok(None)` once a file has ended.
    ///
    /// Frames hold [`FRAME_SAMPLES`] samples each, except the last one of a file, which may be
    /// shorter.
    ///
    /// # Errors
    /// [`AudioError::Device`] when the microphone fails (unplugged, say), [`AudioError::File`]
    /// when a file turns out unreadable part-way. The input is unusable after an error.
    fn next_frame(&mut self) -> Result<Option<AudioFrame>, AudioError>;
}

/// How fast a [`WavInput`] delivers its frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pacing {
    /// As fast as the file can be decoded: for tests, benches and batch sessions.
    AsFastAsPossible,
    /// At the rate a microphone would, synchronised to the pipeline clock: for a live-feeling demo.
    RealTime,
}

/// What went wrong, in the words of the input that failed.
#[derive(Clone, Debug)]
enum Origin {
    File(PathBuf),
    Device(String),
}

impl Origin {
    fn error(&self, message: String) -> AudioError {
        match self {
            Self::File(path) => AudioError::File { path: path.clone(), message },
            Self::Device(device) => AudioError::Device {
                device: device.clone(),
                direction: Direction::Capture,
                message,
            },
        }
    }
}

/// A running capture pipeline that ends in an appsink of 16 kHz mono `f32`.
struct Capture {
    origin: Origin,
    pipeline: gst::Pipeline,
    sink: gst_app::AppSink,
    bus: gst::Bus,
    pending: Zeroizing<Vec<f32>>,
    position: u64,
    ended: bool,
    failed: bool,
}

impl Capture {
    /// Builds `source_chain` ! audioconvert ! audioresample ! caps ! [dsp chain] ! appsink.
    fn build(origin: Origin, elements: Vec<gst::Element>, sync: bool) -> Result<Self, AudioError> {
        let pipeline = gst::Pipeline::new();
        let sink = gst_app::AppSink::builder()
            .caps(&f32_mono_caps(INPUT_RATE))
            .sync(sync)
            .max_buffers(64)
            .build();
        sink.set_property("enable-last-sample", false);
        let mut chain = elements;
        chain.push(sink.clone().upcast());
        pipeline.add_many(&chain).map_err(|error| origin.error(error.to_string()))?;
        gst::Element::link_many(&chain).map_err(|error| origin.error(error.to_string()))?;
        let bus =
            pipeline.bus().ok_or_else(|| origin.error("the pipeline has no bus".to_owned()))?;
        Ok(Self {
            origin,
            pipeline,
            sink,
            bus,
            pending: Zeroizing::new(Vec::with_capacity(FRAME_SAMPLES * 64)),
            position: 0,
            ended: false,
            failed: false,
        })
    }

    fn fail(&mut self, message: String) -> AudioError {
        self.failed = true;
        // The pipeline is done for; stopping it cannot fail in a way that matters here.
        let _ = self.pipeline.set_state(gst::State::Null);
        self.origin.error(message)
    }

    /// Waits for a file pipeline to preroll, so a bad file fails at open, then plays it.
    fn start_file(&mut self) -> Result<(), AudioError> {
        set_state(&self.pipeline, gst::State::Paused).map_err(|message| self.fail(message))?;
        let (result, _, _) = self.pipeline.state(PREROLL_LIMIT);
        if result.is_err() {
            // The element that failed may post its error just after the state change gives up.
            let message = wait_error(&self.bus, ERROR_GRACE).map_or_else(
                || "the file did not start".to_owned(),
                |error| format!("{}: {}", error.source, error.text),
            );
            return Err(self.fail(message));
        }
        set_state(&self.pipeline, gst::State::Playing).map_err(|message| self.fail(message))
    }

    fn frame(&mut self, len: usize) -> AudioFrame {
        let mut samples = Zeroizing::new(Vec::with_capacity(FRAME_SAMPLES));
        samples.extend_from_slice(&self.pending[..len]);
        // Shift the rest down in place: the buffer never grows past its capacity, so no unwiped
        // copy of it is left behind by a reallocation.
        self.pending.copy_within(len.., 0);
        let keep = self.pending.len() - len;
        self.pending[keep..].fill(0.0);
        self.pending.truncate(keep);
        let frame = AudioFrame::new(self.position, samples);
        self.position += len as u64;
        frame
    }

    fn next(&mut self) -> Result<Option<AudioFrame>, AudioError> {
        if self.failed {
            return Err(self.origin.error("the input already failed".to_owned()));
        }
        loop {
            if self.pending.len() >= FRAME_SAMPLES {
                return Ok(Some(self.frame(FRAME_SAMPLES)));
            }
            if self.ended {
                if self.pending.is_empty() {
                    return Ok(None);
                }
                let len = self.pending.len();
                return Ok(Some(self.frame(len)));
            }
            // The bus first: a live source keeps delivering samples after its device failed.
            if let Some(error) = pending_error(&self.bus) {
                return Err(self.fail(format!("{}: {}", error.source, error.text)));
            }
            if let Some(sample) = self.sink.try_pull_sample(POLL) {
                let room = self.pending.capacity() - self.pending.len();
                let needed = sample.buffer().map_or(0, |buffer| buffer.size() / 4);
                if needed > room {
                    // Grow through a fresh wiped buffer rather than a reallocation.
                    let mut larger =
                        Zeroizing::new(Vec::with_capacity(self.pending.len() + needed * 2));
                    larger.extend_from_slice(&self.pending);
                    self.pending = larger;
                }
                take_samples(sample, &mut self.pending);
                continue;
            }
            if self.sink.is_eos() {
                if let Origin::Device(_) = self.origin {
                    return Err(self.fail("the capture stream ended".to_owned()));
                }
                self.ended = true;
            }
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        // Stopping a pipeline on the way out: there is no one left to tell if it fails.
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Trainee audio from a WAV file (any rate, channels or sample format wavparse reads) or a FLAC
/// file (by its `.flac` extension; the demo's bundled sample), delivered as 16 kHz mono frames.
pub struct WavInput {
    capture: Capture,
}

impl WavInput {
    /// Opens `path` and starts decoding it.
    ///
    /// # Errors
    /// [`AudioError::File`] naming the file when it is missing or not a WAV (or FLAC) file,
    /// [`AudioError::MissingElement`] when a plugin is not installed.
    pub fn open(path: &Path, pacing: Pacing) -> Result<Self, AudioError> {
        init()?;
        let origin = Origin::File(path.to_path_buf());
        if !path.is_file() {
            return Err(origin.error("no such file".to_owned()));
        }
        let source = make("filesrc")?;
        source.set_property("location", path.to_string_lossy().as_ref());
        let flac = path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("flac"));
        let mut elements = vec![source];
        if flac {
            elements.extend([make("flacparse")?, make("flacdec")?]);
        } else {
            elements.push(make("wavparse")?);
        }
        elements.extend([
            make("audioconvert")?,
            make("audioresample")?,
            capsfilter(&f32_mono_caps(INPUT_RATE))?,
        ]);
        let mut capture = Capture::build(origin, elements, pacing == Pacing::RealTime)?;
        capture.start_file()?;
        Ok(Self { capture })
    }
}

impl AudioInput for WavInput {
    fn next_frame(&mut self) -> Result<Option<AudioFrame>, AudioError> {
        self.capture.next()
    }
}

/// Which microphone to open and what to clean out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MicConfig {
    /// The ALSA device, as `alsasrc` names it (`default`, `hw:1,0`, `plughw:CARD=Mic`…).
    pub device: String,
    /// Cancel the patient's voice picked up from the speaker. Needs a [`SpeakerOutput`]
    /// (which carries the echo probe) opened before the microphone.
    ///
    /// [`SpeakerOutput`]: crate::SpeakerOutput
    pub echo_cancel: bool,
    /// Suppress steady background noise.
    pub noise_suppression: bool,
}

impl MicConfig {
    /// The default ALSA device with echo cancellation and noise suppression on.
    pub fn new(device: impl Into<String>) -> Self {
        Self { device: device.into(), echo_cancel: true, noise_suppression: true }
    }
}

/// Trainee audio from an ALSA microphone, through `webrtcdsp`, as 16 kHz mono frames.
pub struct MicInput {
    capture: Capture,
}

impl MicInput {
    /// Opens the microphone and starts capturing.
    ///
    /// # Errors
    /// [`AudioError::Device`] naming the device and carrying GStreamer's message when it cannot
    /// be opened (no sound card, busy, wrong name), or when echo cancellation is asked for and no
    /// [`SpeakerOutput`](crate::SpeakerOutput) exists; [`AudioError::MissingElement`] when
    /// `gstreamer1.0-alsa` or `gstreamer1.0-plugins-bad` is not installed.
    pub fn open(config: &MicConfig) -> Result<Self, AudioError> {
        init()?;
        let source = make("alsasrc")?;
        source.set_property("device", config.device.as_str());
        Self::open_with_source(config, source)
    }

    /// The capture chain behind any source element; tests put a live test source in front.
    fn open_with_source(config: &MicConfig, source: gst::Element) -> Result<Self, AudioError> {
        let origin = Origin::Device(config.device.clone());
        let mut elements = vec![source, make("audioconvert")?, make("audioresample")?];
        if config.echo_cancel || config.noise_suppression {
            // The DSP must run at the probe's rate; the result is brought to 16 kHz after it.
            elements.push(capsfilter(&s16_mono_caps(PROBE_RATE))?);
            let dsp = make("webrtcdsp")?;
            dsp.set_property("echo-cancel", config.echo_cancel);
            dsp.set_property("noise-suppression", config.noise_suppression);
            dsp.set_property("probe", ECHO_PROBE_NAME);
            // Capture and playback share one timeline (see `share_timeline`), so the DSP takes the
            // echo's delay from the buffers' running times; the extended filter covers the
            // longer tails of a room.
            dsp.set_property("extended-filter", true);
            elements.push(dsp);
            elements.push(make("audioconvert")?);
            elements.push(make("audioresample")?);
        }
        elements.push(capsfilter(&f32_mono_caps(INPUT_RATE))?);
        let mut capture = Capture::build(origin, elements, false)?;
        share_timeline(&capture.pipeline);
        if let Err(message) = set_state(&capture.pipeline, gst::State::Playing) {
            return Err(capture.fail(message));
        }
        Ok(Self { capture })
    }
}

impl AudioInput for MicInput {
    fn next_frame(&mut self) -> Result<Option<AudioFrame>, AudioError> {
        self.capture.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gst_util::f32_mono_caps;

    fn live_test_source() -> gst::Element {
        init().expect("GStreamer starts");
        gst::ElementFactory::make("audiotestsrc")
            .property("is-live", true)
            .build()
            .expect("audiotestsrc is in plugins-base")
    }

    #[test]
    fn a_device_error_mid_session_is_an_error_value_naming_the_device() {
        let config =
            MicConfig { device: "hw:9,0".to_owned(), echo_cancel: false, noise_suppression: true };
        let source = live_test_source();
        let mut mic =
            MicInput::open_with_source(&config, source.clone()).expect("test source opens");
        let frame = mic.next_frame().expect("frames flow").expect("a live source does not end");
        assert_eq!(frame.len(), FRAME_SAMPLES);
        assert_eq!(frame.start(), 0);
        // What alsasrc posts when the device goes away: a resource error on the bus.
        let posted = gst::message::Error::builder(gst::ResourceError::Read, "device unplugged")
            .src(&source)
            .build();
        assert!(source.post_message(posted).is_ok());
        let error = loop {
            match mic.next_frame() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("a live source never ends"),
                Err(error) => break error,
            }
        };
        match &error {
            AudioError::Device { device, direction, message } => {
                assert_eq!(device, "hw:9,0");
                assert_eq!(*direction, Direction::Capture);
                assert!(message.contains("device unplugged"), "{message}");
            }
            other => panic!("expected a device error, got {other}"),
        }
        assert!(mic.next_frame().is_err(), "a failed input stays failed");
    }

    /// The RMS of the frames' samples from `skip` samples on, with echo cancellation on or off,
    /// while a null speaker plays `far` and a live source "hears" it back at half level.
    fn echo_level(far: &[f32], echo_cancel: bool, skip: usize) -> f32 {
        use crate::AudioOutput as _;
        let mut speaker = crate::SpeakerOutput::open(crate::SpeakerSink::Null).expect("speaker");
        let source = gst_app::AppSrc::builder()
            .caps(&f32_mono_caps(22_050))
            .format(gst::Format::Time)
            .is_live(true)
            .build();
        let config = MicConfig { device: "echo".to_owned(), echo_cancel, noise_suppression: true };
        let mut mic =
            MicInput::open_with_source(&config, source.clone().upcast()).expect("mic opens");
        let chunk = crate::PcmChunk::new(22_050, Zeroizing::new(far.to_vec())).expect("chunk");
        speaker.play(chunk).expect("plays");
        // The room: the speaker's sound comes back 100 ms later at half level.
        let mut echo = vec![0.0; 2205];
        echo.extend(far.iter().map(|sample| sample * 0.5));
        let echo_len = echo.len();
        let feeder = std::thread::spawn(move || {
            let began = std::time::Instant::now();
            // Stamped by sample count from the running time at the start, as a sound card does.
            let zero = source.current_running_time().map_or(0, gst::ClockTime::nseconds);
            for (index, piece) in echo.chunks(441).enumerate() {
                let due = std::time::Duration::from_millis(index as u64 * 20);
                if let Some(wait) = due.checked_sub(began.elapsed()) {
                    std::thread::sleep(wait);
                }
                let mut buffer = crate::gst_util::f32_buffer(piece);
                if let Some(buffer) = buffer.get_mut() {
                    buffer.set_pts(gst::ClockTime::from_nseconds(zero + index as u64 * 20_000_000));
                    buffer.set_duration(gst::ClockTime::from_mseconds(20));
                }
                if source.push_buffer(buffer).is_err() {
                    return;
                }
            }
            let _ = source.end_of_stream();
        });
        let mut heard = Vec::new();
        let wanted = echo_len * 16_000 / 22_050 - 1024;
        while heard.len() < wanted {
            match mic.next_frame() {
                Ok(Some(frame)) => heard.extend_from_slice(frame.samples()),
                Ok(None) => break,
                Err(error) => panic!("the test microphone failed: {error}"),
            }
        }
        feeder.join().expect("feeder");
        let tail = &heard[skip.min(heard.len())..];
        (tail.iter().map(|s| s * s).sum::<f32>() / tail.len().max(1) as f32).sqrt()
    }

    #[test]
    fn echo_cancellation_removes_most_of_the_speakers_sound_from_the_microphone() {
        let _one_speaker = crate::SPEAKER_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        init().expect("GStreamer starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("far.wav");
        let status = std::process::Command::new("espeak-ng")
            .arg("-w")
            .arg(&path)
            .arg("I have tried to cut down so many times, and the stress always brings me back to it.")
            .status()
            .expect("espeak-ng runs");
        assert!(status.success());
        let mut input = WavInput::open(&path, Pacing::AsFastAsPossible).expect("reads");
        let mut far16 = Vec::new();
        while let Some(frame) = input.next_frame().expect("reads") {
            far16.extend_from_slice(frame.samples());
        }
        let far = crate::resample(&far16, 16_000, 22_050).expect("resamples");
        // Judge the last third, once the canceller has converged. How fast it converges on 4 s of
        // speech varies with the machine's load, so a second try is allowed; a canceller that
        // does not work (separate timelines, say, gave 1 dB) fails both.
        let skip = far16.len() * 2 / 3;
        let plain = echo_level(&far, false, skip);
        assert!(plain > 0.01, "the echo is there without cancellation: {plain}");
        let mut cancelled = echo_level(&far, true, skip);
        if cancelled >= plain / 2.0 {
            cancelled = cancelled.min(echo_level(&far, true, skip));
        }
        eprintln!("echo level (RMS) without cancellation {plain:.4}, with {cancelled:.4}");
        // 8 to 40 dB less measured on a loaded 2-core machine; 6 dB is the floor.
        assert!(cancelled < plain / 2.0, "at least 6 dB less echo: {cancelled} against {plain}");
    }

    #[test]
    fn echo_cancellation_runs_when_a_speaker_output_carries_the_probe() {
        let _one_speaker = crate::SPEAKER_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let _speaker =
            crate::SpeakerOutput::open(crate::SpeakerSink::Null).expect("null speaker opens");
        let config = MicConfig::new("test");
        let mut mic = MicInput::open_with_source(&config, live_test_source())
            .expect("the DSP finds the probe");
        let frame = mic.next_frame().expect("frames flow").expect("live");
        assert_eq!(frame.len(), FRAME_SAMPLES);
    }
}
