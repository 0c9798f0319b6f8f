//! `rapport session`: one practice session, scripted (JSON lines out) or interactive in the
//! terminal.

use std::fs::File;
use std::io::{BufRead, IsTerminal as _, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use rapport_coding::RuleCoder;
use rapport_privacy::{SecretText, SecretTextBuilder};
use rapport_scenario::{Catalog, Scenario};
use rapport_session::{Event, MAX_UTTERANCE_BYTES, Progression, Session, SessionEvent};
use tracing::info;

use super::metrics::consent::Consent;
use crate::catalog;
use crate::cli::{SessionArgs, TurnTakingArg};
use crate::render;
use crate::secret_io::{SecretReader, SecretWriter};
use crate::spoken::{self, SpokenOptions, TurnTaking};

pub fn run(args: &SessionArgs) -> anyhow::Result<ExitCode> {
    let load = catalog::load(args.scenarios.as_deref())?;
    for error in &load.errors {
        eprintln!("warning: skipped {error}");
    }
    let catalog = load.catalog;
    let scenario = find(&catalog, &args.scenario)?;
    let seed = args.seed.unwrap_or_else(random_seed);
    info!(scenario = %scenario.id, "session starting");
    let consent = Consent::open(&args.metrics);
    if let (Some(input), Some(output)) = (&args.audio_in, &args.audio_out) {
        let turn_taking = match args.turn_taking {
            TurnTakingArg::Wait => TurnTaking::Wait,
            TurnTakingArg::Live => TurnTaking::Live,
        };
        let options = SpokenOptions { whisper: args.whisper, captions: args.captions, turn_taking };
        return spoken::from_file(scenario, seed, input, output, &options, consent)
            .map(|()| ExitCode::SUCCESS);
    }
    if let Some(device) = &args.mic {
        let options = SpokenOptions {
            whisper: args.whisper,
            captions: args.captions,
            turn_taking: TurnTaking::Live,
        };
        return spoken::live(scenario, seed, device, &options, consent).map(|()| ExitCode::SUCCESS);
    }
    match &args.script {
        Some(path) => scripted(&catalog, scenario, path, seed, consent),
        None => interactive(&catalog, scenario, seed, consent),
    }
}

/// The scenario with `id`, or an error listing the ids there are.
pub fn find<'a>(catalog: &'a Catalog, id: &str) -> anyhow::Result<&'a Scenario> {
    catalog.get(id).with_context(|| {
        let ids: Vec<&str> = catalog.iter().map(|s| s.id.as_str()).collect();
        format!("no scenario {id:?} in the catalog; there are: {}", ids.join(", "))
    })
}

/// A seed that differs from run to run, for varied practice.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

/// Starts a session with the station's coder.
pub fn start(scenario: &Scenario, seed: u64) -> (Session, Vec<SessionEvent>) {
    Session::start(Arc::new(scenario.clone()), Arc::new(RuleCoder::new()), seed)
}

/// Fills in what only the station knows (progression) before the summary goes out.
pub fn finish_summary(
    events: &mut [SessionEvent],
    catalog: &Catalog,
    scenario: &Scenario,
    progression: &mut Progression,
) {
    for event in events {
        if let SessionEvent::Summary(summary) = event {
            summary.next_level_unlocked = progression.record(catalog, scenario, summary.rating);
        }
    }
}

/// Reads trainee lines from `path` and prints every event as one JSON line.
fn scripted(
    catalog: &Catalog,
    scenario: &Scenario,
    path: &Path,
    seed: u64,
    mut consent: Consent,
) -> anyhow::Result<ExitCode> {
    let file =
        File::open(path).with_context(|| format!("while opening the script {}", path.display()))?;
    let mut lines = LineReader::new(SecretReader::new(file));
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    let mut progression = Progression::default();
    if let Some(line) = consent.json_event() {
        out.write_all(line.as_bytes()).context("while writing to stdout")?;
    }
    let (mut session, opening) = start(scenario, seed);
    emit_json(&mut out, &opening)?;
    let mut ended = false;
    while let Some(line) =
        lines.next_line().with_context(|| format!("while reading the script {}", path.display()))?
    {
        let trimmed = line.expose().trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut events = match session.handle(Event::TraineeSaid(line)) {
            Ok(events) => events,
            Err(rapport_session::SessionError::Ended) => break,
            Err(error) => {
                eprintln!("{}:{}: skipped: {error}", path.display(), lines.number);
                continue;
            }
        };
        ended = events.iter().any(|e| matches!(e, SessionEvent::Summary(_)));
        finish_summary(&mut events, catalog, scenario, &mut progression);
        emit_json(&mut out, &events)?;
        consent.record(scenario, &events);
        if ended {
            break;
        }
    }
    if !ended {
        let mut events = session.handle(Event::EndRequested).context("while ending the session")?;
        finish_summary(&mut events, catalog, scenario, &mut progression);
        emit_json(&mut out, &events)?;
        consent.record(scenario, &events);
    }
    let wiped = session.handle(Event::Wipe).context("while wiping the session")?;
    emit_json(&mut out, &wiped)?;
    Ok(ExitCode::SUCCESS)
}

fn emit_json(out: &mut impl Write, events: &[SessionEvent]) -> anyhow::Result<()> {
    for event in events {
        serde_json::to_writer(&mut *out, event).context("while writing an event")?;
        out.write_all(b"\n").context("while writing to stdout")?;
    }
    out.flush().context("while writing to stdout")
}

