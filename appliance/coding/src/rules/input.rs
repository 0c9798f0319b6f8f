//! Therapist input: giving information, and persuading with or without permission.
//!
//! MITI separates neutral information ("The guideline is 14 units a week") from persuasion, an
//! attempt to change the client's mind or behaviour ("You need to cut down"). Persuasion counts
//! as MI-adherent only when the client gave permission first, or when the same turn makes the
//! client's choice explicit ("...but it's up to you"): [`permission_marker`] finds the latter.

use super::adherence::reported_before;
use super::text::{find, find_any, has, has_any, starts_any};

/// Advice phrased as what the client must or should do.
const PERSUADE_STRONG: &[&str] = &[
    "you should",
    "you need to",
    "you must",
    "you have to",
    "you have got to",
    "you got to",
    "you ought to",
    "you had better",
    "you would better",
    "you will have to",
    "you really need",
    "you just need|have|got to",
    "we strongly|would|really recommend|suggest|advise",
    "we recommend|suggest|advise",
    "we do not recommend",
    "we should set|get|start|stop|cut",
    "i think you should|need",
    "i would recommend|suggest|advise|encourage|urge",
    "i recommend|suggest|advise|urge",
    "i strongly recommend|suggest|advise|urge|encourage",
    "my advice|recommendation|suggestion",
    "i want|need you to",
    "i would like you to",
    "why do not you",
    "why not just|try",
    "if i were you",
    "it would be best|better if|for|to",
    "the best thing for|to|you",
    "you would be better off",
    "you are better off",
    "it is important that you",
    "it is important for you to",
    "it is time to|for|you",
    "what you need to do",
    "what you need is",
    "you can not keep|continue going|doing|drinking|smoking|using|on|like",
    "you can not go on",
    "we need to get you|stop|cut",
    "let us get you",
    "do not you think you should",
    "would not it be better|best|good|easier",
    "you will feel better|so",
    "the sooner you",
];

/// Softer suggestions: still advice, offered more gently.
const PERSUADE_WEAK: &[&str] = &[
    "you could try|consider|cut|stop|switch|use|start",
    "you might want|try|consider",
    "you may want to",
    "try to",
    "try not to",
    "one thing you could|can|might",
    "something you could|can|might try",
    "it might help to|if",
    "it would help to|if",
    "it would be good|wise|smart|sensible|helpful to|if|for",
    "it would be a good idea",
    "might|would not be a bad idea",
    "if you could just|try",
    "really needs to",
    "needs to change|stop",
    "i hope you will|would|can",
    "one|a|the good|best option|thing would be",
    "one|a|the good|best option|thing is",
    "how about you|trying|cutting|stopping|quitting|switching",
    "what about trying|cutting|stopping|quitting|switching",
    "maybe you could|should|need",
    "perhaps you could|should|need",
    "i am concerned|worried about your|you",
    "i am concerned|worried that you",
];

/// Phrases that contain advice words but are not advice.
const NOT_ADVICE: &[&str] = &[
    "you should be proud",
    "you should feel proud|good",
    "you do not have|need to",
    "you do not need",
    "nobody says you have to",
    "no one says you have to",
    "you have to admit",
    "try to remember|imagine|picture|think",
    "it is time to wrap|finish|end|close",
    "it is time to stop for",
    "you could|might tell|say|share|describe|explain|talk|walk|help",
];

/// Imperatives that direct the client's behaviour, at the start of a statement.
const IMPERATIVES_STRONG: &[&str] = &[
    "stop|quit drinking|smoking|using|taking|it|that|vaping|eating|skipping|missing",
    "cut down|back|out|it|your",
    "avoid",
    "throw away|out|them|it|those",
    "get rid of",
    "make sure you|to|that",
    "do not drink|smoke|use|take|go|skip|miss|eat|let|keep|buy|vape",
    "never drink|smoke|use|skip|miss",
    "limit",
    "reduce",
    "switch to",
    "take your|the|these|those medication|medications|pills|meds|medicine|tablets|inhaler",
    "start taking|exercising|walking|using|eating|drinking",
    "keep taking",
    "get some help|support",
    "get help|checked|tested",
    "see a|your doctor|gp|specialist|counselor|counsellor|therapist",
    "call your|the|a",
    "drink less|more",
    "eat less|more|healthier|better",
    "exercise more",
    "join a|the",
    "go to a|the|an|meetings",
];

/// Milder imperatives: suggestions in imperative form.
const IMPERATIVES_WEAK: &[&str] = &[
    "try the|a|an|this|using|cutting|some|nicotine|it|going|to",
    "consider cutting|stopping|quitting|using|trying|switching|talking|joining|going",
    "think about cutting|quitting|stopping|switching",
    "be careful",
    "attend",
];

