//! [`Canary`]: a string derived at run time from a seed, planted in a session to find out where
//! its content ends up.
//!
//! It is never a literal: a literal sits in the binary and would always be found.

/// A run-time canary and the tail a scan also looks for (glibc's allocator overwrites the first
/// 16 bytes of a freed chunk with its own pointers, so a leaked copy may survive only as a tail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canary {
    text: String,
}

/// Length of the random part, in letters.
const RANDOM_LETTERS: usize = 40;
/// Length of the tail searched on its own.
pub const TAIL_BYTES: usize = 20;

impl Canary {
    /// The canary of `seed`: a word of lowercase letters, different for every seed.
    pub fn from_seed(seed: u64) -> Self {
        let mut state = seed ^ 0x5EED_CA9A_2D1F_0B77;
        let mut text = String::with_capacity(RANDOM_LETTERS);
        for _ in 0..RANDOM_LETTERS {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            text.push(char::from(b'a' + (z % 26) as u8));
        }
        Self { text }
    }

    /// The whole canary.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its last [`TAIL_BYTES`] bytes.
    pub fn tail(&self) -> &str {
        &self.text[self.text.len() - TAIL_BYTES..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canaries_differ_by_seed_and_repeat_by_seed() {
        assert_eq!(Canary::from_seed(1), Canary::from_seed(1));
        assert_ne!(Canary::from_seed(1), Canary::from_seed(2));
        let canary = Canary::from_seed(9);
        assert_eq!(canary.text().len(), RANDOM_LETTERS);
        assert!(canary.text().ends_with(canary.tail()));
        assert!(canary.text().bytes().all(|b| b.is_ascii_lowercase()));
    }
}
