//! The session engine against every shipped scenario: the patient moves with good practice but
//! is never won over in a couple of turns, closes down with poor practice, replays exactly from a
//! seed, discloses only what was earned, and refuses bad input without losing the session.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{GOOD_PRACTICE, ListCoder, POOR_PRACTICE, catalog, play, summary_json};
use rapport_coding::Label;
use rapport_privacy::SecretText;
use rapport_scenario::{Intent, Mood};
use rapport_session::{EndReason, Event, PeerId, Phase, Role, Session, SessionError, SessionEvent};

fn end_reason(events: &[SessionEvent]) -> EndReason {
    events
        .iter()
        .find_map(|e| match e {
            SessionEvent::Ended { reason } => Some(*reason),
            _ => None,
        })
        .expect("an end")
}

#[test]
fn good_practice_reaches_every_goal_but_never_in_a_few_turns() {
    let catalog = catalog();
    assert!(catalog.len() >= 8);
    for scenario in catalog.iter() {
        for seed in 1..=3 {
            let coder = ListCoder::new(&GOOD_PRACTICE);
            let (_, played) = play(scenario, coder, seed, scenario.state.max_turns);
            assert_eq!(
                end_reason(&played.events),
                EndReason::GoalReached,
                "{} (seed {seed}) is stuck: good practice must reach the goal within {} turns",
                scenario.id,
                scenario.state.max_turns
            );
            assert!(
                played.turns >= 8,
                "{} (seed {seed}) was won over in {} turns",
                scenario.id,
                played.turns
            );
            let summary = summary_json(&played.events);
            assert_eq!(summary["goal_reached"], true);
            assert!(
                summary["patient"]["progress"].as_u64() >= Some(u64::from(scenario.state.goal))
            );
        }
    }
}

#[test]
fn poor_practice_raises_resistance_and_stalls_progress() {
    for scenario in catalog().iter() {
        let initial = scenario.state.initial;
        let coder = ListCoder::new(&POOR_PRACTICE);
        let (session, played) = play(scenario, coder, 1, 12);
        let state = session.patient_state();
        assert!(state.resistance > initial.resistance, "{}: {state:?}", scenario.id);
        assert!(state.rapport < initial.rapport, "{}: {state:?}", scenario.id);
        assert!(state.progress <= initial.progress, "{}: {state:?}", scenario.id);
        let reason = end_reason(&played.events);
        assert_ne!(reason, EndReason::GoalReached, "{}", scenario.id);
        let summary = summary_json(&played.events);
        assert_eq!(summary["rating"], "below_fair", "{}", scenario.id);
        assert!(summary["mi_non_adherent"].as_u64() > Some(0));
    }
}

#[test]
fn a_hard_patient_walks_out_when_confronted_again_and_again() {
    let catalog = catalog();
    let hardest = catalog
        .iter()
        .filter(|s| s.state.walkout.is_some())
        .max_by_key(|s| s.difficulty)
        .expect("a scenario with a walkout");
    let coder = ListCoder::new(&[Label::Confront]);
    let (session, played) = play(hardest, coder, 1, hardest.state.max_turns);
    assert_eq!(end_reason(&played.events), EndReason::PatientLeft, "{}", hardest.id);
    assert_eq!(session.phase(), Phase::Ended);
    let closing = played
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            SessionEvent::Patient { intent, .. } => Some(*intent),
            _ => None,
        })
        .flatten();
    assert_eq!(closing, Some(Intent::CloseWalkout));
}

fn transcript(events: &[SessionEvent]) -> String {
    events.iter().map(|e| serde_json::to_string(e).expect("serialises") + "\n").collect()
}

#[test]
fn a_seed_replays_exactly_and_different_seeds_vary() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let run = |seed| {
        let (_, played) = play(scenario, ListCoder::new(&GOOD_PRACTICE), seed, 30);
        transcript(&played.events)
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}

#[test]
fn no_line_is_repeated_while_alternatives_remain() {
    for scenario in catalog().iter() {
        // "Other" leaves the state alone, so the mood and the pool of lines stay the same.
        let coder = ListCoder::new(&[Label::Other]);
        let (mut session, _) = Session::start(Arc::new(scenario.clone()), coder, 5);
        let mood: Mood = session.patient_state().mood();
        let pool: usize = scenario
            .lines_for(Intent::Unclear, mood)
            .filter(|g| g.topics.is_empty())
            .map(|g| g.text.len())
            .sum();
        let mut said = Vec::new();
        for _ in 0..(pool + 1).min(usize::from(scenario.state.max_turns) - 1) {
            let out = session
                .handle(Event::TraineeSaid(SecretText::copy_from("Right, okay.")))
                .expect("the conversation is going on");
            for event in out {
                if let SessionEvent::Patient { text, .. } = event {
                    said.push(text.expose().to_owned());
                }
            }
        }
        let first: BTreeSet<&String> = said.iter().take(pool).collect();
        assert_eq!(first.len(), pool.min(said.len()), "{}: a line came back too soon", scenario.id);
        for pair in said.windows(2) {
            assert_ne!(pair[0], pair[1], "{}: the same line twice in a row", scenario.id);
        }
    }
}

