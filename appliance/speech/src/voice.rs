//! The patient's voice: text in, audio out, one sentence at a time, so the first sentence can
//! play while the next is synthesized.
//!
//! [`PiperVoice`] runs the Piper voice (en_US-joe-medium, a VITS model, 22.05 kHz) through ONNX
//! Runtime. Its input is phoneme ids: the text is phonemized by the `espeak-ng` program (IPA,
//! text on stdin, never on the command line where `ps` would show it), clause by clause, because
//! espeak drops the punctuation between clauses that the voice uses for its pauses and melody;
//! each clause's punctuation is put back. The phonemes map to ids through the voice's
//! `phoneme_id_map`: `^` first, `$` last, and the pad `_` after `^` and after every phoneme.
//! [`EspeakVoice`] is the fallback when the Piper model is absent: espeak-ng's own (robotic)
//! speech. [`patient_voice`] picks between them.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ort::session::Session;
use ort::value::Tensor;
use rapport_models::{Model, ModelError, ModelStore};
use zeroize::Zeroizing;

use crate::SpeechError;
use crate::audio::SpeechAudio;

/// The espeak-ng program, looked up on `PATH`.
pub const ESPEAK_PROGRAM: &str = "espeak-ng";

/// Speaks text.
pub trait Voice {
    /// A short name for the voice, for bench output and diagnostics.
    fn name(&self) -> &'static str;

    /// The sample rate of the audio this voice produces.
    fn sample_rate(&self) -> u32;

    /// The audio of one sentence.
    fn sentence(&mut self, sentence: &str) -> Result<SpeechAudio, SpeechError>;

    /// The audio of `text`, sentence by sentence: each item is synthesized when it is asked for,
    /// so the first can be played while the next is made.
    fn speak<'a>(&'a mut self, text: &'a str) -> Spoken<'a, Self>
    where
        Self: Sized,
    {
        Spoken { voice: self, sentences: sentences(text) }
    }
}

impl<V: Voice + ?Sized> Voice for Box<V> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn sample_rate(&self) -> u32 {
        (**self).sample_rate()
    }
    fn sentence(&mut self, sentence: &str) -> Result<SpeechAudio, SpeechError> {
        (**self).sentence(sentence)
    }
}

/// The sentences of a text, synthesized one at a time ([`Voice::speak`]).
pub struct Spoken<'a, V: Voice + ?Sized> {
    voice: &'a mut V,
    sentences: Sentences<'a>,
}

impl<V: Voice + ?Sized> Iterator for Spoken<'_, V> {
    type Item = Result<SpeechAudio, SpeechError>;

    fn next(&mut self) -> Option<Self::Item> {
        let sentence = self.sentences.next()?;
        Some(self.voice.sentence(sentence))
    }
}

/// The patient's voice: Piper when its model is in the store, else espeak-ng. A Piper model that
/// is present but corrupt is an error, not a reason to fall back.
pub fn patient_voice(store: &ModelStore) -> Result<Box<dyn Voice + Send>, SpeechError> {
    match PiperVoice::load(store) {
        Ok(voice) => Ok(Box::new(voice)),
        Err(SpeechError::Model(ModelError::Missing { .. })) => {
            tracing::warn!(kind = "piper", "patient voice model missing, using espeak-ng");
            Ok(Box::new(EspeakVoice::new("en-us")))
        }
        Err(error) => Err(error),
    }
}

/// Splits text into sentences, each with its final punctuation, trimmed.
pub fn sentences(text: &str) -> Sentences<'_> {
    Sentences { rest: text }
}

/// Iterator over the sentences of a text ([`sentences`]).
#[derive(Clone, Debug)]
pub struct Sentences<'a> {
    rest: &'a str,
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: [&str; 6] = ["Mr", "Mrs", "Ms", "Dr", "St", "vs"];

