//! How the model's calibrated probabilities become one class: per-class weights fitted for
//! macro-F1 on the validation transcripts.
//!
//! The probabilities are calibrated, so the most probable class maximises accuracy, and accuracy
//! favours the large classes (open questions, other) at the expense of the small ones (closed
//! questions, simple reflections) that macro-F1 weighs equally and a trainee most needs told
//! apart. Weighting each class's probability before choosing moves the boundaries without
//! touching the probabilities: the confidence of a code stays the calibrated probability of the
//! class chosen, so "uncertain" keeps its meaning.
//!
//! The weights are fitted by [`fit`] on the validation transcripts (never the test ones), by
//! coordinate ascent over a fixed grid, so the same predictions always give the same weights.
//! `rapport bench coder` refits them in its run and prints them beside [`DecisionWeights::SHIPPED`];
//! a retrained model needs its own (see `models/coder/MODEL_CARD.md`).

use crate::{FineClass, MainBehaviour};

/// A weight per [`FineClass`], in [`FineClass::ALL`] order; "other" is the fixed reference, 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecisionWeights(pub [f32; 6]);

impl DecisionWeights {
    /// Every class as the probabilities say: the most probable main behaviour, then its most
    /// probable class.
    pub const PLAIN: Self = Self([1.0; 6]);

    /// The weights of the shipped model (`coder-minilm-annomi.onnx`, the pin in
    /// `models/manifest.toml`), fitted by [`fit`] on its predictions for the 422 therapist
    /// utterances of the 10 validation transcripts, as transcribed and as a recogniser writes
    /// them. Closed questions and simple and complex reflections are chosen on a little less
    /// probability than before, open questions and input need a little more.
    pub const SHIPPED: Self = Self([1.35, 0.905, 0.741, 0.819, 1.492, 1.0]);

    /// The main behaviour and the class within it for the probabilities `fine`, with the
    /// calibrated probability of each.
    pub fn choose(&self, fine: &[f32; 6]) -> (MainBehaviour, f32, FineClass, f32) {
        let weighted: [f64; 6] = std::array::from_fn(|i| f64::from(fine[i]) * f64::from(self.0[i]));
        let mut main = MainBehaviour::ALL[0];
        let mut main_weight = f64::NEG_INFINITY;
        for candidate in MainBehaviour::ALL {
            let sum: f64 = FineClass::ALL
                .iter()
                .filter(|class| class.main() == candidate)
                .map(|class| weighted[class.index()])
                .sum();
            if sum > main_weight {
                main = candidate;
                main_weight = sum;
            }
        }
        let mut best = FineClass::Other;
        let mut best_weight = f64::NEG_INFINITY;
        for class in FineClass::ALL {
            if class.main() == main && weighted[class.index()] > best_weight {
                best = class;
                best_weight = weighted[class.index()];
            }
        }
        let main_probability: f32 = FineClass::ALL
            .iter()
            .filter(|class| class.main() == main)
            .map(|class| fine[class.index()])
            .sum();
        (main, main_probability, best, fine[best.index()].max(0.0))
    }
}

/// Sweeps of the coordinate ascent in [`fit`].
const SWEEPS: usize = 3;

/// The weights tried for each class: e^(k/10) for k in −12..=12 (about 0.30 to 3.3).
fn grid() -> impl Iterator<Item = f32> {
    (-12..=12).map(|k| (f64::from(k) / 10.0).exp() as f32)
}

/// Main macro-F1 plus six-way macro-F1 of `weights` on `predictions` against `truth`.
pub fn objective(weights: &DecisionWeights, predictions: &[[f32; 6]], truth: &[FineClass]) -> f64 {
    let mut main_counts = [[0_usize; 3]; 4];
    let mut fine_counts = [[0_usize; 3]; 6];
    for (fine, &true_class) in predictions.iter().zip(truth) {
        let (main, _, class, _) = weights.choose(fine);
        count(&mut main_counts, main_index(true_class.main()), main_index(main));
        count(&mut fine_counts, true_class.index(), class.index());
    }
    macro_f1(&main_counts) + macro_f1(&fine_counts)
}

