//! A YAML emitter for JSON values in kubectl's layout (sequences under a key not indented),
//! quoting every string a YAML 1.1 reader (kubectl, sigs.k8s.io/yaml) would take for a
//! bool, null or number — `y`, `on`, `no`, `1e3`, `0x1f`, `1:20` stay strings.

use serde_json::Value;

pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn emit_map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&string(k));
        out.push(':');
        match v {
            Value::Object(child) if !child.is_empty() => {
                out.push('\n');
                emit_map(child, indent + 2, out);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_seq(items, indent, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn emit_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => emit_map(m, indent + 2, out),
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                emit_seq(a, indent + 2, out);
            }
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

const SPECIAL: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", ".inf",
    ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<", "=",
];

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    if t.parse::<f64>().is_ok() {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("0x") || lower.starts_with("0o") || lower.starts_with("0b") {
        return true;
    }
    // Digits with '_' or ':' (YAML 1.1 ints like 1_000, sexagesimal 1:20).
    t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.' | 'e' | 'E' | '+' | '-'))
}

fn plain_ok(s: &str) -> bool {
    if s.is_empty() || SPECIAL.contains(&s) || looks_numeric(s) {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    let first = s.chars().next().unwrap();
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\t') {
        return false;
    }
    !s.chars().any(|c| c.is_control())
}

fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else if !s.chars().any(|c| c.is_control()) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_layout_and_yaml11_quoting() {
        let v = json!({"metadata": {"labels": {"app": "y", "on": "x"}, "name": "web"},
            "spec": {"containers": [{"name": "c", "args": ["1e3", "a: b", "-x", ""], "ports": []}], "n": 3, "ok": true}});
        let text = to_string(&v);
        assert_eq!(
            text,
            "metadata:\n  labels:\n    app: 'y'\n    'on': x\n  name: web\nspec:\n  containers:\n  - args:\n    - '1e3'\n    - 'a: b'\n    - '-x'\n    - ''\n    name: c\n    ports: []\n  'n': 3\n  ok: true\n"
        );
        let back: serde_json::Value = crate::manifest::yaml::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn multiline_strings_round_trip() {
        let v = json!({"a": "line1\nline2", "b": "it's"});
        let back: serde_json::Value = crate::manifest::yaml::from_str(&to_string(&v)).unwrap();
        assert_eq!(back, v);
    }
}
