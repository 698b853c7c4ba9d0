//! kubectl's template printers (cli-runtime/pkg/printers: jsonpath.go, template.go;
//! kubectl/pkg/cmd/get/customcolumn.go): `-o jsonpath=…`, `-o custom-columns=…`,
//! `-o go-template=…` and their `-file` forms, applied to the object a command prints (a
//! `kind: List` of the items for list, pods, revisions and events, as `kubectl get` wraps them).

use std::collections::HashMap;

use anyhow::{anyhow, Context as _, Result};
use serde_json::Value;

use super::jsonpath::{go_text, relaxed, JsonPath};
use crate::cli::OutputFormat;

/// Prints `obj` with the template printer `format` names; `no_headers` drops custom-columns'
/// header line, `allow_missing` is `--allow-missing-template-keys`.
pub fn render(
    format: &OutputFormat,
    obj: &Value,
    no_headers: bool,
    allow_missing: bool,
) -> Result<String> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p)
            .with_context(|| format!("error reading template {}", p.display()))
    };
    match format {
        OutputFormat::JsonPath(t) => jsonpath(t, obj, allow_missing),
        OutputFormat::JsonPathAsJson(t) => JsonPath::parse(t)
            .map_err(|e| anyhow!("error parsing jsonpath {t}, {e}"))?
            .allow_missing_keys(allow_missing)
            .execute_as_json(obj)
            .map_err(|e| anyhow!("error executing jsonpath {t:?}: {e}")),
        OutputFormat::JsonPathFile(p) => jsonpath(&read(p)?, obj, allow_missing),
        OutputFormat::GoTemplate(t) => go_template(t, obj, allow_missing),
        OutputFormat::GoTemplateFile(p) => go_template(&read(p)?, obj, allow_missing),
        OutputFormat::CustomColumns(spec) => {
            custom_columns(&columns_from_spec(spec)?, obj, no_headers)
        }
        OutputFormat::CustomColumnsFile(p) => {
            custom_columns(&columns_from_file(&read(p)?)?, obj, no_headers)
        }
        other => Err(anyhow!("{} is not a template format", other.name())),
    }
}

fn jsonpath(template: &str, obj: &Value, allow_missing: bool) -> Result<String> {
    let jp = JsonPath::parse(template)
        .map_err(|e| anyhow!("error parsing jsonpath {template}, {e}"))?
        .allow_missing_keys(allow_missing);
    jp.execute(obj)
        .map_err(|e| anyhow!("error executing jsonpath {template:?}: {e}"))
}

/// One column of `custom-columns`: its header and its path.
pub struct Column {
    header: String,
    path: JsonPath,
}

fn column(header: &str, expr: &str) -> Result<Column> {
    let expr = relaxed(expr).map_err(|e| anyhow!("{e}"))?;
    let path = JsonPath::parse(&expr).map_err(|e| anyhow!("error parsing {expr}: {e}"))?;
    Ok(Column {
        header: header.to_string(),
        path,
    })
}

/// `NAME:.metadata.name,READY:.status.readyReplicas` (kubectl's NewCustomColumnsPrinterFromSpec).
fn columns_from_spec(spec: &str) -> Result<Vec<Column>> {
    if spec.is_empty() {
        return Err(anyhow!(
            "custom-columns format specified but no custom columns given"
        ));
    }
    spec.split(',')
        .map(|part| match part.split_once(':') {
            Some((h, p)) => column(h, p),
            None => Err(anyhow!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )),
        })
        .collect()
}

/// A file of two lines: the headers, then as many paths (kubectl's
/// NewCustomColumnsPrinterFromTemplate).
fn columns_from_file(text: &str) -> Result<Vec<Column>> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() != 2 {
        return Err(anyhow!(
            "invalid template, expected two lines of input, found {}",
            lines.len()
        ));
    }
    let headers: Vec<&str> = lines[0].split_whitespace().collect();
    let paths: Vec<&str> = lines[1].split_whitespace().collect();
    if headers.len() != paths.len() {
        return Err(anyhow!(
            "number of headers ({}) and field specifications ({}) don't match",
            headers.len(),
            paths.len()
        ));
    }
    headers
        .iter()
        .zip(paths)
        .map(|(h, p)| column(h, p))
        .collect()
}

