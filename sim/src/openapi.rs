//! OpenAPI v3 documents (/openapi/v3 and /openapi/v3/<path>), enough for kubectl's
//! server-side field validation detection and `kubectl explain`.
//!
//! Upstream models: staging/src/k8s.io/apiserver/pkg/endpoints/openapi (path/operation
//! building: operation ids, `x-kubernetes-action`, `x-kubernetes-group-version-kind`, the
//! query parameters per verb as registered by staging/src/k8s.io/apiserver/pkg/endpoints/
//! installer.go), staging/src/k8s.io/kube-openapi/pkg/handler3 (the `/openapi/v3` index with
//! `serverRelativeURL` + `?hash=`), and the published documents in api/openapi-spec/v3/.
//! kubectl's use: staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go
//! (looks for a PATCH operation whose GVK extension matches and whose inline parameters include
//! `fieldValidation`) and staging/src/k8s.io/kubectl/pkg/explain/v2 (component schemas found by
//! their `x-kubernetes-group-version-kind`, fields followed through `allOf: [{$ref}]`).
//!
//! Component schemas are generated from k8s-openapi's `schemars` implementations (which carry
//! upstream's descriptions), rewritten into the v3 document conventions; list kinds and the
//! metrics.k8s.io kinds (not in k8s-openapi) are built here.

use crate::resources::{ResourceType, GROUPS, RESOURCES};
use k8s_openapi::schemars::{generate::SchemaSettings, JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Every served group-version as its document path ("api/v1", "apis/apps/v1", ...).
fn group_version_paths() -> Vec<(&'static str, &'static str, String)> {
    let mut out = vec![("", "v1", "api/v1".to_string())];
    for (g, v) in GROUPS {
        out.push((g, v, format!("apis/{g}/{v}")));
    }
    out
}

/// GET /openapi/v3: the index of group-version documents.
pub fn index() -> Value {
    static INDEX: OnceLock<Value> = OnceLock::new();
    INDEX.get_or_init(build_index).clone()
}

fn build_index() -> Value {
    let mut paths = Map::new();
    for (_, _, path) in group_version_paths() {
        let hash = document(&path).map(|d| hash_of(&d)).unwrap_or_default();
        paths.insert(
            path.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
        );
    }
    json!({ "paths": paths })
}

/// GET /openapi/v3/<path> (path like "api/v1", "apis/apps/v1"); None = 404.
/// A `?hash=...` suffix or a leading '/' is tolerated.
pub fn document(path: &str) -> Option<Value> {
    let path = path.split('?').next().unwrap_or("");
    let path = path.trim_matches('/');
    let (group, version, key) = group_version_paths()
        .into_iter()
        .find(|(_, _, p)| p == path)?;
    static CACHE: OnceLock<Mutex<HashMap<String, Value>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(d) = cache.lock().unwrap().get(&key) {
        return Some(d.clone());
    }
    let doc = build_document(group, version);
    cache.lock().unwrap().insert(key, doc.clone());
    Some(doc)
}

/// Upstream uses a SHA-512 of the document; any content hash serves the same purpose (clients
/// only use it as a cache key). 128-bit FNV-1a, upper-case hex.
fn hash_of(doc: &Value) -> String {
    let bytes = serde_json::to_vec(doc).unwrap_or_default();
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        h ^= b as u128;
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    format!("{h:032X}")
}

// ---------------------------------------------------------------------------------------------
// Component schemas

const REF_PREFIX: &str = "#/components/schemas/";

fn schema_name<T: JsonSchema>() -> String {
    T::schema_name().to_string()
}

/// Adds the schema of `T` (and everything it references) to the generator, returning its name.
fn add<T: JsonSchema>(g: &mut SchemaGenerator) -> String {
    g.subschema_for::<T>();
    schema_name::<T>()
}

/// The k8s-openapi type of a served kind; None for kinds k8s-openapi does not model.
fn add_kind(g: &mut SchemaGenerator, group: &str, kind: &str) -> Option<String> {
    use k8s_openapi::api::rbac::v1 as rbac;
    use k8s_openapi::api::storage::v1 as storage;
    use k8s_openapi::api::{apps::v1 as apps, core::v1 as core, events::v1 as events};
    use k8s_openapi::api::{
        authentication::v1 as authentication, authorization::v1 as authorization,
    };
    use k8s_openapi::api::{autoscaling::v1 as autoscaling, policy::v1 as policy};
    Some(match (group, kind) {
        ("", "ConfigMap") => add::<core::ConfigMap>(g),
        ("", "Event") => add::<core::Event>(g),
        ("", "LimitRange") => add::<core::LimitRange>(g),
        ("", "Namespace") => add::<core::Namespace>(g),
        ("", "Node") => add::<core::Node>(g),
        ("", "PersistentVolumeClaim") => add::<core::PersistentVolumeClaim>(g),
        ("", "Pod") => add::<core::Pod>(g),
        ("", "Secret") => add::<core::Secret>(g),
        ("", "Service") => add::<core::Service>(g),
        ("", "ServiceAccount") => add::<core::ServiceAccount>(g),
        ("", "Binding") => add::<core::Binding>(g),
        ("policy", "Eviction") => add::<policy::Eviction>(g),
        ("policy", "PodDisruptionBudget") => add::<policy::PodDisruptionBudget>(g),
        ("autoscaling", "Scale") => add::<autoscaling::Scale>(g),
        ("apps", "StatefulSet") => add::<apps::StatefulSet>(g),
        ("apps", "ControllerRevision") => add::<apps::ControllerRevision>(g),
        ("events.k8s.io", "Event") => add::<events::Event>(g),
        ("storage.k8s.io", "StorageClass") => add::<storage::StorageClass>(g),
        ("rbac.authorization.k8s.io", "Role") => add::<rbac::Role>(g),
        ("rbac.authorization.k8s.io", "RoleBinding") => add::<rbac::RoleBinding>(g),
        ("rbac.authorization.k8s.io", "ClusterRole") => add::<rbac::ClusterRole>(g),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => add::<rbac::ClusterRoleBinding>(g),
        ("authorization.k8s.io", "SelfSubjectAccessReview") => {
            add::<authorization::SelfSubjectAccessReview>(g)
        }
        ("authorization.k8s.io", "SelfSubjectRulesReview") => {
            add::<authorization::SelfSubjectRulesReview>(g)
        }
        ("authentication.k8s.io", "SelfSubjectReview") => {
            add::<authentication::SelfSubjectReview>(g)
        }
        _ => return None,
    })
}

/// The schema-name prefix upstream uses for a group-version ("io.k8s.api.apps.v1").
fn package_of(group: &str, version: &str) -> String {
    let short = match group {
        "" => "core",
        g => g.split('.').next().unwrap_or(g),
    };
    format!("io.k8s.api.{short}.{version}")
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "kind": kind, "version": version})
}

