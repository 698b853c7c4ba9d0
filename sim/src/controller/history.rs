//! ControllerRevision history: Go-compatible JSON encoding of the template patch, FNV-1 hash,
//! names and numbering. Upstream: pkg/controller/history/controller_history.go,
//! pkg/controller/statefulset/stateful_set_utils.go.
//!
//! Everything here is pure (no cluster access) so it can be tested exactly against upstream's
//! byte-level behaviour: the revision `data` must be byte-identical to what Go's
//! `encoding/json` produces, because both the controller (FindEqualRevisions) and kubectl
//! (`rollout undo` "skipped rollback") compare revisions by their raw bytes.

use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt::Write as _;

/// Label holding the revision hash (history.ControllerRevisionHashLabel).
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// Encode a JSON value exactly as Go's `json.Marshal` encodes the equivalent
/// `map[string]interface{}` tree: compact, object keys sorted bytewise at every level,
/// HTML-safe string escaping (`<`, `>`, `&` as `\u003c` ...), U+2028/U+2029 escaped, and numbers
/// formatted as float64 (`strconv.FormatFloat(f, 'f', -1, 64)`, exponent form outside
/// [1e-6, 1e21)). Upstream: encoding/json/encode.go (mapEncoder sorts keys, encodeState.string,
/// floatEncoder).
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_go(&mut out, v);
    out
}

fn write_go(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_go_number(out, n),
        Value::String(s) => write_go_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go(out, e);
            }
            out.push(']');
        }
        Value::Object(m) => {
            // Go sorts map keys by their UTF-8 bytes; Rust's str ordering is the same.
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, k);
                out.push(':');
                write_go(out, &m[k.as_str()]);
            }
            out.push('}');
        }
    }
}

fn write_go_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Go 1.22+ writes \b and \f in their short forms.
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Numbers went through `interface{}` in upstream's getPatch, i.e. they are float64.
fn write_go_number(out: &mut String, n: &serde_json::Number) {
    let f = match n.as_f64() {
        Some(f) => f,
        None => {
            out.push_str(&n.to_string());
            return;
        }
    };
    out.push_str(&go_format_float(f));
}

/// Go's encoding/json float64 formatting.
pub fn go_format_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let abs = f.abs();
    if (1e-6..1e21).contains(&abs) {
        // Rust's Display is the shortest round-trip representation in plain notation,
        // like strconv.FormatFloat(f, 'f', -1, 64).
        format!("{f}")
    } else {
        // 'e' format: mantissa shortest, exponent with sign and at least two digits,
        // then encoding/json turns "e-07" into "e-7".
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        let digits = if sign == '+' && digits.len() < 2 {
            format!("0{digits}")
        } else {
            digits.to_string()
        };
        format!("{mant}e{sign}{digits}")
    }
}

/// FNV-1 (not FNV-1a) 32-bit state, as Go's `hash/fnv.New32`.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1_32(u32);

impl Default for Fnv1_32 {
    fn default() -> Self {
        Self(2_166_136_261)
    }
}

impl Fnv1_32 {
    pub fn write(&mut self, data: &[u8]) {
        for b in data {
            self.0 = self.0.wrapping_mul(16_777_619);
            self.0 ^= u32::from(*b);
        }
    }
    pub fn sum32(&self) -> u32 {
        self.0
    }
}

/// apimachinery pkg/util/rand SafeEncodeString: every byte mapped into a vowel-free alphabet.
pub fn safe_encode_string(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// HashControllerRevision: FNV-1 over the data bytes, then the decimal collision count when
/// given; the decimal uint32 is SafeEncodeString'd.
pub fn hash_revision_raw(data: &[u8], probe: Option<i32>) -> u32 {
    let mut h = Fnv1_32::default();
    h.write(data);
    if let Some(p) = probe {
        h.write(p.to_string().as_bytes());
    }
    h.sum32()
}

pub fn hash_revision(data: &[u8], probe: Option<i32>) -> String {
    safe_encode_string(&hash_revision_raw(data, probe).to_string())
}

/// ControllerRevisionName: `<prefix>-<hash>` with prefix truncated to 223 bytes.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let mut p = prefix;
    if p.len() > 223 {
        let mut end = 223;
        while !p.is_char_boundary(end) {
            end -= 1;
        }
        p = &p[..end];
    }
    format!("{p}-{hash}")
}

