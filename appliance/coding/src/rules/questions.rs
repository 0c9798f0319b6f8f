//! Open and closed questions.
//!
//! A sentence is a question when it ends in a question mark or, since recognised speech often has
//! none, when it opens the way English questions do: a wh-word followed by a verb ("what do you",
//! "how is"), a verb before its subject ("do you", "is it"), or an invitation ("tell me",
//! "describe"). Open questions invite a wide answer; closed ones ask for yes, no or a short fact
//! ("how many", "when did"). As in MITI, "why" counts as open.
//!
//! A statement that only ends in a question mark ("So you feel stuck?") is a reflection with a
//! rising voice when it has a reflection stem; [`super::reflections`] codes those.

use super::fillers::strip;
use super::reflections;
use super::text::{is_exactly, matches_at, starts, starts_any};
use crate::label::Label;

/// Confidence for a question with an explicit form and a question mark.
const FORM_AND_MARK: f32 = 0.9;
/// Taken off when the question mark is missing: the form alone is a little less sure.
const NO_MARK_PENALTY: f32 = 0.1;
/// A statement that only ends in "?", with no stem at all: probably a short closed check.
const MARK_ONLY: f32 = 0.6;
/// A statement ending in a tag ("..., right?"): a request to confirm, so closed.
const TAG: f32 = 0.65;

/// What a sentence asks, if it is a question.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Question {
    /// Open or closed.
    pub label: Label,
    /// How sure the rule is.
    pub confidence: f32,
}

/// Verbs that can open a yes/no question by coming before their subject.
const AUXILIARIES: &[&str] = &[
    "do", "does", "did", "are", "is", "was", "were", "have", "has", "had", "can", "could", "will",
    "would", "should", "shall", "may", "might", "am", "must",
];

/// Words that can be the subject right after an auxiliary ("do *you*", "is *it*").
const SUBJECTS: &[&str] = &[
    "you",
    "i",
    "we",
    "they",
    "he",
    "she",
    "it",
    "there",
    "that",
    "this",
    "those",
    "these",
    "your",
    "my",
    "his",
    "her",
    "their",
    "our",
    "anyone",
    "anybody",
    "anything",
    "someone",
    "somebody",
    "something",
    "people",
    "the",
    "a",
    "any",
    "all",
    "things",
    "everything",
    "everyone",
    "everybody",
    "smoking",
    "drinking",
    "alcohol",
    "cigarettes",
    "some",
    "other",
];

/// Verbs that make a question an invitation to talk, even in yes/no form ("Can you tell me...").
const INVITING_VERBS: &[&str] = &[
    "tell",
    "telling",
    "describe",
    "describing",
    "explain",
    "explaining",
    "say",
    "talk",
    "talking",
    "share",
    "sharing",
    "walk",
    "elaborate",
    "expand",
    "give me an example",
];

/// Phrases that open an open question or invitation when they start a clause.
const OPEN_OPENERS: &[&str] = &[
    "tell me",
    "tell us",
    "describe",
    "explain",
    "help me understand",
    "walk me through",
    "say more",
    "say a bit|little more",
    "talk to me about",
    "talk about",
    "give me an example",
    "give me some examples",
    "in what way|ways",
    "i am curious about|what|how|why|whether",
    "i am curious to know|hear",
    "i wonder what|how|why|where",
    "i am wondering what|how|why|where",
    "i would like to hear|know about|what|how|why|more",
    "i would love to hear|know about|what|how|why|more",
    "i want to hear|know about|what|how|why|more",
    "share with me",
    "let us talk about",
    "let us hear",
    "remind me",
    "let me ask you",
    "any thoughts|ideas on|about",
    "what i am interested|curious in|about",
    "i am interested in hearing|knowing|what|how|why",
    "what i would like to know|hear|understand",
];

/// Words after "how" that ask for a number or a duration.
const HOW_CLOSED: &[&str] = &[
    "many",
    "much",
    "often",
    "long",
    "old",
    "far",
    "soon",
    "frequently",
    "regularly",
    "late",
    "early",
];

/// Words after "what" that ask for one fact.
const WHAT_CLOSED: &[&str] = &[
    "time",
    "day",
    "year",
    "age",
    "date",
    "number",
    "dose",
    "dosage",
    "percentage",
    "percent",
    "month",
    "week",
];

