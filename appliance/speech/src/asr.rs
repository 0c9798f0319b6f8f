//! Speech recognition: the trainee's utterance as text, through whisper.cpp (`whisper-rs`).
//!
//! [`WhisperRecognizer`] keeps the model loaded and one decoder state per encoder window.
//! [`WhisperSettings::tuned`] is what the station uses; [`WhisperSettings::default_whisper`] is
//! whisper's own defaults, kept so `rapport bench speech` can show what the tuning buys.
//!
//! The tuning, measured (see the crate README and `rapport bench speech`): whisper encodes a
//! 30 s window whatever the audio's length, which is most of the cost for a 3 s utterance. A
//! fixed, reduced `audio_ctx` (320 positions of 20 ms ≈ 6.4 s) encodes about a fifth of that at
//! the same word error rate on clean speech (256 positions did not: the error rate rose tenfold);
//! utterances too long for it use the next fixed window (384 ≈ 7.7 s, then 1024 ≈ 20.5 s, enough
//! for the endpointer's 20 s cap), and only longer audio gets the full window. Each window has its own decoder state, so the size never changes under a state (a
//! size that changed every call reallocated each time and once hallucinated a repetition).
//! Greedy decoding, no timestamps, one segment, English, non-speech tokens suppressed.

use std::path::Path;
use std::sync::Once;

use rapport_models::{Model, ModelStore};
use rapport_privacy::{SecretText, SecretTextBuilder};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use crate::SpeechError;
use crate::audio::SAMPLE_RATE;

/// Turns an utterance (mono, 16 kHz) into text.
pub trait Recognizer {
    /// A quick transcript of the utterance so far, for live captions while the trainee speaks.
    fn partial(&mut self, samples: &[f32]) -> Result<SecretText, SpeechError>;

    /// The transcript of a whole utterance.
    fn final_text(&mut self, samples: &[f32]) -> Result<SecretText, SpeechError>;
}

/// Which Whisper model to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WhisperModel {
    /// Whisper tiny.en: the default, fast on two cores.
    #[default]
    TinyEn,
    /// Whisper base (multilingual weights, decoding English): slower, more accurate.
    Base,
}

impl WhisperModel {
    /// The model store's entry.
    pub fn model(self) -> Model {
        match self {
            Self::TinyEn => Model::WhisperTinyEn,
            Self::Base => Model::WhisperBase,
        }
    }
}

/// Decoding settings for [`WhisperRecognizer`].
#[derive(Clone, Debug, PartialEq)]
pub struct WhisperSettings {
    /// Fixed encoder windows (`audio_ctx`, in 20 ms positions), smallest first: the first that
    /// holds the audio is used. Empty: always whisper's full 30 s window.
    pub windows: Vec<u16>,
    /// Candidates sampled when decoding falls back to a higher temperature (whisper's
    /// `best_of`); greedy decoding otherwise.
    pub best_of: u8,
    /// Whether to retry a failed decode at higher temperatures (whisper's default) or accept the
    /// greedy result.
    pub temperature_fallback: bool,
    /// Whether to predict timestamps (whisper's default) or not.
    pub timestamps: bool,
    /// Whether to force the whole utterance into one segment.
    pub single_segment: bool,
    /// Whether to suppress non-speech tokens ("(music)", "[BLANK_AUDIO]" and the like).
    pub suppress_non_speech: bool,
    /// Most tokens decoded for one segment (0: no limit); a bound against repetition loops.
    pub max_tokens: u16,
    /// CPU threads.
    pub threads: u8,
    /// Where whisper runs (a GPU only in a build with a GPU backend; see [`crate::accel`]).
    pub accelerator: crate::Accelerator,
    /// Whether the model runs attention as one fused kernel (whisper.cpp's `flash_attn`): no
    /// full attention matrix is ever held, which keeps a decoder state small.
    pub flash_attention: bool,
}

