//! Small helpers on raw JSON objects shared by the registry files.

use serde_json::{Map, Value};

/// `obj[k1][k2]...`, None when any step is missing or not an object.
pub fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.as_object()?.get(*p)?;
    }
    Some(cur)
}

pub fn get_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get(v, path).and_then(Value::as_str)
}

pub fn get_obj<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Map<String, Value>> {
    get(v, path).and_then(Value::as_object)
}

pub fn get_arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The object at `key` (created as `{}` when missing or null); None when `v` is not an object
/// or the member holds something else than an object.
pub fn obj_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let m = v.as_object_mut()?;
    let e = m.entry(key.to_string()).or_insert(Value::Null);
    if e.is_null() {
        *e = Value::Object(Map::new());
    }
    if e.is_object() {
        Some(e)
    } else {
        None
    }
}

/// Set `key` to `val` when it is missing, null, or an empty string (Go's zero value for
/// string fields, which is what upstream defaulting tests with `== ""`).
pub fn default_str(v: &mut Value, key: &str, val: &str) {
    if let Some(m) = v.as_object_mut() {
        let absent = match m.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        if absent {
            m.insert(key.into(), Value::String(val.into()));
        }
    }
}

/// Set `key` to `val` when missing or null (pointer fields: `if x == nil`).
pub fn default_val(v: &mut Value, key: &str, val: Value) {
    if let Some(m) = v.as_object_mut() {
        if m.get(key).is_none_or(Value::is_null) {
            m.insert(key.into(), val);
        }
    }
}

/// Each element of the array at `key` (if any), mutably.
pub fn each_mut(v: &mut Value, key: &str, mut f: impl FnMut(&mut Value)) {
    if let Some(Value::Array(a)) = v.as_object_mut().and_then(|m| m.get_mut(key)) {
        for e in a.iter_mut() {
            f(e);
        }
    }
}

/// Go `%#v` of a map[string]string (keys sorted, as fmt prints maps).
pub fn go_string_map(m: Option<&Map<String, Value>>) -> String {
    match m {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| {
                    let v = m[*k].as_str().unwrap_or_default();
                    format!("{k:?}:{v:?}")
                })
                .collect();
            format!("map[string]string{{{}}}", parts.join(", "))
        }
    }
}

/// An integer value of a JSON number (Go int32/int64 fields).
pub fn as_i64(v: Option<&Value>) -> Option<i64> {
    v.and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}
