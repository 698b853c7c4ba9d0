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
    let num: f64 = s[..i].parse().map_err(|_| QUANTITY_FORMAT_ERR.to_string())?;
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
