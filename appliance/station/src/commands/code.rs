//! `rapport code`: batch coding. Reads JSON lines `{"text": "...", "previous": "..."}` on stdin
//! and writes one JSON line per input: the code, or `{"error": "...", "line": N}` for a line that
//! is not such an object, after which the run goes on.
//!
//! The trained coder (`rapport-coder-model`) codes by default. When its files are not in the model
//! store, the run warns on stderr, naming the missing file and `models/fetch`, and codes with the
//! rule coder instead, so that the command stays usable on a machine without models.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use rapport_coding::{Coder, Context, RuleCoder};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::session::LineReader;
use crate::secret_io::{SecretReader, SecretWriter};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    text: String,
    #[serde(default)]
    previous: Option<String>,
}

impl Drop for Request {
    fn drop(&mut self) {
        self.text.zeroize();
        self.previous.zeroize();
    }
}

#[derive(Serialize)]
struct Answer {
    main: &'static str,
    fine: &'static str,
    confidence: f32,
    uncertain: bool,
}

#[derive(Serialize)]
struct Failure {
    error: String,
    line: usize,
}

pub fn run() -> anyhow::Result<ExitCode> {
    let coder = load_coder();
    let input = SecretReader::stdin().context("while opening stdin")?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    code_stream(coder.as_ref(), input, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// The trained coder from the model store, or the rule coder with a warning saying why.
pub fn load_coder() -> Box<dyn Coder> {
    let loaded = rapport_models::ModelStore::locate()
        .map_err(rapport_coder_model::CoderModelError::from)
        .and_then(|store| rapport_coder_model::ModelCoder::load(&store));
    match loaded {
        Ok(coder) => Box::new(coder),
        Err(error) => {
            eprintln!(
                "warning: the trained coder is not available, coding with the rule coder instead: {error}"
            );
            Box::new(RuleCoder::new())
        }
    }
}

/// Codes every line of `input` onto `out`.
pub fn code_stream(
    coder: &dyn Coder,
    input: impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut lines = LineReader::new(input);
    while let Some(line) = lines.next_line().context("while reading stdin")? {
        if line.expose().trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Request>(line.expose()) {
            Ok(request) => {
                let context = Context {
                    previous_patient: request.previous.as_deref(),
                    permission_granted: false,
                };
                let code = coder.code(&request.text, &context);
                let answer = Answer {
                    main: code.label.main().as_str(),
                    fine: code.label.as_str(),
                    confidence: (code.confidence * 1000.0).round() / 1000.0,
                    uncertain: code.uncertain(),
                };
                serde_json::to_writer(&mut *out, &answer).context("while writing stdout")?;
            }
            Err(error) => {
                let failure = Failure {
                    error: format!(
                        "expected a JSON object {{\"text\": \"...\", \"previous\": \"...\"}}: {error}"
                    ),
                    line: lines.number,
                };
                serde_json::to_writer(&mut *out, &failure).context("while writing stdout")?;
            }
        }
        out.write_all(b"\n").context("while writing stdout")?;
        out.flush().context("while writing stdout")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_lines(input: &str) -> Vec<serde_json::Value> {
        run_lines_with(&RuleCoder::new(), input)
    }

    fn run_lines_with(coder: &dyn Coder, input: &str) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        code_stream(coder, input.as_bytes(), &mut out).expect("coding in memory");
        String::from_utf8(out)
            .expect("utf-8 output")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
            .collect()
    }

    #[test]
    fn codes_good_lines_and_reports_bad_ones() {
        let out = run_lines(concat!(
            "{\"text\": \"What brings you in today?\"}\n",
            "not json\n",
            "{\"text\": 42}\n",
            "\n",
            "{\"text\": \"You should stop drinking.\", \"previous\": \"I drink a bit.\"}\n",
        ));
        assert_eq!(out.len(), 4);
        assert_eq!(out[0]["main"], "question");
        assert_eq!(out[0]["fine"], "open_question");
        assert_eq!(out[1]["line"], 2);
        assert!(out[1]["error"].as_str().is_some_and(|e| e.contains("JSON")));
        assert_eq!(out[2]["line"], 3);
        assert_eq!(out[3]["fine"], "persuade");
        assert_eq!(out[3]["main"], "input");
        for answer in [&out[0], &out[3]] {
            let confidence = answer["confidence"].as_f64().expect("a number");
            assert!((0.0..=1.0).contains(&confidence));
            assert!(answer["uncertain"].is_boolean());
        }
    }

    #[test]
    fn the_trained_coder_reports_malformed_lines_and_goes_on() {
        let store = rapport_models::ModelStore::locate().unwrap_or_else(|error| panic!("{error}"));
        let coder =
            rapport_coder_model::ModelCoder::load(&store).unwrap_or_else(|error| panic!("{error}"));
        let out = run_lines_with(
            &coder,
            concat!(
                "{\"text\": \"what brings you in today\"}\n",
                "{\"text\": \"unterminated\n",
                "{\"txt\": \"a misspelt field\"}\n",
                "[1, 2]\n",
                "{\"text\": \"So you feel stuck.\", \"previous\": \"I can't stop.\"}\n",
            ),
        );
        assert_eq!(out.len(), 5);
        for (index, line) in [(1, 2), (2, 3), (3, 4)] {
            assert_eq!(out[index]["line"], line);
            assert!(out[index]["error"].is_string());
        }
        assert_eq!(out[0]["main"], "question");
        assert_eq!(out[4]["main"], "reflection");
        for answer in [&out[0], &out[4]] {
            assert!(answer["confidence"].as_f64().is_some_and(|c| (0.0..=1.0).contains(&c)));
            assert!(answer["uncertain"].is_boolean());
        }
    }
}
