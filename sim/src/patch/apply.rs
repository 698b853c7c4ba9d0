//! A simplified server-side apply (SSA) with managedFields bookkeeping.
//!
//! Upstream: staging/src/k8s.io/apimachinery/pkg/util/managedfields (FieldManager,
//! internal/conflict.go for the conflict error, internal/stripmeta.go for the ignored fields,
//! internal/managedfields.go BuildManagerIdentifier) and sigs.k8s.io/structured-merge-diff
//! (merge.Updater.Apply, fieldpath path syntax).
//!
//! What is modelled:
//! - field sets (`fieldsV1`) computed from the applied configuration: maps are recursed
//!   (`f:<name>`), lists with a strategic merge key are treated as `listType=map` keyed by that
//!   key (`k:{"name":"x"}` with a `.` entry for the item), merged primitive lists
//!   (finalizers) as `listType=set` (`v:"x"`), every other list is atomic (a leaf);
//! - conflicts: a leaf of the applied set owned by ANOTHER manager (Apply or Update) whose
//!   live value differs from the applied value -> 409 with FieldManagerConflict causes and
//!   upstream's message; `force` transfers ownership instead;
//! - merging the applied configuration into the live object (maps merged, keyed lists merged
//!   by key, set lists unioned, atomic lists and scalars replaced);
//! - removal of fields the same manager applied before but no longer applies, when no other
//!   manager owns them;
//! - the manager's `Apply` managedFields entry (and `record_update` for the `Update` entries
//!   that plain writes create).
//!
//! Simplified: no OpenAPI schema (types come from the strategic-merge struct tags, so
//! `listType=map` keys are the patch merge keys, e.g. ports by containerPort only, not
//! containerPort+protocol); no per-version conversion of field sets; status and other
//! subresource resets are left to the registry; explicit `null` in an applied configuration
//! removes the field; atomic lists are compared as a whole.

use super::schema::{lookup, root_type};
use crate::errors::ApiError;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

type Obj = Map<String, Value>;

/// One element of a field path (sigs.k8s.io/structured-merge-diff fieldpath.PathElement).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathElem {
    Field(String),
    /// A keyed list item: the key fields as compact JSON (`{"name":"x"}`).
    Key(String),
    /// A set list value as JSON (`"x"`).
    Val(String),
    /// The item itself (`.` in fieldsV1).
    Itself,
}

pub type FieldPath = Vec<PathElem>;
pub type FieldSet = BTreeSet<FieldPath>;

/// fieldpath.Path.String(): `.spec.replicas`, `.spec.containers[name="nginx"].image`.
pub fn path_string(p: &FieldPath) -> String {
    let mut s = String::new();
    for e in p {
        match e {
            PathElem::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            PathElem::Key(k) => {
                let m: Obj = serde_json::from_str(k).unwrap_or_default();
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!("[{}]", parts.join(",")));
            }
            PathElem::Val(v) => s.push_str(&format!("[={v}]")),
            PathElem::Itself => {}
        }
    }
    s
}

/// Top-level fields never tracked (internal/stripmeta.go).
fn stripped(path: &[&str]) -> bool {
    matches!(
        path,
        ["apiVersion"]
            | ["kind"]
            | ["metadata", "name"]
            | ["metadata", "namespace"]
            | ["metadata", "creationTimestamp"]
            | ["metadata", "selfLink"]
            | ["metadata", "uid"]
            | ["metadata", "generation"]
            | ["metadata", "managedFields"]
            | ["metadata", "resourceVersion"]
    )
}

/// The field set of a configuration (leaves, item markers).
pub fn field_set(obj: &Value, kind: &str) -> FieldSet {
    let mut out = FieldSet::new();
    if let Some(o) = obj.as_object() {
        walk_map(o, root_type(kind), &mut vec![], &mut vec![], &mut out);
    }
    out
}

fn walk_map(o: &Obj, ty: &str, path: &mut FieldPath, names: &mut Vec<String>, out: &mut FieldSet) {
    for (k, v) in o {
        names.push(k.clone());
        let nm: Vec<&str> = names.iter().map(String::as_str).collect();
        if stripped(&nm) {
            names.pop();
            continue;
        }
        path.push(PathElem::Field(k.clone()));
        walk_value(v, &lookup(ty, k), path, names, out);
        path.pop();
        names.pop();
    }
}

