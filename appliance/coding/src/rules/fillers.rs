//! Discourse fillers and backchannels: the words that carry no behaviour of their own.
//!
//! Spoken turns start with "so", "um", "okay, well" before the part that counts; the other rule
//! modules match against what is left after [`strip`]. A turn made only of backchannels
//! ("Mm-hmm.", "Okay, thanks.") is coded Other with confidence by [`acknowledgement`].

use super::text::{is_exactly, starts, starts_any};

/// Words and phrases that open a clause without changing what it does.
const LEADING_FILLERS: &[&str] = &[
    "you know", "i mean", "and so", "so", "and", "but", "um", "umm", "uh", "uhm", "er", "erm",
    "ah", "oh", "well", "okay", "right", "yeah", "yes", "yep", "now", "then", "hmm", "mm",
    "mm-hmm", "uh-huh", "like", "just", "anyway", "also", "sure", "alright", "gosh", "wow", "huh",
];

/// A clause with its leading fillers removed, and whether one of them was "so".
///
/// "So" matters: a statement that opens with it usually sums up what the client said.
#[derive(Clone, Copy)]
pub(crate) struct Core<'w, 'a> {
    /// The words after the fillers.
    pub words: &'w [&'a str],
    /// Whether "so" was among the stripped fillers.
    pub led_by_so: bool,
}

/// Removes leading fillers from `words`.
pub(crate) fn strip<'w, 'a>(words: &'w [&'a str]) -> Core<'w, 'a> {
    let mut rest = words;
    let mut led_by_so = false;
    'outer: loop {
        for filler in LEADING_FILLERS {
            // "Well done", "right now you...": not fillers when they carry meaning.
            if starts(rest, filler) && !starts_any(rest, &["well done", "like a|an|that|this"]) {
                let len = filler.split(' ').count();
                // Keep a lone "just": stripping it would leave nothing to code.
                if rest.len() > len || *filler != "just" {
                    led_by_so |= *filler == "so" || *filler == "and so";
                    rest = rest.get(len..).unwrap_or(&[]);
                    continue 'outer;
                }
            }
        }
        break;
    }
    Core { words: rest, led_by_so }
}

/// Whole turns (after stripping fillers, or left empty by it) that only acknowledge, greet or
/// thank: MITI's Other.
const ACKNOWLEDGEMENTS: &[&str] = &[
    "i see",
    "got it",
    "gotcha",
    "good",
    "great",
    "fine",
    "cool",
    "nice",
    "interesting",
    "exactly",
    "absolutely",
    "definitely",
    "totally",
    "of course",
    "indeed",
    "certainly",
    "no",
    "nope",
    "sorry",
    "i am sorry",
    "i understand",
    "i hear you",
    "that makes sense",
    "makes sense",
    "fair enough",
    "thanks",
    "thank you",
    "thank you so|very much",
    "thank you *",
    "thanks *",
    "thank you for coming|being here today",
    "thanks for coming|being here today",
    "nice|good to meet|see you too",
    "thanks so|very much",
    "hi",
    "hello",
    "hey",
    "welcome",
    "bye",
    "goodbye",
    "good morning|afternoon|evening",
    "nice to meet|see you",
    "good to see|meet you",
    "it is good|nice to see|meet you",
    "how are you",
    "how are you doing",
    "come in",
    "come on in",
    "have|take a seat",
    "please sit down",
    "take care",
    "see you",
    "see you later|soon",
    "see you next week|time",
    "you are welcome",
    "you too",
    "me too",
    "that is fine|okay|good|great|true|right",
    "that is alright",
    "that sounds good|great|fine",
    "sounds good|great|fine",
    "thanks for coming|being here",
    "thank you for coming|being here",
    "thanks for coming in|today",
    "thank you for coming in|today",
    "thanks for coming in today",
    "thank you for coming in today",
    "go ahead",
    "go on",
    "keep going",
    "take your time",
    "no problem",
    "no worries",
    "not at all",
];

/// Whether the whole turn is a backchannel, greeting or thanks; every sentence must be one.
pub(crate) fn acknowledgement(sentences: &[&[&str]]) -> bool {
    !sentences.is_empty()
        && sentences.iter().all(|sentence| {
            let core = strip(sentence).words;
            core.is_empty() || ACKNOWLEDGEMENTS.iter().any(|a| is_exactly(core, a))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_fillers_and_remembers_so() {
        let words = ["okay", "so", "um", "you", "are", "worried"];
        let core = strip(&words);
        assert_eq!(core.words, ["you", "are", "worried"]);
        assert!(core.led_by_so);
        assert!(!strip(&["you", "are"]).led_by_so);
    }

    #[test]
    fn a_lone_just_stays() {
        assert_eq!(strip(&["just"]).words, ["just"]);
        assert_eq!(strip(&["just", "stop"]).words, ["stop"]);
    }

    #[test]
    fn acknowledgements() {
        assert!(acknowledgement(&[&["mm-hmm"], &["okay", "thanks"]]));
        assert!(acknowledgement(&[&["thank", "you", "for", "coming", "in"]]));
        assert!(!acknowledgement(&[&["okay"], &["what", "else"]]));
        assert!(!acknowledgement(&[]));
    }
}
