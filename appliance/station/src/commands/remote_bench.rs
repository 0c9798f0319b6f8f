//! `rapport bench remote`: remote peers on loopback, measured with real headless chromium
//! (`tests/browser/remote.mjs`, driven as in the browser test): the time from code entry to
//! audio flowing both ways, mouth-to-ear latency (ticks from the station's source, sent back by
//! each page in place of its microphone and decoded at the station: the round trip on one clock,
//! and half of it for one way), and the station's CPU per connected audio peer against the same
//! station with no peer.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use rapport_media::{Media, MediaConfig, MediaEvent, StationSource};
use rapport_signalling::{Config, Handle, Input, MediaCommand, Server, TlsSource, Upward};
use rapport_wire::{PeerId, Role};
use serde::Serialize;
use serde_json::{Value, json};

use crate::cli::BenchArgs;

/// Peers connected at once.
const PEERS: usize = 3;
/// How long latency is sampled, and CPU measured.
const WINDOW: Duration = Duration::from_secs(10);
/// Targets on loopback.
const JOIN_TARGET_MS: f64 = 2_000.0;
const LATENCY_TARGET_MS: f64 = 120.0;
const CPU_TARGET_PERCENT: f64 = 10.0;

#[derive(Serialize)]
struct Figures {
    peers: usize,
    join_to_audio_ms_median: f64,
    join_to_audio_ms_max: f64,
    load_to_audio_ms_median: f64,
    join_target_ms: f64,
    round_trip_ms_median: f64,
    round_trip_ms_p95: f64,
    one_way_ms_median: f64,
    one_way_ms_p95: f64,
    latency_samples: usize,
    latency_target_ms: f64,
    cpu_percent_no_peer: f64,
    cpu_percent_with_peers: f64,
    cpu_percent_per_peer: f64,
    cpu_target_percent: f64,
}

#[derive(Default)]
struct Onsets {
    station: Vec<f64>,
    peers: HashMap<PeerId, Vec<f64>>,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let script = browser_script()?;
    let (server, upward) = Server::start(Config {
        listen: "127.0.0.1:0".parse().context("the loopback address")?,
        tls: TlsSource::Generate,
        ice_servers: Vec::new(),
    })
    .context("while starting the signalling server")?;
    let (media_events, media_inbox) = channel();
    let config = MediaConfig {
        source: StationSource::Ticks,
        local_addresses: vec!["127.0.0.1".into()],
        onsets: true,
        ..MediaConfig::default()
    };
    let media = Arc::new(Media::start(config, media_events).context("while starting the media")?);
    let handle = server.handle();
    let onsets = Arc::new(Mutex::new(Onsets::default()));
    let (codes, code_inbox) = channel();
    glue(upward, media_inbox, Arc::clone(&media), handle.clone(), Arc::clone(&onsets), codes)?;
    handle.send(Input::SessionStarted);

    // The station alone, for the CPU baseline.
    std::thread::sleep(Duration::from_secs(2));
    let cpu_no_peer = cpu_percent_over(WINDOW)?;

    let mut browser = Browser::start(&script)?;
    let url = server.url();
    let mut joins = Vec::new();
    let mut loads = Vec::new();
    for index in 0..PEERS {
        let name = format!("peer{index}");
        handle.invite(Role::Actor).context("while drawing a code")?;
        let code = code_inbox.recv_timeout(Duration::from_secs(10)).context("no code came")?;
        browser.call(json!({"do": "open", "name": name, "url": url}))?;
        let joined = browser.call(json!({"do": "join_until_audio", "name": name, "code": code}))?;
        joins.push(number(&joined["joinToAudioMs"]));
        loads.push(number(&joined["loadToAudioMs"]));
    }
    let mut peer_ids = Vec::new();
    for index in 0..PEERS {
        let name = format!("peer{index}");
        let client = browser.call(json!({"do": "client", "name": name}))?;
        let peer = client["peer"].as_u64().with_context(|| format!("no peer id in {client}"))?;
        peer_ids.push(PeerId(peer as u32));
        browser.call(json!({"do": "echo_start", "name": name}))?;
    }
    // Let the echoes settle before listening.
    std::thread::sleep(Duration::from_secs(1));
    if let Ok(mut onsets) = onsets.lock() {
        *onsets = Onsets::default();
    }
    let cpu_with_peers = cpu_percent_over(WINDOW)?;
    let recorded = onsets.lock().map(|o| (o.station.clone(), o.peers.clone())).unwrap_or_default();
    let mut round_trips = Vec::new();
    for peer in &peer_ids {
        // Each sound back from the peer, after the latest tick the station sent before it
        // (ticks come once a second, so the pairing is unambiguous below that).
        for back in recorded.1.get(peer).cloned().unwrap_or_default() {
            if let Some(sent) = recorded.0.iter().rev().find(|s| **s <= back)
                && back - sent < 900.0
            {
                round_trips.push(back - sent);
            }
        }
    }
    browser.quit();
    handle.send(Input::SessionEnded);
    drop(server);

