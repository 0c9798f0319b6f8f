//! Remote peers' audio on the station's GStreamer pipeline: one `webrtcbin` per peer, Opus both
//! ways. The signalling crate decides who joins; this crate only moves media.
//!
//! ```text
//! station source ─► tee "station" ─┬─► audiomixer "kiosk" ─► tee "mix" ─┬─► level ─► kiosk output
//!                                  │        ▲                           └─► to supervisors, observers
//!                                  └─► to actors   actor's voice ─► level ─┘
//! ```
//!
//! - The station source is what the kiosk hears and says: with [`StationSource::Fed`], the
//!   trainee's microphone and the patient's voice, pushed by the station through a
//!   [`StationFeed`]; without speech, a test tone (or ticks, for the latency bench). Actors hear
//!   it, so they never hear themselves.
//! - An actor's voice is decoded, measured and mixed into the kiosk's output, which supervisors
//!   and observers hear: both sides of the conversation.
//! - With [`MediaConfig::video`], a live test pattern (standing for the kiosk's camera) goes to
//!   supervisors and observers as VP8, one way.
//! - `peer`: one peer's branch: encoders, `webrtcbin`, negotiation, and its teardown.
//! - `onset`: sound onsets timed on the wall clock, for `rapport bench remote`.

mod onset;
mod peer;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use rapport_wire::{PeerId, Role};
use tracing::{info, warn};

/// The jitter buffer's latency on a LAN: 50 ms absorbs Wi-Fi jitter; the default 200 ms would
/// dominate mouth-to-ear latency.
pub const DEFAULT_LATENCY_MS: u32 = 50;
/// How often the levels of the kiosk output and of each actor's voice are reported.
pub const LEVEL_INTERVAL: Duration = Duration::from_millis(250);

/// What the station plays into the session's audio.
#[derive(Clone, Debug)]
pub enum StationSource {
    /// A sine tone at this frequency (Hz): a station that does not listen (typed sessions).
    Tone(f64),
    /// Short ticks once a second (for latency measurements).
    Ticks,
    /// The conversation itself, pushed through [`Media::station_feed`] as 16 kHz mono.
    Fed,
}

/// The sample rate a [`StationFeed`] takes.
pub const FEED_RATE: u32 = 16_000;

/// Where the station pushes the conversation's audio for the peers: the trainee's microphone
/// mixed with the patient's voice, 16 kHz mono, as it happens. Cheap to clone.
#[derive(Clone)]
pub struct StationFeed {
    source: gst::Element,
    /// When the station last pushed, in ms of the feed's own clock (see [`StationFeed::keep_alive`]).
    last_push: Arc<std::sync::atomic::AtomicU64>,
}

/// Without a push for this long, the feed fills in silence.
const FEED_IDLE: Duration = Duration::from_millis(60);
/// The silence it fills in at a time.
const FEED_SILENCE: Duration = Duration::from_millis(20);

impl StationFeed {
    /// Pushes the next stretch of the conversation; it is stamped with the pipeline's clock on
    /// arrival, so push it as it is heard.
    pub fn push(&self, samples: &[f32]) {
        if samples.is_empty() {
            return;
        }
        self.last_push.store(feed_clock_ms(), Ordering::Relaxed);
        if self.send(samples) != gst::FlowReturn::Ok {
            tracing::debug!("the station feed refused a buffer (the pipeline is stopping)");
        }
    }

