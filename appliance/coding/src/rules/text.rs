//! Turns an utterance into lower-case words, clauses and sentences that the rules can match.
//!
//! Speech recognisers write text unevenly: capitals, apostrophes and question marks may be
//! missing, contractions may be run together ("dont", "youre"), and words may be stuttered
//! ("I-I", "and and"). This module evens that out so that a rule written once ("you are") matches
//! every spelling ("you're", "You’re", "youre", "You are").
//!
//! The lower-case copy lives in one buffer sized before it is filled and wiped when dropped, so no
//! stray copy of the text outlives the call (best effort: Rust gives no hard guarantee without
//! volatile writes). Words are slices of that buffer or `'static` spellings, never new strings.

/// Input beyond this many bytes is not read: no real utterance is that long, and it bounds the
/// work done on a pathological input.
pub(crate) const MAX_INPUT_BYTES: usize = 32 * 1024;

/// A lower-case copy of one utterance, with its word and punctuation marks.
pub(crate) struct Normalized {
    buf: String,
    marks: Vec<Mark>,
}

/// What the scan found, in order.
#[derive(Clone, Copy)]
enum Mark {
    /// A word, as a byte range of the buffer.
    Word(usize, usize),
    /// A comma, colon, dash or bracket: a clause ends.
    Clause,
    /// A full stop, exclamation mark, semicolon or question mark: a sentence ends.
    Sentence { question: bool },
}

/// The words of an utterance grouped in sentences and clauses.
pub(crate) struct Text<'a> {
    /// Every word, in order, contractions spelled out.
    pub words: Vec<&'a str>,
    /// The sentences, as ranges of `words`.
    pub sentences: Vec<Sentence>,
    /// Whether any sentence mark (full stop, question mark...) was written. Recognised speech
    /// without any is read more loosely: a question may start mid-sentence.
    pub punctuated: bool,
}

/// One sentence: a range of words, its clauses, and whether it ended with a question mark.
#[derive(Clone, Debug)]
pub(crate) struct Sentence {
    /// First word index.
    pub start: usize,
    /// One past the last word index.
    pub end: usize,
    /// Clause ranges (absolute word indices), in order; never empty ranges.
    pub clauses: Vec<(usize, usize)>,
    /// Whether a question mark ended the sentence.
    pub question_mark: bool,
}

