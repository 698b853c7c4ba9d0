//! Reading YAML as the API server does: request bodies (`application/yaml`, apply patches) are
//! converted with sigs.k8s.io/yaml (a go-yaml v2 fork, YAML 1.1 scalars: `yes` is a boolean,
//! `0644` is octal), see
//! staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json/json.go (`yaml.YAMLToJSON`).
//! Parsing runs under serde-saphyr's default budget (nesting depth, alias expansion, node and
//! byte counts), so a hostile body cannot exhaust the simulator.

use serde::de::DeserializeOwned;

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // The default depth budget (64) also for flow collections (`[[[…`), whose own default
        // (255) is deeper than a 2 MiB thread stack holds while the value is built.
        budget: serde_saphyr::budget! { flow_nesting_limit: 64 },
        // go-yaml v2 (resolve.go) reads `0644` as octal.
        legacy_octal_numbers: true,
        with_snippet: false,
    }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options())
}

pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_slice_with_options(body, options())
}

/// Every document of a stream, empty and null ones skipped.
pub fn documents<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, serde_saphyr::Error> {
    serde_saphyr::from_multiple_with_options(text, options())
}

/// Block-style YAML (for kubeconfig files), long strings on one line as client-go's
/// clientcmd writes them (no folded `>-` block for a certificate).
pub fn to_string<T: serde::Serialize>(v: &T) -> Result<String, serde_saphyr::SerializeError> {
    let opts = serde_saphyr::ser_options! {
        folded_wrap_chars: usize::MAX,
        min_fold_chars: usize::MAX,
    };
    serde_saphyr::to_string_with_options(v, opts)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    #[test]
    fn yaml_1_1_scalars_and_limits() {
        let v: Value = super::from_str("a: on\nb: 0755\nc: \"0755\"\n").unwrap();
        assert_eq!(v, json!({"a": true, "b": 493, "c": "0755"}));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(super::from_str::<Value>(&deep).is_err());
    }
}