fn walk_value(
    v: &Value,
    meta: &super::schema::FieldMeta,
    path: &mut FieldPath,
    names: &mut Vec<String>,
    out: &mut FieldSet,
) {
    match v {
        Value::Object(m) if !m.is_empty() && !meta.replace => {
            walk_map(m, meta.ty, path, names, out)
        }
        Value::Array(items) if meta.merge && !items.is_empty() => match meta.key {
            Some(key) if items.iter().all(|i| i.get(key).is_some()) => {
                for it in items {
                    let mut km = Obj::new();
                    km.insert(key.to_string(), it[key].clone());
                    path.push(PathElem::Key(Value::Object(km).to_string()));
                    let mut marker = path.clone();
                    marker.push(PathElem::Itself);
                    out.insert(marker);
                    if let Some(io) = it.as_object() {
                        names.push("[]".into());
                        walk_map(io, meta.ty, path, names, out);
                        names.pop();
                    }
                    path.pop();
                }
            }
            None if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                for it in items {
                    let mut p = path.clone();
                    p.push(PathElem::Val(it.to_string()));
                    out.insert(p);
                }
            }
            _ => {
                out.insert(path.clone());
            }
        },
        _ => {
            out.insert(path.clone());
        }
    }
}

/// fieldsV1 JSON of a field set.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Obj::new();
    for p in set {
        let mut cur = &mut root;
        for e in p {
            let k = match e {
                PathElem::Field(f) => format!("f:{f}"),
                PathElem::Key(k) => format!("k:{k}"),
                PathElem::Val(v) => format!("v:{v}"),
                PathElem::Itself => ".".to_string(),
            };
            cur = cur
                .entry(k)
                .or_insert_with(|| Value::Object(Obj::new()))
                .as_object_mut()
                .expect("fieldsV1 nodes are objects");
        }
    }
    Value::Object(root)
}

/// Parse fieldsV1 back into a field set (leaves are the empty objects).
pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn rec(o: &Obj, path: &mut FieldPath, out: &mut FieldSet) {
        for (k, v) in o {
            let e = if k == "." {
                PathElem::Itself
            } else if let Some(f) = k.strip_prefix("f:") {
                PathElem::Field(f.to_string())
            } else if let Some(f) = k.strip_prefix("k:") {
                PathElem::Key(f.to_string())
            } else if let Some(f) = k.strip_prefix("v:") {
                PathElem::Val(f.to_string())
            } else {
                continue;
            };
            path.push(e);
            match v.as_object() {
                Some(c) if !c.is_empty() => rec(c, path, out),
                _ => {
                    out.insert(path.clone());
                }
            }
            path.pop();
        }
    }
    let mut out = FieldSet::new();
    if let Some(o) = v.as_object() {
        rec(o, &mut vec![], &mut out);
    }
    out
}

/// The value at a field path (None when absent).
fn value_at<'a>(obj: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut cur = obj;
    for e in path {
        match e {
            PathElem::Field(f) => cur = cur.get(f)?,
            PathElem::Key(k) => {
                let km: Obj = serde_json::from_str(k).ok()?;
                cur = cur
                    .as_array()?
                    .iter()
                    .find(|it| km.iter().all(|(kk, kv)| it.get(kk) == Some(kv)))?;
            }
            PathElem::Val(v) => {
                let want: Value = serde_json::from_str(v).ok()?;
                cur = cur.as_array()?.iter().find(|it| **it == want)?;
            }
            PathElem::Itself => {}
        }
    }
    Some(cur)
}

