//! Strategic merge patch: apply (StrategicMergeMapPatch, MergeOptions{MergeParallelList: true,
//! IgnoreUnmatchedNulls: true}) and the two-way diff kubectl computes (CreateTwoWayMergePatch
//! with DiffOptions{SetElementOrder: true}).
//!
//! Upstream: staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go and
//! staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go. Function names below mirror
//! upstream's. Deviations (all on inputs kubectl never produces): values inserted where the
//! original had no such key, new list items and `$patch: replace` contents are cleaned of
//! directives and nulls (upstream v1.32 may keep some of them raw); `sort.SliceStable` is
//! modelled by an insertion sort (identical to Go's for lists of up to 20 items).

use super::schema::{lookup, FieldMeta};
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

pub const DIRECTIVE: &str = "$patch";
pub const RETAIN_KEYS: &str = "$retainKeys";
pub const DELETE_PRIMITIVE_PREFIX: &str = "$deleteFromPrimitiveList";
pub const SET_ORDER_PREFIX: &str = "$setElementOrder";

/// An error of the strategic-merge machinery, classified the way the apiserver's
/// interpretStrategicMergePatchError does.
#[derive(Debug, Clone, PartialEq)]
pub enum SmpError {
    /// mergepatch.ErrBadJSONDoc / ErrBadPatchFormatFor* -> 400 BadRequest.
    BadRequest(String),
    /// ErrNoListOfLists / ErrPatchContentNotMatchRetainKeys -> 422 (generic server response).
    Unprocessable(String),
    /// Any other error: returned as-is by upstream -> 500.
    Other(String),
}

pub const ERR_BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
pub const ERR_BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
pub const ERR_BAD_SET_ORDER: &str = "invalid patch format of setElementOrder list";
pub const ERR_NO_LIST_OF_LISTS: &str = "lists of lists are not supported";
pub const ERR_BAD_JSON_DOC: &str = "invalid JSON document";

