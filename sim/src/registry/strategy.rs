//! Create/update strategies and the server-side actions tied to them (clusterIP and nodePort
//! allocation, the pod admission plugins' fields).
//!
//! Upstream: pkg/registry/apps/statefulset/strategy.go, pkg/registry/core/pod/strategy.go
//! (PrepareForCreate, CheckGracefulDelete), pkg/apis/core/helper/qos/qos.go (GetPodQOS),
//! pkg/registry/core/service/strategy.go + storage/storage.go (allocation, patchAllocatedValues),
//! pkg/registry/core/persistentvolumeclaim/strategy.go,
//! pkg/registry/policy/poddisruptionbudget/strategy.go, pkg/registry/core/namespace/strategy.go,
//! pkg/registry/core/node/strategy.go, plugin/pkg/admission/serviceaccount,
//! plugin/pkg/admission/defaulttolerationseconds, plugin/pkg/admission/priority,
//! plugin/pkg/admission/storage/persistentvolume/resize.

use super::quantity;
use super::util::*;
use crate::errors::ApiError;
use crate::resources::ResourceType;
use serde_json::{json, Value};

pub fn prepare_for_create(rt: &ResourceType, obj: &mut Value) {
    if !obj.is_object() {
        return;
    }
    match (rt.group, rt.kind) {
        ("apps", "StatefulSet") => {
            // Status wiped; Go encodes the non-omitempty replicas/availableReplicas.
            obj["status"] = json!({"replicas": 0, "availableReplicas": 0});
            drop_max_unavailable(obj, None);
        }
        ("", "Pod") => {
            pod_admission(obj);
            let qos = qos_class(obj);
            obj["status"] = json!({"phase": "Pending", "qosClass": qos});
        }
        ("", "Service") => {
            obj["status"] = json!({"loadBalancer": {}});
            assign_cluster_ip(obj, 0);
            assign_node_ports(obj, None);
        }
        ("", "PersistentVolumeClaim") => {
            obj["status"] = json!({"phase": "Pending"});
        }
        // pkg/registry/policy/poddisruptionbudget/strategy.go: status reset (Go encodes the
        // four non-omitempty counts).
        ("policy", "PodDisruptionBudget") => {
            obj["status"] = json!({
                "disruptionsAllowed": 0,
                "currentHealthy": 0,
                "desiredHealthy": 0,
                "expectedPods": 0
            });
        }
        ("", "Namespace") => {
            obj["status"] = json!({"phase": "Active"});
            if let Some(spec) = obj_mut(obj, "spec") {
                let fins = spec
                    .get("finalizers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if !fins.iter().any(|f| f == "kubernetes") {
                    let mut f = fins;
                    f.push(json!("kubernetes"));
                    spec["finalizers"] = Value::Array(f);
                }
            }
        }
        _ => {}
    }
}

/// Kinds whose status is only written through /status.
fn has_status_subresource(rt: &ResourceType) -> bool {
    rt.has_subresource("status")
}

