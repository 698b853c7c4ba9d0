//! Reading YAML (and JSON, which is YAML) the way kubectl reads a manifest: kubectl decodes
//! with sigs.k8s.io/yaml, a fork of go-yaml v2, which resolves plain scalars by YAML 1.1 rules
//! (`yes`/`on` are booleans, `0644` is octal, `1_000` is a number). Parsing runs under
//! serde-saphyr's budget, which bounds nesting depth, alias expansion (billion laughs) and the
//! number of documents, nodes and scalar bytes before anything is built.

use serde::de::DeserializeOwned;

/// Deepest nesting (block and flow collections together) accepted, serde-saphyr's default: a
/// StatefulSet is about 15 levels deep, and building a deeper value recursively could overflow
/// a 2 MiB thread stack in a debug build (measured: about 90 levels).
pub const MAX_DEPTH: usize = 64;

/// The parser options: YAML 1.1 scalars as go-yaml v2 resolves them, duplicate keys rejected,
/// and the budget.
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
        },
        // go-yaml v2 (resolve.go) reads `0644` as octal, as in a volume's defaultMode.
        legacy_octal_numbers: true,
        // One line per error, as the rest of the plugin's messages.
        with_snippet: false,
    }
}

/// One document.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options())
}

/// Every document of a stream, empty and null ones skipped.
pub fn documents<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, serde_saphyr::Error> {
    serde_saphyr::from_multiple_with_options(text, options())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn scalars_resolve_as_go_yaml_v2() {
        let v: Value =
            from_str("a: yes\nb: off\nc: 0644\nd: 1_000\ne: '0644'\nf: 2024-01-01T00:00:00Z\n")
                .unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": 420, "d": 1000, "e": "0644",
                   "f": "2024-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn documents_skip_empty_ones() {
        let docs: Vec<Value> = documents("---\na: 1\n---\n---\nb: [x]\n").unwrap();
        assert_eq!(docs, vec![json!({"a": 1}), json!({"b": ["x"]})]);
    }

    #[test]
    fn limits_hold() {
        let deep_flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(from_str::<Value>(&deep_flow).is_err());
        let deep_block: String = (0..=MAX_DEPTH)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert!(from_str::<Value>(&deep_block).is_err());
        let ok_block: String = (0..MAX_DEPTH - 1)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert!(from_str::<Value>(&ok_block).is_ok());
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (p, n) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip("bcdefghi".chars())
        {
            bomb.push_str(&format!(
                "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            ));
        }
        assert!(from_str::<Value>(&bomb).is_err());
        assert!(from_str::<Value>("metadata: {name: a, name: b}\n").is_err());
    }
}