impl Normalized {
    /// Scans `input` (at most [`MAX_INPUT_BYTES`] of it).
    pub(crate) fn new(input: &str) -> Normalized {
        let input = truncate(input, MAX_INPUT_BYTES);
        // Room for the worst case, so that pushing never reallocates (a reallocation would free
        // an unwiped copy).
        let room: usize = input
            .chars()
            .map(|c| c.len_utf8().max(c.to_lowercase().map(char::len_utf8).sum()))
            .sum();
        let mut buf = String::with_capacity(room);
        let mut marks = Vec::new();
        let mut word_start: Option<usize> = None;
        let mut previous: Option<char> = None;
        let mut chars = input.chars().peekable();

        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            let next_is_alnum = next.is_some_and(char::is_alphanumeric);
            let in_word = word_start.is_some();
            match c {
                c if c.is_alphanumeric() => {
                    if word_start.is_none() {
                        word_start = Some(buf.len());
                    }
                    buf.extend(c.to_lowercase());
                }
                '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' if in_word && next_is_alnum => {
                    buf.push('\'');
                }
                '-' if in_word && next_is_alnum => buf.push('-'),
                '.' if in_word
                    && previous.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()) =>
                {
                    buf.push('.');
                }
                _ => {
                    end_word(&mut word_start, &buf, &mut marks);
                    match c {
                        '?' | '\u{ff1f}' => marks.push(Mark::Sentence { question: true }),
                        '.' | '!' | ';' | '\u{2026}' | '\u{3002}' => {
                            marks.push(Mark::Sentence { question: false });
                        }
                        ',' | ':' | '-' | '\u{2013}' | '\u{2014}' | '"' | '\u{201c}'
                        | '\u{201d}' | '(' | ')' | '[' | ']' | '/' => marks.push(Mark::Clause),
                        _ => {}
                    }
                }
            }
            previous = Some(c);
        }
        end_word(&mut word_start, &buf, &mut marks);
        Normalized { buf, marks }
    }

    /// The words, clauses and sentences, contractions spelled out and stutters collapsed.
    pub(crate) fn text(&self) -> Text<'_> {
        let mut words: Vec<&str> = Vec::new();
        let mut sentences = Vec::new();
        let mut sentence_start = 0;
        let mut clause_start = 0;
        let mut clauses = Vec::new();

        for mark in &self.marks {
            match *mark {
                Mark::Word(start, end) => {
                    let Some(word) = self.buf.get(start..end) else { continue };
                    // Hyphenated backchannels stay whole; "so-so" and "I-I" are stutters and
                    // fall apart into repeated words, which `push_word` collapses.
                    if let Some(interjection) = interjection(word) {
                        push_word(&mut words, interjection);
                        continue;
                    }
                    let mut parts = word.split('-').filter(|p| !p.is_empty()).peekable();
                    while let Some(part) = parts.next() {
                        // "wh-what", "whe-when": a false start cut off before the word.
                        if parts
                            .peek()
                            .is_some_and(|next| next.len() > part.len() && next.starts_with(part))
                        {
                            continue;
                        }
                        for spelled in spell_out(part).into_iter().flatten() {
                            push_word(&mut words, spelled);
                        }
                    }
                }
                Mark::Clause => {
                    if words.len() > clause_start {
                        clauses.push((clause_start, words.len()));
                    }
                    clause_start = words.len();
                }
                Mark::Sentence { question } => {
                    if words.len() > clause_start {
                        clauses.push((clause_start, words.len()));
                    }
                    clause_start = words.len();
                    if words.len() > sentence_start {
                        sentences.push(Sentence {
                            start: sentence_start,
                            end: words.len(),
                            clauses: std::mem::take(&mut clauses),
                            question_mark: question,
                        });
                        sentence_start = words.len();
                    } else if question {
                        // "Really!?": the question mark belongs to the sentence just ended.
                        if let Some(last) = sentences.last_mut() {
                            last.question_mark = true;
                        }
                    }
                }
            }
        }
        if words.len() > clause_start {
            clauses.push((clause_start, words.len()));
        }
        if words.len() > sentence_start {
            sentences.push(Sentence {
                start: sentence_start,
                end: words.len(),
                clauses,
                question_mark: false,
            });
        }
        drop_false_starts(&mut words, &mut sentences);
        let punctuated = self.marks.iter().any(|m| matches!(m, Mark::Sentence { .. }));
        Text { words, sentences, punctuated }
    }
}

impl Drop for Normalized {
    fn drop(&mut self) {
        // `into_bytes` keeps the same allocation, so this overwrites the very bytes that held
        // the text before they are freed.
        let mut bytes = std::mem::take(&mut self.buf).into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

impl<'a> Text<'a> {
    /// The words of one sentence.
    pub(crate) fn sentence_words(&self, sentence: &Sentence) -> &[&'a str] {
        self.words.get(sentence.start..sentence.end).unwrap_or(&[])
    }

    /// The words of each clause of one sentence.
    pub(crate) fn clause_words<'s>(
        &'s self,
        sentence: &'s Sentence,
    ) -> impl DoubleEndedIterator<Item = &'s [&'a str]> + 's {
        sentence.clauses.iter().map(|&(start, end)| self.words.get(start..end).unwrap_or(&[]))
    }
}

/// Short words that are also the start of the next word, and must stay ("so some", "a about").
const REAL_SHORT_WORDS: &[&str] = &[
    "a", "i", "an", "as", "at", "be", "do", "go", "he", "in", "is", "it", "me", "my", "no", "of",
    "on", "or", "so", "to", "up", "us", "we", "and", "are", "but", "can", "for", "the", "you",
    "our", "out", "now", "how", "she", "her", "his", "one", "all", "any", "not", "own", "too",
    "then", "they", "them", "what", "your", "some", "with", "this", "that", "here", "there",
];

