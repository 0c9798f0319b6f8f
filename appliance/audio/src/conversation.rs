//! The conversation on one 16 kHz timeline: the trainee's frames where they were heard, the
//! patient's chunks where they were played, and barge-in cutting the patient off in the file as
//! it would through a speaker. It is the [`AudioOutput`] of a file-driven session, and the only
//! thing in this crate that writes speech to disk, to the one path its caller names.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use zeroize::{Zeroize, Zeroizing};

use crate::INPUT_RATE;
use crate::error::AudioError;
use crate::frame::{AudioFrame, PcmChunk};
use crate::output::{AudioOutput, ChunkId, PlaybackEvent};
use crate::resample::resample;

/// A chunk laid on the timeline, by its input-rate sample positions.
#[derive(Debug)]
struct Placed {
    id: ChunkId,
    start: u64,
    end: u64,
    started: bool,
}

/// Both sides of a conversation on the input's timeline, written as one WAV file on request.
///
/// Time is the trainee's: it advances as input frames are pushed. A chunk played while the
/// patient is silent starts at the current input position; one played while the patient speaks
/// is queued after it. A chunk is [`Started`](PlaybackEvent::Started) when the timeline reaches
/// its start and [`Finished`](PlaybackEvent::Finished) when it reaches its end; [`stop`]
/// drops every patient sample from the current position on.
///
/// [`stop`]: AudioOutput::stop
///
/// Its `Debug` shows lengths and positions, never a sample.
#[derive(Default)]
pub struct ConversationWriter {
    trainee: Zeroizing<Vec<f32>>,
    patient: Zeroizing<Vec<f32>>,
    now: u64,
    placed: VecDeque<Placed>,
    events: VecDeque<PlaybackEvent>,
    next_id: ChunkId,
    /// Whether the samples are kept (for [`ConversationWriter::write_wav`]) or only the timing.
    keeps_audio: bool,
}

impl ConversationWriter {
    /// An empty conversation at [`INPUT_RATE`] that keeps both sides, to be written out.
    pub fn new() -> Self {
        Self { keeps_audio: true, ..Self::default() }
    }

    /// A conversation that keeps only the timing: the patient's chunks start, finish and stop
    /// exactly as with [`ConversationWriter::new`], but no sample is kept (a session run from a
    /// recording with no file to write: four minutes of both sides would be tens of megabytes).
    pub fn timing_only() -> Self {
        Self::default()
    }

    /// Lays a trainee frame at its position and moves the timeline to its end.
    pub fn push_input(&mut self, frame: &AudioFrame) {
        if self.keeps_audio {
            mix_into(&mut self.trainee, to_index(frame.start()), frame.samples());
        }
        self.now = self.now.max(frame.end());
    }

    /// The current position, in input samples.
    pub fn position(&self) -> u64 {
        self.now
    }

    /// The mixed conversation, both sides summed and clipped to [-1, 1].
    pub fn mixed(&self) -> Zeroizing<Vec<f32>> {
        let len = self.trainee.len().max(self.patient.len());
        let mut mixed = Zeroizing::new(vec![0.0; len]);
        for (index, sample) in mixed.iter_mut().enumerate() {
            let trainee = self.trainee.get(index).copied().unwrap_or(0.0);
            let patient = self.patient.get(index).copied().unwrap_or(0.0);
            *sample = (trainee + patient).clamp(-1.0, 1.0);
        }
        mixed
    }

    /// Writes the mixed conversation to `path` as 16-bit mono PCM at [`INPUT_RATE`], replacing
    /// any file there.
    ///
    /// # Errors
    /// [`AudioError::Write`] naming the file; also when this conversation kept only its timing.
    pub fn write_wav(&self, path: &Path) -> Result<(), AudioError> {
        let write_error = |source| AudioError::Write { path: path.to_path_buf(), source };
        if !self.keeps_audio {
            return Err(write_error(std::io::Error::other(
                "this conversation kept only its timing, not its audio",
            )));
        }
        let mixed = self.mixed();
        let mut file = File::create(path).map_err(write_error)?;
        let data_len = u32::try_from(mixed.len() * 2).map_err(|_| {
            write_error(std::io::Error::other("the conversation is too long for one WAV file"))
        })?;
        file.write_all(&wav_header(data_len)).map_err(write_error)?;
        let mut block = Zeroizing::new([0u8; 8192]);
        for piece in mixed.chunks(block.len() / 2) {
            for (bytes, sample) in block.chunks_exact_mut(2).zip(piece) {
                // The sample is clamped to [-1, 1], so the product fits in i16.
                #[allow(clippy::cast_possible_truncation)]
                let value = (sample * f32::from(i16::MAX)).round() as i16;
                bytes.copy_from_slice(&value.to_le_bytes());
            }
            file.write_all(&block[..piece.len() * 2]).map_err(write_error)?;
        }
        block.zeroize();
        file.sync_all().map_err(write_error)
    }