/// Imperatives that only manage the conversation.
const NOT_IMPERATIVE: &[&str] = &[
    "take your time",
    "take a seat|moment|breath|minute|second|look",
    "stop me",
    "go on",
    "go ahead",
    "keep going",
    "do not worry|mind|apologize|apologise|feel|be",
];

/// The confidence that a sentence persuades (advises, warns, argues for change).
///
/// `is_question` says whether the sentence was coded as a question: questions persuade only in
/// a few leading forms ("Why don't you...", "Don't you think you should...").
pub(crate) fn persuade(core: &[&str], is_question: bool) -> Option<f32> {
    if has_any(core, NOT_ADVICE) {
        return None;
    }
    if let Some(at) = find_any(core, PERSUADE_STRONG) {
        let leading = starts_any(
            core.get(at..).unwrap_or(&[]),
            &["why do not you", "why not", "do not you think", "would not it"],
        );
        if (leading || !is_question) && !reported_before(core, at) {
            return Some(0.85);
        }
    }
    if is_question {
        // "How about trying the patch?" is a suggestion however it is punctuated.
        let suggests =
            starts_any(core, &["how about", "what about"]) && has_any(core, PERSUADE_WEAK);
        return suggests.then_some(0.65);
    }
    if let Some(at) = find_any(core, PERSUADE_WEAK)
        && !reported_before(core, at)
    {
        return Some(0.7);
    }
    // "If you quit, you can reverse the damage": the benefits of change, argued.
    if let Some(at) = find(core, "if you quit|stop|stopped|cut|reduce|reduced|gave|switch|switched")
    {
        let after = core.get(at + 3..).unwrap_or(&[]);
        if has(after, "you will|would|can|could|might") && !reported_before(core, at) {
            return Some(0.7);
        }
    }
    if starts_any(core, NOT_IMPERATIVE) {
        return None;
    }
    let after_please = match core {
        ["please", rest @ ..] => rest,
        _ => core,
    };
    if starts_any(after_please, IMPERATIVES_STRONG) {
        return Some(0.8);
    }
    if starts_any(after_please, IMPERATIVES_WEAK) {
        return Some(0.7);
    }
    None
}

/// Signs, in the utterance itself, that the client asked for or agreed to the advice, or that
/// the trainee leaves the choice with them.
const PERMISSION: &[&str] = &[
    "since|as you asked",
    "you asked me|what|about|for|if",
    "you wanted to know",
    "you were asking",
    "if you are interested",
    "since you are interested",
    "if you would like",
    "if you want",
    "if you like",
    "if it is okay|alright with you",
    "with your permission",
    "you gave me permission",
    "thanks for letting me",
    "thank you for letting me",
    "if that fits|works for you",
    "see if it|that|any fits|works|fit|work",
    "see what you think",
    "take it or leave it",
    "up to you",
    "your choice",
    "your decision",
    "your call",
    "whatever you decide",
    "you decide",
    "you get to decide",
    "you know yourself best",
    "may|might or may|might not work|fit|suit|be",
    "not for everyone",
];

/// Whether the utterance carries its own permission or autonomy marker.
pub(crate) fn permission_marker(words: &[&str]) -> bool {
    has_any(words, PERMISSION)
}

