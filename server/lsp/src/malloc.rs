//! glibc's allocator, tuned for a long-running server that sometimes holds a
//! 10 MB document and mostly makes small edits.
//!
//! By default glibc gives threads arenas of their own (up to eight per
//! core) and raises its mmap threshold each time a large block is freed, so
//! that a 10 MB `didOpen` buffer or a 4 MB outline, once freed, stays in
//! the heap: resident memory then creeps up as the threads take turns, and
//! never comes back down. One arena per core (the workspace index parses on
//! every core; with a single arena it takes twice as long), and a fixed
//! 128 KiB threshold (large blocks are mapped and unmapped; free memory
//! over 128 KiB at the top of the heap is returned) keep it flat: with one
//! 10 MB document open, 26-29 MB resident after an outline instead of
//! 41-48 MB, and the soak test's growth from +25% to about +11%.
//!
//! The only unsafe code of the project: a call into the C library, made
//! once, before any other thread exists.

/// `mallopt` parameters (glibc's `malloc.h`).
const M_TRIM_THRESHOLD: i32 = -1;
const M_MMAP_THRESHOLD: i32 = -3;
const M_ARENA_MAX: i32 = -8;

const LARGE: i32 = 128 * 1024;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
mod ffi {
    unsafe extern "C" {
        pub fn mallopt(param: i32, value: i32) -> i32;
    }

    pub fn mallopt_safe(param: i32, value: i32) -> bool {
        // SAFETY: `mallopt` takes two ints and only changes the allocator's
        // settings; it is called from `main` before any thread is started.
        unsafe { mallopt(param, value) == 1 }
    }
}

/// Applies the settings (on glibc; elsewhere nothing to do). A variable
/// the user set (`MALLOC_ARENA_MAX`, ...) is left to win.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (param, value, variable) in [
        (M_ARENA_MAX, arenas(), "MALLOC_ARENA_MAX"),
        (M_MMAP_THRESHOLD, LARGE, "MALLOC_MMAP_THRESHOLD_"),
        (M_TRIM_THRESHOLD, LARGE, "MALLOC_TRIM_THRESHOLD_"),
    ] {
        if std::env::var_os(variable).is_none() && !ffi::mallopt_safe(param, value) {
            eprintln!("digest-lsp: could not set {variable} to {value}");
        }
    }
}

/// One arena per core, from 1 to 8.
fn arenas() -> i32 {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8) as i32)
}
