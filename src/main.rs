//! The `peixun` binary: arguments in, exit code out; nothing else.

fn main() -> std::process::ExitCode {
    keep_memory_returnable();
    peixun::run(std::env::args_os())
}

/// glibc serves allocations below a threshold from heaps it seldom gives back, and
/// raises that threshold (up to 32 MiB) each time a large block is freed. A check frees
/// the decoded input files and the vectors of the tables it is reading; with a fixed
/// threshold those stay separate mappings and go back to the system when freed, so the
/// peak memory of a large check is about what it holds, not what it once held.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_memory_returnable() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread
    // starts and may be called at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_memory_returnable() {}
