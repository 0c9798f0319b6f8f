//! The AnnoMI corpus as the coder is trained and evaluated on it: therapist utterances with their
//! six-way label and the client's line before, split by transcript the same way as
//! `models/coder/train.py` splits it.
//!
//! This is public evaluation data read by `rapport bench coder`, never session content.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::FineClass;

/// The file read from the data folder (one row per annotation, with subtypes).
pub const FILE: &str = "AnnoMI-full.csv";

/// Which part of the corpus a transcript belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Used to fit the model (and the baseline).
    Train,
    /// Used to choose the epoch and fit the temperatures.
    Validation,
    /// Held out: never seen in training.
    Test,
}

impl Split {
    /// The split of transcript `id`: a fifth for test, a tenth for validation, the rest for
    /// training (the rule of `split_of` in `models/coder/train.py`).
    pub fn of(id: u32) -> Split {
        if id.is_multiple_of(5) {
            Split::Test
        } else if id % 10 == 3 {
            Split::Validation
        } else {
            Split::Train
        }
    }
}

/// One therapist utterance.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its transcript.
    pub transcript: u32,
    /// What the therapist said.
    pub text: String,
    /// The client's most recent line before it in the transcript (empty if none).
    pub previous: String,
    /// The annotators' majority label.
    pub fine: FineClass,
}

/// Why the corpus cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not the CSV expected.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// The record's line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Every therapist utterance of `dir/AnnoMI-full.csv`, in transcript and utterance order.
pub fn load(dir: &Path) -> Result<Vec<Item>, DataError> {
    let path = dir.join(FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|source| DataError::Read { path: path.clone(), source })?;
    let records = parse_csv(&text);
    let format =
        |line: usize, message: String| DataError::Format { path: path.clone(), line, message };
    let Some((_, header)) = records.first() else {
        return Err(format(1, "empty file".into()));
    };
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| format(1, format!("no column {name}")))
    };
    let [transcript, utterance, speaker, text_at, main, question, reflection] = [
        "transcript_id",
        "utterance_id",
        "interlocutor",
        "utterance_text",
        "main_therapist_behaviour",
        "question_subtype",
        "reflection_subtype",
    ]
    .map(column);
    let (transcript, utterance, speaker, text_at, main, question, reflection) =
        (transcript?, utterance?, speaker?, text_at?, main?, question?, reflection?);
    let mut grouped: BTreeMap<(u32, u32), Vec<&Vec<String>>> = BTreeMap::new();
    for (line, record) in &records[1..] {
        if record.len() != header.len() {
            return Err(format(
                *line,
                format!("{} fields, expected {}", record.len(), header.len()),
            ));
        }
        let number = |at: usize| {
            record[at]
                .parse::<u32>()
                .map_err(|_| format(*line, format!("not a number: {}", record[at])))
        };
        grouped.entry((number(transcript)?, number(utterance)?)).or_default().push(record);
    }
    let mut items = Vec::new();
    let mut last_client: BTreeMap<u32, String> = BTreeMap::new();
    for ((id, _), annotations) in grouped {
        let first = annotations[0];
        if first[speaker] == "client" {
            last_client.insert(id, first[text_at].clone());
            continue;
        }
        let behaviour = majority(annotations.iter().map(|a| a[main].as_str()));
        let agreeing: Vec<_> = annotations.iter().filter(|a| a[main] == behaviour).collect();
        let fine = match behaviour.as_str() {
            "question" => {
                if majority(agreeing.iter().map(|a| a[question].as_str())) == "open" {
                    FineClass::OpenQuestion
                } else {
                    FineClass::ClosedQuestion
                }
            }
            "reflection" => {
                if majority(agreeing.iter().map(|a| a[reflection].as_str())) == "complex" {
                    FineClass::ComplexReflection
                } else {
                    FineClass::SimpleReflection
                }
            }
            "therapist_input" => FineClass::Input,
            _ => FineClass::Other,
        };
        items.push(Item {
            transcript: id,
            text: first[text_at].clone(),
            previous: last_client.get(&id).cloned().unwrap_or_default(),
            fine,
        });
    }
    Ok(items)
}

/// The most frequent non-empty value (ties to the alphabetically first), or "" if none.
fn majority<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for value in values.filter(|v| !v.is_empty() && *v != "n/a") {
        *counts.entry(value).or_default() += 1;
    }
    let mut best: Option<(&str, usize)> = None;
    for (value, count) in counts {
        if best.is_none_or(|(_, top)| count > top) {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value.to_owned()).unwrap_or_default()
}

/// Records of a CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, and line
/// breaks), each with the line it starts on.
fn parse_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                line += 1;
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                start = line;
            }
            (_, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_commas_and_line_breaks() {
        let records = parse_csv("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n3,4");
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].1, vec!["x, \"y\"".to_owned(), "two\nlines".to_owned()]);
        assert_eq!(records[2], (4, vec!["3".to_owned(), "4".to_owned()]));
    }

    #[test]
    fn splits_are_by_transcript() {
        assert_eq!(Split::of(10), Split::Test);
        assert_eq!(Split::of(13), Split::Validation);
        assert_eq!(Split::of(11), Split::Train);
    }

    #[test]
    fn majority_ignores_empty_values_and_breaks_ties_by_name() {
        assert_eq!(majority(["", "open", "closed", "n/a"].into_iter()), "closed");
        assert_eq!(majority(["open", "closed", "open"].into_iter()), "open");
        assert_eq!(majority(["", "n/a"].into_iter()), "");
    }
}
