//! How what the trainee does moves the patient's inner state.
//!
//! Each behaviour has a default delta, which a scenario may override. Progress toward the goal is
//! held back by low rapport and high resistance, and capped per turn: good practice always moves
//! the patient, but never wins them over in a couple of turns.

use rapport_coding::{Code, Label};
use rapport_scenario::{Delta, PatientState, Scenario};

/// The most progress one trainee turn can add.
pub const MAX_PROGRESS_PER_TURN: f32 = 5.0;
/// Resistance from which progress is halved: a defensive patient hears little.
const DEFENSIVE_RESISTANCE: f32 = 60.0;

/// The engine's default effect of each behaviour, before scenario overrides.
pub fn default_delta(label: Label) -> Delta {
    let (rapport, resistance, progress) = match label {
        Label::OpenQuestion => (3, -2, 2),
        Label::ClosedQuestion => (0, 1, 0),
        Label::SimpleReflection => (4, -3, 2),
        Label::ComplexReflection => (5, -4, 4),
        Label::Affirm => (4, -2, 1),
        Label::Summary => (4, -3, 3),
        Label::SeekingCollaboration => (3, -3, 1),
        Label::EmphasizingAutonomy => (3, -4, 2),
        Label::GivingInformation => (0, 1, 1),
        Label::PersuadeWithPermission => (0, 0, 1),
        Label::Persuade => (-4, 7, -2),
        Label::Confront => (-8, 10, -3),
        Label::Other => (0, 0, 0),
    };
    Delta { rapport, resistance, progress }
}

/// The patient's state, kept in fractions so small effects add up over turns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InnerState {
    rapport: f32,
    resistance: f32,
    progress: f32,
}

impl InnerState {
    /// The starting state of `scenario`.
    pub fn new(state: PatientState) -> Self {
        Self {
            rapport: f32::from(state.rapport),
            resistance: f32::from(state.resistance),
            progress: f32::from(state.progress),
        }
    }

    /// The state as whole numbers 0–100.
    pub fn rounded(self) -> PatientState {
        let round = |v: f32| v.round().clamp(0.0, 100.0) as u8;
        PatientState {
            rapport: round(self.rapport),
            resistance: round(self.resistance),
            progress: round(self.progress),
        }
    }

    /// Applies the effect of one coded trainee utterance.
    ///
    /// `repeats` is how many of the trainee's immediately preceding utterances had the same label:
    /// the third simple reflection in a row lands less than the first.
    pub fn apply(&mut self, scenario: &Scenario, code: Code, repeats: usize) {
        let default = default_delta(code.label);
        let delta = scenario.effects.get(&code.label).map_or(default, |o| o.over(default));
        // An uncertain code moves the patient less: the utterance was ambiguous to them too.
        let weight = 0.5 + 0.5 * code.confidence.clamp(0.0, 1.0);
        let freshness = if repeats >= 2 { 0.5 } else { 1.0 };
        let scale = |value: i8| {
            let value = f32::from(value) * weight;
            if value > 0.0 { value * freshness } else { value }
        };
        self.rapport = (self.rapport + scale(delta.rapport)).clamp(0.0, 100.0);
        self.resistance = (self.resistance + scale(delta.resistance)).clamp(0.0, 100.0);
        let mut progress = scale(delta.progress);
        if progress > 0.0 {
            // Progress grows only as far as the relationship carries it.
            progress *= ((self.rapport - 20.0) / 50.0).clamp(0.2, 1.0);
            if self.resistance >= DEFENSIVE_RESISTANCE {
                progress *= 0.5;
            }
            progress = progress.min(MAX_PROGRESS_PER_TURN);
        }
        self.progress = (self.progress + progress).clamp(0.0, 100.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_reward_mi_consistent_behaviour() {
        for label in Label::ALL {
            let delta = default_delta(label);
            if label.is_mi_non_adherent() {
                assert!(delta.resistance > 0 && delta.rapport < 0, "{label:?}");
            }
            if label.is_reflection() {
                assert!(delta.rapport > 0 && delta.resistance < 0 && delta.progress > 0);
            }
        }
        let complex = default_delta(Label::ComplexReflection);
        let simple = default_delta(Label::SimpleReflection);
        assert!(complex.progress > simple.progress);
    }
}
