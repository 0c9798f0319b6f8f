//! Reflections: statements that give back what the client said, and whether they add to it.
//!
//! [`stem`] recognises the reflective form ("It sounds like...", "You're...", "So for you...").
//! [`depth`] decides simple or complex, MITI's way: a complex reflection adds meaning or emphasis
//! (a feeling the client did not name, both sides of the ambivalence, a metaphor, a value),
//! a simple one conveys little beyond the client's words. When the patient's previous line is
//! known, the share of the reflection's content words that repeat it decides the close cases.

use super::text::{find, has, has_any, starts, starts_any, stem as word_stem};
use crate::label::Label;

/// Explicit reflective stems that may appear anywhere in the sentence.
const STRONG_STEMS: &[&str] = &[
    "it sounds like|as|though",
    "sounds like|as",
    "that sounds like",
    "it seems like|that|as|to",
    "seems like|as",
    "it looks like",
    "it does not sound|seem|look like|as",
    "does not sound|seem like|as",
    "it feels like",
    "what i am hearing",
    "what i hear",
    "i am hearing",
    "i hear you saying",
    "i hear that",
    "what you are saying",
    "you are saying",
    "you are telling me",
    "you are describing",
    "what you are describing",
    "you said",
    "you mentioned",
    "you told me",
    "if i understand",
    "if i am understanding|hearing",
    "on the one hand",
    "on one hand",
    "on the other hand",
    "part of you",
    "i get the sense|feeling|impression",
    "i sense that",
    "i can see that|how|why",
    "i can tell",
    "i imagine that|you",
    "i can imagine",
    "i guess you",
    "i wonder if you are|feel|have|might",
    "i wonder if part|it|that",
    "i am wondering if you are|feel|have|might",
    "i am wondering if part|it|that",
    "that must be|have",
    "it must be|have",
    "this must be|have",
    "important to you",
    "matters to you",
    "matter to you",
    "means a lot to you",
    "matters|matter a lot to you",
    "matters so much to you",
    "it is as if|though",
    "i can see you",
    "means so much to you",
];

/// What follows "you" when the sentence is advice, not a reflection.
const ADVICE_AFTER_YOU: &[&str] = &[
    "should",
    "must",
    "ought",
    "need to",
    "have to",
    "got to",
    "had better",
    "would better",
    "could try",
    "might want|try|consider",
    "may want",
    "are welcome",
    "too",
    "bet",
    "see",
];

/// "you" plus one of these, anywhere in a statement, reflects the client's inner world.
const INNER_AFTER_YOU: &[&str] = &[
    "you feel|felt|feeling",
    "you are feeling|worried|concerned|afraid|scared|frustrated|tired|unsure|angry|upset",
    "you are not sure",
    "you seem|sound",
    "you want|wanted|wish|hope|hoped",
    "you would like|love|rather",
    "you do not want|like|think|feel|know|believe",
    "you think|thought|believe|wonder|worry|worried",
    "you are wondering|hoping|thinking",
    "you enjoy|like|love|hate|miss|value|care",
    "you really|also|still|never|always",
];

/// Adjectives that make "That's ..." an empathic reflection.
const EMPATHY_ADJECTIVES: &[&str] = &[
    "hard",
    "difficult",
    "tough",
    "scary",
    "frightening",
    "frustrating",
    "upsetting",
    "painful",
    "stressful",
    "overwhelming",
    "exhausting",
    "confusing",
    "lonely",
    "important",
    "rough",
    "heavy",
    "challenging",
    "hurtful",
    "unfair",
    "worrying",
    "a lot",
    "a big deal",
    "a struggle",
    "a worry",
    "a concern",
];

/// Nouns after "your" that make the sentence a report of results, not a reflection.
const CLINICAL_AFTER_YOUR: &[&str] = &[
    "test",
    "tests",
    "results",
    "result",
    "scan",
    "scans",
    "blood",
    "liver",
    "levels",
    "level",
    "cholesterol",
    "sugar",
    "a1c",
    "x",
    "mri",
    "ct",
    "biopsy",
    "prescription",
    "dose",
    "medication",
    "medications",
    "medicine",
    "appointment",
    "numbers",
    "readings",
    "heart",
    "lungs",
    "weight",
    "bmi",
    "kidney",
    "kidneys",
    "insurance",
    "doctor",
    "gp",
    "sanction",
    "score",
];

