//! Small helpers over GStreamer shared by the pipelines: start-up, element lookup, reading errors
//! off a bus, and copying samples in and out of buffers with the speech wiped behind them.

use std::sync::OnceLock;

use gstreamer as gst;
use gstreamer::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use crate::error::AudioError;

/// Every element this crate builds pipelines from, with the Debian package that carries it.
pub const REQUIRED_ELEMENTS: &[(&str, &str)] = &[
    ("filesrc", "gstreamer1.0-plugins-base (core elements)"),
    ("wavparse", "gstreamer1.0-plugins-good"),
    ("flacparse", "gstreamer1.0-plugins-good"),
    ("flacdec", "gstreamer1.0-plugins-good"),
    ("audioconvert", "gstreamer1.0-plugins-base"),
    ("audioresample", "gstreamer1.0-plugins-base"),
    ("capsfilter", "gstreamer1.0-plugins-base (core elements)"),
    ("appsrc", "gstreamer1.0-plugins-base"),
    ("appsink", "gstreamer1.0-plugins-base"),
    ("fakesink", "gstreamer1.0-plugins-base (core elements)"),
    ("alsasrc", "gstreamer1.0-alsa"),
    ("alsasink", "gstreamer1.0-alsa"),
    ("webrtcdsp", "gstreamer1.0-plugins-bad"),
    ("webrtcechoprobe", "gstreamer1.0-plugins-bad"),
];

/// The environment variable that keeps GStreamer's own debug log on (`GST_DEBUG`): for a
/// developer's machine only, since an element's log at high levels can dump buffer contents.
pub const DANGER_GST_LOG_VARIABLE: &str = "RAPPORT_DANGER_GST_LOG";

/// Starts GStreamer once per process; later calls return the first call's outcome.
///
/// GStreamer's debug log is switched off (whatever `GST_DEBUG` says) unless
/// [`DANGER_GST_LOG_VARIABLE`] is set: errors still come back as values, but no element can
/// write audio it dumps at a memdump level to stderr and from there to the journal.
///
/// # Errors
/// [`AudioError::Init`] when GStreamer cannot start.
pub fn init() -> Result<(), AudioError> {
    static STARTED: OnceLock<Result<(), String>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            gst::init().map_err(|error| error.to_string())?;
            if std::env::var_os(DANGER_GST_LOG_VARIABLE).is_none() {
                gst::log::remove_default_log_function();
                gst::log::set_active(false);
            }
            Ok(())
        })
        .clone()
        .map_err(AudioError::Init)
}

/// Checks that every element in [`REQUIRED_ELEMENTS`] is installed.
///
/// # Errors
/// [`AudioError::MissingElement`] for the first element that is not, or [`AudioError::Init`].
pub fn check_elements() -> Result<(), AudioError> {
    init()?;
    for &(element, package) in REQUIRED_ELEMENTS {
        if gst::ElementFactory::find(element).is_none() {
            return Err(AudioError::MissingElement { element, package });
        }
    }
    Ok(())
}

/// The clock and base time every device pipeline of the process shares.
struct SharedTimeline {
    clock: gst::Clock,
    base: gst::ClockTime,
}

fn shared_timeline() -> &'static SharedTimeline {
    static TIMELINE: OnceLock<SharedTimeline> = OnceLock::new();
    TIMELINE.get_or_init(|| {
        let clock = gst::SystemClock::obtain();
        let base = clock.time();
        SharedTimeline { clock, base }
    })
}

/// Puts `pipeline` on the process's shared timeline: the system clock and one fixed base time,
/// kept through state changes and flushes. The echo canceller compares the running times of the
/// microphone's and the speaker's buffers to find the echo's delay, which only means something
/// when both pipelines count from the same instant.
pub(crate) fn share_timeline(pipeline: &gst::Pipeline) {
    let timeline = shared_timeline();
    pipeline.use_clock(Some(&timeline.clock));
    pipeline.set_start_time(gst::ClockTime::NONE);
    pipeline.set_base_time(timeline.base);
}

/// The running time now on the shared timeline, in nanoseconds.
pub(crate) fn shared_running_time_ns() -> u64 {
    let timeline = shared_timeline();
    timeline.clock.time().saturating_sub(timeline.base).nseconds()
}

/// Makes one element, or says which package is missing.
pub(crate) fn make(factory: &'static str) -> Result<gst::Element, AudioError> {
    gst::ElementFactory::make(factory).build().map_err(|_| missing(factory))
}

/// The error for an element that could not be made.
pub(crate) fn missing(element: &'static str) -> AudioError {
    let package = REQUIRED_ELEMENTS
        .iter()
        .find(|(name, _)| *name == element)
        .map_or("the GStreamer plugin that provides it", |(_, package)| package);
    AudioError::MissingElement { element, package }
}

