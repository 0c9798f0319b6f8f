//! The speech models for real: Silero VAD, the endpointer, whisper tiny.en and the Piper voice
//! from the model store, on speech synthesized by espeak-ng and Piper.
//!
//! Bounds are on behaviour (word error rate, how utterances are cut), never on time.

#![allow(clippy::print_stderr)]

mod common;

use rapport_models::ModelStore;
use rapport_speech::asr::WhisperModel;
use rapport_speech::bench::{self, CLINICIAN_LINES};
use rapport_speech::endpoint::EndReason;
use rapport_speech::voice::{self, sentences};
use rapport_speech::wer::{normalized_words, word_errors};
use rapport_speech::{
    Accelerator, EndpointConfig, ListenEvent, Listener, PiperVoice, Recognizer, SAMPLE_RATE,
    SileroVad, SpeechAudio, Voice, VoiceActivity, WhisperRecognizer, WhisperSettings, resample,
};

fn store() -> ModelStore {
    ModelStore::locate().expect("model store (run models/fetch)")
}

fn whisper(settings: WhisperSettings) -> WhisperRecognizer {
    WhisperRecognizer::load(&store(), WhisperModel::TinyEn, settings).expect("whisper tiny.en")
}

/// Pooled word error rate of `(reference, hypothesis)` pairs, printing each pair's errors.
fn pooled_wer(pairs: &[(String, String)]) -> f64 {
    let mut errors = 0;
    let mut words = 0;
    for (reference, hypothesis) in pairs {
        let found = word_errors(reference, hypothesis);
        eprintln!("{found} errors: {reference:?} -> {hypothesis:?}");
        errors += found;
        words += normalized_words(reference).len();
    }
    errors as f64 / words as f64
}

/// Feeds `stream` to a listener in 20 ms chunks; returns the events.
fn listen(stream: &[f32], config: EndpointConfig) -> Vec<ListenEvent> {
    let vad = SileroVad::load(&store()).expect("silero vad");
    let mut listener = Listener::new(vad, config);
    let mut events = Vec::new();
    for chunk in stream.chunks(320) {
        events.extend(listener.push(chunk).expect("vad runs"));
    }
    events.extend(listener.finish().expect("vad runs"));
    events
}

fn utterances(events: Vec<ListenEvent>) -> Vec<(SpeechAudio, EndReason)> {
    events
        .into_iter()
        .filter_map(|event| match event {
            ListenEvent::Ended { audio, reason, .. } => Some((audio, reason)),
            ListenEvent::Started | ListenEvent::Paused { .. } => None,
        })
        .collect()
}

fn piper_16k(voice: &mut PiperVoice, text: &str) -> Vec<f32> {
    let mut samples = Vec::new();
    for audio in voice.speak(text) {
        samples.extend_from_slice(audio.expect("piper speaks").resampled(SAMPLE_RATE).samples());
    }
    samples
}

#[test]
fn the_vad_hears_speech_and_not_silence_or_faint_noise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let speech = common::espeak_16k(CLINICIAN_LINES[4], 160, dir.path());
    // Faint deterministic noise (about -50 dBFS) instead of digital silence.
    let mut seed = 12_345_u32;
    let noise: Vec<f32> = (0..SAMPLE_RATE)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (f64::from(seed >> 8) / f64::from(1_u32 << 24) - 0.5) as f32 * 0.006
        })
        .collect();
    let stream = common::concat(&[&noise, &speech, &noise]);
    let mut vad = SileroVad::load(&store()).expect("silero vad");
    let probabilities: Vec<f32> = stream
        .chunks_exact(rapport_speech::FRAME_SAMPLES)
        .map(|frame| vad.probability(frame).expect("vad runs"))
        .collect();
    let noise_frames = noise.len() / rapport_speech::FRAME_SAMPLES;
    let leading = &probabilities[..noise_frames - 1];
    let speaking = &probabilities[noise_frames + 3..noise_frames + speech.len() / 512 - 3];
    assert!(leading.iter().all(|p| *p < 0.2), "noise heard as speech: {leading:?}");
    let voiced = speaking.iter().filter(|p| **p >= 0.5).count();
    assert!(
        voiced * 10 >= speaking.len() * 8,
        "{voiced} of {} speech frames heard",
        speaking.len()
    );
    assert!(vad.probability(&[0.0; 100]).is_err(), "a frame of the wrong size is refused");
}

