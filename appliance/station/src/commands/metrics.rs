//! `rapport metrics …`: the lab's anonymous aggregates. `serve` runs the HTTPS dashboard and the
//! OpenMetrics endpoint, `export` prints the released (noised, suppressed) cells as JSON, `erase`
//! deletes them all, `hash-password` makes the admin password's hash for the configuration.
//! The kiosk side (consent and recording) is in [`consent`].

pub mod bench;
pub mod consent;

use std::io::{BufRead as _, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use rapport_metrics::aggregate::Outcome;
use rapport_metrics::server::Server;
use rapport_metrics::{Config, DATA_DIR_ENV, DEFAULT_DATA_DIR, Day, SessionAggregate, Store};
use rapport_session::{EndReason, Rating};

/// `rapport metrics …`
#[derive(Debug, Subcommand)]
pub enum MetricsCommand {
    /// Serve the dashboard (admin login) and /metrics (bearer token) over HTTPS.
    Serve(ServeArgs),
    /// Print the released aggregates as JSON: noised, cells under k left out.
    Export(ExportArgs),
    /// Erase every aggregate and renew the noise key.
    Erase(EraseArgs),
    /// Read an admin password on stdin and print its Argon2 hash for the configuration.
    HashPassword,
    /// Record made-up aggregates in a loop, printing each commit (for crash tests; not for
    /// people).
    #[command(hide = true)]
    DangerWriteLoop(WriteLoopArgs),
}

/// Where the aggregates and the configuration are.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The data folder (default: $RAPPORT_DATA_DIR, else /var/lib/rapport).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The configuration file (default: /etc/rapport/metrics.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Options of `rapport metrics serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8443")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Options of `rapport metrics export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Options of `rapport metrics erase`.
#[derive(Debug, Args)]
pub struct EraseArgs {
    /// Confirm that every aggregate is to be deleted.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Options of the hidden write loop.
#[derive(Debug, Args)]
pub struct WriteLoopArgs {
    /// The data folder.
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Stop after this many commits (never, when left out).
    #[arg(long)]
    pub count: Option<u64>,
}

/// The data folder: the option, else `$RAPPORT_DATA_DIR`, else the station's partition.
pub fn data_dir(option: Option<&Path>) -> PathBuf {
    option
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
}

/// Runs a metrics command.
pub fn run(command: MetricsCommand) -> anyhow::Result<ExitCode> {
    match command {
        MetricsCommand::Serve(args) => serve(&args),
        MetricsCommand::Export(args) => export(&args),
        MetricsCommand::Erase(args) => erase(&args),
        MetricsCommand::HashPassword => hash_password(),
        MetricsCommand::DangerWriteLoop(args) => write_loop(&args),
    }
}

fn serve(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load_or_default(args.store.config.as_deref())?;
    let data_dir = data_dir(args.store.data_dir.as_deref());
    let server = Server::bind(args.listen, &data_dir, config)
        .context("while starting the metrics dashboard")?;
    let address = server.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "rapport metrics: serving https://{address}/")?;
    let origin = if server.self_signed() { " (self-signed, generated at start)" } else { "" };
    writeln!(out, "certificate SHA-256 fingerprint: {}{origin}", server.fingerprint())?;
    out.flush().context("while writing to stdout")?;
    drop(out);
    server.run().context("while serving the metrics dashboard")?;
    Ok(ExitCode::SUCCESS)
}

fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load_or_default(args.store.config.as_deref())?;
    let store = Store::open(&data_dir(args.store.data_dir.as_deref()))?;
    let policy = config.policy();
    let cells = rapport_metrics::release::release(&store.cells()?, &policy, &store.noise_key()?)?;
    let json = rapport_metrics::export::to_json(&cells, &policy);
    match &args.out {
        Some(path) => {
            rapport_metrics::export::write_file(path, &json)?;
            eprintln!(
                "rapport metrics: wrote {} released cells to {}",
                cells.len(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes()).context("while writing to stdout")?;
            out.flush().context("while writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn erase(args: &EraseArgs) -> anyhow::Result<ExitCode> {
    let dir = data_dir(args.store.data_dir.as_deref());
    if !args.yes {
        bail!(
            "erase deletes every aggregate in {} for good; run `rapport metrics erase --yes` to \
             confirm",
            dir.display()
        );
    }
    let store = Store::erase_in(&dir)?;
    println!("rapport metrics: erased every aggregate in {}", store.path().display());
    Ok(ExitCode::SUCCESS)
}

fn hash_password() -> anyhow::Result<ExitCode> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("while reading the password on stdin")?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.chars().count() < 12 {
        bail!("the admin password must be at least 12 characters");
    }
    let hash = rapport_metrics::server::auth::hash_password(password)?;
    zeroize::Zeroize::zeroize(&mut line);
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}

/// Records made-up aggregates over three days and two scenarios, printing `committed N` after
/// each commit, so a test can kill the process at any point and check what survived.
fn write_loop(args: &WriteLoopArgs) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(&args.data_dir)?;
    let mut out = std::io::stdout().lock();
    let mut committed = 0u64;
    while args.count.is_none_or(|count| committed < count) {
        let outcome = Outcome {
            end_reason: if committed.is_multiple_of(3) {
                EndReason::EndedByTrainee
            } else {
                EndReason::GoalReached
            },
            goal_reached: !committed.is_multiple_of(3),
            rating: if committed.is_multiple_of(2) { Rating::Fair } else { Rating::Good },
            reflection_to_question: (committed % 40) as f64 / 10.0,
            percent_complex_reflections: (committed % 100) as f64,
            percent_open_questions: (committed * 7 % 100) as f64,
        };
        let scenario = if committed.is_multiple_of(2) { "crash-even" } else { "crash-odd" };
        let aggregate = SessionAggregate::new(scenario, 1 + (committed % 5) as u8, outcome)?;
        store.record(&aggregate, Day::from_unix_days(20_000 + (committed % 3) as i64))?;
        committed += 1;
        writeln!(out, "committed {committed}").context("while writing to stdout")?;
        out.flush().context("while writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}
