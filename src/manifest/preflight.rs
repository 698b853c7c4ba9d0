//! Pure: would the StatefulSet about to be created run? Checked against what the cluster has
//! (read by `crate::kube::preflight`, one list per kind): the Secrets, ConfigMaps and keys its
//! pods reference, the StorageClasses of its claim templates, a node matching its nodeSelector
//! and required node affinity with room for its requests, and the claim names it would make
//! (a claim of another StatefulSet of the same name would be mounted by its pods).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Node, NodeSelectorRequirement, NodeSelectorTerm, PersistentVolumeClaim,
    PodSpec, Secret,
};
use k8s_openapi::api::storage::v1::StorageClass;

/// The cluster as read; `None` for a kind not read (not needed, or forbidden).
#[derive(Debug, Default, Clone)]
pub struct Cluster {
    pub secrets: Option<Vec<Secret>>,
    pub config_maps: Option<Vec<ConfigMap>>,
    pub storage_classes: Option<Vec<StorageClass>>,
    pub nodes: Option<Vec<Node>>,
    pub pvcs: Option<Vec<PersistentVolumeClaim>>,
    pub statefulsets: Option<Vec<StatefulSet>>,
}

/// Which kinds the checks of `sts` need.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub secrets: bool,
    pub config_maps: bool,
    pub storage_classes: bool,
    pub nodes: bool,
    /// PVCs and StatefulSets (the claim names).
    pub claims: bool,
}

fn pod_spec(sts: &StatefulSet) -> PodSpec {
    sts.spec
        .as_ref()
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default()
}

fn templates(sts: &StatefulSet) -> Vec<PersistentVolumeClaim> {
    sts.spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.clone())
        .unwrap_or_default()
}

/// A reference the pods need: (kind "secret"|"configmap", name, key, where, optional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub secret: bool,
    pub name: String,
    pub key: Option<String>,
    pub used_by: String,
    /// In a volume (a missing object blocks the mount, FailedMount) rather than the
    /// environment (CreateContainerConfigError).
    pub volume: bool,
}

fn all_containers(spec: &PodSpec) -> impl Iterator<Item = &Container> {
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
}

/// Every Secret and ConfigMap reference that is not `optional: true`.
pub fn references(sts: &StatefulSet) -> Vec<Reference> {
    let spec = pod_spec(sts);
    let mut out = Vec::new();
    let mut push = |secret: bool, name: &str, key: Option<&str>, used_by: String, volume| {
        out.push(Reference {
            secret,
            name: name.to_string(),
            key: key.map(str::to_string),
            used_by,
            volume,
        })
    };
    for c in all_containers(&spec) {
        for e in c.env.iter().flatten() {
            let Some(from) = &e.value_from else { continue };
            let at = || format!("env {} of container {:?}", e.name, c.name);
            if let Some(r) = &from.secret_key_ref {
                if r.optional != Some(true) {
                    push(true, &r.name, Some(&r.key), at(), false);
                }
            }
            if let Some(r) = &from.config_map_key_ref {
                if r.optional != Some(true) {
                    push(false, &r.name, Some(&r.key), at(), false);
                }
            }
        }
        for e in c.env_from.iter().flatten() {
            let at = || format!("envFrom of container {:?}", c.name);
            if let Some(r) = e.secret_ref.as_ref().filter(|r| r.optional != Some(true)) {
                push(true, &r.name, None, at(), false);
            }
            if let Some(r) = e
                .config_map_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                push(false, &r.name, None, at(), false);
            }
        }
    }
    for v in spec.volumes.iter().flatten() {
        let at = || format!("volume {:?}", v.name);
        if let Some(s) = v.secret.as_ref().filter(|s| s.optional != Some(true)) {
            let name = s.secret_name.clone().unwrap_or_default();
            match &s.items {
                Some(items) => {
                    for i in items {
                        push(true, &name, Some(&i.key), at(), true)
                    }
                }
                None => push(true, &name, None, at(), true),
            }
        }
        if let Some(s) = v.config_map.as_ref().filter(|s| s.optional != Some(true)) {
            match &s.items {
                Some(items) => {
                    for i in items {
                        push(false, &s.name, Some(&i.key), at(), true)
                    }
                }
                None => push(false, &s.name, None, at(), true),
            }
        }
        for p in v
            .projected
            .as_ref()
            .and_then(|p| p.sources.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(s) = p.secret.as_ref().filter(|s| s.optional != Some(true)) {
                for i in s.items.iter().flatten() {
                    push(true, &s.name, Some(&i.key), at(), true)
                }
                if s.items.is_none() {
                    push(true, &s.name, None, at(), true)
                }
            }
            if let Some(s) = p.config_map.as_ref().filter(|s| s.optional != Some(true)) {
                for i in s.items.iter().flatten() {
                    push(false, &s.name, Some(&i.key), at(), true)
                }
                if s.items.is_none() {
                    push(false, &s.name, None, at(), true)
                }
            }
        }
    }
    out
}

