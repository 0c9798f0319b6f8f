//! [`Text`]: words a person typed (a nudge, a puppeteered line) while they cross the wire.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize as _;

/// Text typed by a peer. `Debug` prints only its length; the bytes are wiped on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// Wraps a string.
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The words, for the one place that hands them to the session.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Text({} bytes)", self.0.len())
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