/// Seconds of audio one `audio_ctx` position covers.
const SECONDS_PER_POSITION: f64 = 0.02;
/// Audio is fitted into a window with this much room to spare, in seconds.
const WINDOW_MARGIN_S: f64 = 0.25;
/// whisper.cpp returns nothing for less than a second of audio; shorter utterances are padded
/// with silence to this length.
const MIN_SAMPLES: usize = SAMPLE_RATE as usize * 11 / 10;
/// The most tokens decoded per second of audio (plus [`TOKENS_SLACK`]): fast speech is about
/// four words, five tokens, a second, so a decoder caught in a repetition loop stops soon.
pub const TOKENS_PER_SECOND: f64 = 6.0;
/// Tokens allowed beyond [`TOKENS_PER_SECOND`], for very short utterances.
const TOKENS_SLACK: f64 = 8.0;
/// Bytes reserved for a transcript: 20 s of fast speech is about 400 characters.
const TRANSCRIPT_CAPACITY: usize = 2048;

impl WhisperSettings {
    /// What the station uses: fixed windows of 320 (≈ 6.4 s), 384 (≈ 7.7 s) and 1024 (≈ 20.5 s)
    /// positions, greedy, no timestamps, one segment, non-speech suppressed, fused attention, two
    /// threads; at most [`TOKENS_PER_SECOND`] tokens per second of audio.
    pub fn tuned() -> Self {
        Self {
            windows: vec![320, 384, 1024],
            best_of: 1,
            temperature_fallback: false,
            timestamps: false,
            single_segment: true,
            suppress_non_speech: true,
            max_tokens: 224,
            threads: 2,
            accelerator: crate::Accelerator::Cpu,
            flash_attention: true,
        }
    }

    /// whisper.cpp's defaults (full 30 s window, timestamps, temperature fallback with best of
    /// five), on the same two threads: the baseline of `rapport bench speech`.
    pub fn default_whisper() -> Self {
        Self {
            windows: Vec::new(),
            best_of: 5,
            temperature_fallback: true,
            timestamps: true,
            single_segment: false,
            suppress_non_speech: false,
            max_tokens: 0,
            threads: 2,
            accelerator: crate::Accelerator::Cpu,
            flash_attention: false,
        }
    }

    /// The window for `samples` of audio: an index into `windows`, or `None` for the full one.
    fn window_for(&self, samples: usize) -> Option<usize> {
        let seconds = samples as f64 / f64::from(SAMPLE_RATE);
        self.windows.iter().position(|&window| {
            seconds + WINDOW_MARGIN_S <= f64::from(window) * SECONDS_PER_POSITION
        })
    }
}

impl Default for WhisperSettings {
    fn default() -> Self {
        Self::tuned()
    }
}

static SILENCE: Once = Once::new();

/// Routes whisper.cpp's and ggml's logging into hooks that print nothing, once per process.
/// whisper.cpp would otherwise write model and timing details to stderr on every call; it never
/// prints transcript text with the settings used here (`print_*` are all off).
pub fn silence_whisper_logs() {
    SILENCE.call_once(whisper_rs::install_logging_hooks);
}

/// whisper.cpp with its model loaded.
pub struct WhisperRecognizer {
    context: WhisperContext,
    settings: WhisperSettings,
    /// The decoder state (about 570 MB for tiny.en: whisper.cpp sizes its buffers for the full
    /// 30 s window); every window shares it, as whisper.cpp takes the window per call.
    state: Option<WhisperState>,
    /// Silence-padded copy of a short utterance, wiped after each call.
    padded: zeroize::Zeroizing<Vec<f32>>,
}

impl std::fmt::Debug for WhisperRecognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperRecognizer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl WhisperRecognizer {
    /// Loads `model` from the store with `settings`.
    pub fn load(
        store: &ModelStore,
        model: WhisperModel,
        settings: WhisperSettings,
    ) -> Result<Self, SpeechError> {
        let path = store.path(model.model())?;
        Self::from_file(&path, settings)
    }

    /// Loads the ggml model file at `path`.
    pub fn from_file(path: &Path, settings: WhisperSettings) -> Result<Self, SpeechError> {
        silence_whisper_logs();
        let mut parameters = WhisperContextParameters::default();
        parameters.flash_attn(settings.flash_attention);
        parameters.use_gpu(settings.accelerator.whisper_gpu());
        settings.accelerator.note_fallback();
        let context = WhisperContext::new_with_params(path, parameters).map_err(|error| {
            SpeechError::Whisper {
                during: "loading the model",
                message: format!("{}: {error}", path.display()),
            }
        })?;
        // The state now, not on the first utterance: making it takes about a second.
        let state = context.create_state().map_err(|error| SpeechError::Whisper {
            during: "creating a decoder state",
            message: error.to_string(),
        })?;
        Ok(Self {
            context,
            settings,
            state: Some(state),
            padded: zeroize::Zeroizing::new(Vec::with_capacity(MIN_SAMPLES)),
        })
    }