/// Remove the field (or list item / set value) at `path` from `obj`.
fn remove_at(obj: &mut Value, path: &FieldPath) {
    let path: Vec<&PathElem> = path.iter().filter(|e| **e != PathElem::Itself).collect();
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for e in parents {
        let next = match e {
            PathElem::Field(f) => cur.get_mut(f.as_str()),
            PathElem::Key(k) => {
                let Ok(km) = serde_json::from_str::<Obj>(k) else {
                    return;
                };
                cur.as_array_mut().and_then(|a| {
                    a.iter_mut()
                        .find(|it| km.iter().all(|(kk, kv)| it.get(kk) == Some(kv)))
                })
            }
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last {
        PathElem::Field(f) => {
            if let Some(o) = cur.as_object_mut() {
                o.remove(f.as_str());
            }
        }
        PathElem::Key(k) => {
            if let (Ok(km), Some(a)) = (serde_json::from_str::<Obj>(k), cur.as_array_mut()) {
                a.retain(|it| !km.iter().all(|(kk, kv)| it.get(kk) == Some(kv)));
            }
        }
        PathElem::Val(v) => {
            if let (Ok(want), Some(a)) = (serde_json::from_str::<Value>(v), cur.as_array_mut()) {
                a.retain(|it| *it != want);
            }
        }
        PathElem::Itself => {}
    }
}

/// Merge an applied configuration into the live object.
fn merge_apply(live: &mut Obj, applied: &Obj, ty: &str) {
    for (k, av) in applied {
        if av.is_null() {
            live.remove(k);
            continue;
        }
        let meta = lookup(ty, k);
        match (live.get_mut(k), av) {
            (Some(Value::Object(lo)), Value::Object(ao)) if !meta.replace => {
                merge_apply(lo, ao, meta.ty)
            }
            (Some(Value::Array(la)), Value::Array(aa)) if meta.merge => match meta.key {
                Some(key) => {
                    for it in aa {
                        let Some(kv) = it.get(key) else {
                            la.push(it.clone());
                            continue;
                        };
                        match la.iter_mut().find(|l| l.get(key) == Some(kv)) {
                            Some(Value::Object(lo)) => {
                                if let Some(io) = it.as_object() {
                                    merge_apply(lo, io, meta.ty)
                                }
                            }
                            _ => la.push(it.clone()),
                        }
                    }
                }
                None => {
                    for it in aa {
                        if !la.contains(it) {
                            la.push(it.clone());
                        }
                    }
                }
            },
            _ => {
                live.insert(k.clone(), av.clone());
            }
        }
    }
}

fn manager_identifier(entry: &Value) -> (String, String) {
    let m = entry.get("manager").and_then(Value::as_str).unwrap_or("");
    let op = entry.get("operation").and_then(Value::as_str).unwrap_or("");
    let sub = entry
        .get("subresource")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut s = format!("{m:?}");
    if !sub.is_empty() {
        s = format!("{s} with subresource {sub:?}");
    }
    if op == "Update" {
        let av = entry
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        s = format!("{s} using {av}");
    }
    (m.to_string(), s)
}

/// internal/conflict.go NewConflictError.
fn conflict_error(conflicts: &[(String, FieldPath)]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, p)| {
            json!({"reason": "FieldManagerConflict", "message": format!("conflict with {m}"), "field": path_string(p)})
        })
        .collect();
    let message = if conflicts.len() == 1 {
        format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            conflicts[0].0,
            path_string(&conflicts[0].1)
        )
    } else {
        let mut managers: Vec<&String> = conflicts.iter().map(|(m, _)| m).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for m in managers {
            lines.push(format!("conflicts with {m}:"));
            for (cm, p) in conflicts {
                if cm == m {
                    lines.push(format!("- {}", path_string(p)));
                }
            }
        }
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    let mut e = ApiError::new(409, "Conflict", message);
    e.details = Some(json!({"causes": causes}));
    e
}

fn managed_entries(obj: &Value) -> Vec<Value> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn set_managed_entries(obj: &mut Value, entries: Vec<Value>) {
    if let Some(meta) = obj
        .as_object_mut()
        .map(|o| o.entry("metadata").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
    {
        if entries.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(entries));
        }
    }
}

fn entry(manager: &str, op: &str, api_version: &str, time: &str, set: &FieldSet) -> Value {
    json!({
        "manager": manager,
        "operation": op,
        "apiVersion": api_version,
        "time": time,
        "fieldsType": "FieldsV1",
        "fieldsV1": to_fields_v1(set),
    })
}

fn now() -> String {
    crate::clock::format_time(chrono::Utc::now())
}

/// Decode an apply-patch body (`application/apply-patch+yaml`; JSON is accepted as YAML),
/// as applyPatcher does: a decoding failure is a 400 `error decoding YAML: ...`.
pub fn parse_apply_body(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    let parsed: Result<Value, String> = match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(_) => crate::yaml::from_str(text).map_err(|e| e.to_string()),
    };
    let v = parsed.map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "error decoding YAML: the apply configuration must be an object",
        ));
    }
    Ok(v)
}

/// Server-side apply of `applied` (the decoded apply-patch body) for `manager`.
/// Returns the new object (with managedFields updated); `live` None creates.
pub fn server_side_apply(
    live: Option<&Value>,
    applied: &Value,
    kind: &str,
    manager: &str,
    force: bool,
) -> Result<Value, ApiError> {
    server_side_apply_at(live, applied, kind, manager, force, &now())
}

