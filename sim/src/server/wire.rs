//! JSON response bodies as the API server's encoder writes them.
//!
//! - Every JSON body ends with a newline: the apiserver's JSON serializer encodes with Go's
//!   `json.NewEncoder(w).Encode(obj)` (staging/src/k8s.io/apimachinery/pkg/runtime/serializer/
//!   json/json.go doEncode), and `Encoder.Encode` appends "\n".
//! - Go's encoder escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings (`\u003c`, ...;
//!   encoding/json's HTML escaping is on for `json.NewEncoder`). These bytes can only occur
//!   inside JSON strings, so the escaping is a byte-level pass over serde_json's output.
//! - `metav1.Status` is written in its Go struct order (kind, apiVersion, metadata, status,
//!   message, reason, details, code; staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go)
//!   with the `omitempty` members left out when empty, instead of serde_json's sorted keys.
//! - A watch event is `{"type":…,"object":…}` in metav1.WatchEvent's order.
//! - Where no Accept clause can be served for an error, the apiserver falls back to
//!   `responsewriters.WriteRawJSON` (json.MarshalIndent with two spaces, no newline;
//!   staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/writers.go).
//!
//! Other objects keep serde_json's key order (sorted), where Go writes struct fields in
//! declaration order; clients decode them the same way (see sim/README.md).

use serde_json::Value;

/// The body of a JSON response: `v` encoded as the apiserver's encoder writes it.
pub fn body(v: &Value) -> Vec<u8> {
    let mut out = if is_status(v) {
        let mut out = Vec::with_capacity(256);
        write_status(&mut out, v, None, 0);
        out
    } else {
        serde_json::to_vec(v).unwrap_or_default()
    };
    finish(&mut out);
    out
}

/// Finish an already encoded compact JSON body: Go's string escaping and the final newline.
pub fn finish(out: &mut Vec<u8>) {
    go_escape(out);
    out.push(b'\n');
}

/// `json.MarshalIndent(v, "", "  ")`: how WriteRawJSON writes (a Status in its Go order).
pub fn indented(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    if is_status(v) {
        write_status(&mut out, v, Some(2), 0);
    } else {
        out = serde_json::to_vec_pretty(v).unwrap_or_default();
    }
    go_escape(&mut out);
    out
}

/// version.Info as the /version handler writes it (WriteRawJSON: indented, Go struct order;
/// staging/src/k8s.io/apimachinery/pkg/version/types.go).
pub fn version(v: &Value) -> Vec<u8> {
    const KEYS: &[&str] = &[
        "major",
        "minor",
        "emulationMajor",
        "emulationMinor",
        "minCompatibilityMajor",
        "minCompatibilityMinor",
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    ];
    let mut out = Vec::with_capacity(512);
    write_struct(&mut out, v, KEYS, Some(2), 0, &plain(Some(2)));
    go_escape(&mut out);
    out
}

/// One watch event as streamed: `{"type":…,"object":…}` and a newline (metav1.WatchEvent).
pub fn watch_event(kind: &str, object: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"{\"type\":");
    serde_json::to_writer(&mut out, kind).unwrap_or_default();
    out.extend_from_slice(b",\"object\":");
    if is_status(object) {
        write_status(&mut out, object, None, 0);
    } else {
        serde_json::to_writer(&mut out, object).unwrap_or_default();
    }
    out.push(b'}');
    finish(&mut out);
    out
}

fn is_status(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Status")
        && v.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// Members of metav1.Status, StatusDetails and StatusCause in Go struct order.
const STATUS_KEYS: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "status",
    "message",
    "reason",
    "details",
    "code",
];
const DETAILS_KEYS: &[&str] = &[
    "name",
    "group",
    "kind",
    "uid",
    "causes",
    "retryAfterSeconds",
];
const CAUSE_KEYS: &[&str] = &["reason", "message", "field"];
const LIST_META_KEYS: &[&str] = &[
    "selfLink",
    "resourceVersion",
    "continue",
    "remainingItemCount",
];

/// `omitempty`: Go leaves out "", 0, false, null and empty slices, never a struct or a
/// non-nil pointer (`metadata` stays `{}`, as does a present but empty `details`).
fn omitted(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(_) => false,
    }
}

fn write_status(out: &mut Vec<u8>, v: &Value, indent: Option<usize>, level: usize) {
    write_struct(
        out,
        v,
        STATUS_KEYS,
        indent,
        level,
        &|key, child, out, level| match key {
            "metadata" => write_struct(out, child, LIST_META_KEYS, indent, level, &plain(indent)),
            "details" => write_struct(
                out,
                child,
                DETAILS_KEYS,
                indent,
                level,
                &|key, c, out, level| {
                    if key == "causes" {
                        write_array(out, c, indent, level, &|item, out, level| {
                            write_struct(out, item, CAUSE_KEYS, indent, level, &plain(indent))
                        })
                    } else {
                        write_plain(out, c, indent, level)
                    }
                },
            ),
            _ => write_plain(out, child, indent, level),
        },
    );
}

type Child<'a> = dyn Fn(&str, &Value, &mut Vec<u8>, usize) + 'a;

