//! resource.Quantity parsing, enough for validation and comparisons.
//! Upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity).

use serde_json::Value;

/// The error text of a malformed quantity (ErrFormatWrong), as a decode error shows it.
pub const QUANTITY_FORMAT_ERR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Parse a quantity string to its value (f64 is precise enough for comparisons here).
pub fn parse(s: &str) -> Result<f64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".into());
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    if bytes[0] == b'+' || bytes[0] == b'-' {
        i = 1;
    }
    let num_start = i;
    let mut dots = 0;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        if bytes[i] == b'.' {
            dots += 1;
        }
        i += 1;
    }
    if i == num_start || dots > 1 || &s[num_start..i] == "." {
        return Err(QUANTITY_FORMAT_ERR.into());
    }
    let num: f64 = s[..i]
        .parse()
        .map_err(|_| QUANTITY_FORMAT_ERR.to_string())?;
    let suffix = &s[i..];
    let mult: f64 = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        other => {
            // decimal exponent: e3, E-2, e+5
            let rest = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))
                .ok_or_else(|| "unable to parse quantity's suffix".to_string())?;
            let exp: i32 = rest
                .parse()
                .map_err(|_| "unable to parse quantity's suffix".to_string())?;
            10f64.powi(exp)
        }
    };
    Ok(num * mult)
}

/// The quantity in a JSON value (string or number, as Go's Quantity UnmarshalJSON accepts).
pub fn parse_value(v: &Value) -> Result<f64, String> {
    match v {
        Value::String(s) => parse(s),
        Value::Number(n) => n.as_f64().ok_or_else(|| QUANTITY_FORMAT_ERR.to_string()),
        _ => Err(QUANTITY_FORMAT_ERR.into()),
    }
}

/// How the quantity prints (the stored string, or a number's decimal form).
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_suffixes() {
        assert_eq!(parse("100m").unwrap(), 0.1);
        assert_eq!(parse("1Gi").unwrap(), 1073741824.0);
        assert_eq!(parse("2").unwrap(), 2.0);
        assert_eq!(parse("1e3").unwrap(), 1000.0);
        assert!(parse("abc").is_err());
        assert!(parse("1Gx").is_err());
        assert!(parse("").is_err());
    }
}

/// Exact value of a quantity in units of 10^-9 (rounded up past nano precision), and its
/// format, for canonical printing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

fn parse_exact(s: &str) -> Option<(i128, Format)> {
    let s = s.trim();
    let b = s.as_bytes();
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+') | Some(b'-')) {
        i = 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    let num = &s[start..i];
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let mant: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let mut exp10: i32 = -(frac_part.len() as i32);
    let mut pow1024: u32 = 0;
    let suffix = &s[i..];
    let format = match suffix {
        "" => Format::DecimalSI,
        "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
            exp10 += match suffix {
                "n" => -9,
                "u" => -6,
                "m" => -3,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                _ => 18,
            };
            Format::DecimalSI
        }
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            pow1024 = match suffix {
                "Ki" => 1,
                "Mi" => 2,
                "Gi" => 3,
                "Ti" => 4,
                "Pi" => 5,
                _ => 6,
            };
            Format::BinarySI
        }
        other => {
            let rest = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))?;
            exp10 += rest.parse::<i32>().ok()?;
            Format::DecimalExponent
        }
    };
    // value in nano units = mant * 10^(exp10 + 9) * 1024^pow1024, rounded up (away from zero)
    let mut v = mant.checked_mul(1024i128.checked_pow(pow1024)?)?;
    let e = exp10 + 9;
    if e >= 0 {
        v = v.checked_mul(10i128.checked_pow(e as u32)?)?;
    } else {
        let d = 10i128.checked_pow((-e) as u32)?;
        v = (v + d - 1) / d;
    }
    Some((if neg { -v } else { v }, format))
}

/// Go's Quantity.String() of `s` (canonical form), after SetDefaults_ResourceList's rounding
/// up to milli precision when `milli` is set. None when `s` does not parse.
pub fn canonical(s: &str, milli: bool) -> Option<String> {
    let (mut v, mut format) = parse_exact(s)?;
    if milli {
        let m = 1_000_000i128;
        let r = v.rem_euclid(m);
        if r != 0 {
            v += m - r;
        }
    }
    if v == 0 {
        return Some("0".into());
    }
    const NANO: i128 = 1_000_000_000;
    if format == Format::BinarySI && (v.abs() < 1024 * NANO || v % NANO != 0) {
        format = Format::DecimalSI;
    }
    if format == Format::BinarySI {
        let mut b = v / NANO;
        let mut n = 0;
        while n < 6 && b % 1024 == 0 {
            b /= 1024;
            n += 1;
        }
        let suf = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][n];
        return Some(format!("{b}{suf}"));
    }
    // largest exponent e (multiple of 3, -9..=18) with v divisible by 10^(e+9)
    let mut mant = v;
    let mut e = -9;
    while e < 18 && mant % 1000 == 0 {
        mant /= 1000;
        e += 3;
    }
    let suf = if format == Format::DecimalExponent {
        if e == 0 {
            String::new()
        } else {
            format!("e{e}")
        }
    } else {
        match e {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        }
        .to_string()
    };
    Some(format!("{mant}{suf}"))
}

/// Canonical string of a JSON quantity (string or number); None when it does not parse.
pub fn canonical_value(v: &Value, milli: bool) -> Option<String> {
    match v {
        Value::String(s) => canonical(s, milli),
        Value::Number(n) => canonical(&n.to_string(), milli),
        _ => None,
    }
}

#[cfg(test)]
mod canonical_tests {
    use super::*;

    #[test]
    fn canonical_forms_match_go() {
        let c = |s| canonical(s, false).unwrap();
        assert_eq!(c("0.5"), "500m");
        assert_eq!(c("1000m"), "1");
        assert_eq!(c("1500m"), "1500m");
        assert_eq!(c("1.5"), "1500m");
        assert_eq!(c("2000"), "2k");
        assert_eq!(c("2500"), "2500");
        assert_eq!(c("1024Mi"), "1Gi");
        assert_eq!(c("1536Mi"), "1536Mi");
        assert_eq!(c("1.5Gi"), "1536Mi");
        assert_eq!(c("100Mi"), "100Mi");
        assert_eq!(c("512"), "512");
        assert_eq!(c("0.5Ki"), "512");
        assert_eq!(c("1e3"), "1e3");
        assert_eq!(c("64M"), "64M");
        assert_eq!(c("0"), "0");
        assert_eq!(c("0Gi"), "0");
        assert_eq!(c("-1"), "-1");
        assert_eq!(canonical("100u", true).unwrap(), "1m");
        assert_eq!(canonical("1", true).unwrap(), "1");
        assert!(canonical("abc", false).is_none());
    }
}
