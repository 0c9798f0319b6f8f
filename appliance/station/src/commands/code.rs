//! `rapport code`: batch coding. Reads JSON lines `{"text": "...", "previous": "..."}` on stdin
//! and writes one JSON line per input: the code, or `{"error": "...", "line": N}` for a line that
//! is not such an object, after which the run goes on.

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
    let coder = RuleCoder::new();
    let input = SecretReader::stdin().context("while opening stdin")?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    code_stream(&coder, input, &mut out)?;
    Ok(ExitCode::SUCCESS)
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
        let mut out = Vec::new();
        code_stream(&RuleCoder::new(), input.as_bytes(), &mut out).expect("coding in memory");
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
}
