//! One code from the model's probabilities and the rule coder's code.
//!
//! The model decides questions (open or closed), reflections (simple or complex), input and
//! other, which AnnoMI annotates. The rule coder alone knows affirmations, summaries, seeking
//! collaboration, emphasizing autonomy, persuasion and confrontation. Its label for one of those
//! is taken when it refines the model's main behaviour (a reflection that is a summary, input that
//! is advice, other that is an affirmation), or when the rule is explicit enough
//! ([`RULE_OVERRIDES`]) to overrule it ("May I share what others found?" is seeking collaboration
//! even though it is asked).

use rapport_coding::{Code, Context, Label};

use crate::{Decision, FineClass, InputKind, Prediction};

/// A rule label at or above this confidence is taken even when the model chose another main
/// behaviour (the rule coder's "unmistakable stem" level).
pub const RULE_OVERRIDES: f32 = 0.85;

/// Labels only the rule coder gives.
const RULE_ONLY: [Label; 7] = [
    Label::Affirm,
    Label::Summary,
    Label::SeekingCollaboration,
    Label::EmphasizingAutonomy,
    Label::PersuadeWithPermission,
    Label::Persuade,
    Label::Confront,
];

/// The code for an utterance, from the model's `decision` on its `prediction` and the rule
/// coder's `rule`.
pub fn merge(
    decision: &Decision,
    prediction: &Prediction,
    rule: Code,
    context: &Context<'_>,
) -> Code {
    let model_label = match decision.fine {
        FineClass::OpenQuestion => Label::OpenQuestion,
        FineClass::ClosedQuestion => Label::ClosedQuestion,
        FineClass::SimpleReflection => Label::SimpleReflection,
        FineClass::ComplexReflection => Label::ComplexReflection,
        FineClass::Other => Label::Other,
        FineClass::Input => match prediction.input_kind() {
            InputKind::Information => Label::GivingInformation,
            InputKind::Advice if context.permission_granted => Label::PersuadeWithPermission,
            InputKind::Advice => Label::Persuade,
            InputKind::NegotiationOrOptions => Label::PersuadeWithPermission,
        },
    };
    let refines = rule.label.main() == model_label.main();
    if RULE_ONLY.contains(&rule.label) && (refines || rule.confidence >= RULE_OVERRIDES) {
        return rule;
    }
    Code::new(model_label, decision.fine_confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prediction(fine: [f32; 6], input_kind: [f32; 3]) -> Prediction {
        Prediction { fine, input_kind }
    }

    #[test]
    fn the_main_behaviour_is_the_sum_of_its_classes() {
        // Question 0.3 + 0.3 beats other at 0.4, though other is the single most likely class.
        let p = prediction([0.3, 0.3, 0.0, 0.0, 0.0, 0.4], [1.0, 0.0, 0.0]);
        let code = merge(&p.decide(), &p, Code::new(Label::Other, 0.4), &Context::default());
        assert!(code.label.is_question());
        assert!((code.confidence - 0.3).abs() < 1e-6);
        assert!(code.uncertain());
    }

    #[test]
    fn a_rule_label_that_refines_the_main_behaviour_is_taken() {
        let p = prediction([0.0, 0.0, 0.1, 0.8, 0.0, 0.1], [1.0, 0.0, 0.0]);
        let code = merge(&p.decide(), &p, Code::new(Label::Summary, 0.6), &Context::default());
        assert_eq!(code.label, Label::Summary);
        let code = merge(&p.decide(), &p, Code::new(Label::Affirm, 0.6), &Context::default());
        assert_eq!(code.label, Label::ComplexReflection, "a weak affirm does not overrule");
        let code = merge(&p.decide(), &p, Code::new(Label::Confront, 0.9), &Context::default());
        assert_eq!(code.label, Label::Confront, "an explicit rule overrules");
    }

    #[test]
    fn input_kind_and_permission_choose_the_input_label() {
        let p = prediction([0.0, 0.0, 0.0, 0.0, 0.9, 0.1], [0.2, 0.7, 0.1]);
        let rule = Code::new(Label::GivingInformation, 0.6);
        assert_eq!(merge(&p.decide(), &p, rule, &Context::default()).label, Label::Persuade);
        let allowed = Context { previous_patient: None, permission_granted: true };
        assert_eq!(merge(&p.decide(), &p, rule, &allowed).label, Label::PersuadeWithPermission);
        let p = prediction([0.0, 0.0, 0.0, 0.0, 0.9, 0.1], [0.8, 0.1, 0.1]);
        assert_eq!(
            merge(&p.decide(), &p, rule, &Context::default()).label,
            Label::GivingInformation
        );
    }
}
