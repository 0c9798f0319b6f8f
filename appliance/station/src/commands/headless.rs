//! `rapport --headless`: the station as a service without a screen, for servers, demos and the
//! boot test of the image. It hardens itself, loads its catalog, tells systemd it is ready, pings
//! the watchdog, and stops cleanly on SIGTERM or SIGINT.
//!
//! The remote-peer and metrics servers will run inside it as their issues land.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use nix::sys::signal::{SigSet, Signal};
use tracing::{info, warn};

use crate::catalog;
use crate::config::StationConfig;
use crate::systemd::{Notifier, watchdog_interval};

pub fn run() -> anyhow::Result<ExitCode> {
    let config = StationConfig::load().context("while reading the station's configuration")?;
    let hardening =
        rapport_wipe::harden(config.memory_lock).context("while hardening the process")?;
    if let Some(reason) = hardening.memory_lock_skipped {
        warn!(reason = %reason, "memory is not locked against swap");
    }
    // Block the stop signals before any thread starts, so only `wait` below receives them.
    let mut stop = SigSet::empty();
    stop.add(Signal::SIGTERM);
    stop.add(Signal::SIGINT);
    stop.thread_block().context("while blocking SIGTERM and SIGINT")?;

    let load = catalog::load(config.scenarios.as_deref())?;
    for error in &load.errors {
        warn!(error = %error, "a scenario file was skipped");
    }
    if load.catalog.is_empty() {
        anyhow::bail!("no valid scenario in the catalog; the station has nothing to offer");
    }
    let notifier = Notifier::from_env().context("while connecting to $NOTIFY_SOCKET")?;
    if !notifier.is_active() {
        info!("not started by systemd: readiness goes unannounced");
    }
    if let Some(interval) = watchdog_interval() {
        spawn_watchdog(interval)?;
    }
    notifier
        .notify(&format!("READY=1\nSTATUS=ready with {} scenarios", load.catalog.len()))
        .context("while telling systemd the station is ready")?;
    info!(count = load.catalog.len(), "station ready");

    let signal = stop.wait().context("while waiting for a stop signal")?;
    notifier.notify("STOPPING=1").context("while telling systemd the station stops")?;
    info!(reason = signal.as_str(), "station stopping");
    Ok(ExitCode::SUCCESS)
}

/// Pings the watchdog every `interval` from a thread of its own, with a notifier of its own.
fn spawn_watchdog(interval: Duration) -> anyhow::Result<()> {
    let notifier = Notifier::from_env().context("while connecting to $NOTIFY_SOCKET")?;
    std::thread::Builder::new()
        .name("watchdog".to_owned())
        .spawn(move || {
            loop {
                if let Err(error) = notifier.notify("WATCHDOG=1") {
                    warn!(error = %error, "a watchdog ping failed");
                }
                std::thread::sleep(interval);
            }
        })
        .context("while starting the watchdog thread")?;
    Ok(())
}