/// `server_side_apply` with the managedFields timestamp given.
pub fn server_side_apply_at(
    live: Option<&Value>,
    applied: &Value,
    kind: &str,
    manager: &str,
    force: bool,
    time: &str,
) -> Result<Value, ApiError> {
    let Some(applied_obj) = applied.as_object() else {
        return Err(ApiError::bad_request(
            "error decoding YAML: the applied configuration must be an object",
        ));
    };
    if manager.is_empty() {
        return Err(ApiError::bad_request(
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        ));
    }
    let mut applied_obj = applied_obj.clone();
    if let Some(m) = applied_obj
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        m.remove("managedFields");
    }
    let applied_v = Value::Object(applied_obj.clone());
    let new_set = field_set(&applied_v, kind);
    let live_v = live.cloned().unwrap_or_else(|| json!({}));
    let api_version = applied_obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .or_else(|| live_v.get("apiVersion").and_then(Value::as_str))
        .unwrap_or("")
        .to_string();

    let mut entries = managed_entries(&live_v);
    let is_mine = |e: &Value| {
        e["manager"] == manager && e["operation"] == "Apply" && e.get("subresource").is_none()
    };

    // conflicts with other managers
    let mut conflicts: Vec<(String, FieldPath)> = Vec::new();
    let mut forced: Vec<(usize, FieldPath)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if is_mine(e) {
            continue;
        }
        let owned = from_fields_v1(&e["fieldsV1"]);
        let (_, ident) = manager_identifier(e);
        for p in new_set.intersection(&owned) {
            if p.last() == Some(&PathElem::Itself) {
                continue;
            }
            if value_at(&live_v, p) != value_at(&applied_v, p) {
                if force {
                    forced.push((i, p.clone()));
                } else {
                    conflicts.push((ident.clone(), p.clone()));
                }
            }
        }
    }
    if !conflicts.is_empty() {
        // lastappliedmanager.go: `kubectl apply --server-side` may take over, without
        // force, the fields a client-side apply left in the last-applied annotation (those
        // still holding the value it applied); any other conflict stands.
        let allowed = allowed_by_last_applied(manager, &live_v, kind);
        conflicts.retain(|(_, p)| !allowed.contains(p));
        if !conflicts.is_empty() {
            return Err(conflict_error(&conflicts));
        }
        return server_side_apply_at(live, applied, kind, manager, true, time);
    }
    for (i, p) in forced {
        let mut owned = from_fields_v1(&entries[i]["fieldsV1"]);
        owned.remove(&p);
        entries[i]["fieldsV1"] = to_fields_v1(&owned);
    }

    // merge, then drop what this manager applied before and no longer applies
    let mut result = live_v.clone();
    if let Some(r) = result.as_object_mut() {
        let mut a = applied_obj.clone();
        if let Some(m) = a.get_mut("metadata").and_then(Value::as_object_mut) {
            if live.is_some() {
                for f in ["uid", "resourceVersion", "creationTimestamp", "generation"] {
                    m.remove(f);
                }
            }
        }
        merge_apply(r, &a, root_type(kind));
    }
    let prev: FieldSet = entries
        .iter()
        .find(|e| is_mine(e))
        .map(|e| from_fields_v1(&e["fieldsV1"]))
        .unwrap_or_default();
    let others: FieldSet = entries
        .iter()
        .filter(|e| !is_mine(e))
        .flat_map(|e| from_fields_v1(&e["fieldsV1"]))
        .collect();
    let stale: Vec<&FieldPath> = prev
        .difference(&new_set)
        .filter(|p| !others.contains(*p))
        .collect();
    // whole items first (an item marker removes the item unless fields of it stay owned),
    // then the remaining leaves outside removed items
    let mut removed_items: Vec<&[PathElem]> = Vec::new();
    for p in stale.iter().filter(|p| p.last() == Some(&PathElem::Itself)) {
        let item = &p[..p.len() - 1];
        let kept = others
            .iter()
            .chain(new_set.iter())
            .any(|o| o.starts_with(item));
        if !kept {
            remove_at(&mut result, &item.to_vec());
            removed_items.push(item);
        }
    }
    for p in stale.iter().filter(|p| p.last() != Some(&PathElem::Itself)) {
        if removed_items.iter().any(|i| p.starts_with(i)) {
            continue;
        }
        remove_at(&mut result, p);
    }

    entries.retain(|e| !is_mine(e));
    entries.retain(|e| !from_fields_v1(&e["fieldsV1"]).is_empty());
    entries.push(entry(manager, "Apply", &api_version, time, &new_set));
    set_managed_entries(&mut result, entries);
    update_last_applied(manager, live, &applied_obj, &mut result);
    Ok(result)
}