/// Tags that turn a statement into a request to confirm it.
const TAGS: &[&str] = &[
    "right",
    "correct",
    "yeah",
    "yes",
    "no",
    "okay",
    "huh",
    "is that right|correct|true|fair",
    "is not that right",
    "am i right",
    "did i get that right",
    "have i got that right",
    "does that sound right",
    "would that be right|fair",
    "would you say",
    "is not it",
    "are not you",
    "do not you",
    "did not you",
    "have not you",
    "was not it",
    "does not it",
];

/// Codes one sentence as a question, if it is one. `words` is the whole sentence, `clauses` its
/// clauses in order; `punctuated` says whether the utterance has any sentence marks at all.
pub(crate) fn question(
    words: &[&str],
    clauses: &[&[&str]],
    question_mark: bool,
    punctuated: bool,
) -> Option<Question> {
    let stripped = strip(words);
    let core = stripped.words;
    if core.is_empty() {
        return None;
    }
    if question_mark {
        // "A few close friends, or?": the client is asked to choose.
        if core.last() == Some(&"or") {
            return Some(Question { label: Label::ClosedQuestion, confidence: 0.7 });
        }
        if let Some(body) = without_tag(core, clauses) {
            let body_core = strip(body);
            return if reflections::stem(body_core.words, body_core.led_by_so).is_some() {
                None
            } else {
                Some(Question { label: Label::ClosedQuestion, confidence: TAG })
            };
        }
        // The question may come after a lead-in clause: "When you drink, what happens?"
        for clause in clauses.iter().rev() {
            if let Some(found) = form(strip(clause).words, true) {
                return Some(found);
            }
        }
        if let Some(found) = embedded(core) {
            return Some(found);
        }
        // A statement with a rising voice is a reflection, unless it is a bare echo ("You do?",
        // "You have one?").
        let echo = core.len() <= 3 && core.get(1).is_some_and(|w| AUXILIARIES.contains(w));
        if !echo && reflections::stem(core, stripped.led_by_so).is_some() {
            return None;
        }
        return Some(Question { label: Label::ClosedQuestion, confidence: MARK_ONLY });
    }
    // Without a question mark the opening decides, after any vocative ("Steve, what..."); a
    // wh-word later in a statement is usually a relative clause ("I know what you mean").
    let opening = clauses
        .iter()
        .map(|clause| strip(clause).words)
        .find(|c| c.len() >= 2 || (c.len() == 1 && form(c, false).is_some()));
    if let Some(found) = opening.and_then(|c| form(c, false)) {
        return Some(Question { confidence: found.confidence - NO_MARK_PENALTY, ..found });
    }
    // An invitation after a lead-in clause: "Right now, tell me why it matters."
    if clauses.iter().skip(1).any(|clause| starts_any(strip(clause).words, OPEN_OPENERS)) {
        return Some(Question { label: Label::OpenQuestion, confidence: 0.75 });
    }
    if !punctuated {
        // Recognised speech runs sentences together: look for a question starting anywhere.
        let found = embedded(core).or_else(|| yes_no_inside(core));
        return found.map(|q| Question { confidence: q.confidence - NO_MARK_PENALTY, ..q });
    }
    None
}

/// Wh-words that open questions.
const WH: &[&str] = &["what", "how", "why", "where", "when", "who", "which"];

/// A question that starts inside `core`: a wh-word before an auxiliary and its subject ("...
/// where do you think you are"), a number question ("... how many a day"), or an invitation.
fn embedded(core: &[&str]) -> Option<Question> {
    for at in 1..core.len() {
        let rest = core.get(at..).unwrap_or(&[]);
        let inverted = matches!(rest, [wh, aux, subject, ..]
            if WH.contains(wh) && AUXILIARIES.contains(aux) && SUBJECTS.contains(subject));
        let counting = matches!(rest, ["how", amount, ..] if HOW_CLOSED.contains(amount));
        // "... how important is it to you": a scaling question.
        let scaling = matches!(rest, ["how", _, aux, ..] if AUXILIARIES.contains(aux));
        let wondering =
            starts_any(rest, &["i wonder|wondered if|whether", "i am|was wondering if|whether"]);
        if inverted || counting || scaling || wondering {
            return form(rest, true).map(|q| Question { confidence: 0.75, ..q });
        }
        // "That's great, and is there anything else?": a yes/no question after a conjunction.
        let joined = matches!(rest, [conjunction, aux, subject, ..]
            if matches!(*conjunction, "and" | "so" | "but" | "or" | "then" | "now")
                && AUXILIARIES.contains(aux) && SUBJECTS.contains(subject));
        if joined {
            return Some(Question { label: Label::ClosedQuestion, confidence: 0.75 });
        }
        if starts_any(rest, OPEN_OPENERS)
            && !starts_any(rest, &["describe", "explain", "talk about"])
        {
            return Some(Question { label: Label::OpenQuestion, confidence: 0.7 });
        }
    }
    None
}

