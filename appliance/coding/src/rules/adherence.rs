//! The relational behaviours MITI counts for and against MI: affirming, seeking collaboration and
//! emphasizing autonomy (adherent), and confronting (non-adherent).
//!
//! Each function looks at one sentence after its fillers ([`super::fillers::strip`]) and gives the
//! confidence of its behaviour, or `None`. Persuasion, the other non-adherent behaviour, lives
//! with information in [`super::input`] because permission decides between them.

use super::text::{find_any, has, has_any, is_exactly, starts_any};

/// Words that, before a judgement in the same sentence, make it reported speech or the client's
/// own fear ("You're worried people will think you're an alcoholic"), not the trainee's verdict.
const REPORTING: &[&str] = &[
    "feel",
    "feels",
    "felt",
    "feeling",
    "think",
    "thinks",
    "thought",
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "telling",
    "call",
    "calls",
    "called",
    "worried",
    "worry",
    "worries",
    "afraid",
    "scared",
    "concerned",
    "sounds",
    "seems",
    "hear",
    "heard",
    "hearing",
    "believe",
    "believes",
    "wonder",
    "wondering",
    "whether",
    "label",
    "labelled",
    "labeled",
    "accuse",
    "accused",
    "accusing",
    "fear",
    "fears",
    "assume",
    "assumes",
    "mean",
    "means",
    "suggesting",
    "implying",
    "want",
    "wants",
    "wanted",
    "wish",
    "hope",
    "hoping",
];

/// Whether a word before `at` in `core` reports someone else's words or the client's fear.
///
/// The trainee's own "I think" or "I'm worried" does not count: "I think you should stop" is
/// the trainee's advice.
pub(crate) fn reported_before(core: &[&str], at: usize) -> bool {
    let before = core.get(..at).unwrap_or(&[]);
    before.iter().enumerate().any(|(i, w)| {
        let own = before.get(i.saturating_sub(2)..i).is_some_and(|lead| lead.contains(&"i"));
        REPORTING.contains(w) && !own
    })
}

/// Praise of the client's strengths, efforts or values.
const AFFIRM_STRONG: &[&str] = &[
    "you have shown|demonstrated",
    "you showed|demonstrated",
    "took|takes a lot of courage|strength|guts|commitment|determination",
    "took|takes courage|strength|guts|commitment|determination",
    "took|takes real courage|strength|guts|commitment|determination",
    "that was|is brave|courageous",
    "you are|were brave|courageous",
    "you are someone who",
    "you are the kind|sort|type of person who",
    "you are a person who",
    "good for you",
    "you should be|feel proud",
    "be proud of yourself",
    "proud of you|yourself",
    "i am impressed",
    "that is impressive",
    "i appreciate",
    "i really appreciate",
    "it is clear you care",
    "it is clear that you care",
    "you clearly care",
    "you have worked so|really|very|incredibly hard",
    "you have been working so|really|very|incredibly hard",
    "you have worked hard",
    "you have been working hard",
    "you worked so|really|very hard",
    "you worked hard",
    "well done",
    "great|good|nice job|work|effort",
    "that is a great|wonderful|excellent|brilliant idea",
    "what a great|wonderful|excellent|brilliant idea",
    "you have made * progress",
    "you have made a * of progress",
    "you have made so much progress",
    "you have come a long way",
    "you did a great|good|fantastic|wonderful",
    "you have done a great|good|fantastic|wonderful|really|amazing",
    "thank you for being so|very honest|open",
    "thank you for being honest|open",
    "thanks for being so|very honest|open",
    "thanks for being honest|open",
    "thank you for sharing|trusting",
    "thanks for sharing|trusting",
    "you are really|very|so|clearly|obviously|incredibly strong|resilient|determined|brave",
    "you are really|very|so|clearly|obviously|incredibly resourceful|committed|persistent",
    "you are really|very|so|clearly|obviously|incredibly dedicated|insightful|thoughtful",
    "you are really|very|so|clearly|obviously|incredibly caring|devoted|capable",
    "you are strong|resilient|determined|resourceful|committed|persistent|dedicated",
    "you are insightful|capable",
    "you have a lot of strength|courage|determination|insight|resilience|willpower",
    "your determination|commitment|courage|honesty|persistence|dedication|resilience",
    "you are doing great|well|amazing|fantastic|brilliantly",
    "you are doing a great|good|fantastic|wonderful",
    "that is a big|huge|great|important|real|brave step",
    "what an achievement|accomplishment",
    "a real achievement|accomplishment",
    "quite an achievement|accomplishment",
];

