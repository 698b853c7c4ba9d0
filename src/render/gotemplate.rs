//! Go's text/template semantics on top of gtmpl, which differs from Go in two places: it ranges
//! over a map in hash order (Go: sorted keys, text/template/exec.go `walkRange` with
//! `fmtsort.Sort`) and prints a map or a list in its own debug form (Go: `fmt.Fprint`,
//! `map[k:v k2:v2]`, `[a b]`). The template is rewritten before gtmpl parses it, keeping its
//! meaning:
//! - an action that prints (no keyword, no declaration) pipes its value to a function that
//!   prints it as Go's `fmt` prints the JSON-decoded value kubectl hands to its template (a
//!   number is a float64: `3`, `1.5`, `1e+06`; null at the top level is `<no value>`, inside a
//!   map or list `<nil>`);
//! - `range P` ranges over the values of P in key order, and `range $k, $v := P` ranges over
//!   them with `$k` bound from P's sorted keys (P is evaluated once more, before the range);
//!   nil or a missing key ranges zero times, as in Go;
//! - `print` and `println` are Go's `fmt.Sprint`/`fmt.Sprintln` on those values.
//!
//! `printf` stays gtmpl's (its `%v` of a map is not Go's form).

use gtmpl::{FuncError, Value};

/// The rewrite's functions: (name, function) to add to the template.
pub const FUNCS: [(&str, gtmpl::Func); 5] = [
    (PRINT, print_action),
    (KEYS, keys),
    (VALUES, values),
    ("print", sprint),
    ("println", sprintln),
];

const PRINT: &str = "kubectlStatefulsetPrint";
const KEYS: &str = "kubectlStatefulsetKeys";
const VALUES: &str = "kubectlStatefulsetValues";

const KEYWORDS: [&str; 10] = [
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
];