/// Drops false starts cut off before the next word ("wh what", "rela related"), keeping the
/// sentence and clause ranges in step.
fn drop_false_starts(words: &mut Vec<&str>, sentences: &mut Vec<Sentence>) {
    let false_start = |word: &str, next: &str| {
        word.len() < next.len()
            && word.len() <= 4
            && next.starts_with(word)
            && !REAL_SHORT_WORDS.contains(&word)
    };
    let dropped: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(i, word)| words.get(i + 1).is_some_and(|next| false_start(word, next)))
        .collect();
    if !dropped.contains(&true) {
        return;
    }
    // The new index of each old index, and of the end.
    let mut new_index = Vec::with_capacity(words.len() + 1);
    let mut kept = 0;
    for &gone in &dropped {
        new_index.push(kept);
        if !gone {
            kept += 1;
        }
    }
    new_index.push(kept);
    let remap = |i: usize| new_index.get(i).copied().unwrap_or(kept);
    for sentence in sentences.iter_mut() {
        sentence.start = remap(sentence.start);
        sentence.end = remap(sentence.end);
        for clause in &mut sentence.clauses {
            *clause = (remap(clause.0), remap(clause.1));
        }
        sentence.clauses.retain(|(start, end)| end > start);
    }
    sentences.retain(|sentence| sentence.end > sentence.start);
    let mut flags = dropped.iter();
    words.retain(|_| !flags.next().copied().unwrap_or(false));
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

fn end_word(word_start: &mut Option<usize>, buf: &str, marks: &mut Vec<Mark>) {
    if let Some(start) = word_start.take()
        && buf.len() > start
    {
        marks.push(Mark::Word(start, buf.len()));
    }
}

/// Pushes `word` unless it repeats the word before (a stutter: "and and", "I-I").
fn push_word<'a>(words: &mut Vec<&'a str>, word: &'a str) {
    // "all right" and "alright" are one word to the rules.
    if word == "right" && words.last() == Some(&"all") {
        words.pop();
        words.push("alright");
    } else if words.last() != Some(&word) {
        words.push(word);
    }
}

/// The one spelling of a backchannel sound, whatever the recogniser wrote.
fn interjection(word: &str) -> Option<&'static str> {
    Some(match word {
        "mm-hmm" | "mm-hm" | "mmhmm" | "mhm" | "mmhm" | "m-hm" | "hm-hmm" => "mm-hmm",
        "uh-huh" | "uhhuh" | "uh-hum" => "uh-huh",
        "uh-uh" | "mm-mm" | "uh-oh" => "uh-uh",
        _ => return None,
    })
}

/// Up to three canonical words for one written word.
fn spell_out(word: &str) -> [Option<&str>; 3] {
    if let Some(interjection) = interjection(word) {
        return [Some(interjection), None, None];
    }
    if let Some(fixed) = fixed_spelling(word) {
        return fixed;
    }
    let Some((base, tail)) = word.split_once('\'') else {
        return [Some(word), None, None];
    };
    if tail == "t"
        && let Some(stem) = base.strip_suffix('n')
    {
        let stem = match stem {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "ai" => "is",
            other => other,
        };
        return [Some(stem), Some("not"), None];
    }
    let second = match tail {
        "re" => "are",
        "ve" => "have",
        "ll" => "will",
        "d" => "would",
        "m" => "am",
        "s" if base == "let" => "us",
        "s" if IS_CONTRACTORS.contains(&base) => "is",
        // A possessive ("John's") or something unknown: keep the stem.
        _ => return [Some(base), None, None],
    };
    [Some(base), Some(second), None]
}

/// Words whose "'s" means "is" rather than a possessive.
const IS_CONTRACTORS: &[&str] = &[
    "it",
    "that",
    "what",
    "there",
    "here",
    "he",
    "she",
    "who",
    "where",
    "how",
    "when",
    "why",
    "this",
    "everything",
    "nothing",
    "something",
    "everyone",
    "someone",
];

