//! [`SecretText`]: an utterance or a patient line, wiped on drop.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// Text spoken or typed during a session: a trainee utterance, a patient line, a caption.
///
/// The bytes are wiped when the value is dropped. The buffer is never grown in place: text is
/// built once (from an owned `String`, which moves its buffer in without a copy, or through a
/// [`SecretTextBuilder`] with a fixed capacity).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    /// Takes ownership of `text`'s buffer; no copy is made.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// Copies `text` into a buffer of exactly its length.
    ///
    /// The caller stays responsible for wiping the source.
    pub fn copy_from(text: &str) -> Self {
        let mut owned = String::with_capacity(text.len());
        owned.push_str(text);
        Self::new(owned)
    }

    /// The text itself. Every caller is a place where content leaves its box: to the screen, to a
    /// session peer, to the coder. Never to a log or a file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of whitespace-separated words, for talk-time share.
    pub fn word_count(&self) -> usize {
        self.0.split_whitespace().count()
    }

    /// Wipes the text now, leaving it empty.
    pub fn wipe(&mut self) {
        self.0.zeroize();
    }
}

impl From<String> for SecretText {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretText(<{} bytes>)", self.0.len())
    }
}

/// Builds a [`SecretText`] piece by piece in a buffer whose capacity is fixed up front.
///
/// Pushing past the capacity truncates (at a character boundary) instead of reallocating, so no
/// unwiped copy is ever left on the heap.
pub struct SecretTextBuilder {
    buffer: Zeroizing<String>,
    truncated: bool,
}

impl SecretTextBuilder {
    /// A builder that holds at most `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { buffer: Zeroizing::new(String::with_capacity(capacity)), truncated: false }
    }

    /// Appends as much of `piece` as fits.
    pub fn push_str(&mut self, piece: &str) {
        let room = self.buffer.capacity() - self.buffer.len();
        if piece.len() <= room {
            self.buffer.push_str(piece);
            return;
        }
        let mut end = room;
        while !piece.is_char_boundary(end) {
            end -= 1;
        }
        self.buffer.push_str(&piece[..end]);
        self.truncated = true;
    }

    /// Whether some input did not fit.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.buffer
    }

    /// Empties the builder, wiping what it held; the capacity stays.
    pub fn clear(&mut self) {
        // `zeroize` on a String wipes its whole capacity and leaves it empty, without freeing it.
        self.buffer.zeroize();
        self.truncated = false;
    }

    /// The finished text, in a buffer sized to it. The builder's own buffer is wiped on drop.
    pub fn finish(self) -> SecretText {
        SecretText::copy_from(&self.buffer)
    }
}

impl fmt::Debug for SecretTextBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretTextBuilder(<{} bytes>)", self.buffer.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_content() {
        let text = SecretText::copy_from("I drink every night");
        let shown = format!("{text:?}");
        assert!(!shown.contains("drink"), "{shown}");
        assert!(shown.contains("19 bytes"));
    }

    #[test]
    fn wipe_empties_text() {
        let mut text = SecretText::copy_from("my sister died of it");
        text.wipe();
        assert!(text.is_empty());
        assert_eq!(text.expose(), "");
    }

    #[test]
    fn builder_truncates_instead_of_growing() {
        let mut builder = SecretTextBuilder::with_capacity(8);
        let capacity = builder.buffer.capacity();
        builder.push_str("héllo wörld");
        assert!(builder.truncated());
        assert_eq!(builder.buffer.capacity(), capacity, "the buffer must never reallocate");
        assert!(builder.as_str().len() <= capacity);
        assert!("héllo wörld".starts_with(builder.as_str()));
    }

    #[test]
    fn builder_clear_keeps_capacity() {
        let mut builder = SecretTextBuilder::with_capacity(32);
        builder.push_str("first line");
        builder.clear();
        assert_eq!(builder.as_str(), "");
        builder.push_str("second");
        assert_eq!(builder.finish().expose(), "second");
    }

    #[test]
    fn word_count_counts_words() {
        assert_eq!(SecretText::copy_from("  so you feel   torn ").word_count(), 4);
    }
}