/// The template with its printing actions and ranges rewritten (see the module comment).
pub fn rewrite(template: &str) -> String {
    // The template's text and actions, then which ranges have an `{{else}}`.
    let mut parts: Vec<Result<(&str, &str, &str), &str>> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        parts.push(Err(&rest[..open]));
        let after = &rest[open + 2..];
        let Some(len) = action_len(after) else {
            // Unterminated: gtmpl reports it.
            parts.push(Err(&rest[open..]));
            rest = "";
            break;
        };
        parts.push(Ok(split_trim(&after[..len])));
        rest = &after[len + 2..];
    }
    parts.push(Err(rest));
    let word = |inner: &str| {
        let t = inner.trim();
        let end = t
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(t.len());
        t[..end].to_string()
    };
    // gtmpl runs a range's else branch even after iterations (Go: only after none), so a
    // range with an else becomes `if` (it has values) around the range, the else the if's.
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut range_else: Vec<usize> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let Ok((_, inner, _)) = p else { continue };
        match word(inner).as_str() {
            "if" | "range" | "with" | "define" | "block" => stack.push((word(inner), i)),
            "else" => {
                if let Some((kind, at)) = stack.last() {
                    if kind == "range" && !range_else.contains(at) {
                        range_else.push(*at);
                        range_else.push(i);
                    }
                }
            }
            "end" => {
                stack.pop();
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(template.len() + 64);
    let mut ranges = 0;
    for (i, p) in parts.iter().enumerate() {
        match p {
            Err(text) => out.push_str(text),
            Ok((left, inner, right)) => {
                let guarded = range_else.contains(&i);
                out.push_str(&rewrite_action(left, inner, right, &mut ranges, guarded));
            }
        }
    }
    out
}

/// The length of an action's text up to its closing `}}` (strings, raw strings, character
/// constants and comments skipped), or None when it is not closed.
fn action_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let trimmed = s.trim_start_matches('-').trim_start();
    if trimmed.starts_with("/*") {
        let start = s.len() - trimmed.len();
        let end = s[start..].find("*/")? + start + 2;
        return s[end..].find("}}").map(|i| end + i);
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The action's trim markers (`- ` after `{{`, ` -` before `}}`) and its text between them.
fn split_trim(body: &str) -> (&str, &str, &str) {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let left = if body.starts_with('-') && body[1..].starts_with(ws) {
        &body[..2]
    } else {
        ""
    };
    let rest = &body[left.len()..];
    let right = if rest.ends_with('-') && rest[..rest.len() - 1].ends_with(ws) {
        &rest[rest.len() - 2..]
    } else {
        ""
    };
    (left, &rest[..rest.len() - right.len()], right)
}

/// One action rewritten; `guarded`: a range that has an else (opened inside an `if` on its
/// values), or that else (closing the range first).
fn rewrite_action(
    left: &str,
    inner: &str,
    right: &str,
    ranges: &mut usize,
    guarded: bool,
) -> String {
    let action = |text: &str| format!("{{{{{left}{text}{right}}}}}");
    let t = inner.trim();
    let word_end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let word = &t[..word_end];
    if t.starts_with("/*") || declaration(t).is_some() {
        return action(inner);
    }
    if word == "else" && guarded {
        return format!("{{{{{left}end}}}}{{{{else{right}}}}}");
    }
    if word != "range" {
        if KEYWORDS.contains(&word) {
            return action(inner);
        }
        return action(&format!("{inner} | {PRINT}"));
    }
    let pipe = t[word_end..].trim_start();
    let (vars, op, p) = declaration(pipe).unwrap_or((Vec::new(), "", pipe));
    let guard = if guarded {
        format!("{{{{{left}if {p} | {VALUES} | len}}}}")
    } else {
        String::new()
    };
    let left = if guarded { "" } else { left };
    let action = |text: &str| format!("{guard}{{{{{left}{text}{right}}}}}");
    match vars.as_slice() {
        [] => action(&format!("range {p} | {VALUES}")),
        [key, value] => {
            *ranges += 1;
            let (k, i) = (
                format!("$kubectlStatefulsetKeys{ranges}"),
                format!("$kubectlStatefulsetIndex{ranges}"),
            );
            format!(
                "{guard}{{{{{left}{k} := {p} | {KEYS}}}}}{{{{range {i}, {value} := {p} | {VALUES}}}}}{{{{{key} {op} index {k} {i}{right}}}}}"
            )
        }
        _ => action(&format!("range {} {op} {p} | {VALUES}", vars.join(", "))),
    }
}

/// `$a := P`, `$a, $b := P` (or `=`): the variables, the operator and the pipeline.
fn declaration(t: &str) -> Option<(Vec<&str>, &str, &str)> {
    let mut vars = Vec::new();
    let mut rest = t;
    loop {
        let r = rest.trim_start().strip_prefix('$')?;
        let end = r
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(r.len());
        let start = rest.len() - r.len() - 1;
        vars.push(&rest[start..start + 1 + end]);
        rest = r[end..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            if vars.len() == 2 {
                return None;
            }
            rest = r;
            continue;
        }
        let (op, p) = if let Some(p) = rest.strip_prefix(":=") {
            (":=", p)
        } else if let Some(p) = rest.strip_prefix('=') {
            ("=", p)
        } else {
            return None;
        };
        return Some((vars, op, p.trim()));
    }
}

fn one(name: &str, args: &[Value]) -> Result<Value, FuncError> {
    match args {
        [v] => Ok(v.clone()),
        _ => Err(FuncError::ExactlyXArgs(name.into(), 1)),
    }
}

/// What an action prints: Go's printValue of the JSON-decoded value.
fn print_action(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(match one(PRINT, args)? {
        Value::Nil | Value::NoValue => "<no value>".into(),
        v => go_fmt(&v),
    }))
}

/// The keys of a map in Go's order (sorted), the indexes of a list; nothing for anything else.
fn keys(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Array(match one(KEYS, args)? {
        Value::Map(m) | Value::Object(m) => {
            let mut k: Vec<String> = m.into_keys().collect();
            k.sort();
            k.into_iter().map(Value::String).collect()
        }
        Value::Array(a) => (0..a.len() as u64).map(Value::from).collect(),
        _ => Vec::new(),
    }))
}

