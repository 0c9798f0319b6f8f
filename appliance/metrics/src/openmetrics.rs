//! The `/metrics` endpoint's body in the OpenMetrics text format: totals per scenario and
//! difficulty, summed over the released cells (so suppressed cells count nowhere).
//!
//! Every family is a gauge: noised totals can move down when a new day is released, which a
//! counter may not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::aggregate::{COUNTER_COUNT, COUNTERS, Family};
use crate::release::ReleasedCell;

/// The content type of the body.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

struct FamilyText {
    name: &'static str,
    help: &'static str,
    label: Option<&'static str>,
}

fn describe(family: Family) -> FamilyText {
    let (name, help, label) = match family {
        Family::Sessions => ("rapport_sessions", "Consented practice sessions.", None),
        Family::EndReason => (
            "rapport_sessions_by_end_reason",
            "Consented sessions by why they ended.",
            Some("reason"),
        ),
        Family::GoalReached => {
            ("rapport_sessions_goal_reached", "Consented sessions that reached the goal.", None)
        }
        Family::Rating => {
            ("rapport_sessions_by_rating", "Consented sessions by MITI rating.", Some("rating"))
        }
        Family::ReflectionToQuestion => (
            "rapport_sessions_by_reflection_to_question",
            "Consented sessions by reflection-to-question ratio bucket.",
            Some("bucket"),
        ),
        Family::PercentComplexReflections => (
            "rapport_sessions_by_percent_complex_reflections",
            "Consented sessions by percent complex reflections bucket.",
            Some("bucket"),
        ),
        Family::PercentOpenQuestions => (
            "rapport_sessions_by_percent_open_questions",
            "Consented sessions by percent open questions bucket.",
            Some("bucket"),
        ),
    };
    FamilyText { name, help, label }
}

/// The body for `cells`: noised totals over all released days, per scenario and difficulty.
pub fn render(cells: &[ReleasedCell]) -> String {
    let mut totals: BTreeMap<(&str, u8), [u64; COUNTER_COUNT]> = BTreeMap::new();
    for cell in cells {
        let total = totals.entry((&cell.scenario, cell.difficulty)).or_insert([0; COUNTER_COUNT]);
        for (sum, value) in total.iter_mut().zip(cell.values) {
            *sum += value;
        }
    }
    let mut out = String::with_capacity(256 + totals.len() * COUNTER_COUNT * 96);
    let mut families: Vec<Family> = Vec::new();
    for counter in COUNTERS {
        if !families.contains(&counter.family) {
            families.push(counter.family);
        }
    }
    for family in families {
        let text = describe(family);
        let _ = writeln!(out, "# TYPE {} gauge", text.name);
        let _ =
            writeln!(out, "# HELP {} {} Noised; cells under k suppressed.", text.name, text.help);
        for ((scenario, difficulty), values) in &totals {
            for (index, counter) in COUNTERS.iter().enumerate().filter(|(_, c)| c.family == family)
            {
                let extra =
                    text.label.map(|l| format!(",{l}=\"{}\"", counter.label)).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}{{scenario=\"{}\",difficulty=\"{difficulty}\"{extra}}} {}",
                    text.name,
                    escape(scenario),
                    values[index]
                );
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

/// Escapes a label value (scenario ids are plain already; this keeps the format safe anyway).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Day;

    #[test]
    fn sums_cells_per_scenario_and_ends_with_eof() {
        let mut values = [0u64; COUNTER_COUNT];
        values[0] = 6;
        values[7] = 2;
        let cell = |day| ReleasedCell {
            day: Day::from_unix_days(day),
            scenario: "alcohol-weekend".into(),
            difficulty: 2,
            values,
        };
        let body = render(&[cell(1), cell(2)]);
        assert!(
            body.contains("rapport_sessions{scenario=\"alcohol-weekend\",difficulty=\"2\"} 12\n")
        );
        assert!(body.contains(
            "rapport_sessions_by_rating{scenario=\"alcohol-weekend\",difficulty=\"2\",rating=\"fair\"} 4\n"
        ));
        assert!(body.ends_with("# EOF\n"));
        assert_eq!(body.matches("# TYPE").count(), 7);
    }
}