fn plain(indent: Option<usize>) -> impl Fn(&str, &Value, &mut Vec<u8>, usize) {
    move |_, v, out, level| write_plain(out, v, indent, level)
}

fn newline(out: &mut Vec<u8>, indent: Option<usize>, level: usize) {
    if let Some(n) = indent {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', n * level));
    }
}

/// A Go struct: the known members in `order`, empty ones omitted, then any others sorted.
fn write_struct(
    out: &mut Vec<u8>,
    v: &Value,
    order: &[&str],
    indent: Option<usize>,
    level: usize,
    child: &Child,
) {
    let Some(m) = v.as_object() else {
        write_plain(out, v, indent, level);
        return;
    };
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| (order.iter().position(|o| o == k).unwrap_or(order.len()), *k));
    let keys: Vec<&String> = keys
        .into_iter()
        .filter(|k| !omitted(&m[k.as_str()]))
        .collect();
    out.push(b'{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, indent, level + 1);
        serde_json::to_writer(&mut *out, k).unwrap_or_default();
        out.push(b':');
        if indent.is_some() {
            out.push(b' ');
        }
        child(k, &m[k.as_str()], out, level + 1);
    }
    if !keys.is_empty() {
        newline(out, indent, level);
    }
    out.push(b'}');
}

fn write_array(
    out: &mut Vec<u8>,
    v: &Value,
    indent: Option<usize>,
    level: usize,
    item: &dyn Fn(&Value, &mut Vec<u8>, usize),
) {
    let Some(a) = v.as_array() else {
        write_plain(out, v, indent, level);
        return;
    };
    out.push(b'[');
    for (i, x) in a.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, indent, level + 1);
        item(x, out, level + 1);
    }
    if !a.is_empty() {
        newline(out, indent, level);
    }
    out.push(b']');
}

/// Any other value: serde_json's encoding (sorted keys), indented to `level` when asked.
fn write_plain(out: &mut Vec<u8>, v: &Value, indent: Option<usize>, level: usize) {
    match indent {
        None => serde_json::to_writer(&mut *out, v).unwrap_or_default(),
        Some(n) => {
            let text = serde_json::to_string_pretty(v).unwrap_or_default();
            let pad = " ".repeat(n * level);
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                    out.extend_from_slice(pad.as_bytes());
                }
                out.extend_from_slice(line.as_bytes());
            }
        }
    }
}

/// Go's HTML-safe string escaping, applied to encoded JSON (the bytes only occur in strings).
fn go_escape(out: &mut Vec<u8>) {
    let needs = out.iter().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2));
    if !needs {
        return;
    }
    let src = std::mem::take(out);
    out.reserve(src.len() + 16);
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            0xE2 if src.get(i + 1) == Some(&0x80)
                && matches!(src.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                out.extend_from_slice(if src[i + 2] == 0xA8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_in_go_order_with_newline() {
        let s = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "pods \"x\" not found", "reason": "NotFound",
            "details": {"name": "x", "kind": "pods", "group": ""}, "code": 404});
        assert_eq!(
            String::from_utf8(body(&s)).unwrap(),
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},\"code\":404}\n"
        );
        let s = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "m", "reason": "Invalid", "code": 422,
            "details": {"causes": [{"field": "f", "message": "bad", "reason": "FieldValueInvalid"}], "kind": "Pod", "name": "p"}});
        assert_eq!(
            String::from_utf8(body(&s)).unwrap(),
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"m\",\"reason\":\"Invalid\",\"details\":{\"name\":\"p\",\"kind\":\"Pod\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"bad\",\"field\":\"f\"}]},\"code\":422}\n"
        );
    }

    #[test]
    fn indented_status_is_marshal_indent() {
        let s = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "a <b>", "reason": "NotAcceptable", "code": 406});
        assert_eq!(
            String::from_utf8(indented(&s)).unwrap(),
            "{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"status\": \"Failure\",\n  \"message\": \"a \\u003cb\\u003e\",\n  \"reason\": \"NotAcceptable\",\n  \"code\": 406\n}"
        );
        let s = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "m", "details": {"causes": [{"reason": "R", "field": "f"}]}, "code": 422});
        assert_eq!(
            String::from_utf8(indented(&s)).unwrap(),
            "{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"status\": \"Failure\",\n  \"message\": \"m\",\n  \"details\": {\n    \"causes\": [\n      {\n        \"reason\": \"R\",\n        \"field\": \"f\"\n      }\n    ]\n  },\n  \"code\": 422\n}"
        );
    }

    #[test]
    fn other_bodies_escape_like_go_and_end_with_newline() {
        let v = json!({"a": "x<y>&z\u{2028}é", "b": [1]});
        assert_eq!(
            String::from_utf8(body(&v)).unwrap(),
            "{\"a\":\"x\\u003cy\\u003e\\u0026z\\u2028é\",\"b\":[1]}\n"
        );
        assert_eq!(
            String::from_utf8(watch_event("ADDED", &json!({"kind": "Pod"}))).unwrap(),
            "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}\n"
        );
    }
}