    /// The settings in use.
    pub fn settings(&self) -> &WhisperSettings {
        &self.settings
    }

    fn transcribe(&mut self, samples: &[f32]) -> Result<SecretText, SpeechError> {
        let window = self.settings.window_for(samples.len());
        let whisper = |during: &'static str| {
            move |error: whisper_rs::WhisperError| SpeechError::Whisper {
                during,
                message: error.to_string(),
            }
        };
        if self.state.is_none() {
            self.state =
                Some(self.context.create_state().map_err(whisper("creating a decoder state"))?);
        }
        let Some(state) = self.state.as_mut() else {
            return Err(SpeechError::Whisper {
                during: "choosing a decoder state",
                message: "no decoder state".to_owned(),
            });
        };

        let settings = &self.settings;
        let strategy = if settings.temperature_fallback {
            SamplingStrategy::Greedy { best_of: i32::from(settings.best_of.max(1)) }
        } else {
            SamplingStrategy::Greedy { best_of: 1 }
        };
        let mut params = FullParams::new(strategy);
        params.set_n_threads(i32::from(settings.threads.max(1)));
        params.set_language(Some("en"));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_no_timestamps(!settings.timestamps);
        params.set_single_segment(settings.single_segment);
        params.set_suppress_nst(settings.suppress_non_speech);
        params.set_max_tokens(token_budget(settings.max_tokens, samples.len()));
        if !settings.temperature_fallback {
            params.set_temperature_inc(0.0);
        }
        if let Some(index) = window {
            params.set_audio_ctx(i32::from(settings.windows[index]));
        }
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);

        let audio = if samples.len() < MIN_SAMPLES {
            self.padded.clear();
            self.padded.extend_from_slice(samples);
            self.padded.resize(MIN_SAMPLES, 0.0);
            &self.padded[..]
        } else {
            samples
        };
        let outcome = state.full(params, audio).map_err(whisper("transcribing"));
        self.padded.fill(0.0);
        outcome?;

        let mut text = SecretTextBuilder::with_capacity(TRANSCRIPT_CAPACITY);
        for segment in state.as_iter() {
            let piece = segment.to_str_lossy().map_err(whisper("reading a segment"))?;
            if is_non_speech(piece.trim()) {
                continue;
            }
            text.push_str(&piece);
        }
        Ok(without_loops(text.as_str().trim()))
    }
}

/// The most tokens to decode for `samples` of audio: `max_tokens` (0: no limit, whisper's
/// default), lowered in proportion to the audio's length.
fn token_budget(max_tokens: u16, samples: usize) -> i32 {
    if max_tokens == 0 {
        return 0;
    }
    let seconds = samples as f64 / f64::from(SAMPLE_RATE);
    let budget = (TOKENS_SLACK + TOKENS_PER_SECOND * seconds).ceil() as i32;
    budget.min(i32::from(max_tokens))
}

/// A phrase repeated this many times in a row is a decoder loop, not speech.
const LOOP_REPEATS: usize = 3;
/// The longest phrase, in words, checked for such loops.
const LOOP_PHRASE_WORDS: usize = 8;

