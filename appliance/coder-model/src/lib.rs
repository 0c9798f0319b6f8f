//! The trained utterance coder: all-MiniLM-L6-v2 fine-tuned on AnnoMI (see
//! `models/coder/MODEL_CARD.md`), run through ONNX Runtime, and merged with the rule coder.
//!
//! The model reads the trainee's utterance with the patient's previous line as a second segment
//! ([`encode`]) and gives calibrated probabilities for six classes ([`FineClass`]: open and closed
//! question, simple and complex reflection, input, other) and, for input, its kind
//! ([`InputKind`]). The four main behaviours are sums of the six. AnnoMI has no codes for
//! affirmations, summaries, seeking collaboration, emphasizing autonomy, persuasion or
//! confrontation: those come from [`rapport_coding::RuleCoder`] and are merged in by `merge`.
//!
//! [`ModelCoder`] implements [`rapport_coding::Coder`]. It loads its two files from the model
//! store (checked against their pins by `rapport-models`); a missing file is an error naming it
//! and `models/fetch`. The utterance passes through the tokenizer's own buffers, which are freed
//! (and zeroed by the station's wiping allocator) but never kept; nothing is logged.

pub mod annomi;
pub mod bench;
pub mod decision;
mod encode;
pub mod eval;
mod merge;
pub mod tfidf;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::Session;
use ort::value::Tensor;
use rapport_coding::{Code, Coder, Context, MainBehaviour, RuleCoder};
use rapport_models::{ModelError, ModelStore};
use tokenizers::Tokenizer;

pub use decision::DecisionWeights;
pub use encode::{Encoded, MAX_PREVIOUS, MAX_UTTERANCE, encode};
pub use merge::{RULE_OVERRIDES, merge};

/// The trained model's name in the model manifest.
pub const MODEL_NAME: &str = "coder";
/// The tokenizer's name in the model manifest.
pub const TOKENIZER_NAME: &str = "coder-tokenizer";

/// The six classes the model tells apart (the order of its `fine_probs` output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FineClass {
    /// Open question.
    OpenQuestion,
    /// Closed question.
    ClosedQuestion,
    /// Simple reflection.
    SimpleReflection,
    /// Complex reflection.
    ComplexReflection,
    /// Therapist input: information, advice, negotiation or options.
    Input,
    /// Anything else.
    Other,
}

impl FineClass {
    /// Every class, in the model's output order.
    pub const ALL: [FineClass; 6] = [
        FineClass::OpenQuestion,
        FineClass::ClosedQuestion,
        FineClass::SimpleReflection,
        FineClass::ComplexReflection,
        FineClass::Input,
        FineClass::Other,
    ];

    /// The snake-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FineClass::OpenQuestion => "open_question",
            FineClass::ClosedQuestion => "closed_question",
            FineClass::SimpleReflection => "simple_reflection",
            FineClass::ComplexReflection => "complex_reflection",
            FineClass::Input => "input",
            FineClass::Other => "other",
        }
    }

    /// The main behaviour this class belongs to.
    pub fn main(self) -> MainBehaviour {
        match self {
            FineClass::OpenQuestion | FineClass::ClosedQuestion => MainBehaviour::Question,
            FineClass::SimpleReflection | FineClass::ComplexReflection => MainBehaviour::Reflection,
            FineClass::Input => MainBehaviour::Input,
            FineClass::Other => MainBehaviour::Other,
        }
    }

    /// The class a station label falls in when it is scored against AnnoMI's six-way labels: a
    /// summary counts as a complex reflection, every kind of input as input, and the MI-adherent
    /// and confronting labels as other (AnnoMI has no code for them).
    pub fn of_label(label: rapport_coding::Label) -> FineClass {
        use rapport_coding::Label;
        match label {
            Label::OpenQuestion => FineClass::OpenQuestion,
            Label::ClosedQuestion => FineClass::ClosedQuestion,
            Label::SimpleReflection => FineClass::SimpleReflection,
            Label::ComplexReflection | Label::Summary => FineClass::ComplexReflection,
            Label::GivingInformation | Label::PersuadeWithPermission | Label::Persuade => {
                FineClass::Input
            }
            Label::Affirm
            | Label::SeekingCollaboration
            | Label::EmphasizingAutonomy
            | Label::Confront
            | Label::Other => FineClass::Other,
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            FineClass::OpenQuestion => 0,
            FineClass::ClosedQuestion => 1,
            FineClass::SimpleReflection => 2,
            FineClass::ComplexReflection => 3,
            FineClass::Input => 4,
            FineClass::Other => 5,
        }
    }
}