impl<'a> Iterator for Sentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest.trim_start();
        if text.is_empty() {
            self.rest = text;
            return None;
        }
        let mut end = text.len();
        let mut chars = text.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            if !matches!(c, '.' | '?' | '!') {
                continue;
            }
            // Closing punctuation stays with its sentence.
            let mut after = index + c.len_utf8();
            while let Some(&(next_index, next)) = chars.peek() {
                if matches!(next, '.' | '?' | '!' | '"' | '\'' | ')' | '”' | '’') {
                    after = next_index + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let at_break = text[after..].chars().next().is_none_or(char::is_whitespace);
            let word = text[..index].rsplit(char::is_whitespace).next().unwrap_or("");
            if at_break && !(c == '.' && ABBREVIATIONS.contains(&word)) {
                end = after;
                break;
            }
        }
        self.rest = &text[end..];
        Some(text[..end].trim())
    }
}

/// Splits a sentence into clauses, each with the punctuation that ended it (if any).
fn clauses(sentence: &str) -> Vec<(&str, Option<char>)> {
    let mut clauses = Vec::new();
    let mut start = 0;
    let mut chars = sentence.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if !matches!(c, ',' | ';' | ':' | '.' | '?' | '!') {
            continue;
        }
        // "1,000" and "3.5" are numbers, not clauses.
        let before_digit = index > 0 && sentence[..index].ends_with(|p: char| p.is_ascii_digit());
        let next_digit = chars.peek().is_some_and(|&(_, next)| next.is_ascii_digit());
        if before_digit && next_digit {
            continue;
        }
        let text = sentence[start..index].trim();
        if !text.is_empty() {
            clauses.push((text, Some(c)));
        } else if let Some(last) = clauses.last_mut() {
            // "?!" or "..." after a clause: keep the first mark.
            last.1 = last.1.or(Some(c));
        }
        start = index + c.len_utf8();
    }
    let text = sentence[start..].trim();
    if !text.is_empty() {
        clauses.push((text, None));
    }
    clauses
}

/// Runs espeak-ng with `text` on stdin and returns its stdout, in a buffer wiped on drop.
fn run_espeak(
    args: &[&str],
    text: &str,
    during: &'static str,
) -> Result<Zeroizing<Vec<u8>>, SpeechError> {
    let espeak = |message: String| SpeechError::Espeak { during, message };
    let mut child = Command::new(ESPEAK_PROGRAM)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| espeak(format!("cannot start {ESPEAK_PROGRAM}: {error}")))?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut output = Zeroizing::new(Vec::new());
    let (written, read) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let result = stdin.as_mut().map_or(Ok(()), |pipe| pipe.write_all(text.as_bytes()));
            drop(stdin);
            result
        });
        let read = stdout.as_mut().map_or(Ok(0), |pipe| pipe.read_to_end(&mut output));
        let written =
            writer.join().unwrap_or_else(|_| Err(std::io::Error::other("writer panicked")));
        (written, read)
    });
    let status = child.wait().map_err(|error| espeak(format!("waiting for it: {error}")))?;
    written.map_err(|error| espeak(format!("writing its input: {error}")))?;
    read.map_err(|error| espeak(format!("reading its output: {error}")))?;
    if !status.success() {
        return Err(espeak(format!("it exited with {status}")));
    }
    Ok(output)
}

/// IPA phonemes of one clause (no punctuation), as espeak-ng writes them.
fn phonemize(clause: &str, voice: &str) -> Result<Zeroizing<String>, SpeechError> {
    let output = run_espeak(&["-q", "--ipa", "-v", voice], clause, "phonemizing")?;
    let text = std::str::from_utf8(&output).map_err(|_| SpeechError::Espeak {
        during: "phonemizing",
        message: "its output is not UTF-8".to_owned(),
    })?;
    let mut phonemes = Zeroizing::new(String::with_capacity(text.len()));
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !phonemes.is_empty() {
            phonemes.push(' ');
        }
        phonemes.push_str(line);
    }
    Ok(phonemes)
}

/// The Piper voice's phoneme ids and inference settings, from its `.onnx.json`.
#[derive(Clone, Debug)]
struct PiperConfig {
    ids: HashMap<char, Vec<i64>>,
    sample_rate: u32,
    espeak_voice: String,
    scales: [f32; 3],
}

