//! Patch types accepted by PATCH: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
//! strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) and server-side apply
//! (simplified; see `apply`).

use crate::errors::ApiError;
use serde_json::{json, Map, Value};

pub mod apply;
pub mod schema;
pub mod strategic;

use strategic::SmpError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    /// From a Content-Type header (parameters ignored); None for an unsupported type.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        match ct.split(';').next().unwrap_or("").trim() {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Some(Self::Apply),
            _ => None,
        }
    }
}

/// Upstream's maxJSONPatchOperations (apiserver/pkg/endpoints/handlers/patch.go).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10000;

/// Apply a JSON, merge or strategic patch `body` to `original` (an object of `kind`, e.g.
/// "StatefulSet", "Scale", "Pod"; the kind selects the strategic-merge schema; unknown kinds
/// get no list merge keys, i.e. lists are replaced wholesale).
/// Server-side apply is handled by `apply::server_side_apply`.
///
/// Errors follow apiserver/pkg/endpoints/handlers/patch.go (jsonPatcher.applyJSPatch,
/// strategicPatchObject, interpretStrategicMergePatchError).
pub fn apply_patch(
    ptype: PatchType,
    kind: &str,
    original: &Value,
    body: &[u8],
) -> Result<Value, ApiError> {
    match ptype {
        PatchType::Json => apply_json_patch(original, body),
        PatchType::Merge => apply_merge_patch(original, body),
        PatchType::Strategic => apply_strategic_patch(kind, original, body),
        PatchType::Apply => Err(ApiError::internal(
            "server-side apply is handled by patch::apply::server_side_apply",
        )),
    }
}

/// errors.NewGenericServerResponse(422, ...): reason Invalid, a fixed message and the real
/// error as an UnexpectedServerResponse cause.
pub fn unprocessable(msg: impl Into<String>) -> ApiError {
    let mut e = ApiError::new(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
    );
    e.details =
        Some(json!({"causes": [{"reason": "UnexpectedServerResponse", "message": msg.into()}]}));
    e
}

/// A Go `encoding/json`-style message for a body that does not decode into `go_type`.
fn decode_error(body: &[u8], go_type: &str) -> String {
    match serde_json::from_slice::<Value>(body) {
        Err(e) if e.is_eof() => "unexpected end of JSON input".to_string(),
        Err(e) => format!("invalid character in JSON input: {e}"),
        Ok(v) => format!(
            "json: cannot unmarshal {} into Go value of type {go_type}",
            json_kind(&v)
        ),
    }
}

/// The JSON kind word Go's encoding/json uses in UnmarshalTypeError messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn smp_to_api(e: SmpError) -> ApiError {
    match e {
        SmpError::BadRequest(m) => ApiError::bad_request(m),
        SmpError::Unprocessable(m) => unprocessable(m),
        // a plain error: the apiserver answers 500 with reason "" (StatusReasonUnknown)
        SmpError::Other(m) => ApiError::new(500, "", m),
    }
}

fn apply_json_patch(original: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let ops = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(a)) => a,
        _ => return Err(ApiError::bad_request(decode_error(body, "jsonpatch.Patch"))),
    };
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(ApiError::too_large(format!(
            "The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
            ops.len()
        )));
    }
    let mut doc = original.clone();
    for op in &ops {
        let Some(o) = op.as_object() else {
            return Err(ApiError::bad_request(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                json_kind(op)
            )));
        };
        let kind = o.get("op").and_then(Value::as_str).unwrap_or("unknown");
        let path = o.get("path").and_then(Value::as_str).unwrap_or("");
        let from = o.get("from").and_then(Value::as_str).unwrap_or("");
        let parsed: Result<json_patch::PatchOperation, _> = serde_json::from_value(op.clone());
        let parsed = match parsed {
            Ok(p) => p,
            Err(_) => {
                let msg = match kind {
                    "add" | "remove" | "replace" | "move" | "copy" | "test" => {
                        format!("{kind} operation does not apply: invalid operation {}", op)
                    }
                    other => format!("Unexpected kind: {other}"),
                };
                return Err(unprocessable(msg));
            }
        };
        if let Err(_e) = json_patch::patch(&mut doc, std::slice::from_ref(&parsed)) {
            // evanphx/json-patch (gopkg.in/evanphx/json-patch.v4) messages
            let last = path.rsplit('/').next().unwrap_or("");
            let msg = match kind {
                "add" => format!("add operation does not apply: doc is missing path: {path:?}: missing value"),
                "remove" => format!("error in remove for path: '{path}': Unable to remove nonexistent key: {last}: missing value"),
                "replace" => format!("replace operation does not apply: doc is missing key: {path}: missing value"),
                "move" => format!("move operation does not apply: doc is missing from path: {from}: missing value"),
                "copy" => format!("copy operation does not apply: doc is missing from path: {from}: missing value"),
                "test" => format!("testing value {path} failed: test failed"),
                other => format!("Unexpected kind: {other}"),
            };
            return Err(unprocessable(msg));
        }
    }
    Ok(doc)
}

fn apply_merge_patch(original: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let patch: Value = match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => v,
        // jsonpatch.MergePatch: ErrBadJSONPatch
        _ => return Err(ApiError::bad_request("Invalid JSON Patch")),
    };
    let mut doc = original.clone();
    json_patch::merge(&mut doc, &patch);
    Ok(doc)
}

fn apply_strategic_patch(kind: &str, original: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let patch = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(ApiError::bad_request(decode_error(
                body,
                "map[string]interface {}",
            )))
        }
    };
    let orig = match original {
        Value::Object(m) => m.clone(),
        _ => return Err(ApiError::bad_request(strategic::ERR_BAD_JSON_DOC)),
    };
    strategic::strategic_merge(orig, patch, schema::root_type(kind))
        .map(Value::Object)
        .map_err(smp_to_api)
}

/// strategicpatch.CreateTwoWayMergePatch(original, modified, <kind>) as kubectl computes it
/// (with `$setElementOrder` lists, `$patch: delete` for removed keyed items, null for removed
/// map keys). Inputs that upstream rejects (e.g. a list item without its merge key) fall back
/// to a diff without list merge keys.
pub fn create_two_way_merge_patch(original: &Value, modified: &Value, kind: &str) -> Value {
    let empty = Map::new();
    let o = original.as_object().unwrap_or(&empty);
    let m = modified.as_object().unwrap_or(&empty);
    match strategic::diff_maps(o, m, schema::root_type(kind), false) {
        Ok(p) => Value::Object(p),
        Err(_) => Value::Object(strategic::diff_maps(o, m, "", false).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod upstream_cases;