/// The pod's effective requests (cpu in cores, memory in bytes), as
/// staging/src/k8s.io/component-helpers/resource/helpers.go PodRequests: the regular
/// containers and restartable init containers (sidecars) summed, each other init container
/// (plus the sidecars started before it) taken when larger.
pub fn pod_requests(spec: &PodSpec) -> BTreeMap<String, f64> {
    let req = |c: &Container| -> BTreeMap<String, f64> {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|(k, q)| Some((k.clone(), super::create::quantity_value(&q.0)?)))
            .collect()
    };
    let add = |a: &mut BTreeMap<String, f64>, b: &BTreeMap<String, f64>| {
        for (k, v) in b {
            *a.entry(k.clone()).or_default() += v;
        }
    };
    let mut total = BTreeMap::new();
    for c in &spec.containers {
        add(&mut total, &req(c));
    }
    let mut sidecars = BTreeMap::new();
    let mut init_max: BTreeMap<String, f64> = BTreeMap::new();
    for c in spec.init_containers.iter().flatten() {
        if c.restart_policy.as_deref() == Some("Always") {
            add(&mut sidecars, &req(c));
            add(&mut total, &req(c));
        } else {
            let mut need = sidecars.clone();
            add(&mut need, &req(c));
            for (k, v) in need {
                let e = init_max.entry(k).or_default();
                *e = e.max(v);
            }
        }
    }
    for (k, v) in init_max {
        let e = total.entry(k).or_default();
        *e = e.max(v);
    }
    total
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.clone().unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// One nodeSelectorTerm: all its expressions (labels) and fields (metadata.name) hold
/// (component-helpers/scheduling/corev1/nodeaffinity). An empty term matches nothing.
fn term_matches(t: &NodeSelectorTerm, node: &Node) -> bool {
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let name = node.metadata.name.clone().unwrap_or_default();
    let exprs = t.match_expressions.clone().unwrap_or_default();
    let fields = t.match_fields.clone().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields
            .iter()
            .all(|r| r.key == "metadata.name" && requirement_matches(r, Some(name.as_str())))
}

/// Whether the node satisfies the pod's nodeSelector and required node affinity (terms ORed).
pub fn node_matches(spec: &PodSpec, node: &Node) -> bool {
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let affinity_ok = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_none_or(|r| r.node_selector_terms.iter().any(|t| term_matches(t, node)));
    selector_ok && affinity_ok
}

fn fits(requests: &BTreeMap<String, f64>, node: &Node) -> bool {
    let alloc = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    requests.iter().all(|(k, v)| {
        *v <= 0.0
            || alloc
                .get(k)
                .and_then(|q| super::create::quantity_value(&q.0))
                .is_some_and(|a| *v <= a)
    })
}

