//! The host binary, started for one test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running host; killed when dropped.
pub struct HostProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`
    pub base_url: String,
    pub data_dir: PathBuf,
    log_path: PathBuf,
}

/// The host binary `cargo test --workspace` builds beside the test binaries.
pub fn host_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join(format!("helpdesk-host{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `cargo test --workspace` (it builds the host binary)",
        binary.display()
    );
    binary
}

/// Compiled components, shared by every test so the plugin compiles once.
fn shared_cache_dir() -> PathBuf {
    host_binary()
        .parent()
        .expect("target/<profile>")
        .join("e2e-component-cache")
}

impl HostProcess {
    /// Starts a host with the demo site in a new data directory inside `data_dir`.
    pub fn start(data_dir: &Path) -> HostProcess {
        Self::start_with(data_dir, &[])
    }

    /// Starts a host with extra command-line arguments; waits until it listens.
    pub fn start_with(data_dir: &Path, extra: &[&str]) -> HostProcess {
        let log_path = data_dir.join(format!(
            "host-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(data_dir).unwrap();
        let log = std::fs::File::create(&log_path).unwrap();
        // Quick periodic stream checks, unless the test sets its own.
        let recheck: &[&str] = if extra.contains(&"--stream-recheck-secs") {
            &[]
        } else {
            &["--stream-recheck-secs", "0.2"]
        };
        let mut child = Command::new(host_binary())
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--cache-dir")
            .arg(shared_cache_dir())
            .args(["--listen", "127.0.0.1:0", "--test-clock"])
            .args(recheck)
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting the host binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("helpdesk host listening on ") {
                    let _ = sender.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        let base_url = match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the host did not start; its log:\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
        };
        HostProcess {
            child,
            base_url,
            data_dir: data_dir.to_path_buf(),
            log_path,
        }
    }

    /// The host's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Stops the host (as Ctrl-C would not reach it here, it is killed; storage commits
    /// are durable, so nothing committed is lost).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- host log ---\n{}", self.log());
        }
    }
}
