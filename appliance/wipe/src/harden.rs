//! Process hardening at start-up: the process cannot be dumped, writes no core file, keeps its
//! memory out of swap, and has glibc overwrite what C libraries free.

use nix::sys::mman::{MlockAllFlags, mlockall};
use nix::sys::prctl;
use nix::sys::resource::{Resource, getrlimit, setrlimit};

/// The least memory-lock limit with which the station locks all its memory: below it, locking
/// future allocations would make them fail once the limit is reached.
pub const MIN_MEMLOCK_BYTES: u64 = 256 * 1024 * 1024;
/// The byte glibc writes over freed C heap memory (`M_PERTURB`).
const PERTURB_BYTE: libc::c_int = 0x5a;

/// Whether memory must be locked against swap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryLock {
    /// Lock all memory, or fail: the kiosk and the headless station.
    Required,
    /// Lock all memory when the limit allows, and say so when it does not: terminal sessions and
    /// tools on a developer's machine.
    BestEffort,
}

/// What [`harden`] achieved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hardening {
    /// Whether all current and future memory is locked against swap.
    pub memory_locked: bool,
    /// Why memory is not locked, when it is not.
    pub memory_lock_skipped: Option<String>,
}

/// A hardening step that failed.
#[derive(Debug, thiserror::Error)]
pub enum HardeningError {
    /// `prctl(PR_SET_DUMPABLE, 0)` failed.
    #[error("while making the process non-dumpable: {0}")]
    Dumpable(#[source] nix::Error),
    /// `setrlimit(RLIMIT_CORE, 0)` failed.
    #[error("while turning core files off: {0}")]
    CoreLimit(#[source] nix::Error),
    /// The memory-lock limit is too low and locking is required.
    #[error(
        "memory cannot be locked against swap: the memory-lock limit is {limit} bytes, the \
         station needs at least {MIN_MEMLOCK_BYTES} (set LimitMEMLOCK=infinity in its unit)"
    )]
    MemlockLimit {
        /// The limit in force.
        limit: u64,
    },
    /// `mlockall` failed.
    #[error("while locking memory against swap: {0}")]
    Mlockall(#[source] nix::Error),
    /// `getrlimit(RLIMIT_MEMLOCK)` failed.
    #[error("while reading the memory-lock limit: {0}")]
    ReadLimit(#[source] nix::Error),
}

/// Hardens the current process. Call it first thing in `main`, before any session content exists.
pub fn harden(lock: MemoryLock) -> Result<Hardening, HardeningError> {
    let hardening = harden_deferring_c_heap(lock)?;
    perturb_c_heap();
    Ok(hardening)
}

/// [`harden`] without the C heap's overwrite, for a process that first loads large models
/// through C libraries: glibc fills every block it hands out while the overwrite is on, which
/// would make resident the hundreds of megabytes whisper.cpp reserves and never touches. Call
/// [`perturb_c_heap`] once the models are loaded, before any session content exists.
pub fn harden_deferring_c_heap(lock: MemoryLock) -> Result<Hardening, HardeningError> {
    prctl::set_dumpable(false).map_err(HardeningError::Dumpable)?;
    setrlimit(Resource::RLIMIT_CORE, 0, 0).map_err(HardeningError::CoreLimit)?;
    let (soft, hard) = getrlimit(Resource::RLIMIT_MEMLOCK).map_err(HardeningError::ReadLimit)?;
    // Raise the soft limit as far as the hard one allows.
    let limit = if soft < hard && setrlimit(Resource::RLIMIT_MEMLOCK, hard, hard).is_ok() {
        hard
    } else {
        soft
    };
    let unlimited = limit == libc::RLIM_INFINITY;
    if !unlimited && limit < MIN_MEMLOCK_BYTES {
        return match lock {
            MemoryLock::Required => Err(HardeningError::MemlockLimit { limit }),
            MemoryLock::BestEffort => Ok(Hardening {
                memory_locked: false,
                memory_lock_skipped: Some(format!(
                    "the memory-lock limit is {limit} bytes, below the {MIN_MEMLOCK_BYTES} the \
                     station needs"
                )),
            }),
        };
    }
    // Pages are locked as they are first touched (MCL_ONFAULT), so a reservation never written,
    // which holds nothing, does not become resident just by being locked.
    let flags = MlockAllFlags::MCL_CURRENT
        | MlockAllFlags::MCL_FUTURE
        | MlockAllFlags::from_bits_retain(libc::MCL_ONFAULT);
    match mlockall(flags) {
        Ok(()) => Ok(Hardening { memory_locked: true, memory_lock_skipped: None }),
        Err(error) if lock == MemoryLock::BestEffort => Ok(Hardening {
            memory_locked: false,
            memory_lock_skipped: Some(format!("mlockall failed: {error}")),
        }),
        Err(error) => Err(HardeningError::Mlockall(error)),
    }
}

/// Has glibc overwrite freed C heap memory (GStreamer, whisper.cpp, ONNX Runtime allocate there);
/// [`harden`] does it, [`harden_deferring_c_heap`] leaves it to the caller. Calling it again is
/// harmless.
///
/// glibc skips the overwrite for blocks it caches per thread (tcache); the station's unit and
/// `rapport wipe-check` turn that cache off with `GLIBC_TUNABLES=glibc.malloc.tcache_count=0`.
pub fn perturb_c_heap() {
    // SAFETY: mallopt only changes an allocator setting, under glibc's arena lock; any value is
    // valid for M_PERTURB.
    let accepted = unsafe { libc::mallopt(libc::M_PERTURB, PERTURB_BYTE) };
    debug_assert_eq!(accepted, 1, "glibc accepts M_PERTURB");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardening_turns_dumps_and_core_files_off() {
        // This changes the test process itself, which is harmless: it only cannot dump core.
        let hardening = harden(MemoryLock::BestEffort).expect("best effort never fails on locking");
        assert_eq!(prctl::get_dumpable().ok(), Some(false));
        assert_eq!(getrlimit(Resource::RLIMIT_CORE).ok(), Some((0, 0)));
        assert_eq!(hardening.memory_locked, hardening.memory_lock_skipped.is_none());
    }

    #[test]
    fn a_required_lock_under_a_low_limit_is_a_clear_error() {
        let error = HardeningError::MemlockLimit { limit: 8 * 1024 * 1024 };
        let message = error.to_string();
        assert!(message.contains("8388608 bytes"), "{message}");
        assert!(message.contains("LimitMEMLOCK=infinity"), "{message}");
    }
}