/// What kind of input an input utterance is (the order of the `input_kind_probs` output).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Facts or education.
    Information,
    /// Advice: what the client should do.
    Advice,
    /// Negotiating a plan, or laying out options.
    NegotiationOrOptions,
}

impl InputKind {
    /// Every kind, in the model's output order.
    pub const ALL: [InputKind; 3] =
        [InputKind::Information, InputKind::Advice, InputKind::NegotiationOrOptions];
}

/// The model's calibrated probabilities for one utterance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// Probability of each [`FineClass`], in [`FineClass::ALL`] order; they sum to 1.
    pub fine: [f32; 6],
    /// Probability of each [`InputKind`] if the utterance is input, in [`InputKind::ALL`] order.
    pub input_kind: [f32; 3],
}

impl Prediction {
    /// Probability of each main behaviour, in [`MainBehaviour::ALL`] order.
    pub fn main_probs(&self) -> [f32; 4] {
        let f = &self.fine;
        [f[0] + f[1], f[2] + f[3], f[4], f[5]]
    }

    /// The most likely main behaviour, then the most likely class within it, with that class's
    /// probability (the confidence of the code) and the main behaviour's probability.
    pub fn decide(&self) -> Decision {
        self.decide_with(&DecisionWeights::PLAIN)
    }

    /// As [`Prediction::decide`], each class's probability weighted by `weights` for the choice
    /// only: the confidences stay the calibrated probabilities (see [`decision`]).
    pub fn decide_with(&self, weights: &DecisionWeights) -> Decision {
        let (main, main_confidence, fine, fine_confidence) = weights.choose(&self.fine);
        Decision { main, main_confidence, fine, fine_confidence }
    }

    /// The most likely kind of input.
    pub fn input_kind(&self) -> InputKind {
        InputKind::ALL[argmax(&self.input_kind)]
    }
}

/// The model's choice for one utterance (see [`Prediction::decide`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// The main behaviour.
    pub main: MainBehaviour,
    /// Its probability.
    pub main_confidence: f32,
    /// The class within it.
    pub fine: FineClass,
    /// That class's probability.
    pub fine_confidence: f32,
}

fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, value) in values.iter().enumerate() {
        if *value > values[best] {
            best = index;
        }
    }
    best
}

/// Why the trained coder cannot be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum CoderModelError {
    /// A file is missing from the store, corrupt, or ONNX Runtime cannot be loaded.
    #[error(transparent)]
    Store(#[from] ModelError),
    /// The tokenizer file does not load.
    #[error("cannot load the coder's tokenizer {path}: {message}")]
    Tokenizer {
        /// Its file.
        path: PathBuf,
        /// What the tokenizer library said.
        message: String,
    },
    /// The model file does not load into ONNX Runtime.
    #[error("cannot load the coder model {path}: {message}")]
    Session {
        /// Its file.
        path: PathBuf,
        /// What ONNX Runtime said.
        message: String,
    },
    /// Tokenizing or running one utterance failed.
    #[error("coder model inference failed: {0}")]
    Inference(String),
}

/// The trained coder: the ONNX model for the six classes and the input kind, the rule coder for
/// the labels AnnoMI does not annotate.
pub struct ModelCoder {
    // `Session::run` needs `&mut`; the lock makes the coder `Sync` as the trait requires.
    session: Mutex<Session>,
    tokenizer: Tokenizer,
    rules: RuleCoder,
    weights: DecisionWeights,
}

impl std::fmt::Debug for ModelCoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelCoder").finish_non_exhaustive()
    }
}

impl ModelCoder {
    /// The coder from `store`: ONNX Runtime, the model and its tokenizer, each checked against
    /// its pin. Inference runs on one thread.
    pub fn load(store: &ModelStore) -> Result<Self, CoderModelError> {
        let model = store.path_by_name(MODEL_NAME)?;
        let tokenizer = store.path_by_name(TOKENIZER_NAME)?;
        let environment = rapport_models::init_onnx_runtime(store)?;
        Self::from_files(environment, &model, &tokenizer)
    }

