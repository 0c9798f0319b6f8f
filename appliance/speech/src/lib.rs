//! Speech models for the station: hearing the trainee and giving the patient a voice.
//!
//! This crate does no audio device I/O: it takes and returns mono `f32` PCM ([`SpeechAudio`]),
//! 16 kHz on the way in. The GStreamer side captures and plays; the station wires both together.
//!
//! - [`vad`]: voice activity per 32 ms frame ([`VoiceActivity`], Silero VAD through ONNX Runtime).
//! - [`endpoint`]: a pure state machine that turns frame probabilities into utterance boundaries.
//! - [`listen`]: VAD, endpointer and a fixed-size audio buffer together: chunks in, utterances out.
//! - [`asr`]: transcripts ([`Recognizer`], whisper.cpp through `whisper-rs`), as `SecretText`.
//! - [`voice`]: the patient's voice ([`Voice`], Piper through ONNX Runtime, espeak-ng fallback),
//!   sentence by sentence.
//! - [`audio`]: the wiped-on-drop sample buffer and a windowed-sinc resampler.
//! - [`wer`] and [`bench`]: word error rate and the figures `rapport bench speech` prints.
//!
//! Nothing here logs speech or text: transcripts and patient lines never reach `tracing`, and
//! whisper.cpp's own logging is silenced ([`asr::silence_whisper_logs`]).

pub mod accel;
pub mod asr;
pub mod audio;
pub mod bench;
pub mod endpoint;
pub mod listen;
pub mod vad;
pub mod voice;
pub mod wer;

pub use accel::{ACCELERATOR_ENV, Accelerator};
pub use asr::{Recognizer, WhisperRecognizer, WhisperSettings};
pub use audio::{SAMPLE_RATE, SpeechAudio, resample};
pub use endpoint::{EndReason, EndpointConfig, Endpointer, Pause, SpeechEvent};
pub use listen::{ListenEvent, Listener};
pub use vad::{FRAME_SAMPLES, SileroVad, VoiceActivity};
pub use voice::{EspeakVoice, PiperVoice, Voice};
pub use wer::word_error_rate;

use std::path::PathBuf;

/// Why a speech model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The model store could not provide the model (missing, corrupt, no runtime).
    #[error(transparent)]
    Model(#[from] rapport_models::ModelError),
    /// ONNX Runtime refused to load or run a model.
    #[error("ONNX model {model} failed while {during}: {message}")]
    Onnx {
        /// The model's file.
        model: PathBuf,
        /// What was being done (loading, running, reading an output).
        during: &'static str,
        /// What ONNX Runtime said.
        message: String,
    },
    /// A model does not have the inputs or outputs this crate expects.
    #[error("model {model} does not fit: {message}")]
    ModelShape {
        /// The model's file.
        model: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// whisper.cpp failed.
    #[error("whisper failed while {during}: {message}")]
    Whisper {
        /// What was being done.
        during: &'static str,
        /// What whisper-rs said.
        message: String,
    },
    /// A configuration file could not be read or parsed.
    #[error("cannot read {path}: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The accelerator asked for is not one the station knows.
    #[error("{ACCELERATOR_ENV}={value:?} is not an accelerator: use cpu, gpu or npu")]
    Accelerator {
        /// What was asked for.
        value: String,
    },
    /// The espeak-ng program failed.
    #[error("espeak-ng failed while {during}: {message}")]
    Espeak {
        /// What was being done.
        during: &'static str,
        /// Why (an I/O error or espeak's exit status; never the text).
        message: String,
    },
    /// Audio handed in does not fit (wrong sample rate, wrong frame size).
    #[error("audio does not fit: {0}")]
    Audio(String),
}

#[cfg(test)]
mod tests {
    /// The station runs listening, recognition and the voice on worker threads.
    #[test]
    fn the_models_can_move_to_worker_threads() {
        fn send<T: Send>() {}
        send::<crate::SileroVad>();
        send::<crate::Listener<crate::SileroVad>>();
        send::<crate::WhisperRecognizer>();
        send::<crate::PiperVoice>();
        send::<crate::EspeakVoice>();
        send::<crate::SpeechAudio>();
    }
}
