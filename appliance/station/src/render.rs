//! Session events as a person reads them in a terminal: the demo and the interactive session.

use std::io::{self, Write};

use rapport_scenario::Scenario;
use rapport_session::{EndReason, Rating, SessionEvent, Summary, THRESHOLDS};

/// The scenario's card and brief.
pub fn brief(out: &mut impl Write, scenario: &Scenario) -> io::Result<()> {
    writeln!(
        out,
        "== {} ({}, level {}) ==",
        scenario.title,
        scenario.skill.display_name(),
        scenario.difficulty.level()
    )?;
    writeln!(out, "{}\n", scenario.setting)?;
    writeln!(out, "{}\n", scenario.brief)?;
    writeln!(out, "Your goals:")?;
    for goal in &scenario.goals {
        writeln!(out, "  - {goal}")?;
    }
    writeln!(out, "\nNothing of this session is recorded; it is wiped when it ends.\n")
}

/// Every event, one or a few lines each.
pub fn events(out: &mut impl Write, events: &[SessionEvent]) -> io::Result<()> {
    for event in events {
        match event {
            SessionEvent::Patient { text, affect, .. } => {
                writeln!(out, "Patient ({}): {}", affect_word(*affect), text.expose())?;
            }
            SessionEvent::Trainee { text, .. } => writeln!(out, "\nYou: {}", text.expose())?,
            SessionEvent::Code { fine, confidence, uncertain, .. } => {
                let marker = if *uncertain { " - uncertain" } else { "" };
                writeln!(out, "     [{} {:.0}%{marker}]", fine.display_name(), confidence * 100.0)?;
            }
            SessionEvent::Nudge { text, .. } => writeln!(out, "     Tip: {}", text.expose())?,
            SessionEvent::Gauges(g) => writeln!(
                out,
                "     R:Q {:.1}  complex {:.0}%  open {:.0}%  your talk {:.0}%",
                g.reflection_to_question,
                g.percent_complex_reflections,
                g.percent_open_questions,
                g.talk_share
            )?,
            SessionEvent::Ended { reason } => writeln!(out, "\n-- {} --", end_words(*reason))?,
            SessionEvent::Summary(summary) => render_summary(out, summary)?,
            SessionEvent::Wiped => {
                writeln!(
                    out,
                    "\nSession wiped: nothing of this conversation remains on the station."
                )?;
            }
            SessionEvent::PeerJoined { role, .. } => writeln!(out, "({role:?} joined)")?,
            SessionEvent::PeerLeft { .. } => writeln!(out, "(a remote peer left)")?,
            SessionEvent::PatientVoice { actor } => {
                let who = if actor.is_some() { "an actor" } else { "the simulation" };
                writeln!(out, "(the patient is now voiced by {who})")?;
            }
            SessionEvent::State { .. } => {}
        }
    }
    Ok(())
}

fn affect_word(affect: rapport_scenario::Affect) -> &'static str {
    affect.as_str()
}

fn end_words(reason: EndReason) -> &'static str {
    match reason {
        EndReason::GoalReached => "The patient reached the goal of this conversation",
        EndReason::PatientLeft => "The patient ended the conversation",
        EndReason::TimeUp => "Time is up",
        EndReason::EndedByTrainee => "You ended the conversation",
    }
}

fn render_summary(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    let rating = match s.rating {
        Rating::BelowFair => "below fair",
        Rating::Fair => "fair",
        Rating::Good => "good",
    };
    writeln!(out, "\n== Summary: {rating} ==")?;
    writeln!(
        out,
        "Reflection-to-question ratio  {:>5.2}   (fair {:.0}:1, good {:.0}:1)",
        s.gauges.reflection_to_question,
        THRESHOLDS.fair_reflection_to_question,
        THRESHOLDS.good_reflection_to_question
    )?;
    writeln!(
        out,
        "Complex reflections           {:>4.0}%   (fair {:.0}%, good {:.0}%)",
        s.gauges.percent_complex_reflections,
        THRESHOLDS.fair_percent_complex_reflections,
        THRESHOLDS.good_percent_complex_reflections
    )?;
    writeln!(out, "Open questions                {:>4.0}%", s.gauges.percent_open_questions)?;
    writeln!(out, "Your share of the talk        {:>4.0}%", s.gauges.talk_share)?;
    writeln!(out, "MI-adherent {}, MI-non-adherent {}", s.mi_adherent, s.mi_non_adherent)?;
    writeln!(
        out,
        "The patient shared {} of {} things they were holding back.",
        s.disclosures, s.disclosures_possible
    )?;
    if !s.moments.is_empty() {
        writeln!(out, "Moments that mattered:")?;
        for m in &s.moments {
            let verdict = if m.helped { "helped" } else { "hurt" };
            writeln!(out, "  turn {:>2} ({verdict}): \"{}\"", m.turn, m.text.expose())?;
        }
    }
    writeln!(out, "Try next: {}", s.suggestion)?;
    if s.next_level_unlocked {
        writeln!(out, "The next level of this skill is now open.")?;
    }
    Ok(())
}