    let figures = Figures {
        peers: PEERS,
        join_to_audio_ms_median: percentile(&joins, 50.0),
        join_to_audio_ms_max: percentile(&joins, 100.0),
        load_to_audio_ms_median: percentile(&loads, 50.0),
        join_target_ms: JOIN_TARGET_MS,
        round_trip_ms_median: percentile(&round_trips, 50.0),
        round_trip_ms_p95: percentile(&round_trips, 95.0),
        one_way_ms_median: percentile(&round_trips, 50.0) / 2.0,
        one_way_ms_p95: percentile(&round_trips, 95.0) / 2.0,
        latency_samples: round_trips.len(),
        latency_target_ms: LATENCY_TARGET_MS,
        cpu_percent_no_peer: cpu_no_peer,
        cpu_percent_with_peers: cpu_with_peers,
        cpu_percent_per_peer: ((cpu_with_peers - cpu_no_peer) / PEERS as f64).max(0.0),
        cpu_target_percent: CPU_TARGET_PERCENT,
    };
    print(args, &figures)?;
    Ok(ExitCode::SUCCESS)
}

fn print(args: &BenchArgs, f: &Figures) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.json {
        return super::bench::write_json_line(&mut out, f);
    }
    let rows = [
        ("code entry → audio both ways, median (ms)", f.join_to_audio_ms_median, f.join_target_ms),
        ("code entry → audio both ways, worst (ms)", f.join_to_audio_ms_max, f.join_target_ms),
        ("page load → audio both ways, median (ms)", f.load_to_audio_ms_median, f64::NAN),
        ("round trip station → peer → station, median (ms)", f.round_trip_ms_median, f64::NAN),
        ("round trip station → peer → station, p95 (ms)", f.round_trip_ms_p95, f64::NAN),
        ("mouth-to-ear one way (half), median (ms)", f.one_way_ms_median, f.latency_target_ms),
        ("mouth-to-ear one way (half), p95 (ms)", f.one_way_ms_p95, f.latency_target_ms),
        ("station CPU, no peer (% of one core)", f.cpu_percent_no_peer, f64::NAN),
        ("station CPU, with the peers (% of one core)", f.cpu_percent_with_peers, f64::NAN),
        (
            "station CPU per audio peer (% of one core)",
            f.cpu_percent_per_peer,
            f.cpu_target_percent,
        ),
    ];
    writeln!(out, "remote peers on loopback: {} actors at once, Opus both ways", f.peers)
        .context("while writing")?;
    writeln!(out, "{:<50} {:>10} {:>10}", "", "measured", "target").context("while writing")?;
    for (name, value, target) in rows {
        let target = if target.is_nan() { "-".to_owned() } else { format!("< {target:.0}") };
        writeln!(out, "{name:<50} {value:>10.1} {target:>10}").context("while writing")?;
    }
    writeln!(
        out,
        "latency: {} ticks timed on the station's clock, from its source to their echo from \
         each page decoded back at the station; one way is half (both directions: Opus in \
         10 ms frames and a jitter buffer)",
        f.latency_samples
    )
    .context("while writing")?;
    Ok(())
}

