//! One-shot sample-rate conversion of a whole chunk through GStreamer's `audioresample`, for
//! placing the patient's voice on the conversation's 16 kHz timeline.

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use zeroize::Zeroizing;

use crate::error::AudioError;
use crate::gst_util::{
    capsfilter, f32_buffer, f32_mono_caps, init, make, pending_error, set_state, take_samples,
};

const PIPELINE: &str = "resample";

/// How long one conversion may take before it is abandoned (a chunk is seconds of speech).
const LIMIT: gst::ClockTime = gst::ClockTime::from_seconds(30);

/// Converts mono `samples` from `from` Hz to `to` Hz; the result is wiped on drop.
///
/// # Errors
/// [`AudioError::Pipeline`] when GStreamer fails, [`AudioError::InvalidChunk`] for a zero rate.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Zeroizing<Vec<f32>>, AudioError> {
    if from == 0 || to == 0 {
        return Err(AudioError::InvalidChunk("sample rate is zero"));
    }
    if from == to || samples.is_empty() {
        let mut out = Zeroizing::new(Vec::with_capacity(samples.len()));
        out.extend_from_slice(samples);
        return Ok(out);
    }
    init()?;
    let fail = |message: String| AudioError::Pipeline { pipeline: PIPELINE, message };
    let source =
        gst_app::AppSrc::builder().caps(&f32_mono_caps(from)).format(gst::Format::Time).build();
    let sink = gst_app::AppSink::builder().caps(&f32_mono_caps(to)).sync(false).build();
    sink.set_property("enable-last-sample", false);
    let chain = [
        source.clone().upcast(),
        make("audioconvert")?,
        make("audioresample")?,
        capsfilter(&f32_mono_caps(to))?,
        sink.clone().upcast(),
    ];
    let pipeline = gst::Pipeline::new();
    pipeline.add_many(&chain).map_err(|error| fail(error.to_string()))?;
    gst::Element::link_many(&chain).map_err(|error| fail(error.to_string()))?;
    set_state(&pipeline, gst::State::Playing).map_err(fail)?;
    let result = run(&pipeline, &source, &sink, samples, from, to);
    // The conversion is over either way; stopping cannot fail in a way that matters.
    let _ = pipeline.set_state(gst::State::Null);
    result.map_err(fail)
}

fn run(
    pipeline: &gst::Pipeline,
    source: &gst_app::AppSrc,
    sink: &gst_app::AppSink,
    samples: &[f32],
    from: u32,
    to: u32,
) -> Result<Zeroizing<Vec<f32>>, String> {
    let mut buffer = f32_buffer(samples);
    {
        // A buffer just made has one owner, so it is writable.
        let Some(buffer) = buffer.get_mut() else { return Err("buffer not writable".to_owned()) };
        buffer.set_pts(gst::ClockTime::ZERO);
        buffer.set_duration(gst::ClockTime::from_nseconds(
            samples.len() as u64 * 1_000_000_000 / u64::from(from),
        ));
    }
    source.push_buffer(buffer).map_err(|error| format!("push failed: {error:?}"))?;
    source.end_of_stream().map_err(|error| format!("end of stream failed: {error:?}"))?;
    let expected = samples.len() as u64 * u64::from(to) / u64::from(from);
    let mut out = Zeroizing::new(Vec::with_capacity(usize::try_from(expected).unwrap_or(0) + 1024));
    let bus = pipeline.bus().ok_or("the pipeline has no bus")?;
    let deadline = std::time::Instant::now() + std::time::Duration::from(LIMIT);
    loop {
        if let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_mseconds(100)) {
            take_samples(sample, &mut out);
            continue;
        }
        if let Some(error) = pending_error(&bus) {
            return Err(format!("{}: {}", error.source, error.text));
        }
        if sink.is_eos() {
            return Ok(out);
        }
        if std::time::Instant::now() > deadline {
            return Err("the conversion did not finish in time".to_owned());
        }
    }
}