#[test]
fn spoken_lines_become_one_utterance_each_and_are_transcribed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut recognizer = whisper(WhisperSettings::tuned());
    let mut pairs = Vec::new();
    let mut partial_checked = false;
    for line in CLINICIAN_LINES {
        let speech = common::espeak_16k(line, 160, dir.path());
        let stream = common::concat(&[&common::silence(1.0), &speech, &common::silence(1.5)]);
        let vad = SileroVad::load(&store()).expect("silero vad");
        let mut listener = Listener::new(vad, EndpointConfig::default());
        let mut ended = Vec::new();
        for chunk in stream.chunks(320) {
            for event in listener.push(chunk).expect("vad runs") {
                if let ListenEvent::Ended { audio, reason, .. } = event {
                    ended.push((audio, reason));
                }
            }
            // A live caption halfway through the first long line.
            if !partial_checked && listener.current().is_some_and(|audio| audio.len() > 32_000) {
                let current = listener.current().expect("in speech");
                let caption = recognizer.partial(current).expect("partial");
                let heard = normalized_words(caption.expose());
                let said = normalized_words(line);
                assert!(
                    heard.iter().any(|word| said.contains(word)),
                    "the caption shares no word with the line"
                );
                partial_checked = true;
            }
        }
        assert_eq!(ended.len(), 1, "one utterance for {line:?}");
        let (audio, reason) = &ended[0];
        assert_eq!(*reason, EndReason::Silence);
        // The whole line is inside the utterance, with little silence around it.
        assert!(audio.len() >= speech.len() - 8_000, "{line:?} cut short");
        assert!(audio.len() <= speech.len() + 16_000, "{line:?} padded with silence");
        let transcript = recognizer.final_text(audio.samples()).expect("whisper runs");
        pairs.push((line.to_owned(), transcript.expose().to_owned()));
    }
    assert!(partial_checked);
    let wer = pooled_wer(&pairs);
    eprintln!("espeak → VAD → endpointer → whisper tiny.en: WER {wer:.3}");
    assert!(wer < 0.15, "word error rate {wer}");
}

#[test]
fn piper_speech_round_trips_through_whisper() {
    let store = store();
    let mut piper = PiperVoice::load(&store).expect("piper voice");
    let mut recognizer = whisper(WhisperSettings::tuned());
    let mut pairs = Vec::new();
    for line in [CLINICIAN_LINES[1], CLINICIAN_LINES[2], CLINICIAN_LINES[3], CLINICIAN_LINES[5]] {
        let audio = piper_16k(&mut piper, line);
        let transcript = recognizer.final_text(&audio).expect("whisper runs");
        pairs.push((line.to_owned(), transcript.expose().to_owned()));
    }
    // Three sentences, about 9 s: too long for the first window, so the second one.
    let long = format!("{} {} {}", CLINICIAN_LINES[1], CLINICIAN_LINES[5], CLINICIAN_LINES[7]);
    let audio = piper_16k(&mut piper, &long);
    assert!(audio.len() > 15 * SAMPLE_RATE as usize / 2, "the long line is longer than 7.5 s");
    let transcript = recognizer.final_text(&audio).expect("whisper runs");
    pairs.push((long, transcript.expose().to_owned()));
    let wer = pooled_wer(&pairs);
    eprintln!("Piper → whisper tiny.en: WER {wer:.3}");
    assert!(wer < 0.15, "word error rate {wer}");
}