pub fn prepare_for_update(rt: &ResourceType, new: &mut Value, old: &Value) {
    if !new.is_object() {
        return;
    }
    if has_status_subresource(rt) {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    match (rt.group, rt.kind) {
        ("apps", "StatefulSet") => drop_max_unavailable(new, Some(old)),
        ("", "Namespace") => {
            // spec.finalizers only change through /finalize.
            let fins = get(old, &["spec", "finalizers"]).cloned();
            if let Some(spec) = obj_mut(new, "spec") {
                match fins {
                    Some(f) => spec["finalizers"] = f,
                    None => {
                        spec.as_object_mut().map(|m| m.remove("finalizers"));
                    }
                }
            }
        }
        ("", "Service") => {
            patch_allocated_values(new, old);
            assign_node_ports(new, Some(old));
        }
        _ => {}
    }
}

pub fn prepare_for_status_update(rt: &ResourceType, new: &mut Value, old: &Value) {
    let mut status = new.get("status").cloned();
    // podStatusStrategy: the QoS class is immutable; backfill it when a kubelet drops it.
    if rt.group.is_empty() && rt.kind == "Pod" {
        if let Some(st) = status.as_mut().filter(|s| s.is_object()) {
            if get_str(st, &["qosClass"]).is_none_or(str::is_empty) {
                if let Some(q) = get(old, &["status", "qosClass"]) {
                    st["qosClass"] = q.clone();
                }
            }
        }
    }
    let rv = get(new, &["metadata", "resourceVersion"]).cloned();
    let mut merged = old.clone();
    match status {
        Some(s) => merged["status"] = s,
        None => {
            merged.as_object_mut().map(|m| m.remove("status"));
        }
    }
    if let Some(rv) = rv {
        if let Some(m) = obj_mut(&mut merged, "metadata") {
            m["resourceVersion"] = rv;
        }
    }
    *new = merged;
}

/// dropStatefulSetDisabledFields: maxUnavailable needs the (alpha, off) MaxUnavailableStatefulSet
/// gate unless the old object already uses it.
fn drop_max_unavailable(obj: &mut Value, old: Option<&Value>) {
    let in_use = old
        .and_then(|o| {
            get(
                o,
                &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
            )
        })
        .is_some_and(|v| !v.is_null());
    if in_use {
        return;
    }
    if let Some(ru) = obj
        .get_mut("spec")
        .and_then(|s| s.get_mut("updateStrategy"))
        .and_then(|u| u.get_mut("rollingUpdate"))
        .and_then(Value::as_object_mut)
    {
        ru.remove("maxUnavailable");
    }
}

// ---------------------------------------------------------------------------------------------
// Pods

/// Fields the default admission chain adds to every pod: ServiceAccount (serviceAccountName
/// `default`; its token volume is `add_service_account_token_volume`, not applied here),
/// DefaultTolerationSeconds (not-ready/unreachable NoExecute for 300s) and Priority
/// (priority 0, preemptionPolicy PreemptLowerPriority).
fn pod_admission(pod: &mut Value) {
    let Some(spec) = obj_mut(pod, "spec") else {
        return;
    };
    if get_str(spec, &["serviceAccountName"]).is_none_or(str::is_empty) {
        spec["serviceAccountName"] = json!("default");
    }
    let sa = spec["serviceAccountName"].clone();
    spec["serviceAccount"] = sa;
    default_val(spec, "priority", json!(0));
    default_val(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    // DefaultTolerationSeconds
    let mut tols = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let present = tols.iter().any(|t| {
            let k = get_str(t, &["key"]).unwrap_or_default();
            let e = get_str(t, &["effect"]).unwrap_or_default();
            let op = get_str(t, &["operator"]).unwrap_or_default();
            (k == key || (k.is_empty() && op == "Exists")) && (e.is_empty() || e == "NoExecute")
        });
        if !present {
            tols.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
    spec["tolerations"] = Value::Array(tols);
}

/// The ServiceAccount admission plugin's token mount (plugin/pkg/admission/serviceaccount/
/// admission.go mountServiceAccountToken with bound token volumes): every init container and
/// container without a mount at /var/run/secrets/kubernetes.io/serviceaccount gets one of the
/// projected `kube-api-access-xxxxx` volume (token, kube-root-ca.crt's ca.crt, the namespace),
/// which is added unless the pod already has a `kube-api-access-` volume. Whether to mount at
/// all (automountServiceAccountToken of the pod, then of its ServiceAccount) is the caller's.
/// The suffix is utilrand.String(5)'s alphabet, derived from the pod's name (random upstream).
pub fn add_service_account_token_volume(pod: &mut Value) {
    let seed = format!(
        "{}/{}",
        get_str(pod, &["metadata", "namespace"]).unwrap_or_default(),
        get_str(pod, &["metadata", "name"])
            .or(get_str(pod, &["metadata", "generateName"]))
            .unwrap_or_default()
    );
    let Some(spec) = obj_mut(pod, "spec") else {
        return;
    };
    const MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
    let existing = get_arr(spec, &["volumes"])
        .iter()
        .filter_map(|v| get_str(v, &["name"]))
        .find(|n| n.starts_with("kube-api-access-"))
        .map(str::to_string);
    let vol_name = existing
        .clone()
        .unwrap_or_else(|| format!("kube-api-access-{}", short_suffix(&seed)));
    let mut needs_volume = false;
    for k in ["initContainers", "containers"] {
        each_mut(spec, k, |c| {
            let mounted = get_arr(c, &["volumeMounts"])
                .iter()
                .any(|m| get_str(m, &["mountPath"]) == Some(MOUNT));
            if mounted {
                return;
            }
            let m = json!({"mountPath": MOUNT, "name": vol_name, "readOnly": true});
            match c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                Some(a) => a.push(m),
                None => c["volumeMounts"] = json!([m]),
            }
            needs_volume = true;
        });
    }
    if existing.is_some() || !needs_volume {
        return;
    }
    // TokenVolumeSource(): expirationSeconds is WarnOnlyBoundTokenExpirationSeconds (3607).
    let vol = json!({
        "name": vol_name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
            ]
        }
    });
    match spec.get_mut("volumes").and_then(Value::as_array_mut) {
        Some(a) => a.push(vol),
        None => spec["volumes"] = json!([vol]),
    }
}

