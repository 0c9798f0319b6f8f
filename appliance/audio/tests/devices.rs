//! The device side on a machine without a sound card: the plugins are installed, opening a
//! microphone or speaker fails with an error naming the device, and the speaker pipeline (on its
//! real-time null sink) reports playback and stops at once on barge-in.

mod common;

use std::time::{Duration, Instant};

use common::sine;
use rapport_audio::{
    AudioError, AudioOutput, Direction, MicConfig, MicInput, PcmChunk, PlaybackEvent,
    REQUIRED_ELEMENTS, SpeakerOutput, SpeakerSink, check_elements,
};
use zeroize::Zeroizing;

/// A device name no machine has, so the test means the same everywhere.
const ABSENT: &str = "hw:CARD=RapportAbsent,DEV=0";

#[test]
fn every_element_the_pipelines_need_is_installed() {
    check_elements().expect("all elements are installed");
    let names: Vec<&str> = REQUIRED_ELEMENTS.iter().map(|(name, _)| *name).collect();
    for needed in ["webrtcdsp", "webrtcechoprobe", "alsasrc", "alsasink", "wavparse"] {
        assert!(names.contains(&needed), "{needed} is checked");
    }
}

#[test]
fn a_missing_microphone_is_an_error_naming_the_device_and_gstreamers_words() {
    for echo_cancel in [false, true] {
        let config = MicConfig { device: ABSENT.to_owned(), echo_cancel, noise_suppression: true };
        let error = MicInput::open(&config).err().expect("no such microphone");
        let text = error.to_string();
        match &error {
            AudioError::Device { device, direction, message } => {
                assert_eq!(device, ABSENT);
                assert_eq!(*direction, Direction::Capture);
                assert!(message.contains("alsasrc"), "the failing element is named: {message}");
            }
            other => panic!("expected a device error, got {other}"),
        }
        assert!(text.contains(ABSENT), "{text}");
    }
}

#[test]
fn a_missing_speaker_is_an_error_naming_the_device() {
    let sink = SpeakerSink::Alsa { device: ABSENT.to_owned() };
    let error = SpeakerOutput::open(sink).err().expect("no such speaker");
    match &error {
        AudioError::Device { device, direction, message } => {
            assert_eq!(device, ABSENT);
            assert_eq!(*direction, Direction::Playback);
            assert!(message.contains("alsasink"), "{message}");
        }
        other => panic!("expected a device error, got {other}"),
    }
}

fn chunk(rate: u32, seconds: f32) -> PcmChunk {
    PcmChunk::new(rate, Zeroizing::new(sine(rate, 440.0, 0.3, seconds))).expect("chunk")
}

/// Polls until `want` events have come, or a generous deadline passes.
fn collect(output: &mut SpeakerOutput, want: usize) -> Vec<PlaybackEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut events = Vec::new();
    while events.len() < want && Instant::now() < deadline {
        match output.poll_event().expect("the null sink does not fail") {
            Some(event) => events.push(event),
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    events
}

#[test]
fn the_speaker_reports_start_and_finish_in_order_at_any_rate() {
    let mut speaker = SpeakerOutput::open(SpeakerSink::Null).expect("null speaker");
    assert!(speaker.is_idle());
    let began = Instant::now();
    let first = speaker.play(chunk(22_050, 0.4)).expect("plays");
    let second = speaker.play(chunk(16_000, 0.2)).expect("plays");
    assert!(!speaker.is_idle());
    let events = collect(&mut speaker, 4);
    assert_eq!(
        events,
        [
            PlaybackEvent::Started(first),
            PlaybackEvent::Finished(first),
            PlaybackEvent::Started(second),
            PlaybackEvent::Finished(second),
        ]
    );
    // Played in real time: never faster than the audio lasts (a lower bound only).
    assert!(began.elapsed() >= Duration::from_millis(550), "{:?}", began.elapsed());
    assert!(speaker.is_idle());

    // After a pause the speaker picks up again.
    std::thread::sleep(Duration::from_millis(200));
    let third = speaker.play(chunk(22_050, 0.2)).expect("plays");
    assert_eq!(
        collect(&mut speaker, 2),
        [PlaybackEvent::Started(third), PlaybackEvent::Finished(third)]
    );
}

#[test]
fn barge_in_stops_the_line_at_once_and_drops_the_queue() {
    let mut speaker = SpeakerOutput::open(SpeakerSink::Null).expect("null speaker");
    let speaking = speaker.play(chunk(22_050, 5.0)).expect("plays");
    let queued = speaker.play(chunk(22_050, 5.0)).expect("plays");
    assert_eq!(collect(&mut speaker, 1), [PlaybackEvent::Started(speaking)]);
    std::thread::sleep(Duration::from_millis(1000));
    let stopping = Instant::now();
    speaker.stop().expect("stops");
    assert_eq!(
        collect(&mut speaker, 2),
        [PlaybackEvent::Stopped(speaking), PlaybackEvent::Stopped(queued)]
    );
    assert!(speaker.is_idle());
    // The next line plays right away, well before the 10 s that were queued would have ended.
    let playing = Instant::now();
    let next = speaker.play(chunk(22_050, 0.3)).expect("plays after a stop");
    assert_eq!(
        collect(&mut speaker, 2),
        [PlaybackEvent::Started(next), PlaybackEvent::Finished(next)]
    );
    // The new line plays in real time, ...
    assert!(playing.elapsed() >= Duration::from_millis(250), "{:?}", playing.elapsed());
    // ... and did not wait behind the 9 s of audio that were flushed.
    assert!(stopping.elapsed() < Duration::from_secs(8), "{:?}", stopping.elapsed());
    assert_eq!(speaker.poll_event().expect("fine"), None, "nothing of the old lines comes back");
}

/// ALSA's `null` device exists without a sound card: the real `alsasink` and `alsasrc` open it,
/// so the device pipelines are negotiated and run end to end here.
#[test]
fn the_alsa_pipelines_run_on_alsas_null_device() {
    let mut speaker =
        SpeakerOutput::open(SpeakerSink::Alsa { device: "null".to_owned() }).expect("alsasink");
    let mut mic = MicInput::open(&MicConfig::new("null")).expect("alsasrc with echo cancellation");
    let id = speaker.play(chunk(22_050, 0.3)).expect("plays");
    let mut frames = 0;
    while frames < 20 {
        let frame = rapport_audio::AudioInput::next_frame(&mut mic).expect("captures");
        assert_eq!(frame.expect("a microphone does not end").len(), rapport_audio::FRAME_SAMPLES);
        frames += 1;
    }
    assert_eq!(collect(&mut speaker, 2), [PlaybackEvent::Started(id), PlaybackEvent::Finished(id)]);
    speaker.stop().expect("stopping an idle speaker is fine");
    // A flush through the real alsasink leaves it able to play the next line.
    let long = speaker.play(chunk(22_050, 30.0)).expect("plays");
    speaker.stop().expect("stops");
    let mut events = Vec::new();
    while events.last() != Some(&PlaybackEvent::Stopped(long)) {
        events.push(speaker.poll_event().expect("fine").expect("the stop is reported"));
    }
    // The null device may have taken the first samples already; it never finished the line.
    assert!(!events.contains(&PlaybackEvent::Finished(long)), "{events:?}");
    let next = speaker.play(chunk(16_000, 0.3)).expect("plays after a stop");
    assert_eq!(
        collect(&mut speaker, 2),
        [PlaybackEvent::Started(next), PlaybackEvent::Finished(next)]
    );
}
