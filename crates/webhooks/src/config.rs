//! How deliveries are made: the timeout, the retry schedule, and whether private
//! addresses may be reached.

use std::str::FromStr;
use std::time::Duration;

/// The waits between attempts: the first retry after `0[0]`, the second after `0[1]`, ...;
/// after the last, a delivery has failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

impl RetrySchedule {
    /// The wait before the attempt after `attempts` made, or `None` when none is left.
    pub fn after(&self, attempts: u32) -> Option<Duration> {
        let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
        self.0.get(index).copied()
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        DEFAULT_RETRY_SCHEDULE
            .parse()
            .unwrap_or_else(|_| Self(Vec::new()))
    }
}

/// `ROSTER_WEBHOOK_RETRY_SCHEDULE`'s default.
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,10h";

impl FromStr for RetrySchedule {
    type Err = String;

    /// Waits separated by commas, each a whole number and a unit (`ms`, `s`, `m`, `h`, `d`);
    /// empty: no retry.
    fn from_str(raw: &str) -> Result<Self, String> {
        if raw.trim().is_empty() {
            return Ok(Self(Vec::new()));
        }
        let waits = raw
            .split(',')
            .map(|part| {
                let part = part.trim();
                let split = part
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(part.len());
                let (number, unit) = part.split_at(split);
                let n: u64 = number
                    .parse()
                    .map_err(|_| format!("`{part}` is not a number with a unit (5s, 5m, 2h)"))?;
                let unit_ms = match unit {
                    "ms" => 1,
                    "s" => 1_000,
                    "m" => 60_000,
                    "h" => 3_600_000,
                    "d" => 86_400_000,
                    _ => return Err(format!("`{part}` has no unit of ms, s, m, h or d")),
                };
                Ok(Duration::from_millis(n.saturating_mul(unit_ms)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        if waits.len() > 50 {
            return Err("at most 50 retries".into());
        }
        Ok(Self(waits))
    }
}

/// The deliverer's settings.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// How long a receiver has to answer 2xx.
    pub timeout: Duration,
    pub schedule: RetrySchedule,
    /// Whether `http` URLs and loopback or private addresses are allowed (development
    /// and tests only).
    pub allow_private: bool,
    /// Deliveries sent at once, each batch on a connection of its own (0: this process
    /// does not deliver).
    pub workers: usize,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            schedule: RetrySchedule::default(),
            allow_private: false,
            workers: 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_with_units_and_end_after_the_last_wait() {
        let s = RetrySchedule::default();
        assert_eq!(s.0.len(), 7);
        assert_eq!(s.after(1), Some(Duration::from_secs(5)));
        assert_eq!(s.after(2), Some(Duration::from_secs(300)));
        assert_eq!(s.after(7), Some(Duration::from_secs(36_000)));
        assert_eq!(s.after(8), None);
        assert_eq!(s.after(0), None);
        let short: RetrySchedule = "100ms, 1s,1d".parse().unwrap();
        assert_eq!(
            short.0,
            [
                Duration::from_millis(100),
                Duration::from_secs(1),
                Duration::from_secs(86_400)
            ]
        );
        assert_eq!("".parse::<RetrySchedule>(), Ok(RetrySchedule(Vec::new())));
        for bad in ["5", "5x", "s", "1s,,2s", "-1s"] {
            assert!(bad.parse::<RetrySchedule>().is_err(), "{bad}");
        }
    }
}
