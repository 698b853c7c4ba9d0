//! Server-side Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//! Upstream: pkg/printers/internalversion/printers.go (column definitions and cells per kind),
//! pkg/printers/storage/storage.go (the API server always prints with `Wide: true`, kubectl
//! hides priority-1 columns), staging/src/k8s.io/apiserver/pkg/registry/rest/table.go (the
//! default "Name / Created At" table for kinds without a printer, e.g. LimitRange),
//! staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go (HumanDuration) and
//! metrics-server pkg/api/table.go (PodMetrics/NodeMetrics tables).

use crate::resources::ResourceType;
use chrono::{DateTime, Utc};
use k8s_openapi::schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

/// `includeObject` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    None,
    #[default]
    Metadata,
    Object,
}

/// A meta.k8s.io/v1 Table of `items` with upstream's columns for `rt` (priority-1 columns
/// included), `list_meta` as its metadata.
pub fn table(
    rt: &ResourceType,
    items: &[Value],
    now: DateTime<Utc>,
    list_meta: Value,
    include: IncludeObject,
) -> Value {
    let (columns, mut rows): (Vec<Value>, Vec<Value>) = if rt.is_metrics() {
        metrics_table(items)
    } else {
        let printer = printer_for(rt);
        let rows = items
            .iter()
            .map(|item| {
                let (cells, conditions) = printer.cells(item, now);
                let mut row = json!({ "cells": cells });
                if let Some(c) = conditions {
                    row["conditions"] = c;
                }
                row
            })
            .collect();
        (columns_for(printer), rows)
    };
    for (row, item) in rows.iter_mut().zip(items) {
        if let Some(o) = row_object(item, include) {
            row["object"] = o;
        }
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": columns,
        "rows": rows,
    })
}

fn row_object(item: &Value, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(item.clone()),
        IncludeObject::Metadata => Some(json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": item.get("metadata").cloned().unwrap_or_else(|| json!({})),
        })),
    }
}

// ---------------------------------------------------------------------------------------------
// Durations (staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go)