impl PiperConfig {
    fn read(path: &Path) -> Result<Self, SpeechError> {
        let config = |message: String| SpeechError::Config { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|error| config(error.to_string()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| config(error.to_string()))?;
        let map = json["phoneme_id_map"]
            .as_object()
            .ok_or_else(|| config("no phoneme_id_map".to_owned()))?;
        let mut ids = HashMap::new();
        for (phoneme, values) in map {
            let mut chars = phoneme.chars();
            let (Some(symbol), None) = (chars.next(), chars.next()) else {
                return Err(config(format!("phoneme {phoneme:?} is not one character")));
            };
            let values = values
                .as_array()
                .map(|values| values.iter().filter_map(serde_json::Value::as_i64).collect())
                .ok_or_else(|| config(format!("phoneme {phoneme:?} has no id list")))?;
            ids.insert(symbol, values);
        }
        for symbol in ['^', '$', '_'] {
            if !ids.contains_key(&symbol) {
                return Err(config(format!("phoneme_id_map lacks {symbol:?}")));
            }
        }
        let sample_rate = json["audio"]["sample_rate"]
            .as_u64()
            .and_then(|rate| u32::try_from(rate).ok())
            .ok_or_else(|| config("no audio.sample_rate".to_owned()))?;
        let espeak_voice = json["espeak"]["voice"].as_str().unwrap_or("en-us").to_owned();
        let inference = &json["inference"];
        let scale =
            |name: &str, default: f32| inference[name].as_f64().map_or(default, |v| v as f32);
        let scales =
            [scale("noise_scale", 0.667), scale("length_scale", 1.0), scale("noise_w", 0.8)];
        Ok(Self { ids, sample_rate, espeak_voice, scales })
    }

    /// Piper's id sequence for a sentence's phonemes: `^ _`, then each phoneme followed by `_`,
    /// then `$`. Characters outside the map (such as espeak's tie marks) are skipped.
    fn ids(&self, phonemes: &str) -> Vec<i64> {
        let pad = &self.ids[&'_'];
        let mut ids = Vec::with_capacity(phonemes.len() * 2 + 4);
        ids.extend(&self.ids[&'^']);
        ids.extend(pad);
        for symbol in phonemes.chars() {
            if let Some(id) = self.ids.get(&symbol) {
                ids.extend(id);
                ids.extend(pad);
            }
        }
        ids.extend(&self.ids[&'$']);
        ids
    }
}

/// Peak level each synthesized sentence is normalised to.
const PEAK: f32 = 0.9;

/// The Piper voice (VITS) through ONNX Runtime.
pub struct PiperVoice {
    session: Session,
    model: PathBuf,
    config: PiperConfig,
}

impl std::fmt::Debug for PiperVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiperVoice").field("model", &self.model).finish_non_exhaustive()
    }
}

impl PiperVoice {
    /// Loads the voice and its configuration from the store.
    pub fn load(store: &ModelStore) -> Result<Self, SpeechError> {
        Self::load_on(store, crate::Accelerator::from_env()?)
    }

    /// Loads the voice from the store to run on `accelerator` (the CPU when it cannot).
    pub fn load_on(
        store: &ModelStore,
        accelerator: crate::Accelerator,
    ) -> Result<Self, SpeechError> {
        let model = store.path(Model::PiperVoice)?;
        let config = store.path(Model::PiperVoiceConfig)?;
        let environment = rapport_models::init_onnx_runtime(store)?;
        Self::from_files_on(environment, model, &config, accelerator)
    }

    /// Loads the voice at `model` with its configuration at `config` (two threads, CPU).
    pub fn from_files(
        environment: &ort::environment::Environment,
        model: PathBuf,
        config: &Path,
    ) -> Result<Self, SpeechError> {
        Self::from_files_on(environment, model, config, crate::Accelerator::Cpu)
    }