/// A yes/no question run into the sentence before it, in unpunctuated speech ("okay so did you
/// try the patch").
fn yes_no_inside(core: &[&str]) -> Option<Question> {
    // "... did you ...", "... can't you ...".
    let yes_no = |window: &[&str]| {
        let (before, aux, subject) = match window {
            [before, aux, "not", subject] => (*before, *aux, *subject),
            [before, aux, subject, _] => (*before, *aux, *subject),
            _ => return false,
        };
        matches!(subject, "you" | "your")
            && !WH.contains(&before)
            && !matches!(before, "thank" | "if" | "whether")
            && matches!(
                aux,
                "do" | "does"
                    | "did"
                    | "are"
                    | "were"
                    | "have"
                    | "would"
                    | "could"
                    | "can"
                    | "will"
            )
    };
    // An empty slot at the end lets the last three words form a window too.
    let padded: Vec<&str> = core.iter().copied().chain(std::iter::once("")).collect();
    padded
        .windows(4)
        .any(yes_no)
        // The caller takes off the missing-mark penalty, leaving 0.65.
        .then_some(Question { label: Label::ClosedQuestion, confidence: 0.75 })
}

/// The body of a sentence that ends in a confirmation tag, if it does and has a body.
fn without_tag<'w, 'a>(core: &'w [&'a str], clauses: &[&'w [&'a str]]) -> Option<&'w [&'a str]> {
    // The tag is the last clause ("You drink most nights, right?") or the last words.
    if let [.., body_end, last] = clauses {
        let last = strip(last).words;
        if TAGS.iter().any(|t| is_exactly(last, t)) && !body_end.is_empty() {
            let tag_len = last.len();
            return core.get(..core.len().saturating_sub(tag_len)).filter(|b| b.len() >= 2);
        }
    }
    for tag in TAGS {
        let len = tag.split(' ').count();
        if core.len() > len + 1 && matches_at(core, core.len() - len, tag) {
            // "Is that right?" alone is a question, not a tag; "right" as a word ("the right
            // dose?") only counts as a tag after a full statement.
            let body = core.get(..core.len() - len)?;
            if len == 1 && body.len() < 3 {
                return None;
            }
            return Some(body);
        }
    }
    None
}

