//! Scores of a coder against held-out labels: macro-F1, per-class F1, the confusion matrix and
//! the expected calibration error, as `rapport bench coder` prints them.

use serde_json::{Map, Value};

/// Bins of the expected calibration error.
pub const ECE_BINS: usize = 10;

/// How well predictions match the truth over one label set.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    /// The label names, in index order.
    pub names: Vec<&'static str>,
    /// Mean of the per-class F1.
    pub macro_f1: f64,
    /// F1 of each class.
    pub f1: Vec<f64>,
    /// `confusion[truth][predicted]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Expected calibration error of the confidences (10 equal-width bins).
    pub ece: f64,
    /// Share of predictions that are right.
    pub accuracy: f64,
}

/// Scores `predicted` (with its `confidence`) against `truth`; all are indices into `names`.
pub fn score(
    names: &[&'static str],
    truth: &[usize],
    predicted: &[usize],
    confidence: &[f32],
) -> Scores {
    let classes = names.len();
    let mut confusion = vec![vec![0_usize; classes]; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        if t < classes && p < classes {
            confusion[t][p] += 1;
        }
    }
    let f1: Vec<f64> = (0..classes)
        .map(|c| {
            let tp = confusion[c][c] as f64;
            let predicted_c: usize = confusion.iter().map(|row| row[c]).sum();
            let true_c: usize = confusion[c].iter().sum();
            let precision = if predicted_c > 0 { tp / predicted_c as f64 } else { 0.0 };
            let recall = if true_c > 0 { tp / true_c as f64 } else { 0.0 };
            if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            }
        })
        .collect();
    let correct: Vec<bool> = truth.iter().zip(predicted).map(|(t, p)| t == p).collect();
    let right = correct.iter().filter(|&&c| c).count();
    Scores {
        names: names.to_vec(),
        macro_f1: f1.iter().sum::<f64>() / classes.max(1) as f64,
        f1,
        confusion,
        ece: ece(confidence, &correct),
        accuracy: right as f64 / truth.len().max(1) as f64,
    }
}

/// Expected calibration error: the bin-weighted gap between confidence and accuracy.
pub fn ece(confidence: &[f32], correct: &[bool]) -> f64 {
    let mut count = [0_usize; ECE_BINS];
    let mut sum_confidence = [0.0_f64; ECE_BINS];
    let mut sum_correct = [0.0_f64; ECE_BINS];
    for (&c, &ok) in confidence.iter().zip(correct) {
        let c = f64::from(c).clamp(0.0, 1.0);
        // Bins are (lo, hi], the first one [0, 0.1].
        let bin = ((c * ECE_BINS as f64).ceil() as usize).saturating_sub(1).min(ECE_BINS - 1);
        count[bin] += 1;
        sum_confidence[bin] += c;
        sum_correct[bin] += if ok { 1.0 } else { 0.0 };
    }
    let total = confidence.len().max(1) as f64;
    (0..ECE_BINS)
        .filter(|&b| count[b] > 0)
        .map(|b| {
            let n = count[b] as f64;
            n / total * (sum_correct[b] / n - sum_confidence[b] / n).abs()
        })
        .sum()
}

impl Scores {
    /// The scores as a JSON object.
    pub fn to_json(&self) -> Value {
        let mut per_class = Map::new();
        for (name, f1) in self.names.iter().zip(&self.f1) {
            per_class.insert((*name).to_owned(), Value::from(round(*f1)));
        }
        serde_json::json!({
            "macro_f1": round(self.macro_f1),
            "accuracy": round(self.accuracy),
            "ece": round(self.ece),
            "f1": per_class,
            "confusion": self.confusion,
        })
    }
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_and_confusion_of_a_small_case() {
        let scores = score(&["a", "b"], &[0, 0, 1, 1], &[0, 1, 1, 1], &[0.9, 0.6, 0.8, 0.7]);
        assert_eq!(scores.confusion, vec![vec![1, 1], vec![0, 2]]);
        // a: precision 1, recall 0.5 -> 2/3; b: precision 2/3, recall 1 -> 0.8.
        assert!((scores.f1[0] - 2.0 / 3.0).abs() < 1e-9);
        assert!((scores.f1[1] - 0.8).abs() < 1e-9);
        assert!((scores.accuracy - 0.75).abs() < 1e-9);
    }

    #[test]
    fn ece_is_zero_when_confidence_matches_accuracy_and_large_when_not() {
        assert!(ece(&[1.0, 1.0], &[true, true]).abs() < 1e-9);
        assert!((ece(&[0.95, 0.95], &[false, false]) - 0.95).abs() < 1e-6);
        // Half right at 0.55 confidence: gap 0.05.
        assert!((ece(&[0.55, 0.55], &[true, false]) - 0.05).abs() < 1e-6);
    }
}
