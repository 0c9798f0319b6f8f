//! `rapport metrics export`: the released cells as one JSON document, with the rules they were
//! released under.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

use serde::Serialize;

use crate::aggregate::COUNTERS;
use crate::release::{Policy, ReleasedCell};
use crate::{Day, MetricsError};

/// The export's format name and version.
pub const FORMAT: &str = "rapport-metrics-export/1";

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    k: u64,
    epsilon: f64,
    laplace_scale: f64,
    withheld_from: Option<Day>,
    cells: Vec<ExportedCell<'a>>,
}

#[derive(Serialize)]
struct ExportedCell<'a> {
    day: Day,
    scenario: &'a str,
    difficulty: u8,
    counts: Counts,
}

/// A cell's counters as a JSON object, in the order of [`COUNTERS`].
struct Counts([u64; crate::aggregate::COUNTER_COUNT]);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (counter, value) in COUNTERS.iter().zip(self.0) {
            map.serialize_entry(counter.name, &value)?;
        }
        map.end()
    }
}

/// The export document of `cells`, released under `policy`.
pub fn to_json(cells: &[ReleasedCell], policy: &Policy) -> String {
    let export = Export {
        format: FORMAT,
        k: policy.k,
        epsilon: policy.epsilon,
        laplace_scale: policy.scale(),
        withheld_from: policy.withhold_from,
        cells: cells
            .iter()
            .map(|cell| ExportedCell {
                day: cell.day,
                scenario: &cell.scenario,
                difficulty: cell.difficulty,
                counts: Counts(cell.values),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&export).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

/// Writes an export to `path` (created or replaced, readable by its owner only).
pub fn write_file(path: &Path, json: &str) -> Result<(), MetricsError> {
    let doing = || format!("while writing the export {}", path.display());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| MetricsError::io(doing(), e))?;
    file.write_all(json.as_bytes()).map_err(|e| MetricsError::io(doing(), e))?;
    file.sync_all().map_err(|e| MetricsError::io(doing(), e))
}
