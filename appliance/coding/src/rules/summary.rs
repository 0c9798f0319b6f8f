//! Summaries: reflections that gather several things the client said.
//!
//! An explicit opener ("Let me summarize", "So far you've told me") is enough. Without one, a
//! long reflection that strings together at least three points counts as a summary only with a
//! weaker opener ("So overall", "a few things"), or, with less confidence, when it runs to three
//! reflective sentences.

use super::text::{has, has_any};

/// Openers that announce a summary.
const OPENERS: &[&str] = &[
    "let me summarize|summarise",
    "let me try to summarize|summarise|sum",
    "let me just summarize|summarise|sum",
    "let me sum up|sum|that|this|it",
    "let me try and summarize|summarise|sum",
    "if i could|can|may summarize|summarise",
    "to summarize|summarise",
    "to sum up|sum",
    "in summary",
    "summing up",
    "so far you have told|said|mentioned|shared|described",
    "let me see if i have|got|understand|am",
    "let me make sure i have|got|understand|am",
    "let me check that|if i",
    "to recap",
    "let me recap",
    "let me pull together|this|that|these|it|all",
    "pull it all together",
    "putting it all together",
    "put it all together",
    "what i have heard so far",
    "from what you have told me so far",
    "let me go back over",
    "let me reflect back",
];

/// Weaker openers: a summary only when what follows is long and has several parts.
const WEAK_OPENERS: &[&str] = &[
    "so far",
    "overall",
    "all in all",
    "altogether",
    "a few things|reasons",
    "a couple|number of things|reasons",
    "several things|reasons",
    "lots of things|reasons",
    "a lot going on",
    "you have told me",
    "you have mentioned",
];

/// Phrases that join one reflected point to the next.
const JOINS: &[&str] =
    &["and you", "and your", "and that", "you also", "also you", "and also", "as well as"];

/// The confidence that the utterance is a summary, if it is one.
///
/// `words` is the whole utterance; `reflective_sentences` are the words of its sentences that
/// have a reflective form.
pub(crate) fn summary(words: &[&str], reflective_sentences: &[&[&str]]) -> Option<f32> {
    let reflects = !reflective_sentences.is_empty();
    if has_any(words, OPENERS) {
        return Some(if reflects { 0.9 } else { 0.75 });
    }
    if !reflects {
        return None;
    }
    let joins: usize = reflective_sentences
        .iter()
        .map(|sentence| JOINS.iter().filter(|j| has(sentence, j)).count())
        .sum();
    let points = reflective_sentences.len() + joins;
    let length: usize = reflective_sentences.iter().map(|s| s.len()).sum();
    if has_any(words, WEAK_OPENERS) && points >= 3 && length >= 20 {
        return Some(0.7);
    }
    if reflective_sentences.len() >= 3 && length >= 35 {
        return Some(0.6);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openers_make_summaries() {
        let words = ["let", "me", "summarize", "you", "are", "tired"];
        assert_eq!(summary(&words, &[&words[3..]]), Some(0.9));
        assert_eq!(summary(&["you", "are", "tired"], &[&["you", "are", "tired"]]), None);
    }
}
