//! Rendering: kubectl-like tables, YAML/JSON object output, status words, ages, progress.

pub mod change;
pub mod gotemplate;
pub mod jsonpath;
pub mod progress;
pub mod sort;
pub mod status;
pub mod template;
pub mod yaml;
pub mod yaml11;

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;

/// Writes to stdout; a failed write (e.g. a closed pipe) becomes an error the printer handles.
pub fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

/// A kubectl-like table: no borders, upper-case headers, columns three spaces apart.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    table_with(headers, rows, true)
}

/// [`table`], with the header line only when `show_headers` (kubectl's `--no-headers` drops
/// it, and the columns are then as wide as their values alone).
pub fn table_with(headers: &[&str], rows: Vec<Vec<String>>, show_headers: bool) -> String {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if show_headers {
        t.set_header(headers.iter().map(|h| h.to_uppercase()));
    }
    for row in rows {
        t.add_row(row);
    }
    for col in t.column_iter_mut() {
        col.set_padding((0, 3));
        col.set_cell_alignment(CellAlignment::Left);
    }
    let mut text: String = t
        .to_string()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

pub use crate::manifest::text::human_duration;

pub fn age(t: Option<&Time>, now: Timestamp) -> String {
    match t {
        Some(t) => human_duration(now.duration_since(t.0)),
        None => "<unknown>".into(),
    }
}

/// Object output; with `keep_managed_fields` false, metadata.managedFields is dropped.
pub fn object_value<T: Serialize>(obj: &T, keep_managed_fields: bool) -> serde_json::Value {
    let mut v = serde_json::to_value(obj).unwrap_or(serde_json::Value::Null);
    if !keep_managed_fields {
        if let Some(m) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            m.remove("managedFields");
        }
    }
    v
}

/// The object as the server sent it, without metadata.managedFields unless asked.
pub fn strip_managed_fields(mut v: serde_json::Value, keep: bool) -> serde_json::Value {
    if !keep {
        if let Some(m) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            m.remove("managedFields");
        }
    }
    v
}

pub fn to_yaml(v: &serde_json::Value) -> Result<String> {
    Ok(yaml::to_string(v))
}

pub fn to_json(v: &serde_json::Value) -> Result<String> {
    Ok(serde_json::to_string_pretty(v)? + "\n")
}

/// Several objects: YAML documents separated by `---`, or a JSON `List`.
pub fn objects_yaml(objs: &[serde_json::Value]) -> Result<String> {
    let mut s = String::new();
    for (i, o) in objs.iter().enumerate() {
        if i > 0 {
            s.push_str("---\n");
        }
        s.push_str(&to_yaml(o)?);
    }
    Ok(s)
}

pub fn objects_json(objs: &[serde_json::Value]) -> Result<String> {
    if objs.len() == 1 {
        return to_json(&objs[0]);
    }
    to_json(&serde_json::json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": objs}))
}

/// `kind: List` of the items, as kubectl wraps what a `get` of several objects prints.
pub fn list_value(items: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items})
}

/// The raw objects of `raw` whose UIDs are `uids`, in that order (the typed objects a command
/// filtered and sorted, as the server sent them).
pub fn in_uid_order<'a>(
    raw: Vec<serde_json::Value>,
    uids: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<serde_json::Value> {
    let mut by_uid: std::collections::HashMap<String, serde_json::Value> = raw
        .into_iter()
        .filter_map(|v| {
            let uid = v.pointer("/metadata/uid")?.as_str()?.to_string();
            Some((uid, v))
        })
        .collect();
    uids.into_iter().filter_map(|u| by_uid.remove(u?)).collect()
}

/// With `-o jsonpath|custom-columns|go-template…`, prints `obj` with that printer and says
/// true; else prints nothing and says false. `no_headers` is the command's `--no-headers`.
pub fn template_out(
    global: &crate::cli::GlobalArgs,
    obj: &serde_json::Value,
    no_headers: bool,
) -> Result<bool> {
    match &global.output {
        Some(f) if f.is_template() => {
            let text = template::render(f, obj, no_headers, global.allow_missing_template_keys)?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Whether colour is wanted on this stream.
pub fn color_enabled(no_color_flag: bool, is_tty: bool) -> bool {
    is_tty && !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_match_kubectl() {
        let s = jiff::SignedDuration::from_secs;
        assert_eq!(human_duration(s(5)), "5s");
        assert_eq!(human_duration(s(119)), "119s");
        assert_eq!(human_duration(s(150)), "2m30s");
        assert_eq!(human_duration(s(600)), "10m");
        assert_eq!(human_duration(s(3 * 3600 + 60)), "3h1m");
        assert_eq!(human_duration(s(20 * 3600)), "20h");
        assert_eq!(human_duration(s(3 * 86400 + 3600)), "3d1h");
        assert_eq!(human_duration(s(30 * 86400)), "30d");
        assert_eq!(human_duration(s(-5)), "<invalid>");
    }

    #[test]
    fn tables_have_no_borders_and_caps_headers() {
        let t = table(&["name", "ready"], vec![vec!["web".into(), "1/1".into()]]);
        assert_eq!(t, "NAME   READY\nweb    1/1\n");
    }
}
