//! `rapport wipe-check`: the zero-retention promise, checked on a live station.
//!
//! The check starts a child station (`rapport wipe-check-station`, hidden), plays a session in it
//! whose trainee lines, actor lines and supervisor nudge carry a canary derived from the seed,
//! and scans the child's memory (every readable mapping, through `/proc/PID/mem`) while the
//! summary is on screen, then again after the wipe. Before the wipe the canary must be found
//! (proof that the scan looks in the right places); after it, neither the canary nor its tail may
//! be found, nor in the child's logs or in any file it could write.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};

use anyhow::{Context as _, bail};
use rapport_privacy::SecretText;
use rapport_session::{Event, PeerId, Role, SessionEvent};
use rapport_wipe::Canary;
use rapport_wipe::scan::{Scan, find_all, scan_process};
use serde::{Deserialize, Serialize};

use super::session::{LineReader, find, start};
use crate::catalog;
use crate::cli::{WipeCheckArgs, WipeCheckStationArgs};
use crate::secret_io::{SecretReader, SecretWriter};

/// A command of the line protocol between `wipe-check` and its child station.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Trainee(String),
    Join { peer: u32, role: Role },
    TakeOver(u32),
    HandBack(u32),
    Actor(String),
    Nudge { peer: u32, text: String },
    End,
    Wipe,
}

/// What the check found.
#[derive(Debug, Serialize)]
struct Report {
    seed: u64,
    scenario: String,
    before_wipe: Hits,
    after_wipe: Hits,
    logs: Hits,
    files: Hits,
    bytes_scanned_after: u64,
    clean: bool,
}

#[derive(Debug, Default, Serialize)]
struct Hits {
    canary: usize,
    tail: usize,
}

impl Hits {
    fn from_scan(scan: &Scan) -> Self {
        Self { canary: scan.count(0), tail: scan.count(1) }
    }

    fn in_bytes(bytes: &[u8], canary: &Canary) -> Self {
        Self {
            canary: find_all(bytes, canary.text().as_bytes()).count(),
            tail: find_all(bytes, canary.tail().as_bytes()).count(),
        }
    }

    fn any(&self) -> bool {
        self.canary + self.tail > 0
    }
}

/// The session the check plays: the canary in what the trainee says, what the actor says as the
/// patient, and the supervisor's nudge.
fn steps(canary: &Canary) -> Vec<Step> {
    let c = canary.text();
    vec![
        Step::Trainee(format!("What brings you in today, and what does {c} mean for you?")),
        Step::Trainee(format!("It sounds like {c} has been on your mind a lot.")),
        Step::Join { peer: 1, role: Role::Actor },
        Step::Join { peer: 2, role: Role::Supervisor },
        Step::TakeOver(1),
        Step::Trainee(format!("So part of you wants {c} and part of you is not sure.")),
        Step::Actor(format!("Yeah. {c}. I keep coming back to that.")),
        Step::Nudge { peer: 2, text: format!("Try reflecting {c} back.") },
        Step::HandBack(1),
        Step::Trainee(format!("You're someone who cares about {c}, and about your family.")),
        Step::Trainee(format!("How would {c} change things at home?")),
        Step::End,
    ]
}

pub fn run(args: &WipeCheckArgs) -> anyhow::Result<ExitCode> {
    let seed = args.seed.unwrap_or_else(|| {
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::process::id())
    });
    let canary = Canary::from_seed(seed);
    let needles = [canary.text().as_bytes(), canary.tail().as_bytes()];
    let home = tempfile::Builder::new()
        .prefix("rapport-wipe-check-")
        .tempdir()
        .context("while creating the child station's writable folder")?;
    let mut child = spawn_child(args, seed, home.path())?;
    let pid = child.id();
    let mut stdin = child.stdin.take().context("the child's stdin")?;
    let mut stdout = BufReader::new(child.stdout.take().context("the child's stdout")?);
    let stderr = child.stderr.take().context("the child's stderr")?;
    let logs = std::thread::spawn(move || {
        let mut logs = Vec::new();
        let _ = BufReader::new(stderr).read_to_end(&mut logs);
        logs
    });

    let outcome = (|| -> anyhow::Result<(Scan, Scan)> {
        for step in steps(&canary) {
            send(&mut stdin, &mut stdout, &step)?;
        }
        let before =
            scan_process(pid, &needles).context("while scanning the child before the wipe")?;
        send(&mut stdin, &mut stdout, &Step::Wipe)?;
        let after =
            scan_process(pid, &needles).context("while scanning the child after the wipe")?;
        Ok((before, after))
    })();
    drop(stdin);
    let status = child.wait().context("while waiting for the child station")?;
    let logs = logs.join().unwrap_or_default();
    let (before, after) = match outcome {
        Ok(scans) => scans,
        Err(error) => {
            let tail =
                String::from_utf8_lossy(&logs[logs.len().saturating_sub(2000)..]).into_owned();
            return Err(error.context(format!("the child station ({status}) said:\n{tail}")));
        }
    };
    if !status.success() {
        bail!("the child station exited with {status}");
    }
    let report = Report {
        seed,
        scenario: args.scenario.clone(),
        before_wipe: Hits::from_scan(&before),
        after_wipe: Hits::from_scan(&after),
        logs: Hits::in_bytes(&logs, &canary),
        files: files_hits(home.path(), &canary)?,
        bytes_scanned_after: after.bytes,
        clean: false,
    };
    let clean = report.before_wipe.canary > 0
        && !report.after_wipe.any()
        && !report.logs.any()
        && !report.files.any();
    let report = Report { clean, ..report };
    print_report(&report, args.json, &after)?;
    Ok(if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn spawn_child(args: &WipeCheckArgs, seed: u64, home: &Path) -> anyhow::Result<Child> {
    let exe = std::env::current_exe().context("while finding the rapport binary")?;
    let mut command = Command::new(exe);
    command
        .arg("wipe-check-station")
        .args(["--scenario", &args.scenario, "--seed", &seed.to_string()])
        .current_dir(home)
        .env("HOME", home)
        .env("TMPDIR", home)
        // Logs at their most verbose: none of it may carry the canary.
        .env("RAPPORT_LOG", "trace")
        // Without the per-thread cache, glibc overwrites every block C code frees (M_PERTURB).
        .env("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if args.danger_leak {
        command.arg("--danger-leak");
    }
    command.spawn().context("while starting the child station")
}

fn send(
    stdin: &mut ChildStdin,
    stdout: &mut BufReader<ChildStdout>,
    step: &Step,
) -> anyhow::Result<()> {
    let mut line = serde_json::to_string(step).context("while encoding a step")?;
    line.push('\n');
    stdin.write_all(line.as_bytes()).context("while writing to the child station")?;
    stdin.flush().context("while writing to the child station")?;
    let mut answer = String::new();
    stdout.read_line(&mut answer).context("while reading the child station's answer")?;
    match answer.trim() {
        "ok" => Ok(()),
        "" => bail!("the child station stopped answering"),
        other => bail!("the child station refused a step: {other}"),
    }
}

/// The canary in any file under the child's writable folder.
fn files_hits(dir: &Path, canary: &Canary) -> anyhow::Result<Hits> {
    let mut hits = Hits::default();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("while listing {}", dir.display()))?
        {
            let path = entry.with_context(|| format!("while listing {}", dir.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("while reading {}", path.display()))?;
                let found = Hits::in_bytes(&bytes, canary);
                hits.canary += found.canary;
                hits.tail += found.tail;
            }
        }
    }
    Ok(hits)
}

