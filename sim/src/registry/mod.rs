//! Per-kind rules of the API server's registry: defaulting, validation, create/update
//! strategies and strict field decoding, on raw JSON objects.
//! Upstream: pkg/apis/*/v1/defaults.go, pkg/apis/*/validation/validation.go,
//! pkg/registry/*/*/strategy.go.

use crate::errors::{ApiError, FieldError};
use crate::resources::ResourceType;
use serde_json::Value;

// Contract used by `api` (the core). Metadata bookkeeping (uid, creationTimestamp,
// resourceVersion, generation, managedFields, deletion) is the core's; everything that
// depends on the kind is here.

/// Strategy PrepareForCreate: e.g. StatefulSet status wiped, Pod phase Pending + qosClass.
#[allow(unused_variables)]
pub fn prepare_for_create(rt: &ResourceType, obj: &mut Value) {}

/// Strategy PrepareForUpdate on the main resource: status copied from `old`.
#[allow(unused_variables)]
pub fn prepare_for_update(rt: &ResourceType, new: &mut Value, old: &Value) {}

/// Strategy PrepareForUpdate on /status: only status taken from `new`.
#[allow(unused_variables)]
pub fn prepare_for_status_update(rt: &ResourceType, new: &mut Value, old: &Value) {}

/// SetDefaults_* for the kind (apps/v1 StatefulSet, PodSpec, Service, PVC ...).
#[allow(unused_variables)]
pub fn apply_defaults(rt: &ResourceType, obj: &mut Value) {}

/// Validation on create (metadata name rules included).
#[allow(unused_variables)]
pub fn validate_create(rt: &ResourceType, obj: &Value) -> Vec<FieldError> {
    Vec::new()
}

/// Validation on update (immutable fields included); `sub` is None or Some("status").
#[allow(unused_variables)]
pub fn validate_update(
    rt: &ResourceType,
    new: &Value,
    old: &Value,
    sub: Option<&str>,
) -> Vec<FieldError> {
    Vec::new()
}

/// Strict decoding against the kind's schema: Err(decode error message) when the body cannot
/// decode (wrong types), else the paths of unknown fields (`spec.foo`, `spec.template.spec.containers[0].bogus`).
#[allow(unused_variables)]
pub fn unknown_fields(rt: &ResourceType, obj: &Value) -> Result<Vec<String>, String> {
    Ok(Vec::new())
}

/// Drop the fields the schema does not know (a server of this version does so).
#[allow(unused_variables)]
pub fn prune_unknown(rt: &ResourceType, obj: &mut Value) {}

/// Grace period for a DELETE: None = remove at once (e.g. unscheduled pods, everything but
/// pods); Some(s) = set deletionTimestamp and let the kubelet finish.
#[allow(unused_variables)]
pub fn graceful_delete_seconds(
    rt: &ResourceType,
    obj: &Value,
    requested: Option<i64>,
) -> Option<i64> {
    None
}

/// The autoscaling/v1 Scale of a StatefulSet.
#[allow(unused_variables)]
pub fn scale_of(rt: &ResourceType, obj: &Value) -> Result<Value, ApiError> {
    todo!("registry")
}

/// Apply an autoscaling/v1 Scale (spec.replicas) onto the StatefulSet.
#[allow(unused_variables)]
pub fn apply_scale(rt: &ResourceType, obj: &mut Value, scale: &Value) -> Result<(), ApiError> {
    todo!("registry")
}

/// events.k8s.io/v1 Event view of a stored core/v1 Event, and back (one storage, two APIs).
#[allow(unused_variables)]
pub fn event_to_events_v1(core: &Value) -> Value {
    todo!("registry")
}
#[allow(unused_variables)]
pub fn events_v1_to_event(v1: &Value) -> Value {
    todo!("registry")
}
