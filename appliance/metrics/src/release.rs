//! How aggregates leave the station: every output (dashboard, `/metrics`, export) is built from
//! the cells this module releases, and from nothing else.
//!
//! - A cell of the current UTC day is withheld until the day is over (by default), so each cell
//!   is released in one state only.
//! - A cell with fewer than *k* sessions is suppressed: it appears in no output, not even inside
//!   a total.
//! - Every counter of a released cell gets Laplace noise of scale `SENSITIVITY / epsilon`, is
//!   rounded to the nearest integer and clamped at zero. The noise is drawn from a ChaCha20
//!   stream seeded by SHA-256 of the station's secret noise key, the cell's identity and its
//!   true counters: asking again for the same data returns the same figures, so repeated
//!   queries cannot average the noise away.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore as _, SeedableRng as _};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::aggregate::{COUNTER_COUNT, SENSITIVITY};
use crate::store::Cell;
use crate::{Day, MetricsError};

/// The default *k*: cells with fewer sessions are suppressed.
pub const DEFAULT_K: u64 = 5;
/// The default privacy budget of one released cell.
pub const DEFAULT_EPSILON: f64 = 1.0;

/// The release rules an output follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Cells with fewer true sessions than this are suppressed.
    pub k: u64,
    /// The differential-privacy budget of each released cell (ε); the Laplace scale is
    /// [`SENSITIVITY`] / ε.
    pub epsilon: f64,
    /// Cells of this day and later are withheld (the day still running); `None` releases every
    /// day.
    pub withhold_from: Option<Day>,
}

impl Policy {
    /// The defaults: k = 5, ε = 1, today's cells withheld.
    pub fn standard() -> Self {
        Self { k: DEFAULT_K, epsilon: DEFAULT_EPSILON, withhold_from: Some(Day::today()) }
    }

    /// Checks that k is at least 1 and ε a positive finite number.
    pub fn check(&self) -> Result<(), String> {
        if self.k == 0 {
            return Err("k must be at least 1".into());
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(format!("epsilon must be a positive number, not {}", self.epsilon));
        }
        Ok(())
    }

    /// The Laplace scale b = sensitivity / ε.
    pub fn scale(&self) -> f64 {
        SENSITIVITY / self.epsilon
    }
}

/// The station's secret from which all noise is derived; kept in the database, renewed by an
/// erase.
#[derive(Clone, PartialEq, Eq)]
pub struct NoiseKey([u8; 32]);

impl std::fmt::Debug for NoiseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoiseKey(..)")
    }
}

impl NoiseKey {
    /// A fresh key from the operating system's random source.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        if getrandom::fill(&mut bytes).is_err() {
            // Without the system's random source, fall back on what varies between runs; the
            // noise still hides single sessions, it is only more predictable to the station.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            bytes = Sha256::digest(format!("{now}:{}", std::process::id())).into();
        }
        Self(bytes)
    }

    /// A key from a seed, so tests and benchmarks get the same noise every run.
    pub fn from_seed(seed: u64) -> Self {
        Self(Sha256::digest(seed.to_le_bytes()).into())
    }

    /// The key from its stored bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    /// The stored form.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// A cell as it may leave the station: noised, and known to hold at least *k* sessions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReleasedCell {
    /// The UTC day.
    pub day: Day,
    /// The scenario id.
    pub scenario: String,
    /// The difficulty, 1–5.
    pub difficulty: u8,
    /// The noised counters, in the order of [`crate::COUNTERS`].
    pub values: [u64; COUNTER_COUNT],
}

