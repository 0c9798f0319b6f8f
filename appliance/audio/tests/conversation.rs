//! The conversation writer lays both sides at the right offsets, reports playback on the input's
//! timeline, and barge-in cuts the patient off in the file too.

mod common;

use common::{rms, sine};
use rapport_audio::{
    AudioFrame, AudioOutput, ConversationWriter, FRAME_SAMPLES, INPUT_RATE, Pacing, PcmChunk,
    PlaybackEvent, WavInput,
};
use zeroize::Zeroizing;

/// Pushes trainee frames from `samples` (at 16 kHz) starting at the writer's position.
fn push(writer: &mut ConversationWriter, samples: &[f32]) {
    for piece in samples.chunks(FRAME_SAMPLES) {
        let frame = AudioFrame::new(writer.position(), Zeroizing::new(piece.to_vec()));
        writer.push_input(&frame);
    }
}

fn silence(seconds: f32) -> Vec<f32> {
    vec![0.0; (INPUT_RATE as f32 * seconds) as usize]
}

fn patient(seconds: f32) -> PcmChunk {
    PcmChunk::new(22_050, Zeroizing::new(sine(22_050, 1000.0, 0.4, seconds))).expect("chunk")
}

fn events(writer: &mut ConversationWriter) -> Vec<PlaybackEvent> {
    std::iter::from_fn(|| writer.poll_event().expect("no device to fail")).collect()
}

/// The RMS of `mixed` between two times in seconds.
fn level(mixed: &[f32], from: f32, to: f32) -> f32 {
    let at = |t: f32| ((t * INPUT_RATE as f32) as usize).min(mixed.len());
    rms(&mixed[at(from)..at(to)])
}

#[test]
fn both_sides_land_at_their_offsets() {
    let mut writer = ConversationWriter::new();
    push(&mut writer, &sine(INPUT_RATE, 300.0, 0.5, 1.0));
    push(&mut writer, &silence(0.5));
    let id = writer.play(patient(0.5)).expect("plays");
    assert_eq!(events(&mut writer), [PlaybackEvent::Started(id)]);
    push(&mut writer, &silence(0.25));
    assert!(events(&mut writer).is_empty(), "still speaking at 1.75 s");
    push(&mut writer, &silence(0.75));
    assert_eq!(events(&mut writer), [PlaybackEvent::Finished(id)]);
    assert!(writer.is_idle());

    let mixed = writer.mixed();
    assert_eq!(mixed.len(), 40_000);
    assert!(level(&mixed, 0.05, 0.95) > 0.3, "trainee at 0–1 s");
    assert!(level(&mixed, 1.02, 1.48) < 1e-3, "silence at 1–1.5 s");
    assert!(level(&mixed, 1.52, 1.98) > 0.25, "patient at 1.5–2 s");
    assert!(level(&mixed, 2.02, 2.5) < 1e-3, "silence after the patient");
}

#[test]
fn a_chunk_played_while_the_patient_speaks_is_queued_after_it() {
    let mut writer = ConversationWriter::new();
    push(&mut writer, &silence(0.5));
    let first = writer.play(patient(0.5)).expect("plays");
    let second = writer.play(patient(0.25)).expect("plays");
    assert_eq!(events(&mut writer), [PlaybackEvent::Started(first)]);
    push(&mut writer, &silence(0.5));
    assert_eq!(
        events(&mut writer),
        [PlaybackEvent::Finished(first), PlaybackEvent::Started(second)]
    );
    push(&mut writer, &silence(0.5));
    assert_eq!(events(&mut writer), [PlaybackEvent::Finished(second)]);
    let mixed = writer.mixed();
    assert!(level(&mixed, 1.02, 1.23) > 0.25, "the second chunk follows the first");
    assert!(level(&mixed, 1.27, 1.5) < 1e-3);
}

