//! Go durations: `time.ParseDuration` and `time.Duration.String` (go/src/time/format.go,
//! go/src/time/time.go), and apimachinery's `HumanDuration`
//! (staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go), which kubectl's AGE
//! column and kube-sim's printers use.

use std::fmt;
use std::time::Duration;

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Nothing, or only spaces.
    Empty,
    /// A number without its unit (`"1.5"`, `"1h30"`).
    MissingUnit(String),
    /// Anything else: a bad number or unit, or a negative duration.
    Invalid(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str("is empty"),
            DurationError::MissingUnit(s) => write!(f, "{s:?} is missing a unit (ms, s, m, h)"),
            DurationError::Invalid(s) => write!(f, "{s:?} is not a duration (e.g. 30s, 5m, 1h)"),
        }
    }
}

impl std::error::Error for DurationError {}

/// Go's `time.ParseDuration` for durations that are not negative: a sequence of decimal
/// numbers, each with an optional fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`),
/// e.g. `300ms`, `1.5h`, `2h45m`; a lone `0` needs no unit.
pub fn parse_go(text: &str) -> Result<Duration, DurationError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DurationError::Empty);
    }
    let invalid = || DurationError::Invalid(text.to_string());
    let rest = s.strip_prefix('+').unwrap_or(s);
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() || rest.starts_with('-') {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    let mut rest = rest;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| DurationError::MissingUnit(text.to_string()))?;
        let (num, after) = rest.split_at(n_end);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        let u_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(u_end);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(invalid()),
        };
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        total = whole
            .checked_mul(unit_nanos)
            .and_then(|w| total.checked_add(w))
            .ok_or_else(invalid)?;
        // The fraction, digit by digit, as Go does (no float rounding).
        let mut scale = unit_nanos;
        for d in frac.bytes() {
            scale /= 10;
            if scale == 0 {
                break;
            }
            total += u128::from(d - b'0') * scale;
        }
        rest = next;
    }
    // Go's Duration is an int64 of nanoseconds.
    if total > i64::MAX as u128 {
        return Err(invalid());
    }
    Ok(Duration::from_nanos(total as u64))
}

/// Go's `time.Duration.String`: `0s`, `1.5ms`, `2.5s`, `1m30s`, `1h0m0s`.
pub fn go_string(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        // Below a second Go picks the largest unit that keeps a non-zero whole part.
        let (unit, div) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", frac(nanos, div));
    }
    let secs = nanos / 1_000_000_000;
    let mut out = format!("{}s", frac(nanos % 60_000_000_000, 1_000_000_000));
    let minutes = secs / 60;
    if minutes > 0 {
        out = format!("{}m{out}", minutes % 60);
        let hours = minutes / 60;
        if hours > 0 {
            out = format!("{hours}h{out}");
        }
    }
    out
}

/// `value / div` with the fraction's trailing zeros (and a bare point) dropped, as Go's fmtFrac.
fn frac(value: u128, div: u128) -> String {
    let whole = value / div;
    let mut rem = value % div;
    if rem == 0 {
        return whole.to_string();
    }
    let mut digits = String::new();
    let mut d = div;
    while rem > 0 && d > 1 {
        d /= 10;
        digits.push(char::from(b'0' + (rem / d) as u8));
        rem %= d;
    }
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// apimachinery's `HumanDuration` of a number of seconds (truncated toward zero by the
/// caller, as Go's `int(d.Seconds())`): `45s`, `5m3s`, `3h10m`, `2d5h`, `3y12d`.
pub fn human(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn parses_what_go_parses() {
        assert_eq!(parse_go("0"), Ok(Duration::ZERO));
        assert_eq!(parse_go("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_go("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go("300ms"), Ok(ms(300)));
        assert_eq!(parse_go(".5s"), Ok(ms(500)));
        assert_eq!(parse_go("2us"), Ok(Duration::from_micros(2)));
        assert_eq!(parse_go("2µs"), Ok(Duration::from_micros(2)));
        assert_eq!(parse_go("1ns"), Ok(Duration::from_nanos(1)));
        assert_eq!(parse_go("+5m"), Ok(Duration::from_secs(300)));
    }

    #[test]
    fn refuses_what_go_refuses() {
        assert_eq!(parse_go(""), Err(DurationError::Empty));
        assert_eq!(
            parse_go("1.5"),
            Err(DurationError::MissingUnit("1.5".into()))
        );
        assert_eq!(
            parse_go("1h30"),
            Err(DurationError::MissingUnit("1h30".into()))
        );
        assert_eq!(parse_go("abc"), Err(DurationError::Invalid("abc".into())));
        assert_eq!(parse_go("5d"), Err(DurationError::Invalid("5d".into())));
        assert_eq!(parse_go("-5s"), Err(DurationError::Invalid("-5s".into())));
        assert_eq!(parse_go("."), Err(DurationError::MissingUnit(".".into())));
        assert_eq!(
            parse_go("1..2s"),
            Err(DurationError::Invalid("1..2s".into()))
        );
        assert_eq!(
            parse_go("3000000h"),
            Err(DurationError::Invalid("3000000h".into()))
        );
    }

    #[test]
    fn strings_as_go_prints_them() {
        assert_eq!(go_string(Duration::ZERO), "0s");
        assert_eq!(go_string(Duration::from_nanos(5)), "5ns");
        assert_eq!(go_string(Duration::from_micros(1500)), "1.5ms");
        assert_eq!(go_string(Duration::from_nanos(2_500)), "2.5µs");
        assert_eq!(go_string(ms(2500)), "2.5s");
        assert_eq!(go_string(Duration::from_secs(10)), "10s");
        assert_eq!(go_string(Duration::from_secs(80)), "1m20s");
        assert_eq!(go_string(Duration::from_secs(300)), "5m0s");
        assert_eq!(go_string(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(go_string(ms(3_723_500)), "1h2m3.5s");
    }

    #[test]
    fn human_as_kubectl_ages() {
        assert_eq!(human(-5), "<invalid>");
        assert_eq!(human(-1), "0s");
        assert_eq!(human(119), "119s");
        assert_eq!(human(303), "5m3s");
        assert_eq!(human(600), "10m");
        assert_eq!(human(3 * 3600 + 600), "3h10m");
        assert_eq!(human(47 * 3600), "47h");
        assert_eq!(human(2 * 86400 + 5 * 3600), "2d5h");
        assert_eq!(human(30 * 86400), "30d");
        assert_eq!(human(3 * 365 * 86400 + 12 * 86400), "3y12d");
        assert_eq!(human(9 * 365 * 86400), "9y");
    }
}