/// Carries the router's decisions to the media and back, and notes the onsets.
fn glue(
    upward: Receiver<Upward>,
    media_inbox: Receiver<MediaEvent>,
    media: Arc<Media>,
    handle: Handle,
    onsets: Arc<Mutex<Onsets>>,
    codes: std::sync::mpsc::Sender<String>,
) -> anyhow::Result<()> {
    let media_handle = handle.clone();
    std::thread::Builder::new()
        .name("bench-media".into())
        .spawn(move || {
            for event in media_inbox {
                match event {
                    MediaEvent::Offer { peer, sdp } => {
                        media_handle.send(Input::Offer { peer, sdp })
                    }
                    MediaEvent::Ice { peer, candidate, sdp_m_line_index } => {
                        media_handle.send(Input::LocalIce { peer, candidate, sdp_m_line_index });
                    }
                    MediaEvent::Onset { peer, at_unix_ms } => {
                        if let Ok(mut onsets) = onsets.lock() {
                            match peer {
                                None => onsets.station.push(at_unix_ms),
                                Some(peer) => {
                                    onsets.peers.entry(peer).or_default().push(at_unix_ms)
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        })
        .context("while starting a bench thread")?;
    std::thread::Builder::new()
        .name("bench-signalling".into())
        .spawn(move || {
            for message in upward {
                match message {
                    Upward::Issued { code, .. } => {
                        let _ = codes.send(code.as_str().to_owned());
                    }
                    Upward::Media(MediaCommand::Start { peer, role }) => {
                        if media.add_peer(peer, role).is_err() {
                            handle.send(Input::Remove { peer });
                        }
                    }
                    Upward::Media(MediaCommand::Answer { peer, sdp }) => {
                        if media.set_answer(peer, &sdp).is_err() {
                            handle.send(Input::Remove { peer });
                        }
                    }
                    Upward::Media(MediaCommand::RemoteIce {
                        peer,
                        candidate,
                        sdp_m_line_index,
                    }) => {
                        media.add_ice(peer, &candidate, sdp_m_line_index);
                    }
                    Upward::Media(MediaCommand::Stop { peer }) => media.remove_peer(peer),
                    Upward::Peer(_) => {}
                }
            }
        })
        .context("while starting a bench thread")?;
    Ok(())
}

/// This process's CPU time over `window`, as a percentage of one core.
fn cpu_percent_over(window: Duration) -> anyhow::Result<f64> {
    let cpu = || -> anyhow::Result<f64> {
        let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF)
            .context("while reading the CPU time")?;
        let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
        Ok(seconds(usage.user_time()) + seconds(usage.system_time()))
    };
    let started = Instant::now();
    let before = cpu()?;
    std::thread::sleep(window);
    let after = cpu()?;
    Ok((after - before) / started.elapsed().as_secs_f64() * 100.0)
}

fn browser_script() -> anyhow::Result<PathBuf> {
    let candidates = [
        std::env::var_os("RAPPORT_BROWSER_SCRIPT").map(PathBuf::from),
        Some(PathBuf::from("tests/browser/remote.mjs")),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser/remote.mjs")),
    ];
    for candidate in candidates.into_iter().flatten() {
        if candidate.is_file()
            && candidate.parent().is_some_and(|d| d.join("node_modules/playwright-core").is_dir())
        {
            return Ok(candidate);
        }
    }
    bail!(
        "`rapport bench remote` drives chromium through tests/browser/remote.mjs and its \
         playwright-core: run it from the repository after tests/setup, or set \
         RAPPORT_BROWSER_SCRIPT"
    )
}

struct Browser {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<Value>,
}

impl Browser {
    fn start(script: &std::path::Path) -> anyhow::Result<Self> {
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("while starting node (tests/setup installs it)")?;
        let stdout = child.stdout.take().context("node's stdout")?;
        let stdin = child.stdin.take().context("node's stdin")?;
        let (send, answers) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<Value>(&line)
                    && send.send(value).is_err()
                {
                    break;
                }
            }
        });
        Ok(Self { child, stdin, answers })
    }

    fn call(&mut self, command: Value) -> anyhow::Result<Value> {
        writeln!(self.stdin, "{command}").context("while talking to the browser script")?;
        self.stdin.flush().context("while talking to the browser script")?;
        let answer = self
            .answers
            .recv_timeout(Duration::from_secs(60))
            .with_context(|| format!("the browser script did not answer {command}"))?;
        if answer["ok"] != true {
            bail!("the browser script failed {command}: {answer}");
        }
        Ok(answer)
    }

    fn quit(mut self) {
        let _ = writeln!(self.stdin, "{}", json!({"do": "quit"}));
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