#[test]
fn barge_in_drops_the_rest_of_the_patient_from_the_file() {
    let mut writer = ConversationWriter::new();
    push(&mut writer, &silence(1.0));
    let speaking = writer.play(patient(1.0)).expect("plays");
    let queued = writer.play(patient(1.0)).expect("plays");
    assert_eq!(events(&mut writer), [PlaybackEvent::Started(speaking)]);
    // The trainee starts talking 0.25 s into the patient's line, and the VAD cuts the patient off.
    push(&mut writer, &silence(0.25));
    writer.stop().expect("stops");
    assert_eq!(
        events(&mut writer),
        [PlaybackEvent::Stopped(speaking), PlaybackEvent::Stopped(queued)]
    );
    assert!(writer.is_idle());
    push(&mut writer, &sine(INPUT_RATE, 300.0, 0.5, 1.0));
    push(&mut writer, &silence(1.0));
    assert!(events(&mut writer).is_empty(), "nothing finishes after a stop");

    let mixed = writer.mixed();
    assert_eq!(mixed.len(), 3 * INPUT_RATE as usize + 4000);
    assert!(level(&mixed, 1.02, 1.23) > 0.25, "the patient until the barge-in");
    // After it: only the trainee's 300 Hz tone at 0.5, nothing of the patient's 1 kHz at 0.4.
    let after = &mixed[20_000..36_000];
    assert!((rms(after) - 0.5 / 2f32.sqrt()).abs() < 0.01, "trainee alone: {}", rms(after));
    assert!(level(&mixed, 2.27, 3.25) < 1e-3, "the queued line never plays");
}

#[test]
fn the_wav_file_holds_the_mixed_conversation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conversation.wav");
    let mut writer = ConversationWriter::new();
    push(&mut writer, &sine(INPUT_RATE, 300.0, 0.5, 0.5));
    writer.play(patient(0.5)).expect("plays");
    push(&mut writer, &silence(1.0));
    writer.write_wav(&path).expect("writes");

    let mixed = writer.mixed();
    let mut input = WavInput::open(&path, Pacing::AsFastAsPossible).expect("reads back");
    let frames = common::read_all(&mut input);
    let back = common::joined(&frames);
    assert_eq!(back.len(), mixed.len());
    let worst = back.iter().zip(mixed.iter()).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst < 1e-3, "16-bit rounding only, got {worst}");
}

#[test]
fn a_file_that_cannot_be_written_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing-folder").join("c.wav");
    let error = ConversationWriter::new().write_wav(&path).expect_err("fails");
    assert!(error.to_string().contains("missing-folder"), "{error}");
}

#[test]
fn a_timing_only_conversation_plays_out_the_same_and_keeps_no_sample() {
    let script = |writer: &mut ConversationWriter| {
        let mut heard = Vec::new();
        push(writer, &sine(INPUT_RATE, 300.0, 0.5, 1.0));
        let first = writer.play(patient(0.5)).expect("plays");
        let second = writer.play(patient(0.5)).expect("plays");
        heard.extend(events(writer));
        push(writer, &silence(0.75));
        heard.extend(events(writer));
        writer.stop().expect("barge-in");
        heard.extend(events(writer));
        (heard, [first, second])
    };
    let mut kept = ConversationWriter::new();
    let mut timed = ConversationWriter::timing_only();
    let (kept_events, _) = script(&mut kept);
    let (timed_events, [first, second]) = script(&mut timed);
    assert_eq!(timed_events, kept_events, "the same playback, event for event");
    assert!(timed_events.contains(&PlaybackEvent::Finished(first)));
    assert!(timed_events.contains(&PlaybackEvent::Stopped(second)));
    assert!(timed.mixed().is_empty(), "no sample was kept");
    assert!(!kept.mixed().is_empty());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let error = timed.write_wav(&dir.path().join("never.wav")).expect_err("nothing to write");
    assert!(error.to_string().contains("only its timing"), "{error}");
    assert!(!dir.path().join("never.wav").exists());
}