/// A conversation typed at the terminal.
fn interactive(
    catalog: &Catalog,
    scenario: &Scenario,
    seed: u64,
    mut consent: Consent,
) -> anyhow::Result<ExitCode> {
    let prompt = std::io::stdin().is_terminal();
    let mut lines = LineReader::new(SecretReader::stdin().context("while opening stdin")?);
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    let mut progression = Progression::default();
    render::brief(&mut out, scenario)?;
    writeln!(out, "{}", consent.marker())?;
    writeln!(out, "Type what you would say and press Enter. /end finishes, Ctrl-D too.\n")?;
    let started = Instant::now();
    let (mut session, opening) = start(scenario, seed);
    render::events(&mut out, &opening)?;
    loop {
        if prompt {
            write!(out, "> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next_line().context("while reading from the terminal")? else {
            break;
        };
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let tick =
            session.handle(Event::Tick { elapsed_ms }).context("while timing the session")?;
        render::events(&mut out, &tick)?;
        let trimmed = line.expose().trim();
        if trimmed.is_empty() {
            continue;
        }
        let event = if trimmed == "/end" { Event::EndRequested } else { Event::TraineeSaid(line) };
        match session.handle(event) {
            Ok(mut events) => {
                finish_summary(&mut events, catalog, scenario, &mut progression);
                render::events(&mut out, &events)?;
                consent.record(scenario, &events);
            }
            Err(error) => writeln!(out, "({error})")?,
        }
        if session.phase() != rapport_session::Phase::Conversation {
            break;
        }
    }
    if session.phase() == rapport_session::Phase::Conversation {
        let mut events = session.handle(Event::EndRequested).context("while ending the session")?;
        finish_summary(&mut events, catalog, scenario, &mut progression);
        render::events(&mut out, &events)?;
        consent.record(scenario, &events);
    }
    let wiped = session.handle(Event::Wipe).context("while wiping the session")?;
    render::events(&mut out, &wiped)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads lines into fixed-size buffers that are wiped after use, so trainee text is never left
/// behind in a grown-and-freed `String`.
pub struct LineReader<R> {
    reader: R,
    /// 1-based number of the last line read.
    pub number: usize,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        Self { reader, number: 0 }
    }

    /// The next line without its line ending, or `None` at the end. A line longer than the
    /// engine accepts is cut at that length; the rest of it is skipped.
    pub fn next_line(&mut self) -> std::io::Result<Option<SecretText>> {
        let mut builder = SecretTextBuilder::with_capacity(MAX_UTTERANCE_BYTES);
        let mut pending: Vec<u8> = Vec::with_capacity(8);
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (piece, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => (&chunk[..end], Some(end + 1)),
                None => (chunk, None),
            };
            push_utf8(&mut builder, &mut pending, piece);
            let consumed = done.unwrap_or(chunk.len());
            self.reader.consume(consumed);
            if done.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        let text = builder.finish();
        let trimmed = text.expose().trim_end_matches('\r');
        if trimmed.len() == text.len() {
            Ok(Some(text))
        } else {
            Ok(Some(SecretText::copy_from(trimmed)))
        }
    }
}

/// Appends `bytes` as UTF-8, carrying an incomplete trailing character in `pending` and replacing
/// invalid bytes with U+FFFD.
fn push_utf8(builder: &mut SecretTextBuilder, pending: &mut Vec<u8>, bytes: &[u8]) {
    let mut rest = bytes;
    if !pending.is_empty() {
        while pending.len() < 4 && !rest.is_empty() {
            pending.push(rest[0]);
            rest = &rest[1..];
            if let Ok(text) = std::str::from_utf8(pending) {
                builder.push_str(text);
                zeroize::Zeroize::zeroize(pending);
                break;
            }
        }
        if pending.len() >= 4 {
            builder.push_str("\u{FFFD}");
            zeroize::Zeroize::zeroize(pending);
        }
    }
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                builder.push_str(text);
                return;
            }
            Err(error) => {
                let valid = error.valid_up_to();
                builder.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                match error.error_len() {
                    Some(bad) => {
                        builder.push_str("\u{FFFD}");
                        rest = &rest[valid + bad..];
                    }
                    None => {
                        pending.extend_from_slice(&rest[valid..]);
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    #[test]
    fn reads_lines_with_any_ending() {
        let input = "first\r\nsecond\n\nlast".as_bytes();
        let mut reader = LineReader::new(BufReader::with_capacity(3, input));
        let mut lines = Vec::new();
        while let Some(line) = reader.next_line().expect("reading from memory") {
            lines.push(line.expose().to_owned());
        }
        assert_eq!(lines, ["first", "second", "", "last"]);
        assert_eq!(reader.number, 4);
    }

    #[test]
    fn keeps_characters_split_across_reads_and_replaces_bad_bytes() {
        let input = "héllo wörld\n".as_bytes();
        let mut reader = LineReader::new(BufReader::with_capacity(2, input));
        assert_eq!(reader.next_line().expect("read").expect("a line").expose(), "héllo wörld");
        let bad: &[u8] = b"a\xffb\n";
        let mut reader = LineReader::new(BufReader::new(bad));
        assert_eq!(reader.next_line().expect("read").expect("a line").expose(), "a\u{FFFD}b");
    }

    #[test]
    fn cuts_overlong_lines() {
        let long = "x".repeat(MAX_UTTERANCE_BYTES * 2) + "\nnext\n";
        let mut reader = LineReader::new(BufReader::new(long.as_bytes()));
        assert_eq!(reader.next_line().expect("read").expect("a line").len(), MAX_UTTERANCE_BYTES);
        assert_eq!(reader.next_line().expect("read").expect("a line").expose(), "next");
    }
}
