//! Every output (the export, the OpenMetrics body, the dashboard page) shows only cells with at
//! least k sessions, and only noised figures.

use rapport_metrics::aggregate::Outcome;
use rapport_metrics::release::{NoiseKey, Policy, release};
use rapport_metrics::{Day, SessionAggregate, Store, dashboard, export, openmetrics};
use rapport_session::{EndReason, Rating};

fn aggregate(scenario: &str, n: u32) -> SessionAggregate {
    SessionAggregate::new(
        scenario,
        3,
        Outcome {
            end_reason: if n.is_multiple_of(4) {
                EndReason::EndedByTrainee
            } else {
                EndReason::GoalReached
            },
            goal_reached: !n.is_multiple_of(4),
            rating: if n.is_multiple_of(2) { Rating::Good } else { Rating::Fair },
            reflection_to_question: 0.5 + f64::from(n % 5) * 0.5,
            percent_complex_reflections: f64::from(30 + n % 40),
            percent_open_questions: f64::from(20 + n % 70),
        },
    )
    .expect("a valid aggregate")
}

struct Outputs {
    export: String,
    metrics: String,
    page: String,
}

fn outputs(
    store: &Store,
    policy: &Policy,
    key: &NoiseKey,
) -> (Outputs, Vec<rapport_metrics::ReleasedCell>) {
    let cells = release(&store.cells().expect("cells"), policy, key).expect("released");
    let outputs = Outputs {
        export: export::to_json(&cells, policy),
        metrics: openmetrics::render(&cells),
        page: dashboard::render(&cells, policy),
    };
    (outputs, cells)
}

/// Fills `store` with 40 days of a scenario with 12 sessions a day, and one of 4 a day.
fn fill(store: &mut Store, first: Day) {
    let big: Vec<SessionAggregate> = (0..12).map(|n| aggregate("big-cell", n)).collect();
    let small: Vec<SessionAggregate> = (0..4).map(|n| aggregate("small-cell", n)).collect();
    let entries = (0..40).flat_map(|d| {
        let day = first.plus(d);
        big.iter().chain(&small).map(move |a| (day, a, 1))
    });
    store.record_many(entries).expect("filled");
}

#[test]
fn cells_under_k_appear_in_no_output_and_change_none() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a store");
    let first = Day::parse("2025-01-06").expect("a date");
    fill(&mut store, first);
    let policy = Policy { k: 5, epsilon: 1.0, withhold_from: None };
    let key = NoiseKey::from_seed(11);
    let (with_small, cells) = outputs(&store, &policy, &key);
    assert_eq!(cells.len(), 40, "only the big cells are released");
    for (name, text) in [
        ("export", &with_small.export),
        ("metrics", &with_small.metrics),
        ("page", &with_small.page),
    ] {
        assert!(!text.contains("small-cell"), "{name} shows a suppressed cell");
        assert!(text.contains("big-cell"), "{name} misses a released cell");
    }
    // A store without the small cells gives byte-identical outputs: they are in no total either.
    let other = tempfile::tempdir().expect("a scratch folder");
    let mut without = Store::open(other.path()).expect("a store");
    let big: Vec<SessionAggregate> = (0..12).map(|n| aggregate("big-cell", n)).collect();
    without
        .record_many((0..40).flat_map(|d| big.iter().map(move |a| (first.plus(d), a, 1))))
        .expect("filled");
    let (only_big, _) = outputs(&without, &policy, &key);
    assert_eq!(with_small.export, only_big.export);
    assert_eq!(with_small.metrics, only_big.metrics);
    assert_eq!(with_small.page, only_big.page);
    // With k above every cell, nothing at all is shown.
    let strict = Policy { k: 13, ..policy };
    let (none, cells) = outputs(&store, &strict, &key);
    assert!(cells.is_empty());
    assert!(!none.metrics.contains("scenario="), "{}", none.metrics);
    assert!(none.page.contains("id=\"empty\""));
    assert!(none.export.contains("\"cells\": []"));
}

#[test]
fn every_output_carries_the_noised_figures_not_the_true_ones() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a store");
    let first = Day::parse("2025-01-06").expect("a date");
    fill(&mut store, first);
    let policy = Policy { k: 5, epsilon: 1.0, withhold_from: None };
    let (out, cells) = outputs(&store, &policy, &NoiseKey::from_seed(5));
    let truth = 12u64;
    let noised: Vec<u64> = cells.iter().map(|c| c.sessions()).collect();
    assert!(
        noised.iter().filter(|&&n| n != truth).count() > 20,
        "most counts are moved: {noised:?}"
    );

    // Export: each cell's sessions is its noised value.
    let export: serde_json::Value = serde_json::from_str(&out.export).expect("JSON");
    let exported: Vec<u64> = export["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| c["counts"]["sessions"].as_u64().expect("a count"))
        .collect();
    assert_eq!(exported, noised);
    assert_eq!(export["k"], 5);
    assert_eq!(export["laplace_scale"], 7.0);

    // OpenMetrics: the total is the sum of the noised cells, not 40 × 12.
    let total: u64 = noised.iter().sum();
    assert_ne!(total, 40 * truth);
    assert!(
        out.metrics.contains(&format!(
            "rapport_sessions{{scenario=\"big-cell\",difficulty=\"3\"}} {total}\n"
        )),
        "{}",
        out.metrics
    );

    // Dashboard: the weekly bars add up to the same noised total.
    let section = out.page.split("id=\"sessions\"").nth(1).expect("the sessions chart");
    let section = section.split("</section>").next().expect("its end");
    let plotted: f64 = section
        .split("class=\"bar\"")
        .skip(1)
        .map(|bar| {
            let value = bar.split("data-value=\"").nth(1).expect("a value");
            value.split('"').next().expect("a number").parse::<f64>().expect("numeric")
        })
        .sum();
    assert_eq!(plotted, total as f64);

    // The same data and key give the same figures on every request.
    let (again, _) = outputs(&store, &policy, &NoiseKey::from_seed(5));
    assert_eq!(again.page, out.page);
}

#[test]
fn the_current_day_is_withheld_by_default() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a store");
    let today = Day::today();
    let sessions: Vec<SessionAggregate> = (0..8).map(|n| aggregate("today", n)).collect();
    store.record_many(sessions.iter().map(|a| (today, a, 1))).expect("recorded");
    let (out, cells) = outputs(&store, &Policy::standard(), &store.noise_key().expect("a key"));
    assert!(cells.is_empty());
    assert!(!out.export.contains("\"today\""));
}
