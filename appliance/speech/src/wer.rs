//! Word error rate: word-level edit distance between a reference and a hypothesis, over text
//! normalised the same way on both sides (case, punctuation, contractions and small numbers).

/// Words of `text`, normalised so that spelling choices are not counted as errors: lower case,
/// punctuation other than inner apostrophes removed, hyphenated words split, contractions
/// expanded ("you're" → `you`, `are`), and number words up to twenty written as digits
/// ("ten" → `10`), as whisper writes them.
pub fn normalized_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || c == '-' || c == '—') {
        let word: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
            .map(|c| if c == '’' { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect();
        let word = word.trim_matches('\'');
        if word.is_empty() {
            continue;
        }
        for part in expand_contraction(word) {
            words.push(number_as_digits(&part).map_or(part, str::to_owned));
        }
    }
    words
}

/// A contraction as its words; any other word as itself.
fn expand_contraction(word: &str) -> Vec<String> {
    let special = match word {
        "can't" => Some(["can", "not"]),
        "won't" => Some(["will", "not"]),
        "let's" => Some(["let", "us"]),
        _ => None,
    };
    if let Some(words) = special {
        return words.iter().map(|w| (*w).to_owned()).collect();
    }
    const SUFFIXES: [(&str, &str); 6] = [
        ("n't", "not"),
        ("'re", "are"),
        ("'m", "am"),
        ("'ll", "will"),
        ("'ve", "have"),
        ("'d", "would"),
    ];
    for (suffix, expansion) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix).filter(|stem| !stem.is_empty()) {
            return vec![stem.to_owned(), expansion.to_owned()];
        }
    }
    // "it's", "that's", "what's": "is" (the "has" reading is rarer in speech to a patient).
    if let Some(stem) = word.strip_suffix("'s").filter(|stem| {
        matches!(*stem, "it" | "that" | "what" | "he" | "she" | "there" | "here" | "who" | "where")
    }) {
        return vec![stem.to_owned(), "is".to_owned()];
    }
    vec![word.to_owned()]
}

/// The digits of a number word from zero to twenty.
fn number_as_digits(word: &str) -> Option<&'static str> {
    const NUMBERS: [(&str, &str); 21] = [
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("eleven", "11"),
        ("twelve", "12"),
        ("thirteen", "13"),
        ("fourteen", "14"),
        ("fifteen", "15"),
        ("sixteen", "16"),
        ("seventeen", "17"),
        ("eighteen", "18"),
        ("nineteen", "19"),
        ("twenty", "20"),
    ];
    NUMBERS.iter().find(|(name, _)| *name == word).map(|(_, digits)| *digits)
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

    #[test]
    fn contractions_and_number_words_are_spelled_one_way() {
        assert_eq!(
            word_error_rate("You're not sure, it's one to ten", "you are not sure it is 1 to 10"),
            0.0
        );
        assert_eq!(
            normalized_words("I can't, won't, didn't"),
            vec!["i", "can", "not", "will", "not", "did", "not"]
        );
        // A possessive stays a word.
        assert_eq!(normalized_words("John's"), vec!["john's"]);
    }
}
