//! `rapport bench ui`: how long the software renderer takes for one full frame of the
//! conversation screen, beside the attract screen measured in the same run.

use std::time::{Duration, Instant};

use slint::Rgb8Pixel;

use crate::config::KioskConfig;
use crate::error::UiError;
use crate::generated::KioskWindow;
use crate::headless::Headless;
use crate::intent::Intent;
use crate::kiosk::Kiosk;
use crate::screens::DEMO_LINES;

/// A frame must render in less than this (60 frames a second).
pub const FRAME_TARGET: Duration = Duration::from_millis(16);

/// Frame times of one run.
#[derive(Clone, Debug)]
pub struct FrameTimes {
    /// Width and height of the frames.
    pub size: (u32, u32),
    /// How many frames of each screen were timed.
    pub rounds: u32,
    /// Full frames of the conversation screen, after a few exchanges, sorted.
    pub conversation: Vec<Duration>,
    /// Full frames of the attract screen (the baseline), sorted.
    pub attract: Vec<Duration>,
}

impl FrameTimes {
    /// The median of sorted `times`.
    pub fn median(times: &[Duration]) -> Duration {
        times.get(times.len() / 2).copied().unwrap_or_default()
    }
}

/// Times `rounds` full frames of each screen at `size`, on this thread (the software renderer
/// draws on the calling thread only). Installs the headless platform in this thread.
pub fn frame_times(
    config: KioskConfig,
    size: (u32, u32),
    rounds: u32,
) -> Result<FrameTimes, UiError> {
    let headless = Headless::install()?;
    headless.set_size(size.0, size.1);
    let scenario = config
        .catalog
        .iter()
        .find(|scenario| scenario.difficulty == rapport_scenario::Difficulty::MIN)
        .map(|scenario| scenario.id.clone())
        .ok_or(UiError::EmptyCatalog)?;
    let window = KioskWindow::new().map_err(UiError::Screen)?;
    let kiosk = Kiosk::new(&window, config);
    let stride = size.0 as usize;
    let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); stride * size.1 as usize];
    let mut time = |headless: &Headless| {
        // One untimed frame lays the screen out and fills the glyph cache.
        headless.advance(Duration::from_secs(1));
        headless.render_into(&mut pixels, stride);
        let mut times: Vec<Duration> = (0..rounds.max(1))
            .map(|_| {
                let started = Instant::now();
                headless.render_into(&mut pixels, stride);
                started.elapsed()
            })
            .collect();
        times.sort();
        times
    };
    let attract = time(&headless);
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(scenario));
    kiosk.handle(Intent::Start);
    for line in DEMO_LINES {
        kiosk.handle(Intent::Say(line.into()));
    }
    let conversation = time(&headless);
    kiosk.handle(Intent::End);
    kiosk.handle(Intent::Finish);
    Ok(FrameTimes { size, rounds: rounds.max(1), conversation, attract })
}
