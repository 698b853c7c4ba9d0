//! Validation with upstream's paths and messages.
//!
//! Upstream: pkg/apis/core/validation/validation.go (ValidateObjectMeta, ValidatePodSpec,
//! ValidateService, ValidatePersistentVolumeClaim, ValidateConfigMap, ValidateSecret,
//! ValidateNamespace), pkg/apis/apps/validation/validation.go (ValidateStatefulSet,
//! ValidateStatefulSetUpdate, ValidateStatefulSetStatusUpdate, ValidateControllerRevision),
//! pkg/apis/storage/validation/validation.go (ValidateStorageClass),
//! pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudget, its status update),
//! staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation (labels, selectors).

use super::labels;
use super::names::*;
use super::quantity;
use super::util::*;
use crate::errors::{FieldError, FieldErrorType};
use crate::resources::ResourceType;
use serde_json::{json, Map, Value};

pub type Errs = Vec<FieldError>;

/// An Invalid error whose value is already rendered Go-style (`map[string]string{...}`).
pub fn invalid_rendered(field: impl Into<String>, rendered: &str, detail: &str) -> FieldError {
    let d = if detail.is_empty() {
        rendered.to_string()
    } else {
        format!("{rendered}: {detail}")
    };
    FieldError::new(FieldErrorType::Invalid, field, None, d)
}

fn not_found(field: impl Into<String>, v: &str) -> FieldError {
    FieldError::new(FieldErrorType::NotFound, field, Some(json!(v)), "")
}

const NONNEG: &str = "must be greater than or equal to 0";

fn nonneg(errs: &mut Errs, v: Option<&Value>, field: &str) {
    if let Some(n) = as_i64(v) {
        if n < 0 {
            errs.push(FieldError::invalid(field, json!(n), NONNEG));
        }
    }
}

#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
    /// path.IsValidPathSegmentName (ValidateRBACName: `system:discovery` is a valid name).
    PathSegment,
}

/// Name rules per kind. StatefulSet names are DNS labels since kubernetes PR 114172 (1.27:
/// pod hostnames are derived from them).
fn name_rule(rt: &ResourceType) -> NameRule {
    match rt.kind {
        "Namespace" | "StatefulSet" => NameRule::Label,
        "Service" => NameRule::Dns1035,
        _ if rt.group == "rbac.authorization.k8s.io" => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

fn check_name(rule: NameRule, name: &str) -> Vec<String> {
    match rule {
        NameRule::Subdomain => is_dns1123_subdomain(name),
        NameRule::Label => is_dns1123_label(name),
        NameRule::Dns1035 => is_dns1035_label(name),
        NameRule::PathSegment => {
            if name == "." || name == ".." {
                return vec![format!("may not be '{name}'")];
            }
            ["/", "%"]
                .iter()
                .filter(|c| name.contains(*c))
                .map(|c| format!("may not contain '{c}'"))
                .collect()
        }
    }
}

/// ValidateLabels: keys are qualified names, values label values (keys in sorted order;
/// Go iterates the map in random order).
pub fn validate_labels(m: Option<&Map<String, Value>>, field: &str) -> Errs {
    let mut errs = Vec::new();
    let Some(m) = m else { return errs };
    for (k, v) in m {
        for msg in is_qualified_name(k) {
            errs.push(FieldError::invalid(field, json!(k), msg));
        }
        let vs = v.as_str().unwrap_or_default();
        for msg in is_valid_label_value(vs) {
            errs.push(FieldError::invalid(field, json!(vs), msg));
        }
    }
    errs
}

/// ValidateAnnotations: keys are qualified names (lower-cased), total size <= 256 KiB.
pub fn validate_annotations(m: Option<&Map<String, Value>>, field: &str) -> Errs {
    let mut errs = Vec::new();
    let Some(m) = m else { return errs };
    let mut total = 0usize;
    for (k, v) in m {
        for msg in is_qualified_name(&k.to_lowercase()) {
            errs.push(FieldError::invalid(field, json!(k), msg));
        }
        total += k.len() + v.as_str().map(str::len).unwrap_or_default();
    }
    const LIMIT: usize = 256 * 1024;
    if total > LIMIT {
        errs.push(FieldError::too_long(field, LIMIT));
    }
    errs
}

/// ValidateObjectMeta (the parts a client controls).
fn object_meta(rt: &ResourceType, obj: &Value) -> Errs {
    let mut errs = Vec::new();
    let name = get_str(obj, &["metadata", "name"]).unwrap_or_default();
    let gen = get_str(obj, &["metadata", "generateName"]).unwrap_or_default();
    if name.is_empty() {
        if gen.is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in check_name(name_rule(rt), name) {
            errs.push(FieldError::invalid("metadata.name", json!(name), msg));
        }
    }
    errs.extend(validate_labels(
        get_obj(obj, &["metadata", "labels"]),
        "metadata.labels",
    ));
    errs.extend(validate_annotations(
        get_obj(obj, &["metadata", "annotations"]),
        "metadata.annotations",
    ));
    errs.extend(owner_references(obj));
    errs
}

/// ValidateOwnerReferences essentials: apiVersion/kind/name/uid present, one controller.
fn owner_references(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    let refs = get_arr(obj, &["metadata", "ownerReferences"]);
    let mut controllers = Vec::new();
    for r in refs {
        for (field, what) in [
            ("apiVersion", "version"),
            ("kind", "kind"),
            ("name", "name"),
            ("uid", "uid"),
        ] {
            let v = get_str(r, &[field]).unwrap_or_default();
            if v.is_empty() {
                errs.push(FieldError::invalid(
                    format!("metadata.ownerReferences.{field}"),
                    json!(v),
                    format!("{what} must not be empty"),
                ));
            }
        }
        let kind = get_str(r, &["kind"]).unwrap_or_default();
        let name = get_str(r, &["name"]).unwrap_or_default();
        if get(r, &["controller"]).and_then(Value::as_bool) == Some(true) {
            controllers.push(format!("{kind}/{name}"));
        }
    }
    if controllers.len() > 1 {
        errs.push(invalid_rendered(
            "metadata.ownerReferences",
            "[]v1.OwnerReference{...}",
            &format!(
                "Only one reference can have Controller set to true. Found \"true\" in references for {}",
                controllers.join(" and ")
            ),
        ));
    }
    errs
}

/// ValidateObjectMetaUpdate: name/namespace immutable, labels/annotations valid.
fn object_meta_update(new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    for k in ["name", "namespace"] {
        let n = get_str(new, &["metadata", k]).unwrap_or_default();
        let o = get_str(old, &["metadata", k]).unwrap_or_default();
        if n != o {
            errs.push(FieldError::invalid(
                format!("metadata.{k}"),
                json!(n),
                "field is immutable",
            ));
        }
    }
    errs.extend(validate_labels(
        get_obj(new, &["metadata", "labels"]),
        "metadata.labels",
    ));
    errs.extend(validate_annotations(
        get_obj(new, &["metadata", "annotations"]),
        "metadata.annotations",
    ));
    errs.extend(owner_references(new));
    errs
}

pub fn validate_create(rt: &ResourceType, obj: &Value) -> Errs {
    let mut errs = object_meta(rt, obj);
    errs.extend(kind_rules(rt, obj));
    errs
}

fn kind_rules(rt: &ResourceType, obj: &Value) -> Errs {
    match (rt.group, rt.kind) {
        ("apps", "StatefulSet") => statefulset_spec(obj.get("spec").unwrap_or(&Value::Null)),
        ("apps", "ControllerRevision") => controller_revision(obj),
        ("", "Pod") => pod_spec(obj.get("spec").unwrap_or(&Value::Null), "spec"),
        ("", "Service") => service(obj),
        ("", "PersistentVolumeClaim") => pvc_spec(obj.get("spec").unwrap_or(&Value::Null)),
        ("", "ConfigMap") => config_map(obj),
        ("", "Secret") => secret(obj),
        ("", "LimitRange") => limit_range(obj),
        ("", "Event") => core_event(obj),
        ("storage.k8s.io", "StorageClass") => storage_class(obj),
        ("policy", "PodDisruptionBudget") => pdb_spec(obj.get("spec").unwrap_or(&Value::Null)),
        ("rbac.authorization.k8s.io", kind) => crate::rbac::validate(kind, obj),
        _ => Vec::new(),
    }
}

pub fn validate_update(rt: &ResourceType, new: &Value, old: &Value, sub: Option<&str>) -> Errs {
    let mut errs = object_meta_update(new, old);
    if sub == Some("status") {
        if rt.kind == "StatefulSet" {
            errs.extend(statefulset_status(new, old));
        }
        if rt.kind == "PodDisruptionBudget" {
            errs.extend(pdb_status(new));
        }
        return errs;
    }
    match (rt.group, rt.kind) {
        ("apps", "StatefulSet") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(statefulset_immutable(new, old));
        }
        ("apps", "ControllerRevision") => {
            errs.extend(kind_rules(rt, new));
            if new.get("data") != old.get("data") {
                errs.push(invalid_rendered(
                    "data",
                    &format!(
                        "runtime.RawExtension{{Raw:{}}}",
                        new.get("data").map(Value::to_string).unwrap_or_default()
                    ),
                    "field is immutable",
                ));
            }
        }
        ("", "Pod") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(pod_update(new, old));
        }
        ("", "Service") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(service_update(new, old));
        }
        ("", "PersistentVolumeClaim") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(pvc_update(new, old));
        }
        ("", "ConfigMap") | ("", "Secret") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(immutable_data_update(rt, new, old));
        }
        ("storage.k8s.io", "StorageClass") => {
            errs.extend(kind_rules(rt, new));
            errs.extend(storage_class_update(new, old));
        }
        ("rbac.authorization.k8s.io", kind) => {
            errs.extend(crate::rbac::validate_update(kind, new, old))
        }
        _ => errs.extend(kind_rules(rt, new)),
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// StatefulSet

