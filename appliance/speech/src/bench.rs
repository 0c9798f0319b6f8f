//! Figures for `rapport bench speech`: pure functions over models the caller loaded, returning
//! numbers (no printing, no files). Times are wall-clock on this machine, so the figures belong in
//! a bench's output, never in a test's assertion.
//!
//! - [`synthesize`]: test utterances from a [`Voice`], at 16 kHz.
//! - [`measure_recognizer`]: word error rate, latency from the end of speech to the final
//!   transcript, and real-time factor, for one set of whisper settings (run it with the tuned
//!   settings and with whisper's defaults to compare).
//! - [`measure_vad`]: the VAD's real-time factor.
//! - [`measure_voice`]: time to the first audio of a reply, and the voice's real-time factor.
//! - [`run`]: all of the above on the store's models, as one [`SpeechBench`] (its `Display` is
//!   the table `rapport bench speech` prints).

use std::time::{Duration, Instant};

use rapport_models::ModelStore;
use rapport_privacy::SecretText;

use crate::SpeechError;
use crate::asr::{Recognizer, WhisperModel, WhisperRecognizer, WhisperSettings};
use crate::audio::{SAMPLE_RATE, SpeechAudio};
use crate::vad::{FRAME_SAMPLES, SileroVad, VoiceActivity};
use crate::voice::{EspeakVoice, PiperVoice, Voice};
use crate::wer::{normalized_words, word_errors};

/// Lines a clinician might say, for benches and tests: questions, reflections with commas,
/// summaries.
pub const CLINICIAN_LINES: [&str; 8] = [
    "What brings you in to see me today?",
    "It sounds like you have been feeling tired, and that worries you.",
    "On a scale from one to ten, how important is it for you to make this change?",
    "You mentioned that your family is very important to you.",
    "Tell me more about what happened last week.",
    "So you are not sure you want to stop drinking, but you are worried about your health.",
    "What would be different in your life if you cut back?",
    "Thank you for sharing that with me.",
];

/// A reply the patient might give, for the time-to-first-audio figure: several sentences.
pub const PATIENT_REPLY: &str = "I don't know, honestly. My wife keeps telling me I drink too \
    much, and maybe she's right. But it's the only thing that helps me relax after work.";

/// A synthesized utterance and the text it says.
#[derive(Debug)]
pub struct BenchUtterance {
    /// What was said (not session content: a fixed bench line).
    pub text: String,
    /// The audio, mono at 16 kHz.
    pub audio: SpeechAudio,
}

/// Each of `texts` spoken by `voice` (sentence by sentence, joined) and resampled to 16 kHz.
pub fn synthesize(
    voice: &mut dyn Voice,
    texts: &[&str],
) -> Result<Vec<BenchUtterance>, SpeechError> {
    texts
        .iter()
        .map(|text| {
            let mut samples = Vec::new();
            for sentence in crate::voice::sentences(text) {
                let audio = voice.sentence(sentence)?;
                samples.extend_from_slice(audio.resampled(SAMPLE_RATE).samples());
            }
            Ok(BenchUtterance {
                text: (*text).to_owned(),
                audio: SpeechAudio::new(samples, SAMPLE_RATE),
            })
        })
        .collect()
}

/// How a recogniser did on a set of utterances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecognizerFigures {
    /// Word errors over all utterances divided by reference words.
    pub word_error_rate: f64,
    /// Mean time from handing over a finished utterance to its transcript.
    pub mean_latency: Duration,
    /// The longest such time.
    pub max_latency: Duration,
    /// Mean audio length of the utterances.
    pub mean_audio: Duration,
    /// Decoding time divided by audio time.
    pub real_time_factor: f64,
}

/// Transcribes each utterance with `recognizer` (after one warm-up call that is not counted)
/// and returns the figures. The transcripts are dropped (wiped) right after scoring.
pub fn measure_recognizer(
    recognizer: &mut dyn Recognizer,
    utterances: &[BenchUtterance],
) -> Result<RecognizerFigures, SpeechError> {
    if let Some(first) = utterances.first() {
        recognizer.final_text(first.audio.samples())?;
    }
    let mut errors = 0;
    let mut words = 0;
    let mut total = Duration::ZERO;
    let mut max_latency = Duration::ZERO;
    let mut audio = Duration::ZERO;
    for utterance in utterances {
        let started = Instant::now();
        let transcript: SecretText = recognizer.final_text(utterance.audio.samples())?;
        let latency = started.elapsed();
        errors += word_errors(&utterance.text, transcript.expose());
        words += normalized_words(&utterance.text).len();
        total += latency;
        max_latency = max_latency.max(latency);
        audio += utterance.audio.duration();
    }
    let count = utterances.len().max(1) as u32;
    Ok(RecognizerFigures {
        word_error_rate: errors as f64 / words.max(1) as f64,
        mean_latency: total / count,
        max_latency,
        mean_audio: audio / count,
        real_time_factor: ratio(total, audio),
    })
}