/// `{"allOf":[{"$ref":...}]}` (how v3 documents reference a schema with sibling keys).
fn ref_to(name: &str) -> Value {
    json!({"allOf": [{"$ref": format!("{REF_PREFIX}{name}")}]})
}

/// Rewrites schemars output into upstream's v3 conventions: a `$ref` with siblings (e.g. a
/// description) becomes `allOf: [{$ref}]`; references to `items` get the same shape.
fn normalize(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (_, child) in m.iter_mut() {
                normalize(child);
            }
            if let Some(r) = m.get("$ref").cloned() {
                if m.len() > 1 {
                    m.remove("$ref");
                    m.insert("allOf".into(), json!([{ "$ref": r }]));
                }
            }
            // array items referencing a struct: `{"allOf":[{$ref}],"default":{}}` upstream
            if let Some(items) = m.get_mut("items").and_then(Value::as_object_mut) {
                if items.len() == 1 {
                    if let Some(r) = items.remove("$ref") {
                        items.insert("allOf".into(), json!([{ "$ref": r }]));
                        items.insert("default".into(), json!({}));
                    }
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalize),
        _ => {}
    }
}

/// Patch strategies and list types upstream declares on fields (`+patchMergeKey`,
/// `+patchStrategy`, `+listType`, `+listMapKey` markers in k8s.io/api types.go files).
/// (schema, field, merge key, strategy, list-map keys)
#[rustfmt::skip]
const PATCH_META: &[(&str, &str, &str, &str, &[&str])] = &[
    ("io.k8s.api.core.v1.PodSpec", "containers", "name", "merge", &[]),
    ("io.k8s.api.core.v1.PodSpec", "initContainers", "name", "merge", &[]),
    ("io.k8s.api.core.v1.PodSpec", "ephemeralContainers", "name", "merge", &[]),
    ("io.k8s.api.core.v1.PodSpec", "volumes", "name", "merge,retainKeys", &[]),
    ("io.k8s.api.core.v1.PodSpec", "imagePullSecrets", "name", "merge", &[]),
    ("io.k8s.api.core.v1.PodSpec", "hostAliases", "ip", "merge", &["ip"]),
    ("io.k8s.api.core.v1.Container", "env", "name", "merge", &[]),
    ("io.k8s.api.core.v1.Container", "ports", "containerPort", "merge", &["containerPort", "protocol"]),
    ("io.k8s.api.core.v1.Container", "volumeMounts", "mountPath", "merge", &[]),
    ("io.k8s.api.core.v1.Container", "volumeDevices", "devicePath", "merge", &[]),
    ("io.k8s.api.core.v1.PodSpec", "topologySpreadConstraints", "topologyKey", "merge", &["topologyKey", "whenUnsatisfiable"]),
    ("io.k8s.api.core.v1.PodSpec", "resourceClaims", "name", "merge,retainKeys", &["name"]),
    ("io.k8s.api.core.v1.PodSpec", "schedulingGates", "name", "merge", &["name"]),
    ("io.k8s.api.core.v1.EphemeralContainer", "env", "name", "merge", &[]),
    ("io.k8s.api.core.v1.EphemeralContainer", "ports", "containerPort", "merge", &["containerPort", "protocol"]),
    ("io.k8s.api.core.v1.EphemeralContainer", "volumeMounts", "mountPath", "merge", &[]),
    ("io.k8s.api.core.v1.EphemeralContainer", "volumeDevices", "devicePath", "merge", &[]),
    ("io.k8s.api.core.v1.PodStatus", "conditions", "type", "merge", &["type"]),
    ("io.k8s.api.core.v1.PodStatus", "hostIPs", "ip", "merge", &[]),
    ("io.k8s.api.core.v1.PodStatus", "resourceClaimStatuses", "name", "merge,retainKeys", &["name"]),
    ("io.k8s.api.core.v1.NodeSpec", "podCIDRs", "", "merge", &[]),
    ("io.k8s.api.core.v1.NamespaceStatus", "conditions", "type", "merge", &[]),
    ("io.k8s.api.core.v1.ServiceStatus", "conditions", "type", "merge", &["type"]),
    ("io.k8s.api.core.v1.PodStatus", "podIPs", "ip", "merge", &["ip"]),
    ("io.k8s.api.core.v1.NodeStatus", "conditions", "type", "merge", &["type"]),
    ("io.k8s.api.core.v1.NodeStatus", "addresses", "type", "merge", &["type"]),
    ("io.k8s.api.core.v1.ServiceSpec", "ports", "port", "merge", &["port", "protocol"]),
    ("io.k8s.api.core.v1.PersistentVolumeClaimStatus", "conditions", "type", "merge", &[]),
    ("io.k8s.api.apps.v1.StatefulSetStatus", "conditions", "type", "merge", &["type"]),
    ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "selector", "", "replace", &[]),
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "conditions", "type", "merge", &["type"]),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", "uid", "merge", &["uid"]),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", "", "merge", &[]),
];