/// Weights that maximise [`objective`] on `predictions` (the validation transcripts): each class
/// but "other" in turn takes the grid value that scores best, over [`SWEEPS`] sweeps; a change is
/// kept only when it strictly improves the score, so ties keep the plain weight.
pub fn fit(predictions: &[[f32; 6]], truth: &[FineClass]) -> DecisionWeights {
    let mut weights = DecisionWeights::PLAIN;
    let mut best = objective(&weights, predictions, truth);
    for _ in 0..SWEEPS {
        for class in 0..5 {
            for value in grid() {
                let mut candidate = weights;
                candidate.0[class] = value;
                let score = objective(&candidate, predictions, truth);
                if score > best + 1e-9 {
                    best = score;
                    weights = candidate;
                }
            }
        }
    }
    weights
}

/// Adds one prediction to per-class [true positive, false positive, false negative] counts.
fn count<const N: usize>(counts: &mut [[usize; 3]; N], truth: usize, predicted: usize) {
    if truth == predicted {
        counts[truth][0] += 1;
    } else {
        counts[predicted][1] += 1;
        counts[truth][2] += 1;
    }
}

fn macro_f1<const N: usize>(counts: &[[usize; 3]; N]) -> f64 {
    let total: f64 = counts
        .iter()
        .map(
            |&[tp, fp, fn_]| {
                if tp == 0 { 0.0 } else { 2.0 * tp as f64 / (2 * tp + fp + fn_) as f64 }
            },
        )
        .sum();
    total / N as f64
}

fn main_index(main: MainBehaviour) -> usize {
    MainBehaviour::ALL.iter().position(|m| *m == main).unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_weights_choose_as_the_probabilities_say() {
        // Question 0.3 + 0.3 beats other at 0.4, though other is the single most likely class.
        let (main, main_p, fine, fine_p) =
            DecisionWeights::PLAIN.choose(&[0.3, 0.3, 0.0, 0.0, 0.0, 0.4]);
        assert_eq!((main, fine), (MainBehaviour::Question, FineClass::OpenQuestion));
        assert!((main_p - 0.6).abs() < 1e-6 && (fine_p - 0.3).abs() < 1e-6);
    }

    #[test]
    fn weights_move_the_choice_but_not_the_confidence() {
        let fine = [0.0, 0.0, 0.45, 0.35, 0.0, 0.2];
        let favour_complex = DecisionWeights([1.0, 1.0, 1.0, 1.5, 1.0, 1.0]);
        let (main, main_p, class, confidence) = favour_complex.choose(&fine);
        assert_eq!((main, class), (MainBehaviour::Reflection, FineClass::ComplexReflection));
        assert!((confidence - 0.35).abs() < 1e-6, "the calibrated probability, unweighted");
        assert!((main_p - 0.8).abs() < 1e-6);
    }

    #[test]
    fn the_fit_finds_the_boundary_a_biased_model_misses() {
        // A model that gives closed questions too little: each truly closed question gets 0.4
        // closed against 0.6 open, each open one 0.8 open.
        let mut predictions = Vec::new();
        let mut truth = Vec::new();
        for _ in 0..20 {
            predictions.push([0.6, 0.4, 0.0, 0.0, 0.0, 0.0]);
            truth.push(FineClass::ClosedQuestion);
            predictions.push([0.8, 0.2, 0.0, 0.0, 0.0, 0.0]);
            truth.push(FineClass::OpenQuestion);
            predictions.push([0.0, 0.0, 0.0, 0.0, 0.1, 0.9]);
            truth.push(FineClass::Other);
        }
        let plain = objective(&DecisionWeights::PLAIN, &predictions, &truth);
        let weights = fit(&predictions, &truth);
        let fitted = objective(&weights, &predictions, &truth);
        assert!(fitted > plain, "{fitted} > {plain}");
        for (fine, &true_class) in predictions.iter().zip(&truth) {
            assert_eq!(weights.choose(fine).2, true_class, "{weights:?}");
        }
        // The same predictions always give the same weights.
        assert_eq!(fit(&predictions, &truth), weights);
    }
}