/// The VAD's cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VadFigures {
    /// Frames evaluated.
    pub frames: usize,
    /// Mean time per 32 ms frame.
    pub per_frame: Duration,
    /// Processing time divided by audio time.
    pub real_time_factor: f64,
}

/// Runs `vad` over every frame of the utterances.
pub fn measure_vad(
    vad: &mut dyn VoiceActivity,
    utterances: &[BenchUtterance],
) -> Result<VadFigures, SpeechError> {
    let mut frames = 0;
    let started = Instant::now();
    for utterance in utterances {
        vad.reset();
        for frame in utterance.audio.samples().chunks_exact(FRAME_SAMPLES) {
            vad.probability(frame)?;
            frames += 1;
        }
    }
    let elapsed = started.elapsed();
    let audio = crate::audio::duration_of(frames * FRAME_SAMPLES, SAMPLE_RATE);
    Ok(VadFigures {
        frames,
        per_frame: elapsed / frames.max(1) as u32,
        real_time_factor: ratio(elapsed, audio),
    })
}

/// A voice's speed on a reply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoiceFigures {
    /// From asking for the reply to holding its first sentence's audio.
    pub time_to_first_audio: Duration,
    /// Synthesis time of the whole reply.
    pub total: Duration,
    /// Length of the reply's audio.
    pub audio: Duration,
    /// Synthesis time divided by audio time.
    pub real_time_factor: f64,
}

/// Speaks `reply` with `voice` sentence by sentence (after one warm-up sentence that is not
/// counted).
pub fn measure_voice(voice: &mut dyn Voice, reply: &str) -> Result<VoiceFigures, SpeechError> {
    voice.sentence("Hello.")?;
    let started = Instant::now();
    let mut first = None;
    let mut audio = Duration::ZERO;
    for sentence in crate::voice::sentences(reply) {
        let spoken = voice.sentence(sentence)?;
        first.get_or_insert_with(|| started.elapsed());
        audio += spoken.duration();
    }
    let total = started.elapsed();
    Ok(VoiceFigures {
        time_to_first_audio: first.unwrap_or(total),
        total,
        audio,
        real_time_factor: ratio(total, audio),
    })
}

/// Every figure of `rapport bench speech`.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeechBench {
    /// Which voice spoke the test utterances (`piper`, or `espeak-ng` without the Piper model).
    pub utterance_voice: &'static str,
    /// Number of test utterances.
    pub utterances: usize,
    /// Whisper with [`WhisperSettings::tuned`] (two threads).
    pub tuned: RecognizerFigures,
    /// Whisper with [`WhisperSettings::default_whisper`] (two threads), the baseline.
    pub default: RecognizerFigures,
    /// The tuned settings on one thread: ggml's threads wait for each other by spinning, so on
    /// a busy CPU one thread can beat two.
    pub tuned_one_thread: RecognizerFigures,
    /// Whisper's defaults on one thread.
    pub default_one_thread: RecognizerFigures,
    /// Silero VAD.
    pub vad: VadFigures,
    /// The Piper voice on [`PATIENT_REPLY`], when its model is in the store.
    pub piper: Option<VoiceFigures>,
    /// espeak-ng on [`PATIENT_REPLY`].
    pub espeak: VoiceFigures,
    /// The trailing silence the endpointer waits before it ends an utterance: add it to the
    /// recogniser's latency for the time from the trainee's last word to the transcript.
    pub trailing_silence: Duration,
}