/// The values of a map in key order; a list as it is; nil or a missing value as an empty
/// list (Go ranges zero times); anything else as it is (gtmpl refuses to range over it).
fn values(args: &[Value]) -> Result<Value, FuncError> {
    Ok(match one(VALUES, args)? {
        Value::Map(m) | Value::Object(m) => {
            let mut kv: Vec<(String, Value)> = m.into_iter().collect();
            kv.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Array(kv.into_iter().map(|(_, v)| v).collect())
        }
        Value::Nil | Value::NoValue => Value::Array(Vec::new()),
        v => v,
    })
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
fn sprint(args: &[Value]) -> Result<Value, FuncError> {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        let is_str = |v: &Value| matches!(v, Value::String(_));
        if i > 0 && !is_str(a) && !is_str(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&go_fmt(a));
    }
    Ok(Value::String(out))
}

/// Go's `fmt.Sprintln`: spaces between all operands, a newline at the end.
fn sprintln(args: &[Value]) -> Result<Value, FuncError> {
    let mut out = args.iter().map(go_fmt).collect::<Vec<_>>().join(" ");
    out.push('\n');
    Ok(Value::String(out))
}

/// `%v` of a JSON-decoded Go value (map[string]interface{}, []interface{}, float64, …), as
/// `jsonpath::go_text` prints it; every number is a float64 here (kubectl decodes the object
/// for its template with encoding/json into interface{}).
pub fn go_fmt(v: &Value) -> String {
    match v {
        Value::NoValue => "<no value>".into(),
        v => super::jsonpath::go_text(&json_of(v)),
    }
}

/// The JSON value kubectl's template would see, numbers as floats.
fn json_of(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil | Value::NoValue => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Number(n) => n
            .as_f64()
            .or_else(|| n.as_i64().map(|i| i as f64))
            .or_else(|| n.as_u64().map(|u| u as f64))
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(json_of).collect()),
        Value::Map(m) | Value::Object(m) => {
            serde_json::Value::Object(m.iter().map(|(k, x)| (k.clone(), json_of(x))).collect())
        }
        other => serde_json::Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_printing_actions_and_ranges() {
        assert_eq!(rewrite("a{{.x}}b"), format!("a{{{{.x | {PRINT}}}}}b"));
        assert_eq!(rewrite("{{- .x -}}"), format!("{{{{- .x | {PRINT} -}}}}"));
        assert_eq!(
            rewrite("{{/* }} */}}{{$a := .x}}{{end}}"),
            "{{/* }} */}}{{$a := .x}}{{end}}"
        );
        assert_eq!(
            rewrite(r#"{{"}}"}}"#),
            format!(r#"{{{{"}}}}" | {PRINT}}}}}"#)
        );
        assert_eq!(
            rewrite("{{range .m}}"),
            format!("{{{{range .m | {VALUES}}}}}")
        );
        assert_eq!(
            rewrite("{{range .m}}a{{- else -}}b{{end}}"),
            format!("{{{{if .m | {VALUES} | len}}}}{{{{range .m | {VALUES}}}}}a{{{{- end}}}}{{{{else -}}}}b{{{{end}}}}")
        );
        assert_eq!(
            rewrite("{{- range $k, $v := .m -}}"),
            format!(
                "{{{{- $kubectlStatefulsetKeys1 := .m | {KEYS}}}}}{{{{range $kubectlStatefulsetIndex1, $v := .m | {VALUES}}}}}{{{{$k := index $kubectlStatefulsetKeys1 $kubectlStatefulsetIndex1 -}}}}"
            )
        );
    }

    #[test]
    fn values_print_as_go_prints_decoded_json() {
        let m: std::collections::HashMap<String, Value> = [
            ("b".to_string(), Value::from(1_000_000i64)),
            (
                "a".to_string(),
                Value::Array(vec![Value::from(3i64), Value::Nil]),
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(go_fmt(&Value::Map(m)), "map[a:[3 <nil>] b:1e+06]");
        assert_eq!(go_fmt(&Value::from(1.5f64)), "1.5");
        assert_eq!(go_fmt(&Value::NoValue), "<no value>");
    }
}