/// `duration.HumanDuration`: ~2-3 significant figures.
pub fn human_duration(d: chrono::Duration) -> String {
    // Go: int(d.Seconds()) truncates toward zero.
    kube_units::duration::human(d.num_milliseconds() / 1000)
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    if s.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// printers.go translateTimestampSince: `<unknown>` for a zero (absent) timestamp.
pub fn translate_timestamp_since(ts: &Value, now: DateTime<Utc>) -> String {
    match parse_time(ts) {
        None => "<unknown>".into(),
        Some(t) => human_duration(now - t),
    }
}

/// Go's time.Duration.String() for whole/fractional seconds (metrics Window column).
fn go_duration_string(secs: f64) -> String {
    kube_units::duration::go_string(std::time::Duration::from_millis(
        (secs.max(0.0) * 1000.0).round() as u64,
    ))
}

// ---------------------------------------------------------------------------------------------
// Column definitions

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Printer {
    Pod,
    StatefulSet,
    Service,
    Pvc,
    ControllerRevision,
    Event,
    EventV1,
    Namespace,
    Node,
    ConfigMap,
    Secret,
    ServiceAccount,
    StorageClass,
    /// printPodDisruptionBudget.
    PodDisruptionBudget,
    /// printRoleBinding / printClusterRoleBinding (Roles and ClusterRoles print Name and
    /// Created At, as the default convertor).
    RoleBinding,
    /// rest.NewDefaultTableConvertor: Name, Created At.
    Default,
}

fn printer_for(rt: &ResourceType) -> Printer {
    match (rt.group, rt.kind) {
        ("", "Pod") => Printer::Pod,
        ("apps", "StatefulSet") => Printer::StatefulSet,
        ("apps", "ControllerRevision") => Printer::ControllerRevision,
        ("", "Service") => Printer::Service,
        ("", "PersistentVolumeClaim") => Printer::Pvc,
        ("", "Event") => Printer::Event,
        ("events.k8s.io", "Event") => Printer::EventV1,
        ("", "Namespace") => Printer::Namespace,
        ("", "Node") => Printer::Node,
        ("", "ConfigMap") => Printer::ConfigMap,
        ("", "Secret") => Printer::Secret,
        ("", "ServiceAccount") => Printer::ServiceAccount,
        ("storage.k8s.io", "StorageClass") => Printer::StorageClass,
        ("policy", "PodDisruptionBudget") => Printer::PodDisruptionBudget,
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => Printer::RoleBinding,
        _ => Printer::Default,
    }
}

/// The description of `field` in `T`'s OpenAPI schema (what upstream's `SwaggerDoc()` returns).
fn doc<T: JsonSchema>(field: &str) -> String {
    let mut g = SchemaGenerator::default();
    let s = g.root_schema_for::<T>();
    s.as_value()
        .pointer(&format!("/properties/{field}/description"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn col(name: &str, ty: &str, format: &str, description: String, priority: i32) -> Value {
    json!({"name": name, "type": ty, "format": format, "description": description, "priority": priority})
}

fn columns_for(p: Printer) -> Vec<Value> {
    static CACHE: OnceLock<Mutex<HashMap<String, Vec<Value>>>> = OnceLock::new();
    let key = format!("{p:?}");
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(&key) {
        return c.clone();
    }
    let c = build_columns(p);
    cache.lock().unwrap().insert(key, c.clone());
    c
}

fn build_columns(p: Printer) -> Vec<Value> {
    use k8s_openapi::api::apps::v1 as apps;
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::storage::v1 as storage;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    let name = || col("Name", "string", "name", doc::<ObjectMeta>("name"), 0);
    let age = || {
        col(
            "Age",
            "string",
            "",
            doc::<ObjectMeta>("creationTimestamp"),
            0,
        )
    };
    let s = |n: &str, d: String| col(n, "string", "", d, 0);
    let w = |n: &str, d: String| col(n, "string", "", d, 1);
    match p {
        Printer::Pod => vec![
            name(),
            s("Ready", "The aggregate readiness state of this pod for accepting traffic.".into()),
            s("Status", "The aggregate status of the containers in this pod.".into()),
            s("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.".into()),
            age(),
            w("IP", doc::<core::PodStatus>("podIP")),
            w("Node", doc::<core::PodSpec>("nodeName")),
            w("Nominated Node", doc::<core::PodStatus>("nominatedNodeName")),
            w("Readiness Gates", doc::<core::PodSpec>("readinessGates")),
        ],
        Printer::StatefulSet => vec![
            name(),
            s("Ready", "Number of the pod with ready state".into()),
            age(),
            w("Containers", "Names of each container in the template.".into()),
            w("Images", "Images referenced by each container in the template.".into()),
        ],
        Printer::Service => vec![
            name(),
            s("Type", doc::<core::ServiceSpec>("type")),
            s("Cluster-IP", doc::<core::ServiceSpec>("clusterIP")),
            s("External-IP", doc::<core::ServiceSpec>("externalIPs")),
            s("Port(s)", doc::<core::ServiceSpec>("ports")),
            age(),
            w("Selector", doc::<core::ServiceSpec>("selector")),
        ],
        Printer::Pvc => vec![
            name(),
            s("Status", doc::<core::PersistentVolumeClaimStatus>("phase")),
            s("Volume", doc::<core::PersistentVolumeClaimSpec>("volumeName")),
            s("Capacity", doc::<core::PersistentVolumeClaimStatus>("capacity")),
            s("Access Modes", doc::<core::PersistentVolumeClaimStatus>("accessModes")),
            s("StorageClass", "StorageClass of the pvc".into()),
            s("VolumeAttributesClass", "VolumeAttributesClass of the pvc".into()),
            age(),
            w("VolumeMode", doc::<core::PersistentVolumeClaimSpec>("volumeMode")),
        ],
        Printer::ControllerRevision => vec![
            name(),
            s("Controller", "Controller of the object".into()),
            s("Revision", doc::<apps::ControllerRevision>("revision")),
            age(),
        ],
        Printer::Event | Printer::EventV1 => vec![
            s("Last Seen", doc::<core::Event>("lastTimestamp")),
            s("Type", doc::<core::Event>("type")),
            s("Reason", doc::<core::Event>("reason")),
            s("Object", doc::<core::Event>("involvedObject")),
            w("Subobject", doc::<core::ObjectReference>("fieldPath")),
            w("Source", doc::<core::Event>("source")),
            s("Message", doc::<core::Event>("message")),
            w("First Seen", doc::<core::Event>("firstTimestamp")),
            w("Count", doc::<core::Event>("count")),
            col("Name", "string", "name", doc::<ObjectMeta>("name"), 1),
        ],
        Printer::Namespace => vec![name(), s("Status", "The status of the namespace".into()), age()],
        Printer::Node => vec![
            name(),
            s("Status", "The status of the node".into()),
            s("Roles", "The roles of the node".into()),
            age(),
            s("Version", doc::<core::NodeSystemInfo>("kubeletVersion")),
            w("Internal-IP", doc::<core::NodeStatus>("addresses")),
            w("External-IP", doc::<core::NodeStatus>("addresses")),
            w("OS-Image", doc::<core::NodeSystemInfo>("osImage")),
            w("Kernel-Version", doc::<core::NodeSystemInfo>("kernelVersion")),
            w("Container-Runtime", doc::<core::NodeSystemInfo>("containerRuntimeVersion")),
        ],
        Printer::ConfigMap => vec![name(), s("Data", doc::<core::ConfigMap>("data")), age()],
        Printer::Secret => vec![
            name(),
            s("Type", doc::<core::Secret>("type")),
            s("Data", doc::<core::Secret>("data")),
            age(),
        ],
        // pkg/printers/internalversion/printers.go serviceAccountColumnDefinitions.
        Printer::ServiceAccount => vec![
            name(),
            s("Secrets", doc::<core::ServiceAccount>("secrets")),
            age(),
        ],
        Printer::StorageClass => vec![
            name(),
            s("Provisioner", doc::<storage::StorageClass>("provisioner")),
            s("ReclaimPolicy", doc::<storage::StorageClass>("reclaimPolicy")),
            s("VolumeBindingMode", doc::<storage::StorageClass>("volumeBindingMode")),
            s("AllowVolumeExpansion", doc::<storage::StorageClass>("allowVolumeExpansion")),
            age(),
        ],
        // pkg/printers/internalversion/printers.go podDisruptionBudgetColumnDefinitions.
        Printer::PodDisruptionBudget => vec![
            name(),
            s(
                "Min Available",
                "The minimum number of pods that must be available.".into(),
            ),
            s(
                "Max Unavailable",
                "The maximum number of pods that may be unavailable.".into(),
            ),
            col(
                "Allowed Disruptions",
                "integer",
                "",
                "Calculated number of pods that may be disrupted at this time.".into(),
                0,
            ),
            age(),
        ],
        Printer::RoleBinding => vec![
            name(),
            s("Role", doc::<k8s_openapi::api::rbac::v1::RoleBinding>("roleRef")),
            age(),
            w("Users", "Users in the roleBinding".into()),
            w("Groups", "Groups in the roleBinding".into()),
            w("ServiceAccounts", "ServiceAccounts in the roleBinding".into()),
        ],
        Printer::Default => vec![
            name(),
            col("Created At", "date", "", doc::<ObjectMeta>("creationTimestamp"), 0),
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Cells

fn st<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}
fn int(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}
fn arr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
fn obj_len(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr)
        .and_then(Value::as_object)
        .map(|m| m.len() as i64)
        .unwrap_or(0)
}
fn age_of(item: &Value, now: DateTime<Utc>) -> Value {
    json!(translate_timestamp_since(
        item.pointer("/metadata/creationTimestamp")
            .unwrap_or(&Value::Null),
        now
    ))
}
fn name_of(item: &Value) -> Value {
    json!(st(item, "/metadata/name"))
}
/// labels.FormatLabels: sorted `k=v` joined by ",", `<none>` when empty.
fn format_labels(v: Option<&Value>) -> String {
    let Some(m) = v.and_then(Value::as_object) else {
        return "<none>".into();
    };
    if m.is_empty() {
        return "<none>".into();
    }
    let mut pairs: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}={}", k, v.as_str().unwrap_or("")))
        .collect();
    pairs.sort();
    pairs.join(",")
}
/// layoutContainerCells.
fn container_cells(containers: &[Value]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| st(c, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|c| st(c, "/image")).collect();
    (names.join(","), images.join(","))
}

impl Printer {
    fn cells(self, item: &Value, now: DateTime<Utc>) -> (Vec<Value>, Option<Value>) {
        match self {
            Printer::Pod => pod_cells(item, now),
            Printer::StatefulSet => {
                let (names, images) = container_cells(arr(item, "/spec/template/spec/containers"));
                (
                    vec![
                        name_of(item),
                        json!(format!(
                            "{}/{}",
                            int(item, "/status/readyReplicas"),
                            int(item, "/spec/replicas")
                        )),
                        age_of(item, now),
                        json!(names),
                        json!(images),
                    ],
                    None,
                )
            }
            Printer::Service => (service_cells(item, now), None),
            Printer::Pvc => (pvc_cells(item, now), None),
            Printer::ControllerRevision => {
                let controller = arr(item, "/metadata/ownerReferences")
                    .iter()
                    .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
                    .map(|r| {
                        let api_version = st(r, "/apiVersion");
                        let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
                        let kind = st(r, "/kind");
                        let gk = if group.is_empty() {
                            kind.to_string()
                        } else {
                            format!("{kind}.{group}")
                        };
                        if gk.is_empty() {
                            st(r, "/name").to_string()
                        } else {
                            format!("{}/{}", gk.to_lowercase(), st(r, "/name"))
                        }
                    })
                    .unwrap_or_else(|| "<none>".into());
                (
                    vec![
                        name_of(item),
                        json!(controller),
                        json!(int(item, "/revision")),
                        age_of(item, now),
                    ],
                    None,
                )
            }
            Printer::Event => (event_cells(item, now), None),
            Printer::EventV1 => (event_cells(&event_v1_to_core(item), now), None),
            Printer::Namespace => (
                vec![
                    name_of(item),
                    json!(st(item, "/status/phase")),
                    age_of(item, now),
                ],
                None,
            ),
            Printer::Node => (node_cells(item, now), None),
            Printer::ConfigMap => (
                vec![
                    name_of(item),
                    json!(obj_len(item, "/data") + obj_len(item, "/binaryData")),
                    age_of(item, now),
                ],
                None,
            ),
            Printer::Secret => (
                vec![
                    name_of(item),
                    json!(st(item, "/type")),
                    json!(obj_len(item, "/data")),
                    age_of(item, now),
                ],
                None,
            ),
            Printer::ServiceAccount => (
                vec![
                    name_of(item),
                    json!(item["secrets"].as_array().map_or(0, Vec::len)),
                    age_of(item, now),
                ],
                None,
            ),
            // printPodDisruptionBudget: IntOrString.String() of each bound, N/A when unset.
            Printer::PodDisruptionBudget => {
                let bound = |k: &str| match item.pointer(&format!("/spec/{k}")) {
                    Some(Value::String(s)) => json!(s),
                    Some(Value::Number(n)) => json!(n.to_string()),
                    _ => json!("N/A"),
                };
                (
                    vec![
                        name_of(item),
                        bound("minAvailable"),
                        bound("maxUnavailable"),
                        json!(int(item, "/status/disruptionsAllowed")),
                        age_of(item, now),
                    ],
                    None,
                )
            }
            Printer::StorageClass => {
                let mut name = st(item, "/metadata/name").to_string();
                if crate::controller::volumes::is_default_class(item) {
                    name.push_str(" (default)");
                }
                let reclaim = item
                    .get("reclaimPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("Delete");
                let binding = item
                    .get("volumeBindingMode")
                    .and_then(Value::as_str)
                    .unwrap_or("Immediate");
                let expand = item
                    .get("allowVolumeExpansion")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (
                    vec![
                        json!(name),
                        json!(st(item, "/provisioner")),
                        json!(reclaim),
                        json!(binding),
                        json!(expand),
                        age_of(item, now),
                    ],
                    None,
                )
            }
            Printer::RoleBinding => {
                // rbac.SubjectsStrings
                let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
                for sub in arr(item, "/subjects") {
                    match st(sub, "/kind") {
                        "User" => users.push(st(sub, "/name").to_string()),
                        "Group" => groups.push(st(sub, "/name").to_string()),
                        "ServiceAccount" => {
                            sas.push(format!("{}/{}", st(sub, "/namespace"), st(sub, "/name")))
                        }
                        _ => {}
                    }
                }
                (
                    vec![
                        name_of(item),
                        json!(format!(
                            "{}/{}",
                            st(item, "/roleRef/kind"),
                            st(item, "/roleRef/name")
                        )),
                        age_of(item, now),
                        json!(users.join(", ")),
                        json!(groups.join(", ")),
                        json!(sas.join(", ")),
                    ],
                    None,
                )
            }
            Printer::Default => {
                let created = item
                    .pointer("/metadata/creationTimestamp")
                    .and_then(parse_time)
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    // Go formats the zero time as 0001-01-01T00:00:00Z
                    .unwrap_or_else(|| "0001-01-01T00:00:00Z".into());
                (vec![name_of(item), json!(created)], None)
            }
        }
    }
}

/// printPod.
fn pod_cells(pod: &Value, now: DateTime<Utc>) -> (Vec<Value>, Option<Value>) {
    let mut restarts: i64 = 0;
    let mut restartable_init_restarts: i64 = 0;
    let containers = arr(pod, "/spec/containers");
    let init_containers = arr(pod, "/spec/initContainers");
    let mut total = containers.len();
    let mut ready = 0usize;
    let mut last_restart: Option<DateTime<Utc>> = None;
    let mut last_restartable_init_restart: Option<DateTime<Utc>> = None;

    let phase = st(pod, "/status/phase");
    let mut reason = phase.to_string();
    let status_reason = st(pod, "/status/reason");
    if !status_reason.is_empty() {
        reason = status_reason.to_string();
    }
    let conditions = arr(pod, "/status/conditions");
    for c in conditions {
        if st(c, "/type") == "PodScheduled" && st(c, "/reason") == "SchedulingGated" {
            reason = "SchedulingGated".into();
        }
    }
    let row_conditions = match phase {
        "Succeeded" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]),
        ),
        "Failed" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]),
        ),
        _ => None,
    };

    // podutil.IsRestartableInitContainer: restartPolicy Always on an init container.
    let restartable = |name: &str| {
        init_containers
            .iter()
            .any(|c| st(c, "/name") == name && st(c, "/restartPolicy") == "Always")
    };
    total += init_containers
        .iter()
        .filter(|c| st(c, "/restartPolicy") == "Always")
        .count();
    let later = |cur: Option<DateTime<Utc>>, t: Option<DateTime<Utc>>| match (cur, t) {
        (Some(c), Some(t)) if c < t => Some(t),
        (None, Some(t)) => Some(t),
        (c, _) => c,
    };
    let finished = |c: &Value| {
        c.pointer("/lastState/terminated/finishedAt")
            .and_then(parse_time)
    };

    let mut initializing = false;
    let init_statuses = arr(pod, "/status/initContainerStatuses");
    for (i, c) in init_statuses.iter().enumerate() {
        let name = st(c, "/name");
        restarts += int(c, "/restartCount");
        if c.pointer("/lastState/terminated").is_some() {
            last_restart = later(last_restart, finished(c));
        }
        if restartable(name) {
            restartable_init_restarts += int(c, "/restartCount");
            if c.pointer("/lastState/terminated").is_some() {
                last_restartable_init_restart = later(last_restartable_init_restart, finished(c));
            }
        }
        let terminated = c.pointer("/state/terminated");
        let waiting_reason = st(c, "/state/waiting/reason");
        if terminated.is_some() && int(c, "/state/terminated/exitCode") == 0 {
            continue;
        } else if restartable(name) && c.get("started").and_then(Value::as_bool) == Some(true) {
            if c.get("ready").and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        } else if terminated.is_some() {
            let r = st(c, "/state/terminated/reason");
            if r.is_empty() {
                let signal = int(c, "/state/terminated/signal");
                if signal != 0 {
                    reason = format!("Init:Signal:{signal}");
                } else {
                    reason = format!("Init:ExitCode:{}", int(c, "/state/terminated/exitCode"));
                }
            } else {
                reason = format!("Init:{r}");
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{}/{}", i, init_containers.len());
        }
        initializing = true;
        break;
    }

    let initialized = conditions
        .iter()
        .any(|c| st(c, "/type") == "Initialized" && st(c, "/status") == "True");
    if !initializing || initialized {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        for c in arr(pod, "/status/containerStatuses").iter().rev() {
            restarts += int(c, "/restartCount");
            if c.pointer("/lastState/terminated").is_some() {
                last_restart = later(last_restart, finished(c));
            }
            let waiting = st(c, "/state/waiting/reason");
            let terminated = c.pointer("/state/terminated");
            let term_reason = st(c, "/state/terminated/reason");
            if c.pointer("/state/waiting").is_some() && !waiting.is_empty() {
                reason = waiting.to_string();
            } else if terminated.is_some() && !term_reason.is_empty() {
                reason = term_reason.to_string();
            } else if terminated.is_some() {
                let signal = int(c, "/state/terminated/signal");
                if signal != 0 {
                    reason = format!("Signal:{signal}");
                } else {
                    reason = format!("ExitCode:{}", int(c, "/state/terminated/exitCode"));
                }
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && c.pointer("/state/running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| st(c, "/type") == "Ready" && st(c, "/status") == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.into();
        }
    }

    let deleting = pod
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    if deleting && status_reason == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".into();
    }

    let restarts_str = match last_restart {
        Some(t) if restarts != 0 => format!("{} ({} ago)", restarts, human_duration(now - t)),
        _ => restarts.to_string(),
    };

    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    let pod_ip = arr(pod, "/status/podIPs")
        .first()
        .map(|ip| st(ip, "/ip"))
        .unwrap_or("");
    let gates = arr(pod, "/spec/readinessGates");
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let true_count = gates
            .iter()
            .filter(|g| {
                conditions
                    .iter()
                    .find(|c| st(c, "/type") == st(g, "/conditionType"))
                    .is_some_and(|c| st(c, "/status") == "True")
            })
            .count();
        format!("{}/{}", true_count, gates.len())
    };
    (
        vec![
            name_of(pod),
            json!(format!("{ready}/{total}")),
            json!(reason),
            json!(restarts_str),
            age_of(pod, now),
            json!(or_none(pod_ip)),
            json!(or_none(st(pod, "/spec/nodeName"))),
            json!(or_none(st(pod, "/status/nominatedNodeName"))),
            json!(readiness_gates),
        ],
        row_conditions,
    )
}