#[test]
fn disclosures_wait_for_rapport_and_open_questions() {
    for scenario in catalog().iter() {
        // Closed questions never invite a disclosure and the placeholder text names no topic.
        let (_, closed) = play(scenario, ListCoder::new(&[Label::ClosedQuestion]), 3, 20);
        let summary = summary_json(&closed.events);
        assert_eq!(summary["disclosures"], 0, "{}", scenario.id);

        let (_, good) = play(scenario, ListCoder::new(&GOOD_PRACTICE), 3, scenario.state.max_turns);
        let summary = summary_json(&good.events);
        assert!(summary["disclosures"].as_u64() > Some(0), "{}", scenario.id);
        let mut rapport = scenario.state.initial.rapport;
        let mut open_questions = 0;
        for event in &good.events {
            match event {
                SessionEvent::State { rapport: now, .. } => rapport = *now,
                SessionEvent::Code { fine: Label::OpenQuestion, .. } => open_questions += 1,
                SessionEvent::Patient { disclosed: Some(id), .. } => {
                    let fact = scenario.facts.iter().find(|f| &f.id == id).expect("a known fact");
                    assert!(rapport >= fact.min_rapport, "{}: {id} came too early", scenario.id);
                    assert!(open_questions >= fact.min_open_questions, "{}: {id}", scenario.id);
                }
                _ => {}
            }
        }
    }
}

#[test]
fn summary_carries_the_promised_fields() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let (_, played) = play(scenario, ListCoder::new(&GOOD_PRACTICE), 2, 40);
    let summary = summary_json(&played.events);
    assert_eq!(summary["event"], "summary");
    for key in [
        "reflection_to_question",
        "percent_complex_reflections",
        "percent_open_questions",
        "mi_adherent",
        "mi_non_adherent",
        "counts",
        "rating",
        "moments",
        "suggestion",
    ] {
        assert!(summary.get(key).is_some(), "summary lacks {key}: {summary}");
    }
    assert_eq!(summary["counts"].as_object().map(|c| c.len()), Some(Label::ALL.len()));
    assert!(matches!(summary["rating"].as_str(), Some("fair" | "good")));
    let moments = summary["moments"].as_array().expect("moments");
    assert!(!moments.is_empty() && moments.len() <= 3);
}

#[test]
fn bad_input_is_refused_and_the_session_goes_on() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let coder = ListCoder::new(&GOOD_PRACTICE);
    let (mut session, _) = Session::start(Arc::new(scenario.clone()), coder, 1);
    let say = |text: &str| Event::TraineeSaid(SecretText::copy_from(text));
    assert_eq!(session.handle(say("   ")).err(), Some(SessionError::EmptyUtterance));
    let long = "word ".repeat(2000);
    assert_eq!(session.handle(say(&long)).err(), Some(SessionError::UtteranceTooLong));
    assert_eq!(
        session.handle(Event::PeerLeft { peer: PeerId(9) }).err(),
        Some(SessionError::UnknownPeer(PeerId(9)))
    );
    session.handle(Event::PeerJoined { peer: PeerId(1), role: Role::Observer }).expect("joins");
    assert_eq!(
        session.handle(Event::PeerJoined { peer: PeerId(1), role: Role::Actor }).err(),
        Some(SessionError::DuplicatePeer(PeerId(1)))
    );
    let nudge = Event::SupervisorNudge { peer: PeerId(1), text: SecretText::copy_from("Reflect") };
    assert_eq!(session.handle(nudge).err(), Some(SessionError::NotAllowed(PeerId(1))));
    assert_eq!(
        session.handle(Event::ActorSaid(SecretText::copy_from("Hello"))).err(),
        Some(SessionError::NoActor)
    );
    // After all that, the conversation still works.
    let out = session.handle(say("How have you been?")).expect("still going");
    assert!(out.iter().any(|e| matches!(e, SessionEvent::Patient { .. })));
    session.handle(Event::EndRequested).expect("ends");
    assert_eq!(session.handle(say("One more thing")).err(), Some(SessionError::Ended));
    let wiped = session.handle(Event::Wipe).expect("wipes");
    assert!(matches!(wiped.as_slice(), [SessionEvent::Wiped]));
    assert_eq!(session.phase(), Phase::Wiped);
    assert_eq!(session.handle(say("Hello?")).err(), Some(SessionError::Wiped));
}