/// `text` with each run of a phrase repeated [`LOOP_REPEATS`] or more times in a row kept once
/// (whisper's repetition loop: "thank you. thank you. thank you. …"). Words compare without case
/// or punctuation; the first occurrence is kept as written.
fn without_loops(text: &str) -> SecretText {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bare = |word: &str| -> String {
        word.chars()
            .filter(|c| c.is_alphanumeric() || *c == '\'')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let keys: zeroize::Zeroizing<Vec<String>> =
        zeroize::Zeroizing::new(words.iter().map(|word| bare(word)).collect());
    let mut kept = SecretTextBuilder::with_capacity(text.len() + 1);
    let mut at = 0;
    while at < words.len() {
        let repeated = (1..=LOOP_PHRASE_WORDS).find_map(|n| {
            let same = |k: usize| {
                at + (k + 1) * n <= words.len()
                    && keys[at..at + n] == keys[at + k * n..at + (k + 1) * n]
            };
            if !(1..LOOP_REPEATS).all(same) {
                return None;
            }
            let mut k = LOOP_REPEATS;
            while same(k) {
                k += 1;
            }
            Some((n, k))
        });
        let (n, copies) = repeated.unwrap_or((1, 1));
        for word in &words[at..at + n] {
            if !kept.as_str().is_empty() {
                kept.push_str(" ");
            }
            kept.push_str(word);
        }
        at += n * copies;
    }
    SecretText::copy_from(kept.as_str())
}

/// Whether a segment is only a non-speech marker such as `[BLANK_AUDIO]` or `(music)`.
fn is_non_speech(segment: &str) -> bool {
    segment.is_empty()
        || (segment.starts_with('[') && segment.ends_with(']'))
        || (segment.starts_with('(') && segment.ends_with(')'))
        || (segment.starts_with('*') && segment.ends_with('*'))
}

impl Recognizer for WhisperRecognizer {
    /// Transcribes at most the smallest window's worth of the most recent audio, so a caption
    /// costs the same however long the trainee has been speaking.
    fn partial(&mut self, samples: &[f32]) -> Result<SecretText, SpeechError> {
        let limit = self
            .settings
            .windows
            .first()
            .map(|&window| {
                ((f64::from(window) * SECONDS_PER_POSITION - WINDOW_MARGIN_S)
                    * f64::from(SAMPLE_RATE)) as usize
            })
            .unwrap_or(samples.len());
        let tail = &samples[samples.len().saturating_sub(limit)..];
        self.transcribe(tail)
    }

    fn final_text(&mut self, samples: &[f32]) -> Result<SecretText, SpeechError> {
        self.transcribe(samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repetition_loop_is_kept_once_and_ordinary_repeats_stay() {
        let cleaned = without_loops("Thank you. Thank you. thank you, Thank you. Bye.");
        assert_eq!(cleaned.expose(), "Thank you. Bye.");
        let phrase =
            without_loops("I see. So you drink. So you drink. So you drink. So you drink.");
        assert_eq!(phrase.expose(), "I see. So you drink.");
        // Twice is speech ("very, very"), not a loop.
        let twice = without_loops("That is very, very hard for you.");
        assert_eq!(twice.expose(), "That is very, very hard for you.");
        assert_eq!(without_loops("").expose(), "");
    }

    #[test]
    fn the_token_budget_follows_the_audio_length() {
        let seconds = |s: f64| (s * f64::from(SAMPLE_RATE)) as usize;
        assert_eq!(token_budget(224, seconds(2.0)), 20);
        assert_eq!(token_budget(224, seconds(60.0)), 224);
        assert_eq!(token_budget(0, seconds(2.0)), 0, "no limit stays no limit");
    }

    #[test]
    fn the_smallest_window_that_holds_the_audio_is_chosen() {
        let tuned = WhisperSettings::tuned();
        let seconds = |s: f64| (s * f64::from(SAMPLE_RATE)) as usize;
        assert_eq!(tuned.window_for(seconds(3.0)), Some(0));
        assert_eq!(tuned.window_for(seconds(6.1)), Some(0));
        assert_eq!(tuned.window_for(seconds(6.2)), Some(1));
        assert_eq!(tuned.window_for(seconds(7.4)), Some(1));
        assert_eq!(tuned.window_for(seconds(7.5)), Some(2));
        assert_eq!(tuned.window_for(seconds(20.0)), Some(2));
        assert_eq!(tuned.window_for(seconds(25.0)), None);
        assert_eq!(WhisperSettings::default_whisper().window_for(seconds(3.0)), None);
    }

    #[test]
    fn non_speech_markers_are_recognised() {
        assert!(is_non_speech("[BLANK_AUDIO]"));
        assert!(is_non_speech("(music)"));
        assert!(!is_non_speech("I feel fine (mostly)."));
    }
}