/// managedFields in the order upstream encodes them (managedfields internal/managedfields.go
/// sortEncodedManagedFields): by operation (Apply before Update), then time, manager,
/// apiVersion and subresource.
pub fn sort_managed_fields(obj: &mut Value) {
    let Some(entries) = obj
        .pointer_mut("/metadata/managedFields")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    let key = |e: &Value| {
        let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        (
            s("operation"),
            s("time"),
            s("manager"),
            s("apiVersion"),
            s("subresource"),
        )
    };
    entries.sort_by_key(key);
}

/// The annotation `kubectl apply` (client-side) keeps its configuration in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn last_applied_of(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// lastappliedmanager.go allowedConflictsFromLastApplied: for the manager `kubectl` only, the
/// field set of the live object's last-applied configuration (same apiVersion as the live
/// object), less the fields whose live value differs from it or that are gone from the live
/// object (`Compare`'s Modified, Added, Removed). Empty when there is no usable annotation.
fn allowed_by_last_applied(manager: &str, live: &Value, kind: &str) -> FieldSet {
    if manager != "kubectl" {
        return FieldSet::new();
    }
    let Some(text) = last_applied_of(live) else {
        return FieldSet::new();
    };
    let Ok(last) = serde_json::from_str::<Value>(text) else {
        return FieldSet::new();
    };
    if !last.is_object() || last.get("apiVersion") != live.get("apiVersion") {
        return FieldSet::new();
    }
    field_set(&last, kind)
        .into_iter()
        .filter(|p| match p.split_last() {
            // A list item: still there.
            Some((PathElem::Itself, item)) => value_at(live, &item.to_vec()).is_some(),
            _ => value_at(live, p).is_some() && value_at(live, p) == value_at(&last, p),
        })
        .collect()
}

/// lastappliedupdater.go: an apply by `kubectl` on an object that carries the last-applied
/// annotation rewrites it to the applied configuration (without the annotation itself), as
/// UnstructuredJSONScheme encodes it: Go's json.Encoder, sorted map keys, final newline.
fn update_last_applied(manager: &str, live: Option<&Value>, applied: &Obj, result: &mut Value) {
    if manager != "kubectl" || live.and_then(last_applied_of).is_none() {
        return;
    }
    let mut config = applied.clone();
    // (An annotations map left empty stays, as Unstructured.SetAnnotations keeps it.)
    if let Some(a) = config
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        a.remove(LAST_APPLIED);
    }
    let text =
        String::from_utf8(crate::server::wire::body(&Value::Object(config))).unwrap_or_default();
    if let Some(meta) = result.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta.entry("annotations").or_insert_with(|| json!({}));
        if let Some(a) = ann.as_object_mut() {
            a.insert(LAST_APPLIED.into(), Value::String(text));
        }
    }
}

/// managedFields bookkeeping for a non-apply write (create, update, patch) by `manager`:
/// fields that are new or changed become owned by the manager's `Update` entry and are
/// removed from other managers' sets (updates never conflict).
pub fn record_update(old: Option<&Value>, new: &mut Value, kind: &str, manager: &str, time: &str) {
    let empty = json!({});
    let old_v = old.unwrap_or(&empty);
    let api_version = new
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut stripped_new = new.clone();
    if let Some(m) = stripped_new
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        m.remove("managedFields");
    }
    let new_set = field_set(&stripped_new, kind);
    let changed: FieldSet = new_set
        .iter()
        .filter(|p| value_at(old_v, p) != value_at(&stripped_new, p))
        .cloned()
        .collect();
    let mut entries = managed_entries(new);
    if old.is_some() && changed.is_empty() {
        return;
    }
    for e in entries.iter_mut() {
        let mut owned = from_fields_v1(&e["fieldsV1"]);
        let before = owned.len();
        owned.retain(|p| new_set.contains(p) && !(changed.contains(p) && e["manager"] != manager));
        if owned.len() != before {
            e["fieldsV1"] = to_fields_v1(&owned);
        }
    }
    let pos = entries
        .iter()
        .position(|e| e["manager"] == manager && e["operation"] == "Update");
    let mut mine = pos
        .map(|i| from_fields_v1(&entries[i]["fieldsV1"]))
        .unwrap_or_default();
    mine.extend(changed);
    let e = entry(manager, "Update", &api_version, time, &mine);
    match pos {
        Some(i) => entries[i] = e,
        None => entries.push(e),
    }
    entries.retain(|e| !from_fields_v1(&e["fieldsV1"]).is_empty());
    set_managed_entries(new, entries);
}
