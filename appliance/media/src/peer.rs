//! One peer's branch: the station's audio encoded to Opus into a `webrtcbin`, the station's
//! offer and candidates out, the peer's answer and candidates in, an actor's voice decoded into
//! the kiosk's mix, and the teardown that leaves the rest of the pipeline playing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_sdp as gst_sdp;
use gstreamer_webrtc as gst_webrtc;
use rapport_wire::{PeerId, Role};
use tracing::{debug, warn};

use crate::{LEVEL_INTERVAL, MediaError, MediaEvent, Shared, make, onset};

/// The RTP payload type of Opus in the station's offer.
const OPUS_PAYLOAD: i32 = 96;
/// The RTP payload type of VP8 (the optional video).
const VP8_PAYLOAD: i32 = 97;
/// How long the teardown waits for the station's tee to let go of a branch.
const UNLINK_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Incoming {
    elements: Vec<gst::Element>,
    mixer_pad: Option<gst::Pad>,
}

/// A peer's live branch.
pub(crate) struct Peer {
    webrtc: gst::Element,
    outgoing: Vec<gst::Element>,
    /// The tees this peer's branches hang from, with their pads.
    tee_links: Vec<(gst::Element, gst::Pad)>,
    incoming: Arc<Mutex<Incoming>>,
}

pub(crate) fn add(shared: &Arc<Shared>, peer: PeerId, role: Role) -> Result<(), MediaError> {
    let name = format!("peer-{}", peer.0);
    let webrtc = make("webrtcbin", Some(&format!("{name}-webrtc")))?;
    webrtc.set_property_from_str("bundle-policy", "max-bundle");
    webrtc.set_property("latency", shared.config.latency_ms);
    if let Some(stun) = &shared.config.stun_server {
        webrtc.set_property("stun-server", stun);
    }
    if let Some(turn) = &shared.config.turn_server {
        webrtc.set_property("turn-server", turn);
    }
    let ice: gst_webrtc::WebRTCICE = webrtc.property("ice-agent");
    for address in &shared.config.local_addresses {
        if !ice.emit_by_name::<bool>("add-local-ip-address", &[address]) {
            warn!(reason = "refused by the ICE agent", "a local address was not added");
        }
    }

    let queue = make("queue", None)?;
    queue.set_property_from_str("leaky", "downstream");
    queue.set_property("max-size-time", 200_000_000u64);
    queue.set_property("max-size-buffers", 0u32);
    queue.set_property("max-size-bytes", 0u32);
    let convert = make("audioconvert", None)?;
    let resample = make("audioresample", None)?;
    let encoder = make("opusenc", None)?;
    // 10 ms frames: half the default's packetisation delay.
    encoder.set_property_from_str("frame-size", "10");
    encoder.set_property("bitrate", 48_000i32);
    let payloader = make("rtpopuspay", None)?;
    payloader.set_property("pt", OPUS_PAYLOAD as u32);
    let outgoing = vec![queue.clone(), convert, resample, encoder, payloader.clone()];

    let pipeline = &shared.pipeline;
    pipeline
        .add(&webrtc)
        .and_then(|()| pipeline.add_many(&outgoing))
        .map_err(|_| MediaError::Pipeline(format!("adding {name} to the pipeline")))?;
    gst::Element::link_many(&outgoing)
        .map_err(|_| MediaError::Pipeline(format!("linking {name}'s encoder")))?;
    let sink = webrtc
        .request_pad_simple("sink_%u")
        .ok_or_else(|| MediaError::Pipeline(format!("requesting {name}'s send pad")))?;
    payloader
        .static_pad("src")
        .ok_or_else(|| MediaError::Pipeline("finding the payloader's pad".into()))?
        .link(&sink)
        .map_err(|_| MediaError::Pipeline(format!("linking {name}'s payloader")))?;
    let transceiver: gst_webrtc::WebRTCRTPTransceiver = sink.property("transceiver");
    // Only an actor speaks into the session; everyone else listens.
    let direction = if role == Role::Actor {
        gst_webrtc::WebRTCRTPTransceiverDirection::Sendrecv
    } else {
        gst_webrtc::WebRTCRTPTransceiverDirection::Sendonly
    };
    transceiver.set_property("direction", direction);

    // Supervisors and observers watch the session when the station sends video.
    let video = match (&shared.video, role) {
        (Some(video_tee), Role::Supervisor | Role::Observer) => {
            Some((video_tee.clone(), video_branch(shared, &webrtc, &name)?))
        }
        _ => None,
    };

    let incoming = Arc::new(Mutex::new(Incoming::default()));
    connect_signals(shared, &webrtc, peer, &incoming);

    webrtc
        .sync_state_with_parent()
        .map_err(|_| MediaError::Pipeline(format!("starting {name}'s webrtcbin")))?;
    for element in &outgoing {
        element
            .sync_state_with_parent()
            .map_err(|_| MediaError::Pipeline(format!("starting {name}'s encoder")))?;
    }
    let tee = if role == Role::Actor { shared.station.clone() } else { shared.mix.clone() };
    let tee_pad = tee
        .request_pad_simple("src_%u")
        .ok_or_else(|| MediaError::Pipeline(format!("requesting a tee pad for {name}")))?;
    let queue_sink =
        queue.static_pad("sink").ok_or_else(|| MediaError::Pipeline("a queue's pad".into()))?;
    tee_pad
        .link(&queue_sink)
        .map_err(|_| MediaError::Pipeline(format!("linking {name} to the station's audio")))?;
    let mut tee_links = vec![(tee, tee_pad)];
    let mut outgoing = outgoing;
    if let Some((video_tee, elements)) = video {
        for element in &elements {
            element
                .sync_state_with_parent()
                .map_err(|_| MediaError::Pipeline(format!("starting {name}'s video encoder")))?;
        }
        let pad = video_tee.request_pad_simple("src_%u").ok_or_else(|| {
            MediaError::Pipeline(format!("requesting a video tee pad for {name}"))
        })?;
        let sink = elements
            .first()
            .and_then(|queue| queue.static_pad("sink"))
            .ok_or_else(|| MediaError::Pipeline("a queue's pad".into()))?;
        pad.link(&sink)
            .map_err(|_| MediaError::Pipeline(format!("linking {name} to the station's video")))?;
        tee_links.push((video_tee, pad));
        outgoing.extend(elements);
    }

    let record = Peer { webrtc, outgoing, tee_links, incoming };
    if let Ok(mut peers) = shared.peers.lock() {
        peers.insert(peer, record);
    }
    debug!(peer = peer.0, role = role.as_str(), "peer media added");
    Ok(())
}

