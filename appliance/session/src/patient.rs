//! The simulated patient: their state, what they disclose, and which line they say next.
//!
//! The patient chooses an intent from what the trainee just did and from how far the conversation
//! has come (more change talk as progress grows, sustain talk never disappears), then a phrasing
//! for that intent in their current mood, preferring lines on the topic the trainee named and
//! never repeating a phrasing while another remains.

use std::collections::BTreeSet;

use rapport_coding::{Code, Label};
use rapport_privacy::SecretText;
use rapport_scenario::{Affect, Intent, Mood, PatientState, Scenario, Skill};

use crate::dynamics::InnerState;
use crate::rng::Rng;

/// What the patient says in reply, and why.
#[derive(Debug)]
pub struct PatientReply {
    /// The line itself.
    pub text: SecretText,
    /// What the patient is doing with it.
    pub intent: Intent,
    /// The fact disclosed, if the line is a disclosure.
    pub disclosed: Option<String>,
}

/// The simulated patient of one session.
#[derive(Debug)]
pub struct Patient {
    state: InnerState,
    rng: Rng,
    /// Phrasings already said, as (line group index, phrasing index).
    said: BTreeSet<(usize, usize)>,
    /// The last phrasing said, never repeated back to back.
    last: Option<(usize, usize)>,
    disclosed: BTreeSet<usize>,
    open_questions: u16,
}