/// The set's `spec.template` as the typed Go struct would serialize it: ObjectMeta's zero
/// creationTimestamp is emitted as `null` and `metadata`/`spec` are never omitted.
fn typed_template(set: &Value) -> Map<String, Value> {
    let mut tpl = set["spec"]["template"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let meta = tpl
        .entry("metadata")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    if let Some(meta) = meta {
        meta.entry("creationTimestamp").or_insert(Value::Null);
    }
    tpl.entry("spec").or_insert_with(|| json!({}));
    tpl
}

/// getPatch (stateful_set_utils.go): `{"spec":{"template":{"$patch":"replace",...}}}` — the
/// only versioned part of a StatefulSet is its pod template.
pub fn get_patch_value(set: &Value) -> Value {
    let mut tpl = typed_template(set);
    tpl.insert("$patch".into(), json!("replace"));
    json!({"spec": {"template": Value::Object(tpl)}})
}

/// The exact bytes of getPatch.
pub fn get_patch(set: &Value) -> String {
    go_json(&get_patch_value(set))
}

/// The controller ownerReference (metav1.NewControllerRef) to a StatefulSet.
pub fn controller_ref(set: &Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "name": set["metadata"]["name"],
        "uid": set["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// The bytes a revision's data is compared and hashed by.
pub fn revision_data_bytes(rev: &Value) -> String {
    go_json(&rev["data"])
}

/// newRevision (stateful_set_utils.go) + history.NewControllerRevision: labels are the
/// template's labels plus the hash label, annotations are copied from the set, the name is
/// `<set>-<hash(data, collisionCount)>`.
pub fn new_revision(set: &Value, revision: i64, collision_count: i32) -> Value {
    let data = get_patch_value(set);
    let bytes = go_json(&data);
    let hash = hash_revision(bytes.as_bytes(), Some(collision_count));
    let set_name = set["metadata"]["name"].as_str().unwrap_or_default();
    let mut labels = set["spec"]["template"]["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.insert(HASH_LABEL.into(), json!(hash));
    let mut meta = json!({
        "name": revision_name(set_name, &hash),
        "namespace": set["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [controller_ref(set)],
    });
    if let Some(ann) = set["metadata"]["annotations"].as_object() {
        if !ann.is_empty() {
            meta["annotations"] = Value::Object(ann.clone());
        }
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": data,
        "revision": revision,
    })
}

/// Re-name a revision for a new collision count (CreateControllerRevision's retry loop). As
/// upstream, only the name changes: the hash label keeps the value NewControllerRevision gave it.
pub fn rename_for_collision(rev: &mut Value, set_name: &str, collision_count: i32) {
    let bytes = revision_data_bytes(rev);
    let hash = hash_revision(bytes.as_bytes(), Some(collision_count));
    rev["metadata"]["name"] = json!(revision_name(set_name, &hash));
}

/// EqualRevision: when both hash labels parse as base-10 int32 (strconv.ParseInt(s, 10, 32)) and
/// differ, the revisions differ; otherwise the data bytes decide.
pub fn equal_revision(a: &Value, b: &Value) -> bool {
    let ha = a["metadata"]["labels"][HASH_LABEL].as_str();
    let hb = b["metadata"]["labels"][HASH_LABEL].as_str();
    // controller_history.go EqualRevision: if both hashes parse as uint32 and differ -> false.
    if let (Some(ha), Some(hb)) = (ha, hb) {
        if let (Ok(x), Ok(y)) = (ha.parse::<i32>(), hb.parse::<i32>()) {
            if x != y {
                return false;
            }
        }
    }
    revision_data_bytes(a) == revision_data_bytes(b)
}

/// FindEqualRevisions: indices of revisions equal to `needle`, in the given order.
pub fn find_equal_revisions(revisions: &[Value], needle: &Value) -> Vec<usize> {
    revisions
        .iter()
        .enumerate()
        .filter(|(_, r)| equal_revision(r, needle))
        .map(|(i, _)| i)
        .collect()
}

/// nextRevision: max(.revision)+1 of a SORTED list (the last one's + 1), or 1.
pub fn next_revision(sorted: &[Value]) -> i64 {
    sorted
        .last()
        .map(|r| r["revision"].as_i64().unwrap_or(0) + 1)
        .unwrap_or(1)
}

/// SortControllerRevisions: by .revision, ties by creationTimestamp, then name.
pub fn sort_revisions(revs: &mut [Value]) {
    revs.sort_by(|a, b| {
        let ra = a["revision"].as_i64().unwrap_or(0);
        let rb = b["revision"].as_i64().unwrap_or(0);
        ra.cmp(&rb)
            .then_with(|| {
                let ta = a["metadata"]["creationTimestamp"].as_str().unwrap_or("");
                let tb = b["metadata"]["creationTimestamp"].as_str().unwrap_or("");
                // RFC 3339 UTC second-precision strings order chronologically.
                ta.cmp(tb)
            })
            .then_with(|| {
                let na = a["metadata"]["name"].as_str().unwrap_or("");
                let nb = b["metadata"]["name"].as_str().unwrap_or("");
                na.cmp(nb)
            })
    });
}

/// ApplyRevision: upstream strategic-merges the stored patch onto the set. The patch is
/// `{"spec":{"template":{"$patch":"replace",...}}}` and `$patch: replace` replaces the whole
/// template map, so the result is exactly the set with `spec.template` replaced by the stored
/// template (minus the directive) — which is what this does.
pub fn apply_revision(set: &Value, rev: &Value) -> Value {
    let mut out = set.clone();
    if let Some(tpl) = rev["data"]["spec"]["template"].as_object() {
        let mut tpl = tpl.clone();
        tpl.remove("$patch");
        out["spec"]["template"] = Value::Object(tpl);
    }
    out
}

/// truncateHistory's choice: the names of non-live revisions to delete (oldest first) so that
/// at most `limit` non-live revisions remain. `sorted` must be sorted; a negative limit keeps
/// everything.
pub fn revisions_to_truncate(sorted: &[Value], live: &HashSet<String>, limit: i64) -> Vec<String> {
    let history: Vec<&Value> = sorted
        .iter()
        .filter(|r| !live.contains(r["metadata"]["name"].as_str().unwrap_or("")))
        .collect();
    if limit < 0 || history.len() as i64 <= limit {
        return Vec::new();
    }
    let n = history.len() - limit as usize;
    history[..n]
        .iter()
        .map(|r| r["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Compare for sort_by on revision numbers (helper for callers).
pub fn cmp_revision(a: &Value, b: &Value) -> Ordering {
    a["revision"]
        .as_i64()
        .unwrap_or(0)
        .cmp(&b["revision"].as_i64().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKED: &str = r#"{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1.25","imagePullPolicy":"IfNotPresent","name":"nginx","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}"#;

    fn worked_set() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "u-1",
                         "annotations": {"kubernetes.io/change-cause": "create"}},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {
                        "terminationGracePeriodSeconds": 30,
                        "securityContext": {},
                        "schedulerName": "default-scheduler",
                        "restartPolicy": "Always",
                        "dnsPolicy": "ClusterFirst",
                        "containers": [{
                            "terminationMessagePolicy": "File",
                            "terminationMessagePath": "/dev/termination-log",
                            "resources": {},
                            "name": "nginx",
                            "imagePullPolicy": "IfNotPresent",
                            "image": "nginx:1.25"
                        }]
                    }
                }
            }
        })
    }

    #[test]
    fn worked_example_of_the_docs_hashes_to_web_59b8f57() {
        assert_eq!(hash_revision_raw(WORKED.as_bytes(), Some(0)), 1_564_913);
        assert_eq!(hash_revision(WORKED.as_bytes(), Some(0)), "59b8f57");
        assert_eq!(get_patch(&worked_set()), WORKED);
        let rev = new_revision(&worked_set(), 1, 0);
        assert_eq!(rev["metadata"]["name"], "web-59b8f57");
        assert_eq!(rev["metadata"]["labels"][HASH_LABEL], "59b8f57");
        assert_eq!(rev["metadata"]["labels"]["app"], "nginx");
        assert_eq!(
            rev["metadata"]["annotations"]["kubernetes.io/change-cause"],
            "create"
        );
        assert_eq!(rev["metadata"]["ownerReferences"][0]["uid"], "u-1");
        assert_eq!(rev["metadata"]["ownerReferences"][0]["controller"], true);
        assert_eq!(rev["revision"], 1);
        assert_eq!(revision_data_bytes(&rev), WORKED);
    }

    #[test]
    fn fnv1_is_not_fnv1a() {
        // Known FNV-1 32 test vectors.
        let mut h = Fnv1_32::default();
        assert_eq!(h.sum32(), 0x811c9dc5);
        h.write(b"a");
        assert_eq!(h.sum32(), 0x050c5d7e);
        let mut h = Fnv1_32::default();
        h.write(b"foobar");
        assert_eq!(h.sum32(), 0x31f0b262);
        // The probe is appended as decimal text.
        assert_ne!(
            hash_revision_raw(WORKED.as_bytes(), Some(0)),
            hash_revision_raw(WORKED.as_bytes(), Some(1))
        );
        assert_ne!(
            hash_revision_raw(WORKED.as_bytes(), None),
            hash_revision_raw(WORKED.as_bytes(), Some(0))
        );
    }

    #[test]
    fn safe_encode_maps_digits() {
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
        assert_eq!(safe_encode_string("1564913"), "59b8f57");
    }

    #[test]
    fn names_truncate_prefix_to_223_bytes() {
        let long = "a".repeat(300);
        let n = revision_name(&long, "59b8f57");
        assert_eq!(n.len(), 223 + 1 + 7);
        assert!(n.starts_with(&"a".repeat(223)));
        assert_eq!(revision_name("web", "4"), "web-4");
    }

    #[test]
    fn go_json_escapes_like_encoding_json() {
        let v = json!({"b": "<a&b>", "a": "q\"\\\n\t\u{1}\u{8}\u{c}\u{2028}é", "c": [1, 2.5, true, null]});
        assert_eq!(
            go_json(&v),
            r#"{"a":"q\"\\\n\t\u0001\b\f\u2028é","b":"\u003ca\u0026b\u003e","c":[1,2.5,true,null]}"#
        );
        // Keys sorted bytewise, "$patch" first.
        let v = json!({"spec": 1, "metadata": 2, "$patch": "replace", "Z": 0});
        assert_eq!(
            go_json(&v),
            r#"{"$patch":"replace","Z":0,"metadata":2,"spec":1}"#
        );
    }

    #[test]
    fn go_float_formatting() {
        assert_eq!(go_format_float(30.0), "30");
        assert_eq!(go_format_float(0.5), "0.5");
        assert_eq!(go_format_float(-3.0), "-3");
        assert_eq!(go_format_float(1e21), "1e+21");
        assert_eq!(go_format_float(1.5e-7), "1.5e-7");
        assert_eq!(go_format_float(123456789.0), "123456789");
        assert_eq!(go_json(&json!(9007199254740993u64)), "9007199254740992");
    }

    #[test]
    fn missing_metadata_is_typed_and_template_is_replaced() {
        let set =
            json!({"metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": []}}}});
        assert_eq!(
            get_patch(&set),
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null},"spec":{"containers":[]}}}}"#
        );
        // A later change and ApplyRevision back to the old one restores the old template
        // entirely (labels removed by the change come back, added ones disappear).
        let rev = new_revision(&worked_set(), 1, 0);
        let mut changed = worked_set();
        changed["spec"]["template"]["metadata"]["labels"] = json!({"app": "nginx", "x": "y"});
        changed["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26");
        changed["spec"]["replicas"] = json!(5);
        let back = apply_revision(&changed, &rev);
        assert_eq!(
            back["spec"]["template"]["metadata"]["labels"],
            json!({"app": "nginx"})
        );
        assert_eq!(
            back["spec"]["template"]["spec"]["containers"][0]["image"],
            "nginx:1.25"
        );
        assert!(back["spec"]["template"].get("$patch").is_none());
        assert_eq!(back["spec"]["replicas"], 5);
        // Re-encoding the applied set gives the same revision bytes.
        assert_eq!(get_patch(&back), WORKED);
    }

    fn rev(name: &str, n: i64, ts: &str, data: Value) -> Value {
        json!({"metadata": {"name": name, "creationTimestamp": ts,
                            "labels": {HASH_LABEL: name}},
               "revision": n, "data": data})
    }

    #[test]
    fn sorting_next_and_equality() {
        let mut revs = vec![
            rev("c", 2, "2025-01-01T00:00:00Z", json!({"x": 3})),
            rev("b", 1, "2025-01-01T00:00:01Z", json!({"x": 2})),
            rev("a", 1, "2025-01-01T00:00:01Z", json!({"x": 1})),
            rev("d", 1, "2025-01-01T00:00:00Z", json!({"x": 1})),
        ];
        sort_revisions(&mut revs);
        let names: Vec<_> = revs
            .iter()
            .map(|r| r["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["d", "a", "b", "c"]);
        assert_eq!(next_revision(&revs), 3);
        assert_eq!(next_revision(&[]), 1);
        let needle = rev("zz", 9, "", json!({"x": 1}));
        // Non-numeric hash labels are not compared; data decides.
        assert_eq!(find_equal_revisions(&revs, &needle), vec![0, 1]);
        let mut a = rev("a", 1, "", json!({"x": 1}));
        let mut b = rev("b", 1, "", json!({"x": 1}));
        a["metadata"]["labels"][HASH_LABEL] = json!("123");
        b["metadata"]["labels"][HASH_LABEL] = json!("124");
        assert!(!equal_revision(&a, &b));
        b["metadata"]["labels"][HASH_LABEL] = json!("123");
        assert!(equal_revision(&a, &b));
    }

    #[test]
    fn truncation_keeps_live_plus_limit() {
        let mut revs: Vec<Value> = (1..=6)
            .map(|i| rev(&format!("r{i}"), i, "", json!({ "i": i })))
            .collect();
        sort_revisions(&mut revs);
        let live: HashSet<String> = ["r6".to_string(), "r2".to_string()].into();
        assert_eq!(revisions_to_truncate(&revs, &live, 2), vec!["r1", "r3"]);
        assert_eq!(
            revisions_to_truncate(&revs, &live, 0),
            vec!["r1", "r3", "r4", "r5"]
        );
        assert!(revisions_to_truncate(&revs, &live, 10).is_empty());
        assert!(revisions_to_truncate(&revs, &live, -1).is_empty());
    }

    #[test]
    fn collision_rename_changes_name_and_label() {
        let mut r = new_revision(&worked_set(), 1, 0);
        rename_for_collision(&mut r, "web", 1);
        let h = hash_revision(WORKED.as_bytes(), Some(1));
        assert_eq!(r["metadata"]["name"], json!(format!("web-{h}")));
        // The label keeps the first hash, as upstream's retry loop only renames.
        assert_eq!(r["metadata"]["labels"][HASH_LABEL], json!("59b8f57"));
        assert_ne!(h, "59b8f57");
    }
}
