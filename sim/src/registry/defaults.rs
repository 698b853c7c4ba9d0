//! SetDefaults_* per kind, on raw JSON, plus the Go-encoding normalisations a real server's
//! GET shows (non-omitempty struct fields such as `resources: {}`, `creationTimestamp: null`
//! in embedded templates, apiVersion/kind of volumeClaimTemplates).
//!
//! Upstream: pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
//! pkg/apis/storage/v1/defaults.go, pkg/apis/apps/v1/conversion.go
//! (Convert_apps_StatefulSetSpec_To_v1_StatefulSetSpec sets apiVersion/kind on claim templates).

use super::util::*;
use crate::resources::*;
use serde_json::{json, Map, Value};

pub fn apply(rt: &ResourceType, obj: &mut Value) {
    if !obj.is_object() {
        return;
    }
    match rt.kind {
        "StatefulSet" => statefulset(obj),
        "Pod" => pod(obj),
        "Service" => service(obj),
        "PersistentVolumeClaim" if rt.group.is_empty() => pvc(obj),
        "Secret" => secret(obj),
        "Namespace" => namespace(obj),
        "Node" => node(obj),
        "LimitRange" => limitrange(obj),
        "StorageClass" => {
            default_str(obj, "reclaimPolicy", "Delete");
            default_str(obj, "volumeBindingMode", "Immediate");
        }
        "RoleBinding" | "ClusterRoleBinding" => crate::rbac::apply_defaults(rt.kind, obj),
        "Event" if rt.group.is_empty() => core_event(obj),
        "Event" => events_v1_event(obj),
        _ => {}
    }
}

/// SetDefaults_StatefulSet + template PodSpec defaults + claim template defaults.
fn statefulset(obj: &mut Value) {
    let Some(spec) = obj_mut(obj, "spec") else {
        return;
    };
    default_str(spec, "podManagementPolicy", "OrderedReady");
    if let Some(us) = obj_mut(spec, "updateStrategy") {
        let ty_empty = get_str(us, &["type"]).is_none_or(str::is_empty);
        if ty_empty {
            us["type"] = json!("RollingUpdate");
            default_val(us, "rollingUpdate", json!({}));
        }
        if get_str(us, &["type"]) == Some("RollingUpdate") {
            if let Some(ru) = us.get_mut("rollingUpdate").filter(|r| r.is_object()) {
                default_val(ru, "partition", json!(0));
            }
        }
    }
    // StatefulSetAutoDeletePVC is GA (always on) in 1.32.
    if let Some(p) = obj_mut(spec, "persistentVolumeClaimRetentionPolicy") {
        default_str(p, "whenDeleted", "Retain");
        default_str(p, "whenScaled", "Retain");
    }
    default_val(spec, "replicas", json!(1));
    default_val(spec, "revisionHistoryLimit", json!(10));
    if let Some(t) = obj_mut(spec, "template") {
        pod_template(t);
    }
    each_mut(spec, "volumeClaimTemplates", |c| {
        if !c.is_object() {
            return;
        }
        // Convert_apps_StatefulSetSpec_To_v1_StatefulSetSpec (issue 87583).
        c["apiVersion"] = json!("v1");
        c["kind"] = json!("PersistentVolumeClaim");
        if let Some(m) = obj_mut(c, "metadata") {
            default_val(m, "creationTimestamp", Value::Null);
        }
        pvc(c);
    });
}

/// A PodTemplateSpec as stored inside a controller: metadata.creationTimestamp null (the zero
/// metav1.Time), PodSpec defaults.
pub fn pod_template(t: &mut Value) {
    if let Some(m) = obj_mut(t, "metadata") {
        if !m
            .as_object()
            .is_some_and(|m| m.contains_key("creationTimestamp"))
        {
            m["creationTimestamp"] = Value::Null;
        }
    }
    if let Some(s) = obj_mut(t, "spec") {
        pod_spec(s);
    }
}

/// SetDefaults_Pod (pods only, not templates): requests from limits, enableServiceLinks.
fn pod(obj: &mut Value) {
    let Some(spec) = obj_mut(obj, "spec") else {
        return;
    };
    for key in ["containers", "initContainers"] {
        each_mut(spec, key, |c| {
            let Some(res) = c.get_mut("resources").filter(|r| r.is_object()) else {
                return;
            };
            let Some(limits) = res.get("limits").and_then(Value::as_object).cloned() else {
                return;
            };
            if let Some(req) = obj_mut(res, "requests").and_then(Value::as_object_mut) {
                for (k, v) in limits {
                    req.entry(k).or_insert(v);
                }
            }
        });
    }
    default_val(spec, "enableServiceLinks", json!(true));
    pod_spec(spec);
}