fn annotate_patch_meta(schemas: &mut Map<String, Value>) {
    for (schema, field, key, strategy, map_keys) in PATCH_META {
        let Some(prop) = schemas
            .get_mut(*schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if !key.is_empty() {
            prop.insert("x-kubernetes-patch-merge-key".into(), json!(key));
        }
        prop.insert("x-kubernetes-patch-strategy".into(), json!(strategy));
        if !map_keys.is_empty() {
            prop.insert("x-kubernetes-list-map-keys".into(), json!(map_keys));
            prop.insert("x-kubernetes-list-type".into(), json!("map"));
        } else if key.is_empty() && *strategy != "replace" {
            // a merged list of scalars (finalizers): +listType=set
            prop.insert("x-kubernetes-list-type".into(), json!("set"));
        }
    }
}

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

fn list_schema(item: &str, plural_desc: &str, group: &str, version: &str, kind: &str) -> Value {
    let mut items = ref_to(item);
    items["default"] = json!({});
    let mut meta = ref_to("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
    meta["default"] = json!({});
    meta["description"] = json!("Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    json!({
        "description": format!("{kind} is a list of {plural_desc}."),
        "properties": {
            "apiVersion": {"description": API_VERSION_DOC, "type": "string"},
            "items": {"description": format!("Items is the list of {plural_desc}."), "items": items, "type": "array"},
            "kind": {"description": KIND_DOC, "type": "string"},
            "metadata": meta,
        },
        "required": ["items"],
        "type": "object",
        "x-kubernetes-group-version-kind": [gvk(group, version, kind)],
    })
}

/// metrics.k8s.io/v1beta1 kinds (k8s.io/metrics/pkg/apis/metrics/v1beta1/types.go).
fn metrics_schemas(schemas: &mut Map<String, Value>) {
    let p = "io.k8s.metrics.pkg.apis.metrics.v1beta1";
    let usage = json!({"description": "The memory/cpu usage of the object.", "type": "object",
        "additionalProperties": {"$ref": format!("{REF_PREFIX}io.k8s.apimachinery.pkg.api.resource.Quantity")}});
    let time = || ref_to("io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    let mut ts = time();
    ts["description"] = json!("The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].");
    let window = json!({"type": "string", "description": "Window is the duration of the interval the metrics were collected over."});
    let mut meta = ref_to("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    meta["default"] = json!({});
    meta["description"] = json!("Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    let api_version = json!({"description": API_VERSION_DOC, "type": "string"});
    let kind = json!({"description": KIND_DOC, "type": "string"});
    schemas.insert(
        format!("{p}.ContainerMetrics"),
        json!({"description": "ContainerMetrics sets resource usage metrics of a container.", "type": "object",
            "required": ["name", "usage"],
            "properties": {"name": {"description": "Container name corresponding to the one from pod.spec.containers.", "type": "string"}, "usage": usage}}),
    );
    let mut containers_items = ref_to(&format!("{p}.ContainerMetrics"));
    containers_items["default"] = json!({});
    schemas.insert(
        format!("{p}.PodMetrics"),
        json!({"description": "PodMetrics sets resource usage metrics of a pod.", "type": "object",
            "required": ["timestamp", "window", "containers"],
            "properties": {"apiVersion": api_version.clone(), "kind": kind.clone(), "metadata": meta,
                "timestamp": ts, "window": window,
                "containers": {"description": "Metrics for all containers are collected within the same time window.", "type": "array", "items": containers_items}},
            "x-kubernetes-group-version-kind": [gvk("metrics.k8s.io", "v1beta1", "PodMetrics")]}),
    );
    schemas.insert(
        format!("{p}.NodeMetrics"),
        json!({"description": "NodeMetrics sets resource usage metrics of a node.", "type": "object",
            "required": ["timestamp", "window", "usage"],
            "properties": {"apiVersion": api_version.clone(), "kind": kind.clone(), "metadata": meta,
                "timestamp": ts, "window": window, "usage": usage},
            "x-kubernetes-group-version-kind": [gvk("metrics.k8s.io", "v1beta1", "NodeMetrics")]}),
    );
}

fn schema_of_kind(group: &str, version: &str, kind: &str) -> String {
    match group {
        "metrics.k8s.io" => format!("io.k8s.metrics.pkg.apis.metrics.v1beta1.{kind}"),
        _ => format!("{}.{kind}", package_of(group, version)),
    }
}

fn build_schemas(group: &str, version: &str, resources: &[&ResourceType]) -> Map<String, Value> {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
    let mut g = SchemaGenerator::new(SchemaSettings::openapi3().with(|s| s.meta_schema = None));
    let mut kinds: Vec<(String, &str, &str, String)> = Vec::new(); // (schema, group, version, kind)
    for rt in resources {
        if let Some(name) = add_kind(&mut g, rt.group, rt.kind) {
            kinds.push((name, rt.group, rt.version, rt.kind.to_string()));
        }
        for sub in rt.subresources {
            let info = crate::discovery::subresource_info(rt, sub);
            if !info.group.is_empty() || info.kind != rt.kind {
                let (sg, sv) = if info.group.is_empty() && info.version.is_empty() {
                    (rt.group, rt.version)
                } else {
                    (info.group, info.version)
                };
                if let Some(name) = add_kind(&mut g, sg, &info.kind) {
                    kinds.push((name, sg, sv, info.kind));
                }
            }
        }
    }
    add::<meta::DeleteOptions>(&mut g);
    add::<meta::Status>(&mut g);
    add::<meta::Patch>(&mut g);
    add::<meta::WatchEvent<k8s_openapi::api::core::v1::Pod>>(&mut g);
    add::<meta::APIResourceList>(&mut g);
    add::<meta::ListMeta>(&mut g);
    if group == "metrics.k8s.io" {
        add::<meta::ObjectMeta>(&mut g);
        add::<k8s_openapi::apimachinery::pkg::api::resource::Quantity>(&mut g);
        add::<meta::Time>(&mut g);
    }
    let mut schemas = g.take_definitions(true);
    for s in schemas.values_mut() {
        normalize(s);
    }
    annotate_patch_meta(&mut schemas);
    if group == "metrics.k8s.io" {
        metrics_schemas(&mut schemas);
    }
    for (name, kg, kv, kind) in &kinds {
        if let Some(s) = schemas.get_mut(name).and_then(Value::as_object_mut) {
            s.insert(
                "x-kubernetes-group-version-kind".into(),
                json!([gvk(kg, kv, kind)]),
            );
        }
    }
    for rt in resources {
        let item = schema_of_kind(group, version, rt.kind);
        let list_kind = rt.list_kind();
        schemas.insert(
            format!("{item}List"),
            list_schema(
                &item,
                &format!("{} objects", rt.kind),
                group,
                version,
                &list_kind,
            ),
        );
    }
    schemas
}

// ---------------------------------------------------------------------------------------------
// Paths and operations

fn q(name: &str, ty: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": ty, "uniqueItems": true}})
}

fn write_params(patch: bool) -> Vec<Value> {
    let mut v = vec![
        q("dryRun", "string", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"),
        q("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        q("fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict"),
    ];
    if patch {
        v.push(q("force", "boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Must be unset for non-apply patch requests."));
    }
    v
}

fn list_params(watch_only: bool) -> Vec<Value> {
    let mut v = vec![
        q("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."),
        q("continue", "string", "The continue option should be set when retrieving more results from the server."),
        q("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        q("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        q("limit", "integer", "limit is a maximum number of responses to return for a list call."),
        q("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        q("resourceVersionMatch", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
        q("sendInitialEvents", "boolean", "`sendInitialEvents=true` may be set together with `watch=true`."),
        q("timeoutSeconds", "integer", "Timeout for the list/watch call."),
        q("watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
    ];
    if watch_only {
        v.retain(|p| p["name"] != "resourceVersionMatch" || !watch_only);
    }
    v
}

fn delete_params() -> Vec<Value> {
    vec![
        q("dryRun", "string", "When present, indicates that modifications should not be persisted."),
        q("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted."),
        q("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", "if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error."),
        q("orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."),
        q("propagationPolicy", "string", "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
    ]
}

fn json_content(schema: Value) -> Value {
    json!({
        "application/json": {"schema": schema.clone()},
        "application/yaml": {"schema": schema.clone()},
        "application/vnd.kubernetes.protobuf": {"schema": schema},
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("{REF_PREFIX}{name}")})
}

struct OpCtx {
    tag: String,
    gvk: Value,
    /// e.g. "AppsV1"
    gv_camel: String,
    /// e.g. "NamespacedStatefulSet" / "Namespace"
    subject: String,
}

#[allow(clippy::too_many_arguments)]
fn op(
    ctx: &OpCtx,
    verb_id: &str,
    action: &str,
    description: String,
    params: Vec<Value>,
    body: Option<Value>,
    responses: Value,
) -> Value {
    let mut o = json!({
        "tags": [ctx.tag],
        "description": description,
        "operationId": format!("{verb_id}{}{}", ctx.gv_camel, ctx.subject),
        "responses": responses,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": ctx.gvk,
    });
    if !params.is_empty() {
        o["parameters"] = Value::Array(params);
    }
    if let Some(b) = body {
        o["requestBody"] = b;
    }
    o
}

fn ok(schema: &str) -> Value {
    json!({"200": {"description": "OK", "content": json_content(schema_ref(schema))}, "401": {"description": "Unauthorized"}})
}
fn ok_created(schema: &str, accepted: bool) -> Value {
    let mut r = json!({
        "200": {"description": "OK", "content": json_content(schema_ref(schema))},
        "201": {"description": "Created", "content": json_content(schema_ref(schema))},
        "401": {"description": "Unauthorized"},
    });
    if accepted {
        r["202"] = json!({"description": "Accepted", "content": json_content(schema_ref(schema))});
    }
    r
}
fn body(schema: &str) -> Value {
    json!({"content": {"*/*": {"schema": schema_ref(schema)}}, "required": true})
}
fn patch_body() -> Value {
    let p = schema_ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
    json!({"content": {
        "application/apply-patch+yaml": {"schema": p.clone()},
        "application/json-patch+json": {"schema": p.clone()},
        "application/merge-patch+json": {"schema": p.clone()},
        "application/strategic-merge-patch+json": {"schema": p},
    }, "required": true})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "description": description, "required": true, "schema": {"type": "string", "uniqueItems": true}})
}

fn camel_group(group: &str) -> String {
    let short = match group {
        "" => "core",
        g => g.split('.').next().unwrap_or(g),
    };
    let mut c = short.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn add_path(paths: &mut Map<String, Value>, path: String, item: Map<String, Value>) {
    if item.keys().any(|k| k != "parameters") {
        paths.insert(path, Value::Object(item));
    }
}

fn build_paths(group: &str, version: &str, resources: &[&ResourceType]) -> Map<String, Value> {
    let root = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let tag = format!(
        "{}_{version}",
        if group.is_empty() {
            "core"
        } else {
            group.split('.').next().unwrap_or(group)
        }
    );
    let gv_camel = format!("{}{}", camel_group(group), {
        let mut c = version.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    });
    let mut paths = Map::new();
    paths.insert(
        format!("{root}/"),
        json!({"get": {"tags": [tag], "description": "get available resources",
            "operationId": format!("get{gv_camel}APIResources"),
            "responses": ok("io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList")}}),
    );
    let pretty = q("pretty", "string", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");
    let ns_param = path_param(
        "namespace",
        "object name and auth scope, such as for teams and projects",
    );
    let status = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    let watch_event = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
    let delete_options = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";

    for rt in resources {
        let kind_schema = schema_of_kind(group, version, rt.kind);
        let list_schema = format!("{kind_schema}List");
        let has = |v: &str| rt.verbs.contains(&v);
        let ns_word = if rt.namespaced { "Namespaced" } else { "" };
        let ctx = OpCtx {
            tag: tag.clone(),
            gvk: gvk(group, version, rt.kind),
            gv_camel: gv_camel.clone(),
            subject: format!("{ns_word}{}", rt.kind),
        };
        let (coll, ns_params) = if rt.namespaced {
            (
                format!("{root}/namespaces/{{namespace}}/{}", rt.plural),
                vec![ns_param.clone(), pretty.clone()],
            )
        } else {
            (format!("{root}/{}", rt.plural), vec![pretty.clone()])
        };
        let item_path = format!("{coll}/{{name}}");
        let name_param = path_param("name", &format!("name of the {}", rt.kind));
        let mut item_params = vec![name_param.clone()];
        item_params.extend(ns_params.iter().cloned());

        // collection
        let mut c = Map::new();
        c.insert("parameters".into(), Value::Array(ns_params.clone()));
        if has("list") {
            c.insert(
                "get".into(),
                op(
                    &ctx,
                    "list",
                    "list",
                    format!("list or watch objects of kind {}", rt.kind),
                    list_params(false),
                    None,
                    ok(&list_schema),
                ),
            );
        }
        if has("create") {
            c.insert(
                "post".into(),
                op(
                    &ctx,
                    "create",
                    "post",
                    format!("create a {}", rt.kind),
                    write_params(false),
                    Some(body(&kind_schema)),
                    ok_created(&kind_schema, true),
                ),
            );
        }
        if has("deletecollection") {
            let mut p = delete_params();
            p.extend(list_params(false));
            let subject = format!("Collection{}", ctx.subject);
            let c_ctx = OpCtx {
                subject,
                ..ctx_clone(&ctx)
            };
            c.insert(
                "delete".into(),
                op(
                    &c_ctx,
                    "delete",
                    "deletecollection",
                    format!("delete collection of {}", rt.kind),
                    p,
                    Some(body(delete_options)),
                    ok(status),
                ),
            );
        }
        add_path(&mut paths, coll.clone(), c);

        // item
        let mut i = Map::new();
        i.insert("parameters".into(), Value::Array(item_params.clone()));
        if has("get") {
            i.insert(
                "get".into(),
                op(
                    &ctx,
                    "read",
                    "get",
                    format!("read the specified {}", rt.kind),
                    vec![],
                    None,
                    ok(&kind_schema),
                ),
            );
        }
        if has("update") {
            i.insert(
                "put".into(),
                op(
                    &ctx,
                    "replace",
                    "put",
                    format!("replace the specified {}", rt.kind),
                    write_params(false),
                    Some(body(&kind_schema)),
                    ok_created(&kind_schema, false),
                ),
            );
        }
        if has("patch") {
            i.insert(
                "patch".into(),
                op(
                    &ctx,
                    "patch",
                    "patch",
                    format!("partially update the specified {}", rt.kind),
                    write_params(true),
                    Some(patch_body()),
                    ok_created(&kind_schema, false),
                ),
            );
        }
        if has("delete") {
            let mut r = ok(&kind_schema);
            r["202"] = json!({"description": "Accepted", "content": json_content(schema_ref(&kind_schema))});
            i.insert(
                "delete".into(),
                op(
                    &ctx,
                    "delete",
                    "delete",
                    format!("delete a {}", rt.kind),
                    delete_params(),
                    Some(body(delete_options)),
                    r,
                ),
            );
        }
        add_path(&mut paths, item_path.clone(), i);

        // subresources
        for sub in rt.subresources {
            let info = crate::discovery::subresource_info(rt, sub);
            let (sg, sv) = if info.group.is_empty() && info.version.is_empty() {
                (group, version)
            } else {
                (info.group, info.version)
            };
            let sub_schema = if info.kind == rt.kind {
                kind_schema.clone()
            } else {
                let mut g = SchemaGenerator::default();
                add_kind(&mut g, sg, &info.kind)
                    .unwrap_or_else(|| schema_of_kind(sg, sv, &info.kind))
            };
            let sub_camel = {
                let mut c = sub.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            };
            let s_ctx = OpCtx {
                tag: tag.clone(),
                gvk: gvk(sg, sv, &info.kind),
                gv_camel: gv_camel.clone(),
                subject: format!("{}{sub_camel}", ctx.subject),
            };
            let mut s = Map::new();
            s.insert("parameters".into(), Value::Array(item_params.clone()));
            for verb in info.verbs {
                match *verb {
                    "get" if *sub == "log" => {
                        let mut o = op(
                            &s_ctx,
                            "read",
                            "get",
                            format!("read log of the specified {}", rt.kind),
                            [
                                "container",
                                "follow",
                                "insecureSkipTLSVerifyBackend",
                                "limitBytes",
                                "previous",
                                "sinceSeconds",
                                "tailLines",
                                "timestamps",
                            ]
                            .iter()
                            .map(|n| {
                                q(
                                    n,
                                    if [
                                        "follow",
                                        "insecureSkipTLSVerifyBackend",
                                        "previous",
                                        "timestamps",
                                    ]
                                    .contains(n)
                                    {
                                        "boolean"
                                    } else if *n == "container" {
                                        "string"
                                    } else {
                                        "integer"
                                    },
                                    n,
                                )
                            })
                            .collect(),
                            None,
                            json!({"200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}, "401": {"description": "Unauthorized"}}),
                        );
                        o["x-kubernetes-group-version-kind"] = gvk(group, version, rt.kind);
                        s.insert("get".into(), o);
                    }
                    "get" => {
                        s.insert(
                            "get".into(),
                            op(
                                &s_ctx,
                                "read",
                                "get",
                                format!("read {sub} of the specified {}", rt.kind),
                                vec![],
                                None,
                                ok(&sub_schema),
                            ),
                        );
                    }
                    "update" => {
                        s.insert(
                            "put".into(),
                            op(
                                &s_ctx,
                                "replace",
                                "put",
                                format!("replace {sub} of the specified {}", rt.kind),
                                write_params(false),
                                Some(body(&sub_schema)),
                                ok_created(&sub_schema, false),
                            ),
                        );
                    }
                    "patch" => {
                        s.insert(
                            "patch".into(),
                            op(
                                &s_ctx,
                                "patch",
                                "patch",
                                format!("partially update {sub} of the specified {}", rt.kind),
                                write_params(true),
                                Some(patch_body()),
                                ok_created(&sub_schema, false),
                            ),
                        );
                    }
                    "create" => {
                        s.insert(
                            "post".into(),
                            op(
                                &s_ctx,
                                "create",
                                "post",
                                format!("create {sub} of a {}", rt.kind),
                                write_params(false),
                                Some(body(&sub_schema)),
                                ok_created(&sub_schema, true),
                            ),
                        );
                    }
                    _ => {}
                }
            }
            add_path(&mut paths, format!("{item_path}/{sub}"), s);
        }

        // all-namespaces list and the deprecated watch paths
        if rt.namespaced && has("list") {
            let a_ctx = OpCtx {
                subject: format!("{}ForAllNamespaces", rt.kind),
                ..ctx_clone(&ctx)
            };
            let mut a = Map::new();
            a.insert(
                "parameters".into(),
                Value::Array(
                    list_params(false)
                        .into_iter()
                        .chain([pretty.clone()])
                        .collect(),
                ),
            );
            a.insert(
                "get".into(),
                op(
                    &a_ctx,
                    "list",
                    "list",
                    format!("list or watch objects of kind {}", rt.kind),
                    vec![],
                    None,
                    ok(&list_schema),
                ),
            );
            add_path(&mut paths, format!("{root}/{}", rt.plural), a);
        }
        if has("watch") {
            let watch_root = format!("{root}/watch");
            let wcoll = coll.replacen(&root, &watch_root, 1);
            let mut w = Map::new();
            w.insert(
                "parameters".into(),
                Value::Array(
                    list_params(true)
                        .into_iter()
                        .chain(ns_params.clone())
                        .collect(),
                ),
            );
            let wl_ctx = OpCtx {
                subject: format!("{}List", ctx.subject),
                ..ctx_clone(&ctx)
            };
            w.insert("get".into(), op(&wl_ctx, "watch", "watchlist",
                format!("watch individual changes to a list of {}. deprecated: use the 'watch' parameter with a list operation instead.", rt.kind),
                vec![], None, ok(watch_event)));
            add_path(&mut paths, wcoll.clone(), w);
            let mut wi = Map::new();
            wi.insert(
                "parameters".into(),
                Value::Array(
                    list_params(true)
                        .into_iter()
                        .chain(item_params.clone())
                        .collect(),
                ),
            );
            wi.insert("get".into(), op(&ctx, "watch", "watch",
                format!("watch changes to an object of kind {}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.", rt.kind),
                vec![], None, ok(watch_event)));
            add_path(&mut paths, format!("{wcoll}/{{name}}"), wi);
            if rt.namespaced {
                let wa_ctx = OpCtx {
                    subject: format!("{}ListForAllNamespaces", rt.kind),
                    ..ctx_clone(&ctx)
                };
                let mut wa = Map::new();
                wa.insert(
                    "parameters".into(),
                    Value::Array(
                        list_params(true)
                            .into_iter()
                            .chain([pretty.clone()])
                            .collect(),
                    ),
                );
                wa.insert("get".into(), op(&wa_ctx, "watch", "watchlist",
                    format!("watch individual changes to a list of {}. deprecated: use the 'watch' parameter with a list operation instead.", rt.kind),
                    vec![], None, ok(watch_event)));
                add_path(&mut paths, format!("{watch_root}/{}", rt.plural), wa);
            }
        }
    }
    paths
}

fn ctx_clone(c: &OpCtx) -> OpCtx {
    OpCtx {
        tag: c.tag.clone(),
        gvk: c.gvk.clone(),
        gv_camel: c.gv_camel.clone(),
        subject: c.subject.clone(),
    }
}

fn build_document(group: &str, version: &str) -> Value {
    let mut resources: Vec<&ResourceType> = RESOURCES
        .iter()
        .copied()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    resources.sort_by_key(|r| r.plural);
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": build_paths(group, version, &resources),
        "components": {
            "schemas": build_schemas(group, version, &resources),
            "securitySchemes": {"BearerToken": {"type": "apiKey", "description": "Bearer Token authentication", "name": "authorization", "in": "header"}},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        let r = schema
            .get("$ref")
            .or_else(|| schema.pointer("/allOf/0/$ref"))
            .and_then(Value::as_str);
        match r {
            Some(r) => {
                let name = r.strip_prefix(REF_PREFIX).unwrap();
                &doc["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    #[test]
    fn index_lists_every_group_version() {
        let idx = index();
        let paths = idx["paths"].as_object().unwrap();
        for p in [
            "api/v1",
            "apis/apps/v1",
            "apis/events.k8s.io/v1",
            "apis/storage.k8s.io/v1",
            "apis/metrics.k8s.io/v1beta1",
        ] {
            let url = paths[p]["serverRelativeURL"].as_str().unwrap();
            assert!(url.starts_with(&format!("/openapi/v3/{p}?hash=")), "{url}");
            assert!(url.len() > format!("/openapi/v3/{p}?hash=").len());
            assert!(document(p).is_some());
            assert!(document(&format!("{p}?hash=ABC")).is_some());
        }
        assert_eq!(paths.len(), GROUPS.len() + 1);
        assert!(document("apis/batch/v1").is_none());
    }

    #[test]
    fn statefulset_patch_advertises_field_validation_and_gvk() {
        let doc = document("apis/apps/v1").unwrap();
        assert_eq!(doc["openapi"], "3.0.0");
        let p = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert_eq!(
            p["x-kubernetes-group-version-kind"],
            json!({"group": "apps", "kind": "StatefulSet", "version": "v1"})
        );
        assert_eq!(p["x-kubernetes-action"], "patch");
        assert_eq!(p["operationId"], "patchAppsV1NamespacedStatefulSet");
        let names: Vec<&str> = p["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for n in ["dryRun", "fieldManager", "fieldValidation", "force"] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(p["requestBody"]["content"]["application/strategic-merge-patch+json"].is_object());
        let post = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets"]["post"];
        assert!(post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation"));
        let scale = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale"]
            ["patch"];
        assert_eq!(
            scale["x-kubernetes-group-version-kind"]["group"],
            "autoscaling"
        );
        assert_eq!(scale["x-kubernetes-group-version-kind"]["kind"], "Scale");
        assert!(doc["components"]["schemas"]["io.k8s.api.autoscaling.v1.Scale"].is_object());
        // every operation has the action and GVK extensions
        for (path, item) in doc["paths"].as_object().unwrap() {
            if path == "/apis/apps/v1/" {
                continue;
            }
            for (verb, o) in item.as_object().unwrap() {
                if verb == "parameters" {
                    continue;
                }
                assert!(o["x-kubernetes-action"].is_string(), "{path} {verb}");
                assert!(
                    o["x-kubernetes-group-version-kind"]["kind"].is_string(),
                    "{path} {verb}"
                );
            }
        }
    }

    #[test]
    fn explain_can_walk_statefulset_spec_update_strategy() {
        let doc = document("apis/apps/v1").unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let (_, sts) = schemas
            .iter()
            .find(|(_, s)| {
                s["x-kubernetes-group-version-kind"]
                    == json!([{"group": "apps", "kind": "StatefulSet", "version": "v1"}])
            })
            .expect("StatefulSet schema found by GVK");
        let spec_field = &sts["properties"]["spec"];
        assert!(spec_field["allOf"][0]["$ref"].is_string(), "{spec_field}");
        assert!(spec_field["description"].is_string());
        let spec = resolve(&doc, spec_field);
        let us = resolve(&doc, &spec["properties"]["updateStrategy"]);
        assert!(us["description"]
            .as_str()
            .unwrap()
            .contains("StatefulSetUpdateStrategy"));
        assert!(us["properties"]["rollingUpdate"].is_object());
        let ru = resolve(&doc, &us["properties"]["rollingUpdate"]);
        assert!(ru["properties"]["partition"]["type"] == "integer");
        // pod template containers carry the merge key
        let tmpl = resolve(&doc, &spec["properties"]["template"]);
        let pod_spec = resolve(&doc, &tmpl["properties"]["spec"]);
        assert_eq!(
            pod_spec["properties"]["containers"]["x-kubernetes-patch-merge-key"],
            "name"
        );
        let om = &schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"];
        assert_eq!(
            om["ownerReferences"]["x-kubernetes-list-map-keys"],
            json!(["uid"])
        );
        assert_eq!(om["finalizers"]["x-kubernetes-list-type"], "set");
        // no dangling references
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"").skip(1) {
            let name = part
                .split('"')
                .next()
                .unwrap()
                .strip_prefix(REF_PREFIX)
                .unwrap();
            assert!(schemas.contains_key(name), "dangling ref {name}");
        }
        assert!(
            schemas["io.k8s.api.apps.v1.StatefulSetList"]["x-kubernetes-group-version-kind"][0]
                ["kind"]
                == "StatefulSetList"
        );
    }

    #[test]
    fn every_patch_strategy_lands_on_a_real_field() {
        let docs = [
            document("api/v1").unwrap(),
            document("apis/apps/v1").unwrap(),
            document("apis/policy/v1").unwrap(),
        ];
        for (schema, field, key, strategy, _) in PATCH_META {
            let prop = docs
                .iter()
                .find_map(|d| {
                    d.pointer(&format!("/components/schemas/{schema}/properties/{field}"))
                })
                .unwrap_or_else(|| panic!("{schema}.{field} not in any document"));
            assert_eq!(
                prop["x-kubernetes-patch-strategy"], *strategy,
                "{schema}.{field}"
            );
            if !key.is_empty() {
                assert_eq!(
                    prop["x-kubernetes-patch-merge-key"], *key,
                    "{schema}.{field}"
                );
            }
        }
    }

    #[test]
    fn core_and_metrics_documents() {
        let doc = document("api/v1").unwrap();
        let p = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/log"]["get"];
        assert_eq!(p["x-kubernetes-group-version-kind"]["kind"], "Pod");
        let ns = &doc["paths"]["/api/v1/namespaces/{name}"]["patch"];
        assert_eq!(ns["operationId"], "patchCoreV1Namespace");
        assert!(doc["paths"]["/api/v1/namespaces"]["delete"].is_null());
        assert!(doc["components"]["schemas"]["io.k8s.api.core.v1.Pod"]
            ["x-kubernetes-group-version-kind"]
            .is_array());
        let m = document("apis/metrics.k8s.io/v1beta1").unwrap();
        let pm = &m["paths"]["/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}"];
        assert_eq!(
            pm["get"]["x-kubernetes-group-version-kind"]["kind"],
            "PodMetrics"
        );
        assert!(pm["patch"].is_null());
        assert!(
            m["components"]["schemas"]["io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics"]
                .is_object()
        );
    }
}