/// A 5-character suffix like utilrand.String(5) (deterministic from `seed`).
fn short_suffix(seed: &str) -> String {
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = fnv1a(seed.as_bytes());
    (0..5)
        .map(|_| {
            let c = ALPHA[(h % ALPHA.len() as u64) as usize] as char;
            h /= ALPHA.len() as u64;
            c
        })
        .collect()
}

fn fnv1a(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// GetPodQOS: BestEffort without any cpu/memory request or limit; Guaranteed when every
/// container limits cpu and memory and requests equal limits; else Burstable.
pub fn qos_class(pod: &Value) -> &'static str {
    let mut requests: std::collections::BTreeMap<String, f64> = Default::default();
    let mut limits: std::collections::BTreeMap<String, f64> = Default::default();
    let mut guaranteed = true;
    let spec = pod.get("spec").cloned().unwrap_or(json!({}));
    for key in ["containers", "initContainers"] {
        for c in get_arr(&spec, &[key]) {
            let mut has_limit = std::collections::BTreeSet::new();
            for (kind, acc) in [("requests", &mut requests), ("limits", &mut limits)] {
                if let Some(list) = get_obj(c, &["resources", kind]) {
                    for (name, q) in list {
                        if name != "cpu" && name != "memory" {
                            continue;
                        }
                        let v = quantity::parse_value(q).unwrap_or(0.0);
                        if v > 0.0 {
                            *acc.entry(name.clone()).or_default() += v;
                            if kind == "limits" {
                                has_limit.insert(name.clone());
                            }
                        }
                    }
                }
            }
            if has_limit.len() != 2 {
                guaranteed = false;
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed && limits.len() == 2 && requests.iter().all(|(k, v)| limits.get(k) == Some(v)) {
        // requests were defaulted from limits (SetDefaults_Pod), so equal sets mean equal values
        if requests.len() == limits.len() {
            return "Guaranteed";
        }
    }
    "Burstable"
}

/// CheckGracefulDelete for pods; every other kind is deleted at once.
pub fn graceful_delete_seconds(
    rt: &ResourceType,
    obj: &Value,
    requested: Option<i64>,
) -> Option<i64> {
    if !(rt.group.is_empty() && rt.kind == "Pod") {
        return None;
    }
    let mut period = requested
        .or_else(|| as_i64(get(obj, &["spec", "terminationGracePeriodSeconds"])))
        .unwrap_or(0);
    if get_str(obj, &["spec", "nodeName"]).is_none_or(str::is_empty) {
        period = 0;
    }
    if matches!(
        get_str(obj, &["status", "phase"]),
        Some("Succeeded") | Some("Failed")
    ) {
        period = 0;
    }
    if period < 0 {
        period = 1;
    }
    if period == 0 {
        None
    } else {
        Some(period)
    }
}

// ---------------------------------------------------------------------------------------------
// Services

/// A deterministic address in the service CIDR 10.96.0.0/12 for `seed` (e.g. "ns/name/uid");
/// `attempt` varies it, for the core to retry on a collision. Never .0, 10.96.0.1 (the
/// `kubernetes` service) or 10.96.0.10 (cluster DNS).
pub fn cluster_ip_for(seed: &str, attempt: u32) -> String {
    let h = fnv1a(format!("{seed}#{attempt}").as_bytes());
    let size: u64 = 1 << 20;
    let mut off = h % (size - 2) + 1; // 1 ..= size-2
    if off == 1 || off == 10 {
        off += 11;
    }
    let ip = u32::from(std::net::Ipv4Addr::new(10, 96, 0, 0)) + off as u32;
    std::net::Ipv4Addr::from(ip).to_string()
}

/// Allocate spec.clusterIP/clusterIPs (+ ipFamilies, ipFamilyPolicy) as the service REST
/// storage does on create. A requested clusterIP is kept; "None" (headless) stays None;
/// ExternalName services get nothing. `attempt` > 0 picks another address (collision retry).
pub fn assign_cluster_ip(obj: &mut Value, attempt: u32) {
    let seed = format!(
        "{}/{}/{}",
        get_str(obj, &["metadata", "namespace"]).unwrap_or_default(),
        get_str(obj, &["metadata", "name"]).unwrap_or_default(),
        get_str(obj, &["metadata", "uid"]).unwrap_or_default()
    );
    let Some(spec) = obj_mut(obj, "spec") else {
        return;
    };
    if get_str(spec, &["type"]) == Some("ExternalName") {
        return;
    }
    let requested = get_str(spec, &["clusterIP"])
        .filter(|s| !s.is_empty())
        .map(String::from)
        .or_else(|| {
            get_arr(spec, &["clusterIPs"])
                .first()
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(String::from)
        });
    let ip = match requested {
        Some(ip) if attempt == 0 || ip == "None" => ip,
        _ => cluster_ip_for(&seed, attempt),
    };
    spec["clusterIP"] = json!(ip);
    spec["clusterIPs"] = json!([ip]);
    default_val(spec, "ipFamilies", json!(["IPv4"]));
    default_val(spec, "ipFamilyPolicy", json!("SingleStack"));
}

/// nodePorts for NodePort/LoadBalancer services (30000-32767), kept from `old` on update.
fn assign_node_ports(obj: &mut Value, old: Option<&Value>) {
    let seed = format!(
        "{}/{}",
        get_str(obj, &["metadata", "namespace"]).unwrap_or_default(),
        get_str(obj, &["metadata", "name"]).unwrap_or_default()
    );
    let old_ports: Vec<Value> = old
        .map(|o| get_arr(o, &["spec", "ports"]).to_vec())
        .unwrap_or_default();
    let Some(spec) = obj.get_mut("spec").filter(|s| s.is_object()) else {
        return;
    };
    let ty = get_str(spec, &["type"]).unwrap_or_default().to_string();
    let lb_alloc =
        get(spec, &["allocateLoadBalancerNodePorts"]).and_then(Value::as_bool) != Some(false);
    let needs = ty == "NodePort" || (ty == "LoadBalancer" && lb_alloc);
    let mut i = 0u32;
    each_mut(spec, "ports", |p| {
        i += 1;
        if !needs {
            return;
        }
        if as_i64(p.get("nodePort")).unwrap_or(0) != 0 {
            return;
        }
        let port = p.get("port").cloned();
        let proto = p.get("protocol").cloned();
        let kept = old_ports.iter().find_map(|op| {
            (op.get("port") == port.as_ref() && op.get("protocol") == proto.as_ref())
                .then(|| op.get("nodePort").cloned())
                .flatten()
        });
        let np =
            kept.unwrap_or_else(|| json!(30000 + fnv1a(format!("{seed}#{i}").as_bytes()) % 2768));
        p["nodePort"] = np;
    });
}

/// patchAllocatedValues: a PUT without clusterIP(s)/ipFamilies keeps the allocated ones.
fn patch_allocated_values(new: &mut Value, old: &Value) {
    let new_ty = get_str(new, &["spec", "type"])
        .unwrap_or_default()
        .to_string();
    let old_ty = get_str(old, &["spec", "type"]).unwrap_or_default();
    if new_ty == "ExternalName" || old_ty == "ExternalName" {
        return;
    }
    let Some(spec) = obj_mut(new, "spec") else {
        return;
    };
    for k in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
        let missing = match spec.get(k) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            _ => false,
        };
        if missing {
            if let Some(v) = get(old, &["spec", k]) {
                spec[k] = v.clone();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PVC resize admission

pub const PVC_RESIZE_MESSAGE: &str = "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize";

pub fn pvc_resize_forbidden(new: &Value, old: &Value, class: Option<&Value>) -> Option<ApiError> {
    let q = |v: &Value| {
        get(v, &["spec", "resources", "requests", "storage"])
            .and_then(|x| quantity::parse_value(x).ok())
    };
    let (Some(n), Some(o)) = (q(new), q(old)) else {
        return None;
    };
    if n <= o {
        return None;
    }
    let allowed = class
        .and_then(|c| c.get("allowVolumeExpansion"))
        .and_then(Value::as_bool)
        == Some(true);
    if allowed {
        return None;
    }
    let name = get_str(new, &["metadata", "name"]).unwrap_or_default();
    let mut e = ApiError::new(
        403,
        "Forbidden",
        format!("persistentvolumeclaims {name:?} is forbidden: {PVC_RESIZE_MESSAGE}"),
    );
    e.details = Some(json!({"name": name, "kind": "persistentvolumeclaims"}));
    Some(e)
}

// ---------------------------------------------------------------------------------------------
// LimitRanger admission (defaulting part)

/// The LimitRanger admission plugin's defaulting of a new pod from the namespace's
/// LimitRanges (plugin/pkg/admission/limitranger/admission.go, mergePodResourceRequirements):
/// for every container, missing limits come from `default` and missing requests from
/// `defaultRequest` of each `type: Container` item; the pod is annotated
/// `kubernetes.io/limit-ranger: LimitRanger plugin set: cpu request for container nginx; ...`.
/// The core calls it after `apply_defaults` and before `prepare_for_create` (QoS is computed
/// there). Min/max enforcement (403 Forbidden) is not modelled.
pub fn apply_limit_ranges(pod: &mut Value, ranges: &[Value]) {
    let mut notes: Vec<String> = Vec::new();
    for lr in ranges {
        for item in get_arr(lr, &["spec", "limits"]) {
            if get_str(item, &["type"]) != Some("Container") {
                continue;
            }
            let def_lim = get_obj(item, &["default"]).cloned().unwrap_or_default();
            let def_req = get_obj(item, &["defaultRequest"])
                .cloned()
                .unwrap_or_default();
            if def_lim.is_empty() && def_req.is_empty() {
                continue;
            }
            let Some(spec) = pod.get_mut("spec").filter(|s| s.is_object()) else {
                return;
            };
            for (key, ctype) in [
                ("initContainers", "init container"),
                ("containers", "container"),
            ] {
                each_mut(spec, key, |c| {
                    let cname = get_str(c, &["name"]).unwrap_or_default().to_string();
                    let Some(res) = obj_mut(c, "resources") else {
                        return;
                    };
                    let mut set_lim = Vec::new();
                    let mut set_req = Vec::new();
                    for (list, defs, set) in [
                        ("limits", &def_lim, &mut set_lim),
                        ("requests", &def_req, &mut set_req),
                    ] {
                        if defs.is_empty() {
                            continue;
                        }
                        let Some(m) = obj_mut(res, list).and_then(Value::as_object_mut) else {
                            continue;
                        };
                        for (k, v) in defs {
                            if !m.contains_key(k) {
                                m.insert(k.clone(), v.clone());
                                set.push(k.clone());
                            }
                        }
                        if m.is_empty() {
                            res.as_object_mut().map(|r| r.remove(list));
                        }
                    }
                    set_req.sort();
                    set_lim.sort();
                    if !set_req.is_empty() {
                        notes.push(format!(
                            "{} request for {ctype} {cname}",
                            set_req.join(", ")
                        ));
                    }
                    if !set_lim.is_empty() {
                        notes.push(format!("{} limit for {ctype} {cname}", set_lim.join(", ")));
                    }
                });
            }
        }
    }
    if !notes.is_empty() {
        if let Some(ann) = obj_mut(pod, "metadata").and_then(|m| obj_mut(m, "annotations")) {
            ann["kubernetes.io/limit-ranger"] =
                json!(format!("LimitRanger plugin set: {}", notes.join("; ")));
        }
    }
}