/// SetDefaults_PodSpec and the per-member defaults below it.
pub fn pod_spec(spec: &mut Value) {
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    default_val(spec, "securityContext", json!({}));
    default_val(spec, "terminationGracePeriodSeconds", json!(30));
    default_str(spec, "schedulerName", "default-scheduler");
    // Conversion keeps the deprecated serviceAccount mirrored (Convert_core_PodSpec_To_v1_PodSpec).
    let san = get_str(spec, &["serviceAccountName"])
        .filter(|s| !s.is_empty())
        .map(String::from);
    let sa = get_str(spec, &["serviceAccount"])
        .filter(|s| !s.is_empty())
        .map(String::from);
    match (san, sa) {
        (Some(n), _) => spec["serviceAccount"] = json!(n),
        (None, Some(n)) => spec["serviceAccountName"] = json!(n),
        _ => {}
    }
    let host_network = get(spec, &["hostNetwork"]).and_then(Value::as_bool) == Some(true);
    for key in ["containers", "initContainers", "ephemeralContainers"] {
        each_mut(spec, key, |c| container(c, host_network));
    }
    each_mut(spec, "volumes", volume);
}

/// SetDefaults_Container + ports, probes, env, resources.
fn container(c: &mut Value, host_network: bool) {
    if !c.is_object() {
        return;
    }
    let image = get_str(c, &["image"]).unwrap_or_default().to_string();
    default_str(c, "imagePullPolicy", pull_policy_for(&image));
    default_str(c, "terminationMessagePath", "/dev/termination-log");
    default_str(c, "terminationMessagePolicy", "File");
    // `Resources` is a non-pointer struct: Go always encodes it, `{}` when empty.
    if let Some(r) = obj_mut(c, "resources") {
        for k in ["limits", "requests"] {
            if let Some(list) = r.get_mut(k).and_then(Value::as_object_mut) {
                quantities_to_strings(list);
            }
        }
    }
    each_mut(c, "ports", |p| {
        default_str(p, "protocol", "TCP");
        if host_network {
            if let Some(cp) = p.get("containerPort").cloned() {
                default_val(p, "hostPort", cp);
            }
        }
    });
    for probe_key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe_key).filter(|p| p.is_object()) {
            probe(p);
        }
    }
    if let Some(lc) = c.get_mut("lifecycle").filter(|p| p.is_object()) {
        for h in ["postStart", "preStop"] {
            if let Some(hg) = lc.get_mut(h).and_then(|h| h.get_mut("httpGet")) {
                http_get(hg);
            }
        }
    }
    each_mut(c, "env", |e| {
        if let Some(fr) = e
            .get_mut("valueFrom")
            .and_then(|v| v.get_mut("fieldRef"))
            .filter(|f| f.is_object())
        {
            default_str(fr, "apiVersion", "v1");
        }
    });
}

/// imagePullPolicy default: Always for `:latest` or an untagged, undigested image, else
/// IfNotPresent (parsers.ParseImageName reports tag "latest" when none is given).
pub fn pull_policy_for(image: &str) -> &'static str {
    if image.is_empty() {
        return "IfNotPresent";
    }
    if image.contains('@') {
        // digest reference: tag is "" unless one is given explicitly, never "latest"-by-default
        let before = image.split('@').next().unwrap_or_default();
        return if tag_of(before) == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
    }
    match tag_of(image) {
        None | Some("latest") => "Always",
        Some(_) => "IfNotPresent",
    }
}

/// The tag of `repo[:port]/path:tag` (a colon after the last slash).
fn tag_of(image: &str) -> Option<&str> {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, t)| t)
}

fn probe(p: &mut Value) {
    default_val(p, "timeoutSeconds", json!(1));
    default_val(p, "periodSeconds", json!(10));
    default_val(p, "successThreshold", json!(1));
    default_val(p, "failureThreshold", json!(3));
    if let Some(hg) = p.get_mut("httpGet").filter(|h| h.is_object()) {
        http_get(hg);
    }
    if let Some(g) = p.get_mut("grpc").filter(|h| h.is_object()) {
        // SetDefaults_GRPCAction: service "" (a pointer to the empty string).
        default_val(g, "service", json!(""));
    }
}