#[test]
fn an_actor_can_take_the_patients_voice_and_hand_it_back() {
    let catalog = catalog();
    let scenario = catalog.get("scan-results-fear").expect("a shipped scenario");
    let (mut session, _) =
        Session::start(Arc::new(scenario.clone()), ListCoder::new(&GOOD_PRACTICE), 1);
    session.handle(Event::PeerJoined { peer: PeerId(4), role: Role::Actor }).expect("joins");
    let out = session.handle(Event::TakeOver { peer: PeerId(4) }).expect("takes over");
    assert!(matches!(out.as_slice(), [SessionEvent::PatientVoice { actor: Some(PeerId(4)) }]));
    let out = session
        .handle(Event::TraineeSaid(SecretText::copy_from("How are you feeling?")))
        .expect("heard");
    assert!(!out.iter().any(|e| matches!(e, SessionEvent::Patient { .. })), "the actor answers");
    let out = session
        .handle(Event::ActorSaid(SecretText::copy_from("Scared, to be honest.")))
        .expect("the actor speaks");
    assert!(matches!(out.as_slice(), [SessionEvent::Patient { intent: None, .. }]));
    let out = session.handle(Event::PeerLeft { peer: PeerId(4) }).expect("leaves");
    assert!(out.iter().any(|e| matches!(e, SessionEvent::PatientVoice { actor: None })));
    let out = session
        .handle(Event::TraineeSaid(SecretText::copy_from("That sounds frightening.")))
        .expect("heard");
    assert!(out.iter().any(|e| matches!(e, SessionEvent::Patient { intent: Some(_), .. })));
}

#[test]
fn debug_output_of_a_session_holds_no_content() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let (mut session, _) =
        Session::start(Arc::new(scenario.clone()), ListCoder::new(&GOOD_PRACTICE), 1);
    session
        .handle(Event::TraineeSaid(SecretText::copy_from("zebra-canary-phrase")))
        .expect("heard");
    let debug = format!("{session:?}");
    assert!(!debug.contains("zebra"), "{debug}");
    let events = session.handle(Event::EndRequested).expect("ends");
    for event in &events {
        let debug = format!("{event:?}");
        assert!(!debug.contains("zebra"), "{debug}");
    }
}

#[test]
fn a_spoken_session_measures_talk_time_and_interruptions() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let (mut session, _) =
        Session::start(Arc::new(scenario.clone()), ListCoder::new(&GOOD_PRACTICE), 1);
    let timing = |started_ms, ended_ms, interrupted| rapport_session::SpeechTiming {
        started_ms,
        ended_ms,
        interrupted,
    };
    // The patient's opening line played for 4 s; the trainee spoke for 2 s after it.
    session.handle(Event::PatientSpoke { timing: timing(0, 4_000, false) }).expect("opening");
    let out = session
        .handle(Event::TraineeSpoke {
            text: SecretText::copy_from("What brings you in today?"),
            timing: timing(5_000, 7_000, false),
        })
        .expect("coded");
    let talk_share = out
        .iter()
        .find_map(|event| match event {
            SessionEvent::Gauges(gauges) => Some(gauges.talk_share),
            _ => None,
        })
        .expect("gauges");
    assert!((talk_share - 100.0 * 2.0 / 6.0).abs() < 1e-9, "{talk_share}");
    // The patient's reply is cut off after 1 s by the trainee, who speaks for 6 s.
    session.handle(Event::PatientSpoke { timing: timing(8_000, 9_000, true) }).expect("reply");
    session
        .handle(Event::TraineeSpoke {
            text: SecretText::copy_from("It sounds like the weekends have been hard."),
            timing: timing(9_000, 15_000, true),
        })
        .expect("coded");
    let ended = session.handle(Event::EndRequested).expect("ends");
    let summary = summary_json(&ended);
    assert_eq!(summary["interruptions"], 1);
    let share = summary["talk_share"].as_f64().expect("talk share");
    assert!((share - 100.0 * 8.0 / 13.0).abs() < 1e-9, "{share}");
}

#[test]
fn a_preview_codes_in_context_and_changes_nothing() {
    let catalog = catalog();
    let scenario = catalog.get("alcohol-weekend").expect("the default scenario");
    let rules = Arc::new(rapport_coding::RuleCoder::new());
    let (mut session, _) = Session::start(Arc::new(scenario.clone()), rules, 1);
    let line = SecretText::copy_from("Would it be okay if I shared what the blood test means?");
    let preview = session.preview_code(&line);
    assert_eq!(preview.label, Label::SeekingCollaboration);
    assert_eq!(session.preview_code(&line), preview, "previews repeat");
    // The utterance taken afterwards is still the first turn, coded the same way.
    let events = session.handle(Event::TraineeSaid(line)).expect("taken");
    let coded = events.iter().find_map(|event| match event {
        SessionEvent::Code { turn, fine, confidence, .. } => Some((*turn, *fine, *confidence)),
        _ => None,
    });
    assert_eq!(coded, Some((1, preview.label, preview.confidence)));
}
