//! Strict decoding: which fields of a request body the kind's schema does not know.
//!
//! Method: decode the body into the k8s-openapi (v1_32) type of the kind, re-encode it, and
//! report every member present (and non-null) in the input but absent after the round trip —
//! upstream's strict decoder (sigs.k8s.io/json, UnmarshalStrict) reports the same set as
//! `unknown field "spec.foo"`. Limitations (documented): duplicate keys cannot be seen in a
//! parsed `serde_json::Value`, and type-error messages approximate encoding/json's
//! `json: cannot unmarshal string into Go struct field <Struct>.<path> of type int32` (the Go
//! struct name is replaced by the kind).
//!
//! Upstream: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json/json.go (strict
//! errors), staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (decode errors as
//! `<Kind> in version "v1" cannot be handled as a <Kind>: <err>`).

use super::quantity;
use crate::resources::ResourceType;
use k8s_openapi::api;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Unknown-field paths of `obj` for `rt`, or Err(upstream-like 400 message) when the body does
/// not decode.
pub fn unknown_fields(rt: &ResourceType, obj: &Value) -> Result<Vec<String>, String> {
    let out = roundtrip_for(rt, obj).map_err(|e| decode_error_message(rt, &e))?;
    let Some(out) = out else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    let mut path = Vec::new();
    find_unknown(obj, &out, &mut path, &mut found);
    // The core prunes right after asking: remember the answer for that call (the decoded
    // form when there is something to prune).
    let keep = (!found.is_empty()).then_some(out);
    LAST.with(|l| *l.borrow_mut() = Some((rt.group, rt.kind, obj.clone(), keep)));
    Ok(found)
}

type Cached = Option<(&'static str, &'static str, Value, Option<Value>)>;

thread_local! {
    /// The last body with unknown fields and its round-tripped form.
    static LAST: std::cell::RefCell<Cached> = const { std::cell::RefCell::new(None) };
}

/// Remove the unknown fields from `obj` (a body that does not decode is left alone).
pub fn prune_unknown(rt: &ResourceType, obj: &mut Value) {
    let cached = LAST.with(|l| {
        let mut l = l.borrow_mut();
        match l.take() {
            Some((g, k, body, out)) if g == rt.group && k == rt.kind && body == *obj => Some(out),
            _ => None,
        }
    });
    let out = match cached {
        Some(Some(out)) => out,
        Some(None) => return,
        None => match roundtrip_for(rt, obj) {
            Ok(Some(out)) => out,
            _ => return,
        },
    };
    let mut found = Vec::new();
    walk(obj, &out, "", &mut found, true);
}

