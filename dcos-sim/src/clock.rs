//! The simulated clock: simulated time runs `speed` times faster than real
//! time, so tests run a whole pipeline in seconds and a demo runs at a pace
//! a person can watch.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// The clock every simulated service shares. Cheap to clone.
///
/// Simulated durations (a task starting, a build step) are divided by the
/// speed to get the real time waited. Timestamps in responses are simulated
/// wall-clock time: the real time at start-up plus the simulated time since.
/// Token expiry is not simulated: clients compare `exp` with their own
/// clock, so tokens live in real time.
#[derive(Debug, Clone)]
pub struct SimClock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    origin: Instant,
    epoch: SystemTime,
    speed: f64,
}

impl SimClock {
    /// The slowest speed accepted.
    pub const MIN_SPEED: f64 = 0.01;
    /// The fastest speed accepted.
    pub const MAX_SPEED: f64 = 10_000.0;

    /// A clock starting now that runs `speed` times faster than real time,
    /// clamped to [`MIN_SPEED`](Self::MIN_SPEED)..=[`MAX_SPEED`](Self::MAX_SPEED)
    /// (a non-finite speed counts as 1).
    pub fn new(speed: f64) -> Self {
        let speed = if speed.is_finite() {
            speed.clamp(Self::MIN_SPEED, Self::MAX_SPEED)
        } else {
            1.0
        };
        SimClock {
            inner: Arc::new(Inner {
                origin: Instant::now(),
                epoch: SystemTime::now(),
                speed,
            }),
        }
    }

    /// How many times faster than real time the simulation runs.
    pub fn speed(&self) -> f64 {
        self.inner.speed
    }

    /// Simulated time since the cluster started.
    pub fn elapsed(&self) -> Duration {
        self.inner.origin.elapsed().mul_f64(self.inner.speed)
    }

    /// The simulated wall-clock time.
    pub fn now(&self) -> SystemTime {
        self.inner.epoch + self.elapsed()
    }

    /// The simulated wall-clock time in Unix seconds, as Mesos writes
    /// `timestamp` fields.
    pub fn unix_seconds(&self) -> f64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64()
    }

    /// The simulated wall-clock time in Unix nanoseconds, as Mesos writes
    /// `TimeInfo`.
    pub fn unix_nanos(&self) -> i64 {
        let nanos = self
            .now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        i64::try_from(nanos).unwrap_or(i64::MAX)
    }

    /// The real time a simulated duration takes.
    pub fn real(&self, simulated: Duration) -> Duration {
        simulated.div_f64(self.inner.speed)
    }

    /// Waits for a simulated duration.
    pub async fn sleep(&self, simulated: Duration) {
        tokio::time::sleep(self.real(simulated)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_is_clamped_and_scales_durations() {
        assert_eq!(SimClock::new(0.0).speed(), SimClock::MIN_SPEED);
        assert_eq!(SimClock::new(f64::NAN).speed(), 1.0);
        assert_eq!(SimClock::new(1e9).speed(), SimClock::MAX_SPEED);
        let c = SimClock::new(100.0);
        assert_eq!(c.real(Duration::from_secs(10)), Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn simulated_time_runs_speed_times_faster() {
        let c = SimClock::new(50.0);
        let before = c.unix_seconds();
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(c.elapsed(), Duration::from_secs(50));
        assert!((c.unix_seconds() - before - 50.0).abs() < 0.01);
        c.sleep(Duration::from_secs(100)).await;
        assert_eq!(c.elapsed(), Duration::from_secs(150));
    }
}
