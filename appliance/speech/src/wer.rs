//! Word error rate: word-level edit distance between a reference and a hypothesis, over text
//! normalised the same way on both sides (lower case, punctuation dropped, numbers as written).

/// Words of `text`, lower-cased, with punctuation other than inner apostrophes and hyphens
/// removed ("Don't, really?" → `don't`, `really`). Hyphenated words are split.
pub fn normalized_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '—')
        .map(|word| {
            word.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
                .map(|c| if c == '’' { '\'' } else { c })
                .flat_map(char::to_lowercase)
                .collect::<String>()
                .trim_matches('\'')
                .to_owned()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// Substitutions, deletions and insertions needed to turn `reference` into `hypothesis`, word by
/// word after [`normalized_words`].
pub fn word_errors(reference: &str, hypothesis: &str) -> usize {
    let reference = normalized_words(reference);
    let hypothesis = normalized_words(hypothesis);
    // One row of the Levenshtein table at a time.
    let mut previous: Vec<usize> = (0..=hypothesis.len()).collect();
    let mut current = vec![0; hypothesis.len() + 1];
    for (i, word) in reference.iter().enumerate() {
        current[0] = i + 1;
        for (j, heard) in hypothesis.iter().enumerate() {
            let substitution = previous[j] + usize::from(word != heard);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[hypothesis.len()]
}

/// Word error rate of `hypothesis` against `reference`: [`word_errors`] divided by the number of
/// reference words (0 when both are empty, 1 per inserted word when only the reference is).
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let words = normalized_words(reference).len();
    let errors = word_errors(reference, hypothesis);
    if words == 0 {
        return errors as f64;
    }
    errors as f64 / words as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_after_normalisation_has_no_errors() {
        assert_eq!(word_error_rate("Hello, how are you?", "hello how are you"), 0.0);
        assert_eq!(word_error_rate("Don't worry.", "don’t worry"), 0.0);
    }

    #[test]
    fn substitutions_deletions_and_insertions_count_one_each() {
        assert_eq!(word_errors("the cat sat", "the bat sat"), 1);
        assert_eq!(word_errors("the cat sat", "the sat"), 1);
        assert_eq!(word_errors("the cat sat", "the cat sat down"), 1);
        assert_eq!(word_errors("a b c d", "x b d e f"), 4);
        assert!((word_error_rate("the cat sat down", "the bat sat") - 0.5).abs() < 1e-12);
    }

    #[test]
    fn empty_sides() {
        assert_eq!(word_error_rate("", ""), 0.0);
        assert_eq!(word_error_rate("one two", ""), 1.0);
        assert_eq!(word_error_rate("", "uh"), 1.0);
    }

    #[test]
    fn hyphens_split_words_and_case_is_ignored() {
        assert_eq!(normalized_words("Self-Care, OK."), vec!["self", "care", "ok"]);
    }
}
