//! Remote peers in a real headless browser, end to end: `rapport session --remote` on
//! 127.0.0.1 inside a network namespace that has only a loopback interface, and Debian's
//! chromium with a fake microphone driven through playwright-core (`tests/browser/remote.mjs`).
//!
//! A wrong code and a reused code are refused; an actor joins by code and audio flows both ways
//! (bytes and audio energy on the page's `getStats()`, the actor's voice measured at the station
//! on its way into the kiosk's mix); the supervisor also gets the station's video; the actor takes the patient's voice and has the station say
//! a suggested line; a supervisor's nudge reaches the kiosk's event stream; the
//! trainee removes the supervisor and its media is torn down; the actor's page reloads, and the
//! actor rejoins with a fresh code from the QR code's URL; the page keeps no cookie and no
//! storage.
//!
//! The test re-runs itself under `unshare --net` (as root, as CI runs); it fails, never skips,
//! when that is not possible. `tests/setup` installs chromium, Node.js and playwright-core.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const INSIDE: &str = "RAPPORT_TEST_IN_NETNS";
const TEST: &str = "remote_peers_join_talk_and_leave_in_a_real_browser";
/// How long any one step may take before the test gives up (a hang guard, not a measurement).
const STEP: Duration = Duration::from_secs(60);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Ends a child process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads a child's stdout as JSON lines on a thread of its own.
fn json_lines(child: &mut Child, who: &'static str) -> Receiver<Value> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<Value>(&line) {
                Ok(value) => {
                    if send.send(value).is_err() {
                        break;
                    }
                }
                Err(_) => eprintln!("[{who}] not JSON: {line}"),
            }
        }
    });
    receive
}

/// The station: `rapport session --remote`, its commands and its events.
struct Station {
    _child: Running,
    stdin: ChildStdin,
    events: Receiver<Value>,
    seen: Vec<Value>,
}

impl Station {
    fn start() -> Self {
        let mut child = Running(
            Command::new(env!("CARGO_BIN_EXE_rapport"))
                .args(["session", "--scenario", "alcohol-weekend", "--seed", "3"])
                .args(["--remote", "127.0.0.1:0", "--remote-video"])
                .env("RAPPORT_LOG", "info")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("the station starts"),
        );
        let events = json_lines(&mut child.0, "station");
        let stdin = child.0.stdin.take().expect("piped stdin");
        Self { _child: child, stdin, events, seen: Vec::new() }
    }

    fn command(&mut self, command: Value) {
        writeln!(self.stdin, "{command}").expect("the station reads its commands");
        self.stdin.flush().expect("flushed");
    }

    /// The first event from now on that `matches`.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    self.seen.push(event.clone());
                    if matches(&event) {
                        return event;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("the station never reported {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the station exited before reporting {what}")
                }
            }
        }
    }

    fn invite(&mut self, role: &str) -> String {
        self.command(json!({"command": "invite", "role": role}));
        let event = self.wait_for("a pairing code", |e| e["event"] == "pairing_code");
        assert_eq!(event["role"], role);
        let code = event["code"].as_str().expect("a code").to_owned();
        assert_eq!(code.len(), 6, "{code}");
        code
    }

    /// Events already received, and more for a short while, without waiting for any in particular.
    fn drain(&mut self) -> &[Value] {
        while let Ok(event) = self.events.recv_timeout(Duration::from_millis(100)) {
            self.seen.push(event);
        }
        &self.seen
    }
}

/// The browser: one node process driving chromium, one page per peer.
struct Browser {
    _child: Running,
    stdin: ChildStdin,
    answers: Receiver<Value>,
    next: u64,
}