/// Go's `%v` of a decoded JSON value (maps print as `map[k:v ...]` with sorted keys).
pub fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(o) => format!(
            "map[{}]",
            o.iter()
                .map(|(k, v)| format!("{k}:{}", go_v(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn err_no_merge_key(m: &Value, key: &str) -> SmpError {
    SmpError::Other(format!(
        "map: {} does not contain declared merge key: {key}",
        go_v(m)
    ))
}

fn err_bad_patch_type(d: &Value, m: &Value) -> SmpError {
    SmpError::Other(format!(
        "unknown patch type: {} in map: {}",
        go_v(d),
        go_v(m)
    ))
}

fn err_bad_arg_type(expected: &str, actual: &Value) -> SmpError {
    SmpError::Other(format!(
        "expected a {expected}, but received a {}",
        go_type(actual)
    ))
}

/// The element kind of a list (reflect.Kind of the decoded values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Other,
}

fn kind_of(v: &Value) -> Kind {
    if v.is_object() {
        Kind::Map
    } else {
        Kind::Other
    }
}

/// sliceElementType: all elements of all slices must share one type, lists of lists rejected.
fn slice_element_type(slices: &[&[Value]]) -> Result<Option<Kind>, SmpError> {
    let mut prev: Option<&'static str> = None;
    let mut kind = None;
    for s in slices {
        for v in s.iter() {
            let t = go_type(v);
            match prev {
                None => {
                    if v.is_array() {
                        return Err(SmpError::Unprocessable(ERR_NO_LIST_OF_LISTS.into()));
                    }
                    prev = Some(t);
                    kind = Some(kind_of(v));
                }
                Some(p) if p != t => {
                    let all: Vec<String> = slices
                        .iter()
                        .map(|s| go_v(&Value::Array(s.to_vec())))
                        .collect();
                    return Err(SmpError::Other(format!(
                        "list element types are not identical: [{}]",
                        all.join(" ")
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(kind)
}

fn extract_key(s: &str, prefix: &str) -> Result<String, SmpError> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ => Err(if prefix == DELETE_PRIMITIVE_PREFIX {
            SmpError::BadRequest(ERR_BAD_PRIMITIVE_LIST.into())
        } else {
            SmpError::BadRequest(ERR_BAD_SET_ORDER.into())
        }),
    }
}

// ------------------------------------------------------------------------------------------
// apply

/// StrategicMergeMapPatch(original, patch, schema of `ty`).
pub fn strategic_merge(original: Obj, patch: Obj, ty: &str) -> Result<Obj, SmpError> {
    merge_map(original, patch, ty)
}

fn handle_directive_in_merge_map(
    directive: &Value,
    mut patch: Obj,
    ty: &str,
) -> Result<Obj, SmpError> {
    match directive.as_str() {
        Some("replace") => {
            patch.remove(DIRECTIVE);
            merge_map(Obj::new(), patch, ty)
        }
        Some("delete") => Ok(Obj::new()),
        _ => Err(err_bad_patch_type(directive, &Value::Object(patch))),
    }
}

fn merge_map(mut original: Obj, mut patch: Obj, ty: &str) -> Result<Obj, SmpError> {
    if let Some(d) = patch.get(DIRECTIVE).cloned() {
        return handle_directive_in_merge_map(&d, patch, ty);
    }
    apply_retain_keys_directive(&mut original, &mut patch)?;
    merge_patch_into_original(&mut original, &mut patch, ty)?;

    for (k, patch_v) in patch {
        let (key, is_delete_list) = if k.starts_with(DELETE_PRIMITIVE_PREFIX) {
            (extract_key(&k, DELETE_PRIMITIVE_PREFIX)?, true)
        } else {
            (k, false)
        };
        if patch_v.is_null() {
            original.remove(&key);
            continue;
        }
        let meta = lookup(ty, &key);
        let Some(orig_v) = original.remove(&key) else {
            if !is_delete_list {
                if let Some(v) = fresh_value(patch_v, &meta)? {
                    original.insert(key, v);
                }
            }
            continue;
        };
        let new_v = match (orig_v, patch_v) {
            (Value::Object(o), Value::Object(p)) => {
                if meta.replace {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, meta.ty)?)
                }
            }
            (Value::Array(o), Value::Array(p)) => {
                if meta.merge {
                    Value::Array(merge_slice(o, p, &meta, is_delete_list)?)
                } else {
                    Value::Array(p)
                }
            }
            (o, p) if o.is_object() || o.is_array() || p.is_object() || p.is_array() => {
                // types differ: take the patch value
                if is_delete_list {
                    o
                } else {
                    match fresh_value(p, &meta)? {
                        Some(v) => v,
                        None => continue,
                    }
                }
            }
            (_, p) => p,
        };
        original.insert(key, new_v);
    }
    Ok(original)
}

/// The value stored for a key the original lacks: the patch value with its directives applied
/// against an empty value (None when the patch deletes it).
fn fresh_value(patch_v: Value, meta: &FieldMeta) -> Result<Option<Value>, SmpError> {
    Ok(match patch_v {
        Value::Null => None,
        Value::Object(p) => {
            if p.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
                None
            } else {
                Some(Value::Object(merge_map(Obj::new(), p, meta.ty)?))
            }
        }
        Value::Array(p) => {
            if meta.merge {
                Some(Value::Array(merge_slice(vec![], p, meta, false)?))
            } else {
                let mut out = Vec::with_capacity(p.len());
                for v in p {
                    match v {
                        Value::Object(o) => out.push(Value::Object(merge_map(Obj::new(), o, "")?)),
                        other => out.push(other),
                    }
                }
                Some(Value::Array(out))
            }
        }
        other => Some(other),
    })
}

/// applyRetainKeysDirective (MergeParallelList mode).
fn apply_retain_keys_directive(original: &mut Obj, patch: &mut Obj) -> Result<(), SmpError> {
    let Some(rk) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(list) = rk else {
        return Err(SmpError::BadRequest(ERR_BAD_RETAIN_KEYS.into()));
    };
    let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null() || k.starts_with(DELETE_PRIMITIVE_PREFIX) || k.starts_with(SET_ORDER_PREFIX)
        {
            continue;
        }
        if !keep(k) {
            return Err(SmpError::BadRequest(ERR_BAD_RETAIN_KEYS.into()));
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

/// mergePatchIntoOriginal: process `$setElementOrder/<list>` directives with their lists.
fn merge_patch_into_original(
    original: &mut Obj,
    patch: &mut Obj,
    ty: &str,
) -> Result<(), SmpError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let order_v = patch.remove(&key).unwrap_or(Value::Null);
        let Value::Array(order) = order_v else {
            return Err(err_bad_arg_type("[]interface {}", &order_v));
        };
        let okey = extract_key(&key, SET_ORDER_PREFIX)?;
        let orig_list = match original.get(&okey) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
        };
        let patch_list = match patch.get(&okey) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
        };
        let meta = lookup(ty, &okey);
        validate_patch_with_set_order_list(patch_list.as_deref().unwrap_or(&[]), &order, meta.key)?;
        let orig_slice = orig_list.clone().unwrap_or_default();
        let kind = slice_element_type(&[&orig_slice, patch_list.as_deref().unwrap_or(&[])])?;
        let merged = match (orig_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) => {
                if meta.merge {
                    merge_slice(vec![], p, &meta, false)?
                } else {
                    p
                }
            }
            (Some(o), Some(p)) => {
                if meta.merge {
                    merge_slice(o, p, &meta, false)?
                } else {
                    p
                }
            }
            (None, None) => continue,
        };
        let Some(kind) = kind else {
            original.insert(okey.clone(), Value::Array(merged));
            patch.remove(&okey);
            continue;
        };
        let (patch_items, server_only) = partition(merged, &order, meta.key, kind)?;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            &orig_slice,
            meta.key,
            kind,
        )?;
        original.insert(okey.clone(), Value::Array(both));
        patch.remove(&okey);
    }
    Ok(())
}

fn contains_directive_marker(v: &Value) -> bool {
    v.get(DIRECTIVE).is_some()
}

fn merge_key_value_equal(l: &Value, r: &Value, key: Option<&str>) -> Result<bool, SmpError> {
    let Some(key) = key else {
        return Ok(l == r);
    };
    let (Some(lo), Some(ro)) = (l.as_object(), r.as_object()) else {
        let bad = if l.is_object() { r } else { l };
        return Err(err_bad_arg_type("map[string]interface {}", bad));
    };
    let lk = lo.get(key).ok_or_else(|| err_no_merge_key(l, key))?;
    let rk = ro.get(key).ok_or_else(|| err_no_merge_key(r, key))?;
    Ok(lk == rk)
}

/// extractToDeleteItems.
fn extract_to_delete_items(l: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let mut keep = Vec::new();
    let mut del = Vec::new();
    for v in l {
        if !v.is_object() {
            return Err(err_bad_arg_type("map[string]interface {}", &v));
        }
        if v.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
            del.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, del))
}