/// ValidateLabelSelector (strict label values).
fn label_selector(sel: &Value, path: &str) -> Errs {
    let mut errs = validate_labels(
        get_obj(sel, &["matchLabels"]),
        &format!("{path}.matchLabels"),
    );
    for (i, e) in get_arr(sel, &["matchExpressions"]).iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        let op = get_str(e, &["operator"]).unwrap_or_default();
        let values = get_arr(e, &["values"]);
        match op {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            _ => errs.push(FieldError::invalid(
                format!("{p}.operator"),
                json!(op),
                "not a valid selector operator",
            )),
        }
        let key = get_str(e, &["key"]).unwrap_or_default();
        for msg in is_qualified_name(key) {
            errs.push(FieldError::invalid(format!("{p}.key"), json!(key), msg));
        }
        for (j, v) in values.iter().enumerate() {
            let vs = v.as_str().unwrap_or_default();
            for msg in is_valid_label_value(vs) {
                errs.push(FieldError::invalid(
                    format!("{p}.values[{j}]"),
                    json!(vs),
                    msg,
                ));
            }
        }
    }
    errs
}

/// Go `%#v` of a *metav1.LabelSelector (approximate for matchExpressions).
fn go_selector(sel: &Value) -> String {
    let ml = get_obj(sel, &["matchLabels"]);
    let me = get_arr(sel, &["matchExpressions"]);
    let me_s = if sel.get("matchExpressions").is_none() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        format!("[]v1.LabelSelectorRequirement{{...{} items}}", me.len())
    };
    format!(
        "&v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_string_map(ml),
        me_s
    )
}