    /// The coder from explicit files (no pin check), run by `environment`.
    pub fn from_files(
        environment: &ort::environment::Environment,
        model: &Path,
        tokenizer: &Path,
    ) -> Result<Self, CoderModelError> {
        let session_error = |error: ort::Error| CoderModelError::Session {
            path: model.to_owned(),
            message: error.to_string(),
        };
        let session = Session::builder(environment)
            .map_err(session_error)?
            .with_intra_threads(1)
            .map_err(|error| session_error(error.into()))?
            .with_inter_threads(1)
            .map_err(|error| session_error(error.into()))?
            .commit_from_file(model)
            .map_err(session_error)?;
        let mut loaded = Tokenizer::from_file(tokenizer).map_err(|error| {
            CoderModelError::Tokenizer { path: tokenizer.to_owned(), message: error.to_string() }
        })?;
        // Single sentences, assembled by `encode`: no padding, no truncation of the library's own.
        loaded.with_padding(None);
        loaded.with_truncation(None).map_err(|error| CoderModelError::Tokenizer {
            path: tokenizer.to_owned(),
            message: error.to_string(),
        })?;
        Ok(Self {
            session: Mutex::new(session),
            tokenizer: loaded,
            rules: RuleCoder::new(),
            weights: DecisionWeights::SHIPPED,
        })
    }

    /// The model's input for `utterance` after the patient's `previous` line.
    pub fn encode_input(
        &self,
        utterance: &str,
        previous: Option<&str>,
    ) -> Result<Encoded, CoderModelError> {
        encode(&self.tokenizer, utterance, previous)
    }

    /// The model's probabilities for `utterance` after the patient's `previous` line.
    pub fn predict(
        &self,
        utterance: &str,
        previous: Option<&str>,
    ) -> Result<Prediction, CoderModelError> {
        let encoded = encode(&self.tokenizer, utterance, previous)?;
        self.run(&encoded)
    }

    /// The model's probabilities for an already encoded input.
    pub fn run(&self, encoded: &Encoded) -> Result<Prediction, CoderModelError> {
        let inference = |error: ort::Error| CoderModelError::Inference(error.to_string());
        let length = encoded.ids.len();
        let ids = Tensor::from_array(([1, length], encoded.ids.clone())).map_err(inference)?;
        let mask = Tensor::from_array(([1, length], vec![1_i64; length])).map_err(inference)?;
        let types =
            Tensor::from_array(([1, length], encoded.type_ids.clone())).map_err(inference)?;
        // A panic while holding the lock cannot leave the session half-changed: `run` is atomic.
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let outputs = session
            .run(ort::inputs![
                "input_ids" => ids,
                "attention_mask" => mask,
                "token_type_ids" => types,
            ])
            .map_err(inference)?;
        let (_, fine) = outputs["fine_probs"].try_extract_tensor::<f32>().map_err(inference)?;
        let (_, kind) =
            outputs["input_kind_probs"].try_extract_tensor::<f32>().map_err(inference)?;
        let mut prediction = Prediction { fine: [0.0; 6], input_kind: [0.0; 3] };
        if fine.len() != 6 || kind.len() != 3 {
            return Err(CoderModelError::Inference(format!(
                "unexpected output sizes {} and {} (expected 6 and 3)",
                fine.len(),
                kind.len()
            )));
        }
        prediction.fine.copy_from_slice(fine);
        prediction.input_kind.copy_from_slice(kind);
        Ok(prediction)
    }

    /// The weights this coder chooses a class with ([`DecisionWeights::SHIPPED`]).
    pub fn decision_weights(&self) -> &DecisionWeights {
        &self.weights
    }

    /// The rule coder this coder merges with.
    pub fn rules(&self) -> &RuleCoder {
        &self.rules
    }
}

impl Coder for ModelCoder {
    fn code(&self, utterance: &str, context: &Context<'_>) -> Code {
        let rule = self.rules.code(utterance, context);
        match self.predict(utterance, context.previous_patient) {
            Ok(prediction) => {
                merge(&prediction.decide_with(&self.weights), &prediction, rule, context)
            }
            Err(_) => {
                tracing::warn!(kind = "coder_model", "model inference failed; rule coder used");
                rule
            }
        }
    }
}
