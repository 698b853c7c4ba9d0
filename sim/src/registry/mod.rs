//! Per-kind rules of the API server's registry: defaulting, validation, create/update
//! strategies and strict field decoding, on raw JSON objects.
//! Upstream: pkg/apis/*/v1/defaults.go, pkg/apis/*/validation/validation.go,
//! pkg/registry/*/*/strategy.go.
//!
//! Files: `defaults` (SetDefaults_*), `validation` (Validate*), `strategy` (PrepareFor*,
//! admission-like pod fields, clusterIP/nodePort allocation), `schema` (strict decoding),
//! `scale` (autoscaling/v1 Scale), `events` (core/v1 <-> events.k8s.io/v1), helpers `names`
//! (string-format validators), `labels` (selector evaluation), `quantity`, `util`.

mod defaults;
mod events;
mod labels;
pub(crate) mod names;
mod quantity;
mod scale;
mod schema;
mod strategy;
mod util;
mod validation;

use crate::errors::{ApiError, FieldError};
use crate::resources::ResourceType;
use serde_json::Value;

/// The autoscaling/v1 Scale pseudo-resource (for `unknown_fields(&SCALE, body)` on /scale
/// writes and for naming it in errors).
pub use scale::SCALE;
/// clusterIP allocation: `assign_cluster_ip(obj, attempt)` re-picks for attempt > 0 (call it
/// when the address from `prepare_for_create` collides with another Service's);
/// `cluster_ip_taken` is the 422 for a user-requested address that is in use.
pub use strategy::{
    add_service_account_token_volume, apply_limit_ranges, assign_cluster_ip, cluster_ip_for,
};
pub use validation::{cluster_ip_taken, PVC_SPEC_IMMUTABLE, STS_UPDATE_FORBIDDEN};

// Contract used by `api` (the core). Metadata bookkeeping (uid, creationTimestamp,
// resourceVersion, generation, managedFields, deletion) is the core's; everything that
// depends on the kind is here.
//
// Expected call order on create: unknown_fields/prune_unknown (body as sent) ->
// apply_defaults -> prepare_for_create -> validate_create. On update: unknown_fields ->
// apply_defaults -> prepare_for_update / prepare_for_status_update -> validate_update.

/// Strategy PrepareForCreate: e.g. StatefulSet status wiped, Pod phase Pending + qosClass.
/// Applies the kind's defaults first (upstream defaults at decode time, before the strategy;
/// defaulting is idempotent, so calling `apply_defaults` again afterwards is harmless).
pub fn prepare_for_create(rt: &ResourceType, obj: &mut Value) {
    defaults::apply(rt, obj);
    strategy::prepare_for_create(rt, obj)
}

/// Strategy PrepareForUpdate on the main resource: status copied from `old`. Defaults `new`
/// first, as `prepare_for_create` does.
pub fn prepare_for_update(rt: &ResourceType, new: &mut Value, old: &Value) {
    defaults::apply(rt, new);
    strategy::prepare_for_update(rt, new, old)
}

/// Strategy PrepareForUpdate on /status: only status taken from `new`.
pub fn prepare_for_status_update(rt: &ResourceType, new: &mut Value, old: &Value) {
    strategy::prepare_for_status_update(rt, new, old)
}

/// SetDefaults_* for the kind (apps/v1 StatefulSet, PodSpec, Service, PVC ...).
pub fn apply_defaults(rt: &ResourceType, obj: &mut Value) {
    defaults::apply(rt, obj)
}

/// Validation on create (metadata name rules included).
pub fn validate_create(rt: &ResourceType, obj: &Value) -> Vec<FieldError> {
    validation::validate_create(rt, obj)
}

/// Validation on update (immutable fields included); `sub` is None or Some("status").
pub fn validate_update(
    rt: &ResourceType,
    new: &Value,
    old: &Value,
    sub: Option<&str>,
) -> Vec<FieldError> {
    validation::validate_update(rt, new, old, sub)
}

/// Strict decoding against the kind's schema: Err(decode error message) when the body cannot
/// decode (wrong types), else the paths of unknown fields (`spec.foo`, `spec.template.spec.containers[0].bogus`).
///
/// The Err message is complete, as upstream's 400 BadRequest says it:
/// `StatefulSet in version "v1" cannot be handled as a StatefulSet: json: cannot unmarshal ...`
/// (the encoding/json part is approximate: the Go struct name is replaced by the kind).
/// Upstream formats unknown fields as `unknown field "spec.foo"` (the core joins them).
/// Duplicate JSON keys cannot be detected on a parsed `Value`.
pub fn unknown_fields(rt: &ResourceType, obj: &Value) -> Result<Vec<String>, String> {
    schema::unknown_fields(rt, obj)
}

/// Drop the fields the schema does not know (a server of this version does so).
pub fn prune_unknown(rt: &ResourceType, obj: &mut Value) {
    schema::prune_unknown(rt, obj)
}

/// Grace period for a DELETE: None = remove at once (e.g. unscheduled pods, everything but
/// pods); Some(s) = set deletionTimestamp and let the kubelet finish.
pub fn graceful_delete_seconds(
    rt: &ResourceType,
    obj: &Value,
    requested: Option<i64>,
) -> Option<i64> {
    strategy::graceful_delete_seconds(rt, obj, requested)
}

/// The autoscaling/v1 Scale of a StatefulSet.
pub fn scale_of(rt: &ResourceType, obj: &Value) -> Result<Value, ApiError> {
    scale::scale_of(rt, obj)
}

/// Apply an autoscaling/v1 Scale (spec.replicas) onto the StatefulSet.
pub fn apply_scale(rt: &ResourceType, obj: &mut Value, scale: &Value) -> Result<(), ApiError> {
    scale::apply_scale(rt, obj, scale)
}

/// events.k8s.io/v1 Event view of a stored core/v1 Event, and back (one storage, two APIs).
pub fn event_to_events_v1(core: &Value) -> Value {
    events::event_to_events_v1(core)
}
pub fn events_v1_to_event(v1: &Value) -> Value {
    events::events_v1_to_event(v1)
}

/// Admission check for a PVC resize the registry cannot make alone (it needs the claim's
/// StorageClass). Call on PUT/PATCH of a PVC after `validate_update` passed: when the storage
/// request grows, `class` is the StorageClass named by `spec.storageClassName` (None when the
/// claim has no class or the class does not exist). Returns upstream's 403 from the
/// PersistentVolumeClaimResize admission plugin
/// (plugin/pkg/admission/storage/persistentvolume/resize/admission.go) when not allowed.
pub fn pvc_resize_forbidden(new: &Value, old: &Value, class: Option<&Value>) -> Option<ApiError> {
    strategy::pvc_resize_forbidden(new, old, class)
}

/// The message of that 403 (without the `persistentvolumeclaims "NAME" is forbidden: ` prefix).
pub fn pvc_resize_allowed_message() -> &'static str {
    strategy::PVC_RESIZE_MESSAGE
}

#[cfg(test)]
mod tests;