/// Weaker praise: often an affirmation, sometimes only a polite noise.
const AFFIRM_WEAK: &[&str] = &[
    "good|great idea",
    "that is great|wonderful|fantastic|excellent|amazing|awesome|terrific|brilliant",
    "you managed to",
    "you were able to",
    "you succeeded",
    "you stuck with|to",
    "you kept going|trying",
    "you kept at it",
    "you care so|very much about",
    "you care deeply about",
    "you care a lot about",
    "you did it",
    "big|huge step",
];

/// The confidence that a statement affirms the client.
pub(crate) fn affirm(core: &[&str]) -> Option<f32> {
    if has_any(core, AFFIRM_STRONG) {
        Some(0.85)
    } else if has_any(core, AFFIRM_WEAK) {
        Some(0.65)
    } else {
        None
    }
}

/// Asking permission, inviting the client's ideas, sharing the agenda.
const COLLABORATION_STRONG: &[&str] = &[
    "would|will it be okay|alright if",
    "would|will it be okay|alright with you if",
    "is it okay|alright if",
    "is it okay|alright with you if",
    "would you mind if",
    "do you mind if",
    "may i share|tell|give|offer|mention|suggest|make|talk|add|check|run|raise|bring",
    "can|could i share|tell|give|offer|mention|suggest|make|talk|add|check|run|raise|bring",
    "may|can|could i ask you a|some|few|couple|question|questions|something|about",
    "i wonder|wondered if we|i could|can|might",
    "i am|was wondering if we|i could|can|might",
    "i wonder|wondered if you would|might be willing|interested|open",
    "i am|was wondering if you would|might be willing|interested|open",
    "if you would be willing|interested|open",
    "what would you like to talk|focus|discuss|work|start|cover|look",
    "where would you like to start|begin|go",
    "what would be most helpful|useful",
    "what would be helpful|useful",
    "how can i help|best|be",
    "what can i do to help",
    "let us figure|work|think|explore|brainstorm|come",
    "we can figure|work|look|explore|think|come|decide",
    "we could figure|work|look|explore|think|come|decide",
    "work together",
    "figure this|it|that out together",
    "what do you think would|might|could work|help",
    "what ideas do you have",
    "i would like|love to hear your ideas|thoughts",
    "if that is okay|alright with you",
    "if it is okay|alright with you",
    "if you are okay|comfortable with that",
];

/// Weaker invitations: checking that a plan suits the client.
const COLLABORATION_WEAK: &[&str] = &[
    "together we",
    "we can do this|it together",
    "how does that sound",
    "does that sound okay|alright|good|reasonable|fair|right",
    "does that sound like a plan",
    "is that okay|alright with you",
    "does that work for you",
    "your ideas",
];

/// Requests for the client's agreement that only count at the start of a sentence: "What would
/// you be willing to do?" asks about change, "Would you be willing to...?" asks permission.
const COLLABORATION_OPENING: &[&str] = &[
    "would you be interested|open|willing",
    "are you interested in|to",
    "are you open to",
    "would you like me to",
    "would you like to hear|know|some|more|talk|look|go|discuss|work|explore",
    "may i",
];

/// The confidence that a sentence seeks collaboration.
pub(crate) fn collaboration(core: &[&str]) -> Option<f32> {
    if has_any(core, COLLABORATION_STRONG) || starts_any(core, COLLABORATION_OPENING) {
        Some(0.85)
    } else if has_any(core, COLLABORATION_WEAK) {
        Some(0.65)
    } else {
        None
    }
}

/// Statements of the client's freedom to choose.
const AUTONOMY: &[&str] = &[
    "up to you",
    "your choice",
    "your decision",
    "your call",
    "you decide",
    "you get to decide|choose",
    "you can decide|choose",
    "only you can",
    "only you know",
    "you are the expert",
    "the expert on you|yourself|your",
    "whatever you decide|choose",
    "it is your life",
    "you are in charge|control of",
    "you are the one who decides|chooses|gets",
    "nobody can make you",
    "no one can make you",
    "i can not make you",
    "not going to tell you what to do",
    "not here to tell you what to do",
    "not going to force|make you",
    "you know yourself best|better",
    "you know what is best for you",
    "you know best",
    "you are free to",
    "you have the right to",
    "totally|entirely|completely yours",
    "the choice is yours",
    "yours to decide|make",
    "you do not have to decide",
    "when you are ready",
    "in the driver seat",
];