    /// While nobody pushes (before a conversation, between two, when the microphone fails),
    /// fills in silence, so the stream goes on and a joining peer's connection can negotiate.
    /// Stops when the pipeline stops taking it.
    fn keep_alive(&self) -> Result<(), MediaError> {
        let weak = self.source.downgrade();
        let last_push = Arc::clone(&self.last_push);
        let silence = vec![0.0f32; (FEED_RATE as usize) * FEED_SILENCE.as_millis() as usize / 1000];
        std::thread::Builder::new()
            .name("station-feed".into())
            .spawn(move || {
                while let Some(source) = weak.upgrade() {
                    let idle = feed_clock_ms().saturating_sub(last_push.load(Ordering::Relaxed));
                    if idle >= FEED_IDLE.as_millis() as u64 {
                        let feed = StationFeed { source, last_push: Arc::clone(&last_push) };
                        if feed.send(&silence) != gst::FlowReturn::Ok {
                            break;
                        }
                    } else {
                        drop(source);
                    }
                    std::thread::sleep(FEED_SILENCE);
                }
            })
            .map_err(|e| MediaError::Pipeline(format!("starting the feed's silence: {e}")))?;
        Ok(())
    }

    fn send(&self, samples: &[f32]) -> gst::FlowReturn {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let buffer = gst::Buffer::from_mut_slice(bytes);
        self.source.emit_by_name("push-buffer", &[&buffer])
    }
}

/// Milliseconds on a clock the feed's pushes and its silence share.
fn feed_clock_ms() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64
}

impl std::fmt::Debug for StationFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StationFeed(..)")
    }
}

/// How the media runs.
#[derive(Clone, Debug)]
pub struct MediaConfig {
    /// The station's audio.
    pub source: StationSource,
    /// The jitter buffers' latency, in ms.
    pub latency_ms: u32,
    /// Addresses given to every ICE agent (libnice ignores `lo`: a loopback-only station needs
    /// `127.0.0.1` here).
    pub local_addresses: Vec<String>,
    /// A STUN server URL (`stun://host:port`); none by default.
    pub stun_server: Option<String>,
    /// A TURN server URL (`turn://user:pass@host:port`); none by default.
    pub turn_server: Option<String>,
    /// Send a video (a test pattern standing for the kiosk's camera) to supervisors and
    /// observers; off by default.
    pub video: bool,
    /// Report [`MediaEvent::Onset`]s (for `rapport bench remote`): when a sound starts in the
    /// station's source and in each actor's decoded voice.
    pub onsets: bool,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            source: StationSource::Tone(440.0),
            latency_ms: DEFAULT_LATENCY_MS,
            local_addresses: Vec::new(),
            stun_server: None,
            turn_server: None,
            onsets: false,
            video: false,
        }
    }
}

/// What the media tells the station.
#[derive(Debug)]
pub enum MediaEvent {
    /// The SDP offer for a peer, to send through signalling.
    Offer {
        /// Who.
        peer: PeerId,
        /// The offer.
        sdp: String,
    },
    /// A local ICE candidate for a peer.
    Ice {
        /// Who.
        peer: PeerId,
        /// The candidate line.
        candidate: String,
        /// Its media line.
        sdp_m_line_index: u32,
    },
    /// A peer's connection changed state (`new`, `connecting`, `connected`, `failed`,
    /// `closed`), or `removed` once its branch is gone.
    State {
        /// Who.
        peer: PeerId,
        /// The state.
        state: &'static str,
    },
    /// A level measurement: the kiosk's output (`peer` is `None`) or an actor's voice.
    Level {
        /// Whose voice, or `None` for the kiosk's output.
        peer: Option<PeerId>,
        /// RMS level in dBFS.
        rms_db: f64,
    },
    /// A sound started (only with [`MediaConfig::onsets`]): in the station's source (`peer` is
    /// `None`) or in an actor's decoded voice.
    Onset {
        /// Whose voice, or `None` for the station's source.
        peer: Option<PeerId>,
        /// Wall-clock time, in ms since the Unix epoch.
        at_unix_ms: f64,
    },
    /// The pipeline reported an error; the session goes on without remote media.
    Error {
        /// Which element.
        element: String,
    },
}