fn print_report(report: &Report, json: bool, after: &Scan) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, report).context("while writing the report")?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "wipe check: seed {}, scenario {}", report.seed, report.scenario)?;
    writeln!(out, "{:<20} {:>7} {:>7}", "where", "canary", "tail")?;
    for (name, hits) in [
        ("memory before wipe", &report.before_wipe),
        ("memory after wipe", &report.after_wipe),
        ("station logs", &report.logs),
        ("station files", &report.files),
    ] {
        writeln!(out, "{name:<20} {:>7} {:>7}", hits.canary, hits.tail)?;
    }
    for hit in after.hits.iter().take(10) {
        let mapping = if hit.mapping.is_empty() { "anonymous" } else { &hit.mapping };
        writeln!(out, "  left after the wipe at {:#x} in {mapping}", hit.address)?;
    }
    let verdict = if report.clean {
        "clean: nothing of the session survived the wipe"
    } else if report.before_wipe.canary == 0 {
        "FAILED: the canary was not found before the wipe, so the scan proves nothing"
    } else {
        "FAILED: session content survived the wipe"
    };
    writeln!(out, "{verdict}")?;
    Ok(())
}

/// The child station: plays the steps it is sent, holding what a screen would show until the
/// wipe, and answers `ok` or an error kind (never content) to each.
pub fn station(args: &WipeCheckStationArgs) -> anyhow::Result<ExitCode> {
    let load = catalog::builtin();
    let catalog = load.catalog;
    let scenario = find(&catalog, &args.scenario)?;
    let (mut session, opening) = start(scenario, args.seed);
    // What the kiosk's screens would hold: every event since the last wipe.
    let mut on_screen: Vec<SessionEvent> = opening;
    let mut lines = LineReader::new(SecretReader::stdin().context("while opening stdin")?);
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    while let Some(line) = lines.next_line().context("while reading a step")? {
        let answer = match serde_json::from_str::<Step>(line.expose()) {
            Err(_) => "error malformed-step",
            Ok(step) => {
                if let (true, Step::Trainee(text)) = (args.danger_leak, &step) {
                    // The deliberate leak: a copy nobody ever frees or wipes.
                    let _leak: &'static str = Box::leak(text.clone().into_boxed_str());
                }
                let wipe = matches!(step, Step::Wipe);
                if wipe {
                    on_screen.clear();
                }
                match session.handle(event_of(step)) {
                    Ok(events) if !wipe => {
                        on_screen.extend(events);
                        "ok"
                    }
                    Ok(_) => "ok",
                    Err(_) => "error refused",
                }
            }
        };
        drop(line);
        out.write_all(answer.as_bytes()).context("while answering")?;
        out.write_all(b"\n").context("while answering")?;
        out.flush().context("while answering")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn event_of(step: Step) -> Event {
    match step {
        Step::Trainee(text) => Event::TraineeSaid(SecretText::new(text)),
        Step::Actor(text) => Event::ActorSaid(SecretText::new(text)),
        Step::Join { peer, role } => Event::PeerJoined { peer: PeerId(peer), role },
        Step::TakeOver(peer) => Event::TakeOver { peer: PeerId(peer) },
        Step::HandBack(peer) => Event::HandBack { peer: PeerId(peer) },
        Step::Nudge { peer, text } => {
            Event::SupervisorNudge { peer: PeerId(peer), text: SecretText::new(text) }
        }
        Step::End => Event::EndRequested,
        Step::Wipe => Event::Wipe,
    }
}
