//! `rapport --headless` speaks systemd's service protocol, tested without systemd: the test binds
//! the notification socket itself and reads what the station sends.

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

fn config(dir: &Path, body: &str) -> std::path::PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let path = dir.join("station.toml");
    std::fs::write(&path, format!("data_dir = {:?}\n{body}", data)).expect("writing");
    path
}

#[test]
fn ready_watchdog_and_stopping_reach_the_service_manager() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let socket_path = dir.path().join("notify");
    let listener = UnixDatagram::bind(&socket_path).expect("binding the notify socket");
    // Generous: this only bounds a hung test, it measures nothing.
    listener.set_read_timeout(Some(Duration::from_secs(30))).expect("a timeout");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--headless")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000")
        .env("RAPPORT_CONFIG", config(dir.path(), "memory_lock = \"best_effort\"\n"))
        .stdout(Stdio::null())
        .spawn()
        .expect("the station starts");
    let mut messages = Vec::new();
    let mut buffer = [0u8; 512];
    while !(messages.iter().any(|m: &String| m.starts_with("READY=1"))
        && messages.iter().filter(|m| *m == "WATCHDOG=1").count() >= 2)
    {
        let n = listener.recv(&mut buffer).expect("a notification before the timeout");
        messages.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
    }
    let ready = messages.iter().find(|m| m.starts_with("READY=1")).expect("ready");
    assert!(ready.contains("STATUS=ready with "), "{ready}");

    kill(Pid::from_raw(i32::try_from(child.id()).expect("a pid")), Signal::SIGTERM)
        .expect("signalling");
    loop {
        let n = listener.recv(&mut buffer).expect("STOPPING=1 before the timeout");
        if &buffer[..n] == b"STOPPING=1" {
            break;
        }
    }
    let status = child.wait().expect("the station exits");
    assert!(status.success(), "a clean stop: {status}");
}

#[test]
fn a_required_memory_lock_under_a_low_limit_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new("prlimit")
        .arg("--memlock=8388608:8388608")
        .arg(env!("CARGO_BIN_EXE_rapport"))
        .arg("--headless")
        .env("RAPPORT_CONFIG", config(dir.path(), "memory_lock = \"required\"\n"))
        .env_remove("NOTIFY_SOCKET")
        .output()
        .expect("prlimit runs the station");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LimitMEMLOCK=infinity"), "{stderr}");
}

#[test]
fn a_malformed_configuration_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = config(dir.path(), "memory_lock = \"best_effort\"\nwatchdog = yes\n");
    let output = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--headless")
        .env("RAPPORT_CONFIG", &path)
        .output()
        .expect("the station runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:3:", path.display())), "{stderr}");
}