/// How clearly a statement has a reflective form, or `None` if it has none.
///
/// `core` is the sentence after fillers; `led_by_so` says whether a "so" opened it.
pub(crate) fn stem(core: &[&str], led_by_so: bool) -> Option<f32> {
    if core.is_empty() {
        return None;
    }
    if has_any(core, STRONG_STEMS) || starts_any(core, &["for you", "so for you"]) {
        return Some(0.85);
    }
    if let ["you", rest @ ..] = core {
        if rest.is_empty() || starts_any(rest, ADVICE_AFTER_YOU) {
            return None;
        }
        return Some(0.75);
    }
    // "Sometimes you forget where you are", "maybe you are not ready".
    if let [lead, "you", rest @ ..] = core {
        let leads = ["sometimes", "maybe", "perhaps", "now", "still", "really", "because", "since"];
        if leads.contains(lead) && !rest.is_empty() && !starts_any(rest, ADVICE_AFTER_YOU) {
            return Some(0.65);
        }
    }
    if empathic(core) {
        return Some(0.7);
    }
    if starts_any(
        core,
        &["i understand that|you|how|why", "i can understand", "i see that|how|why"],
    ) {
        return Some(0.7);
    }
    // "If you want to bring your wife along...": an offer, not a reflection.
    if !starts(core, "if") && has_any(core, INNER_AFTER_YOU) {
        return Some(0.7);
    }
    if let ["your", next, ..] = core
        && !CLINICAL_AFTER_YOUR.contains(next)
    {
        return Some(0.6);
    }
    // "So I'll see you next week", "so let's look at...": the trainee's own plans.
    if led_by_so && !starts_any(core, &["i", "we", "let us", "let me"]) {
        if core.iter().any(|w| matches!(*w, "you" | "your" | "yourself")) {
            return Some(0.65);
        }
        // "So money.", "So the drinking started after the divorce."
        if core.len() <= 4
            || starts(core, "it|that|this|the|he|she|they|there|things|drinking|smoking")
        {
            return Some(0.55);
        }
    }
    None
}

/// A later clause that opens with "you" ("Right, you were never told"), as a weaker stem.
pub(crate) fn stem_in_clause(clause: &[&str]) -> Option<f32> {
    match super::fillers::strip(clause).words {
        ["you", rest @ ..] if rest.len() >= 2 && !starts_any(rest, ADVICE_AFTER_YOU) => Some(0.65),
        _ => None,
    }
}

/// A short statement that echoes the client's own words ("Too much." after "It's just too
/// much"): the barest simple reflection, with no stem at all.
pub(crate) fn echo(core: &[&str], previous: &[&str]) -> Option<f32> {
    // "I don't know what pickleball is" repeats the client's word, but speaks for the trainee.
    if core.is_empty() || core.len() > 15 || starts_any(core, &["i", "we", "let"]) {
        return None;
    }
    let previous_stems: Vec<&str> =
        previous.iter().filter(|w| !FUNCTION_WORDS.contains(w)).map(|w| word_stem(w)).collect();
    let content: Vec<&str> = core
        .iter()
        .copied()
        .filter(|w| !FUNCTION_WORDS.contains(w) && !TRANSCRIPT_NOTES.contains(w))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if content.is_empty() {
        return None;
    }
    let repeated = content.iter().filter(|w| previous_stems.contains(&word_stem(w))).count();
    (repeated * 2 >= content.len()).then_some(0.55)
}

/// Words that transcripts put in brackets for what was not speech.
const TRANSCRIPT_NOTES: &[&str] = &[
    "inaudible",
    "unintelligible",
    "crosstalk",
    "laughs",
    "laughter",
    "chuckles",
    "pause",
    "sighs",
];

/// "That's really hard", "it must feel overwhelming": an empathic statement about the client's
/// situation.
fn empathic(core: &[&str]) -> bool {
    if !starts(core, "that|it|this is|was|sounds|seems|feels|must|can|would|has") {
        return false;
    }
    // Look a few words on: "that is really hard", "it must have been so difficult".
    let window = core.get(1..core.len().min(7)).unwrap_or(&[]);
    EMPATHY_ADJECTIVES.iter().any(|adjective| has(window, adjective))
}