/// printService (wide: the server prints with Wide, so LB addresses are not clipped).
fn service_cells(svc: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let ty = st(svc, "/spec/type");
    let cluster_ip = arr(svc, "/spec/clusterIPs")
        .first()
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let external_ips: Vec<&str> = arr(svc, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external = match ty {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let lb: BTreeSet<&str> = arr(svc, "/status/loadBalancer/ingress")
                .iter()
                .map(|i| {
                    let ip = st(i, "/ip");
                    if ip.is_empty() {
                        st(i, "/hostname")
                    } else {
                        ip
                    }
                })
                .filter(|s| !s.is_empty())
                .collect();
            let mut all: Vec<&str> = lb.into_iter().collect();
            if !external_ips.is_empty() {
                all.extend(external_ips.iter());
                all.join(",")
            } else if !all.is_empty() {
                all.join(",")
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => st(svc, "/spec/externalName").to_string(),
        _ => "<unknown>".to_string(),
    };
    let ports: Vec<String> = arr(svc, "/spec/ports")
        .iter()
        .map(|p| {
            let port = int(p, "/port");
            let proto = st(p, "/protocol");
            let node_port = int(p, "/nodePort");
            if node_port > 0 {
                format!("{port}:{node_port}/{proto}")
            } else {
                format!("{port}/{proto}")
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    };
    vec![
        name_of(svc),
        json!(ty),
        json!(cluster_ip),
        json!(external),
        json!(ports),
        age_of(svc, now),
        json!(format_labels(svc.pointer("/spec/selector"))),
    ]
}

/// helper.GetAccessModesAsString.
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    let mut out = Vec::new();
    for (m, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(m) {
            out.push(short);
        }
    }
    out.join(",")
}

/// printPersistentVolumeClaim.
fn pvc_cells(pvc: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let deleting = pvc
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let phase = if deleting {
        "Terminating"
    } else {
        st(pvc, "/status/phase")
    };
    let volume_name = st(pvc, "/spec/volumeName");
    let (capacity, modes) = if volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            st(pvc, "/status/capacity/storage").to_string(),
            access_modes(arr(pvc, "/status/accessModes")),
        )
    };
    // helper.GetPersistentVolumeClaimClass: beta annotation first, then spec.storageClassName.
    let class = pvc
        .pointer("/metadata/annotations/volume.beta.kubernetes.io~1storage-class")
        .and_then(Value::as_str)
        .unwrap_or_else(|| st(pvc, "/spec/storageClassName"));
    let vac = pvc
        .pointer("/spec/volumeAttributesClassName")
        .and_then(Value::as_str)
        .unwrap_or("<unset>");
    let mode = pvc
        .pointer("/spec/volumeMode")
        .and_then(Value::as_str)
        .unwrap_or("<unset>");
    vec![
        name_of(pvc),
        json!(phase),
        json!(volume_name),
        json!(capacity),
        json!(modes),
        json!(class),
        json!(vac),
        age_of(pvc, now),
        json!(mode),
    ]
}

/// events.k8s.io/v1 Event -> the core/v1 field names printEvent reads (both versions share
/// one internal type upstream: pkg/apis/events/v1/conversion.go).
fn event_v1_to_core(e: &Value) -> Value {
    let g = |k: &str| e.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "metadata": g("metadata"),
        "involvedObject": g("regarding"),
        "message": g("note"),
        "reason": g("reason"),
        "type": g("type"),
        "firstTimestamp": g("deprecatedFirstTimestamp"),
        "lastTimestamp": g("deprecatedLastTimestamp"),
        "count": g("deprecatedCount"),
        "source": g("deprecatedSource"),
        "eventTime": g("eventTime"),
        "series": g("series"),
        "reportingComponent": g("reportingController"),
        "reportingInstance": g("reportingInstance"),
    })
}

