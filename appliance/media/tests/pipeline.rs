//! The station's media on real GStreamer, without a browser: the kiosk's output plays, a peer
//! gets an Opus offer with its direction set by its role and loopback ICE candidates, and a
//! removed peer's branch goes while the pipeline plays on; the optional video goes to
//! supervisors and observers only. (Audio to and from a real browser is
//! tested in `appliance/station/tests/remote_browser.rs`.)

use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use rapport_media::{Media, MediaConfig, MediaEvent};
use rapport_wire::{PeerId, Role};

fn next_matching(
    events: &Receiver<MediaEvent>,
    what: &str,
    matches: impl Fn(&MediaEvent) -> bool,
) -> MediaEvent {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = events.recv_timeout(left).unwrap_or_else(|_| panic!("no {what} came"));
        if matches(&event) {
            return event;
        }
    }
}

fn offer_of(events: &Receiver<MediaEvent>, peer: PeerId) -> String {
    match next_matching(
        events,
        "offer",
        |e| matches!(e, MediaEvent::Offer { peer: p, .. } if *p == peer),
    ) {
        MediaEvent::Offer { sdp, .. } => sdp,
        _ => unreachable!("matched an offer"),
    }
}

#[test]
fn peers_get_offers_by_role_and_leave_without_stopping_the_pipeline() {
    let (sender, events) = channel();
    let config =
        MediaConfig { local_addresses: vec!["127.0.0.1".into()], ..MediaConfig::default() };
    let media =
        Media::start(config, sender).expect("the pipeline starts (tests/setup installs GStreamer)");
    next_matching(
        &events,
        "a level of the kiosk's output",
        |e| matches!(e, MediaEvent::Level { peer: None, rms_db } if *rms_db > -40.0),
    );

    media.add_peer(PeerId(1), Role::Actor).expect("an actor's branch");
    let actor = offer_of(&events, PeerId(1));
    assert!(actor.contains("OPUS/48000"), "{actor}");
    assert!(actor.contains("a=sendrecv"), "an actor speaks: {actor}");
    assert!(actor.contains("a=fingerprint:sha-256"), "{actor}");

    media.add_peer(PeerId(2), Role::Observer).expect("an observer's branch");
    let observer = offer_of(&events, PeerId(2));
    assert!(observer.contains("a=sendonly"), "an observer only listens: {observer}");
    let candidate = next_matching(
        &events,
        "a loopback candidate",
        |e| matches!(e, MediaEvent::Ice { peer: PeerId(2), candidate, .. } if candidate.contains("127.0.0.1")),
    );
    assert!(matches!(candidate, MediaEvent::Ice { sdp_m_line_index: 0, .. }));
    assert_eq!(media.peers(), vec![PeerId(1), PeerId(2)]);

    media.remove_peer(PeerId(1));
    next_matching(&events, "the actor's removal", |e| {
        matches!(e, MediaEvent::State { peer: PeerId(1), state: "removed" })
    });
    assert_eq!(media.peers(), vec![PeerId(2)]);
    // The kiosk's output plays on.
    while events.try_recv().is_ok() {}
    next_matching(
        &events,
        "the kiosk's output after a removal",
        |e| matches!(e, MediaEvent::Level { peer: None, rms_db } if *rms_db > -40.0),
    );
    drop(media);
}

#[test]
fn video_goes_to_those_who_watch_not_to_the_actor() {
    let (sender, events) = channel();
    let config = MediaConfig {
        local_addresses: vec!["127.0.0.1".into()],
        video: true,
        ..MediaConfig::default()
    };
    let media = Media::start(config, sender).expect("the pipeline starts");
    media.add_peer(PeerId(1), Role::Supervisor).expect("a supervisor's branch");
    let supervisor = offer_of(&events, PeerId(1));
    assert!(supervisor.contains("m=video") && supervisor.contains("VP8/90000"), "{supervisor}");
    media.add_peer(PeerId(2), Role::Actor).expect("an actor's branch");
    let actor = offer_of(&events, PeerId(2));
    assert!(!actor.contains("m=video"), "{actor}");
    media.remove_peer(PeerId(1));
    next_matching(&events, "the supervisor's removal", |e| {
        matches!(e, MediaEvent::State { peer: PeerId(1), state: "removed" })
    });
    assert_eq!(media.peers(), vec![PeerId(2)]);
}

#[test]
fn what_the_station_feeds_is_what_the_peers_and_the_kiosk_output_hear() {
    let (sender, events) = channel();
    let config = MediaConfig {
        source: rapport_media::StationSource::Fed,
        local_addresses: vec!["127.0.0.1".into()],
        ..MediaConfig::default()
    };
    let media = Media::start(config, sender).expect("the pipeline starts");
    let feed = media.station_feed().expect("a fed station has a feed");
    // Nothing fed: nothing heard.
    let quiet =
        next_matching(&events, "a level", |e| matches!(e, MediaEvent::Level { peer: None, .. }));
    assert!(matches!(quiet, MediaEvent::Level { rms_db, .. } if rms_db < -60.0), "{quiet:?}");
    // A second of a 440 Hz tone, pushed as it would be heard, in 32 ms frames.
    let pusher = std::thread::spawn(move || {
        let rate = rapport_media::FEED_RATE as f32;
        for frame in 0..40 {
            let samples: Vec<f32> = (0..512)
                .map(|i| {
                    let t = (frame * 512 + i) as f32 / rate;
                    0.5 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()
                })
                .collect();
            feed.push(&samples);
            std::thread::sleep(Duration::from_millis(32));
        }
    });
    next_matching(
        &events,
        "the fed tone at the kiosk's output",
        |e| matches!(e, MediaEvent::Level { peer: None, rms_db } if *rms_db > -20.0),
    );
    pusher.join().expect("the pusher ran");
    media.add_peer(PeerId(1), Role::Actor).expect("an actor's branch");
    let offer = offer_of(&events, PeerId(1));
    assert!(offer.contains("OPUS/48000"), "the feed goes out as Opus: {offer}");
}