/// Two sides of the ambivalence in one reflection.
const DOUBLE_SIDED: &[&str] = &[
    "on the one hand",
    "on one hand",
    "on the other hand",
    "part of you",
    "at the same time",
    "but also",
    "and yet",
    "but then again",
    "torn between",
    "mixed feelings",
];

/// Figurative language, contrast with what the client holds, values and inferred meaning.
const ADDED_MEANING: &[&str] = &[
    "as if",
    "as though",
    "like a|an",
    "like you are|have|were|had|would",
    "kind|sort of like",
    "almost like",
    "feels like",
    "even though",
    "even if",
    "although",
    "despite",
    "important to you",
    "matters to you",
    "matter to you",
    "means a lot",
    "means so much",
    "means to you",
    "you value",
    "you care about",
    "you really care",
    "kind of person|father|mother|parent|partner|husband|wife|friend",
    "good father|mother|parent|dad|mum|mom|example",
    "role model",
    "i wonder if",
    "i am wondering if",
    "i guess",
    "maybe you",
    "perhaps",
    "i get the sense|feeling|impression",
    "i sense",
    "i imagine",
    "i can imagine",
    "must be|have",
    "the last straw",
    "wake up call",
    "end of your rope|tether",
    "at your wits end",
    "walking on eggshells",
    "roller coaster",
    "rollercoaster",
    "no way out",
];

/// Feeling and emotion words: naming one the client did not name adds meaning.
const FEELINGS: &[&str] = &[
    "worried",
    "worry",
    "worrying",
    "scared",
    "afraid",
    "frightened",
    "fear",
    "terrified",
    "anxious",
    "anxiety",
    "nervous",
    "panic",
    "frustrated",
    "frustrating",
    "frustration",
    "angry",
    "anger",
    "mad",
    "furious",
    "annoyed",
    "irritated",
    "upset",
    "sad",
    "sadness",
    "depressed",
    "hurt",
    "hurting",
    "lonely",
    "alone",
    "isolated",
    "ashamed",
    "shame",
    "embarrassed",
    "guilty",
    "guilt",
    "torn",
    "conflicted",
    "ambivalent",
    "overwhelmed",
    "overwhelming",
    "stressed",
    "stress",
    "stressful",
    "exhausted",
    "drained",
    "hopeless",
    "helpless",
    "powerless",
    "discouraged",
    "disappointed",
    "proud",
    "relieved",
    "relief",
    "hopeful",
    "confident",
    "stuck",
    "trapped",
    "pressure",
    "pressured",
    "judged",
    "blamed",
    "attacked",
    "cornered",
    "defensive",
    "resentful",
    "confused",
    "uncertain",
    "unsure",
    "uneasy",
    "uncomfortable",
    "concerned",
    "desperate",
    "excited",
    "happy",
    "betrayed",
    "burden",
    "determined",
    "motivated",
    "committed",
    "reluctant",
    "hesitant",
    "skeptical",
    "sceptical",
    "regret",
    "jealous",
    "insecure",
    "vulnerable",
    "ready",
    "scary",
    "painful",
    "struggling",
    "lost",
    "grief",
    "control",
    "fed",
    "disrespected",
    "unheard",
    "dismissed",
    "criticized",
    "criticised",
    "nagged",
    "invisible",
    "useless",
    "worthless",
    "respected",
    "trusted",
];

/// Words that carry no content of their own when comparing a reflection with the client's line.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does",
    "doing", "for", "from", "get", "got", "had", "has", "have", "having", "he", "her", "here",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "kind", "know",
    "like", "me", "more", "much", "my", "myself", "no", "not", "now", "of", "oh", "okay", "on",
    "one", "or", "other", "our", "out", "really", "right", "said", "say", "saying", "she", "so",
    "some", "sort", "sounds", "seems", "seem", "still", "that", "the", "their", "them", "then",
    "there", "these", "they", "thing", "things", "think", "this", "those", "to", "too", "um", "uh",
    "up", "very", "was", "we", "well", "were", "what", "when", "where", "which", "while", "who",
    "why", "will", "with", "would", "yeah", "yes", "you", "your", "yourself", "feel", "feeling",
    "hear", "hearing", "mean", "way", "lot", "little", "bit", "mm-hmm", "uh-huh", "guess", "maybe",
    "even", "pretty", "quite", "let", "us", "going", "want", "wanted",
];