/// Runs every measurement on the store's models: the [`CLINICIAN_LINES`] spoken by the Piper
/// voice (espeak-ng without it), whisper `model` tuned and with its defaults, the VAD, and both
/// voices on [`PATIENT_REPLY`].
pub fn run(store: &ModelStore, model: WhisperModel) -> Result<SpeechBench, SpeechError> {
    let mut espeak = EspeakVoice::new("en-us");
    let mut piper = match PiperVoice::load(store) {
        Ok(voice) => Some(voice),
        Err(SpeechError::Model(rapport_models::ModelError::Missing { .. })) => None,
        Err(error) => return Err(error),
    };
    let (utterance_voice, utterances) = match piper.as_mut() {
        Some(voice) => ("piper", synthesize(voice, &CLINICIAN_LINES)?),
        None => ("espeak-ng", synthesize(&mut espeak, &CLINICIAN_LINES)?),
    };
    let recognize = |settings: WhisperSettings| {
        let mut recognizer = WhisperRecognizer::load(store, model, settings)?;
        measure_recognizer(&mut recognizer, &utterances)
    };
    let tuned = recognize(WhisperSettings::tuned())?;
    let default = recognize(WhisperSettings::default_whisper())?;
    let tuned_one_thread = recognize(WhisperSettings { threads: 1, ..WhisperSettings::tuned() })?;
    let default_one_thread =
        recognize(WhisperSettings { threads: 1, ..WhisperSettings::default_whisper() })?;
    let vad = measure_vad(&mut SileroVad::load(store)?, &utterances)?;
    let piper = match piper.as_mut() {
        Some(voice) => Some(measure_voice(voice, PATIENT_REPLY)?),
        None => None,
    };
    let espeak = measure_voice(&mut espeak, PATIENT_REPLY)?;
    Ok(SpeechBench {
        utterance_voice,
        utterances: utterances.len(),
        tuned,
        default,
        tuned_one_thread,
        default_one_thread,
        vad,
        piper,
        espeak,
        trailing_silence: Duration::from_millis(u64::from(
            crate::endpoint::DEFAULT_TRAILING_SILENCE_MS,
        )),
    })
}

impl std::fmt::Display for SpeechBench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
        writeln!(
            f,
            "{} utterances spoken by {}, mean {:.1} s",
            self.utterances,
            self.utterance_voice,
            self.tuned.mean_audio.as_secs_f64()
        )?;
        writeln!(f, "recogniser              WER    mean ms   max ms   RTF")?;
        let rows = [
            ("whisper tuned, 2 thr", &self.tuned),
            ("whisper default, 2 thr", &self.default),
            ("whisper tuned, 1 thr", &self.tuned_one_thread),
            ("whisper default, 1 thr", &self.default_one_thread),
        ];
        for (name, figures) in rows {
            writeln!(
                f,
                "{name:<22} {:>5.3} {:>9.0} {:>8.0} {:>5.2}",
                figures.word_error_rate,
                ms(figures.mean_latency),
                ms(figures.max_latency),
                figures.real_time_factor
            )?;
        }
        writeln!(
            f,
            "end of speech to transcript (tuned): {:.0} ms trailing silence + {:.0} ms decoding",
            ms(self.trailing_silence),
            ms(self.tuned.mean_latency)
        )?;
        writeln!(
            f,
            "silero vad: {:.2} ms per 32 ms frame, RTF {:.3}",
            ms(self.vad.per_frame),
            self.vad.real_time_factor
        )?;
        writeln!(f, "voice            first audio ms   total ms   audio s   RTF")?;
        let voices = self.piper.iter().map(|v| ("piper", v)).chain([("espeak-ng", &self.espeak)]);
        for (name, figures) in voices {
            writeln!(
                f,
                "{name:<16} {:>14.0} {:>10.0} {:>9.1} {:>5.2}",
                ms(figures.time_to_first_audio),
                ms(figures.total),
                figures.audio.as_secs_f64(),
                figures.real_time_factor
            )?;
        }
        Ok(())
    }
}

fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    numerator.as_secs_f64() / denominator.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recogniser that returns a fixed text: lets the scoring be checked without a model.
    struct Parrot(&'static str);

    impl Recognizer for Parrot {
        fn partial(&mut self, _: &[f32]) -> Result<SecretText, SpeechError> {
            Ok(SecretText::copy_from(self.0))
        }
        fn final_text(&mut self, _: &[f32]) -> Result<SecretText, SpeechError> {
            Ok(SecretText::copy_from(self.0))
        }
    }

    #[test]
    fn the_recognizer_figures_pool_errors_over_all_reference_words() {
        let utterance = |text: &str| BenchUtterance {
            text: text.to_owned(),
            audio: SpeechAudio::new(vec![0.0; 16_000], SAMPLE_RATE),
        };
        let utterances = [utterance("one two three"), utterance("four")];
        let figures = measure_recognizer(&mut Parrot("one two three"), &utterances).expect("fake");
        // "four" → "one two three": one substitution and two insertions, over four words.
        assert!((figures.word_error_rate - 0.75).abs() < 1e-12, "{figures:?}");
        assert_eq!(figures.mean_audio, Duration::from_secs(1));
    }
}