    /// [`PiperVoice::from_files`] on `accelerator` (the CPU when it cannot).
    pub fn from_files_on(
        environment: &ort::environment::Environment,
        model: PathBuf,
        config: &Path,
        accelerator: crate::Accelerator,
    ) -> Result<Self, SpeechError> {
        accelerator.note_fallback();
        let config = PiperConfig::read(config)?;
        let onnx = |during: &'static str| {
            let model = model.clone();
            move |error: ort::Error| SpeechError::Onnx { model, during, message: error.to_string() }
        };
        let session = Session::builder(environment)
            .map_err(onnx("creating a session"))?
            .with_intra_threads(2)
            .map_err(|error| onnx("setting threads")(error.into()))?
            .with_execution_providers(accelerator.onnx_providers())
            .map_err(|error| onnx("choosing the execution providers")(error.into()))?
            // ONNX Runtime's arena stays on: without it the first sentence comes about 60 ms
            // later (measured by `rapport bench speech`), for about 90 MB less at the peak.
            .commit_from_file(&model)
            .map_err(onnx("loading"))?;
        let inputs: Vec<&str> = session.inputs().iter().map(|input| input.name()).collect();
        if !["input", "input_lengths", "scales"].iter().all(|name| inputs.contains(name)) {
            return Err(SpeechError::ModelShape {
                model,
                message: format!("expected inputs input, input_lengths, scales; found {inputs:?}"),
            });
        }
        Ok(Self { session, model, config })
    }

    /// The phoneme ids of a sentence, clause by clause with each clause's punctuation kept.
    fn sentence_ids(&self, sentence: &str) -> Result<Vec<i64>, SpeechError> {
        let mut phonemes = Zeroizing::new(String::with_capacity(sentence.len() * 3));
        for (clause, mark) in clauses(sentence) {
            let clause_phonemes = phonemize(clause, &self.config.espeak_voice)?;
            if clause_phonemes.is_empty() {
                continue;
            }
            if !phonemes.is_empty() {
                phonemes.push(' ');
            }
            phonemes.push_str(&clause_phonemes);
            if let Some(mark) = mark {
                phonemes.push(mark);
            }
        }
        Ok(self.config.ids(&phonemes))
    }
}

impl Voice for PiperVoice {
    fn name(&self) -> &'static str {
        "piper"
    }

    fn sample_rate(&self) -> u32 {
        self.config.sample_rate
    }

    fn sentence(&mut self, sentence: &str) -> Result<SpeechAudio, SpeechError> {
        let ids = self.sentence_ids(sentence)?;
        // Only ^, _ and $: nothing to say.
        if ids.len() <= 3 {
            return Ok(SpeechAudio::new(Vec::new(), self.config.sample_rate));
        }
        let model = &self.model;
        let onnx = |during: &'static str| {
            move |error: ort::Error| SpeechError::Onnx {
                model: model.clone(),
                during,
                message: error.to_string(),
            }
        };
        let length = ids.len();
        let input = Tensor::from_array(([1_usize, length], ids)).map_err(onnx("preparing ids"))?;
        let lengths = Tensor::from_array(([1_usize], vec![length as i64]))
            .map_err(onnx("preparing lengths"))?;
        let scales = Tensor::from_array(([3_usize], self.config.scales.to_vec()))
            .map_err(onnx("preparing scales"))?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
            .map_err(onnx("synthesizing"))?;
        let (_, audio) = outputs[0].try_extract_tensor::<f32>().map_err(onnx("reading audio"))?;
        let peak = audio.iter().fold(0.0_f32, |peak, sample| peak.max(sample.abs()));
        let gain = if peak > 1e-4 { PEAK / peak } else { 1.0 };
        let samples: Vec<f32> = audio.iter().map(|sample| sample * gain).collect();
        Ok(SpeechAudio::new(samples, self.config.sample_rate))
    }
}

/// espeak-ng's own voice, through the `espeak-ng` program (WAV on its stdout).
#[derive(Clone, Debug)]
pub struct EspeakVoice {
    voice: String,
    words_per_minute: u16,
}

/// The sample rate espeak-ng writes.
const ESPEAK_RATE: u32 = 22_050;

impl EspeakVoice {
    /// espeak-ng's voice `voice` (such as `en-us`) at its default speed.
    pub fn new(voice: &str) -> Self {
        Self { voice: voice.to_owned(), words_per_minute: 175 }
    }

    /// The same voice at `words_per_minute`.
    pub fn with_speed(mut self, words_per_minute: u16) -> Self {
        self.words_per_minute = words_per_minute;
        self
    }
}

impl Voice for EspeakVoice {
    fn name(&self) -> &'static str {
        "espeak-ng"
    }

    fn sample_rate(&self) -> u32 {
        ESPEAK_RATE
    }

    fn sentence(&mut self, sentence: &str) -> Result<SpeechAudio, SpeechError> {
        let speed = self.words_per_minute.to_string();
        let wav =
            run_espeak(&["--stdout", "-v", &self.voice, "-s", &speed], sentence, "synthesizing")?;
        let (samples, rate) = parse_wav(&wav)
            .map_err(|message| SpeechError::Espeak { during: "reading its WAV output", message })?;
        Ok(SpeechAudio::new(samples, rate))
    }
}

