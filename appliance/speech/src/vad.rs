//! Voice activity: the probability that a 32 ms frame holds speech.
//!
//! [`SileroVad`] runs Silero VAD v6 (`silero_vad.onnx` from the model store) through ONNX
//! Runtime. The model takes 512 new samples at 16 kHz with the last 64 samples of the previous
//! frame in front of them (576 in all), the sample rate, and a recurrent state `[2, 1, 128]`
//! that it returns updated along with the probability.

use std::path::PathBuf;

use ort::session::Session;
use ort::value::{Tensor, TensorRef};
use zeroize::Zeroize;

use crate::SpeechError;
use crate::audio::SAMPLE_RATE;

/// Samples per VAD frame at 16 kHz (32 ms).
pub const FRAME_SAMPLES: usize = 512;
/// Samples of the previous frame the model sees in front of each frame.
const CONTEXT_SAMPLES: usize = 64;
/// Size of the recurrent state: `[2, 1, 128]`.
const STATE_LEN: usize = 2 * 128;

/// Something that tells speech from silence, one frame of [`FRAME_SAMPLES`] at 16 kHz at a time.
pub trait VoiceActivity {
    /// The probability (0–1) that `frame` (exactly [`FRAME_SAMPLES`] samples, following the
    /// previous frame in the stream) holds speech.
    fn probability(&mut self, frame: &[f32]) -> Result<f32, SpeechError>;

    /// Forgets the stream so far (a new stream follows).
    fn reset(&mut self);
}

/// Silero VAD v6 through ONNX Runtime.
pub struct SileroVad {
    session: Session,
    model: PathBuf,
    /// The last [`CONTEXT_SAMPLES`] of the previous frame followed by the current frame: audio,
    /// wiped when this detector is reset or dropped.
    window: Vec<f32>,
    state: Vec<f32>,
}

impl std::fmt::Debug for SileroVad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SileroVad").field("model", &self.model).finish_non_exhaustive()
    }
}

impl SileroVad {
    /// Loads the model from the store, with ONNX Runtime from the same store.
    pub fn load(store: &rapport_models::ModelStore) -> Result<Self, SpeechError> {
        let environment = rapport_models::init_onnx_runtime(store)?;
        let model = store.path(rapport_models::Model::SileroVad)?;
        Self::from_file(environment, model)
    }

    /// Loads the model at `model` into `environment` (one thread: a frame costs well under a
    /// millisecond, and the recogniser needs the cores).
    pub fn from_file(
        environment: &ort::environment::Environment,
        model: PathBuf,
    ) -> Result<Self, SpeechError> {
        let onnx = |during: &'static str| {
            let model = model.clone();
            move |error: ort::Error| SpeechError::Onnx { model, during, message: error.to_string() }
        };
        let session = Session::builder(environment)
            .map_err(onnx("creating a session"))?
            .with_intra_threads(1)
            .map_err(|error| onnx("setting threads")(error.into()))?
            .with_inter_threads(1)
            .map_err(|error| onnx("setting threads")(error.into()))?
            .commit_from_file(&model)
            .map_err(onnx("loading"))?;
        let inputs: Vec<&str> = session.inputs().iter().map(|input| input.name()).collect();
        let outputs: Vec<&str> = session.outputs().iter().map(|output| output.name()).collect();
        if inputs != ["input", "state", "sr"] || outputs != ["output", "stateN"] {
            return Err(SpeechError::ModelShape {
                model,
                message: format!(
                    "expected inputs input, state, sr and outputs output, stateN (Silero VAD v5/v6); found inputs {inputs:?}, outputs {outputs:?}"
                ),
            });
        }
        Ok(Self {
            session,
            model,
            window: vec![0.0; CONTEXT_SAMPLES + FRAME_SAMPLES],
            state: vec![0.0; STATE_LEN],
        })
    }
}

impl VoiceActivity for SileroVad {
    fn probability(&mut self, frame: &[f32]) -> Result<f32, SpeechError> {
        if frame.len() != FRAME_SAMPLES {
            return Err(SpeechError::Audio(format!(
                "a VAD frame is {FRAME_SAMPLES} samples at {SAMPLE_RATE} Hz, not {}",
                frame.len()
            )));
        }
        // The previous frame's tail becomes this frame's context.
        self.window.copy_within(FRAME_SAMPLES.., 0);
        self.window[CONTEXT_SAMPLES..].copy_from_slice(frame);
        let model = &self.model;
        let onnx = |during: &'static str| {
            move |error: ort::Error| SpeechError::Onnx {
                model: model.clone(),
                during,
                message: error.to_string(),
            }
        };
        let input =
            TensorRef::from_array_view(([1_usize, CONTEXT_SAMPLES + FRAME_SAMPLES], &*self.window))
                .map_err(onnx("preparing the frame"))?;
        let state = TensorRef::from_array_view(([2_usize, 1, 128], &*self.state))
            .map_err(onnx("preparing the state"))?;
        let rate = Tensor::from_array(([1_usize], vec![i64::from(SAMPLE_RATE)]))
            .map_err(onnx("preparing the sample rate"))?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => input, "state" => state, "sr" => rate])
            .map_err(onnx("running"))?;
        let (_, probability) =
            outputs["output"].try_extract_tensor::<f32>().map_err(onnx("reading the output"))?;
        let probability = probability.first().copied().unwrap_or(0.0);
        let (_, next_state) =
            outputs["stateN"].try_extract_tensor::<f32>().map_err(onnx("reading the state"))?;
        if next_state.len() != STATE_LEN {
            return Err(SpeechError::ModelShape {
                model: self.model.clone(),
                message: format!("state has {} values, expected {STATE_LEN}", next_state.len()),
            });
        }
        self.state.copy_from_slice(next_state);
        Ok(probability)
    }

    fn reset(&mut self) {
        self.window.zeroize();
        self.window.resize(CONTEXT_SAMPLES + FRAME_SAMPLES, 0.0);
        self.state.iter_mut().for_each(|value| *value = 0.0);
    }
}

impl Drop for SileroVad {
    fn drop(&mut self) {
        self.window.zeroize();
    }
}