/// Why the media could not start or a peer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// GStreamer could not be initialised.
    #[error("GStreamer: {0}")]
    Init(String),
    /// An element is missing (its plugin package is not installed).
    #[error("the GStreamer element {element} is missing (install {package})")]
    Missing {
        /// The element's factory name.
        element: &'static str,
        /// The Debian package that has it.
        package: &'static str,
    },
    /// The pipeline refused something.
    #[error("while {0}")]
    Pipeline(String),
}

pub(crate) fn make(factory: &'static str, name: Option<&str>) -> Result<gst::Element, MediaError> {
    let mut builder = gst::ElementFactory::make(factory);
    if let Some(name) = name {
        builder = builder.name(name);
    }
    builder
        .build()
        .map_err(|_| MediaError::Missing { element: factory, package: package_of(factory) })
}

fn package_of(factory: &str) -> &'static str {
    match factory {
        "webrtcbin" | "dtlsdec" | "dtlssrtpdec" => "gstreamer1.0-plugins-bad",
        "opusenc" | "opusdec" | "audiotestsrc" | "audiomixer" | "audioconvert"
        | "audioresample" | "tee" | "queue" | "fakesink" | "videotestsrc" | "videoconvert" => {
            "gstreamer1.0-plugins-base"
        }
        "vp8enc" | "rtpvp8pay" => "gstreamer1.0-plugins-good",
        "rtpopuspay" | "rtpopusdepay" | "level" => "gstreamer1.0-plugins-good",
        _ => "the GStreamer plugins",
    }
}

pub(crate) struct Shared {
    pub(crate) pipeline: gst::Pipeline,
    pub(crate) station: gst::Element,
    pub(crate) mix: gst::Element,
    pub(crate) mixer: gst::Element,
    pub(crate) feed: Option<StationFeed>,
    pub(crate) video: Option<gst::Element>,
    pub(crate) config: MediaConfig,
    pub(crate) events: Sender<MediaEvent>,
    pub(crate) peers: Mutex<HashMap<PeerId, peer::Peer>>,
}

/// The station's media: its pipeline, playing from start to drop.
pub struct Media {
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    bus_thread: Option<JoinHandle<()>>,
}

