//! Zero retention, enforced below the types: what `rapport-privacy` cannot do alone.
//!
//! - [`WipingAllocator`]: the station's global allocator. Every block the Rust heap frees (and
//!   every block a reallocation leaves behind) is zeroed first, so a `String` that grew, a `Vec`
//!   of events or a parser's scratch buffer leaves nothing of a session behind.
//! - [`harden`]: process settings at start-up: not dumpable, no core files, memory locked against
//!   swap, and glibc told to overwrite what C libraries free.
//! - [`scan`]: reads another process's memory, as root, and counts where a canary occurs. This is
//!   how `rapport wipe-check` proves that a wipe worked.

#![allow(
    unsafe_code,
    reason = "a global allocator and libc's mallopt cannot be written without it"
)]

mod allocator;
mod canary;
mod harden;
pub mod scan;

pub use allocator::{WipingAllocator, danger_set_wiping, wiping_enabled};
pub use canary::Canary;
pub use harden::{
    Hardening, HardeningError, MemoryLock, harden, harden_deferring_c_heap, perturb_c_heap,
};