fn http_get(hg: &mut Value) {
    default_str(hg, "path", "/");
    default_str(hg, "scheme", "HTTP");
}

const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

pub fn volume_sources() -> &'static [&'static str] {
    VOLUME_SOURCES
}

/// SetDefaults_Volume (emptyDir when no source) and the source defaults (modes 0644 = 420).
fn volume(v: &mut Value) {
    let Some(m) = v.as_object_mut() else {
        return;
    };
    if !VOLUME_SOURCES
        .iter()
        .any(|s| m.get(*s).is_some_and(|x| !x.is_null()))
    {
        m.insert("emptyDir".into(), json!({}));
    }
    for key in ["configMap", "secret", "downwardAPI", "projected"] {
        if let Some(s) = m.get_mut(key).filter(|s| s.is_object()) {
            default_val(s, "defaultMode", json!(420));
            if key == "downwardAPI" {
                each_mut(s, "items", |it| {
                    if let Some(fr) = it.get_mut("fieldRef").filter(|f| f.is_object()) {
                        default_str(fr, "apiVersion", "v1");
                    }
                });
            }
            if key == "projected" {
                each_mut(s, "sources", |src| {
                    if let Some(sat) = src.get_mut("serviceAccountToken").filter(|f| f.is_object())
                    {
                        default_val(sat, "expirationSeconds", json!(3600));
                    }
                    if let Some(d) = src.get_mut("downwardAPI").filter(|f| f.is_object()) {
                        each_mut(d, "items", |it| {
                            if let Some(fr) = it.get_mut("fieldRef").filter(|f| f.is_object()) {
                                default_str(fr, "apiVersion", "v1");
                            }
                        });
                    }
                });
            }
        }
    }
    if let Some(sl) = m
        .get_mut("emptyDir")
        .and_then(|e| e.get_mut("sizeLimit"))
        .filter(|v| !v.is_null())
    {
        if let Some(c) = super::quantity::canonical_value(sl, false) {
            *sl = Value::String(c);
        }
    }
    if let Some(hp) = m.get_mut("hostPath").filter(|s| s.is_object()) {
        default_val(hp, "type", json!(""));
    }
    if let Some(eph) = m
        .get_mut("ephemeral")
        .and_then(|e| e.get_mut("volumeClaimTemplate"))
        .and_then(|t| t.get_mut("spec"))
        .filter(|s| s.is_object())
    {
        default_str(eph, "volumeMode", "Filesystem");
    }
}

/// SetDefaults_PersistentVolumeClaim (+Spec): volumeMode Filesystem, status.phase Pending;
/// `resources` and `status` are non-pointer structs (always encoded).
pub fn pvc(obj: &mut Value) {
    if let Some(spec) = obj_mut(obj, "spec") {
        default_str(spec, "volumeMode", "Filesystem");
        if let Some(r) = obj_mut(spec, "resources") {
            for k in ["limits", "requests"] {
                if let Some(list) = r.get_mut(k).and_then(Value::as_object_mut) {
                    quantities_to_strings(list);
                }
            }
        }
    }
    if let Some(st) = obj_mut(obj, "status") {
        default_str(st, "phase", "Pending");
    }
}

