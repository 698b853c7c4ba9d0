//! Resource quantities as k8s.io/apimachinery/pkg/api/resource/quantity.go reads them:
//! `<sign><digits>[.<digits>]<suffix>` where the suffix is binary SI (`Ki` … `Ei`), decimal
//! SI (`n`, `u`, `m`, ``, `k`, `M`, `G`, `T`, `P`, `E`) or a decimal exponent (`e3`, `E-2`).
//! The value is kept as an `f64` in base units (cores, bytes), which is what comparisons,
//! sums and printing need here; canonical re-serialisation is not modelled.

use std::fmt;

/// Binary SI suffixes and their multipliers.
const BINARY: [(&str, f64); 6] = [
    ("Ki", 1024.0),
    ("Mi", 1_048_576.0),
    ("Gi", 1_073_741_824.0),
    ("Ti", 1_099_511_627_776.0),
    ("Pi", 1_125_899_906_842_624.0),
    ("Ei", 1_152_921_504_606_846_976.0),
];

/// Decimal SI suffixes and their multipliers (`E` is exa, not an exponent, as upstream).
const DECIMAL: [(&str, f64); 10] = [
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
    ("", 1.0),
];

/// A parsed quantity: its value in base units and the suffix it was written with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    value: f64,
    suffix: &'static str,
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// No number where one must be (`""`, `"."`, `"Mi"`, `"1.2.3"`).
    NotANumber,
    /// A number followed by something that is no suffix (`"1Gb"`, `"5 m"`).
    UnknownUnit(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::NotANumber => {
                f.write_str("is not a quantity (expected e.g. 500m, 2, 128Mi, 1Gi)")
            }
            QuantityError::UnknownUnit(s) => write!(
                f,
                "has an unknown unit {s:?} (expected e.g. 500m, 2, 128Mi, 1Gi)"
            ),
        }
    }
}

impl std::error::Error for QuantityError {}

impl Quantity {
    /// Parses a quantity as the API server does (no surrounding spaces).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let end = unsigned
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(unsigned.len());
        let (number, suffix) = unsigned.split_at(end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(QuantityError::NotANumber);
        }
        let n: f64 = number.parse().map_err(|_| QuantityError::NotANumber)?;
        let (mult, suffix) = if let Some((s, m)) = BINARY
            .iter()
            .chain(DECIMAL.iter())
            .find(|(s, _)| *s == suffix)
        {
            (*m, *s)
        } else if let Some(exp) = exponent(suffix) {
            (10f64.powi(exp), "e")
        } else {
            return Err(QuantityError::UnknownUnit(suffix.to_string()));
        };
        let value = n * mult;
        Ok(Quantity {
            value: if negative { -value } else { value },
            suffix,
        })
    }

    /// The value in base units (cores for CPU, bytes for memory and storage).
    pub fn value(self) -> f64 {
        self.value
    }

    /// The suffix the text used (`"Mi"`, `"m"`, `""`, or `"e"` for an exponent).
    pub fn suffix(self) -> &'static str {
        self.suffix
    }

    /// Whether the quantity is below zero.
    pub fn is_negative(self) -> bool {
        self.value < 0.0
    }
}

/// The multiplier of a binary or decimal suffix (`"Mi"` → 1048576), None for others.
pub fn multiplier(suffix: &str) -> Option<f64> {
    BINARY
        .iter()
        .chain(DECIMAL.iter())
        .find(|(s, _)| *s == suffix)
        .map(|(_, m)| *m)
}

/// `e3`, `E-2`, `e+1` → the exponent.
fn exponent(suffix: &str) -> Option<i32> {
    let e = suffix.strip_prefix(['e', 'E'])?;
    let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    e.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> f64 {
        Quantity::parse(s).unwrap().value()
    }

    #[test]
    fn suffixes_scale_to_base_units() {
        assert_eq!(v("500m"), 0.5);
        assert_eq!(v("2"), 2.0);
        assert_eq!(v("128Mi"), 134_217_728.0);
        assert_eq!(v("1Gi"), 1_073_741_824.0);
        assert_eq!(v("1G"), 1e9);
        assert_eq!(v("100n"), 100.0 * 1e-9);
        assert_eq!(v("1.5"), 1.5);
        assert_eq!(v("+3k"), 3000.0);
        assert_eq!(v("-1"), -1.0);
        assert!(Quantity::parse("-1").unwrap().is_negative());
    }

    #[test]
    fn exponent_and_exa() {
        assert_eq!(v("1e3"), 1000.0);
        assert_eq!(v("5E-1"), 0.5);
        assert_eq!(v("1E"), 1e18);
        assert_eq!(Quantity::parse("1e3").unwrap().suffix(), "e");
        assert_eq!(Quantity::parse("1E").unwrap().suffix(), "E");
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(Quantity::parse(""), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::parse("."), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::parse("Mi"), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::parse("1.2.3"), Err(QuantityError::NotANumber));
        assert_eq!(
            Quantity::parse("1Gb"),
            Err(QuantityError::UnknownUnit("Gb".into()))
        );
        assert_eq!(
            Quantity::parse("1e"),
            Err(QuantityError::UnknownUnit("e".into()))
        );
        assert!(Quantity::parse(" 1").is_err());
        assert!(QuantityError::UnknownUnit("x".into())
            .to_string()
            .contains("unknown unit \"x\""));
    }

    #[test]
    fn multipliers() {
        assert_eq!(multiplier("Ki"), Some(1024.0));
        assert_eq!(multiplier("m"), Some(1e-3));
        assert_eq!(multiplier(""), Some(1.0));
        assert_eq!(multiplier("x"), None);
    }
}
