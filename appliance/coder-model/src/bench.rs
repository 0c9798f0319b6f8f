//! The figures behind `rapport bench coder DATA_DIR`: the trained coder, the rule coder and a
//! TF-IDF + logistic-regression baseline (fitted in the same run on the training transcripts),
//! scored on the held-out transcripts of AnnoMI, on the text as transcribed and shaped as a
//! recogniser writes it, with the model's inference time on one thread and its file size.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use rapport_coding::{Coder, Context, MainBehaviour};
use serde_json::{Value, json};

use crate::annomi::{self, Item, Split};
use crate::decision::{self, DecisionWeights};
use crate::eval::{Scores, score};
use crate::tfidf::TfIdfBaseline;
use crate::{CoderModelError, FineClass, ModelCoder, Prediction};

const MAIN_NAMES: [&str; 4] = ["question", "reflection", "input", "other"];
const FINE_NAMES: [&str; 6] = [
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "input",
    "other",
];

/// Why the benchmark cannot run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The corpus cannot be read.
    #[error(transparent)]
    Data(#[from] annomi::DataError),
    /// The model cannot be loaded or run.
    #[error(transparent)]
    Model(#[from] CoderModelError),
    /// The model file's size cannot be read.
    #[error("cannot read the size of {path}: {source}")]
    Size {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Main and six-way scores of one coder on one form of the text.
#[derive(Clone, Debug)]
pub struct CoderScores {
    /// The coder's name in the report.
    pub coder: &'static str,
    /// `"transcribed"` or `"recogniser-shaped"`.
    pub text: &'static str,
    /// Scores on the four main behaviours.
    pub main: Scores,
    /// Scores on the six classes.
    pub fine: Scores,
}

/// Everything the benchmark measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// Held-out utterances and transcripts.
    pub test_utterances: usize,
    /// Held-out transcripts.
    pub test_transcripts: usize,
    /// Training utterances of the baseline.
    pub train_utterances: usize,
    /// Scores of every coder.
    pub scores: Vec<CoderScores>,
    /// Model inference per utterance, one thread, tokenizing included: median (ms).
    pub model_ms_median: f64,
    /// Same, 95th percentile (ms).
    pub model_ms_p95: f64,
    /// The rule coder per utterance: median (ms), for comparison.
    pub rules_ms_median: f64,
    /// Bytes of the model file and its tokenizer.
    pub model_bytes: u64,
    /// The decision weights the coder uses.
    pub weights_shipped: DecisionWeights,
    /// The decision weights fitted again in this run on the validation transcripts' predictions.
    pub weights_refitted: DecisionWeights,
    /// Therapist utterances of the validation transcripts they were fitted on.
    pub validation_utterances: usize,
}

/// Text as a speech recogniser writes it: lower case, no punctuation but apostrophes.
pub fn recogniser_shaped(text: &str) -> String {
    let lower: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '\'' || c == '_' { c } else { ' ' })
        .collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn main_index(main: MainBehaviour) -> usize {
    MainBehaviour::ALL.iter().position(|m| *m == main).unwrap_or(3)
}

fn scores_of(
    coder: &'static str,
    text: &'static str,
    items: &[Item],
    predicted: &[(MainBehaviour, f32, FineClass, f32)],
) -> CoderScores {
    let truth_main: Vec<usize> = items.iter().map(|i| main_index(i.fine.main())).collect();
    let truth_fine: Vec<usize> = items.iter().map(|i| i.fine.index()).collect();
    let main: Vec<usize> = predicted.iter().map(|p| main_index(p.0)).collect();
    let main_confidence: Vec<f32> = predicted.iter().map(|p| p.1).collect();
    let fine: Vec<usize> = predicted.iter().map(|p| p.2.index()).collect();
    let fine_confidence: Vec<f32> = predicted.iter().map(|p| p.3).collect();
    CoderScores {
        coder,
        text,
        main: score(&MAIN_NAMES, &truth_main, &main, &main_confidence),
        fine: score(&FINE_NAMES, &truth_fine, &fine, &fine_confidence),
    }
}

fn from_prediction(
    prediction: &Prediction,
    weights: &DecisionWeights,
) -> (MainBehaviour, f32, FineClass, f32) {
    let d = prediction.decide_with(weights);
    (d.main, d.main_confidence, d.fine, d.fine_confidence)
}

fn from_coder(
    coder: &dyn Coder,
    text: &str,
    previous: &str,
) -> (MainBehaviour, f32, FineClass, f32) {
    let context = Context {
        previous_patient: (!previous.is_empty()).then_some(previous),
        permission_granted: false,
    };
    let code = coder.code(text, &context);
    (code.label.main(), code.confidence, FineClass::of_label(code.label), code.confidence)
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Runs the benchmark on `data_dir` with the coder loaded from `model` and `tokenizer` files.
pub fn run(
    data_dir: &Path,
    coder: &ModelCoder,
    model: &Path,
    tokenizer: &Path,
) -> Result<Report, BenchError> {
    let items = annomi::load(data_dir)?;
    let test: Vec<Item> =
        items.iter().filter(|i| Split::of(i.transcript) == Split::Test).cloned().collect();
    let train: Vec<(&str, FineClass)> = items
        .iter()
        .filter(|i| Split::of(i.transcript) == Split::Train)
        .map(|i| (i.text.as_str(), i.fine))
        .collect();
    let baseline = TfIdfBaseline::fit(&train);
    let rules = coder.rules();
    let weights = *coder.decision_weights();
    let validation: Vec<&Item> =
        items.iter().filter(|i| Split::of(i.transcript) == Split::Validation).collect();
    let refitted = refit(coder, &validation)?;

    let mut scores = Vec::new();
    let mut model_times = Vec::with_capacity(test.len());
    let mut rule_times = Vec::with_capacity(test.len());
    for text in ["transcribed", "recogniser-shaped"] {
        let shaped: Vec<(String, String)> = test
            .iter()
            .map(|i| {
                if text == "transcribed" {
                    (i.text.clone(), i.previous.clone())
                } else {
                    (recogniser_shaped(&i.text), recogniser_shaped(&i.previous))
                }
            })
            .collect();
        let mut merged = Vec::new();
        let mut alone = Vec::new();
        let mut plain = Vec::new();
        let mut by_rules = Vec::new();
        let mut by_baseline = Vec::new();
        for (utterance, previous) in &shaped {
            let started = Instant::now();
            let prediction =
                coder.predict(utterance, (!previous.is_empty()).then_some(previous.as_str()))?;
            if text == "transcribed" {
                model_times.push(started.elapsed());
            }
            alone.push(from_prediction(&prediction, &weights));
            plain.push(from_prediction(&prediction, &DecisionWeights::PLAIN));
            merged.push(from_coder(coder, utterance, previous));
            let started = Instant::now();
            by_rules.push(from_coder(rules, utterance, previous));
            if text == "transcribed" {
                rule_times.push(started.elapsed());
            }
            by_baseline
                .push(from_prediction(&baseline.predict(utterance), &DecisionWeights::PLAIN));
        }
        scores.push(scores_of("model+rules", text, &test, &merged));
        scores.push(scores_of("model alone", text, &test, &alone));
        scores.push(scores_of("model unweighted", text, &test, &plain));
        scores.push(scores_of("rule coder", text, &test, &by_rules));
        scores.push(scores_of("tf-idf+logreg", text, &test, &by_baseline));
    }
    model_times.sort();
    rule_times.sort();
    let size = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| m.len())
            .map_err(|source| BenchError::Size { path: path.to_owned(), source })
    };
    let mut transcripts: Vec<u32> = test.iter().map(|i| i.transcript).collect();
    transcripts.dedup();
    Ok(Report {
        test_utterances: test.len(),
        test_transcripts: transcripts.len(),
        train_utterances: train.len(),
        scores,
        model_ms_median: percentile(&model_times, 0.5),
        model_ms_p95: percentile(&model_times, 0.95),
        rules_ms_median: percentile(&rule_times, 0.5),
        model_bytes: size(model)? + size(tokenizer)?,
        weights_shipped: weights,
        weights_refitted: refitted,
        validation_utterances: validation.len(),
    })
}

/// The decision weights fitted on the model's predictions for the `validation` items, as
/// transcribed and as a recogniser writes them (how [`DecisionWeights::SHIPPED`] was made).
fn refit(coder: &ModelCoder, validation: &[&Item]) -> Result<DecisionWeights, BenchError> {
    let mut predictions = Vec::with_capacity(2 * validation.len());
    let mut truth = Vec::with_capacity(2 * validation.len());
    for item in validation {
        for (utterance, previous) in [
            (item.text.clone(), item.previous.clone()),
            (recogniser_shaped(&item.text), recogniser_shaped(&item.previous)),
        ] {
            let prediction =
                coder.predict(&utterance, (!previous.is_empty()).then_some(previous.as_str()))?;
            predictions.push(prediction.fine);
            truth.push(item.fine);
        }
    }
    Ok(decision::fit(&predictions, &truth))
}

impl Report {
    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let scores: Vec<Value> = self
            .scores
            .iter()
            .map(|s| json!({"coder": s.coder, "text": s.text, "main": s.main.to_json(), "fine": s.fine.to_json()}))
            .collect();
        json!({
            "test_utterances": self.test_utterances,
            "test_transcripts": self.test_transcripts,
            "train_utterances": self.train_utterances,
            "scores": scores,
            "model_ms_median": self.model_ms_median,
            "model_ms_p95": self.model_ms_p95,
            "rules_ms_median": self.rules_ms_median,
            "model_bytes": self.model_bytes,
            "decision_weights": self.weights_shipped.0,
            "decision_weights_refitted": self.weights_refitted.0,
            "validation_utterances": self.validation_utterances,
        })
    }

    /// The report as tables for a terminal.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "bench coder: {} held-out therapist utterances from {} transcripts (baseline trained on {})",
            self.test_utterances, self.test_transcripts, self.train_utterances
        );
        let _ = writeln!(out, "\nmacro-F1 and expected calibration error (ECE, 10 bins)");
        let _ = writeln!(
            out,
            "{:<17} {:<18} {:>8} {:>8} {:>8} {:>8}",
            "coder", "text", "main F1", "main ECE", "fine F1", "fine ECE"
        );
        for s in &self.scores {
            let _ = writeln!(
                out,
                "{:<17} {:<18} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                s.coder, s.text, s.main.macro_f1, s.main.ece, s.fine.macro_f1, s.fine.ece
            );
        }
        for s in self.scores.iter().filter(|s| s.text == "transcribed") {
            for (title, scores) in [("main", &s.main), ("fine", &s.fine)] {
                let _ = writeln!(
                    out,
                    "\n{} ({}), {title}: per-class F1, confusion (rows truth, columns predicted)",
                    s.coder, s.text
                );
                for (row, name) in scores.names.iter().enumerate() {
                    let counts: Vec<String> =
                        scores.confusion[row].iter().map(|n| format!("{n:>5}")).collect();
                    let _ = writeln!(
                        out,
                        "  {name:<19} F1 {:>5.3} |{}",
                        scores.f1[row],
                        counts.join("")
                    );
                }
            }
        }
        let weights = |w: &DecisionWeights| {
            w.0.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" ")
        };
        let _ = writeln!(
            out,
            "\ndecision weights (open, closed, simple, complex, input, other):\n  shipped  {}\n  \
             refitted {} (this run, on {} validation utterances in both text forms)",
            weights(&self.weights_shipped),
            weights(&self.weights_refitted),
            self.validation_utterances
        );
        let _ = writeln!(out, "\n{:<52} {:>10}", "figure", "value");
        let _ = writeln!(
            out,
            "{:<52} {:>10.2}",
            "model per utterance, one thread, median (ms)", self.model_ms_median
        );
        let _ = writeln!(
            out,
            "{:<52} {:>10.2}",
            "model per utterance, one thread, p95 (ms)", self.model_ms_p95
        );
        let _ = writeln!(
            out,
            "{:<52} {:>10.3}",
            "rule coder per utterance, median (ms)", self.rules_ms_median
        );
        let _ = writeln!(
            out,
            "{:<52} {:>10.1}",
            "model + tokenizer files (MB)",
            self.model_bytes as f64 / 1e6
        );
        out
    }
}