/// SetDefaults_Service. ipFamilies/ipFamilyPolicy and clusterIP(s) are allocated by the
/// REST layer: see `prepare_for_create`.
fn service(obj: &mut Value) {
    let Some(spec) = obj_mut(obj, "spec") else {
        return;
    };
    default_str(spec, "sessionAffinity", "None");
    default_str(spec, "type", "ClusterIP");
    if get_str(spec, &["sessionAffinity"]) == Some("ClientIP") {
        let cfg = obj_mut(spec, "sessionAffinityConfig")
            .and_then(|c| obj_mut(c, "clientIP"))
            .map(|c| default_val(c, "timeoutSeconds", json!(10800)));
        let _ = cfg;
    }
    each_mut(spec, "ports", |p| {
        default_str(p, "protocol", "TCP");
        let tp_zero = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => n.as_i64() == Some(0),
            Some(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        if tp_zero {
            if let Some(port) = p.get("port").cloned() {
                p["targetPort"] = port;
            }
        }
    });
    let ty = get_str(spec, &["type"]).unwrap_or_default().to_string();
    if ty == "NodePort" || ty == "LoadBalancer" {
        default_str(spec, "externalTrafficPolicy", "Cluster");
    }
    if ty != "ExternalName" {
        default_str(spec, "internalTrafficPolicy", "Cluster");
    }
    if ty == "LoadBalancer" {
        default_val(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
}

/// SetDefaults_Secret (type Opaque) and the v1 -> internal conversion that folds the
/// write-only `stringData` into `data` (base64), stringData winning on duplicate keys
/// (Convert_v1_Secret_To_core_Secret).
fn secret(obj: &mut Value) {
    use base64::Engine;
    default_str(obj, "type", "Opaque");
    let Some(sd) = obj.as_object_mut().and_then(|m| m.remove("stringData")) else {
        return;
    };
    let Some(sd) = sd.as_object() else { return };
    if sd.is_empty() {
        return;
    }
    if let Some(data) = obj_mut(obj, "data").and_then(Value::as_object_mut) {
        for (k, v) in sd {
            let raw = v.as_str().unwrap_or_default();
            data.insert(
                k.clone(),
                json!(base64::engine::general_purpose::STANDARD.encode(raw)),
            );
        }
    }
}

/// SetDefaults_Namespace (metadata.name label) and SetDefaults_NamespaceStatus (Active).
fn namespace(obj: &mut Value) {
    let name = get_str(obj, &["metadata", "name"])
        .unwrap_or_default()
        .to_string();
    if !name.is_empty() {
        if let Some(labels) = obj_mut(obj, "metadata").and_then(|m| obj_mut(m, "labels")) {
            labels["kubernetes.io/metadata.name"] = json!(name);
        }
    }
    if let Some(st) = obj_mut(obj, "status") {
        default_str(st, "phase", "Active");
    }
}

/// SetDefaults_NodeStatus: allocatable = capacity when unset.
fn node(obj: &mut Value) {
    if let Some(st) = obj.get_mut("status").filter(|s| s.is_object()) {
        for k in ["capacity", "allocatable"] {
            if let Some(m) = st.get_mut(k).and_then(Value::as_object_mut) {
                quantities_to_strings(m);
            }
        }
        if st.get("allocatable").is_none_or(Value::is_null) {
            if let Some(cap) = st.get("capacity").cloned() {
                st["allocatable"] = cap;
            }
        }
    }
}

/// SetDefaults_LimitRangeItem for Container items.
fn limitrange(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").filter(|s| s.is_object()) else {
        return;
    };
    each_mut(spec, "limits", |item| {
        if get_str(item, &["type"]) != Some("Container") {
            return;
        }
        let max = get_obj(item, &["max"]).cloned().unwrap_or_default();
        let min = get_obj(item, &["min"]).cloned().unwrap_or_default();
        let mut default = get_obj(item, &["default"]).cloned().unwrap_or_default();
        for (k, v) in &max {
            default.entry(k.clone()).or_insert(v.clone());
        }
        let mut default_req = get_obj(item, &["defaultRequest"])
            .cloned()
            .unwrap_or_default();
        for (k, v) in &default {
            default_req.entry(k.clone()).or_insert(v.clone());
        }
        for (k, v) in &min {
            default_req.entry(k.clone()).or_insert(v.clone());
        }
        for list in [&mut default, &mut default_req] {
            quantities_to_strings(list);
        }
        for k in ["max", "min", "maxLimitRequestRatio"] {
            if let Some(m) = item.get_mut(k).and_then(Value::as_object_mut) {
                quantities_to_strings(m);
            }
        }
        // Empty maps are omitted by `omitempty`.
        if !default.is_empty() {
            item["default"] = Value::Object(default);
        }
        if !default_req.is_empty() {
            item["defaultRequest"] = Value::Object(default_req);
        }
    });
}

/// core/v1 Event has no defaulting function; these are the non-omitempty fields Go encodes
/// even when zero (`eventTime: null`, `reportingComponent: ""`, `source: {}` ...), so that a
/// stored event reads back as from a real server.
fn core_event(obj: &mut Value) {
    default_val(obj, "involvedObject", json!({}));
    default_val(obj, "source", json!({}));
    let m = obj.as_object_mut().expect("object");
    for k in ["firstTimestamp", "lastTimestamp", "eventTime"] {
        m.entry(k).or_insert(Value::Null);
    }
    for k in ["reportingComponent", "reportingInstance"] {
        m.entry(k).or_insert(json!(""));
    }
}

/// events.k8s.io/v1 Event: `eventTime` is a non-omitempty MicroTime.
fn events_v1_event(obj: &mut Value) {
    if let Some(m) = obj.as_object_mut() {
        m.entry("eventTime").or_insert(Value::Null);
    }
}

/// A ResourceList as Go stores it: every quantity in canonical form (Quantity.String(), so
/// `cpu: 0.5` or `"0.5"` reads back as `500m`, `1024Mi` as `1Gi`), rounded up to milli
/// precision (SetDefaults_ResourceList). Unparseable values are left for validation/decoding.
pub fn quantities_to_strings(list: &mut Map<String, Value>) {
    for v in list.values_mut() {
        if let Some(c) = super::quantity::canonical_value(v, true) {
            *v = Value::String(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_nginx_template_matches_revision_example() {
        let mut sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web"},
            "spec": {
                "selector": {"matchLabels": {"app": "nginx"}},
                "serviceName": "nginx",
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}
                }
            }
        });
        apply(&STATEFULSETS, &mut sts);
        // serde_json's map is sorted, like Go's encoding of map[string]interface{}.
        assert_eq!(
            serde_json::to_string(&sts["spec"]["template"]["spec"]).unwrap(),
            r#"{"containers":[{"image":"nginx:1.25","imagePullPolicy":"IfNotPresent","name":"nginx","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}"#
        );
        assert_eq!(
            serde_json::to_string(&sts["spec"]["template"]["metadata"]).unwrap(),
            r#"{"creationTimestamp":null,"labels":{"app":"nginx"}}"#
        );
        let spec = &sts["spec"];
        assert_eq!(spec["replicas"], 1);
        assert_eq!(spec["podManagementPolicy"], "OrderedReady");
        assert_eq!(
            spec["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        );
        assert_eq!(spec["revisionHistoryLimit"], 10);
        assert_eq!(
            spec["persistentVolumeClaimRetentionPolicy"],
            json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
        );
    }

    #[test]
    fn explicit_rolling_update_without_block_gets_no_partition() {
        let mut sts = json!({"spec": {"updateStrategy": {"type": "RollingUpdate"}}});
        apply(&STATEFULSETS, &mut sts);
        assert_eq!(
            sts["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate"})
        );
        let mut sts = json!({"spec": {"updateStrategy": {"type": "OnDelete"}}});
        apply(&STATEFULSETS, &mut sts);
        assert_eq!(sts["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
        let mut sts = json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}});
        apply(&STATEFULSETS, &mut sts);
        assert_eq!(
            sts["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
        );
    }

    #[test]
    fn claim_templates_are_defaulted_like_a_get_shows_them() {
        let mut sts = json!({"spec": {"volumeClaimTemplates": [{
            "metadata": {"name": "www"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
        }]}});
        apply(&STATEFULSETS, &mut sts);
        assert_eq!(
            sts["spec"]["volumeClaimTemplates"][0],
            json!({
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"creationTimestamp": null, "name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
                "status": {"phase": "Pending"}
            })
        );
    }

    #[test]
    fn pod_defaults_containers_probes_env_volumes() {
        let mut pod = json!({"metadata": {"name": "p"}, "spec": {
            "serviceAccountName": "builder",
            "containers": [{
                "name": "c", "image": "busybox",
                "ports": [{"containerPort": 80}],
                "resources": {"limits": {"cpu": 1, "memory": "65536Ki"}},
                "livenessProbe": {"httpGet": {"port": 80}},
                "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 5},
                "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
            }, {"name": "d", "image": "reg.example:5000/x/y:latest"}, {"name": "e", "image": "reg.example:5000/y@sha256:abc"}],
            "volumes": [{"name": "a"}, {"name": "b", "configMap": {"name": "cm"}}, {"name": "c", "secret": {"secretName": "s"}}, {"name": "d", "hostPath": {"path": "/x"}}]
        }});
        apply(&PODS, &mut pod);
        let s = &pod["spec"];
        assert_eq!(s["enableServiceLinks"], true);
        assert_eq!(s["serviceAccount"], "builder");
        let c = &s["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Always");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(
            c["resources"],
            json!({"limits": {"cpu": "1", "memory": "64Mi"}, "requests": {"cpu": "1", "memory": "64Mi"}})
        );
        assert_eq!(
            c["livenessProbe"],
            json!({"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3})
        );
        assert_eq!(c["readinessProbe"]["periodSeconds"], 5);
        assert_eq!(c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"], "v1");
        assert_eq!(s["containers"][1]["imagePullPolicy"], "Always");
        assert_eq!(s["containers"][2]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(s["volumes"][0], json!({"name": "a", "emptyDir": {}}));
        assert_eq!(s["volumes"][1]["configMap"]["defaultMode"], 420);
        assert_eq!(s["volumes"][2]["secret"]["defaultMode"], 420);
        assert_eq!(s["volumes"][3]["hostPath"]["type"], "");
    }

    #[test]
    fn service_defaults() {
        let mut svc = json!({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}, {"port": 443, "targetPort": "https"}], "selector": {"app": "nginx"}}});
        apply(&SERVICES, &mut svc);
        let s = &svc["spec"];
        assert_eq!(s["type"], "ClusterIP");
        assert_eq!(s["sessionAffinity"], "None");
        assert_eq!(s["internalTrafficPolicy"], "Cluster");
        assert_eq!(
            s["ports"][0],
            json!({"port": 80, "protocol": "TCP", "targetPort": 80})
        );
        assert_eq!(s["ports"][1]["targetPort"], "https");
        assert!(s.get("externalTrafficPolicy").is_none());
        let mut lb = json!({"spec": {"type": "LoadBalancer", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]}});
        apply(&SERVICES, &mut lb);
        assert_eq!(lb["spec"]["externalTrafficPolicy"], "Cluster");
        assert_eq!(lb["spec"]["allocateLoadBalancerNodePorts"], true);
        assert_eq!(
            lb["spec"]["sessionAffinityConfig"],
            json!({"clientIP": {"timeoutSeconds": 10800}})
        );
    }

    #[test]
    fn other_kind_defaults() {
        let mut pvc_obj = json!({"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": 1}}}});
        apply(&PVCS, &mut pvc_obj);
        assert_eq!(pvc_obj["spec"]["volumeMode"], "Filesystem");
        assert_eq!(pvc_obj["spec"]["resources"]["requests"]["storage"], "1");
        assert_eq!(pvc_obj["status"], json!({"phase": "Pending"}));

        let mut secret =
            json!({"metadata": {"name": "s"}, "data": {"a": "YQ=="}, "stringData": {"b": "hello"}});
        apply(&SECRETS, &mut secret);
        assert_eq!(secret["type"], "Opaque");
        assert_eq!(secret["data"], json!({"a": "YQ==", "b": "aGVsbG8="}));
        assert!(secret.get("stringData").is_none());

        let mut ns = json!({"metadata": {"name": "prod"}});
        apply(&NAMESPACES, &mut ns);
        assert_eq!(
            ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "prod"
        );
        assert_eq!(ns["status"]["phase"], "Active");

        let mut sc = json!({"metadata": {"name": "standard"}, "provisioner": "x"});
        apply(&STORAGECLASSES, &mut sc);
        assert_eq!(sc["reclaimPolicy"], "Delete");
        assert_eq!(sc["volumeBindingMode"], "Immediate");

        let mut lr = json!({"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "1Mi"}}]}});
        apply(&LIMITRANGES, &mut lr);
        assert_eq!(lr["spec"]["limits"][0]["default"], json!({"cpu": "2"}));
        assert_eq!(
            lr["spec"]["limits"][0]["defaultRequest"],
            json!({"cpu": "2", "memory": "1Mi"})
        );

        let mut node = json!({"status": {"capacity": {"cpu": "4"}}});
        apply(&NODES, &mut node);
        assert_eq!(node["status"]["allocatable"], json!({"cpu": "4"}));

        let mut ev = json!({"metadata": {"name": "e"}, "message": "m"});
        apply(&EVENTS, &mut ev);
        assert_eq!(ev["reportingComponent"], "");
        assert_eq!(ev["eventTime"], Value::Null);
        assert_eq!(ev["source"], json!({}));
    }
}
