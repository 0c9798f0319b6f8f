//! One controller per screen: each turns what the station knows (the catalog, the progression,
//! the engine's [`SessionEvent`](rapport_session::SessionEvent)s) into its screen's adapter
//! properties, and clears them when the session is wiped. Controllers never decide anything
//! about the session; the engine does.

pub mod attract;
pub mod catalog;
pub mod consent;
pub mod conversation;
pub mod maintenance;
pub mod summary;
pub mod wiped;

use rapport_session::{Gauges, THRESHOLDS};

use crate::generated::{Gauge, Standing};

/// The scale of the reflection-to-question gauge: 3 reflections per question fills it.
const REFLECTION_SCALE: f64 = 3.0;

/// Where a value stands against its fair and good thresholds.
fn standing(value: f64, fair: f64, good: f64) -> Standing {
    if value >= good {
        Standing::Good
    } else if value >= fair {
        Standing::Fair
    } else {
        Standing::Below
    }
}

fn fraction(value: f64, scale: f64) -> f32 {
    // Gauge geometry only needs f32 precision.
    (value / scale).clamp(0.0, 1.0) as f32
}

/// The four gauges, with the thresholds `rapport_session` defines (MITI 4.2 has thresholds for
/// the reflection-to-question ratio and % complex reflections only). With nothing coded yet,
/// no gauge claims a standing.
pub(crate) fn gauges(gauges: &Gauges, anything_coded: bool) -> Vec<Gauge> {
    let t = THRESHOLDS;
    let rated = |value: f64, fair: f64, good: f64| {
        if anything_coded { standing(value, fair, good) } else { Standing::None }
    };
    let dash = |text: String| if anything_coded { text } else { "–".to_owned() };
    vec![
        Gauge {
            name: "reflection_to_question".into(),
            value_text: dash(format!("{:.1}", gauges.reflection_to_question)).into(),
            fraction: fraction(gauges.reflection_to_question, REFLECTION_SCALE),
            fair_fraction: fraction(t.fair_reflection_to_question, REFLECTION_SCALE),
            good_fraction: fraction(t.good_reflection_to_question, REFLECTION_SCALE),
            standing: rated(
                gauges.reflection_to_question,
                t.fair_reflection_to_question,
                t.good_reflection_to_question,
            ),
        },
        Gauge {
            name: "percent_complex_reflections".into(),
            value_text: dash(format!("{:.0}%", gauges.percent_complex_reflections)).into(),
            fraction: fraction(gauges.percent_complex_reflections, 100.0),
            fair_fraction: fraction(t.fair_percent_complex_reflections, 100.0),
            good_fraction: fraction(t.good_percent_complex_reflections, 100.0),
            standing: rated(
                gauges.percent_complex_reflections,
                t.fair_percent_complex_reflections,
                t.good_percent_complex_reflections,
            ),
        },
        Gauge {
            name: "percent_open_questions".into(),
            value_text: dash(format!("{:.0}%", gauges.percent_open_questions)).into(),
            fraction: fraction(gauges.percent_open_questions, 100.0),
            fair_fraction: 0.0,
            good_fraction: 0.0,
            standing: Standing::None,
        },
        Gauge {
            name: "talk_share".into(),
            value_text: dash(format!("{:.0}%", gauges.talk_share)).into(),
            fraction: fraction(gauges.talk_share, 100.0),
            fair_fraction: 0.0,
            good_fraction: 0.0,
            standing: Standing::None,
        },
    ]
}