/// The confidence that a sentence emphasizes the client's autonomy.
pub(crate) fn autonomy(core: &[&str]) -> Option<f32> {
    let at = find_any(core, AUTONOMY)?;
    // "Your drinking is your decision, but..." still counts; "you feel it's not up to you" is a
    // reflection of the client's view, not a statement of their freedom.
    if reported_before(core, at) {
        return None;
    }
    Some(if has(core, "when you are ready") { 0.6 } else { 0.85 })
}

/// Judging, labelling, shaming, arguing.
const CONFRONT_STRONG: &[&str] = &[
    "in denial",
    "you are an alcoholic|addict|drunk|junkie|liar",
    "you are not being honest|truthful|straight|serious",
    "you are lying",
    "you are not telling the truth",
    "be honest with me|yourself",
    "let us be honest",
    "you are making excuses",
    "stop making excuses",
    "just an excuse",
    "just excuses",
    "that is an excuse",
    "that is not true",
    "that is ridiculous|nonsense|absurd|crazy|silly",
    "do not you care",
    "you do not care about your",
    "you have to admit",
    "admit it",
    "admit that you",
    "what is wrong with you",
    "you are killing yourself",
    "you will kill yourself",
    "you are going to kill yourself|die",
    "you will die",
    "you are being selfish|irresponsible|ridiculous|stubborn|childish|unreasonable|dramatic",
    "you are selfish|irresponsible|lazy|stubborn|weak|pathetic|childish|stupid",
    "you know better",
    "you should know better",
    "shame on you",
    "fooling|kidding yourself",
    "you are wrong",
    "you are ruining|destroying|wasting",
    "you did this to yourself",
    "face the facts",
    "face reality",
    "wake up",
    "grow up",
    "enough is enough",
    "stop lying",
    "i do not believe you",
    "that is a lie",
    "the problem is you",
    "you are the problem",
    "your problem is",
    "you just do not want",
    "you clearly|obviously do not",
    "you are just making|being|trying|saying",
    "you are not listening",
    "you do not listen",
    "come on",
];

/// Judgements that are often, not always, confrontational.
const CONFRONT_WEAK: &[&str] = &["you are just", "you do not care"];

/// The confidence that a sentence confronts the client.
///
/// `question_mark` says whether the sentence ended in "?": a bare "Really?" after the client's
/// claim reads as disbelief, a weak confront.
pub(crate) fn confront(core: &[&str], question_mark: bool) -> Option<f32> {
    if let Some(at) = find_any(core, CONFRONT_STRONG)
        && !reported_before(core, at)
    {
        return Some(0.85);
    }
    if let Some(at) = find_any(core, CONFRONT_WEAK)
        && !reported_before(core, at)
    {
        return Some(0.6);
    }
    // "You always..." and "You never..." as a verdict on the client, said as an opening.
    if starts_any(core, &["you always", "you never"]) && !question_mark {
        return Some(0.6);
    }
    if question_mark && (is_exactly(core, "really") || is_exactly(core, "seriously")) {
        return Some(0.5);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_judgements_are_not_confronts() {
        assert_eq!(confront(&["you", "are", "in", "denial"], false), Some(0.85));
        let reported =
            ["you", "are", "worried", "people", "think", "you", "are", "an", "alcoholic"];
        assert_eq!(confront(&reported, false), None);
        assert!(reported_before(&["you", "think", "you", "should"], 2));
        assert!(!reported_before(&["i", "think", "you", "should"], 2));
    }

    #[test]
    fn autonomy_and_collaboration() {
        assert_eq!(autonomy(&["it", "is", "up", "to", "you"]), Some(0.85));
        assert_eq!(autonomy(&["you", "feel", "it", "is", "not", "up", "to", "you"]), None);
        assert!(collaboration(&["may", "i", "share", "something"]).is_some());
    }

    #[test]
    fn affirm_strengths() {
        assert_eq!(affirm(&["that", "took", "a", "lot", "of", "courage"]), Some(0.85));
        assert_eq!(affirm(&["you", "drink", "a", "lot"]), None);
    }
}