#[test]
fn the_patient_voice_speaks_sentence_by_sentence() {
    let mut piper = PiperVoice::load(&store()).expect("piper voice");
    let chunks: Vec<SpeechAudio> =
        piper.speak(bench::PATIENT_REPLY).map(|audio| audio.expect("piper speaks")).collect();
    assert_eq!(chunks.len(), sentences(bench::PATIENT_REPLY).count());
    for chunk in &chunks {
        assert_eq!(chunk.rate(), 22_050);
        assert!(chunk.duration().as_secs_f64() > 0.5, "{chunk:?}");
        let peak = chunk.samples().iter().fold(0.0_f32, |peak, s| peak.max(s.abs()));
        assert!((0.5..=1.0).contains(&peak), "peak {peak}");
    }
    // A text with nothing to say gives no audio rather than an error.
    assert!(piper.sentence("...").expect("nothing to say").is_empty());
}

#[test]
fn the_crate_resampler_matches_sox_on_speech() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut piper = PiperVoice::load(&store()).expect("piper voice");
    let audio = piper.sentence(CLINICIAN_LINES[1]).expect("piper speaks");
    let ours = resample(audio.samples(), audio.rate(), SAMPLE_RATE);
    let theirs = common::sox_resample(&audio, dir.path());
    let n = ours.len().min(theirs.len());
    assert!(ours.len().abs_diff(theirs.len()) <= 1, "{} vs {}", ours.len(), theirs.len());
    let energy: f64 = theirs[..n].iter().map(|s| f64::from(*s).powi(2)).sum();
    let difference: f64 =
        ours[..n].iter().zip(&theirs[..n]).map(|(a, b)| f64::from(a - b).powi(2)).sum();
    let relative = (difference / energy).sqrt();
    eprintln!("resampler vs sox: relative RMS difference {relative:.4}");
    assert!(relative < 0.05, "relative difference {relative}");
}

#[test]
fn a_comma_pause_does_not_split_a_sentence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut piper = PiperVoice::load(&store()).expect("piper voice");
    let line = "Well, you know, I think that, maybe, we could try again tomorrow.";
    // Piper's natural pauses and slow espeak's longer ones.
    for speech in [piper_16k(&mut piper, line), common::espeak_16k(line, 130, dir.path())] {
        let stream = common::concat(&[&common::silence(1.0), &speech, &common::silence(1.5)]);
        let found = utterances(listen(&stream, EndpointConfig::default()));
        assert_eq!(found.len(), 1, "the sentence was split at a comma");
        assert!(found[0].0.len() >= speech.len() - 8_000, "cut short");
    }
}

#[test]
fn a_pause_longer_than_the_trailing_silence_ends_the_utterance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = common::espeak_16k("I see.", 160, dir.path());
    let second = common::espeak_16k("Tell me more about that.", 160, dir.path());
    let stream = common::concat(&[
        &common::silence(0.5),
        &first,
        &common::silence(1.2),
        &second,
        &common::silence(1.0),
    ]);
    let found = utterances(listen(&stream, EndpointConfig::default()));
    assert_eq!(found.len(), 2, "a 1.2 s pause separates two utterances");
    assert!(found.iter().all(|(_, reason)| *reason == EndReason::Silence));
}

#[test]
fn an_utterance_longer_than_the_cap_is_cut_there() {
    let mut piper = PiperVoice::load(&store()).expect("piper voice");
    let mut speech = Vec::new();
    // About 27 s of talk with short breaths between sentences: no pause ends it.
    while speech.len() < 27 * SAMPLE_RATE as usize {
        for line in CLINICIAN_LINES {
            speech.extend(piper_16k(&mut piper, line));
            speech.extend(common::silence(0.25));
        }
    }
    let stream = common::concat(&[&common::silence(1.0), &speech, &common::silence(1.5)]);
    let found = utterances(listen(&stream, EndpointConfig::default()));
    assert!(found.len() >= 2, "{} utterances", found.len());
    let (first, reason) = &found[0];
    assert_eq!(*reason, EndReason::Cap);
    let seconds = first.duration().as_secs_f64();
    assert!((20.0..20.05).contains(&seconds), "capped utterance of {seconds} s");
    let (_, last_reason) = found.last().expect("two or more");
    assert_eq!(*last_reason, EndReason::Silence);
}