/// Read-only variant of `walk` that formats a path only for what it reports.
fn find_unknown<'a>(
    input: &'a Value,
    output: &Value,
    path: &mut Vec<PathPart<'a>>,
    found: &mut Vec<String>,
) {
    match (input, output) {
        (Value::Object(im), Value::Object(om)) => {
            for (k, v) in im {
                if v.is_null() {
                    continue;
                }
                path.push(PathPart::Key(k));
                match om.get(k) {
                    None => found.push(render(path)),
                    Some(o) => find_unknown(v, o, path, found),
                }
                path.pop();
            }
        }
        (Value::Array(ia), Value::Array(oa)) => {
            for (i, (x, o)) in ia.iter().zip(oa).enumerate() {
                if x.is_object() || x.is_array() {
                    path.push(PathPart::Index(i));
                    find_unknown(x, o, path, found);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

enum PathPart<'a> {
    Key(&'a str),
    Index(usize),
}

fn render(path: &[PathPart]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            PathPart::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathPart::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The 400 message for a body that cannot be decoded.
pub fn decode_error_message(rt: &ResourceType, err: &str) -> String {
    format!(
        "{} in version {:?} cannot be handled as a {}: {}",
        rt.kind, rt.version, rt.kind, err
    )
}

fn roundtrip_for(rt: &ResourceType, obj: &Value) -> Result<Option<Value>, String> {
    // Quantity.UnmarshalJSON (staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go)
    // takes a JSON number as well as a string (`cpu: 0.42`, `memory: 1e9`); k8s-openapi's
    // Quantity is a string, so the numbers are decoded from their canonical strings (the form
    // the object is stored and answered in, see defaults::quantities_to_strings).
    let numbers = check_quantities(obj, "")?;
    let with_strings;
    let obj = if numbers {
        with_strings = {
            let mut o = obj.clone();
            quantity_numbers_to_strings(&mut o, "");
            o
        };
        &with_strings
    } else {
        obj
    };
    let r = match (rt.group, rt.kind) {
        ("", "Namespace") => roundtrip::<api::core::v1::Namespace>(rt, obj),
        ("", "Node") => roundtrip::<api::core::v1::Node>(rt, obj),
        ("", "Pod") => roundtrip::<api::core::v1::Pod>(rt, obj),
        ("", "Service") => roundtrip::<api::core::v1::Service>(rt, obj),
        ("", "PersistentVolumeClaim") => roundtrip::<api::core::v1::PersistentVolumeClaim>(rt, obj),
        ("", "ConfigMap") => roundtrip::<api::core::v1::ConfigMap>(rt, obj),
        ("", "Secret") => roundtrip::<api::core::v1::Secret>(rt, obj),
        ("", "ServiceAccount") => roundtrip::<api::core::v1::ServiceAccount>(rt, obj),
        ("", "Event") => roundtrip::<api::core::v1::Event>(rt, obj),
        ("", "LimitRange") => roundtrip::<api::core::v1::LimitRange>(rt, obj),
        ("apps", "StatefulSet") => roundtrip::<api::apps::v1::StatefulSet>(rt, obj),
        ("apps", "ControllerRevision") => roundtrip::<api::apps::v1::ControllerRevision>(rt, obj),
        ("events.k8s.io", "Event") => roundtrip::<api::events::v1::Event>(rt, obj),
        ("storage.k8s.io", "StorageClass") => roundtrip::<api::storage::v1::StorageClass>(rt, obj),
        ("policy", "PodDisruptionBudget") => {
            roundtrip::<api::policy::v1::PodDisruptionBudget>(rt, obj)
        }
        ("autoscaling", "Scale") => roundtrip::<api::autoscaling::v1::Scale>(rt, obj),
        ("rbac.authorization.k8s.io", "Role") => roundtrip::<api::rbac::v1::Role>(rt, obj),
        ("rbac.authorization.k8s.io", "RoleBinding") => {
            roundtrip::<api::rbac::v1::RoleBinding>(rt, obj)
        }
        ("rbac.authorization.k8s.io", "ClusterRole") => {
            roundtrip::<api::rbac::v1::ClusterRole>(rt, obj)
        }
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            roundtrip::<api::rbac::v1::ClusterRoleBinding>(rt, obj)
        }
        _ => return Ok(None),
    };
    r.map(Some)
}

/// Placeholders tried, in order, for a required member the body omits (Go would decode the
/// zero value; serde insists on presence).
const PLACEHOLDERS: &[fn() -> Value] = &[
    || json!({}),
    || json!([]),
    || json!(""),
    || json!(0),
    || json!(false),
    || json!("1970-01-01T00:00:00.000000Z"),
];

fn roundtrip<T: DeserializeOwned + Serialize>(
    rt: &ResourceType,
    obj: &Value,
) -> Result<Value, String> {
    // Fast path: a well-formed body decodes straight from the borrowed value.
    if obj.get("apiVersion").and_then(Value::as_str) == Some(rt.api_version().as_str())
        && obj.get("kind").and_then(Value::as_str) == Some(rt.kind)
    {
        if let Ok(t) = T::deserialize(obj) {
            return serde_json::to_value(&t).map_err(|e| e.to_string());
        }
    }
    // Slow path: nulls dropped, apiVersion/kind fixed, required members filled in, and the
    // path of a real type error found.
    let mut scratch = obj.clone();
    strip_nulls(&mut scratch);
    if let Some(m) = scratch.as_object_mut() {
        m.insert("apiVersion".into(), json!(rt.api_version()));
        m.insert("kind".into(), json!(rt.kind));
    }
    // (path of the inserted member, index of the placeholder tried)
    let mut inserted: Option<(Vec<PathSeg>, usize)> = None;
    for _ in 0..200 {
        match serde_path_to_error::deserialize::<_, T>(scratch.clone()) {
            Ok(t) => return serde_json::to_value(&t).map_err(|e| e.to_string()),
            Err(e) => {
                let segs = segments(e.path());
                let msg = e.inner().to_string();
                if let Some(field) = msg
                    .strip_prefix("missing field `")
                    .and_then(|r| r.strip_suffix('`'))
                {
                    let mut p = segs.clone();
                    p.push(PathSeg::Key(field.to_string()));
                    set_at(&mut scratch, &p, PLACEHOLDERS[0]());
                    inserted = Some((p, 0));
                    continue;
                }
                // A placeholder we inserted has the wrong type: try the next one.
                if let Some((p, i)) = &inserted {
                    if *p == segs && i + 1 < PLACEHOLDERS.len() {
                        let next = i + 1;
                        set_at(&mut scratch, p, PLACEHOLDERS[next]());
                        inserted = Some((p.clone(), next));
                        continue;
                    }
                }
                return Err(type_error(&e.path().to_string(), &msg, rt));
            }
        }
    }
    Err("json: too many missing fields".into())
}

#[derive(Debug, Clone, PartialEq)]
enum PathSeg {
    Key(String),
    Index(usize),
}

fn segments(p: &serde_path_to_error::Path) -> Vec<PathSeg> {
    p.iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(PathSeg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(PathSeg::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => Some(PathSeg::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

fn set_at(v: &mut Value, path: &[PathSeg], val: Value) {
    let mut cur = v;
    for (i, seg) in path.iter().enumerate() {
        let last = i == path.len() - 1;
        match seg {
            PathSeg::Key(k) => {
                let Some(m) = cur.as_object_mut() else { return };
                if last {
                    m.insert(k.clone(), val);
                    return;
                }
                cur = m.entry(k.clone()).or_insert(json!({}));
            }
            PathSeg::Index(n) => {
                let Some(a) = cur.as_array_mut() else { return };
                let Some(e) = a.get_mut(*n) else { return };
                if last {
                    *e = val;
                    return;
                }
                cur = e;
            }
        }
    }
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for x in m.values_mut() {
                strip_nulls(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// encoding/json-style type error (approximate: the Go struct name is the kind).
fn type_error(path: &str, msg: &str, rt: &ResourceType) -> String {
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let got = rest.split([',', ' ']).next().unwrap_or_default();
        let go_got = match got {
            "string" => "string",
            "integer" | "floating" => "number",
            "boolean" => "bool",
            "map" => "object",
            "sequence" => "array",
            "null" => "null",
            other => other,
        };
        let expected = rest.split("expected ").nth(1).unwrap_or_default();
        let go_ty = match expected {
            "i32" => "int32",
            "i64" => "int64",
            "f64" => "float64",
            "a boolean" => "bool",
            "a string" => "string",
            "a sequence" => "[]interface {}",
            e if e.starts_with("a map") || e.starts_with("struct") => "map[string]interface {}",
            e => e,
        };
        return format!(
            "json: cannot unmarshal {go_got} into Go struct field {}.{path} of type {go_ty}",
            rt.kind
        );
    }
    format!("json: error decoding {path}: {msg}")
}

/// Whether member `k` of an object found under key `parent` is a map of quantities
/// (ResourceList) — LimitRange items are array elements, their maps sit under key "".
fn is_quantity_list(parent: &str, k: &str) -> bool {
    matches!(
        (parent, k),
        ("resources", "limits" | "requests")
            | (
                "",
                "max" | "min" | "default" | "defaultRequest" | "maxLimitRequestRatio"
            )
            | ("status", "capacity" | "allocatable" | "allocatedResources")
            | ("spec", "overhead")
    )
}

fn is_single_quantity(parent: &str, k: &str) -> bool {
    parent == "emptyDir" && k == "sizeLimit"
}

fn child_key(parent: &str) -> &'static str {
    if parent == "limits" {
        ""
    } else {
        "[]"
    }
}

/// Quantities that do not parse are decode errors upstream (Quantity.UnmarshalJSON).
/// Ok(true) when some quantity is a JSON number.
fn check_quantities(v: &Value, key: &str) -> Result<bool, String> {
    let check = |q: &Value| -> Result<bool, String> {
        if q.is_string() || q.is_number() {
            quantity::parse_value(q).map_err(|_| quantity::QUANTITY_FORMAT_ERR.to_string())?;
        }
        Ok(q.is_number())
    };
    let mut numbers = false;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if is_quantity_list(key, k) {
                    if let Some(list) = x.as_object() {
                        for q in list.values() {
                            numbers |= check(q)?;
                        }
                    }
                }
                if is_single_quantity(key, k) {
                    numbers |= check(x)?;
                }
                numbers |= check_quantities(x, k)?;
            }
        }
        Value::Array(a) => {
            for x in a {
                numbers |= check_quantities(x, child_key(key))?;
            }
        }
        _ => {}
    }
    Ok(numbers)
}

/// The numeric quantities of `v` as their canonical strings (they all parse: checked first).
fn quantity_numbers_to_strings(v: &mut Value, key: &str) {
    let fix = |q: &mut Value| {
        if q.is_number() {
            if let Some(c) = quantity::canonical_value(q, false) {
                *q = Value::String(c);
            }
        }
    };
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if is_quantity_list(key, k) {
                    if let Some(list) = x.as_object_mut() {
                        list.values_mut().for_each(fix);
                    }
                }
                if is_single_quantity(key, k) {
                    fix(x);
                }
                quantity_numbers_to_strings(x, k);
            }
        }
        Value::Array(a) => {
            let ck = child_key(key).to_string();
            for x in a {
                quantity_numbers_to_strings(x, &ck);
            }
        }
        _ => {}
    }
}

fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

fn walk(input: &mut Value, output: &Value, path: &str, found: &mut Vec<String>, prune: bool) {
    match (input, output) {
        (Value::Object(im), Value::Object(om)) => {
            let mut drop = Vec::new();
            for (k, v) in im.iter_mut() {
                if v.is_null() {
                    continue;
                }
                match om.get(k) {
                    None => {
                        found.push(join(path, k));
                        drop.push(k.clone());
                    }
                    Some(o) => walk(v, o, &join(path, k), found, prune),
                }
            }
            if prune {
                for k in drop {
                    im.remove(&k);
                }
            }
        }
        (Value::Array(ia), Value::Array(oa)) => {
            for (i, (x, o)) in ia.iter_mut().zip(oa).enumerate() {
                walk(x, o, &format!("{path}[{i}]"), found, prune);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::*;

    #[test]
    fn reports_unknown_fields_with_paths() {
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "labels": {"any": "thing"}, "creationTimestamp": null},
            "spec": {
                "foo": 1,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx", "bogus": true,
                        "ports": [{"containerPort": 80, "extra": "x"}]}]}}
            },
            "status": {"replicas": 0, "weird": {}}
        });
        let u = unknown_fields(&STATEFULSETS, &sts).unwrap();
        assert_eq!(
            u,
            vec![
                "spec.foo",
                "spec.template.spec.containers[0].bogus",
                "spec.template.spec.containers[0].ports[0].extra",
                "status.weird"
            ]
        );
        let mut pruned = sts.clone();
        prune_unknown(&STATEFULSETS, &mut pruned);
        assert!(pruned["spec"].get("foo").is_none());
        assert!(pruned["spec"]["template"]["spec"]["containers"][0]
            .get("bogus")
            .is_none());
        assert_eq!(pruned["metadata"]["labels"]["any"], "thing");
        assert_eq!(unknown_fields(&STATEFULSETS, &pruned).unwrap().len(), 0);
    }

    #[test]
    fn prune_cache_only_serves_the_same_body() {
        let a = json!({"metadata": {"name": "a"}, "data": {"k": "v"}, "junk": 1});
        let mut b = json!({"metadata": {"name": "b"}, "data": {"k": "v"}, "other": 2});
        assert_eq!(unknown_fields(&CONFIGMAPS, &a).unwrap(), vec!["junk"]);
        prune_unknown(&CONFIGMAPS, &mut b);
        assert_eq!(b, json!({"metadata": {"name": "b"}, "data": {"k": "v"}}));
        let mut a2 = a.clone();
        assert_eq!(unknown_fields(&CONFIGMAPS, &a2).unwrap(), vec!["junk"]);
        prune_unknown(&CONFIGMAPS, &mut a2);
        assert_eq!(a2, json!({"metadata": {"name": "a"}, "data": {"k": "v"}}));
        // same body, other kind: no reuse
        let mut c = json!({"metadata": {"name": "a"}, "data": {"k": "dg=="}, "junk": 1});
        assert_eq!(unknown_fields(&SECRETS, &c).unwrap(), vec!["junk"]);
        prune_unknown(&CONFIGMAPS, &mut c);
        assert!(c.get("junk").is_none());
    }

    #[test]
    fn missing_required_members_are_not_errors() {
        // Container without name, port without containerPort, sts without selector: Go decodes
        // zero values (validation reports them later).
        let sts = json!({"metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": [{"ports": [{}], "zzz": 1}]}}}});
        assert_eq!(
            unknown_fields(&STATEFULSETS, &sts).unwrap(),
            vec!["spec.template.spec.containers[0].zzz"]
        );
        let ev = json!({"metadata": {"name": "e"}, "note": "n", "bad": 1});
        assert_eq!(unknown_fields(&EVENTS_V1, &ev).unwrap(), vec!["bad"]);
    }

    #[test]
    fn type_errors_and_bad_quantities_fail_decoding() {
        let sts = json!({"metadata": {"name": "x"}, "spec": {"replicas": "3"}});
        let e = unknown_fields(&STATEFULSETS, &sts).unwrap_err();
        assert_eq!(e, "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSet.spec.replicas of type int32");
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "lots"}}}]}});
        let e = unknown_fields(&PODS, &pod).unwrap_err();
        assert!(e.ends_with("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"), "{e}");
        // numeric quantities are fine, integers and decimals alike (Quantity.UnmarshalJSON)
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": 1}}}]}});
        assert!(unknown_fields(&PODS, &pod).unwrap().is_empty());
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i", "junk": 1,
            "resources": {"requests": {"cpu": 0.42, "memory": 1e9}}}],
            "volumes": [{"name": "v", "emptyDir": {"sizeLimit": 1.5}}], "overhead": {"cpu": 0.1}}});
        assert_eq!(
            unknown_fields(&PODS, &pod).unwrap(),
            vec!["spec.containers[0].junk"]
        );
        let pvc = json!({"metadata": {"name": "p"}, "spec": {"resources": {"requests": {"storage": 1e9}}}});
        assert!(unknown_fields(&PVCS, &pvc).unwrap().is_empty());
    }

    #[test]
    fn every_kind_round_trips_known_fields() {
        let cases: Vec<(&ResourceType, Value)> = vec![
            (
                &NAMESPACES,
                json!({"metadata": {"name": "n"}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
            ),
            (
                &NODES,
                json!({"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "4"}}}),
            ),
            (
                &SERVICES,
                json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "targetPort": "http"}], "clusterIP": "None"}}),
            ),
            (
                &PVCS,
                json!({"metadata": {"name": "p"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
            ),
            (
                &CONFIGMAPS,
                json!({"metadata": {"name": "c"}, "data": {"a": "b"}}),
            ),
            (
                &SECRETS,
                json!({"metadata": {"name": "s"}, "data": {"a": "Yg=="}, "type": "Opaque"}),
            ),
            (
                &EVENTS,
                json!({"metadata": {"name": "e"}, "involvedObject": {"kind": "Pod"}, "reason": "X", "firstTimestamp": "2024-01-01T00:00:00Z"}),
            ),
            (
                &LIMITRANGES,
                json!({"metadata": {"name": "l"}, "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}}]}}),
            ),
            (
                &CONTROLLERREVISIONS,
                json!({"metadata": {"name": "r"}, "data": {"spec": {"template": {"$patch": "replace"}}}, "revision": 1}),
            ),
            (
                &STORAGECLASSES,
                json!({"metadata": {"name": "s"}, "provisioner": "p", "allowVolumeExpansion": true}),
            ),
        ];
        for (rt, obj) in cases {
            assert_eq!(
                unknown_fields(rt, &obj).unwrap(),
                Vec::<String>::new(),
                "{}",
                rt.kind
            );
        }
        let bad_lr = json!({"metadata": {"name": "l"}, "spec": {"limits": [{"type": "Container", "max": {"cpu": "x1"}}]}});
        assert!(unknown_fields(&LIMITRANGES, &bad_lr).is_err());
    }
}