/// The optional video to a peer: VP8 in real-time mode, sent only.
fn video_branch(
    shared: &Shared,
    webrtc: &gst::Element,
    name: &str,
) -> Result<Vec<gst::Element>, MediaError> {
    let queue = make("queue", None)?;
    queue.set_property_from_str("leaky", "downstream");
    queue.set_property("max-size-buffers", 2u32);
    let convert = make("videoconvert", None)?;
    let encoder = make("vp8enc", None)?;
    encoder.set_property("deadline", 1i64);
    encoder.set_property("cpu-used", 8i32);
    encoder.set_property("target-bitrate", 300_000i32);
    encoder.set_property("keyframe-max-dist", 30i32);
    let payloader = make("rtpvp8pay", None)?;
    payloader.set_property("pt", VP8_PAYLOAD as u32);
    let elements = vec![queue, convert, encoder, payloader.clone()];
    shared
        .pipeline
        .add_many(&elements)
        .map_err(|_| MediaError::Pipeline(format!("adding {name}'s video")))?;
    gst::Element::link_many(&elements)
        .map_err(|_| MediaError::Pipeline(format!("linking {name}'s video encoder")))?;
    let sink = webrtc
        .request_pad_simple("sink_%u")
        .ok_or_else(|| MediaError::Pipeline(format!("requesting {name}'s video pad")))?;
    payloader
        .static_pad("src")
        .ok_or_else(|| MediaError::Pipeline("finding the payloader's pad".into()))?
        .link(&sink)
        .map_err(|_| MediaError::Pipeline(format!("linking {name}'s video payloader")))?;
    let transceiver: gst_webrtc::WebRTCRTPTransceiver = sink.property("transceiver");
    transceiver.set_property("direction", gst_webrtc::WebRTCRTPTransceiverDirection::Sendonly);
    Ok(elements)
}

