//! Types that hold session content: what the trainee and the patient said, and nothing else.
//!
//! Session content is speech, transcripts, codes and scores. It may live in RAM for the length of
//! a session and must be gone afterwards, so every type here:
//! - wipes its bytes when dropped (through [`zeroize`]),
//! - is sized once and never reallocates behind the caller's back (a reallocation frees the old
//!   buffer unwiped),
//! - has a `Debug` that prints only its length, so a stray `{:?}` in a log carries no content.
//!
//! Reading the content back is explicit ([`SecretText::expose`]): a reviewer can find every place
//! where content leaves its box.

mod text;

pub use text::{SecretText, SecretTextBuilder};
