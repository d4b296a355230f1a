//! Stage timings for the benchmark script: with `PEIXUN_TRACE` set, each stage of a
//! run prints its elapsed time and memory to stderr.

/// With `PEIXUN_TRACE` set, prints how long each stage took to stderr (for the
/// benchmark script); otherwise does nothing.
pub fn stage(stage: &str) {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    if let Some(start) =
        START.get_or_init(|| std::env::var_os("PEIXUN_TRACE").map(|_| Instant::now()))
    {
        // Resident and peak memory, from /proc on Linux.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
                .map_or(0, |k| k / 1024)
        };
        // A closed stderr does not end the run (eprintln! would panic).
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "[trace] {:>8.3} s  rss {:>5} MiB  peak {:>5} MiB  {stage}",
            start.elapsed().as_secs_f64(),
            kb("VmRSS:"),
            kb("VmHWM:")
        );
    }
}