/// The annotations that make a StorageClass the default, the GA one and the beta one
/// (upstream pkg/apis/storage/util/helpers.go IsDefaultAnnotation reads both).
pub const DEFAULT_CLASS_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// The default class, by [`DEFAULT_CLASS_ANNOTATIONS`].
pub fn is_default_class(c: &StorageClass) -> bool {
    c.metadata.annotations.as_ref().is_some_and(|a| {
        DEFAULT_CLASS_ANNOTATIONS
            .iter()
            .any(|k| a.get(*k).is_some_and(|v| v == "true"))
    })
}

/// [`is_default_class`] of a StorageClass read as JSON.
pub fn is_default_class_json(c: &serde_json::Value) -> bool {
    DEFAULT_CLASS_ANNOTATIONS
        .iter()
        .any(|k| c["metadata"]["annotations"][*k] == "true")
}

/// Which kinds are worth reading for `sts`.
pub fn needs(sts: &StatefulSet) -> Needs {
    let refs = references(sts);
    let spec = pod_spec(sts);
    let has_templates = !templates(sts).is_empty();
    Needs {
        secrets: refs.iter().any(|r| r.secret),
        config_maps: refs.iter().any(|r| !r.secret),
        storage_classes: has_templates,
        nodes: spec.node_selector.as_ref().is_some_and(|s| !s.is_empty())
            || spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|n| {
                    n.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .is_some()
            || pod_requests(&spec).values().any(|v| *v > 0.0),
        claims: has_templates,
    }
}

fn has_key<K: Ord + std::borrow::Borrow<str>, V>(m: Option<&BTreeMap<K, V>>, key: &str) -> bool {
    m.is_some_and(|m| m.contains_key(key))
}

/// The Secret and ConfigMap references of `sts` that `c` shows missing: each with whether
/// the object exists (then it lacks the key). Kinds `c` could not read are skipped.
pub fn missing_references(sts: &StatefulSet, c: &Cluster) -> Vec<(Reference, bool)> {
    let mut out = Vec::new();
    for r in references(sts) {
        let (found, has) = if r.secret {
            let Some(list) = &c.secrets else { continue };
            let o = list
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(&r.name));
            (
                o.is_some(),
                o.is_some_and(|s| {
                    r.key.as_deref().is_none_or(|k| {
                        has_key(s.data.as_ref(), k) || has_key(s.string_data.as_ref(), k)
                    })
                }),
            )
        } else {
            let Some(list) = &c.config_maps else { continue };
            let o = list
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(&r.name));
            (
                o.is_some(),
                o.is_some_and(|m| {
                    r.key.as_deref().is_none_or(|k| {
                        has_key(m.data.as_ref(), k) || has_key(m.binary_data.as_ref(), k)
                    })
                }),
            )
        };
        if !has {
            out.push((r, found));
        }
    }
    out
}