/// ValidateStatefulSetSpec. As upstream, the pod template's PodSpec itself is NOT validated
/// (only labels/annotations, restartPolicy and activeDeadlineSeconds): an invalid template is
/// accepted and the pods then fail to create (FailedCreate events).
fn statefulset_spec(spec: &Value) -> Errs {
    let mut errs = Vec::new();
    let pmp = get_str(spec, &["podManagementPolicy"]).unwrap_or_default();
    match pmp {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            json!(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let us = spec.get("updateStrategy").cloned().unwrap_or(json!({}));
    let ru = us.get("rollingUpdate").filter(|r| !r.is_null());
    match get_str(&us, &["type"]).unwrap_or_default() {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = ru {
                errs.push(invalid_rendered(
                    "spec.updateStrategy.rollingUpdate",
                    &go_rolling_update(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = ru {
                nonneg(
                    &mut errs,
                    ru.get("partition"),
                    "spec.updateStrategy.rollingUpdate.partition",
                );
                if let Some(mu) = ru.get("maxUnavailable").filter(|m| !m.is_null()) {
                    // MaxUnavailableStatefulSet is alpha/off in 1.32: the field is dropped by
                    // the strategy, but a value that is present must still be sane.
                    if let Some(n) = mu.as_i64() {
                        if n < 1 {
                            errs.push(FieldError::invalid(
                                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                                json!(n),
                                "must be greater than 0",
                            ));
                        }
                    }
                }
            }
        }
        other => errs.push(invalid_rendered(
            "spec.updateStrategy",
            &format!(
                "apps.StatefulSetUpdateStrategy{{Type:\"{other}\", RollingUpdate:{}}}",
                ru.map(go_rolling_update)
                    .unwrap_or_else(|| "(*apps.RollingUpdateStatefulSetStrategy)(nil)".into())
            ),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(p) = spec
        .get("persistentVolumeClaimRetentionPolicy")
        .filter(|p| !p.is_null())
    {
        for k in ["whenDeleted", "whenScaled"] {
            let v = get_str(p, &[k]).unwrap_or_default();
            if v != "Retain" && v != "Delete" {
                errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{k}"),
                    json!(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    nonneg(&mut errs, spec.get("replicas"), "spec.replicas");
    nonneg(
        &mut errs,
        spec.get("minReadySeconds"),
        "spec.minReadySeconds",
    );
    if let Some(o) = spec.get("ordinals").filter(|o| !o.is_null()) {
        nonneg(&mut errs, o.get("start"), "spec.ordinals.start");
    }
    let template = spec.get("template").cloned().unwrap_or(json!({}));
    let tlabels = get_obj(&template, &["metadata", "labels"]);
    match spec.get("selector").filter(|s| !s.is_null()) {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            errs.extend(label_selector(sel, "spec.selector"));
            let n = get_obj(sel, &["matchLabels"]).map_or(0, Map::len)
                + get_arr(sel, &["matchExpressions"]).len();
            if n == 0 {
                errs.push(invalid_rendered(
                    "spec.selector",
                    &go_selector(sel),
                    "empty selector is invalid for statefulset",
                ));
            }
            match labels::requirements(sel) {
                Err(_) => errs.push(invalid_rendered("spec.selector", &go_selector(sel), "")),
                Ok(reqs) => {
                    if !reqs.is_empty() && !labels::matches(&reqs, tlabels) {
                        errs.push(invalid_rendered(
                            "spec.template.metadata.labels",
                            &go_string_map(tlabels),
                            "`selector` does not match template `labels`",
                        ));
                    }
                }
            }
        }
    }
    errs.extend(validate_labels(tlabels, "spec.template.labels"));
    errs.extend(validate_annotations(
        get_obj(&template, &["metadata", "annotations"]),
        "spec.template.annotations",
    ));
    let rp = get_str(&template, &["spec", "restartPolicy"]).unwrap_or_default();
    if rp != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            json!(rp),
            &["Always"],
        ));
    }
    if get(&template, &["spec", "activeDeadlineSeconds"]).is_some_and(|v| !v.is_null()) {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

fn go_rolling_update(ru: &Value) -> String {
    let p = as_i64(ru.get("partition")).unwrap_or(0);
    format!("&apps.RollingUpdateStatefulSetStrategy{{Partition:{p}, MaxUnavailable:(*intstr.IntOrString)(nil)}}")
}

/// The exact message of ValidateStatefulSetUpdate's Forbidden error.
pub const STS_UPDATE_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

fn statefulset_immutable(new: &Value, old: &Value) -> Errs {
    let strip = |v: &Value| {
        let mut s = v.get("spec").cloned().unwrap_or(json!({}));
        if let Some(m) = s.as_object_mut() {
            for k in [
                "replicas",
                "ordinals",
                "template",
                "updateStrategy",
                "revisionHistoryLimit",
                "persistentVolumeClaimRetentionPolicy",
                "minReadySeconds",
            ] {
                m.remove(k);
            }
        }
        s
    };
    if semantic_eq(&strip(new), &strip(old)) {
        Vec::new()
    } else {
        vec![FieldError::forbidden("spec", STS_UPDATE_FORBIDDEN)]
    }
}

/// Semantic deep-equality on raw JSON: nulls and absent members are the same; quantities by
/// value.
pub fn semantic_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().all(|k| {
                let n = Value::Null;
                semantic_eq(x.get(k).unwrap_or(&n), y.get(k).unwrap_or(&n))
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| semantic_eq(p, q))
        }
        // apimachinery's forked DeepEqual: an empty slice equals a nil one.
        (Value::Array(x), Value::Null) | (Value::Null, Value::Array(x)) => x.is_empty(),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Number(_), Value::String(_)) | (Value::String(_), Value::Number(_)) => {
            match (quantity::parse_value(a), quantity::parse_value(b)) {
                (Ok(p), Ok(q)) => p == q,
                _ => false,
            }
        }
        _ => a == b,
    }
}

/// ValidateStatefulSetStatus + collisionCount never decremented.
fn statefulset_status(new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    let st = new.get("status").cloned().unwrap_or(json!({}));
    let g = |k: &str| as_i64(st.get(k)).unwrap_or(0);
    for k in [
        "replicas",
        "readyReplicas",
        "currentReplicas",
        "updatedReplicas",
        "availableReplicas",
        "observedGeneration",
        "collisionCount",
    ] {
        nonneg(&mut errs, st.get(k), &format!("status.{k}"));
    }
    let msg = "cannot be greater than status.replicas";
    for k in [
        "readyReplicas",
        "currentReplicas",
        "updatedReplicas",
        "availableReplicas",
    ] {
        if g(k) > g("replicas") {
            errs.push(FieldError::invalid(format!("status.{k}"), json!(g(k)), msg));
        }
    }
    if g("availableReplicas") > g("readyReplicas") {
        errs.push(FieldError::invalid(
            "status.availableReplicas",
            json!(g("availableReplicas")),
            "cannot be greater than status.readyReplicas",
        ));
    }
    let new_cc = as_i64(get(new, &["status", "collisionCount"]));
    let old_cc = as_i64(get(old, &["status", "collisionCount"]));
    if let Some(o) = old_cc {
        if new_cc.is_none_or(|n| n < o) {
            errs.push(FieldError::invalid(
                "status.collisionCount",
                json!(new_cc.unwrap_or(0)),
                "cannot be decremented",
            ));
        }
    }
    errs
}

fn controller_revision(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    if obj.get("data").is_none_or(Value::is_null) {
        errs.push(FieldError::required("data", "data is mandatory"));
    }
    nonneg(&mut errs, obj.get("revision"), "revision");
    errs
}

// ---------------------------------------------------------------------------------------------
// Pod

/// ValidatePodSpec essentials (as for a Pod create).
pub fn pod_spec(spec: &Value, path: &str) -> Errs {
    let mut errs = Vec::new();
    // volumes
    let mut vol_names = std::collections::BTreeSet::new();
    for (i, v) in get_arr(spec, &["volumes"]).iter().enumerate() {
        let p = format!("{path}.volumes[{i}]");
        let present: Vec<&str> = super::defaults::volume_sources()
            .iter()
            .copied()
            .filter(|s| v.get(*s).is_some_and(|x| !x.is_null()))
            .collect();
        if present.is_empty() {
            errs.push(FieldError::required(
                p.clone(),
                "must specify a volume type",
            ));
        } else if present.len() > 1 {
            errs.push(FieldError::forbidden(
                format!("{p}.{}", present[1]),
                "may not specify more than 1 volume type",
            ));
        }
        let name = get_str(v, &["name"]).unwrap_or_default();
        if name.is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        } else {
            for msg in is_dns1123_label(name) {
                errs.push(FieldError::invalid(format!("{p}.name"), json!(name), msg));
            }
        }
        if !vol_names.insert(name.to_string()) {
            errs.push(FieldError::duplicate(format!("{p}.name"), json!(name)));
        }
    }
    let containers = get_arr(spec, &["containers"]);
    let mut all_names = std::collections::BTreeSet::new();
    for (i, c) in get_arr(spec, &["initContainers"]).iter().enumerate() {
        errs.extend(container(
            c,
            &format!("{path}.initContainers[{i}]"),
            &vol_names,
            &mut all_names,
        ));
    }
    if containers.is_empty() {
        errs.push(FieldError::required(format!("{path}.containers"), ""));
    }
    for (i, c) in containers.iter().enumerate() {
        errs.extend(container(
            c,
            &format!("{path}.containers[{i}]"),
            &vol_names,
            &mut all_names,
        ));
    }
    let rp = get_str(spec, &["restartPolicy"]).unwrap_or_default();
    match rp {
        "" => errs.push(FieldError::required(format!("{path}.restartPolicy"), "")),
        "Always" | "OnFailure" | "Never" => {}
        other => errs.push(FieldError::not_supported(
            format!("{path}.restartPolicy"),
            json!(other),
            &["Always", "OnFailure", "Never"],
        )),
    }
    let dp = get_str(spec, &["dnsPolicy"]).unwrap_or_default();
    match dp {
        "" => errs.push(FieldError::required(format!("{path}.dnsPolicy"), "")),
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        other => errs.push(FieldError::not_supported(
            format!("{path}.dnsPolicy"),
            json!(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    if let Some(h) = get_str(spec, &["hostname"]).filter(|h| !h.is_empty()) {
        for msg in is_dns1123_label(h) {
            errs.push(FieldError::invalid(
                format!("{path}.hostname"),
                json!(h),
                msg,
            ));
        }
    }
    if let Some(h) = get_str(spec, &["subdomain"]).filter(|h| !h.is_empty()) {
        for msg in is_dns1123_label(h) {
            errs.push(FieldError::invalid(
                format!("{path}.subdomain"),
                json!(h),
                msg,
            ));
        }
    }
    nonneg(
        &mut errs,
        spec.get("activeDeadlineSeconds"),
        &format!("{path}.activeDeadlineSeconds"),
    );
    if let Some(n) = as_i64(spec.get("activeDeadlineSeconds")) {
        if n == 0 {
            errs.push(FieldError::invalid(
                format!("{path}.activeDeadlineSeconds"),
                json!(n),
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }
    errs
}

fn container(
    c: &Value,
    p: &str,
    volumes: &std::collections::BTreeSet<String>,
    all_names: &mut std::collections::BTreeSet<String>,
) -> Errs {
    let mut errs = Vec::new();
    let name = get_str(c, &["name"]).unwrap_or_default();
    if name.is_empty() {
        errs.push(FieldError::required(format!("{p}.name"), ""));
    } else {
        for msg in is_dns1123_label(name) {
            errs.push(FieldError::invalid(format!("{p}.name"), json!(name), msg));
        }
    }
    if !name.is_empty() && !all_names.insert(name.to_string()) {
        errs.push(FieldError::duplicate(format!("{p}.name"), json!(name)));
    }
    if get_str(c, &["image"]).unwrap_or_default().is_empty() {
        errs.push(FieldError::required(format!("{p}.image"), ""));
    }
    match get_str(c, &["imagePullPolicy"]).unwrap_or_default() {
        "" => errs.push(FieldError::required(format!("{p}.imagePullPolicy"), "")),
        "Always" | "IfNotPresent" | "Never" => {}
        other => errs.push(FieldError::not_supported(
            format!("{p}.imagePullPolicy"),
            json!(other),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    match get_str(c, &["terminationMessagePolicy"]).unwrap_or_default() {
        "" => errs.push(FieldError::required(
            format!("{p}.terminationMessagePolicy"),
            "",
        )),
        "File" | "FallbackToLogsOnError" => {}
        other => errs.push(FieldError::not_supported(
            format!("{p}.terminationMessagePolicy"),
            json!(other),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    // ports
    let mut port_names = std::collections::BTreeSet::new();
    for (i, port) in get_arr(c, &["ports"]).iter().enumerate() {
        let pp = format!("{p}.ports[{i}]");
        let pname = get_str(port, &["name"]).unwrap_or_default();
        if !pname.is_empty() {
            let msgs = is_valid_port_name(pname);
            if !msgs.is_empty() {
                for msg in msgs {
                    errs.push(FieldError::invalid(format!("{pp}.name"), json!(pname), msg));
                }
            } else if !port_names.insert(pname.to_string()) {
                errs.push(FieldError::duplicate(format!("{pp}.name"), json!(pname)));
            }
        }
        let cp = as_i64(port.get("containerPort")).unwrap_or(0);
        if cp == 0 {
            errs.push(FieldError::required(format!("{pp}.containerPort"), ""));
        } else {
            for msg in is_valid_port_num(cp) {
                errs.push(FieldError::invalid(
                    format!("{pp}.containerPort"),
                    json!(cp),
                    msg,
                ));
            }
        }
        if let Some(hp) = as_i64(port.get("hostPort")).filter(|h| *h != 0) {
            for msg in is_valid_port_num(hp) {
                errs.push(FieldError::invalid(
                    format!("{pp}.hostPort"),
                    json!(hp),
                    msg,
                ));
            }
        }
        match get_str(port, &["protocol"]).unwrap_or_default() {
            "" => errs.push(FieldError::required(format!("{pp}.protocol"), "")),
            "SCTP" | "TCP" | "UDP" => {}
            other => errs.push(FieldError::not_supported(
                format!("{pp}.protocol"),
                json!(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    // env
    for (i, e) in get_arr(c, &["env"]).iter().enumerate() {
        let ep = format!("{p}.env[{i}]");
        let en = get_str(e, &["name"]).unwrap_or_default();
        if en.is_empty() {
            errs.push(FieldError::required(format!("{ep}.name"), ""));
        } else {
            for msg in is_relaxed_env_var_name(en) {
                errs.push(FieldError::invalid(format!("{ep}.name"), json!(en), msg));
            }
        }
        if let Some(vf) = e.get("valueFrom").filter(|v| !v.is_null()) {
            let n = [
                "fieldRef",
                "resourceFieldRef",
                "configMapKeyRef",
                "secretKeyRef",
            ]
            .iter()
            .filter(|k| vf.get(**k).is_some_and(|x| !x.is_null()))
            .count();
            if n == 0 {
                errs.push(invalid_rendered(
                    format!("{ep}.valueFrom"),
                    "\"\"",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                ));
            } else if n > 1 {
                errs.push(invalid_rendered(
                    format!("{ep}.valueFrom"),
                    "\"\"",
                    "may not have more than one field specified at a time",
                ));
            }
            if get_str(e, &["value"]).is_some_and(|v| !v.is_empty()) {
                errs.push(invalid_rendered(
                    format!("{ep}.valueFrom"),
                    "\"\"",
                    "may not be specified when `value` is not empty",
                ));
            }
        }
    }
    // volumeMounts
    let mut mount_paths = std::collections::BTreeSet::new();
    for (i, m) in get_arr(c, &["volumeMounts"]).iter().enumerate() {
        let mp = format!("{p}.volumeMounts[{i}]");
        let mn = get_str(m, &["name"]).unwrap_or_default();
        if mn.is_empty() {
            errs.push(FieldError::required(format!("{mp}.name"), ""));
        }
        if !volumes.contains(mn) {
            errs.push(not_found(format!("{mp}.name"), mn));
        }
        let path = get_str(m, &["mountPath"]).unwrap_or_default();
        if path.is_empty() {
            errs.push(FieldError::required(format!("{mp}.mountPath"), ""));
        } else if !mount_paths.insert(path.to_string()) {
            errs.push(FieldError::invalid(
                format!("{mp}.mountPath"),
                json!(path),
                "must be unique",
            ));
        }
    }
    // resources
    let res = c.get("resources").cloned().unwrap_or(json!({}));
    let limits = get_obj(&res, &["limits"]).cloned().unwrap_or_default();
    let requests = get_obj(&res, &["requests"]).cloned().unwrap_or_default();
    for (kind, list) in [("limits", &limits), ("requests", &requests)] {
        for (k, v) in list {
            let fp = format!("{p}.resources.{kind}[{k}]");
            match quantity::parse_value(v) {
                Ok(q) if q < 0.0 => {
                    errs.push(FieldError::invalid(fp, json!(quantity::display(v)), NONNEG))
                }
                Ok(q) if kind == "requests" => {
                    if let Some(lv) = limits.get(k) {
                        if let Ok(lq) = quantity::parse_value(lv) {
                            let overcommit = !k.starts_with("hugepages-");
                            if !overcommit && q != lq {
                                errs.push(FieldError::invalid(
                                    fp,
                                    json!(quantity::display(v)),
                                    format!(
                                        "must be equal to {k} limit of {}",
                                        quantity::display(lv)
                                    ),
                                ));
                            } else if q > lq {
                                errs.push(FieldError::invalid(
                                    fp,
                                    json!(quantity::display(v)),
                                    format!(
                                        "must be less than or equal to {k} limit of {}",
                                        quantity::display(lv)
                                    ),
                                ));
                            }
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => errs.push(FieldError::invalid(fp, json!(quantity::display(v)), e)),
            }
        }
    }
    // probes
    for (key, liveness_like) in [
        ("livenessProbe", true),
        ("readinessProbe", false),
        ("startupProbe", true),
    ] {
        if let Some(pr) = c.get(key).filter(|x| !x.is_null()) {
            let pp = format!("{p}.{key}");
            for f in [
                "initialDelaySeconds",
                "timeoutSeconds",
                "periodSeconds",
                "successThreshold",
                "failureThreshold",
            ] {
                nonneg(&mut errs, pr.get(f), &format!("{pp}.{f}"));
            }
            if liveness_like {
                if let Some(st) = as_i64(pr.get("successThreshold")) {
                    if st != 1 {
                        errs.push(FieldError::invalid(
                            format!("{pp}.successThreshold"),
                            json!(st),
                            "must be 1",
                        ));
                    }
                }
            }
            errs.extend(handler(pr, &pp, &["exec", "httpGet", "tcpSocket", "grpc"]));
        }
    }
    errs
}

/// validateHandler: exactly one handler type.
fn handler(h: &Value, p: &str, kinds: &[&str]) -> Errs {
    let present: Vec<&str> = kinds
        .iter()
        .copied()
        .filter(|k| h.get(*k).is_some_and(|x| !x.is_null()))
        .collect();
    let mut errs = Vec::new();
    if present.is_empty() {
        errs.push(FieldError::required(p, "must specify a handler type"));
    }
    for extra in present.iter().skip(1) {
        errs.push(FieldError::forbidden(
            format!("{p}.{extra}"),
            "may not specify more than 1 handler type",
        ));
    }
    if let Some(hg) = h.get("httpGet").filter(|x| !x.is_null()) {
        errs.extend(port_ref(hg.get("port"), &format!("{p}.httpGet.port")));
        match get_str(hg, &["scheme"]).unwrap_or_default() {
            "HTTP" | "HTTPS" | "" => {}
            other => errs.push(FieldError::not_supported(
                format!("{p}.httpGet.scheme"),
                json!(other),
                &["HTTP", "HTTPS"],
            )),
        }
    }
    if let Some(ts) = h.get("tcpSocket").filter(|x| !x.is_null()) {
        errs.extend(port_ref(ts.get("port"), &format!("{p}.tcpSocket.port")));
    }
    errs
}

/// ValidatePortNumOrName.
fn port_ref(v: Option<&Value>, p: &str) -> Errs {
    let mut errs = Vec::new();
    match v {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            for msg in is_valid_port_num(n) {
                errs.push(FieldError::invalid(p, json!(n), msg));
            }
        }
        Some(Value::String(s)) => {
            if s.is_empty() {
                errs.push(FieldError::required(p, ""));
            } else {
                for msg in is_valid_port_name(s) {
                    errs.push(FieldError::invalid(p, json!(s), msg));
                }
            }
        }
        _ => errs.push(FieldError::required(p, "")),
    }
    errs
}

/// ValidatePodUpdate: only images, activeDeadlineSeconds, tolerations additions and
/// terminationGracePeriodSeconds may change. (Upstream appends a struct diff to the
/// message; omitted here.)
fn pod_update(new: &Value, old: &Value) -> Errs {
    let strip = |v: &Value| {
        let mut s = v.get("spec").cloned().unwrap_or(json!({}));
        if let Some(m) = s.as_object_mut() {
            for k in [
                "activeDeadlineSeconds",
                "tolerations",
                "terminationGracePeriodSeconds",
            ] {
                m.remove(k);
            }
            for ck in ["containers", "initContainers"] {
                if let Some(Value::Array(a)) = m.get_mut(ck) {
                    for c in a {
                        if let Some(cm) = c.as_object_mut() {
                            cm.remove("image");
                        }
                    }
                }
            }
            // nodeName may be set once (binding).
            m.remove("nodeName");
        }
        s
    };
    let mut errs = Vec::new();
    if !semantic_eq(&strip(new), &strip(old)) {
        errs.push(FieldError::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ));
    }
    if let Some(on) = get_str(old, &["spec", "nodeName"]).filter(|s| !s.is_empty()) {
        if get_str(new, &["spec", "nodeName"]) != Some(on) {
            errs.push(FieldError::forbidden(
                "spec",
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            ));
        }
    }
    errs.truncate(1);
    errs
}

// ---------------------------------------------------------------------------------------------
// Service

fn service(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    let spec = obj.get("spec").cloned().unwrap_or(json!({}));
    let ty = get_str(&spec, &["type"]).unwrap_or_default();
    let cluster_ip = get_str(&spec, &["clusterIP"]).unwrap_or_default();
    let headless = cluster_ip == "None";
    let ports = get_arr(&spec, &["ports"]);
    match ty {
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort" => {}
        "" => errs.push(FieldError::required("spec.type", "")),
        other => errs.push(FieldError::not_supported(
            "spec.type",
            json!(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        )),
    }
    if ty == "ExternalName" {
        let en = get_str(&spec, &["externalName"]).unwrap_or_default();
        if en.is_empty() {
            errs.push(FieldError::required("spec.externalName", ""));
        }
    } else if ports.is_empty() && !headless {
        errs.push(FieldError::required("spec.ports", ""));
    }
    if ty == "ClusterIP" || ty.is_empty() || ty == "LoadBalancer" || ty == "NodePort" {
        if !cluster_ip.is_empty() && !headless && !is_ipv4(cluster_ip) {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                json!(cluster_ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
        if let Ok(ip) = cluster_ip.parse::<std::net::Ipv4Addr>() {
            if !in_service_cidr(ip) {
                errs.push(invalid_rendered(
                    "spec.clusterIPs",
                    &format!("[]string{{{cluster_ip:?}}}"),
                    &format!("failed to allocate IP {cluster_ip}: the provided IP ({cluster_ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"),
                ));
            }
        }
        if headless && (ty == "LoadBalancer" || ty == "NodePort") {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                json!("None"),
                format!("may not be set to 'None' for {ty} services"),
            ));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        let name = get_str(p, &["name"]).unwrap_or_default();
        if ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(format!("{pp}.name"), ""));
        } else if !name.is_empty() {
            for msg in is_dns1123_label(name) {
                errs.push(FieldError::invalid(format!("{pp}.name"), json!(name), msg));
            }
            if !names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(format!("{pp}.name"), json!(name)));
            }
        }
        let port = as_i64(p.get("port")).unwrap_or(0);
        for msg in is_valid_port_num(port) {
            errs.push(FieldError::invalid(format!("{pp}.port"), json!(port), msg));
        }
        let proto = get_str(p, &["protocol"]).unwrap_or_default();
        match proto {
            "" => errs.push(FieldError::required(format!("{pp}.protocol"), "")),
            "SCTP" | "TCP" | "UDP" => {}
            other => errs.push(FieldError::not_supported(
                format!("{pp}.protocol"),
                json!(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
        if ty != "ExternalName" {
            errs.extend(port_ref(p.get("targetPort"), &format!("{pp}.targetPort")));
        }
        if let Some(np) = as_i64(p.get("nodePort")).filter(|n| *n != 0) {
            if ty == "ClusterIP" {
                errs.push(FieldError::forbidden(
                    format!("{pp}.nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            } else {
                for msg in is_valid_port_num(np) {
                    errs.push(FieldError::invalid(
                        format!("{pp}.nodePort"),
                        json!(np),
                        msg,
                    ));
                }
            }
        }
        if !seen.insert((port, proto.to_string())) {
            errs.push(FieldError::new(
                FieldErrorType::Duplicate,
                pp.clone(),
                None,
                format!("core.ServicePort{{Name:{name:?}, Protocol:{proto:?}, Port:{port}}}"),
            ));
        }
    }
    match get_str(&spec, &["sessionAffinity"]).unwrap_or_default() {
        "ClientIP" | "None" => {}
        "" => errs.push(FieldError::required("spec.sessionAffinity", "")),
        other => errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            json!(other),
            &["ClientIP", "None"],
        )),
    }
    errs.extend(validate_labels(
        get_obj(&spec, &["selector"]),
        "spec.selector",
    ));
    errs
}

/// The simulated cluster's service CIDR, 10.96.0.0/12.
pub fn in_service_cidr(ip: std::net::Ipv4Addr) -> bool {
    let o = ip.octets();
    o[0] == 10 && (96..112).contains(&o[1])
}

/// The 422 when a requested clusterIP is already allocated to another Service (the core
/// knows the other services; upstream: pkg/registry/core/service/ipallocator).
pub fn cluster_ip_taken(name: &str, ip: &str) -> crate::errors::ApiError {
    crate::errors::ApiError::invalid(
        &crate::resources::SERVICES,
        name,
        &[invalid_rendered(
            "spec.clusterIPs",
            &format!("[]string{{{ip:?}}}"),
            &format!("failed to allocate IP {ip}: provided IP is already allocated"),
        )],
    )
}

fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok()
}

/// Service update: clusterIP(s) may not change once set (except to/from ExternalName).
fn service_update(new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    let old_ty = get_str(old, &["spec", "type"]).unwrap_or_default();
    let new_ty = get_str(new, &["spec", "type"]).unwrap_or_default();
    if old_ty == "ExternalName" || new_ty == "ExternalName" {
        return errs;
    }
    let o = get_str(old, &["spec", "clusterIP"]).unwrap_or_default();
    let n = get_str(new, &["spec", "clusterIP"]).unwrap_or_default();
    if !o.is_empty() && n != o {
        errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            json!(n),
            "may not change once set",
        ));
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// PVC

pub fn pvc_spec(spec: &Value) -> Errs {
    pvc_spec_at(spec, "spec")
}

fn pvc_spec_at(spec: &Value, path: &str) -> Errs {
    let mut errs = Vec::new();
    let modes = get_arr(spec, &["accessModes"]);
    if modes.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for m in modes {
        let m = m.as_str().unwrap_or_default();
        if ![
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOnce",
            "ReadWriteOncePod",
        ]
        .contains(&m)
        {
            errs.push(FieldError::not_supported(
                format!("{path}.accessModes"),
                json!(m),
                &[
                    "ReadOnlyMany",
                    "ReadWriteMany",
                    "ReadWriteOnce",
                    "ReadWriteOncePod",
                ],
            ));
        }
    }
    match get(spec, &["resources", "requests", "storage"]) {
        None => errs.push(FieldError::required(
            format!("{path}.resources[storage]"),
            "",
        )),
        Some(v) => match quantity::parse_value(v) {
            Ok(q) if q <= 0.0 => errs.push(FieldError::invalid(
                format!("{path}.resources[storage]"),
                json!(quantity::display(v)),
                "must be greater than zero",
            )),
            Ok(_) => {}
            Err(e) => errs.push(FieldError::invalid(
                format!("{path}.resources[storage]"),
                json!(quantity::display(v)),
                e,
            )),
        },
    }
    if let Some(vm) = get_str(spec, &["volumeMode"]) {
        if vm != "Block" && vm != "Filesystem" {
            errs.push(FieldError::not_supported(
                format!("{path}.volumeMode"),
                json!(vm),
                &["Block", "Filesystem"],
            ));
        }
    }
    errs
}

/// The Forbidden message of ValidatePersistentVolumeClaimUpdate for spec changes.
pub const PVC_SPEC_IMMUTABLE: &str = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

/// PVC update (ValidatePersistentVolumeClaimUpdate): spec immutable except
/// - spec.volumeName, settable once (the PV binder),
/// - spec.storageClassName, settable once from unset (retroactive default StorageClass),
/// - for bound claims, resources.requests.storage (resize) and volumeAttributesClassName.
///
/// Whether the StorageClass allows expansion is an admission check the core makes with
/// `super::pvc_resize_forbidden`. (Upstream appends a spec diff to the Forbidden message.)
fn pvc_update(new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    let bound = get_str(new, &["status", "phase"]) == Some("Bound");
    let old_vol_empty = get_str(old, &["spec", "volumeName"]).is_none_or(str::is_empty);
    let old_sc_unset = get(old, &["spec", "storageClassName"]).is_none_or(Value::is_null);
    let strip = |v: &Value| {
        let mut s = v.get("spec").cloned().unwrap_or(json!({}));
        if let Some(m) = s.as_object_mut() {
            if old_vol_empty {
                m.remove("volumeName");
            }
            if old_sc_unset {
                m.remove("storageClassName");
            }
            if bound {
                m.remove("volumeAttributesClassName");
            }
        }
        if bound {
            if let Some(r) = s
                .get_mut("resources")
                .and_then(|r| r.get_mut("requests"))
                .and_then(Value::as_object_mut)
            {
                r.remove("storage");
            }
        }
        s
    };
    if !semantic_eq(&strip(new), &strip(old)) {
        errs.push(FieldError::forbidden("spec", PVC_SPEC_IMMUTABLE));
        return errs;
    }
    let n = get(new, &["spec", "resources", "requests", "storage"])
        .and_then(|v| quantity::parse_value(v).ok());
    let o = get(old, &["spec", "resources", "requests", "storage"])
        .and_then(|v| quantity::parse_value(v).ok());
    // RecoverVolumeExpansionFailure (beta, on in 1.32): a request may shrink back down to
    // anything above status.capacity, never to or below it.
    let cap = get(old, &["status", "capacity", "storage"])
        .and_then(|v| quantity::parse_value(v).ok())
        .unwrap_or(0.0);
    if let (Some(n), Some(o)) = (n, o) {
        if n < o && n <= cap {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// ConfigMap / Secret

fn data_keys(obj: &Value, fields: &[&str]) -> Errs {
    let mut errs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for f in fields {
        if let Some(m) = get_obj(obj, &[f]) {
            for k in m.keys() {
                for msg in is_config_map_key(k) {
                    errs.push(FieldError::invalid(format!("{f}[{k}]"), json!(k), msg));
                }
                if !seen.insert(k.clone()) {
                    errs.push(FieldError::invalid(
                        format!("{f}[{k}]"),
                        json!(k),
                        "duplicate of key present in data",
                    ));
                }
            }
        }
    }
    errs
}

fn config_map(obj: &Value) -> Errs {
    let mut errs = data_keys(obj, &["data", "binaryData"]);
    let total: usize = ["data", "binaryData"]
        .iter()
        .filter_map(|f| get_obj(obj, &[f]))
        .flat_map(|m| m.values())
        .map(|v| v.as_str().map(str::len).unwrap_or_default())
        .sum();
    if total > 1024 * 1024 {
        errs.push(FieldError::too_long("", 1024 * 1024));
    }
    errs
}

fn secret(obj: &Value) -> Errs {
    let mut errs = data_keys(obj, &["data"]);
    if let Some(m) = get_obj(obj, &["stringData"]) {
        for k in m.keys() {
            for msg in is_config_map_key(k) {
                errs.push(FieldError::invalid(
                    format!("stringData[{k}]"),
                    json!(k),
                    msg,
                ));
            }
        }
    }
    let ty = get_str(obj, &["type"]).unwrap_or_default();
    let data = get_obj(obj, &["data"]);
    let has = |k: &str| data.is_some_and(|d| d.contains_key(k));
    match ty {
        "kubernetes.io/dockerconfigjson" if !has(".dockerconfigjson") => {
            errs.push(FieldError::required("data[.dockerconfigjson]", ""))
        }
        "kubernetes.io/tls" => {
            for k in ["tls.key", "tls.crt"] {
                if !has(k) {
                    errs.push(FieldError::required(format!("data[{k}]"), ""));
                }
            }
        }
        _ => {}
    }
    errs
}

fn immutable_data_update(rt: &ResourceType, new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    if rt.kind == "Secret" {
        let n = get_str(new, &["type"]).unwrap_or_default();
        let o = get_str(old, &["type"]).unwrap_or_default();
        if n != o {
            errs.push(FieldError::invalid("type", json!(n), "field is immutable"));
        }
    }
    if get(old, &["immutable"]).and_then(Value::as_bool) == Some(true) {
        if get(new, &["immutable"]).and_then(Value::as_bool) != Some(true) {
            errs.push(FieldError::forbidden(
                "immutable",
                "field is immutable when `immutable` is set",
            ));
        }
        let fields: &[&str] = if rt.kind == "Secret" {
            &["data"]
        } else {
            &["data", "binaryData"]
        };
        for f in fields {
            if new.get(*f) != old.get(*f) {
                errs.push(FieldError::forbidden(
                    *f,
                    "field is immutable when `immutable` is set",
                ));
            }
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// Others

fn limit_range(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    for (i, item) in get_arr(obj, &["spec", "limits"]).iter().enumerate() {
        let p = format!("spec.limits[{i}]");
        let ty = get_str(item, &["type"]).unwrap_or_default();
        if !["Container", "Pod", "PersistentVolumeClaim"].contains(&ty) {
            errs.push(FieldError::not_supported(
                format!("{p}.type"),
                json!(ty),
                &["Container", "PersistentVolumeClaim", "Pod"],
            ));
        }
        let min = get_obj(item, &["min"]).cloned().unwrap_or_default();
        let max = get_obj(item, &["max"]).cloned().unwrap_or_default();
        for (k, mv) in &min {
            if let (Ok(a), Some(Ok(b))) = (
                quantity::parse_value(mv),
                max.get(k).map(quantity::parse_value),
            ) {
                if a > b {
                    errs.push(FieldError::invalid(
                        format!("{p}.min[{k}]"),
                        json!(quantity::display(mv)),
                        format!(
                            "min value {} is greater than max value {}",
                            quantity::display(mv),
                            quantity::display(&max[k])
                        ),
                    ));
                }
            }
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// PodDisruptionBudget

/// Go's `%#v` of a pointer field of the internal spec (a placeholder address when set, as
/// upstream prints a real one).
fn go_ptr(ty: &str, v: Option<&Value>, addr: &str) -> String {
    match v {
        Some(v) if !v.is_null() => format!("({ty})({addr})"),
        _ => format!("({ty})(nil)"),
    }
}

/// `%#v` of an intstr.IntOrString (its String() has a pointer receiver, so a value is printed
/// as a struct).
fn go_int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{s:?}}}"),
        v => format!(
            "intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}",
            as_i64(Some(v)).unwrap_or(0)
        ),
    }
}

/// apps validation ValidatePositiveIntOrPercent + IsNotMoreThan100Percent.
fn positive_int_or_percent(v: &Value, path: &str) -> Errs {
    let mut errs = Vec::new();
    match v {
        Value::String(s) => {
            let valid = s
                .strip_suffix('%')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if !valid {
                errs.push(invalid_rendered(
                    path,
                    &go_int_or_string(v),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
            } else if s[..s.len() - 1].parse::<u64>().map_or(true, |n| n > 100) {
                errs.push(invalid_rendered(
                    path,
                    &go_int_or_string(v),
                    "must not be greater than 100%",
                ));
            }
        }
        v => nonneg(&mut errs, Some(v), path),
    }
    errs
}

/// ValidatePodDisruptionBudgetSpec (policy/v1).
fn pdb_spec(spec: &Value) -> Errs {
    let mut errs = Vec::new();
    let min = spec.get("minAvailable").filter(|v| !v.is_null());
    let max = spec.get("maxUnavailable").filter(|v| !v.is_null());
    if min.is_some() && max.is_some() {
        let rendered = format!(
            "policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:{}, MaxUnavailable:{}, UnhealthyPodEvictionPolicy:{}}}",
            go_ptr("*intstr.IntOrString", min, "0xc000a1e040"),
            go_ptr("*v1.LabelSelector", spec.get("selector"), "0xc000a1e060"),
            go_ptr("*intstr.IntOrString", max, "0xc000a1e080"),
            go_ptr(
                "*policy.UnhealthyPodEvictionPolicyType",
                spec.get("unhealthyPodEvictionPolicy"),
                "0xc000a1e0a0"
            ),
        );
        errs.push(invalid_rendered(
            "spec",
            &rendered,
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    if let Some(v) = min {
        errs.extend(positive_int_or_percent(v, "spec.minAvailable"));
    }
    if let Some(v) = max {
        errs.extend(positive_int_or_percent(v, "spec.maxUnavailable"));
    }
    if let Some(sel) = spec.get("selector").filter(|v| v.is_object()) {
        errs.extend(label_selector(sel, "spec.selector"));
    }
    if let Some(p) = get_str(spec, &["unhealthyPodEvictionPolicy"]) {
        if !["IfHealthyBudget", "AlwaysAllow"].contains(&p) {
            errs.push(FieldError::not_supported(
                "spec.unhealthyPodEvictionPolicy",
                json!(p),
                &["AlwaysAllow", "IfHealthyBudget"],
            ));
        }
    }
    errs
}

/// ValidatePodDisruptionBudgetStatusUpdate (policy/v1: counts may not be negative).
fn pdb_status(new: &Value) -> Errs {
    let mut errs = Vec::new();
    let st = new.get("status").cloned().unwrap_or(json!({}));
    for k in [
        "disruptionsAllowed",
        "currentHealthy",
        "desiredHealthy",
        "expectedPods",
    ] {
        nonneg(&mut errs, st.get(k), &format!("status.{k}"));
    }
    errs
}

fn core_event(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    let ns = get_str(obj, &["metadata", "namespace"]).unwrap_or_default();
    let ins = get_str(obj, &["involvedObject", "namespace"]).unwrap_or_default();
    if !ins.is_empty() && !ns.is_empty() && ins != ns {
        errs.push(FieldError::invalid(
            "involvedObject.namespace",
            json!(ins),
            "does not match event.namespace",
        ));
    }
    errs
}

fn storage_class(obj: &Value) -> Errs {
    let mut errs = Vec::new();
    let prov = get_str(obj, &["provisioner"]).unwrap_or_default();
    if prov.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    } else {
        for msg in is_qualified_name(&prov.to_lowercase()) {
            errs.push(FieldError::invalid("provisioner", json!(prov), msg));
        }
    }
    if let Some(r) = get_str(obj, &["reclaimPolicy"]) {
        if r != "Delete" && r != "Retain" {
            errs.push(FieldError::not_supported(
                "reclaimPolicy",
                json!(r),
                &["Delete", "Retain"],
            ));
        }
    }
    if let Some(m) = get_str(obj, &["volumeBindingMode"]) {
        if m != "Immediate" && m != "WaitForFirstConsumer" {
            errs.push(FieldError::not_supported(
                "volumeBindingMode",
                json!(m),
                &["Immediate", "WaitForFirstConsumer"],
            ));
        }
    }
    errs
}

fn storage_class_update(new: &Value, old: &Value) -> Errs {
    let mut errs = Vec::new();
    if !semantic_eq(
        new.get("parameters").unwrap_or(&Value::Null),
        old.get("parameters").unwrap_or(&Value::Null),
    ) {
        errs.push(FieldError::forbidden(
            "parameters",
            "updates to parameters are forbidden.",
        ));
    }
    if new.get("provisioner") != old.get("provisioner") {
        errs.push(FieldError::forbidden(
            "provisioner",
            "updates to provisioner are forbidden.",
        ));
    }
    if new.get("reclaimPolicy") != old.get("reclaimPolicy") {
        errs.push(FieldError::forbidden(
            "reclaimPolicy",
            "updates to reclaimPolicy are forbidden.",
        ));
    }
    if new.get("volumeBindingMode") != old.get("volumeBindingMode") {
        errs.push(FieldError::invalid(
            "volumeBindingMode",
            new.get("volumeBindingMode").cloned().unwrap_or(Value::Null),
            "field is immutable",
        ));
    }
    errs
}
