//! Token-bucket rate limiting, keyed by client address or token id, in memory (per server).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept before idle (full) ones are dropped.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// A limiter: `per_second` sustained, `burst` at once. A rate of 0 lets everything through.
#[derive(Debug)]
pub struct RateLimiter<K> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter.
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self {
            per_second: if per_second.is_finite() && per_second > 0.0 {
                per_second
            } else {
                0.0
            },
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the limiter does anything.
    pub fn enabled(&self) -> bool {
        self.per_second > 0.0
    }

    /// Take one request for `key` at time `now`: `Ok` or `Err(wait)` until one is available.
    pub fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        if !self.enabled() {
            return Ok(());
        }
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        if map.len() >= SWEEP_AT {
            let full_after = self.burst / self.per_second;
            map.retain(|_, b| now.saturating_duration_since(b.last).as_secs_f64() < full_after);
        }
        let b = map.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_second))
        }
    }

    /// [`RateLimiter::check_at`] now.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let l = RateLimiter::new(2.0, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            l.check_at(&"a", t0).unwrap();
        }
        let wait = l.check_at(&"a", t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "{wait:?}");
        // another key has its own bucket
        l.check_at(&"b", t0).unwrap();
        // half a second later one more request is allowed, then none
        let t1 = t0 + Duration::from_millis(500);
        l.check_at(&"a", t1).unwrap();
        assert!(l.check_at(&"a", t1).is_err());
        // disabled
        let off = RateLimiter::new(0.0, 1);
        for _ in 0..100 {
            off.check_at(&"a", t0).unwrap();
        }
    }
}