#[test]
fn whisper_default_settings_also_transcribe() {
    let mut piper = PiperVoice::load(&store()).expect("piper voice");
    let audio = piper_16k(&mut piper, CLINICIAN_LINES[3]);
    let mut recognizer = whisper(WhisperSettings::default_whisper());
    let transcript = recognizer.final_text(&audio).expect("whisper runs");
    let wer = pooled_wer(&[(CLINICIAN_LINES[3].to_owned(), transcript.expose().to_owned())]);
    assert!(wer <= 0.2, "word error rate {wer}");
}

#[test]
fn without_the_piper_model_the_patient_speaks_with_espeak() {
    let empty = tempfile::tempdir().expect("tempdir");
    let bare = ModelStore::at(empty.path()).expect("store");
    let mut fallback = voice::patient_voice(&bare).expect("espeak fallback");
    assert_eq!(fallback.name(), "espeak-ng");
    let text = format!("{} {}", CLINICIAN_LINES[4], CLINICIAN_LINES[7]);
    let audio: Vec<SpeechAudio> =
        fallback.speak(&text).map(|a| a.expect("espeak speaks")).collect();
    assert_eq!(audio.len(), 2);
    // espeak's voice, resampled by the crate, is understood.
    let mut samples = Vec::new();
    for chunk in &audio {
        samples.extend_from_slice(chunk.resampled(SAMPLE_RATE).samples());
    }
    let mut recognizer = whisper(WhisperSettings::tuned());
    let transcript = recognizer.final_text(&samples).expect("whisper runs");
    let wer = pooled_wer(&[(text, transcript.expose().to_owned())]);
    assert!(wer <= 0.15, "word error rate {wer}");
    assert_eq!(voice::patient_voice(&store()).expect("piper").name(), "piper");
}

#[test]
fn a_missing_whisper_model_names_its_file_and_the_fetch_command() {
    let empty = tempfile::tempdir().expect("tempdir");
    let bare = ModelStore::at(empty.path()).expect("store");
    let error = WhisperRecognizer::load(&bare, WhisperModel::TinyEn, WhisperSettings::tuned())
        .expect_err("no model");
    let message = error.to_string();
    assert!(message.contains("ggml-tiny.en.bin") && message.contains("models/fetch"), "{message}");
}

#[test]
fn the_bench_figures_add_up() {
    let mut espeak = rapport_speech::EspeakVoice::new("en-us");
    let figures = bench::measure_voice(&mut espeak, bench::PATIENT_REPLY).expect("espeak speaks");
    assert!(figures.audio.as_secs_f64() > 5.0, "{figures:?}");
    assert!(figures.time_to_first_audio <= figures.total);
    let utterances = bench::synthesize(&mut espeak, &CLINICIAN_LINES[..2]).expect("espeak speaks");
    assert_eq!(utterances.len(), 2);
    assert_eq!(utterances[0].audio.rate(), SAMPLE_RATE);
    let mut vad = SileroVad::load(&store()).expect("silero vad");
    let vad_figures = bench::measure_vad(&mut vad, &utterances).expect("vad runs");
    let frames: usize = utterances.iter().map(|u| u.audio.len() / 512).sum();
    assert_eq!(vad_figures.frames, frames);
}

#[test]
fn asking_for_a_gpu_on_a_machine_without_one_runs_on_the_cpu() {
    let store = store();
    let mut piper = PiperVoice::load_on(&store, Accelerator::Gpu).expect("piper on the cpu");
    let line = CLINICIAN_LINES[3];
    let audio = piper_16k(&mut piper, line);
    assert!(audio.len() > SAMPLE_RATE as usize, "the voice speaks");
    let settings = WhisperSettings { accelerator: Accelerator::Gpu, ..WhisperSettings::tuned() };
    let mut recognizer = whisper(settings);
    let heard = recognizer.final_text(&audio).expect("whisper runs");
    let wer = pooled_wer(&[(line.to_owned(), heard.expose().to_owned())]);
    assert!(wer < 0.2, "word error rate {wer}");
}