/// printEvent (wide).
fn event_cells(e: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let null = Value::Null;
    let ts = |p: &str| e.pointer(p).unwrap_or(&null);
    let first = if parse_time(ts("/firstTimestamp")).is_none() {
        translate_timestamp_since(ts("/eventTime"), now)
    } else {
        translate_timestamp_since(ts("/firstTimestamp"), now)
    };
    let mut last = if parse_time(ts("/lastTimestamp")).is_none() {
        first.clone()
    } else {
        translate_timestamp_since(ts("/lastTimestamp"), now)
    };
    let mut count = int(e, "/count");
    if e.get("series").is_some_and(|s| !s.is_null()) {
        last = translate_timestamp_since(ts("/series/lastObservedTime"), now);
        count = int(e, "/series/count");
    } else if count == 0 {
        count = 1;
    }
    let kind = st(e, "/involvedObject/kind").to_lowercase();
    let obj_name = st(e, "/involvedObject/name");
    let target = if obj_name.is_empty() {
        kind
    } else {
        format!("{kind}/{obj_name}")
    };
    // formatEventSource
    let first_non_empty = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let component = first_non_empty(st(e, "/source/component"), st(e, "/reportingComponent"));
    let instance = first_non_empty(st(e, "/source/host"), st(e, "/reportingInstance"));
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        json!(st(e, "/type")),
        json!(st(e, "/reason")),
        json!(target),
        json!(st(e, "/involvedObject/fieldPath")),
        json!(source),
        json!(st(e, "/message").trim()),
        json!(first),
        json!(count),
        name_of(e),
    ]
}

