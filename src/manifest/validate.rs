//! Input validation: each check returns a message that says what is wrong and which flag fixes it.
//! Rules follow k8s.io/apimachinery/pkg/util/validation/validation.go and
//! k8s.io/apimachinery/pkg/api/resource/quantity.go.

use anyhow::{bail, Result};

/// DNS-1123 label: at most 63 lowercase alphanumerics or '-', starting and ending alphanumeric.
pub fn dns1123_label(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 63 {
        return Err(format!(
            "must be at most 63 characters (it has {})",
            value.len()
        ));
    }
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let first = value.chars().next().unwrap();
    let last = value.chars().last().unwrap();
    if !ok_chars || !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err("must consist of lowercase letters, digits and '-', and start and end with a letter or digit".into());
    }
    Ok(())
}

/// The longest StatefulSet name whose pods can be created: each pod carries the label
/// `controller-revision-hash` = NAME-HASH, a label value is at most 63 characters, and the
/// hash is up to 10 (a 32-bit FNV hash in rand.SafeEncodeString's alphabet, upstream
/// pkg/controller/history/controller_history.go). The API server accepts longer names; the
/// controller then fails every pod creation (FailedCreate).
pub const MAX_STATEFULSET_NAME_FOR_PODS: usize = 63 - 1 - 10;

/// A StatefulSet name whose pods can be created: a DNS-1123 label of at most
/// [`MAX_STATEFULSET_NAME_FOR_PODS`] characters.
pub fn statefulset_name(value: &str) -> Result<(), String> {
    dns1123_label(value)?;
    if value.len() > MAX_STATEFULSET_NAME_FOR_PODS {
        return Err(format!(
            "is {} characters long; at most {MAX_STATEFULSET_NAME_FOR_PODS} work: each pod carries the label controller-revision-hash=NAME-HASH (a hash of up to 10 characters) and a label value must fit 63 characters, so the controller could create no pod",
            value.len()
        ));
    }
    Ok(())
}

/// DNS-1123 subdomain: at most 253 characters, dot-separated labels.
pub fn dns1123_subdomain(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 253 {
        return Err("must be at most 253 characters".into());
    }
    for part in value.split('.') {
        dns1123_label(part).map_err(|_| {
            "must consist of lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit".to_string()
        })?;
    }
    Ok(())
}

/// IANA service name for a port: at most 15 characters, lowercase alphanumerics and '-', at least
/// one letter, no leading/trailing/double '-'.
pub fn port_name(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 15 {
        return Err("must be 1 to 15 characters".into());
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("must consist of lowercase letters, digits and '-'".into());
    }
    if !value.chars().any(|c| c.is_ascii_lowercase()) {
        return Err("must contain at least one letter".into());
    }
    if value.starts_with('-') || value.ends_with('-') || value.contains("--") {
        return Err("must not start or end with '-' or contain '--'".into());
    }
    Ok(())
}

/// Environment variable names (IsEnvVarName): `[-._a-zA-Z][-._a-zA-Z0-9]*`.
pub fn env_name(value: &str) -> Result<(), String> {
    let mut chars = value.chars();
    match chars.next() {
        None => return Err("must not be empty".into()),
        Some(c) if c.is_ascii_digit() => return Err("must not start with a digit".into()),
        _ => {}
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err("must consist of letters, digits, '-', '_' or '.'".into());
    }
    Ok(())
}

/// A label key: optional DNS subdomain prefix and '/', then a name of at most 63 characters.
pub fn label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        dns1123_subdomain(p).map_err(|e| format!("prefix {p:?} {e}"))?;
    }
    qualified_name_part(name)
}

fn qualified_name_part(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("name part must not be empty".into());
    }
    if name.len() > 63 {
        return Err("name part must be at most 63 characters".into());
    }
    let ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    let first = name.chars().next().unwrap();
    let last = name.chars().last().unwrap();
    if !ok || !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err("must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric".into());
    }
    Ok(())
}

/// A label value: empty, or at most 63 characters of the qualified-name alphabet.
pub fn label_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    qualified_name_part(value).map_err(|e| e.replace("name part ", ""))
}

/// A resource quantity (k8s.io/apimachinery/pkg/api/resource): a signed decimal number followed by
/// a binary suffix (Ki..Ei), a decimal suffix (n, u, m, k, M, G, T, P, E) or an exponent.
pub fn quantity(value: &str) -> Result<(), String> {
    kube_units::Quantity::parse(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A non-negative quantity (resources, storage sizes).
pub fn non_negative_quantity(value: &str) -> Result<(), String> {
    quantity(value)?;
    if value.starts_with('-') {
        return Err("must not be negative".into());
    }
    Ok(())
}

/// Parses a `key=value` pair; the error names the flag.
pub fn key_value<'a>(input: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    match input.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k, v)),
        _ => bail!("{flag} {input:?}: expected KEY=VALUE"),
    }
}

/// A duration like `30s`, `5m`, `1h`, `1h30m`, `500ms`, or a bare number of seconds.
pub fn duration(value: &str) -> Result<std::time::Duration, String> {
    let v = value.trim();
    // kubectl's --request-timeout takes a bare number as seconds; anything else is Go's.
    if let Ok(secs) = v.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    kube_units::duration::parse_go(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns1123_label("web-0").is_ok());
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("-web").is_err());
        assert!(dns1123_label("web-").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1123_label("").is_err());
    }

    #[test]
    fn quantities() {
        for ok in ["1", "500m", "0.5", "128Mi", "1Gi", "1e3", "2k", ".5"] {
            assert!(quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["", "abc", "1GB", "1.2.3", "Mi", "1 Gi", "1e"] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
        assert!(non_negative_quantity("-1").is_err());
    }

    #[test]
    fn port_names() {
        assert!(port_name("http").is_ok());
        assert!(port_name("tcp-80").is_ok());
        assert!(port_name("80").is_err());
        assert!(port_name("a-very-long-port-name").is_err());
        assert!(port_name("a--b").is_err());
    }

    #[test]
    fn env_names() {
        assert!(env_name("FOO_BAR").is_ok());
        assert!(env_name("1FOO").is_err());
        assert!(env_name("FO O").is_err());
    }

    #[test]
    fn label_keys_and_values() {
        assert!(label_key("app").is_ok());
        assert!(label_key("example.com/tier").is_ok());
        assert!(label_key("Bad Key").is_err());
        assert!(label_key("UPPER.com/x").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2").is_ok());
        assert!(label_value("-x").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(duration("30s").unwrap().as_secs(), 30);
        assert_eq!(duration("5m").unwrap().as_secs(), 300);
        assert_eq!(duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(duration("7").unwrap().as_secs(), 7);
        assert_eq!(duration("500ms").unwrap().as_millis(), 500);
        assert!(duration("5x").is_err());
        assert!(duration("m").is_err());
    }
}