/// The question a clause opens with, if its opening is a question form.
fn form(clause: &[&str], question_mark: bool) -> Option<Question> {
    let open = |confidence| Some(Question { label: Label::OpenQuestion, confidence });
    let closed = |confidence| Some(Question { label: Label::ClosedQuestion, confidence });
    let [first, rest @ ..] = clause else { return None };
    let next = rest.first().copied().unwrap_or("");

    if starts(clause, "tell me if|whether") {
        return closed(0.6);
    }
    // "I wonder if there will be people at work who quit": a question put softly; but "I wonder
    // if you're feeling..." is a reflection.
    if starts_any(clause, &["i wonder|wondered if|whether", "i am|was wondering if|whether"]) {
        let reflective = reflections::stem(clause, false).is_some_and(|s| s >= 0.85);
        return if reflective { None } else { closed(0.6) };
    }
    if starts_any(clause, OPEN_OPENERS) {
        return open(0.85);
    }
    let next_is_aux = AUXILIARIES.contains(&next) || next == "not";
    let next_is_subject = SUBJECTS.contains(&next);
    match *first {
        "how" => {
            if HOW_CLOSED.contains(&next) {
                closed(FORM_AND_MARK)
            } else if next == "come" || next == "so" {
                open(FORM_AND_MARK)
            } else if next == "about" {
                open(0.7)
            } else if next_is_aux || question_mark {
                open(FORM_AND_MARK)
            } else if next_is_subject {
                // "How you feel matters": a relative clause.
                None
            } else if rest.iter().take(3).any(|w| AUXILIARIES.contains(w)) {
                // "How important is it to you", "how confident are you": a scaling question,
                // usually asked to open a conversation about the answer.
                open(0.75)
            } else {
                None
            }
        }
        "what" => {
            if WHAT_CLOSED.contains(&next) {
                closed(0.8)
            } else if next == "else" {
                open(FORM_AND_MARK)
            } else if next == "about" {
                open(0.7)
            } else if next_is_aux {
                open(FORM_AND_MARK)
            } else if next_is_subject && !matches!(next, "things" | "people" | "all" | "any") {
                // "What you're saying is...", "What I hear is...": a reflection stem.
                None
            } else if question_mark {
                open(0.85)
            } else {
                // "What brings you in", "what kind of things": a noun or verb after "what".
                open(0.75)
            }
        }
        "why" => {
            if next_is_aux || question_mark || rest.is_empty() {
                open(0.85)
            } else {
                None
            }
        }
        "where" | "when" | "who" | "whom" | "whose" | "which" => {
            if next_is_aux || question_mark || (*first == "which" && !next_is_subject) {
                closed(0.75)
            } else {
                None
            }
        }
        "any" | "anything" | "anyone" | "anybody" | "anywhere" if question_mark => closed(0.75),
        "anything" if next == "else" => closed(0.65),
        w if AUXILIARIES.contains(&w) => {
            let subject_follows = next_is_subject
                || (next == "not" && rest.get(1).is_some_and(|w| SUBJECTS.contains(w)));
            if !(subject_follows || question_mark) {
                return None;
            }
            let inviting = rest.iter().take(5).enumerate().any(|(i, w)| {
                INVITING_VERBS.contains(w)
                    || INVITING_VERBS.iter().any(|v| v.contains(' ') && matches_at(rest, i, v))
            });
            if inviting { open(0.8) } else { closed(FORM_AND_MARK) }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::text::Normalized;

    fn ask(input: &str) -> Option<(Label, f32)> {
        let normalized = Normalized::new(input);
        let text = normalized.text();
        let sentence = text.sentences.first()?;
        let clauses: Vec<_> = text.clause_words(sentence).collect();
        question(text.sentence_words(sentence), &clauses, sentence.question_mark, text.punctuated)
            .map(|q| (q.label, q.confidence))
    }

    #[test]
    fn open_and_closed_forms() {
        assert_eq!(ask("What worries you most?").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("how do you feel about that").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("Why now?").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("How many drinks a day?").map(|q| q.0), Some(Label::ClosedQuestion));
        assert_eq!(ask("do you smoke at home").map(|q| q.0), Some(Label::ClosedQuestion));
        assert_eq!(ask("Can you tell me more?").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("When you drink, what happens?").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("Steve, tell me about it.").map(|q| q.0), Some(Label::OpenQuestion));
        assert_eq!(ask("A few friends, or?").map(|q| q.0), Some(Label::ClosedQuestion));
        assert_eq!(ask("You do?").map(|q| q.0), Some(Label::ClosedQuestion));
    }

    #[test]
    fn statements_are_not_questions() {
        assert_eq!(ask("What I'm hearing is that it's hard."), None);
        assert_eq!(ask("When you drink you feel calmer."), None);
        assert_eq!(ask("So you feel stuck?"), None);
    }

    #[test]
    fn unpunctuated_speech_runs_questions_in() {
        let ran_in = |input| ask(input).map(|q| q.0);
        assert_eq!(
            ran_in("okay so you tried before what did you find hard"),
            Some(Label::OpenQuestion)
        );
        assert_eq!(ran_in("so you quit once did you use the patch"), Some(Label::ClosedQuestion));
        assert_eq!(ran_in("you quit once and you used the patch"), None);
        // With punctuation, a statement stays a statement.
        assert_eq!(ran_in("You know what you did that time."), None);
    }

    #[test]
    fn a_missing_mark_lowers_confidence() {
        let with = ask("What would help?").map(|q| q.1).unwrap_or(0.0);
        let without = ask("what would help").map(|q| q.1).unwrap_or(1.0);
        assert!(without < with);
    }

    #[test]
    fn mark_only_and_tags_are_closed_and_less_sure() {
        assert_eq!(ask("The weekends?"), Some((Label::ClosedQuestion, MARK_ONLY)));
        assert_eq!(ask("The pills make you sick, right?"), Some((Label::ClosedQuestion, TAG)));
    }
}