/// Raw mono `f32` caps at `rate`.
pub(crate) fn f32_mono_caps(rate: u32) -> gst::Caps {
    gst::Caps::builder("audio/x-raw")
        .field("format", "F32LE")
        .field("layout", "interleaved")
        .field("rate", i32::try_from(rate).unwrap_or(i32::MAX))
        .field("channels", 1i32)
        .build()
}

/// Raw mono 16-bit caps at `rate`, what `webrtcdsp` and its probe take.
pub(crate) fn s16_mono_caps(rate: u32) -> gst::Caps {
    gst::Caps::builder("audio/x-raw")
        .field("format", "S16LE")
        .field("layout", "interleaved")
        .field("rate", i32::try_from(rate).unwrap_or(i32::MAX))
        .field("channels", 1i32)
        .build()
}

/// A capsfilter holding `caps`.
pub(crate) fn capsfilter(caps: &gst::Caps) -> Result<gst::Element, AudioError> {
    gst::ElementFactory::make("capsfilter")
        .property("caps", caps)
        .build()
        .map_err(|_| missing("capsfilter"))
}

/// An error GStreamer posted on a bus, as text: the element, its message and the details.
pub(crate) struct BusError {
    /// The name of the element that posted it.
    pub(crate) source: String,
    /// GStreamer's message and debug details.
    pub(crate) text: String,
}

/// The first error waiting on `bus`, if any, without blocking.
pub(crate) fn pending_error(bus: &gst::Bus) -> Option<BusError> {
    while let Some(message) = bus.pop_filtered(&[gst::MessageType::Error]) {
        if let gst::MessageView::Error(error) = message.view() {
            return Some(describe(error));
        }
    }
    None
}

/// The first error posted on `bus` within `timeout`.
pub(crate) fn wait_error(bus: &gst::Bus, timeout: gst::ClockTime) -> Option<BusError> {
    let message = bus.timed_pop_filtered(timeout, &[gst::MessageType::Error])?;
    match message.view() {
        gst::MessageView::Error(error) => Some(describe(error)),
        _ => None,
    }
}

fn describe(error: &gst::message::Error) -> BusError {
    let source = error.src().map_or_else(|| "pipeline".to_owned(), |src| src.name().to_string());
    let mut text = error.error().to_string();
    if let Some(debug) = error.debug() {
        text.push_str(" (");
        text.push_str(&debug);
        text.push(')');
    }
    BusError { source, text }
}

/// Sets `pipeline` to `state`; on failure returns the error its bus holds (or a generic one).
pub(crate) fn set_state(pipeline: &gst::Pipeline, state: gst::State) -> Result<(), String> {
    match pipeline.set_state(state) {
        Ok(_) => Ok(()),
        Err(_) => {
            let bus_error =
                pipeline.bus().and_then(|bus| wait_error(&bus, gst::ClockTime::from_mseconds(500)));
            // Nothing more can be done with a pipeline that failed to change state.
            let _ = pipeline.set_state(gst::State::Null);
            Err(bus_error.map_or_else(
                || format!("the pipeline refused to change to {state:?}"),
                |error| format!("{}: {}", error.source, error.text),
            ))
        }
    }
}

/// Copies the `f32` samples out of `sample` into `out`, then zeroes GStreamer's copy where it
/// is the only holder of the buffer.
pub(crate) fn take_samples(sample: gst::Sample, out: &mut Vec<f32>) {
    let Some(mut buffer) = sample.buffer_owned() else { return };
    drop(sample);
    if let Some(writable) = buffer.get_mut()
        && let Ok(mut map) = writable.map_writable()
    {
        append_f32(map.as_slice(), out);
        map.as_mut_slice().zeroize();
        return;
    }
    if let Ok(map) = buffer.map_readable() {
        append_f32(map.as_slice(), out);
    }
}

fn append_f32(bytes: &[u8], out: &mut Vec<f32>) {
    out.extend(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
}

/// Bytes handed to GStreamer that are wiped when GStreamer frees the buffer.
struct WipedBytes(Zeroizing<Vec<u8>>);

impl AsRef<[u8]> for WipedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl AsMut<[u8]> for WipedBytes {
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

/// A buffer holding `samples` as little-endian `f32`, wiped when GStreamer frees it.
pub(crate) fn f32_buffer(samples: &[f32]) -> gst::Buffer {
    let mut bytes = Zeroizing::new(Vec::with_capacity(samples.len() * 4));
    for sample in samples {
        bytes.extend_from_slice(&sample.to_le_bytes());
    }
    gst::Buffer::from_mut_slice(WipedBytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gstreamers_debug_log_is_off_unless_a_developer_asks_for_it() {
        init().expect("GStreamer starts");
        let asked = std::env::var_os(DANGER_GST_LOG_VARIABLE).is_some();
        assert_eq!(gst::log::is_active(), asked);
    }
}
