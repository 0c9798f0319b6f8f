//! The baseline the trained coder must beat: TF-IDF of word unigrams and bigrams with a
//! multinomial logistic regression over the six classes, trained in the same run on the training
//! transcripts (seeded, so every run gives the same figures).

use std::collections::HashMap;

use crate::{FineClass, Prediction};

/// Passes of stochastic gradient descent over the training set.
const EPOCHS: usize = 30;
/// Step size.
const LEARNING_RATE: f32 = 0.5;
/// L2 penalty on the weights.
const L2: f32 = 1e-5;
/// A term must occur in at least this many training utterances.
const MIN_DOCUMENTS: usize = 2;
/// Seed of the shuffling.
const SEED: u64 = 20_261_203;

/// A fitted TF-IDF + logistic-regression classifier.
#[derive(Clone, Debug)]
pub struct TfIdfBaseline {
    vocabulary: HashMap<String, usize>,
    idf: Vec<f32>,
    // weights[term][class], then one bias per class.
    weights: Vec<[f32; 6]>,
    bias: [f32; 6],
}

/// Terms of a text: lower-case words (letters, digits, apostrophes), their bigrams, and a marker
/// for a question mark.
fn terms(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    out.extend(words.windows(2).map(|pair| format!("{} {}", pair[0], pair[1])));
    if text.contains('?') {
        out.push("<?>".to_owned());
    }
    out
}

impl TfIdfBaseline {
    /// Fits the baseline on `(text, class)` pairs, with classes weighted by the square root of
    /// their inverse frequency (as the trained model is).
    pub fn fit(examples: &[(&str, FineClass)]) -> Self {
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for (text, _) in examples {
            let mut seen = terms(text);
            seen.sort();
            seen.dedup();
            for term in seen {
                *document_frequency.entry(term).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, usize)> =
            document_frequency.into_iter().filter(|(_, df)| *df >= MIN_DOCUMENTS).collect();
        kept.sort();
        let documents = examples.len() as f32;
        let idf = kept
            .iter()
            .map(|(_, df)| ((1.0 + documents) / (1.0 + *df as f32)).ln() + 1.0)
            .collect();
        let vocabulary = kept.into_iter().enumerate().map(|(i, (term, _))| (term, i)).collect();
        let mut model = Self { vocabulary, idf, weights: Vec::new(), bias: [0.0; 6] };
        model.weights = vec![[0.0; 6]; model.idf.len()];

        let features: Vec<Vec<(usize, f32)>> =
            examples.iter().map(|(t, _)| model.features(t)).collect();
        let labels: Vec<usize> = examples.iter().map(|(_, c)| c.index()).collect();
        let mut counts = [0_usize; 6];
        for &label in &labels {
            counts[label] += 1;
        }
        let most = counts.iter().copied().max().unwrap_or(1) as f32;
        let class_weight = counts.map(|n| if n > 0 { (most / n as f32).sqrt() } else { 0.0 });
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut state = SEED;
        for epoch in 0..EPOCHS {
            // Fisher-Yates with a linear congruential generator: the same order on every machine.
            for i in (1..order.len()).rev() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let j = (state >> 33) as usize % (i + 1);
                order.swap(i, j);
            }
            let rate = LEARNING_RATE / (1.0 + epoch as f32 * 0.1);
            for &i in &order {
                let probs = model.probabilities(&features[i]);
                let weight = class_weight[labels[i]];
                for (class, probability) in probs.iter().enumerate() {
                    let target = if class == labels[i] { 1.0 } else { 0.0 };
                    let gradient = weight * (probability - target);
                    model.bias[class] -= rate * gradient;
                    for &(term, value) in &features[i] {
                        let w = &mut model.weights[term][class];
                        *w -= rate * (gradient * value + L2 * *w);
                    }
                }
            }
        }
        model
    }

    /// Sparse, L2-normalised sublinear TF-IDF vector of `text`.
    fn features(&self, text: &str) -> Vec<(usize, f32)> {
        let mut counts: HashMap<usize, f32> = HashMap::new();
        for term in terms(text) {
            if let Some(&index) = self.vocabulary.get(&term) {
                *counts.entry(index).or_default() += 1.0;
            }
        }
        let mut vector: Vec<(usize, f32)> =
            counts.into_iter().map(|(i, n)| (i, (1.0 + n.ln()) * self.idf[i])).collect();
        vector.sort_by_key(|(i, _)| *i);
        let norm = vector.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut vector {
                *v /= norm;
            }
        }
        vector
    }

    fn probabilities(&self, features: &[(usize, f32)]) -> [f32; 6] {
        let mut logits = self.bias;
        for &(term, value) in features {
            for (logit, weight) in logits.iter_mut().zip(&self.weights[term]) {
                *logit += weight * value;
            }
        }
        let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for logit in &mut logits {
            *logit = (*logit - top).exp();
            sum += *logit;
        }
        logits.map(|e| e / sum)
    }

    /// The baseline's probabilities for `text`, shaped like the model's (no input kinds).
    pub fn predict(&self, text: &str) -> Prediction {
        Prediction { fine: self.probabilities(&self.features(text)), input_kind: [1.0, 0.0, 0.0] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_set() {
        let examples = [
            ("what do you think about it?", FineClass::OpenQuestion),
            ("what would you like to change?", FineClass::OpenQuestion),
            ("do you drink every day?", FineClass::ClosedQuestion),
            ("do you smoke at home?", FineClass::ClosedQuestion),
            ("hello there", FineClass::Other),
            ("hello again", FineClass::Other),
        ];
        let model = TfIdfBaseline::fit(&examples);
        assert_eq!(model.predict("what do you want?").decide().fine, FineClass::OpenQuestion);
        assert_eq!(model.predict("do you drink?").decide().fine, FineClass::ClosedQuestion);
        assert_eq!(model.predict("hello").decide().fine, FineClass::Other);
    }
}