/// validatePatchWithSetOrderList.
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    order: &[Value],
    key: Option<&str>,
) -> Result<(), SmpError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if key.is_some() {
        extract_to_delete_items(patch_list.to_vec())?.0
    } else {
        patch_list.to_vec()
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if contains_directive_marker(&non_delete[pi]) {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(&non_delete[pi], &order[si], key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(SmpError::Other(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ORDER_PREFIX} list:\n{}\n",
            go_v(&Value::Array(patch_list.to_vec())),
            go_v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

/// mergeSlice.
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    meta: &FieldMeta,
    is_delete_list: bool,
) -> Result<Vec<Value>, SmpError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = slice_element_type(&[&original, &patch])?.unwrap_or(Kind::Other);
    let (merged, original, patch) = if kind != Kind::Map {
        if is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (deduplicate_scalars(both), original, patch)
    } else {
        let Some(key) = meta.key else {
            return Err(SmpError::Other(
                "cannot merge lists without merge key for type struct".into(),
            ));
        };
        let (original, patch) = merge_slice_with_special_elements(original, patch, key)?;
        let merged = merge_slice_without_special_elements(original.clone(), &patch, key, meta.ty)?;
        (merged, original, patch)
    };
    let (patch_items, server_only) = partition(merged, &patch, meta.key, kind)?;
    normalize_element_order(patch_items, server_only, &patch, &original, meta.key, kind)
}

/// deduplicateScalars: upstream's in-place algorithm (a duplicate is overwritten by the last
/// element), reproduced for identical ordering.
fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    if s.is_empty() {
        return s;
    }
    let mut length = s.len() - 1;
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if s[i] == s[j] {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
                continue; // j-- then j++: recheck position j
            }
            j += 1;
        }
        i += 1;
    }
    s
}