/// What would keep the set's pods from running, one sentence each (empty: nothing found).
pub fn check(sts: &StatefulSet, c: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    let name = sts.metadata.name.clone().unwrap_or_default();
    // 1. Secrets and ConfigMaps (kubelet_pods.go makeEnvironmentVariables: a missing object or
    //    key is CreateContainerConfigError; in a volume the mount fails).
    let mut said = std::collections::BTreeSet::new();
    for (r, found) in missing_references(sts, c) {
        let kind = if r.secret { "secret" } else { "configmap" };
        let effect = if r.volume {
            "the pods would wait in ContainerCreating (FailedMount)"
        } else {
            "the pods would end in CreateContainerConfigError"
        };
        let msg = if !found {
            format!("{kind} {:?} not found ({}): {effect}", r.name, r.used_by)
        } else {
            format!(
                "{kind} {:?} has no key {:?} ({}): {effect}",
                r.name,
                r.key.clone().unwrap_or_default(),
                r.used_by
            )
        };
        if said.insert(msg.clone()) {
            out.push(msg);
        }
    }
    // 2. StorageClasses of the claim templates ("" = no class: static binding, not checked).
    if let Some(classes) = &c.storage_classes {
        for t in templates(sts) {
            let tname = t.metadata.name.clone().unwrap_or_default();
            match t
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.as_deref())
            {
                Some("") => {}
                Some(class) => {
                    if !classes
                        .iter()
                        .any(|s| s.metadata.name.as_deref() == Some(class))
                    {
                        out.push(format!(
                            "storageclass {class:?} not found (claim template {tname:?}): the claims would stay Pending"
                        ));
                    }
                }
                None => {
                    if !classes.iter().any(is_default_class) {
                        out.push(format!(
                            "no default StorageClass and claim template {tname:?} names none: the claims would stay Pending (give --volume …:CLASS or storageClassName)"
                        ));
                    }
                }
            }
        }
    }
    // 3. A node for the pods: labels and affinity, then room (allocatable) for the requests.
    if let Some(nodes) = &c.nodes {
        let spec = pod_spec(sts);
        let matching: Vec<&Node> = nodes.iter().filter(|n| node_matches(&spec, n)).collect();
        let requests = pod_requests(&spec);
        if matching.is_empty() {
            out.push(format!(
                "no node matches the pods' nodeSelector / required node affinity ({} nodes): the pods would stay Pending (Unschedulable)",
                nodes.len()
            ));
        } else if !matching.iter().any(|n| fits(&requests, n)) {
            let wanted: Vec<String> = requests
                .iter()
                .filter(|(_, v)| **v > 0.0)
                .map(|(k, v)| match k.as_str() {
                    "cpu" => format!("cpu={}m", (v * 1000.0).ceil()),
                    "memory" => format!("memory={}Mi", (v / 1048576.0).ceil()),
                    _ => format!("{k}={v}"),
                })
                .collect();
            out.push(format!(
                "no node has room for one pod's requests ({}) in its allocatable: the pods would stay Pending (Unschedulable)",
                wanted.join(",")
            ));
        }
    }
    // 4. The claim names `<template>-<set>-<ordinal>` against claims another set owns.
    if let (Some(pvcs), Some(sets)) = (&c.pvcs, &c.statefulsets) {
        let spec = sts.spec.clone().unwrap_or_default();
        let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
        let n = spec.replicas.unwrap_or(1).max(0);
        let sel = spec.selector.match_labels.clone().unwrap_or_default();
        for t in templates(sts) {
            let tname = t.metadata.name.clone().unwrap_or_default();
            for o in start..start + n {
                let claim = format!("{tname}-{name}-{o}");
                let Some(pvc) = pvcs
                    .iter()
                    .find(|p| p.metadata.name.as_deref() == Some(claim.as_str()))
                else {
                    continue;
                };
                if let Some(other) = other_owner(pvc, &name, &sel, sets) {
                    out.push(format!(
                        "persistentvolumeclaim {claim:?} exists and belongs to {other}: pod {name}-{o} would mount it (name the set or its claim template differently)"
                    ));
                }
            }
        }
    }
    out
}