impl ReleasedCell {
    /// The noised session count.
    pub fn sessions(&self) -> u64 {
        self.values[0]
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Releases `cells` under `policy`: withheld days and cells under k dropped, the rest noised.
pub fn release(
    cells: &[Cell],
    policy: &Policy,
    key: &NoiseKey,
) -> Result<Vec<ReleasedCell>, MetricsError> {
    policy.check().map_err(|message| MetricsError::Config { path: "policy".into(), message })?;
    let scale = policy.scale();
    Ok(cells
        .iter()
        .filter(|cell| policy.withhold_from.is_none_or(|from| cell.day < from))
        .filter(|cell| cell.sessions() >= policy.k)
        .map(|cell| {
            let mut rng = ChaCha20Rng::from_seed(cell_seed(key, cell));
            let mut values = [0u64; COUNTER_COUNT];
            for (noised, &truth) in values.iter_mut().zip(&cell.values) {
                *noised = noisy_count(truth, laplace(&mut rng, scale));
            }
            ReleasedCell {
                day: cell.day,
                scenario: cell.scenario.clone(),
                difficulty: cell.difficulty,
                values,
            }
        })
        .collect())
}

/// The seed of a cell's noise: SHA-256 over the key, the cell's identity and its true counters.
fn cell_seed(key: &NoiseKey, cell: &Cell) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(key.0);
    hasher.update(cell.day.unix_days().to_le_bytes());
    hasher.update((cell.scenario.len() as u64).to_le_bytes());
    hasher.update(cell.scenario.as_bytes());
    hasher.update([cell.difficulty]);
    for value in cell.values {
        hasher.update(value.to_le_bytes());
    }
    hasher.finalize().into()
}

/// One draw from Laplace(0, `scale`), by inverting its distribution function.
pub fn laplace(rng: &mut ChaCha20Rng, scale: f64) -> f64 {
    // A uniform in the open interval (0, 1): 53 random bits, centred in their step.
    let uniform = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    if uniform < 0.5 { scale * (2.0 * uniform).ln() } else { -scale * (2.0 - 2.0 * uniform).ln() }
}

/// `truth + noise`, rounded to the nearest integer and clamped at zero.
fn noisy_count(truth: u64, noise: f64) -> u64 {
    let noised = (truth as f64 + noise).round();
    if noised <= 0.0 { 0 } else { noised as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(day: i64, scenario: &str, sessions: u64) -> Cell {
        let mut values = [0u64; COUNTER_COUNT];
        values[0] = sessions;
        values[4] = sessions;
        Cell { day: Day::from_unix_days(day), scenario: scenario.into(), difficulty: 1, values }
    }

    fn policy(k: u64, epsilon: f64) -> Policy {
        Policy { k, epsilon, withhold_from: None }
    }

    #[test]
    fn cells_under_k_and_withheld_days_are_dropped() {
        let cells = [cell(1, "a", 4), cell(1, "b", 5), cell(2, "a", 50), cell(3, "a", 9)];
        let mut rules = policy(5, 1.0);
        rules.withhold_from = Some(Day::from_unix_days(3));
        let released = release(&cells, &rules, &NoiseKey::from_seed(1)).expect("valid policy");
        let kept: Vec<(i64, &str)> =
            released.iter().map(|c| (c.day.unix_days(), c.scenario.as_str())).collect();
        assert_eq!(kept, [(1, "b"), (2, "a")]);
    }

    #[test]
    fn the_same_data_gets_the_same_noise_and_other_keys_other_noise() {
        let cells: Vec<Cell> = (0..50).map(|d| cell(d, "a", 40)).collect();
        let once = release(&cells, &policy(5, 0.5), &NoiseKey::from_seed(7)).expect("valid");
        let again = release(&cells, &policy(5, 0.5), &NoiseKey::from_seed(7)).expect("valid");
        let other = release(&cells, &policy(5, 0.5), &NoiseKey::from_seed(8)).expect("valid");
        assert_eq!(once, again);
        assert_ne!(once, other);
        assert!(once.iter().any(|c| c.sessions() != 40), "the noise moves some counts");
    }

    #[test]
    fn the_noise_has_the_laplace_scale_the_budget_asks_for() {
        // Mean absolute deviation of Laplace(0, b) is b; 20,000 draws pin it within a few %.
        for epsilon in [0.5, 1.0, 4.0] {
            let rules = policy(1, epsilon);
            let cells: Vec<Cell> = (0..20_000).map(|d| cell(d, "a", 1000)).collect();
            let released = release(&cells, &rules, &NoiseKey::from_seed(3)).expect("valid");
            let deviation: f64 =
                released.iter().map(|c| (c.sessions() as f64 - 1000.0).abs()).sum::<f64>()
                    / released.len() as f64;
            let expected = rules.scale();
            assert!(
                (deviation - expected).abs() < 0.05 * expected + 0.3,
                "epsilon {epsilon}: mean |noise| {deviation}, expected {expected}"
            );
            let mean: f64 = released.iter().map(|c| c.sessions() as f64 - 1000.0).sum::<f64>()
                / released.len() as f64;
            assert!(mean.abs() < 0.1 * expected, "epsilon {epsilon}: biased by {mean}");
        }
    }

    #[test]
    fn counts_never_go_negative_and_bad_policies_are_refused() {
        assert_eq!(noisy_count(2, -7.4), 0);
        assert_eq!(noisy_count(2, 0.6), 3);
        let cells = [cell(1, "a", 5)];
        for bad in [policy(0, 1.0), policy(5, 0.0), policy(5, f64::INFINITY), policy(5, f64::NAN)] {
            assert!(release(&cells, &bad, &NoiseKey::from_seed(1)).is_err());
        }
    }
}
