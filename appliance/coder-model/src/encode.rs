//! The model's input, built exactly as the training script (`models/coder/train.py`) builds it:
//! `[CLS] utterance [SEP] previous line [SEP]`, the utterance cut to its first
//! [`MAX_UTTERANCE`] word pieces and the patient's line to its last [`MAX_PREVIOUS`], with
//! segment 0 for the first part and 1 for the second.

use tokenizers::Tokenizer;

use crate::CoderModelError;

/// Word pieces kept from the start of the utterance.
pub const MAX_UTTERANCE: usize = 96;
/// Word pieces kept from the end of the patient's previous line.
pub const MAX_PREVIOUS: usize = 32;
/// The tokenizer's `[CLS]` id.
const CLS: i64 = 101;
/// The tokenizer's `[SEP]` id.
const SEP: i64 = 102;
/// Characters of the utterance handed to the tokenizer: far more than [`MAX_UTTERANCE`] word
/// pieces need, so a ten-kilobyte line costs no more than a long sentence.
const UTTERANCE_CHARS: usize = 4000;
/// Characters from the end of the patient's line handed to the tokenizer.
const PREVIOUS_CHARS: usize = 2000;

/// Token ids and segment ids of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// Word-piece ids, special tokens included.
    pub ids: Vec<i64>,
    /// 0 for the utterance part, 1 for the previous line.
    pub type_ids: Vec<i64>,
}

/// Encodes `utterance` after the patient's `previous` line.
pub fn encode(
    tokenizer: &Tokenizer,
    utterance: &str,
    previous: Option<&str>,
) -> Result<Encoded, CoderModelError> {
    let pieces = |text: &str| -> Result<Vec<i64>, CoderModelError> {
        let encoding = tokenizer
            .encode(text, false)
            .map_err(|error| CoderModelError::Inference(error.to_string()))?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    };
    let mut ids = vec![CLS];
    let utterance_ids = pieces(head(utterance, UTTERANCE_CHARS))?;
    ids.extend(utterance_ids.iter().take(MAX_UTTERANCE));
    ids.push(SEP);
    let mut type_ids = vec![0; ids.len()];
    if let Some(previous) = previous.filter(|p| !p.is_empty()) {
        let previous_ids = pieces(tail(previous, PREVIOUS_CHARS))?;
        let kept = &previous_ids[previous_ids.len().saturating_sub(MAX_PREVIOUS)..];
        if !kept.is_empty() {
            ids.extend_from_slice(kept);
            ids.push(SEP);
            type_ids.resize(ids.len(), 1);
        }
    }
    Ok(Encoded { ids, type_ids })
}

/// At most the first `chars` characters of `text`.
fn head(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// At most the last `chars` characters of `text`.
fn tail(text: &str, chars: usize) -> &str {
    let count = text.chars().count();
    if count <= chars {
        return text;
    }
    match text.char_indices().nth(count - chars) {
        Some((start, _)) => &text[start..],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_and_tail_cut_on_character_boundaries() {
        assert_eq!(head("héllo", 2), "hé");
        assert_eq!(head("hi", 5), "hi");
        assert_eq!(tail("héllo", 4), "éllo");
        assert_eq!(tail("hi", 5), "hi");
    }
}
