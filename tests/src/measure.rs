//! Small measuring helpers for the benches and the soak test.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Milliseconds since `start`.
pub fn ms_since(start: Instant) -> f64 {
    ms(start.elapsed())
}

/// `d` in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// How [`Runs::time`] times a piece of work: at least `min` runs, then
/// more while the `budget` lasts, `max` at the most.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    pub min: usize,
    pub max: usize,
    pub budget: Duration,
}

impl Runs {
    /// One warm-up run of `f`, then timed runs; the median, the minimum
    /// and how many runs.
    pub fn time(self, mut f: impl FnMut()) -> (Duration, Duration, usize) {
        f();
        let mut times = Vec::new();
        let started = Instant::now();
        while times.len() < self.min || (times.len() < self.max && started.elapsed() < self.budget)
        {
            let t = Instant::now();
            f();
            times.push(t.elapsed());
        }
        times.sort();
        (times[times.len() / 2], times[0], times.len())
    }
}

/// The `contentChanges` of a `didChange` that types `text` at
/// `line:character`.
pub fn insertion(line: usize, character: usize, text: &str) -> Value {
    json!([{"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": text}])
}

/// The `p` quantile (0..=1) of `values`, nearest rank; sorts them.
pub fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(index).copied().unwrap_or(f64::NAN)
}

/// The peak resident set size of a process, in KiB (Linux's VmHWM).
pub fn peak_rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmHWM:")
}

/// The resident set size of a process now, in KiB (Linux's VmRSS).
pub fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
