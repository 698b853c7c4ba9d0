//! Pure logic of `edit-yaml`: the clean view of an object (kubectl-neat-like), the body sent
//! back (stripped fields restored, so nothing the user did not touch is lost), checks of the
//! edited text, and the 3-way rebase after a 409 Conflict.
//!
//! Everything works on raw JSON (`serde_json::Value`): fields unknown to this client survive.

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

/// Metadata fields the server owns: hidden in the editor, restored before the PUT.
const HIDDEN_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
];

/// Annotations that are noise in an editor.
const HIDDEN_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// The object as shown in the editor: no status, no server-owned metadata.
pub fn clean(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
    }
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in HIDDEN_METADATA {
            meta.remove(*k);
        }
        let mut drop_annotations = false;
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            for k in HIDDEN_ANNOTATIONS {
                a.remove(*k);
            }
            drop_annotations = a.is_empty();
        }
        if drop_annotations {
            meta.remove("annotations");
        }
    }
    v
}

/// The body of the PUT: the edited object plus what [`clean`] hid, taken from `live` (the
/// object whose resourceVersion the PUT is conditioned on).
pub fn restore(live: &Value, edited: &Value) -> Value {
    let mut out = edited.clone();
    if let Some(status) = live.get("status") {
        if let Some(m) = out.as_object_mut() {
            m.entry("status").or_insert_with(|| status.clone());
        }
    }
    let Some(live_meta) = live.get("metadata").and_then(Value::as_object) else {
        return out;
    };
    let Some(meta) = out
        .as_object_mut()
        .map(|m| {
            m.entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()))
        })
        .and_then(Value::as_object_mut)
    else {
        return out;
    };
    for k in HIDDEN_METADATA {
        if let Some(v) = live_meta.get(*k) {
            // resourceVersion always comes from `live`: that is the precondition.
            if *k == "resourceVersion" || !meta.contains_key(*k) {
                meta.insert((*k).to_string(), v.clone());
            }
        }
    }
    if let Some(live_ann) = live_meta.get("annotations").and_then(Value::as_object) {
        for k in HIDDEN_ANNOTATIONS {
            if let Some(v) = live_ann.get(*k) {
                let ann = meta
                    .entry("annotations")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(a) = ann.as_object_mut() {
                    a.entry((*k).to_string()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    out
}

/// What the user saved, read back.
#[derive(Debug)]
pub enum Edited {
    /// Only comments and blank lines.
    Empty,
    Object(Value),
}

/// Drops the comment header at the top of the file (the one this tool writes, with the errors
/// of the last attempt). Comment lines further down stay for the YAML parser: a `#` line inside
/// a block scalar (a script in `args: [|]`) is content, not a comment.
pub fn strip_header(text: &str) -> String {
    let mut rest = text;
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#')) {
            break;
        }
        rest = after;
    }
    rest.to_string()
}

/// Parses the edited text (one YAML or JSON document), comments and all, so the line numbers
/// of a parse error are the file's own (those the user sees in the editor, header included).
pub fn parse_edited(text: &str) -> Result<Edited> {
    parse_document(text)
}

fn parse_document(text: &str) -> Result<Edited> {
    if strip_header(text).trim().is_empty() {
        return Ok(Edited::Empty);
    }
    let v: Value = super::yaml::from_str(text).map_err(|e| anyhow!("invalid YAML: {e}"))?;
    if v.is_null() {
        return Ok(Edited::Empty);
    }
    if !v.is_object() {
        bail!(
            "the file must hold one object (a YAML mapping), not {}",
            kind_of(&v)
        );
    }
    Ok(Edited::Object(v))
}

#[cfg(test)]
#[test]
fn parse_errors_count_the_comment_lines() {
    let text = "# header\n# more\n#\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n   bad: [\n";
    let err = parse_edited(text).unwrap_err().to_string();
    // The error is on the file's line 8 (`   bad: [`) or 9 (end of input), never before 7.
    let n: usize = err
        .split("line ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("no line in {err}"));
    assert!((8..=9).contains(&n), "{err}");
}

#[cfg(test)]
#[test]
fn hash_lines_inside_a_block_scalar_are_content() {
    let text = "# header\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  args:\n  - |\n    # wait for the primary\n    exec db\n";
    let Edited::Object(v) = parse_edited(text).unwrap() else {
        panic!("an object")
    };
    assert_eq!(v["spec"]["args"][0], "# wait for the primary\nexec db\n");
    let body = strip_header(text);
    assert!(body.starts_with("apiVersion"), "{body}");
    assert!(body.contains("    # wait for the primary\n"), "{body}");
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        _ => "something else",
    }
}

/// The edited object must still be the same object: same apiVersion group, kind, name and
/// namespace (kubectl edit refuses the same).
pub fn check_identity(original: &Value, edited: &Value) -> Result<()> {
    let kind = |v: &Value| v["kind"].as_str().unwrap_or_default().to_string();
    if kind(original) != kind(edited) {
        bail!(
            "the kind was changed from {:?} to {:?}; edit-yaml edits this {} only",
            kind(original),
            kind(edited),
            kind(original)
        );
    }
    let group = |v: &Value| {
        let av = v["apiVersion"].as_str().unwrap_or_default();
        av.rsplit_once('/')
            .map(|(g, _)| g.to_string())
            .unwrap_or_default()
    };
    if group(original) != group(edited) {
        bail!(
            "the apiVersion was changed from {:?} to {:?}",
            original["apiVersion"].as_str().unwrap_or_default(),
            edited["apiVersion"].as_str().unwrap_or_default()
        );
    }
    for field in ["name", "namespace"] {
        let o = original["metadata"][field].as_str().unwrap_or_default();
        let e = edited["metadata"][field].as_str().unwrap_or(o);
        if o != e {
            bail!("metadata.{field} was changed from {o:?} to {e:?}; renaming is not possible (create a copy with `create -f` instead)");
        }
    }
    Ok(())
}

/// The JSON pointer paths an edit touches.
fn touched_paths(from: &Value, to: &Value) -> Vec<String> {
    let patch = json_patch::diff(from, to);
    patch
        .0
        .iter()
        .map(|op| match op {
            json_patch::PatchOperation::Add(o) => o.path.to_string(),
            json_patch::PatchOperation::Remove(o) => o.path.to_string(),
            json_patch::PatchOperation::Replace(o) => o.path.to_string(),
            json_patch::PatchOperation::Move(o) => o.path.to_string(),
            json_patch::PatchOperation::Copy(o) => o.path.to_string(),
            json_patch::PatchOperation::Test(o) => o.path.to_string(),
        })
        .collect()
}

fn overlaps(a: &str, b: &str) -> bool {
    let prefix = |p: &str, q: &str| p == q || q.starts_with(&format!("{p}/"));
    prefix(a, b) || prefix(b, a)
}

/// The result of rebasing the user's edit on the newer object.
#[derive(Debug)]
pub enum Rebase {
    /// The changes are disjoint: the user's edit applied to the newer object.
    Merged(Value),
    /// Both changed these paths.
    Conflict(Vec<String>),
}

/// 3-way: the user's change (base → mine, as a JSON patch) applied to `theirs`, when it does not
/// touch what changed between `base` and `theirs`. All three are clean views.
pub fn rebase(base: &Value, mine: &Value, theirs: &Value) -> Rebase {
    let my_paths = touched_paths(base, mine);
    let their_paths = touched_paths(base, theirs);
    let mut both: Vec<String> = my_paths
        .iter()
        .filter(|m| their_paths.iter().any(|t| overlaps(m, t)))
        .cloned()
        .collect();
    both.dedup();
    if !both.is_empty() {
        return Rebase::Conflict(both);
    }
    let patch = json_patch::diff(base, mine);
    let mut merged = theirs.clone();
    match json_patch::patch(&mut merged, &patch) {
        Ok(()) => Rebase::Merged(merged),
        Err(e) => Rebase::Conflict(vec![e.to_string()]),
    }
}

/// The comment block put on top of the file when it is reopened.
pub fn header(lines: &[String]) -> String {
    let mut out = String::from(
        "# Please edit the object below. Lines beginning with a '#' will be ignored,\n\
         # and an empty file will abort the edit. If an error occurs while saving this file will be\n\
         # reopened with the relevant failures.\n#\n",
    );
    for l in lines {
        for part in l.lines() {
            out.push_str("# ");
            out.push_str(part);
            out.push('\n');
        }
    }
    if !lines.is_empty() {
        out.push_str("#\n");
    }
    out
}

/// kubectl's lines for a rejected object: `* field: message` per cause, else the message.
pub fn rejection_lines(message: &str, causes: &[(String, String)]) -> Vec<String> {
    let mut out = vec![message.to_string()];
    for (field, msg) in causes {
        if field.is_empty() {
            out.push(format!("* {msg}"));
        } else {
            out.push(format!("* {field}: {msg}"));
        }
    }
    out
}

/// Whether a rejection is about a field that cannot change after creation.
pub fn is_immutable(message: &str, causes: &[(String, String)]) -> bool {
    let m = |s: &str| s.contains("Forbidden") || s.contains("forbidden") || s.contains("immutable");
    m(message) || causes.iter().any(|(_, c)| m(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "u1",
                "resourceVersion": "7", "generation": 2, "creationTimestamp": "2024-01-01T00:00:00Z",
                "managedFields": [{"manager": "x"}], "labels": {"app": "web"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {"replicas": 2, "futureField": {"a": 1}},
            "status": {"replicas": 2}
        })
    }

    #[test]
    fn clean_hides_server_fields_and_restore_brings_them_back() {
        let c = clean(&live());
        assert!(c.get("status").is_none());
        assert!(c["metadata"].get("managedFields").is_none());
        assert!(c["metadata"].get("resourceVersion").is_none());
        assert!(c["metadata"].get("annotations").is_none());
        assert_eq!(c["spec"]["futureField"], json!({"a": 1}));
        let mut edited = c.clone();
        edited["spec"]["replicas"] = json!(3);
        let body = restore(&live(), &edited);
        assert_eq!(body["metadata"]["resourceVersion"], "7");
        assert_eq!(body["metadata"]["uid"], "u1");
        assert_eq!(body["status"]["replicas"], 2);
        assert_eq!(body["spec"]["replicas"], 3);
        assert_eq!(
            body["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
            "{}"
        );
        let mut expect = live();
        expect["spec"]["replicas"] = json!(3);
        assert_eq!(body, expect);
    }

    #[test]
    fn parse_and_identity() {
        assert!(matches!(parse_edited("# only\n\n").unwrap(), Edited::Empty));
        assert!(parse_edited("a: [").is_err());
        assert!(parse_edited("- 1\n").is_err());
        let o = clean(&live());
        let mut e = o.clone();
        e["metadata"]["name"] = json!("other");
        assert!(check_identity(&o, &e)
            .unwrap_err()
            .to_string()
            .contains("name"));
        let mut e = o.clone();
        e["kind"] = json!("Deployment");
        assert!(check_identity(&o, &e)
            .unwrap_err()
            .to_string()
            .contains("kind"));
        assert!(check_identity(&o, &o).is_ok());
    }

    #[test]
    fn rebase_disjoint_and_overlapping() {
        let base = clean(&live());
        let mut mine = base.clone();
        mine["spec"]["replicas"] = json!(5);
        let mut theirs = base.clone();
        theirs["metadata"]["labels"]["tier"] = json!("x");
        match rebase(&base, &mine, &theirs) {
            Rebase::Merged(m) => {
                assert_eq!(m["spec"]["replicas"], 5);
                assert_eq!(m["metadata"]["labels"]["tier"], "x");
            }
            other => panic!("{other:?}"),
        }
        let mut theirs = base.clone();
        theirs["spec"]["replicas"] = json!(1);
        match rebase(&base, &mine, &theirs) {
            Rebase::Conflict(p) => assert_eq!(p, vec!["/spec/replicas".to_string()]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejection_lines_like_kubectl() {
        let l = rejection_lines(
            "StatefulSet.apps \"web\" is invalid",
            &[("spec.replicas".into(), "Invalid value: -1".into())],
        );
        assert_eq!(l[1], "* spec.replicas: Invalid value: -1");
        assert!(header(&l).contains("# * spec.replicas: Invalid value: -1\n"));
    }
}
