//! The behaviour labels a trainee utterance can receive, and the coarse MITI families they fall in.
//!
//! [`Label`] is the fine code (MITI 4.2 behaviours, with questions split into open and closed);
//! [`MainBehaviour`] is the four-way grouping that corpora such as AnnoMI annotate.
//! The rule coder ([`crate::RuleCoder`]) produces labels; the session and scenario crates read
//! them.

use std::fmt;

/// One behaviour code for a trainee utterance.
///
/// The names follow MITI 4.2, with two changes: questions are split into open and closed (as in
/// MITI 3), and `Persuade` is split by whether the client gave permission first.
/// The string form ([`Label::as_str`], also the serde form) is the snake-case name.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// A question that invites a wide range of answers ("What worries you most about it?").
    OpenQuestion,
    /// A question answered by yes, no or a short fact ("Do you smoke at home?").
    ClosedQuestion,
    /// A reflection that conveys little beyond what the client said.
    SimpleReflection,
    /// A reflection that adds meaning: feeling, double-sided, metaphor, inferred values.
    ComplexReflection,
    /// Praise of the client's strengths, efforts or values.
    Affirm,
    /// A reflection that gathers several things the client said.
    Summary,
    /// Sharing power with the client: asking permission, inviting the client's ideas.
    SeekingCollaboration,
    /// Stating the client's freedom and responsibility to choose.
    EmphasizingAutonomy,
    /// Neutral facts or education, without pressure.
    GivingInformation,
    /// Advice or persuasion after the client gave permission (or with autonomy made explicit).
    PersuadeWithPermission,
    /// Advice or persuasion without permission.
    Persuade,
    /// Arguing, judging, shaming, labelling or disagreeing with the client.
    Confront,
    /// Anything else: greetings, acknowledgements, small talk, fragments.
    Other,
}

impl Label {
    /// Every label, in declaration order.
    pub const ALL: [Label; 13] = [
        Label::OpenQuestion,
        Label::ClosedQuestion,
        Label::SimpleReflection,
        Label::ComplexReflection,
        Label::Affirm,
        Label::Summary,
        Label::SeekingCollaboration,
        Label::EmphasizingAutonomy,
        Label::GivingInformation,
        Label::PersuadeWithPermission,
        Label::Persuade,
        Label::Confront,
        Label::Other,
    ];

    /// The stable snake-case name, as used in JSON, scenario files and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::OpenQuestion => "open_question",
            Label::ClosedQuestion => "closed_question",
            Label::SimpleReflection => "simple_reflection",
            Label::ComplexReflection => "complex_reflection",
            Label::Affirm => "affirm",
            Label::Summary => "summary",
            Label::SeekingCollaboration => "seeking_collaboration",
            Label::EmphasizingAutonomy => "emphasizing_autonomy",
            Label::GivingInformation => "giving_information",
            Label::PersuadeWithPermission => "persuade_with_permission",
            Label::Persuade => "persuade",
            Label::Confront => "confront",
            Label::Other => "other",
        }
    }

    /// The label whose [`as_str`](Label::as_str) is exactly `s`, if any.
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|label| label.as_str() == s)
    }

    /// The coarse family of this label (the four AnnoMI therapist behaviours).
    pub fn main(self) -> MainBehaviour {
        match self {
            Label::OpenQuestion | Label::ClosedQuestion => MainBehaviour::Question,
            Label::SimpleReflection | Label::ComplexReflection | Label::Summary => {
                MainBehaviour::Reflection
            }
            Label::GivingInformation | Label::PersuadeWithPermission | Label::Persuade => {
                MainBehaviour::Input
            }
            Label::Affirm
            | Label::SeekingCollaboration
            | Label::EmphasizingAutonomy
            | Label::Confront
            | Label::Other => MainBehaviour::Other,
        }
    }

    /// Whether this is an open or a closed question.
    pub fn is_question(self) -> bool {
        matches!(self, Label::OpenQuestion | Label::ClosedQuestion)
    }

    /// Whether this is a simple or complex reflection; summaries are not counted, as in MITI's
    /// reflection-to-question ratio.
    pub fn is_reflection(self) -> bool {
        matches!(self, Label::SimpleReflection | Label::ComplexReflection)
    }

    /// Whether MITI counts this as MI-adherent (affirm, seeking collaboration, emphasizing
    /// autonomy).
    pub fn is_mi_adherent(self) -> bool {
        matches!(self, Label::Affirm | Label::SeekingCollaboration | Label::EmphasizingAutonomy)
    }

    /// Whether MITI counts this as MI-non-adherent (persuade without permission, confront).
    pub fn is_mi_non_adherent(self) -> bool {
        matches!(self, Label::Persuade | Label::Confront)
    }

    /// A short human name for feedback screens, e.g. "Advice without permission".
    pub fn display_name(self) -> &'static str {
        match self {
            Label::OpenQuestion => "Open question",
            Label::ClosedQuestion => "Closed question",
            Label::SimpleReflection => "Simple reflection",
            Label::ComplexReflection => "Complex reflection",
            Label::Affirm => "Affirm",
            Label::Summary => "Summary",
            Label::SeekingCollaboration => "Seeking collaboration",
            Label::EmphasizingAutonomy => "Emphasizing autonomy",
            Label::GivingInformation => "Giving information",
            Label::PersuadeWithPermission => "Advice with permission",
            Label::Persuade => "Advice without permission",
            Label::Confront => "Confront",
            Label::Other => "Other",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four coarse therapist behaviours that AnnoMI annotates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MainBehaviour {
    /// Open or closed questions.
    Question,
    /// Simple and complex reflections, and summaries.
    Reflection,
    /// Giving information and advice, with or without permission.
    Input,
    /// Everything else, including affirmations, autonomy, collaboration and confrontation.
    Other,
}

impl MainBehaviour {
    /// Every main behaviour, in declaration order.
    pub const ALL: [MainBehaviour; 4] = [
        MainBehaviour::Question,
        MainBehaviour::Reflection,
        MainBehaviour::Input,
        MainBehaviour::Other,
    ];

    /// The stable snake-case name: "question", "reflection", "input" or "other".
    pub fn as_str(self) -> &'static str {
        match self {
            MainBehaviour::Question => "question",
            MainBehaviour::Reflection => "reflection",
            MainBehaviour::Input => "input",
            MainBehaviour::Other => "other",
        }
    }

    /// The main behaviour whose [`as_str`](MainBehaviour::as_str) is exactly `s`, if any.
    pub fn parse(s: &str) -> Option<MainBehaviour> {
        MainBehaviour::ALL.into_iter().find(|main| main.as_str() == s)
    }
}

impl fmt::Display for MainBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
