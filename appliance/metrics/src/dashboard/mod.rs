//! The dashboard page: plots of the released aggregates over time, rendered on the server.
//!
//! - [`overview`]: the figures, computed from released cells only.
//! - [`svg`]: the charts.
//! - [`html`]: escaping, the page frame and the login form.

pub mod html;
pub mod overview;
pub mod svg;

use std::fmt::Write as _;

use crate::aggregate::Family;
use crate::release::{Policy, ReleasedCell};
use html::escape;
use overview::{Overview, Totals};
use svg::Threshold;

/// The dashboard page for `cells`, released under `policy`.
pub fn render(cells: &[ReleasedCell], policy: &Policy) -> String {
    let overview = Overview::of(cells);
    let logout = "<form class=\"inline\" method=\"post\" action=\"/logout\">\
                  <button type=\"submit\">Log out</button></form>";
    let mut body = String::with_capacity(64 * 1024);
    let through = overview.last_day.map_or_else(|| "no day yet".to_owned(), |d| d.to_string());
    let _ = write!(
        body,
        "<p class=\"note\" id=\"rules\">Consented sessions only, counted per day, scenario and \
         difficulty. Groups of fewer than {k} sessions are left out; every count carries Laplace \
         noise (ε = {epsilon} per group, scale {scale:.1}). Data through {through}.</p>",
        k = policy.k,
        epsilon = policy.epsilon,
        scale = policy.scale()
    );
    if overview.weeks.is_empty() {
        body.push_str(
            "<section id=\"empty\"><h2>No figures yet</h2><p>No day has enough consented \
             sessions of one scenario and difficulty to be shown.</p></section>",
        );
        return html::page("Rapport lab statistics", logout, &body);
    }
    let week_label = |day: &crate::Day| day.to_string();
    let sessions: Vec<(String, f64)> =
        overview.weeks.iter().map(|(w, t)| (week_label(w), t.sessions() as f64)).collect();
    section(&mut body, "sessions", "Sessions per week", &svg::bars("Sessions per week", &sessions));
    let mean_series = |family: Family| -> Vec<(String, Option<f64>)> {
        overview.weeks.iter().map(|(w, t)| (week_label(w), t.mean(family))).collect()
    };
    section(
        &mut body,
        "reflection-to-question",
        "Reflections per question (weekly mean)",
        &svg::line(
            "Reflections per question",
            &mean_series(Family::ReflectionToQuestion),
            &[Threshold { value: 1.0, label: "fair" }, Threshold { value: 2.0, label: "good" }],
            None,
        ),
    );
    section(
        &mut body,
        "complex-reflections",
        "% complex reflections (weekly mean)",
        &svg::line(
            "% complex reflections",
            &mean_series(Family::PercentComplexReflections),
            &[Threshold { value: 40.0, label: "fair" }, Threshold { value: 50.0, label: "good" }],
            Some(100.0),
        ),
    );
    section(
        &mut body,
        "open-questions",
        "% open questions (weekly mean)",
        &svg::line(
            "% open questions",
            &mean_series(Family::PercentOpenQuestions),
            &[],
            Some(100.0),
        ),
    );
    let levels: Vec<(String, f64)> = overview
        .by_difficulty
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("level {}", i + 1), t.sessions() as f64))
        .collect();
    section(
        &mut body,
        "difficulty",
        "Sessions by difficulty",
        &svg::bars("Sessions by difficulty", &levels),
    );
    let abandoned: Vec<(String, f64)> = overview
        .by_scenario
        .iter()
        .map(|((id, level), t)| {
            (format!("{id} ({level})"), t.percent_of_sessions("ended_by_trainee").unwrap_or(0.0))
        })
        .collect();
    section(
        &mut body,
        "abandoned",
        "% of sessions ended early by the trainee, by scenario",
        &svg::bars("% abandoned by scenario", &abandoned),
    );
    body.push_str(&scenario_table(&overview.by_scenario));
    html::page("Rapport lab statistics", logout, &body)
}

fn section(body: &mut String, id: &str, title: &str, content: &str) {
    let _ = write!(body, "<section id=\"{id}\"><h2>{}</h2>{content}</section>", escape(title));
}

fn scenario_table(rows: &[((String, u8), Totals)]) -> String {
    let percent = |t: &Totals, name: &str| {
        t.percent_of_sessions(name).map_or_else(|| "–".to_owned(), |p| format!("{p:.0} %"))
    };
    let mut out = String::from(
        "<section id=\"scenarios\"><h2>By scenario</h2><table><thead><tr><th>scenario</th>\
         <th>level</th><th>sessions</th><th>goal reached</th><th>abandoned</th><th>below fair</th>\
         <th>fair</th><th>good</th></tr></thead><tbody>",
    );
    for ((id, level), totals) in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{level}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            escape(id),
            totals.sessions(),
            percent(totals, "goal_reached"),
            percent(totals, "ended_by_trainee"),
            percent(totals, "rated_below_fair"),
            percent(totals, "rated_fair"),
            percent(totals, "rated_good"),
        );
    }
    out.push_str("</tbody></table></section>");
    out
}

/// Reads, releases and renders the page: everything a dashboard request does past routing.
pub fn render_from_store(
    store: &crate::Store,
    policy: &Policy,
) -> Result<String, crate::MetricsError> {
    let cells = crate::release::release(&store.cells()?, policy, &store.noise_key()?)?;
    Ok(render(&cells, policy))
}