/// Spellings a recogniser produces that are not plain contractions.
fn fixed_spelling(word: &str) -> Option<[Option<&'static str>; 3]> {
    let one = |a| Some([Some(a), None, None]);
    let two = |a, b| Some([Some(a), Some(b), None]);
    match word {
        "ok" | "okey" | "okie" | "kay" => one("okay"),
        "alright" | "allright" => one("alright"),
        "gonna" => two("going", "to"),
        "wanna" => two("want", "to"),
        "gotta" => two("got", "to"),
        "hafta" => two("have", "to"),
        "kinda" => two("kind", "of"),
        "sorta" => two("sort", "of"),
        "lemme" => two("let", "me"),
        "gimme" => two("give", "me"),
        "cannot" => two("can", "not"),
        "dunno" => Some([Some("do"), Some("not"), Some("know")]),
        "cause" | "cuz" | "coz" => one("because"),
        "youre" => two("you", "are"),
        "youve" => two("you", "have"),
        "youll" => two("you", "will"),
        "youd" => two("you", "would"),
        "im" => two("i", "am"),
        "ive" => two("i", "have"),
        "theyre" => two("they", "are"),
        "thats" => two("that", "is"),
        "whats" => two("what", "is"),
        "theres" => two("there", "is"),
        "dont" => two("do", "not"),
        "doesnt" => two("does", "not"),
        "didnt" => two("did", "not"),
        "isnt" => two("is", "not"),
        "arent" => two("are", "not"),
        "wasnt" => two("was", "not"),
        "werent" => two("were", "not"),
        "havent" => two("have", "not"),
        "hasnt" => two("has", "not"),
        "wouldnt" => two("would", "not"),
        "couldnt" => two("could", "not"),
        "shouldnt" => two("should", "not"),
        "cant" => two("can", "not"),
        "wont" => two("will", "not"),
        _ => None,
    }
}

/// Whether `words` contains `pattern` starting at `at`.
///
/// A pattern is words separated by single spaces; a word may list alternatives with `|`
/// (`"took|takes"`), and `*` matches any one word.
pub(crate) fn matches_at(words: &[&str], at: usize, pattern: &str) -> bool {
    pattern
        .split(' ')
        .enumerate()
        .all(|(i, want)| words.get(at + i).is_some_and(|word| token_matches(want, word)))
}

/// Whether one pattern word (`"took|takes"`, `"*"`, `"you"`) matches `word`.
fn token_matches(want: &str, word: &str) -> bool {
    want == "*" || want.split('|').any(|alt| alt == word)
}

/// Where `pattern` first occurs in `words`.
pub(crate) fn find(words: &[&str], pattern: &str) -> Option<usize> {
    // Most patterns open with one plain word: test it directly before the rest of the pattern,
    // which keeps long inputs cheap.
    let (first, rest) = match pattern.split_once(' ') {
        Some((first, rest)) => (first, Some(rest)),
        None => (pattern, None),
    };
    let plain = !first.contains('|') && first != "*";
    words.iter().enumerate().position(|(at, word)| {
        let head = if plain { first == *word } else { token_matches(first, word) };
        head && rest.is_none_or(|rest| matches_at(words, at + 1, rest))
    })
}

/// Whether `pattern` occurs anywhere in `words`.
pub(crate) fn has(words: &[&str], pattern: &str) -> bool {
    find(words, pattern).is_some()
}

/// Whether any of `patterns` occurs anywhere in `words`.
pub(crate) fn has_any(words: &[&str], patterns: &[&str]) -> bool {
    patterns.iter().any(|p| has(words, p))
}

/// Where the earliest of `patterns` occurs in `words`.
pub(crate) fn find_any(words: &[&str], patterns: &[&str]) -> Option<usize> {
    patterns.iter().filter_map(|p| find(words, p)).min()
}