/// Facts, figures, results and what the service offers.
const INFORMATION_STRONG: &[&str] = &[
    "research shows|suggests|has|tells",
    "studies show|have|suggest|found",
    "a study",
    "the evidence",
    "evidence shows|suggests",
    "the guideline|guidelines",
    "guidelines say|recommend|suggest",
    "the recommended",
    "recommended limit|dose|amount",
    "the results show|showed|came",
    "is|are associated|linked with|to",
    "can|may|might|will cause|damage|raise|increase|lower|reduce|affect|interact|trigger",
    "increases|raises|reduces|doubles|lowers|triples the|your risk",
    "risk of",
    "side effect|effects",
    "withdrawal",
    "units|unit of|a|per",
    "standard drink|drinks",
    "per week|day",
    "percent",
    "most people|smokers|drinkers|patients",
    "many people",
    "a lot of people",
    "people who",
    "one in * people|smokers|drinkers|adults|patients|women|men",
    "about half",
    "it is common|normal|typical|usual",
    "it is very|quite|really|pretty common|normal|typical",
    "this medication|medicine|drug|treatment|patch|gum|inhaler|vaccine",
    "the medication|medicine|patch|gum|nicotine|treatment|vaccine",
    "the program|programme|clinic|group|service",
    "nicotine replacement",
    "there are several|many|some|different|other options|ways|treatments|medications|things",
    "there are several|many|some|different|other programs|programmes",
    "there are a few|couple|number",
    "we offer|provide|run",
    "there is a|an program|programme|group|clinic|service|class|medication|option",
    "there is a|an app|website|hotline|number",
    "the way it works",
    "what happens is",
    "i am going to prescribe|refer|give you",
    "i can refer|prescribe",
    "i can give you a|some",
    "i will refer|prescribe",
    "the law",
    "blood alcohol",
    "milligrams|mg",
    "times a day",
    "twice|once a day",
    "blood pressure|sugar|test|tests|alcohol",
    "years off your life",
    "life expectancy",
    "we define|call",
    "is defined as",
    "technically",
    "cause|causes|caused cancer|damage|disease|problems|heart|liver|lung|stroke|strokes",
    "alcohol|smoking|nicotine|cigarettes|tobacco|vaping|drinking is|are|can|causes|makes",
    "alcohol|smoking|nicotine|cigarettes|tobacco|vaping|drinking increases|affects|raises|damages",
    "give you a handout|leaflet|pamphlet|brochure|booklet",
    "this|a|the handout|leaflet|pamphlet|brochure|booklet",
    "some information about|on",
    "the information",
    "what we also|often|usually|generally find|know|see",
    "what we find|know|see is",
    "we know that",
    "people often|usually|generally|tend",
    "some people find|pick|choose|use|try|say",
    "tends|tend to",
    "it works best|well if|when",
    "we could|can set up|arrange|book|schedule|get",
    "make|book|schedule an|another appointment",
    // Results and diagnoses, as given when breaking bad news.
    "the|your biopsy|scan|scans|test|tests|results|ct|x-ray|mri|colonoscopy shows|showed|show|found|came|confirmed|confirms",
    "the|your biopsy|scan|scans|test|tests|results|ct|x-ray|mri|colonoscopy has|have shown|found|come",
    "is|was a cancer|tumour|tumor",
    "the cancer|tumour|tumor|disease has|is|was",
    "has|have spread",
    "no|any sign|signs of",
    "the chemotherapy|chemo|treatment|operation|surgery is|isn't|was|has|will",
    "comes|come|goes|go back down|up",
    "when people drink|smoke|stop|cut|take",
    // The warning shot before bad news.
    "am afraid the|that|it|we|your|i",
    "the|your results|result|news are|is|were|was",
    "not what we|i hoped|expected|wanted",
    // What happens next: waits, plans, who comes when.
    "the doctor|doctors|consultant|surgeon|oncologist|team|nurse will|is|are",
    "we are|we're waiting for",
    "is|has been booked|scheduled|arranged",
    "he is|he's|she is|she's next|booked|on the list",
    "the wait|waiting time is",
];

/// The confidence that a statement gives information.
pub(crate) fn information(core: &[&str]) -> Option<f32> {
    if has_any(core, INFORMATION_STRONG) {
        return Some(0.75);
    }
    // "Your liver tests came back high": a result about the client.
    if let ["your", next, ..] = core
        && matches!(
            *next,
            "test"
                | "tests"
                | "results"
                | "result"
                | "scan"
                | "blood"
                | "liver"
                | "levels"
                | "cholesterol"
                | "sugar"
                | "a1c"
                | "x"
                | "mri"
                | "bmi"
                | "numbers"
                | "readings"
                | "prescription"
                | "dose"
                | "appointment"
        )
    {
        return Some(0.75);
    }
    if starts_any(core, &["the body|liver|brain|heart|lungs", "exercise is|can|helps"]) {
        return Some(0.65);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_in_statements_not_in_questions() {
        assert_eq!(persuade(&["you", "should", "stop"], false), Some(0.85));
        assert_eq!(persuade(&["do", "you", "think", "you", "should", "stop"], true), None);
        assert_eq!(persuade(&["why", "do", "not", "you", "stop"], true), Some(0.85));
        assert_eq!(persuade(&["you", "should", "be", "proud"], false), None);
        assert_eq!(persuade(&["you", "feel", "you", "should", "stop"], false), None);
        let argued = ["if", "you", "quit", "smoking", "you", "will", "breathe", "better"];
        assert_eq!(persuade(&argued, false), Some(0.7));
    }

    #[test]
    fn imperatives() {
        assert_eq!(persuade(&["cut", "down", "on", "the", "beer"], false), Some(0.8));
        assert_eq!(persuade(&["take", "your", "time"], false), None);
        assert_eq!(persuade(&["do", "not", "worry"], false), None);
    }

    #[test]
    fn information() {
        assert!(super::information(&["research", "shows", "that"]).is_some());
        assert!(super::information(&["your", "liver", "tests", "are", "high"]).is_some());
        assert_eq!(super::information(&["i", "like", "your", "shirt"]), None);
    }
}