impl Browser {
    fn start() -> Self {
        let script = repo().join("tests/browser/remote.mjs");
        let mut child = Running(
            Command::new("node")
                .arg(script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("node runs (tests/setup installs it)"),
        );
        let answers = json_lines(&mut child.0, "browser");
        let stdin = child.0.stdin.take().expect("piped stdin");
        Self { _child: child, stdin, answers, next: 1 }
    }

    fn call(&mut self, mut command: Value) -> Value {
        command["id"] = json!(self.next);
        self.next += 1;
        writeln!(self.stdin, "{command}").expect("the browser script reads its commands");
        self.stdin.flush().expect("flushed");
        let answer = self
            .answers
            .recv_timeout(STEP)
            .unwrap_or_else(|_| panic!("the browser script did not answer {command}"));
        assert_eq!(answer["ok"], true, "{command} failed: {answer}");
        answer
    }

    /// Polls `stats` for a page until `ready` holds.
    fn stats_until(&mut self, name: &str, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + STEP;
        loop {
            let stats = self.call(json!({"do": "stats", "name": name}));
            if ready(&stats) {
                return stats;
            }
            assert!(Instant::now() < deadline, "{name}: never {what}; last stats {stats}");
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn client_until(&mut self, name: &str, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + STEP;
        loop {
            let client = self.call(json!({"do": "client", "name": name}));
            if ready(&client) {
                return client;
            }
            assert!(Instant::now() < deadline, "{name}: never {what}; last state {client}");
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or(0.0)
}

/// Audio arrives with energy and goes out, on the page's own statistics.
fn audio_both_ways(stats: &Value) -> bool {
    stats["connection"] == "connected"
        && number(&stats["inbound"]["bytes"]) > 5_000.0
        && number(&stats["inbound"]["energy"]) > 0.0
        && number(&stats["outbound"]["bytes"]) > 5_000.0
        && number(&stats["source"]["energy"]) > 0.0
}

fn audio_in(stats: &Value) -> bool {
    stats["connection"] == "connected"
        && number(&stats["inbound"]["bytes"]) > 5_000.0
        && number(&stats["inbound"]["energy"]) > 0.0
}

#[test]
fn remote_peers_join_talk_and_leave_in_a_real_browser() {
    if std::env::var_os(INSIDE).is_none() {
        let browser_dir = repo().join("tests/browser");
        assert!(
            browser_dir.join("node_modules/playwright-core").is_dir()
                && Path::new("/usr/bin/chromium").exists(),
            "the browser test needs chromium, Node.js and playwright-core: run tests/setup"
        );
        let exe = std::env::current_exe().expect("the test binary");
        let status = Command::new("unshare")
            .args(["--net", "--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
            .arg(exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(INSIDE, "1")
            .status()
            .expect("unshare (util-linux) runs");
        assert!(
            status.success(),
            "the test failed inside its loopback-only network namespace (see its output above); \
             it needs root (or CAP_SYS_ADMIN) for `unshare --net`, and iproute2 for `ip`"
        );
        return;
    }
    in_the_namespace();
}

fn in_the_namespace() {
    let mut station = Station::start();
    let listening = station.wait_for("where it listens", |e| e["event"] == "remote_listening");
    let url = listening["url"].as_str().expect("a URL").to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let fingerprint = listening["fingerprint"].as_str().expect("a fingerprint");
    assert_eq!(fingerprint.len(), 32 * 3 - 1, "{fingerprint}");
    let mut browser = Browser::start();

    // The page: never cached; stores nothing and says so.
    let opened = browser.call(json!({"do": "open", "name": "actor", "url": url}));
    assert_eq!(opened["status"], 200);
    assert_eq!(opened["cacheControl"], "no-store");

    // A wrong code is refused.
    let actor_code = station.invite("actor");
    let refused = browser.call(json!({"do": "join", "name": "actor", "code": "WRONG9"}));
    assert_eq!(refused["peer"], Value::Null, "{refused}");
    assert_eq!(refused["errors"], json!(["bad_code"]), "{refused}");

    // The actor joins by code; audio flows both ways.
    let joined = browser.call(json!({"do": "join", "name": "actor", "code": actor_code}));
    assert_eq!(joined["role"], "actor", "{joined}");
    let actor = joined["peer"].as_u64().expect("the actor's peer id");
    station.wait_for("the actor joining", |e| {
        e["event"] == "peer_joined" && e["peer"] == actor && e["role"] == "actor"
    });
    browser.stats_until("actor", "heard the station and spoke to it", audio_both_ways);
    station.wait_for("the actor's voice at the station", |e| {
        e["event"] == "remote_level" && e["peer"] == actor && number(&e["rms_db"]) > -50.0
    });
    station.wait_for("the kiosk's output playing", |e| {
        e["event"] == "remote_level" && e["peer"].is_null() && number(&e["rms_db"]) > -40.0
    });

    // The actor sees the brief and suggested lines, takes the patient's voice, and has the
    // station say a suggested line ("puppeteer").
    browser.client_until("actor", "seen the brief and suggestions", |c| {
        let events = c["events"].as_array().cloned().unwrap_or_default();
        events.contains(&json!("brief")) && events.contains(&json!("suggestions"))
    });
    browser.call(json!({"do": "click", "name": "actor", "selector": "#take-over"}));
    station.wait_for("the actor taking the patient's voice", |e| {
        e["event"] == "patient_voice" && e["actor"] == actor
    });
    let picked =
        browser.call(json!({"do": "click", "name": "actor", "selector": "#suggestions button"}));
    let said = picked["text"].as_str().expect("a suggestion").to_owned();
    let line = station.wait_for("the puppeteered line", |e| e["event"] == "patient");
    assert!(line["intent"].is_null(), "{line}");
    assert!(said.contains(line["text"].as_str().expect("text")), "{said} / {line}");
    browser.call(json!({"do": "click", "name": "actor", "selector": "#hand-back"}));
    station.wait_for("the patient handed back", |e| {
        e["event"] == "patient_voice" && e["actor"].is_null()
    });

    // The same code a second time is refused.
    browser.call(json!({"do": "open", "name": "intruder", "url": url}));
    let reused = browser.call(json!({"do": "join", "name": "intruder", "code": actor_code}));
    assert_eq!(reused["peer"], Value::Null, "{reused}");
    assert_eq!(reused["errors"], json!(["bad_code"]), "{reused}");
    browser.call(json!({"do": "close", "name": "intruder"}));

    // A supervisor joins, hears the session, and a nudge reaches the kiosk's event stream.
    let supervisor_code = station.invite("supervisor");
    browser.call(json!({"do": "open", "name": "supervisor", "url": url}));
    let joined = browser.call(json!({"do": "join", "name": "supervisor", "code": supervisor_code}));
    assert_eq!(joined["role"], "supervisor", "{joined}");
    let supervisor = joined["peer"].as_u64().expect("the supervisor's peer id");
    browser.stats_until("supervisor", "heard the session", audio_in);
    // Supervisors watch too: the station's video reaches them, and not the actor.
    browser.stats_until("supervisor", "seen the station's video", |s| {
        number(&s["video"]["frames"]) > 5.0
    });
    let actor_stats = browser.call(json!({"do": "stats", "name": "actor"}));
    assert!(actor_stats["video"].is_null(), "the actor gets no video: {actor_stats}");
    browser.call(json!({"do": "nudge", "name": "supervisor", "text": "Try a complex reflection"}));
    station.wait_for("the supervisor's nudge", |e| {
        e["event"] == "nudge"
            && e["kind"] == "supervisor"
            && e["text"] == "Try a complex reflection"
    });
    // The supervisor sees the trainee's side and its codes as the session goes on.
    station.command(
        json!({"command": "say", "text": "What would you like to change about your weekends?"}),
    );
    station.wait_for("the trainee's utterance coded", |e| e["event"] == "code");
    browser.client_until("supervisor", "seen the code and the gauges", |c| {
        let events = c["events"].as_array().cloned().unwrap_or_default();
        events.contains(&json!("code")) && events.contains(&json!("gauges"))
    });
    let actor_view = browser.call(json!({"do": "client", "name": "actor"}));
    assert!(!actor_view["events"].as_array().unwrap().contains(&json!("gauges")), "{actor_view}");

    // The trainee removes the supervisor: the page is told, the station tears its media down.
    station.command(json!({"command": "remove", "peer": supervisor}));
    station.wait_for("the supervisor leaving", |e| {
        e["event"] == "peer_left" && e["peer"] == supervisor
    });
    station.wait_for("the supervisor's media torn down", |e| {
        e["event"] == "remote_media" && e["peer"] == supervisor && e["state"] == "removed"
    });
    let removed =
        browser.client_until("supervisor", "been removed", |c| c["removed"] == "by_trainee");
    assert_eq!(removed["connection"], "closed", "{removed}");
    // Nothing of the supervisor reaches the station any more, while the actor goes on.
    let cut = station.drain().len();
    station.wait_for("the actor still heard after the removal", |e| {
        e["event"] == "remote_level" && e["peer"] == actor
    });
    assert!(
        !station.seen[cut..].iter().any(|e| e["peer"] == supervisor),
        "the removed supervisor still appears: {:?}",
        &station.seen[cut..]
    );

    // The actor's page reloads: the actor leaves, then rejoins with a fresh code, this time
    // from the URL of the kiosk's QR code (the code after '#').
    browser.call(json!({"do": "reload", "name": "actor"}));
    station.wait_for("the reloaded actor leaving", |e| {
        e["event"] == "peer_left" && e["peer"] == actor
    });
    station.wait_for("the reloaded actor's media torn down", |e| {
        e["event"] == "remote_media" && e["peer"] == actor && e["state"] == "removed"
    });
    station.command(json!({"command": "invite", "role": "actor"}));
    let invitation = station.wait_for("a fresh code", |e| e["event"] == "pairing_code");
    let qr_url = invitation["url"].as_str().expect("the QR code's URL").to_owned();
    browser.call(json!({"do": "close", "name": "actor"}));
    browser.call(json!({"do": "open", "name": "actor", "url": qr_url}));
    let rejoined = browser.call(json!({"do": "click_join", "name": "actor"}));
    let code = invitation["code"].as_str().expect("the code");
    assert_eq!(rejoined["code"], code, "the QR code's URL fills the field: {rejoined}");
    assert!(!rejoined["url"].as_str().unwrap().contains(code), "the code stays in the address bar");
    let again = rejoined["peer"].as_u64().expect("the rejoined actor's id");
    assert_ne!(again, actor);
    browser.stats_until("actor", "heard and spoken again after the reload", audio_both_ways);
    station.wait_for("the rejoined actor's voice at the station", |e| {
        e["event"] == "remote_level" && e["peer"] == again && number(&e["rms_db"]) > -50.0
    });

    // Nothing stored on the peer's side.
    let privacy = browser.call(json!({"do": "privacy", "name": "actor"}));
    assert_eq!(privacy["cookies"], 0, "{privacy}");
    assert_eq!(privacy["local"], 0, "{privacy}");
    assert_eq!(privacy["session"], 0, "{privacy}");
    assert!(privacy["notice"].as_str().unwrap().contains("Nothing is recorded"));

    // The session ends: the actor is sent away and the station wipes.
    station.command(json!({"command": "end"}));
    station.wait_for("the wipe", |e| e["event"] == "wiped");
    browser
        .client_until("actor", "been told the session ended", |c| c["removed"] == "session_ended");
}
