//! The simulator's clock: simulated time runs `speed` times faster than real time and can be
//! advanced by tests. Every timestamp the simulator writes (creationTimestamp, condition
//! transitions, events, logs) and every kubelet delay reads this clock.

use chrono::{DateTime, Duration as ChronoDuration, SubsecRound, Utc};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Inner {
    /// Real instant at which `base` was the simulated time.
    anchor: Instant,
    base: DateTime<Utc>,
    speed: f64,
}

/// A cheaply clonable handle on the simulated clock.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<Mutex<Inner>>,
}

impl Clock {
    /// A clock starting now (real time) at the given speed (1.0 = real time).
    pub fn new(speed: f64) -> Self {
        Self::starting_at(Utc::now(), speed)
    }

    /// A clock whose simulated time is `start` now, running at `speed`.
    pub fn starting_at(start: DateTime<Utc>, speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        Self {
            inner: Arc::new(Mutex::new(Inner {
                anchor: Instant::now(),
                base: start,
                speed,
            })),
        }
    }

    /// Current simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        let i = self.inner.lock();
        let real = i.anchor.elapsed();
        i.base + ChronoDuration::from_std(real.mul_f64(i.speed)).unwrap_or_default()
    }

    /// Simulated time truncated to whole seconds, as metav1.Time serializes.
    pub fn now_secs(&self) -> DateTime<Utc> {
        self.now().trunc_subsecs(0)
    }

    /// RFC 3339 at second precision (`2025-01-01T00:00:00Z`), the form of metav1.Time.
    pub fn timestamp(&self) -> String {
        format_time(self.now())
    }

    /// RFC 3339 with microseconds, the form of metav1.MicroTime (events' eventTime).
    pub fn micro_timestamp(&self) -> String {
        self.now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }

    pub fn speed(&self) -> f64 {
        self.inner.lock().speed
    }

    /// Change the speed from now on (simulated time stays continuous).
    pub fn set_speed(&self, speed: f64) {
        let now = self.now();
        let mut i = self.inner.lock();
        i.base = now;
        i.anchor = Instant::now();
        if speed.is_finite() && speed > 0.0 {
            i.speed = speed;
        }
    }

    /// Jump simulated time forward.
    pub fn advance(&self, by: Duration) {
        let mut i = self.inner.lock();
        i.base += ChronoDuration::from_std(by).unwrap_or_default();
    }

    /// The real duration until simulated time `at` (zero if it has passed).
    pub fn real_until(&self, at: DateTime<Utc>) -> Duration {
        let now = self.now();
        if at <= now {
            return Duration::ZERO;
        }
        let sim = (at - now).to_std().unwrap_or_default();
        sim.div_f64(self.speed())
    }

    /// Sleep (real time) until simulated time `at`.
    pub async fn sleep_until(&self, at: DateTime<Utc>) {
        tokio::time::sleep(self.real_until(at)).await
    }

    /// Sleep for a simulated duration.
    pub async fn sleep(&self, sim: Duration) {
        tokio::time::sleep(sim.div_f64(self.speed())).await
    }
}

/// metav1.Time's wire form.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse an RFC 3339 timestamp as found in objects.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_time_forward() {
        let c = Clock::new(1.0);
        let a = c.now();
        c.advance(Duration::from_secs(60));
        assert!(c.now() - a >= ChronoDuration::seconds(60));
        assert!(c.timestamp().ends_with('Z'));
        assert_eq!(
            parse_time("2025-01-01T00:00:00Z")
                .map(format_time)
                .as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
    }

    #[test]
    fn speed_scales_real_waits() {
        let c = Clock::new(10.0);
        let at = c.now() + ChronoDuration::seconds(10);
        let d = c.real_until(at);
        assert!(
            d <= Duration::from_millis(1001) && d >= Duration::from_millis(900),
            "{d:?}"
        );
    }
}