impl Patient {
    /// The patient of `scenario`, in its starting state.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        Self {
            state: InnerState::new(scenario.state.initial),
            rng: Rng::new(seed),
            said: BTreeSet::new(),
            last: None,
            disclosed: BTreeSet::new(),
            open_questions: 0,
        }
    }

    /// The state as whole numbers.
    pub fn state(&self) -> PatientState {
        self.state.rounded()
    }

    /// How many facts the patient has disclosed.
    pub fn disclosed_count(&self) -> usize {
        self.disclosed.len()
    }

    /// The expression the kiosk shows for the current state.
    pub fn affect(&self, skill: Skill) -> Affect {
        affect_for(self.state(), skill)
    }

    /// Updates the state after the trainee's utterance.
    pub fn hear(&mut self, scenario: &Scenario, code: Code, repeats: usize) {
        if code.label == Label::OpenQuestion {
            self.open_questions += 1;
        }
        self.state.apply(scenario, code, repeats);
    }

    /// The patient's first line.
    pub fn opening(&mut self, scenario: &Scenario) -> PatientReply {
        self.say(scenario, Intent::Opening, &[])
    }

    /// A closing line with `intent`.
    pub fn closing(&mut self, scenario: &Scenario, intent: Intent) -> PatientReply {
        self.say(scenario, intent, &[])
    }

    /// The reply to a trainee utterance already heard through [`Patient::hear`].
    ///
    /// `words` are the trainee's words, lowercase, for topic matching.
    pub fn reply(&mut self, scenario: &Scenario, label: Label, words: &[&str]) -> PatientReply {
        if let Some(reply) = self.disclose(scenario, label, words) {
            return reply;
        }
        let intent = self.choose_intent(label);
        self.say(scenario, intent, words)
    }

    fn choose_intent(&mut self, label: Label) -> Intent {
        let state = self.state();
        let progress = f32::from(state.progress) / 100.0;
        let mood = state.mood();
        let roll = self.rng.unit();
        match label {
            Label::ClosedQuestion if mood == Mood::Guarded && roll < 0.25 => Intent::Sustain,
            Label::ClosedQuestion => Intent::AnswerClosed,
            Label::OpenQuestion => {
                if roll < 0.6 * progress {
                    Intent::Change
                } else if roll > 1.0 - 0.25 * (1.0 - progress) {
                    Intent::Sustain
                } else {
                    Intent::AnswerOpen
                }
            }
            Label::SimpleReflection => {
                if roll < 0.5 {
                    Intent::FeelHeard
                } else if self.rng.unit() < progress {
                    Intent::Change
                } else {
                    Intent::Sustain
                }
            }
            Label::ComplexReflection | Label::Summary => {
                if roll < 0.4 {
                    Intent::FeelHeard
                } else if self.rng.unit() < (progress + 0.2).min(0.9) {
                    Intent::Change
                } else {
                    Intent::Sustain
                }
            }
            Label::Affirm => Intent::ReceiveAffirm,
            Label::SeekingCollaboration | Label::EmphasizingAutonomy => {
                if progress > 0.4 && roll < 0.3 { Intent::Change } else { Intent::Collaborate }
            }
            Label::GivingInformation | Label::PersuadeWithPermission => Intent::ReceiveInfo,
            Label::Persuade | Label::Confront => Intent::PushBack,
            Label::Other => Intent::Unclear,
        }
    }

    /// A disclosure, when the trainee has earned one and invites it now.
    fn disclose(
        &mut self,
        scenario: &Scenario,
        label: Label,
        words: &[&str],
    ) -> Option<PatientReply> {
        let invites = matches!(
            label,
            Label::OpenQuestion
                | Label::SimpleReflection
                | Label::ComplexReflection
                | Label::Summary
                | Label::Affirm
        );
        let state = self.state();
        let eligible = |(index, fact): &(usize, &rapport_scenario::Fact)| {
            !self.disclosed.contains(index)
                && state.rapport >= fact.min_rapport
                && self.open_questions >= fact.min_open_questions
        };
        let on_topic = |fact: &rapport_scenario::Fact| {
            fact.topics.iter().any(|topic| names_topic(words, topic))
        };
        if label.is_mi_non_adherent() {
            return None;
        }
        let candidates: Vec<usize> =
            scenario.facts.iter().enumerate().filter(eligible).map(|(i, _)| i).collect();
        let chosen = candidates
            .iter()
            .copied()
            .find(|&i| on_topic(&scenario.facts[i]))
            .or_else(|| if invites { candidates.first().copied() } else { None })?;
        self.disclosed.insert(chosen);
        let fact = &scenario.facts[chosen];
        let phrasing = &fact.text[self.rng.below(fact.text.len())];
        Some(PatientReply {
            text: SecretText::copy_from(phrasing),
            intent: Intent::FeelHeard,
            disclosed: Some(fact.id.clone()),
        })
    }

    /// Phrasings of `groups` not said yet, as (group, phrasing) keys.
    fn fresh(&self, scenario: &Scenario, groups: &[usize]) -> Vec<(usize, usize)> {
        groups
            .iter()
            .flat_map(|&g| (0..scenario.lines[g].text.len()).map(move |p| (g, p)))
            .filter(|key| !self.said.contains(key))
            .collect()
    }

    /// A phrasing for `intent` in the current mood.
    fn say(&mut self, scenario: &Scenario, intent: Intent, words: &[&str]) -> PatientReply {
        let mood = self.state().mood();
        let groups: Vec<usize> = scenario
            .lines
            .iter()
            .enumerate()
            .filter(|(_, group)| {
                group.intent == intent && (intent.is_bookend() || group.fits(mood))
            })
            .map(|(i, _)| i)
            .collect();
        let on_topic: Vec<usize> = groups
            .iter()
            .copied()
            .filter(|&g| scenario.lines[g].topics.iter().any(|t| names_topic(words, t)))
            .collect();
        // Lines on the topic the trainee named come first, then lines on no topic in particular;
        // lines on other topics only once those are used up, so they rarely come out of nowhere.
        let untopical: Vec<usize> =
            groups.iter().copied().filter(|&g| scenario.lines[g].topics.is_empty()).collect();
        let mut options = self.fresh(scenario, &on_topic);
        if options.is_empty() {
            options = self.fresh(scenario, &untopical);
        }
        if options.is_empty() {
            options = self.fresh(scenario, &groups);
        }
        if options.is_empty() {
            // Every phrasing was said: start over, but never repeat the very last line.
            for &g in &groups {
                self.said.retain(|&(group, _)| group != g);
            }
            options = self.fresh(scenario, &groups);
            if options.len() > 1 {
                options.retain(|key| Some(*key) != self.last);
            }
        }
        let Some(&key) = options.get(self.rng.below(options.len())) else {
            // Validation guarantees phrasings for every intent and mood; an empty line is the
            // harmless answer should a scenario ever slip through without them.
            return PatientReply { text: SecretText::default(), intent, disclosed: None };
        };
        self.said.insert(key);
        self.last = Some(key);
        PatientReply {
            text: SecretText::copy_from(&scenario.lines[key.0].text[key.1]),
            intent,
            disclosed: None,
        }
    }
}

/// The expression for a state: anger or distress when defences are up (which one depends on the
/// skill), wariness while rapport is low, warmth once things are going well.
pub fn affect_for(state: PatientState, skill: Skill) -> Affect {
    let upset = match skill {
        Skill::MotivationalInterviewing | Skill::DeEscalation => Affect::Angry,
        Skill::EmpathicResponse | Skill::BreakingBadNews => Affect::Distressed,
    };
    if state.resistance >= 65 {
        upset
    } else if state.rapport < 30 || state.resistance >= 45 {
        Affect::Guarded
    } else if state.rapport >= 60 && state.progress >= 55 {
        Affect::Hopeful
    } else if matches!(skill, Skill::EmpathicResponse | Skill::BreakingBadNews)
        && state.progress < 40
    {
        Affect::Distressed
    } else {
        Affect::Calm
    }
}

/// Whether the trainee's `words` (lowercase, punctuation stripped) name `topic`: a word, or a
/// phrase of several words in a row. Whole words only: "son" is not in "person".
pub fn names_topic(words: &[&str], topic: &str) -> bool {
    let wanted: Vec<&str> = topic.split_whitespace().collect();
    !wanted.is_empty() && words.windows(wanted.len()).any(|window| window == wanted.as_slice())
}