    fn advance(&mut self) {
        while let Some(front) = self.placed.front_mut() {
            if !front.started && self.now >= front.start {
                front.started = true;
                self.events.push_back(PlaybackEvent::Started(front.id));
            }
            if front.started && self.now >= front.end {
                self.events.push_back(PlaybackEvent::Finished(front.id));
                self.placed.pop_front();
            } else {
                break;
            }
        }
    }
}

impl AudioOutput for ConversationWriter {
    fn play(&mut self, chunk: PcmChunk) -> Result<ChunkId, AudioError> {
        self.advance();
        let samples = resample(chunk.samples(), chunk.rate(), INPUT_RATE)?;
        let start = self.placed.back().map_or(self.now, |last| last.end.max(self.now));
        if self.keeps_audio {
            mix_into(&mut self.patient, to_index(start), &samples);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.placed.push_back(Placed {
            id,
            start,
            end: start + samples.len() as u64,
            started: false,
        });
        self.advance();
        Ok(id)
    }

    fn stop(&mut self) -> Result<(), AudioError> {
        self.advance();
        if self.placed.is_empty() {
            return Ok(());
        }
        let cut = to_index(self.now).min(self.patient.len());
        self.patient[cut..].zeroize();
        self.patient.truncate(cut);
        for placed in self.placed.drain(..) {
            self.events.push_back(PlaybackEvent::Stopped(placed.id));
        }
        Ok(())
    }

    fn poll_event(&mut self) -> Result<Option<PlaybackEvent>, AudioError> {
        if self.events.is_empty() {
            self.advance();
        }
        Ok(self.events.pop_front())
    }

    fn is_idle(&self) -> bool {
        self.placed.is_empty()
    }
}

impl std::fmt::Debug for ConversationWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConversationWriter")
            .field("trainee_len", &self.trainee.len())
            .field("patient_len", &self.patient.len())
            .field("position", &self.now)
            .field("queued", &self.placed.len())
            .finish()
    }
}

fn to_index(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// Adds `samples` into `track` from `start`, growing it through a fresh wiped buffer (never a
/// reallocation, which would leave an unwiped copy behind).
fn mix_into(track: &mut Zeroizing<Vec<f32>>, start: usize, samples: &[f32]) {
    let end = start.saturating_add(samples.len());
    if end > track.capacity() {
        let mut larger = Zeroizing::new(Vec::with_capacity(end.max(track.capacity() * 2)));
        larger.extend_from_slice(track);
        *track = larger;
    }
    if end > track.len() {
        track.resize(end, 0.0);
    }
    for (slot, sample) in track[start..end].iter_mut().zip(samples) {
        *slot += sample;
    }
}

/// The 44-byte header of a 16-bit mono PCM WAV file at [`INPUT_RATE`] with `data_len` bytes.
fn wav_header(data_len: u32) -> [u8; 44] {
    let mut header = [0u8; 44];
    let byte_rate = INPUT_RATE * 2;
    let fields: [(usize, &[u8]); 13] = [
        (0, b"RIFF"),
        (4, &data_len.saturating_add(36).to_le_bytes()),
        (8, b"WAVE"),
        (12, b"fmt "),
        (16, &16u32.to_le_bytes()),
        (20, &1u16.to_le_bytes()),
        (22, &1u16.to_le_bytes()),
        (24, &INPUT_RATE.to_le_bytes()),
        (28, &byte_rate.to_le_bytes()),
        (32, &2u16.to_le_bytes()),
        (34, &16u16.to_le_bytes()),
        (36, b"data"),
        (40, &data_len.to_le_bytes()),
    ];
    for (at, bytes) in fields {
        header[at..at + bytes.len()].copy_from_slice(bytes);
    }
    header
}
