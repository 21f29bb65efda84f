//! The host's clock. The plugin reads it through WASI, so moving it (in tests, with
//! `--test-clock`) moves time for the rules too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasmtime_wasi::HostWallClock;

/// System time plus an offset that only test mode changes; or, for tests that compare hosts
/// answer for answer, a stopped clock that moves only when told.
#[derive(Clone, Default, Debug)]
pub struct HostClock {
    offset_ms: Arc<AtomicI64>,
    stopped: Arc<AtomicBool>,
}

impl HostClock {
    /// A clock standing at `at_ms` until [`HostClock::advance`] moves it: two hosts given
    /// the same steps read the same times.
    pub fn stopped_at(at_ms: i64) -> HostClock {
        HostClock {
            offset_ms: Arc::new(AtomicI64::new(at_ms)),
            stopped: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        if self.stopped.load(Ordering::SeqCst) {
            return self.offset_ms.load(Ordering::SeqCst);
        }
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        system + self.offset_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock forward (or back) by `delta_ms`.
    pub fn advance(&self, delta_ms: i64) {
        self.offset_ms.fetch_add(delta_ms, Ordering::SeqCst);
    }

    /// The clock as WASI's wall clock, for a plugin store.
    pub fn wall_clock(&self) -> impl HostWallClock + 'static {
        WasiWallClock(self.clone())
    }
}

struct WasiWallClock(HostClock);

impl HostWallClock for WasiWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }

    fn now(&self) -> Duration {
        Duration::from_millis(self.0.now_ms().max(0) as u64)
    }
}