/// Mono 16-bit PCM from a WAV file's bytes, as `f32`, and its sample rate. A data chunk whose
/// size is unknown (espeak-ng streaming to a pipe) runs to the end of the bytes.
fn parse_wav(bytes: &[u8]) -> Result<(Vec<f32>, u32), String> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a RIFF/WAVE stream".to_owned());
    }
    let read_u32 =
        |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let read_u16 = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let mut at = 12;
    let mut format = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = read_u32(at + 4).unwrap_or(0) as usize;
        let body = at + 8;
        if id == b"fmt " {
            let (Some(tag), Some(channels), Some(rate), Some(bits)) =
                (read_u16(body), read_u16(body + 2), read_u32(body + 4), read_u16(body + 14))
            else {
                return Err("truncated fmt chunk".to_owned());
            };
            if tag != 1 || channels != 1 || bits != 16 {
                return Err(format!(
                    "expected mono 16-bit PCM, found format {tag}, {channels} channels, {bits} bits"
                ));
            }
            format = Some(rate);
        } else if id == b"data" {
            let rate = format.ok_or("data before fmt")?;
            let end = body.saturating_add(size).min(bytes.len());
            let samples = bytes[body..end]
                .chunks_exact(2)
                .map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) / 32_768.0)
                .collect();
            return Ok((samples, rate));
        }
        at = body.saturating_add(size + (size & 1));
    }
    Err("no data chunk".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_final_punctuation_but_not_at_titles_or_decimals() {
        let text = "Hello there. How are you, Dr. Smith?  I took 2.5 pills!\"Really\" yes";
        let found: Vec<&str> = sentences(text).collect();
        assert_eq!(
            found,
            vec!["Hello there.", "How are you, Dr. Smith?", "I took 2.5 pills!\"Really\" yes"]
        );
        assert_eq!(sentences("  ").count(), 0);
        assert_eq!(sentences("No mark at the end").collect::<Vec<_>>(), vec!["No mark at the end"]);
    }

    #[test]
    fn clauses_keep_their_punctuation() {
        assert_eq!(
            clauses("Well, I guess so; maybe 1,000 times?!"),
            vec![("Well", Some(',')), ("I guess so", Some(';')), ("maybe 1,000 times", Some('?'))]
        );
        assert_eq!(clauses("Just this"), vec![("Just this", None)]);
    }

    #[test]
    fn piper_ids_have_bos_eos_and_pads() {
        let mut ids = HashMap::new();
        for (symbol, id) in [('_', 0), ('^', 1), ('$', 2), (' ', 3), ('a', 10), ('b', 11)] {
            ids.insert(symbol, vec![id]);
        }
        let config = PiperConfig {
            ids,
            sample_rate: 22_050,
            espeak_voice: "en-us".to_owned(),
            scales: [0.667, 1.0, 0.8],
        };
        // The zero-width joiner is not in the map and is skipped.
        assert_eq!(config.ids("a\u{200d}b a"), vec![1, 0, 10, 0, 11, 0, 3, 0, 10, 0, 2]);
    }

    #[test]
    fn a_wav_with_an_unknown_data_size_runs_to_the_end() {
        let mut wav = b"RIFF\xff\xff\xff\x7fWAVEfmt ".to_vec();
        wav.extend(16_u32.to_le_bytes());
        wav.extend(1_u16.to_le_bytes());
        wav.extend(1_u16.to_le_bytes());
        wav.extend(22_050_u32.to_le_bytes());
        wav.extend(44_100_u32.to_le_bytes());
        wav.extend(2_u16.to_le_bytes());
        wav.extend(16_u16.to_le_bytes());
        wav.extend(b"data\xff\xff\xff\x7f");
        wav.extend(16_384_i16.to_le_bytes());
        wav.extend((-32_768_i16).to_le_bytes());
        assert_eq!(parse_wav(&wav), Ok((vec![0.5, -1.0], 22_050)));
        assert!(parse_wav(b"nonsense").is_err());
    }
}
