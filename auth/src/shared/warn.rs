//! A WARN at most once per interval, with the number of events it stands for.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub(crate) struct RateLimitedWarn {
    interval: Duration,
    state: Mutex<(Option<Instant>, u64)>,
}

impl RateLimitedWarn {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            state: Mutex::new((None, 0)),
        }
    }

    /// `Some(n)` when a WARN is due now (`n` events since the last one, this one included);
    /// `None` while the interval since the last WARN has not passed.
    pub(crate) fn due(&self) -> Option<u64> {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.1 += 1;
        if state
            .0
            .is_some_and(|last| now.duration_since(last) < self.interval)
        {
            return None;
        }
        let count = state.1;
        *state = (Some(now), 0);
        Some(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_interval_with_the_count() {
        let warn = RateLimitedWarn::new(Duration::from_secs(3600));
        assert_eq!(warn.due(), Some(1));
        assert_eq!(warn.due(), None);
        assert_eq!(warn.due(), None);
        let warn = RateLimitedWarn::new(Duration::ZERO);
        assert_eq!(warn.due(), Some(1));
        assert_eq!(warn.due(), Some(1));
    }
}