fn merge_slice_with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let mut without = Vec::new();
    let mut replace = false;
    for v in patch {
        let Some(d) = v.get(DIRECTIVE).cloned() else {
            without.push(v);
            continue;
        };
        match d.as_str() {
            Some("delete") => {
                let Some(mv) = v.get(key) else {
                    return Err(err_no_merge_key(&v, key));
                };
                let mut out = Vec::with_capacity(original.len());
                for (i, o) in original.into_iter().enumerate() {
                    if !o.is_object() {
                        return Err(SmpError::Other(format!("value for key {i} is not a map.")));
                    }
                    if o.get(key) != Some(mv) {
                        out.push(o);
                    }
                }
                original = out;
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(SmpError::Other(
                    "merging lists cannot yet be specified in the patch".into(),
                ))
            }
            _ => return Err(err_bad_patch_type(&d, &v)),
        }
    }
    if replace {
        let mut cleaned = Vec::with_capacity(without.len());
        for v in without {
            match v {
                Value::Object(o) => cleaned.push(Value::Object(merge_map(Obj::new(), o, "")?)),
                other => cleaned.push(other),
            }
        }
        return Ok((cleaned, vec![]));
    }
    Ok((original, without))
}

fn find_by_key(list: &[Value], key: &str, val: &Value) -> Result<Option<usize>, SmpError> {
    for (i, v) in list.iter().enumerate() {
        let Some(o) = v.as_object() else {
            return Err(SmpError::Other(format!("value for key {i} is not a map.")));
        };
        if o.get(key) == Some(val) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn merge_slice_without_special_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    key: &str,
    elem_ty: &str,
) -> Result<Vec<Value>, SmpError> {
    for v in patch {
        let Some(mv) = v.get(key) else {
            return Err(err_no_merge_key(v, key));
        };
        let pm = v.as_object().cloned().unwrap_or_default();
        match find_by_key(&original, key, mv)? {
            Some(i) => {
                let om = original[i].as_object().cloned().unwrap_or_default();
                original[i] = Value::Object(merge_map(om, pm, elem_ty)?);
            }
            None => original.push(Value::Object(merge_map(Obj::new(), pm, elem_ty)?)),
        }
    }
    Ok(original)
}

/// partitionMapsByPresentInList / partitionPrimitivesByPresentInList.
fn partition(
    merged: Vec<Value>,
    by: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let mut in_patch = Vec::new();
    let mut server_only = Vec::new();
    for v in merged {
        let found = match (key, kind) {
            (Some(key), Kind::Map) => {
                let Some(o) = v.as_object() else {
                    return Err(err_bad_arg_type("map[string]interface {}", &v));
                };
                let Some(mv) = o.get(key) else {
                    return Err(err_no_merge_key(&v, key));
                };
                find_by_key(by, key, mv)?.is_some()
            }
            _ => by.contains(&v),
        };
        if found {
            in_patch.push(v);
        } else {
            server_only.push(v);
        }
    }
    Ok((in_patch, server_only))
}

/// index(): position of `v` in `l` (by merge key for maps), -1 as None.
fn index(l: &[Value], v: &Value, key: Option<&str>, kind: Kind) -> Option<usize> {
    match kind {
        Kind::Map => {
            let get = |x: &Value| -> Option<Value> {
                x.as_object()
                    .and_then(|o| key.and_then(|k| o.get(k)).cloned())
            };
            let want = get(v);
            l.iter().position(|x| get(x) == want)
        }
        Kind::Other => l.iter().position(|x| x == v),
    }
}

/// normalizeSliceOrder: sort `to_sort` by `order` (delete directives moved last).
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, SmpError> {
    let (mut to_sort, to_delete) = if kind == Kind::Map {
        let key_s = key.unwrap_or("");
        for v in to_sort.iter().chain(order.iter()) {
            let Some(o) = v.as_object() else {
                return Err(err_bad_arg_type("map[string]interface {}", v));
            };
            if !o.contains_key(key_s) {
                return Err(err_no_merge_key(v, key_s));
            }
        }
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, vec![])
    };
    // sort.SliceStable with upstream's (non-strict) less; insertion sort as Go uses for
    // small inputs.
    let less = |a: &Value, b: &Value| -> bool {
        if let Some(ia) = index(order, a, key, kind) {
            if let Some(ib) = index(order, b, key, kind) {
                return ia < ib;
            }
        }
        true
    };
    for i in 1..to_sort.len() {
        let mut j = i;
        while j > 0 && less(&to_sort[j], &to_sort[j - 1]) {
            to_sort.swap(j, j - 1);
            j -= 1;
        }
    }
    to_sort.extend(to_delete);
    Ok(to_sort)
}

fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, SmpError> {
    let patch = normalize_slice_order(patch, patch_order, key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        key,
        kind,
    ))
}

/// mergeSortedSlice: interleave server-only items (left) into the patch items (right).
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Vec<Value> {
    let size = left.len() + right.len();
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(size);
    for _ in 0..size {
        if i >= left.len() && j < right.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() && i < left.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let li = index(server_order, &left[i], key, kind);
            let ri = index(server_order, &right[j], key, kind);
            if matches!((li, ri), (Some(a), Some(b)) if a < b) {
                out.push(left[i].clone());
                i += 1;
            } else {
                out.push(right[j].clone());
                j += 1;
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// two-way diff (CreateTwoWayMergePatch)

/// diffMaps with DiffOptions{SetElementOrder: true}.
pub fn diff_maps(
    original: &Obj,
    modified: &Obj,
    ty: &str,
    build_retain_keys: bool,
) -> Result<Obj, SmpError> {
    let mut patch = Obj::new();
    let mut retain_keys: Vec<Value> = Vec::new();
    for (key, mv) in modified {
        if build_retain_keys && !mv.is_null() {
            retain_keys.push(Value::String(key.clone()));
        }
        let Some(ov) = original.get(key) else {
            patch.insert(key.clone(), mv.clone());
            continue;
        };
        if key == DIRECTIVE {
            if ov != mv {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        if go_type(ov) != go_type(mv) {
            patch.insert(key.clone(), mv.clone());
            continue;
        }
        let meta = lookup(ty, key);
        match (ov, mv) {
            (Value::Object(o), Value::Object(m)) => {
                if meta.replace {
                    patch.insert(key.clone(), mv.clone());
                } else {
                    let pv = diff_maps(o, m, meta.ty, meta.retain_keys)?;
                    if !pv.is_empty() {
                        patch.insert(key.clone(), Value::Object(pv));
                    }
                }
            }
            (Value::Array(o), Value::Array(m)) => {
                if meta.merge {
                    let (add, del, order) = diff_lists(o, m, &meta)?;
                    if !add.is_empty() {
                        patch.insert(key.clone(), Value::Array(add));
                    }
                    if !del.is_empty() {
                        patch.insert(
                            format!("{DELETE_PRIMITIVE_PREFIX}/{key}"),
                            Value::Array(del),
                        );
                    }
                    if !order.is_empty() {
                        patch.insert(format!("{SET_ORDER_PREFIX}/{key}"), Value::Array(order));
                    }
                } else if o != m {
                    patch.insert(key.clone(), mv.clone());
                }
            }
            _ => {
                if ov != mv {
                    patch.insert(key.clone(), mv.clone());
                }
            }
        }
    }
    // updatePatchIfMissing
    for key in original.keys() {
        if !modified.contains_key(key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    let has_additional = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain_keys.is_empty() && (!patch.is_empty() || has_additional) {
        patch.insert(RETAIN_KEYS.into(), Value::Array(sort_scalars(retain_keys)));
    }
    Ok(patch)
}

fn sort_key(v: &Value) -> String {
    go_v(v)
}

/// sortScalars: by the `%v` string.
fn sort_scalars(mut s: Vec<Value>) -> Vec<Value> {
    s.sort_by_key(sort_key);
    s
}

type Lists = (Vec<Value>, Vec<Value>, Vec<Value>);

/// diffLists: (patch list, primitive deletion list, $setElementOrder list).
fn diff_lists(original: &[Value], modified: &[Value], meta: &FieldMeta) -> Result<Lists, SmpError> {
    if original.is_empty() {
        if modified.is_empty() {
            return Ok((vec![], vec![], vec![]));
        }
        return Ok((modified.to_vec(), vec![], vec![]));
    }
    let kind = slice_element_type(&[original, modified])?.unwrap_or(Kind::Other);
    match kind {
        Kind::Map => {
            let Some(key) = meta.key else {
                return Err(SmpError::Other(
                    "cannot merge lists without merge key for type struct".into(),
                ));
            };
            let (pl, dl) = diff_lists_of_maps(original, modified, meta, key)?;
            let mut pl = normalize_slice_order(pl, modified, Some(key), kind)?;
            let order_same = original.len() == modified.len()
                && original
                    .iter()
                    .zip(modified)
                    .all(|(a, b)| a.get(key) == b.get(key));
            pl.extend(dl);
            let mut order = vec![];
            if !pl.is_empty() || !order_same {
                for v in modified {
                    let mut m = Obj::new();
                    m.insert(key.into(), v.get(key).cloned().unwrap_or(Value::Null));
                    order.push(Value::Object(m));
                }
            }
            Ok((pl, vec![], order))
        }
        Kind::Other => {
            let sorted_orig = sort_scalars(original.to_vec());
            let sorted_mod = sort_scalars(modified.to_vec());
            let (mut add, mut del) = (vec![], vec![]);
            let (mut i, mut j) = (0, 0);
            loop {
                let oi = i < sorted_orig.len();
                let mi = j < sorted_mod.len();
                if !oi && !mi {
                    break;
                }
                let os = if oi {
                    sort_key(&sorted_orig[i])
                } else {
                    String::new()
                };
                let ms = if mi {
                    sort_key(&sorted_mod[j])
                } else {
                    String::new()
                };
                if oi && mi && os == ms {
                    i += 1;
                    j += 1;
                } else if !oi || (mi && os > ms) {
                    add.push(sorted_mod[j].clone());
                    j += 1;
                } else {
                    del.push(sorted_orig[i].clone());
                    i += 1;
                }
            }
            let add = normalize_slice_order(add, modified, None, kind)?;
            let del = deduplicate_scalars(del);
            // upstream compares the (in-place sorted) original with modified
            let order = if !del.is_empty() || sorted_orig.as_slice() != modified {
                modified.to_vec()
            } else {
                vec![]
            };
            Ok((add, del, order))
        }
    }
}

/// diffListsOfMaps: walk both lists sorted by the merge key's `%v` string.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    meta: &FieldMeta,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let keyed = |l: &[Value]| -> Result<Vec<(String, Value, Obj)>, SmpError> {
        let mut out = Vec::new();
        for v in l {
            let Some(o) = v.as_object() else {
                return Err(err_bad_arg_type("map[string]interface {}", v));
            };
            let Some(k) = o.get(key) else {
                return Err(err_no_merge_key(v, key));
            };
            out.push((go_v(k), k.clone(), o.clone()));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    };
    let os = keyed(original)?;
    let ms = keyed(modified)?;
    let (mut patch, mut del) = (vec![], vec![]);
    let (mut i, mut j) = (0, 0);
    loop {
        let oi = i < os.len();
        let mi = j < ms.len();
        if !oi && !mi {
            break;
        }
        if oi && mi && os[i].0 == ms[j].0 {
            let mut pv = diff_maps(&os[i].2, &ms[j].2, meta.ty, meta.retain_keys)?;
            if !pv.is_empty() {
                pv.insert(key.into(), ms[j].1.clone());
                patch.push(Value::Object(pv));
            }
            i += 1;
            j += 1;
        } else if !oi || (mi && os[i].0 > ms[j].0) {
            patch.push(Value::Object(ms[j].2.clone()));
            j += 1;
        } else {
            let mut d = Obj::new();
            d.insert(DIRECTIVE.into(), Value::String("delete".into()));
            d.insert(key.into(), os[i].1.clone());
            del.push(Value::Object(d));
            i += 1;
        }
    }
    Ok((patch, del))
}