fn connect_signals(
    shared: &Arc<Shared>,
    webrtc: &gst::Element,
    peer: PeerId,
    incoming: &Arc<Mutex<Incoming>>,
) {
    let events = shared.events.clone();
    webrtc.connect("on-negotiation-needed", false, move |values| {
        let webrtc = values.first().and_then(|v| v.get::<gst::Element>().ok())?;
        let events = events.clone();
        let for_reply = webrtc.clone();
        let promise = gst::Promise::with_change_func(move |reply| {
            let offer = match reply {
                Ok(Some(reply)) => reply.get::<gst_webrtc::WebRTCSessionDescription>("offer").ok(),
                _ => None,
            };
            let Some(offer) = offer else {
                warn!(peer = peer.0, "webrtcbin made no offer");
                return;
            };
            for_reply.emit_by_name::<()>("set-local-description", &[&offer, &None::<gst::Promise>]);
            if let Ok(sdp) = offer.sdp().as_text() {
                let _ = events.send(MediaEvent::Offer { peer, sdp });
            }
        });
        webrtc.emit_by_name::<()>("create-offer", &[&None::<gst::Structure>, &promise]);
        None
    });

    let events = shared.events.clone();
    webrtc.connect("on-ice-candidate", false, move |values| {
        let sdp_m_line_index = values.get(1).and_then(|v| v.get::<u32>().ok())?;
        let candidate = values.get(2).and_then(|v| v.get::<String>().ok())?;
        let _ = events.send(MediaEvent::Ice { peer, candidate, sdp_m_line_index });
        None
    });

    let events = shared.events.clone();
    webrtc.connect_notify(Some("connection-state"), move |webrtc, _| {
        let state = webrtc.property::<gst_webrtc::WebRTCPeerConnectionState>("connection-state");
        let state = match state {
            gst_webrtc::WebRTCPeerConnectionState::New => "new",
            gst_webrtc::WebRTCPeerConnectionState::Connecting => "connecting",
            gst_webrtc::WebRTCPeerConnectionState::Connected => "connected",
            gst_webrtc::WebRTCPeerConnectionState::Disconnected => "disconnected",
            gst_webrtc::WebRTCPeerConnectionState::Failed => "failed",
            gst_webrtc::WebRTCPeerConnectionState::Closed => "closed",
            _ => "unknown",
        };
        let _ = events.send(MediaEvent::State { peer, state });
    });

    let pipeline = shared.pipeline.downgrade();
    let mixer = shared.mixer.downgrade();
    let incoming = Arc::clone(incoming);
    let onsets = shared.config.onsets;
    let events = shared.events.clone();
    webrtc.connect_pad_added(move |_, pad| {
        if pad.direction() != gst::PadDirection::Src {
            return;
        }
        let (Some(pipeline), Some(mixer)) = (pipeline.upgrade(), mixer.upgrade()) else {
            return;
        };
        if let Err(error) =
            add_incoming(&pipeline, &mixer, pad, peer, &incoming, onsets, events.clone())
        {
            warn!(peer = peer.0, error = %error, "an actor's voice could not be mixed in");
        }
    });
}

