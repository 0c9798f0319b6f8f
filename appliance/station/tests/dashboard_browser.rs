//! The dashboard in a real headless browser: `rapport metrics serve` on 127.0.0.1 over a
//! database of three months of aggregates, driven by Debian's chromium through playwright-core
//! (`tests/browser/dashboard.mjs`): unauthenticated access refused, login, plots with data.
//! `tests/setup` installs chromium, Node.js and the pinned playwright-core.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rapport_metrics::synthetic::{self, Fill};
use rapport_metrics::{Day, Store};

/// Ends a child process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_dashboard_logs_in_and_plots_in_a_real_browser() {
    let browser_dir = repo().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "the browser test needs chromium, Node.js and playwright-core: run tests/setup"
    );
    let folder = tempfile::tempdir().expect("a scratch folder");
    let data_dir = folder.path().join("data");
    let mut store = Store::open(&data_dir).expect("a store");
    let fill = Fill {
        first_day: Day::today().plus(-91),
        days: 90,
        scenarios: 6,
        sessions_per_cell: 5,
        seed: 4,
    };
    synthetic::fill(&mut store, &fill).expect("filled");
    drop(store);

    let password = "a long lab admin password";
    let hash = rapport_metrics::server::auth::hash_password(password).expect("a hash");
    let config = folder.path().join("metrics.toml");
    std::fs::write(
        &config,
        format!(
            "admin_password_hash = \"{hash}\"\nmetrics_token = \"token-for-the-browser-test\"\n"
        ),
    )
    .expect("written");

    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["metrics", "serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&data_dir)
            .arg("--config")
            .arg(&config)
            .env_remove("RAPPORT_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("piped stdout")).lines();
    let first = lines.next().expect("a first line").expect("readable");
    let url = first.strip_prefix("rapport metrics: serving ").expect("the address line").to_owned();
    let second = lines.next().expect("a second line").expect("readable");
    assert!(second.starts_with("certificate SHA-256 fingerprint: "), "{second}");
    let fingerprint = second.split_whitespace().nth(3).expect("the fingerprint");
    assert_eq!(fingerprint.len(), 32 * 3 - 1, "{fingerprint}");

    let screenshot = folder.path().join("dashboard.png");
    let mut node = Running(
        Command::new("node")
            .arg(browser_dir.join("dashboard.mjs"))
            .args(["--url", &url, "--password", password, "--screenshot"])
            .arg(&screenshot)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node runs (tests/setup installs it)"),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = node.0.try_wait().expect("the browser script") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(180), "the browser script hangs");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read as _;
    node.0.stdout.take().expect("stdout").read_to_string(&mut stdout).expect("readable");
    node.0.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("readable");
    assert!(status.success(), "the browser script failed: {stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(report["ok"], true, "{stdout}");
    assert!(report["charts"].as_u64().expect("charts") >= 5);
    assert!(report["bars"].as_u64().expect("bars") > 0);
    assert!(report["points"].as_u64().expect("points") > 0);
    let size = std::fs::metadata(&screenshot).expect("the screenshot").len();
    assert!(size > 10_000, "the screenshot is only {size} bytes");
}