/// Whether `words` begins with `pattern`.
pub(crate) fn starts(words: &[&str], pattern: &str) -> bool {
    matches_at(words, 0, pattern)
}

/// Whether `words` begins with any of `patterns`.
pub(crate) fn starts_any(words: &[&str], patterns: &[&str]) -> bool {
    patterns.iter().any(|p| starts(words, p))
}

/// Whether `words` is exactly `pattern`.
pub(crate) fn is_exactly(words: &[&str], pattern: &str) -> bool {
    pattern.split(' ').count() == words.len() && starts(words, pattern)
}

/// A crude stem for comparing content words: "worried" and "worry", "smokes" and "smoking".
pub(crate) fn stem(word: &str) -> &str {
    let mut base = word;
    for suffix in ["ings", "ing", "ied", "ies", "ed", "es", "ly", "s", "y"] {
        if suffix.ends_with('s') && word.ends_with("ss") && !word.ends_with("sses") {
            continue;
        }
        if let Some(rest) = word.strip_suffix(suffix)
            && rest.chars().count() >= 3
        {
            base = rest;
            break;
        }
    }
    match base.strip_suffix('e') {
        Some(rest) if rest.chars().count() >= 3 => rest,
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<String> {
        let normalized = Normalized::new(input);
        normalized.text().words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn contractions_are_spelled_out() {
        assert_eq!(words("You’re sure you don't"), ["you", "are", "sure", "you", "do", "not"]);
        assert_eq!(
            words("I can't, won't, it's, let's"),
            ["i", "can", "not", "will", "not", "it", "is", "let", "us"]
        );
        assert_eq!(
            words("youre dont gonna ok"),
            ["you", "are", "do", "not", "going", "to", "okay"]
        );
        assert_eq!(words("John's car"), ["john", "car"]);
    }

    #[test]
    fn stutters_collapse_and_interjections_survive() {
        assert_eq!(words("I-I think that-that's so-so"), ["i", "think", "that", "is", "so"]);
        assert_eq!(words("whe-when-when are you"), ["when", "are", "you"]);
        assert_eq!(words("wh what rela related so some"), ["what", "related", "so", "some"]);
        assert_eq!(words("Mm-hmm. Uh-huh mhm"), ["mm-hmm", "uh-huh", "mm-hmm"]);
    }

    #[test]
    fn sentences_clauses_and_question_marks() {
        let normalized = Normalized::new("So you cut down, what helped? Okay. Really!?");
        let text = normalized.text();
        assert_eq!(text.sentences.len(), 3);
        assert!(text.sentences[0].question_mark);
        assert_eq!(text.sentences[0].clauses.len(), 2);
        assert!(!text.sentences[1].question_mark);
        assert!(text.sentences[2].question_mark);
    }

    #[test]
    fn stems_match_across_inflections() {
        assert_eq!(stem("worried"), stem("worry"));
        assert_eq!(stem("worries"), stem("worry"));
        assert_eq!(stem("smokes"), stem("smoking"));
        assert_eq!(stem("smoke"), stem("smoked"));
        assert_eq!(stem("stress"), stem("stressed"));
        assert_eq!(stem("drinks"), "drink");
    }

    #[test]
    fn decimals_stay_whole() {
        assert_eq!(words("about 2.5 units."), ["about", "2.5", "units"]);
    }

    #[test]
    fn patterns_with_alternatives_and_wildcards() {
        let w = ["that", "took", "a", "lot", "of", "courage"];
        assert!(has(&w, "took|takes a lot"));
        assert!(has(&w, "a * of"));
        assert!(!has(&w, "takes a lot"));
        assert!(starts(&w, "that took"));
        assert!(is_exactly(&w[..2], "that took|takes"));
        assert_eq!(find_any(&w, &["courage", "lot"]), Some(3));
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let long = "é".repeat(MAX_INPUT_BYTES);
        assert!(truncate(&long, MAX_INPUT_BYTES).len() <= MAX_INPUT_BYTES);
        let _ = Normalized::new(&long).text();
    }
}