/// printNode (wide).
fn node_cells(node: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut status: Vec<String> = Vec::new();
    // NodeAllConditions = [Ready]; the last condition of a type wins (map assignment).
    if let Some(c) = arr(node, "/status/conditions")
        .iter()
        .rev()
        .find(|c| st(c, "/type") == "Ready")
    {
        if st(c, "/status") == "True" {
            status.push("Ready".into());
        } else {
            status.push("NotReady".into());
        }
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if node
        .pointer("/spec/unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: BTreeSet<String> = BTreeSet::new();
    if let Some(labels) = node.pointer("/metadata/labels").and_then(Value::as_object) {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.insert(role.to_string());
                }
            } else if k == "kubernetes.io/role" && v.as_str().is_some_and(|v| !v.is_empty()) {
                roles.insert(v.as_str().unwrap_or_default().to_string());
            }
        }
    }
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    };
    let address = |ty: &str| {
        arr(node, "/status/addresses")
            .iter()
            .find(|a| st(a, "/type") == ty)
            .map(|a| st(a, "/address").to_string())
            .unwrap_or_else(|| "<none>".into())
    };
    let unknown = |p: &str| {
        let s = st(node, p);
        if s.is_empty() {
            "<unknown>".to_string()
        } else {
            s.to_string()
        }
    };
    vec![
        name_of(node),
        json!(status.join(",")),
        json!(roles),
        age_of(node, now),
        json!(st(node, "/status/nodeInfo/kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(unknown("/status/nodeInfo/osImage")),
        json!(unknown("/status/nodeInfo/kernelVersion")),
        json!(unknown("/status/nodeInfo/containerRuntimeVersion")),
    ]
}

// ---------------------------------------------------------------------------------------------
// metrics.k8s.io (metrics-server pkg/api/table.go)

/// A parsed resource quantity, kept as a value in base units plus the suffix to print with.
fn parse_quantity(s: &str) -> Option<(f64, &'static str)> {
    kube_units::Quantity::parse(s)
        .ok()
        .map(|q| (q.value(), q.suffix()))
}

fn format_quantity(value: f64, suffix: &str) -> String {
    let mult = kube_units::quantity::multiplier(suffix).unwrap_or(1.0);
    let suffix = if suffix == "e" { "" } else { suffix };
    format!("{}{}", (value / mult).round() as i64, suffix)
}

/// Sum of quantities (simplified: keeps the first addend's suffix, rounds to an integer in it;
/// upstream's resource.Quantity picks the canonical form).
fn sum_quantities(qs: &[&str]) -> String {
    if qs.len() == 1 {
        return qs[0].to_string();
    }
    let mut total = 0.0;
    let mut suffix = None;
    for q in qs {
        if let Some((v, s)) = parse_quantity(q) {
            total += v;
            suffix.get_or_insert(s);
        }
    }
    format_quantity(total, suffix.unwrap_or(""))
}

fn metrics_table(items: &[Value]) -> (Vec<Value>, Vec<Value>) {
    let mut columns = Vec::new();
    let mut names: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for item in items {
        // PodMetrics sums per-container usage; NodeMetrics has usage directly.
        let mut usage: HashMap<String, Vec<&str>> = HashMap::new();
        if let Some(containers) = item.get("containers").and_then(Value::as_array) {
            for c in containers {
                if let Some(u) = c.get("usage").and_then(Value::as_object) {
                    for (k, v) in u {
                        usage
                            .entry(k.clone())
                            .or_default()
                            .push(v.as_str().unwrap_or("0"));
                    }
                }
            }
        } else if let Some(u) = item.get("usage").and_then(Value::as_object) {
            for (k, v) in u {
                usage
                    .entry(k.clone())
                    .or_default()
                    .push(v.as_str().unwrap_or("0"));
            }
        }
        let names = names.get_or_insert_with(|| {
            let mut n: Vec<String> = usage.keys().cloned().collect();
            n.sort();
            columns.push(json!({"name": "Name", "type": "string", "format": "name", "description": "Name of the resource", "priority": 0}));
            for name in &n {
                columns.push(json!({"name": name, "type": "string", "format": "quantity", "description": "", "priority": 0}));
            }
            columns.push(json!({"name": "Window", "type": "string", "format": "duration", "description": "", "priority": 0}));
            n
        });
        let mut cells = vec![name_of(item)];
        for n in names.iter() {
            let qs = usage.get(n).cloned().unwrap_or_default();
            cells.push(json!(if qs.is_empty() {
                "0".to_string()
            } else {
                sum_quantities(&qs)
            }));
        }
        let window = st(item, "/window");
        let secs = window
            .strip_suffix('s')
            .and_then(|s| s.parse::<f64>().ok())
            .map(go_duration_string)
            .unwrap_or_else(|| window.to_string());
        cells.push(json!(secs));
        rows.push(json!({"cells": cells}));
    }
    (columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap()
    }
    fn ago(secs: i64) -> String {
        (now() - chrono::Duration::seconds(secs))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }
    fn cells(rt: &ResourceType, item: Value) -> Vec<Value> {
        let t = table(rt, &[item], now(), json!({}), IncludeObject::None);
        t["rows"][0]["cells"].as_array().unwrap().clone()
    }
    fn col_names(rt: &ResourceType) -> Vec<(String, i64)> {
        let t = table(rt, &[], now(), json!({}), IncludeObject::None);
        t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["priority"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn human_duration_matches_upstream() {
        let d = chrono::Duration::seconds;
        let cases = [
            (d(-2), "<invalid>"),
            (chrono::Duration::milliseconds(-1500), "0s"),
            (d(0), "0s"),
            (d(5), "5s"),
            (d(119), "119s"),
            (d(120), "2m"),
            (d(182), "3m2s"),
            (d(599), "9m59s"),
            (d(600), "10m"),
            (d(179 * 60 + 59), "179m"),
            (d(3 * 3600), "3h"),
            (d(3 * 3600 + 25 * 60), "3h25m"),
            (d(8 * 3600), "8h"),
            (d(47 * 3600), "47h"),
            (d(48 * 3600), "2d"),
            (d(51 * 3600), "2d3h"),
            (d(8 * 24 * 3600), "8d"),
            (d(729 * 24 * 3600), "729d"),
            (d(730 * 24 * 3600), "2y"),
            (d(731 * 24 * 3600), "2y1d"),
            (d(8 * 365 * 24 * 3600), "8y"),
        ];
        for (dur, want) in cases {
            assert_eq!(human_duration(dur), want, "{dur:?}");
        }
        assert_eq!(translate_timestamp_since(&Value::Null, now()), "<unknown>");
        assert_eq!(translate_timestamp_since(&json!(ago(5)), now()), "5s");
    }

    #[test]
    fn statefulset_row_and_objects() {
        let sts = json!({
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ago(300), "labels": {"app": "web"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.25"}, {"name": "side", "image": "busybox"}]}}},
            "status": {"replicas": 3, "readyReplicas": 2}
        });
        assert_eq!(
            col_names(&STATEFULSETS),
            vec![
                ("Name".into(), 0),
                ("Ready".into(), 0),
                ("Age".into(), 0),
                ("Containers".into(), 1),
                ("Images".into(), 1)
            ]
        );
        assert_eq!(
            cells(&STATEFULSETS, sts.clone()),
            vec![
                json!("web"),
                json!("2/3"),
                json!("5m"),
                json!("nginx,side"),
                json!("nginx:1.25,busybox")
            ]
        );
        let t = table(
            &STATEFULSETS,
            std::slice::from_ref(&sts),
            now(),
            json!({"resourceVersion": "7"}),
            IncludeObject::Metadata,
        );
        assert_eq!(t["kind"], "Table");
        assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
        assert_eq!(t["metadata"]["resourceVersion"], "7");
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        assert!(t["columnDefinitions"][0]["description"]
            .as_str()
            .unwrap()
            .starts_with("Name must be unique"));
        let o = &t["rows"][0]["object"];
        assert_eq!(o["kind"], "PartialObjectMetadata");
        assert_eq!(o["metadata"], sts["metadata"]);
        let full = table(
            &STATEFULSETS,
            std::slice::from_ref(&sts),
            now(),
            json!({}),
            IncludeObject::Object,
        );
        assert_eq!(full["rows"][0]["object"], sts);
        let none = table(&STATEFULSETS, &[sts], now(), json!({}), IncludeObject::None);
        assert!(none["rows"][0].get("object").is_none());
    }

    fn pod(status: Value) -> Value {
        json!({
            "metadata": {"name": "web-0", "creationTimestamp": ago(3600)},
            "spec": {"nodeName": "node-1", "containers": [{"name": "a"}, {"name": "b"}]},
            "status": status,
        })
    }
    fn pod_status_cell(p: Value) -> (String, String, String) {
        let c = cells(&PODS, p);
        (
            c[1].as_str().unwrap().into(),
            c[2].as_str().unwrap().into(),
            c[3].as_str().unwrap().into(),
        )
    }
    fn running(ready: bool) -> Value {
        json!({"ready": ready, "restartCount": 0, "state": {"running": {"startedAt": ago(100)}}})
    }

    #[test]
    fn pod_status_reasons() {
        assert_eq!(
            col_names(&PODS)
                .iter()
                .map(|c| c.0.as_str())
                .collect::<Vec<_>>(),
            [
                "Name",
                "Ready",
                "Status",
                "Restarts",
                "Age",
                "IP",
                "Node",
                "Nominated Node",
                "Readiness Gates"
            ]
        );
        // Running, both ready, wide cells
        let p = pod(json!({"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}],
            "containerStatuses": [running(true), running(true)]}));
        let c = cells(&PODS, p);
        assert_eq!(
            c,
            vec![
                json!("web-0"),
                json!("2/2"),
                json!("Running"),
                json!("0"),
                json!("60m"),
                json!("10.0.0.5"),
                json!("node-1"),
                json!("<none>"),
                json!("<none>")
            ]
        );
        // Pending, no statuses
        let (r, s, _) = pod_status_cell(pod(json!({"phase": "Pending"})));
        assert_eq!((r.as_str(), s.as_str()), ("0/2", "Pending"));
        // ContainerCreating / ErrImagePull / ImagePullBackOff: first container wins
        let waiting = |reason: &str| json!({"ready": false, "restartCount": 0, "state": {"waiting": {"reason": reason}}});
        for reason in ["ContainerCreating", "ErrImagePull", "ImagePullBackOff"] {
            let (_, s, _) = pod_status_cell(pod(
                json!({"phase": "Pending", "containerStatuses": [waiting(reason), waiting("ContainerCreating")]}),
            ));
            assert_eq!(s, reason);
        }
        // CrashLoopBackOff with restarts and last restart time
        let crash = json!({"ready": false, "restartCount": 5,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(300)}}});
        let (r, s, rs) = pod_status_cell(pod(
            json!({"phase": "Running", "containerStatuses": [crash, running(true)]}),
        ));
        assert_eq!(
            (r.as_str(), s.as_str(), rs.as_str()),
            ("1/2", "CrashLoopBackOff", "5 (5m ago)")
        );
        // Completed
        let done = json!({"ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}});
        let t = table(
            &PODS,
            &[pod(
                json!({"phase": "Succeeded", "containerStatuses": [done.clone(), done.clone()]}),
            )],
            now(),
            json!({}),
            IncludeObject::None,
        );
        assert_eq!(t["rows"][0]["cells"][2], "Completed");
        assert_eq!(t["rows"][0]["conditions"][0]["reason"], "Succeeded");
        // Completed + a running container -> NotReady / Running depending on pod Ready
        let (_, s, _) = pod_status_cell(pod(
            json!({"phase": "Running", "containerStatuses": [done.clone(), running(true)]}),
        ));
        assert_eq!(s, "NotReady");
        let (_, s, _) = pod_status_cell(pod(json!({"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [done, running(true)]})));
        assert_eq!(s, "Running");
        // Terminated without reason
        let (_, s, _) = pod_status_cell(pod(json!({"phase": "Failed", "containerStatuses": [
            {"ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 137}}}]})));
        assert_eq!(s, "ExitCode:137");
        // Terminating
        let mut p =
            pod(json!({"phase": "Running", "containerStatuses": [running(true), running(true)]}));
        p["metadata"]["deletionTimestamp"] = json!(ago(1));
        assert_eq!(pod_status_cell(p).1, "Terminating");
        // Init containers
        let mut p = pod(json!({"phase": "Pending", "initContainerStatuses": [
            {"name": "i1", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "i2", "ready": false, "restartCount": 0, "state": {"running": {}}}],
            "containerStatuses": [waiting("PodInitializing"), waiting("PodInitializing")]}));
        p["spec"]["initContainers"] = json!([{"name": "i1"}, {"name": "i2"}]);
        assert_eq!(pod_status_cell(p.clone()).1, "Init:1/2");
        p["status"]["initContainerStatuses"][1]["state"] =
            json!({"waiting": {"reason": "ImagePullBackOff"}});
        assert_eq!(pod_status_cell(p.clone()).1, "Init:ImagePullBackOff");
        p["status"]["initContainerStatuses"][1]["state"] =
            json!({"terminated": {"exitCode": 2, "reason": "Error"}});
        assert_eq!(pod_status_cell(p).1, "Init:Error");
        // SchedulingGated
        let (_, s, _) = pod_status_cell(pod(json!({"phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]})));
        assert_eq!(s, "SchedulingGated");
    }

    #[test]
    fn service_pvc_cr_cells() {
        let svc = json!({"metadata": {"name": "web", "creationTimestamp": ago(90)},
            "spec": {"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"],
                     "ports": [{"port": 80, "protocol": "TCP"}], "selector": {"app": "web", "tier": "fe"}}});
        assert_eq!(
            cells(&SERVICES, svc),
            vec![
                json!("web"),
                json!("ClusterIP"),
                json!("None"),
                json!("<none>"),
                json!("80/TCP"),
                json!("90s"),
                json!("app=web,tier=fe")
            ]
        );
        let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.0.9"],
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}});
        let c = cells(&SERVICES, lb);
        assert_eq!(c[3], "<pending>");
        assert_eq!(c[4], "80:30080/TCP");
        assert_eq!(c[5], "<unknown>");
        assert_eq!(c[6], "<none>");

        let pvc = json!({"metadata": {"name": "data-web-0", "creationTimestamp": ago(7200)},
            "spec": {"volumeName": "pvc-123", "storageClassName": "standard", "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce", "ReadWriteMany"]}});
        assert_eq!(
            cells(&PVCS, pvc),
            vec![
                json!("data-web-0"),
                json!("Bound"),
                json!("pvc-123"),
                json!("1Gi"),
                json!("RWO,RWX"),
                json!("standard"),
                json!("<unset>"),
                json!("120m"),
                json!("Filesystem")
            ]
        );
        let pending =
            json!({"metadata": {"name": "p"}, "spec": {}, "status": {"phase": "Pending"}});
        let c = cells(&PVCS, pending);
        assert_eq!(c[3], "");
        assert_eq!(c[8], "<unset>");

        let cr = json!({"metadata": {"name": "web-5d8f", "creationTimestamp": ago(60),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true}]},
            "revision": 3});
        assert_eq!(
            cells(&CONTROLLERREVISIONS, cr),
            vec![
                json!("web-5d8f"),
                json!("statefulset.apps/web"),
                json!(3),
                json!("60s")
            ]
        );
    }

    #[test]
    fn event_cells_core_and_v1() {
        assert_eq!(
            col_names(&EVENTS),
            vec![
                ("Last Seen".into(), 0),
                ("Type".into(), 0),
                ("Reason".into(), 0),
                ("Object".into(), 0),
                ("Subobject".into(), 1),
                ("Source".into(), 1),
                ("Message".into(), 0),
                ("First Seen".into(), 1),
                ("Count".into(), 1),
                ("Name".into(), 1)
            ]
        );
        let ev = json!({"metadata": {"name": "web.123"},
            "involvedObject": {"kind": "StatefulSet", "name": "web"},
            "reason": "SuccessfulCreate", "type": "Normal",
            "message": "create Pod web-0 in StatefulSet web successful ",
            "source": {"component": "statefulset-controller"},
            "firstTimestamp": ago(600), "lastTimestamp": ago(30), "count": 2});
        assert_eq!(
            cells(&EVENTS, ev),
            vec![
                json!("30s"),
                json!("Normal"),
                json!("SuccessfulCreate"),
                json!("statefulset/web"),
                json!(""),
                json!("statefulset-controller"),
                json!("create Pod web-0 in StatefulSet web successful"),
                json!("10m"),
                json!(2),
                json!("web.123")
            ]
        );
        // a core/v1 view of an events.k8s.io event (scheduler): empty source, reportingComponent
        let sched = json!({"metadata": {"name": "web-0.1"}, "involvedObject": {"kind": "Pod", "name": "web-0"},
            "reason": "Scheduled", "type": "Normal", "message": "Successfully assigned default/web-0 to node-1",
            "source": {}, "eventTime": "2026-01-10T11:59:00.123456Z",
            "reportingComponent": "default-scheduler", "reportingInstance": "default-scheduler-cp"});
        let c = cells(&EVENTS, sched);
        assert_eq!(c[0], "59s"); // 59.88s truncates
        assert_eq!(c[5], "default-scheduler, default-scheduler-cp");
        assert_eq!(c[7], "59s");
        assert_eq!(c[8], 1);
        let v1 = json!({"metadata": {"name": "x"}, "regarding": {"kind": "Pod", "name": "web-0", "fieldPath": "spec.containers{a}"},
            "reason": "Pulled", "type": "Normal", "note": "pulled", "eventTime": ago(5),
            "reportingController": "kubelet", "reportingInstance": "node-1"});
        assert_eq!(
            cells(&EVENTS_V1, v1),
            vec![
                json!("5s"),
                json!("Normal"),
                json!("Pulled"),
                json!("pod/web-0"),
                json!("spec.containers{a}"),
                json!("kubelet, node-1"),
                json!("pulled"),
                json!("5s"),
                json!(1),
                json!("x")
            ]
        );
    }

    #[test]
    fn namespace_node_configmap_secret_sc_limitrange_cells() {
        let ns = json!({"metadata": {"name": "default", "creationTimestamp": ago(2 * 86400 + 3 * 3600)}, "status": {"phase": "Active"}});
        assert_eq!(
            cells(&NAMESPACES, ns),
            vec![json!("default"), json!("Active"), json!("2d3h")]
        );

        let node = json!({"metadata": {"name": "node-1", "creationTimestamp": ago(86400),
                "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "worker"}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
                "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
                "nodeInfo": {"kubeletVersion": "v1.32.4", "osImage": "Debian", "containerRuntimeVersion": "containerd://1.7"}}});
        assert_eq!(
            cells(&NODES, node),
            vec![
                json!("node-1"),
                json!("Ready,SchedulingDisabled"),
                json!("control-plane,worker"),
                json!("24h"),
                json!("v1.32.4"),
                json!("172.18.0.2"),
                json!("<none>"),
                json!("Debian"),
                json!("<unknown>"),
                json!("containerd://1.7")
            ]
        );

        let cm = json!({"metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}});
        assert_eq!(
            cells(&CONFIGMAPS, cm),
            vec![json!("c"), json!(3), json!("<unknown>")]
        );
        let sec = json!({"metadata": {"name": "s", "creationTimestamp": ago(10)}, "type": "Opaque", "data": {"k": "dg=="}});
        assert_eq!(
            cells(&SECRETS, sec),
            vec![json!("s"), json!("Opaque"), json!(1), json!("10s")]
        );

        let sc = json!({"metadata": {"name": "standard", "creationTimestamp": ago(10),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "rancher.io/local-path"});
        assert_eq!(
            cells(&STORAGECLASSES, sc),
            vec![
                json!("standard (default)"),
                json!("rancher.io/local-path"),
                json!("Delete"),
                json!("Immediate"),
                json!(false),
                json!("10s")
            ]
        );

        assert_eq!(
            col_names(&PDBS),
            vec![
                ("Name".into(), 0),
                ("Min Available".into(), 0),
                ("Max Unavailable".into(), 0),
                ("Allowed Disruptions".into(), 0),
                ("Age".into(), 0)
            ]
        );
        let pdb = json!({"metadata": {"name": "db", "creationTimestamp": ago(10)},
            "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}});
        assert_eq!(
            cells(&PDBS, pdb),
            vec![
                json!("db"),
                json!("50%"),
                json!("N/A"),
                json!(1),
                json!("10s")
            ]
        );
        let pdb = json!({"metadata": {"name": "db", "creationTimestamp": ago(10)},
            "spec": {"maxUnavailable": 1}});
        assert_eq!(
            cells(&PDBS, pdb),
            vec![
                json!("db"),
                json!("N/A"),
                json!("1"),
                json!(0),
                json!("10s")
            ]
        );

        assert_eq!(
            col_names(&LIMITRANGES),
            vec![("Name".into(), 0), ("Created At".into(), 0)]
        );
        let lr = json!({"metadata": {"name": "lr", "creationTimestamp": "2026-01-10T11:00:00Z"}});
        assert_eq!(
            cells(&LIMITRANGES, lr),
            vec![json!("lr"), json!("2026-01-10T11:00:00Z")]
        );
    }

    #[test]
    fn metrics_tables() {
        let pm = json!({"metadata": {"name": "web-0", "namespace": "default"}, "window": "10.5s",
            "containers": [{"name": "a", "usage": {"cpu": "5m", "memory": "10Mi"}},
                           {"name": "b", "usage": {"cpu": "3m", "memory": "2048Ki"}}]});
        let t = table(
            &POD_METRICS,
            &[pm],
            now(),
            json!({}),
            IncludeObject::Metadata,
        );
        let cols: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(cols, ["Name", "cpu", "memory", "Window"]);
        assert_eq!(
            t["rows"][0]["cells"],
            json!(["web-0", "8m", "12Mi", "10.5s"])
        );
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
        let nm = json!({"metadata": {"name": "node-1"}, "window": "20s", "usage": {"cpu": "250m", "memory": "1Gi"}});
        let t = table(&NODE_METRICS, &[nm], now(), json!({}), IncludeObject::None);
        assert_eq!(
            t["rows"][0]["cells"],
            json!(["node-1", "250m", "1Gi", "20s"])
        );
        assert_eq!(go_duration_string(90.0), "1m30s");
    }
}