/// Simple or complex, with the confidence of that split, for the reflective words `words`.
///
/// `previous` is the patient's line before, if known.
pub(crate) fn depth(words: &[&str], previous: Option<&[&str]>) -> (Label, f32) {
    let previous_stems: Vec<&str> = previous
        .unwrap_or(&[])
        .iter()
        .filter(|w| !FUNCTION_WORDS.contains(w))
        .map(|w| word_stem(w))
        .collect();
    let repeats = |w: &str| previous_stems.contains(&word_stem(w));

    if has_any(words, DOUBLE_SIDED) || contrasts_two_sides(words) {
        return (Label::ComplexReflection, 0.85);
    }
    if has_any(words, ADDED_MEANING) {
        return (Label::ComplexReflection, 0.8);
    }
    let known = previous.is_some_and(|p| !p.is_empty());
    if words.iter().any(|w| FEELINGS.contains(w) && !repeats(w)) {
        return (Label::ComplexReflection, if known { 0.8 } else { 0.7 });
    }
    let content: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !FUNCTION_WORDS.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    if content.is_empty() {
        return (Label::SimpleReflection, 0.6);
    }
    if !known {
        return if content.len() >= 10 {
            (Label::ComplexReflection, 0.55)
        } else {
            (Label::SimpleReflection, 0.6)
        };
    }
    let repeated = content.iter().filter(|w| repeats(w)).count();
    let added = content.len() - repeated;
    // Share of the reflection's content that the client already said.
    let ratio = repeated as f32 / content.len() as f32;
    if ratio >= 0.6 {
        (Label::SimpleReflection, 0.8)
    } else if ratio < 0.35 && added >= 3 {
        (Label::ComplexReflection, 0.7)
    } else if added >= 6 {
        (Label::ComplexReflection, 0.6)
    } else {
        (Label::SimpleReflection, 0.65)
    }
}

/// "You want to stop, but you're afraid of the cravings": "you" on both sides of a "but".
fn contrasts_two_sides(words: &[&str]) -> bool {
    let Some(at) = find(words, "but|yet") else { return false };
    let (before, after) = words.split_at(at);
    let mentions_you = |part: &[&str]| part.iter().any(|w| matches!(*w, "you" | "your"));
    mentions_you(before) && mentions_you(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem(&["it", "sounds", "like", "a", "lot"], false), Some(0.85));
        assert!(stem(&["you", "are", "tired", "of", "it"], false).is_some());
        assert_eq!(stem(&["you", "should", "stop"], false), None);
        assert!(stem(&["that", "is", "really", "hard"], false).is_some());
        assert_eq!(stem(&["the", "clinic", "opens", "at", "nine"], false), None);
        assert!(stem(&["the", "drinking", "got", "worse"], true).is_some());
        assert_eq!(stem(&["your", "test", "results", "are", "back"], false), None);
    }

    #[test]
    fn repeating_the_client_is_simple_adding_is_complex() {
        let previous = ["i", "drink", "every", "night", "after", "work"];
        let simple = ["you", "drink", "every", "night", "after", "work"];
        assert_eq!(depth(&simple, Some(&previous)).0, Label::SimpleReflection);
        let complex = ["you", "are", "scared", "of", "losing", "your", "job"];
        assert_eq!(depth(&complex, Some(&previous)).0, Label::ComplexReflection);
    }

    #[test]
    fn a_feeling_the_client_named_is_not_added() {
        let previous = ["i", "am", "worried", "about", "my", "liver"];
        let reflection = ["you", "are", "worried", "about", "your", "liver"];
        assert_eq!(depth(&reflection, Some(&previous)).0, Label::SimpleReflection);
    }

    #[test]
    fn echoes_of_the_client() {
        let previous = ["it", "was", "just", "very", "dull", "really"];
        assert_eq!(echo(&["very", "dull"], &previous), Some(0.55));
        assert_eq!(echo(&["the", "weather"], &previous), None);
        assert_eq!(echo(&[], &previous), None);
    }

    #[test]
    fn two_sides_are_complex() {
        let words = ["you", "want", "to", "quit", "but", "you", "love", "smoking"];
        assert_eq!(depth(&words, None), (Label::ComplexReflection, 0.85));
    }
}
