//! [`WipingAllocator`]: the system allocator, zeroing every block before it is freed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether freed blocks are zeroed. On unless a benchmark turns it off to measure its cost.
static WIPING: AtomicBool = AtomicBool::new(true);

/// Turns wiping of freed memory on or off, for the whole process.
///
/// Only `rapport bench wipe` turns it off, to measure the allocator against a baseline in the same
/// run. A station running sessions must never call this with `false`.
pub fn danger_set_wiping(enabled: bool) {
    WIPING.store(enabled, Ordering::SeqCst);
}

/// Whether freed memory is being wiped.
pub fn wiping_enabled() -> bool {
    WIPING.load(Ordering::Relaxed)
}

/// The global allocator of the station: [`System`] (or another allocator `A`), with every freed
/// block zeroed first.
///
/// Install it in the binary with `#[global_allocator]` and [`WipingAllocator::system`].
#[derive(Debug, Default)]
pub struct WipingAllocator<A = System>(A);

impl WipingAllocator<System> {
    /// Wiping over the system allocator.
    pub const fn system() -> Self {
        Self(System)
    }
}

/// Zeroes `size` bytes at `ptr` in a way the optimiser cannot drop as a dead store before `free`.
///
/// # Safety
/// `ptr` must be valid for writes of `size` bytes.
unsafe fn wipe(ptr: *mut u8, size: usize) {
    // SAFETY: the caller guarantees `ptr..ptr + size` is writable.
    unsafe { std::ptr::write_bytes(ptr, 0, size) };
    // Make the zeroed block observable, so the stores above are not elided.
    std::hint::black_box(ptr);
    std::sync::atomic::compiler_fence(Ordering::SeqCst);
}

// SAFETY: every method forwards to the inner allocator with the caller's own layout; wiping only
// writes to blocks the caller owns and is about to give up.
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if wiping_enabled() {
            // SAFETY: `ptr` was allocated with `layout`, so `layout.size()` bytes are ours.
            unsafe { wipe(ptr, layout.size()) };
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !wiping_enabled() {
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { self.0.realloc(ptr, layout, new_size) };
        }
        // A reallocation that moves the block would free the old one unwiped inside the system
        // allocator: move it ourselves instead, and wipe what is left behind.
        // SAFETY: the caller guarantees `new_size` is non-zero and fits the alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero size, as the caller guarantees.
        let new_ptr = unsafe { self.0.alloc(new_layout) };
        if !new_ptr.is_null() {
            // SAFETY: both blocks are valid for the smaller of the two sizes and do not overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new_ptr
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// An allocator that records what each block held when it was freed, and never frees.
    #[derive(Default)]
    struct Recorder {
        freed: Mutex<Vec<Vec<u8>>>,
    }

    // SAFETY: forwards allocation to `System`; `dealloc` only reads the block it is handed.
    unsafe impl GlobalAlloc for &Recorder {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: the block is valid for `layout.size()` bytes until it is freed, which this
            // recorder never does (a test-sized leak).
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) }.to_vec();
            self.freed.lock().expect("not poisoned").push(bytes);
        }
    }

    #[test]
    fn freed_and_moved_blocks_are_zeroed_before_they_go() {
        let recorder = Recorder::default();
        let allocator = WipingAllocator(&recorder);
        let layout = Layout::from_size_align(64, 8).expect("a valid layout");
        // SAFETY: a fresh 64-byte block, used within its bounds, moved once and freed once.
        unsafe {
            let block = allocator.alloc(layout);
            assert!(!block.is_null());
            std::ptr::write_bytes(block, 0xAB, 64);
            let moved = allocator.realloc(block, layout, 4096);
            assert!(!moved.is_null());
            assert_eq!(*moved.add(63), 0xAB, "content moves with the block");
            allocator.dealloc(moved, Layout::from_size_align(4096, 8).expect("a valid layout"));
        }
        let freed = recorder.freed.lock().expect("not poisoned");
        assert_eq!(freed.len(), 2, "the old block and the moved one");
        assert_eq!(freed[0].len(), 64);
        assert_eq!(freed[1].len(), 4096);
        assert!(freed.iter().all(|block| block.iter().all(|&b| b == 0)));
    }
}
