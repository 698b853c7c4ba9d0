//! The autoscaling/v1 Scale subresource of StatefulSets.
//! Upstream: pkg/registry/apps/statefulset/storage/storage.go (scaleFromStatefulSet,
//! scaleUpdatedObjectInfo), pkg/apis/autoscaling/validation/validation.go (ValidateScale).

use super::labels;
use super::util::*;
use crate::errors::{ApiError, FieldError};
use crate::resources::ResourceType;
use serde_json::{json, Map, Value};

/// How Invalid errors name the Scale kind (`Scale.autoscaling "web" is invalid: ...`).
pub static SCALE: ResourceType = ResourceType {
    group: "autoscaling",
    version: "v1",
    plural: "scale",
    singular: "scale",
    kind: "Scale",
    namespaced: true,
    short_names: &[],
    categories: &[],
    subresources: &[],
    verbs: &["get", "patch", "update"],
    has_generation: false,
};

fn check_kind(rt: &ResourceType) -> Result<(), ApiError> {
    if rt.group == "apps" && rt.kind == "StatefulSet" {
        Ok(())
    } else {
        Err(ApiError::no_route())
    }
}

pub fn scale_of(rt: &ResourceType, obj: &Value) -> Result<Value, ApiError> {
    check_kind(rt)?;
    let mut meta = Map::new();
    for k in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = get(obj, &["metadata", k]).filter(|v| !v.is_null()) {
            meta.insert(k.into(), v.clone());
        }
    }
    let selector = match get(obj, &["spec", "selector"]) {
        Some(sel) => labels::requirements(sel)
            .map(|r| labels::to_string(&r))
            .map_err(ApiError::internal)?,
        None => String::new(),
    };
    let replicas = as_i64(get(obj, &["spec", "replicas"])).unwrap_or(0);
    // ScaleSpec.replicas is omitempty; ScaleStatus.replicas is not; selector is omitempty.
    let mut spec = json!({});
    if replicas != 0 {
        spec["replicas"] = json!(replicas);
    }
    let mut status = json!({"replicas": as_i64(get(obj, &["status", "replicas"])).unwrap_or(0)});
    if !selector.is_empty() {
        status["selector"] = json!(selector);
    }
    Ok(json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": meta,
        "spec": spec,
        "status": status,
    }))
}

pub fn apply_scale(rt: &ResourceType, obj: &mut Value, scale: &Value) -> Result<(), ApiError> {
    check_kind(rt)?;
    let name = get_str(obj, &["metadata", "name"])
        .unwrap_or_default()
        .to_string();
    if let Some(sn) = get_str(scale, &["metadata", "name"]).filter(|s| !s.is_empty()) {
        if sn != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({sn}) does not match the name on the URL ({name})"
            )));
        }
    }
    let replicas = match get(scale, &["spec", "replicas"]) {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_i64().ok_or_else(|| {
            ApiError::bad_request(format!(
                "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal {} into Go struct field ScaleSpec.spec.replicas of type int32",
                if v.is_string() { "string" } else { "value" }
            ))
        })?,
    };
    if replicas < 0 {
        return Err(ApiError::invalid(
            &SCALE,
            &name,
            &[FieldError::invalid(
                "spec.replicas",
                json!(replicas),
                "must be greater than or equal to 0",
            )],
        ));
    }
    // A resourceVersion in the Scale is a precondition on the StatefulSet.
    if let Some(rv) = get_str(scale, &["metadata", "resourceVersion"]).filter(|s| !s.is_empty()) {
        if get_str(obj, &["metadata", "resourceVersion"]) != Some(rv) {
            return Err(ApiError::conflict(rt, &name));
        }
    }
    if let Some(spec) = obj_mut(obj, "spec") {
        spec["replicas"] = json!(replicas);
    }
    Ok(())
}
