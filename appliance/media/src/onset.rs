//! Onset detection for latency measurements: a pad probe that notes the wall-clock time at which
//! a sound starts after silence. Only `rapport bench remote` turns it on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::time::{SystemTime, UNIX_EPOCH};

use gstreamer as gst;
use gstreamer::prelude::*;
use rapport_wire::PeerId;

use crate::MediaEvent;

/// A sample above this (of full scale) starts a sound.
const LOUD: f32 = 0.1;
/// The sample rate of the watched audio (the station's pipeline runs at 48 kHz).
const RATE: u32 = 48_000;
/// A sound has ended after this many quiet samples (50 ms at 48 kHz).
const QUIET_SAMPLES: usize = 2_400;

/// Watches the audio leaving `element`'s source pad; its caps must be fixed raw audio.
pub(crate) fn watch(element: &gst::Element, peer: Option<PeerId>, events: Sender<MediaEvent>) {
    let Some(pad) = element.static_pad("src") else { return };
    // Quiet samples so far; probes run on one streaming thread, the atomic only satisfies `Fn`.
    let quiet = AtomicUsize::new(QUIET_SAMPLES);
    pad.add_probe(gst::PadProbeType::BUFFER, move |pad, info| {
        let Some(buffer) = info.buffer() else { return gst::PadProbeReturn::Ok };
        let float = pad
            .current_caps()
            .and_then(|caps| caps.structure(0).and_then(|s| s.get::<String>("format").ok()))
            .is_some_and(|format| format.starts_with("F32"));
        let Ok(map) = buffer.map_readable() else { return gst::PadProbeReturn::Ok };
        let samples: Box<dyn Iterator<Item = f32>> = if float {
            Box::new(map.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        } else {
            Box::new(
                map.chunks_exact(2)
                    .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / f32::from(i16::MAX)),
            )
        };
        let count = map.len() / if float { 4 } else { 2 };
        let mut silent = quiet.load(Ordering::Relaxed);
        for (index, sample) in samples.enumerate() {
            if sample.abs() >= LOUD {
                if silent >= QUIET_SAMPLES {
                    // The buffer leaves when its last sample is in: the sound began that many
                    // samples before now.
                    let before_ms = (count - index) as f64 * 1000.0 / f64::from(RATE);
                    let at_unix_ms = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_secs_f64() * 1000.0 - before_ms)
                        .unwrap_or(0.0);
                    let _ = events.send(MediaEvent::Onset { peer, at_unix_ms });
                }
                silent = 0;
            } else {
                silent = silent.saturating_add(1);
            }
        }
        quiet.store(silent, Ordering::Relaxed);
        gst::PadProbeReturn::Ok
    });
}
