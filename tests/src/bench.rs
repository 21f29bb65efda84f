//! What the push benchmarks share: a host process of the benchmark build, and percentiles.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A host started for a benchmark; killed when dropped.
pub struct BenchHost {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    child: Child,
    _data: tempfile::TempDir,
}

impl BenchHost {
    /// Starts the host binary built with the benchmark (`HELPDESK_HOST_BINARY` points at
    /// another one) on a fresh demo site and a free port.
    pub fn start() -> BenchHost {
        let binary = std::env::var("HELPDESK_HOST_BINARY").unwrap_or_else(|_| {
            let exe = std::env::current_exe().unwrap();
            let dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
            dir.join("helpdesk-host").display().to_string()
        });
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(&binary)
            .args([
                "--data-dir",
                &data.path().display().to_string(),
                "--listen",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the host");
        let stdout = child.stdout.take().unwrap();
        let mut base = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("helpdesk host listening on ") {
                base = url.trim_end_matches('/').to_string();
                break;
            }
        }
        BenchHost {
            base,
            child,
            _data: data,
        }
    }
}

impl Drop for BenchHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `p` quantile (0 to 1) of sorted figures.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A setting from the environment, or its default.
pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