impl Media {
    /// Builds and starts the pipeline, and warms the DTLS certificate so the first peer does not
    /// wait for it. Events arrive on `events`.
    pub fn start(config: MediaConfig, events: Sender<MediaEvent>) -> Result<Self, MediaError> {
        gst::init().map_err(|e| MediaError::Init(e.to_string()))?;
        warm_dtls()?;
        let pipeline = gst::Pipeline::with_name("rapport-media");
        let (source, feed) = station_source(&pipeline, &config.source)?;
        let caps = gst::Caps::builder("audio/x-raw")
            .field("rate", 48_000i32)
            .field("channels", 1i32)
            .build();
        let capsfilter = make("capsfilter", None)?;
        capsfilter.set_property("caps", &caps);
        let station = make("tee", Some("station"))?;
        station.set_property("allow-not-linked", true);
        let to_mixer = make("queue", None)?;
        let mixer = make("audiomixer", Some("kiosk"))?;
        // Extra time the mixer waits for a late input (an actor's voice off the network).
        mixer.set_property("latency", 20_000_000u64);
        let mixed_caps = make("capsfilter", None)?;
        mixed_caps.set_property("caps", &caps);
        let mix = make("tee", Some("mix"))?;
        mix.set_property("allow-not-linked", true);
        let to_kiosk = make("queue", None)?;
        let level = make("level", Some("kiosk-level"))?;
        level.set_property("interval", LEVEL_INTERVAL.as_nanos() as u64);
        let kiosk_output = make("fakesink", Some("kiosk-output"))?;
        kiosk_output.set_property("sync", true);
        pipeline
            .add_many([
                &capsfilter,
                &station,
                &to_mixer,
                &mixer,
                &mixed_caps,
                &mix,
                &to_kiosk,
                &level,
                &kiosk_output,
            ])
            .map_err(|_| MediaError::Pipeline("assembling the station's pipeline".into()))?;
        gst::Element::link_many([
            &source,
            &capsfilter,
            &station,
            &to_mixer,
            &mixer,
            &mixed_caps,
            &mix,
        ])
        .and_then(|()| gst::Element::link_many([&mix, &to_kiosk, &level, &kiosk_output]))
        .map_err(|_| MediaError::Pipeline("linking the station's pipeline".into()))?;
        if config.onsets {
            onset::watch(&capsfilter, None, events.clone());
        }
        let video = if config.video { Some(video_source(&pipeline)?) } else { None };
        pipeline
            .set_state(gst::State::Playing)
            .map_err(|_| MediaError::Pipeline("starting the station's pipeline".into()))?;
        if let Some(feed) = &feed {
            feed.keep_alive()?;
        }

        let shared = Arc::new(Shared {
            feed,
            pipeline,
            station,
            mix,
            mixer,
            video,
            config,
            events,
            peers: Mutex::new(HashMap::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let bus_thread = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("media-bus".into())
                .spawn(move || watch_bus(&shared, &stop))
                .map_err(|e| MediaError::Pipeline(format!("starting the bus thread: {e}")))?
        };
        info!("media pipeline playing");
        Ok(Self { shared, stop, bus_thread: Some(bus_thread) })
    }

    /// Sets up a peer's connection; its offer and candidates arrive as [`MediaEvent`]s.
    pub fn add_peer(&self, peer: PeerId, role: Role) -> Result<(), MediaError> {
        peer::add(&self.shared, peer, role)
    }

    /// Applies a peer's SDP answer.
    pub fn set_answer(&self, peer: PeerId, sdp: &str) -> Result<(), MediaError> {
        peer::set_answer(&self.shared, peer, sdp)
    }

    /// Adds one of a peer's ICE candidates.
    pub fn add_ice(&self, peer: PeerId, candidate: &str, sdp_m_line_index: u32) {
        peer::add_ice(&self.shared, peer, candidate, sdp_m_line_index);
    }

    /// Tears a peer's connection down: no more media to or from it.
    pub fn remove_peer(&self, peer: PeerId) {
        peer::remove(&self.shared, peer);
    }

    /// Where the conversation's audio goes in, when the source is [`StationSource::Fed`].
    pub fn station_feed(&self) -> Option<StationFeed> {
        self.shared.feed.clone()
    }

    /// The peers with a live branch.
    pub fn peers(&self) -> Vec<PeerId> {
        let mut peers: Vec<PeerId> =
            self.shared.peers.lock().map(|p| p.keys().copied().collect()).unwrap_or_default();
        peers.sort();
        peers
    }
}

impl Drop for Media {
    fn drop(&mut self) {
        let peers = self.peers();
        for peer in peers {
            self.remove_peer(peer);
        }
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.shared.pipeline.set_state(gst::State::Null);
        if let Some(thread) = self.bus_thread.take() {
            let _ = thread.join();
        }
    }
}

/// The station's audio source, at the head of the pipeline (added to it; the caller links it):
/// a test tone or ticks, or the feed the station pushes the conversation into (converted and
/// resampled to the pipeline's 48 kHz).
fn station_source(
    pipeline: &gst::Pipeline,
    source: &StationSource,
) -> Result<(gst::Element, Option<StationFeed>), MediaError> {
    let (tone, wave, volume) = match source {
        StationSource::Tone(frequency) => (*frequency, "sine", 0.3f64),
        StationSource::Ticks => (0.0, "ticks", 0.8f64),
        StationSource::Fed => {
            let feed = make("appsrc", Some("station-feed"))?;
            feed.set_property("is-live", true);
            feed.set_property("do-timestamp", true);
            feed.set_property_from_str("format", "time");
            feed.set_property(
                "caps",
                gst::Caps::builder("audio/x-raw")
                    .field("format", "F32LE")
                    .field("layout", "interleaved")
                    .field("rate", FEED_RATE as i32)
                    .field("channels", 1i32)
                    .build(),
            );
            let convert = make("audioconvert", None)?;
            let resample = make("audioresample", None)?;
            pipeline
                .add_many([&feed, &convert, &resample])
                .map_err(|_| MediaError::Pipeline("adding the station feed".into()))?;
            gst::Element::link_many([&feed, &convert, &resample])
                .map_err(|_| MediaError::Pipeline("linking the station feed".into()))?;
            let feed = StationFeed { source: feed, last_push: Arc::default() };
            return Ok((resample, Some(feed)));
        }
    };
    let test = make("audiotestsrc", Some("station-source"))?;
    test.set_property("is-live", true);
    test.set_property_from_str("wave", wave);
    if wave == "sine" {
        test.set_property("freq", tone);
    }
    test.set_property("volume", volume);
    // 10 ms buffers: the source's own share of the latency.
    test.set_property("samplesperbuffer", 480i32);
    pipeline.add(&test).map_err(|_| MediaError::Pipeline("adding the station's source".into()))?;
    Ok((test, None))
}

/// The station's video: a live test pattern, small and slow enough for a LAN and two cores.
fn video_source(pipeline: &gst::Pipeline) -> Result<gst::Element, MediaError> {
    let source = make("videotestsrc", Some("station-video"))?;
    source.set_property("is-live", true);
    source.set_property_from_str("pattern", "ball");
    let caps = make("capsfilter", None)?;
    caps.set_property(
        "caps",
        gst::Caps::builder("video/x-raw")
            .field("width", 320i32)
            .field("height", 240i32)
            .field("framerate", gst::Fraction::new(15, 1))
            .build(),
    );
    let tee = make("tee", Some("video"))?;
    tee.set_property("allow-not-linked", true);
    pipeline
        .add_many([&source, &caps, &tee])
        .map_err(|_| MediaError::Pipeline("adding the station's video".into()))?;
    gst::Element::link_many([&source, &caps, &tee])
        .map_err(|_| MediaError::Pipeline("linking the station's video".into()))?;
    Ok(tee)
}

/// The first DTLS element of a process generates the certificate every later one shares
/// (1–5 s): make it now rather than when the first peer waits.
fn warm_dtls() -> Result<(), MediaError> {
    let dtls = make("dtlsdec", None)?;
    let _pem: Option<String> = dtls.property("pem");
    Ok(())
}

fn watch_bus(shared: &Shared, stop: &AtomicBool) {
    let Some(bus) = shared.pipeline.bus() else { return };
    while !stop.load(Ordering::Relaxed) {
        let Some(message) = bus.timed_pop(gst::ClockTime::from_mseconds(100)) else { continue };
        match message.view() {
            gst::MessageView::Element(element) => {
                let Some(structure) = element.structure() else { continue };
                if structure.name() != "level" {
                    continue;
                }
                let source = message.src().map(|s| s.name().to_string()).unwrap_or_default();
                let peer = if source == "kiosk-level" {
                    None
                } else if let Some(number) =
                    source.strip_prefix("peer-").and_then(|s| s.strip_suffix("-level"))
                {
                    number.parse().ok().map(PeerId)
                } else {
                    continue;
                };
                if let Some(rms_db) = first_rms(structure) {
                    let _ = shared.events.send(MediaEvent::Level { peer, rms_db });
                }
            }
            gst::MessageView::Error(error) => {
                let element = error.src().map(|s| s.name().to_string()).unwrap_or_default();
                warn!(error = %error.error(), "media pipeline error");
                let _ = shared.events.send(MediaEvent::Error { element });
            }
            _ => {}
        }
    }
}

fn first_rms(structure: &gst::StructureRef) -> Option<f64> {
    #[allow(deprecated)] // `level` posts a GValueArray; the list type replacing it is newer.
    let values = structure.get::<gstreamer::glib::ValueArray>("rms").ok()?;
    values.iter().next().and_then(|v| v.get::<f64>().ok())
}