/// One row per item of a List (else per object): each column's values by `fmt.Sprint`,
/// joined by commas, `<none>` when there are none; laid out by Go's tabwriter as kubectl's.
fn custom_columns(cols: &[Column], obj: &Value, no_headers: bool) -> Result<String> {
    let items: Vec<&Value> = match obj.get("items").and_then(Value::as_array) {
        Some(items) if obj.get("kind").and_then(Value::as_str) == Some("List") => {
            items.iter().collect()
        }
        _ => vec![obj],
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !no_headers {
        rows.push(cols.iter().map(|c| c.header.clone()).collect());
    }
    for item in items {
        let mut row = Vec::new();
        for c in cols {
            let values = c.path.values(item).map_err(|e| anyhow!("{e}"))?;
            row.push(if values.is_empty() {
                "<none>".to_string()
            } else {
                values
                    .into_iter()
                    .map(go_text)
                    .collect::<Vec<_>>()
                    .join(",")
            });
        }
        rows.push(row);
    }
    Ok(tabwriter(&rows))
}

/// Go's text/tabwriter as kubectl configures it (printers.GetNewTabWriter): each column as wide
/// as its widest cell plus 3, at least 6; the last cell of a line is not padded.
pub fn tabwriter(rows: &[Vec<String>]) -> String {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncols)
        .map(|i| {
            let w = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0);
            (w + 3).max(6)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                let pad = widths[i].saturating_sub(c.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Go's text/template through the gtmpl crate, with kubectl's two extra functions (`exists`,
/// `base64decode`); sprig's functions are not available. The template is rewritten first so
/// that ranges over maps go in key order and values print as Go prints them (see
/// `super::gotemplate`). Missing map keys print `<no value>`, or are an error with
/// `--allow-missing-template-keys=false` (missingkey=error).
fn go_template(template: &str, obj: &Value, allow_missing: bool) -> Result<String> {
    let mut t = gtmpl::Template::default();
    t.add_func("exists", exists);
    t.add_func("base64decode", base64decode);
    for (name, f) in super::gotemplate::FUNCS {
        t.add_func(name, f);
    }
    t.parse(super::gotemplate::rewrite(template))
        .map_err(|e| anyhow!("error parsing template {template}, {e}"))?;
    let ctx = gtmpl::Context::from(to_gtmpl(obj, allow_missing));
    t.render(&ctx)
        .map_err(|e| anyhow!("error executing template {template:?}: {e}"))
}

/// JSON as gtmpl's values: objects become maps whose missing keys are `<no value>` (Go's
/// missingkey=default), or "objects" whose missing keys are errors.
fn to_gtmpl(v: &Value, allow_missing: bool) -> gtmpl::Value {
    match v {
        Value::Null => gtmpl::Value::Nil,
        Value::Bool(b) => gtmpl::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => gtmpl::Value::from(i),
            (_, Some(u)) => gtmpl::Value::from(u),
            _ => gtmpl::Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => gtmpl::Value::String(s.clone()),
        Value::Array(a) => {
            gtmpl::Value::Array(a.iter().map(|x| to_gtmpl(x, allow_missing)).collect())
        }
        Value::Object(m) => {
            let map: HashMap<String, gtmpl::Value> = m
                .iter()
                .map(|(k, x)| (k.clone(), to_gtmpl(x, allow_missing)))
                .collect();
            if allow_missing {
                gtmpl::Value::Map(map)
            } else {
                gtmpl::Value::Object(map)
            }
        }
    }
}

/// kubectl's `exists`: whether the path of keys/indexes exists in the value.
fn exists(args: &[gtmpl::Value]) -> Result<gtmpl::Value, gtmpl::FuncError> {
    let Some((first, path)) = args.split_first() else {
        return Err(gtmpl::FuncError::AtLeastXArgs("exists".into(), 1));
    };
    let mut cur = first.clone();
    for key in path {
        let next = match (&cur, key) {
            (gtmpl::Value::Map(m) | gtmpl::Value::Object(m), gtmpl::Value::String(k)) => {
                m.get(k).cloned()
            }
            (gtmpl::Value::Array(a), gtmpl::Value::Number(n)) => n
                .as_i64()
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| a.get(i).cloned()),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(gtmpl::Value::Bool(false)),
        }
    }
    Ok(gtmpl::Value::Bool(true))
}

/// kubectl's `base64decode`.
fn base64decode(args: &[gtmpl::Value]) -> Result<gtmpl::Value, gtmpl::FuncError> {
    let [gtmpl::Value::String(s)] = args else {
        return Err(gtmpl::FuncError::ExactlyXArgs("base64decode".into(), 1));
    };
    let bytes = decode_base64(s)
        .map_err(|e| gtmpl::FuncError::Generic(format!("base64 decode failed: {e}")))?;
    Ok(gtmpl::Value::String(
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// Standard base64 with padding (Go's base64.StdEncoding).
fn decode_base64(s: &str) -> std::result::Result<Vec<u8>, String> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(format!(
            "illegal base64 data at input byte {}",
            b.len() / 4 * 4
        ));
    }
    let mut out = Vec::new();
    for (ci, chunk) in b.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad {
                0
            } else {
                val(c).ok_or_else(|| format!("illegal base64 data at input byte {}", ci * 4 + i))?
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad.min(2)]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": [
            {"metadata": {"name": "web", "labels": {"app": "web"}}, "spec": {"replicas": 3}},
            {"metadata": {"name": "database"}, "spec": {"replicas": 1}}]})
    }

    #[test]
    fn custom_columns_rows_per_item() {
        let f = OutputFormat::CustomColumns(
            "NAME:.metadata.name,R:spec.replicas,L:{.metadata.labels}".into(),
        );
        let text = render(&f, &list(), false, true).unwrap();
        assert_eq!(
            text,
            "NAME       R     L\nweb        3     map[app:web]\ndatabase   1     <none>\n"
        );
        let text = render(&f, &list(), true, true).unwrap();
        assert!(text.starts_with("web "), "{text}");
        let bad = OutputFormat::CustomColumns("NAME".into());
        assert!(render(&bad, &list(), false, true).is_err());
    }

    #[test]
    fn go_templates() {
        let f = OutputFormat::GoTemplate(
            "{{range .items}}{{.metadata.name}}={{.spec.replicas}} {{end}}".into(),
        );
        assert_eq!(
            render(&f, &list(), false, true).unwrap(),
            "web=3 database=1 "
        );
        let missing = OutputFormat::GoTemplate("{{.nope}}".into());
        assert_eq!(
            render(&missing, &list(), false, true).unwrap(),
            "<no value>"
        );
        assert!(render(&missing, &list(), false, false).is_err());
        let ex = OutputFormat::GoTemplate(
            r#"{{range .items}}{{if exists . "metadata" "labels"}}{{.metadata.name}}{{end}}{{end}}"#
                .into(),
        );
        assert_eq!(render(&ex, &list(), false, true).unwrap(), "web");
        let b64 = OutputFormat::GoTemplate("{{base64decode .d}}".into());
        assert_eq!(
            render(&b64, &json!({"d": "c2VjcmV0"}), false, true).unwrap(),
            "secret"
        );
    }

    #[test]
    fn base64_like_go() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aA==").unwrap(), b"h");
        assert!(decode_base64("a").is_err());
    }
}