/// Another StatefulSet the claim belongs to: its owner (a StatefulSet, or a pod of one, not
/// named `set`), else an existing set whose selector its labels match and ours does not.
fn other_owner(
    pvc: &PersistentVolumeClaim,
    set: &str,
    sel: &BTreeMap<String, String>,
    sets: &[StatefulSet],
) -> Option<String> {
    for r in pvc.metadata.owner_references.iter().flatten() {
        if r.kind == "StatefulSet" && r.name != set {
            return Some(format!("statefulset {:?}", r.name));
        }
        let ours = r
            .name
            .strip_prefix(&format!("{set}-"))
            .is_some_and(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()));
        if r.kind == "Pod" && !ours {
            return Some(format!("pod {:?}", r.name));
        }
    }
    let labels = pvc.metadata.labels.clone().unwrap_or_default();
    let matches = |s: &BTreeMap<String, String>| {
        !s.is_empty() && s.iter().all(|(k, v)| labels.get(k) == Some(v))
    };
    if matches(sel) {
        return None;
    }
    sets.iter()
        .filter(|s| s.metadata.name.as_deref() != Some(set))
        .find(|s| {
            s.spec
                .as_ref()
                .and_then(|sp| sp.selector.match_labels.as_ref())
                .is_some_and(matches)
        })
        .map(|s| {
            format!(
                "statefulset {:?}",
                s.metadata.name.clone().unwrap_or_default()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts(v: serde_json::Value) -> StatefulSet {
        serde_json::from_value(v).unwrap()
    }

    fn web(pod: serde_json::Value, templates: serde_json::Value) -> StatefulSet {
        sts(json!({"metadata": {"name": "a-b"}, "spec": {"replicas": 2,
            "selector": {"matchLabels": {"app": "a-b"}},
            "template": {"metadata": {"labels": {"app": "a-b"}}, "spec": pod},
            "volumeClaimTemplates": templates}}))
    }

    fn node(name: &str, labels: serde_json::Value, cpu: &str, mem: &str) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": cpu, "memory": mem}}}))
        .unwrap()
    }

    #[test]
    fn secrets_configmaps_and_keys() {
        let s = web(
            json!({"containers": [{"name": "app", "image": "x",
                "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "pg", "key": "password"}}},
                        {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "k", "optional": true}}},
                        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}}],
                "envFrom": [{"configMapRef": {"name": "all"}}]}],
                "volumes": [{"name": "certs", "secret": {"secretName": "tls"}}]}),
            json!([]),
        );
        let n = needs(&s);
        assert!(n.secrets && n.config_maps && !n.storage_classes && !n.claims && !n.nodes);
        let c = Cluster {
            secrets: Some(vec![serde_json::from_value(
                json!({"metadata": {"name": "pg"}, "data": {"user": "eA=="}}),
            )
            .unwrap()]),
            config_maps: Some(vec![serde_json::from_value(
                json!({"metadata": {"name": "cfg"}, "data": {"mode": "a"}}),
            )
            .unwrap()]),
            ..Default::default()
        };
        assert_eq!(
            check(&s, &c),
            [
                "secret \"pg\" has no key \"password\" (env PW of container \"app\"): the pods would end in CreateContainerConfigError",
                "configmap \"all\" not found (envFrom of container \"app\"): the pods would end in CreateContainerConfigError",
                "secret \"tls\" not found (volume \"certs\"): the pods would wait in ContainerCreating (FailedMount)",
            ]
        );
        // A kind not read (forbidden) is not judged.
        let c = Cluster::default();
        assert!(check(&s, &c).is_empty());
    }

    #[test]
    fn storage_classes_named_and_default() {
        let s = web(
            json!({"containers": [{"name": "app", "image": "x"}]}),
            json!([{"metadata": {"name": "data"}, "spec": {"storageClassName": "fast"}},
                   {"metadata": {"name": "logs"}, "spec": {}},
                   {"metadata": {"name": "static"}, "spec": {"storageClassName": ""}}]),
        );
        let standard: StorageClass = serde_json::from_value(json!({"metadata": {"name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "x"}))
        .unwrap();
        let c = Cluster {
            storage_classes: Some(vec![standard.clone()]),
            ..Default::default()
        };
        let found = check(&s, &c);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("storageclass \"fast\" not found (claim template \"data\")"));
        let mut plain = standard;
        plain.metadata.annotations = None;
        let c = Cluster {
            storage_classes: Some(vec![plain]),
            ..Default::default()
        };
        let found = check(&s, &c);
        assert!(
            found[1].starts_with("no default StorageClass and claim template \"logs\""),
            "{found:?}"
        );
    }

    #[test]
    fn nodes_by_selector_affinity_and_room() {
        let pod = |extra: serde_json::Value| {
            let mut p = json!({"containers": [{"name": "app", "image": "x",
                "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}}]});
            p.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            web(p, json!([]))
        };
        let nodes = vec![
            node("n1", json!({"zone": "a", "size": "4"}), "1", "8Gi"),
            node("n2", json!({"zone": "b", "size": "16"}), "4", "8Gi"),
        ];
        let c = Cluster {
            nodes: Some(nodes),
            ..Default::default()
        };
        assert!(needs(&pod(json!({}))).nodes);
        assert!(check(&pod(json!({})), &c).is_empty());
        let found = check(&pod(json!({"nodeSelector": {"zone": "a"}})), &c);
        assert!(
            found[0]
                .starts_with("no node has room for one pod's requests (cpu=1500m,memory=1024Mi)"),
            "{found:?}"
        );
        let found = check(&pod(json!({"nodeSelector": {"zone": "c"}})), &c);
        assert!(found[0].starts_with("no node matches"), "{found:?}");
        let aff = |op: &str, key: &str, vals: serde_json::Value| {
            pod(
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [{"matchExpressions": [{"key": key, "operator": op, "values": vals}]}]}}}}),
            )
        };
        assert!(check(&aff("In", "zone", json!(["b"])), &c).is_empty());
        assert!(!check(&aff("NotIn", "zone", json!(["b"])), &c).is_empty());
        assert!(check(&aff("Gt", "size", json!(["8"])), &c).is_empty());
        assert!(!check(&aff("Lt", "size", json!(["4"])), &c).is_empty());
        assert!(!check(&aff("Exists", "gpu", json!([])), &c).is_empty());
    }

    #[test]
    fn effective_requests_count_sidecars_and_the_largest_init() {
        let spec: PodSpec = serde_json::from_value(json!({
            "initContainers": [
                {"name": "side", "image": "x", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "init", "image": "x", "resources": {"requests": {"cpu": "2"}}}],
            "containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "500m"}}}]}))
        .unwrap();
        assert!((pod_requests(&spec)["cpu"] - 2.1).abs() < 1e-9);
    }

    #[test]
    fn claim_names_of_another_set() {
        let s = web(
            json!({"containers": [{"name": "app", "image": "x"}]}),
            json!([{"metadata": {"name": "data"}, "spec": {}}]),
        );
        assert!(needs(&s).claims);
        let b = sts(json!({"metadata": {"name": "b"}, "spec": {
            "selector": {"matchLabels": {"app": "b"}}, "template": {}}}));
        let pvc =
            |labels: serde_json::Value, owner: Option<(&str, &str)>| -> PersistentVolumeClaim {
                let refs: Vec<_> = owner
                    .into_iter()
                    .map(|(k, n)| json!({"apiVersion": "v1", "kind": k, "name": n, "uid": "u"}))
                    .collect();
                serde_json::from_value(json!({"metadata": {"name": "data-a-b-0", "labels": labels,
                "ownerReferences": refs}}))
                .unwrap()
            };
        let c = |p: PersistentVolumeClaim| Cluster {
            pvcs: Some(vec![p]),
            statefulsets: Some(vec![b.clone()]),
            ..Default::default()
        };
        let found = check(&s, &c(pvc(json!({"app": "b"}), None)));
        assert_eq!(found, ["persistentvolumeclaim \"data-a-b-0\" exists and belongs to statefulset \"b\": pod a-b-0 would mount it (name the set or its claim template differently)"]);
        assert_eq!(
            check(&s, &c(pvc(json!({}), Some(("StatefulSet", "b"))))).len(),
            1
        );
        assert_eq!(check(&s, &c(pvc(json!({}), Some(("Pod", "b-0"))))).len(), 1);
        // A claim left by an earlier set of this name, or labelled for it: reused, as designed.
        assert!(check(&s, &c(pvc(json!({"app": "a-b"}), None))).is_empty());
        assert!(check(&s, &c(pvc(json!({}), Some(("StatefulSet", "a-b"))))).is_empty());
    }
}