/// Decodes an actor's voice, measures it and mixes it into the kiosk's output.
fn add_incoming(
    pipeline: &gst::Pipeline,
    mixer: &gst::Element,
    pad: &gst::Pad,
    peer: PeerId,
    incoming: &Mutex<Incoming>,
    onsets: bool,
    events: std::sync::mpsc::Sender<MediaEvent>,
) -> Result<(), MediaError> {
    let depay = make("rtpopusdepay", None)?;
    let decoder = make("opusdec", None)?;
    let convert = make("audioconvert", None)?;
    let resample = make("audioresample", None)?;
    let caps = make("capsfilter", None)?;
    caps.set_property(
        "caps",
        gst::Caps::builder("audio/x-raw").field("rate", 48_000i32).field("channels", 1i32).build(),
    );
    let level = make("level", Some(&format!("peer-{}-level", peer.0)))?;
    level.set_property("interval", LEVEL_INTERVAL.as_nanos() as u64);
    let queue = make("queue", None)?;
    if onsets {
        onset::watch(&caps, Some(peer), events);
    }
    let elements = vec![depay.clone(), decoder, convert, resample, caps, level, queue.clone()];
    pipeline
        .add_many(&elements)
        .map_err(|_| MediaError::Pipeline("adding an actor's decoder".into()))?;
    gst::Element::link_many(&elements)
        .map_err(|_| MediaError::Pipeline("linking an actor's decoder".into()))?;
    let mixer_pad = mixer
        .request_pad_simple("sink_%u")
        .ok_or_else(|| MediaError::Pipeline("requesting a mixer pad".into()))?;
    queue
        .static_pad("src")
        .ok_or_else(|| MediaError::Pipeline("a queue's pad".into()))?
        .link(&mixer_pad)
        .map_err(|_| MediaError::Pipeline("linking an actor's voice to the mixer".into()))?;
    for element in &elements {
        element
            .sync_state_with_parent()
            .map_err(|_| MediaError::Pipeline("starting an actor's decoder".into()))?;
    }
    let depay_sink = depay
        .static_pad("sink")
        .ok_or_else(|| MediaError::Pipeline("a depayloader's pad".into()))?;
    pad.link(&depay_sink).map_err(|_| MediaError::Pipeline("linking an actor's stream".into()))?;
    if let Ok(mut incoming) = incoming.lock() {
        incoming.elements.extend(elements);
        incoming.mixer_pad = Some(mixer_pad);
    }
    Ok(())
}

pub(crate) fn set_answer(shared: &Shared, peer: PeerId, sdp: &str) -> Result<(), MediaError> {
    let webrtc = webrtc_of(shared, peer)
        .ok_or_else(|| MediaError::Pipeline(format!("answering for peer {}: gone", peer.0)))?;
    let message = gst_sdp::SDPMessage::parse_buffer(sdp.as_bytes())
        .map_err(|_| MediaError::Pipeline("parsing a peer's SDP answer".into()))?;
    let answer =
        gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Answer, message);
    webrtc.emit_by_name::<()>("set-remote-description", &[&answer, &None::<gst::Promise>]);
    Ok(())
}

pub(crate) fn add_ice(shared: &Shared, peer: PeerId, candidate: &str, sdp_m_line_index: u32) {
    if let Some(webrtc) = webrtc_of(shared, peer) {
        webrtc.emit_by_name::<()>("add-ice-candidate", &[&sdp_m_line_index, &candidate]);
    }
}

fn webrtc_of(shared: &Shared, peer: PeerId) -> Option<gst::Element> {
    shared.peers.lock().ok()?.get(&peer).map(|p| p.webrtc.clone())
}

pub(crate) fn remove(shared: &Shared, peer: PeerId) {
    let Some(record) = shared.peers.lock().ok().and_then(|mut p| p.remove(&peer)) else {
        return;
    };
    for (tee, tee_pad) in &record.tee_links {
        // Let the tee finish its current buffer on this pad, then unlink it there.
        let (done, finished) = std::sync::mpsc::channel();
        tee_pad.add_probe(gst::PadProbeType::IDLE, move |pad, _| {
            if let Some(peer_pad) = pad.peer() {
                let _ = pad.unlink(&peer_pad);
            }
            let _ = done.send(());
            gst::PadProbeReturn::Remove
        });
        if finished.recv_timeout(UNLINK_TIMEOUT).is_err() {
            warn!(peer = peer.0, "the station's tee did not let go of a peer in time");
        }
        tee.release_request_pad(tee_pad);
    }
    let _ = record.webrtc.set_state(gst::State::Null);
    for element in &record.outgoing {
        let _ = element.set_state(gst::State::Null);
    }
    let incoming = record.incoming.lock().map(|mut i| std::mem::take(&mut *i)).unwrap_or_default();
    for element in &incoming.elements {
        let _ = element.set_state(gst::State::Null);
    }
    if let Some(mixer_pad) = incoming.mixer_pad {
        if let Some(peer_pad) = mixer_pad.peer() {
            let _ = peer_pad.unlink(&mixer_pad);
        }
        shared.mixer.release_request_pad(&mixer_pad);
    }
    let pipeline = &shared.pipeline;
    let _ = pipeline.remove(&record.webrtc);
    let _ = pipeline.remove_many(&record.outgoing);
    let _ = pipeline.remove_many(&incoming.elements);
    let _ = shared.events.send(MediaEvent::State { peer, state: "removed" });
    debug!(peer = peer.0, "peer media removed");
}
