//! StatefulSet history, pure: ControllerRevisions → numbered revisions, the pod template each
//! one stores, a one-line summary of what changed, unified YAML diffs, and the choice of the
//! revision a rollback goes to (kubectl's `polymorphichelpers/rollback.go` rules).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::ObjectMeta;
use serde_json::Value;

pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// One ControllerRevision of a StatefulSet.
#[derive(Debug, Clone)]
pub struct Revision {
    pub metadata: ObjectMeta,
    pub number: i64,
    /// `data` exactly as stored (the strategic patch `kubectl rollout undo` sends).
    pub data: String,
}

impl Revision {
    pub fn new(metadata: ObjectMeta, number: i64, data: String) -> Revision {
        Revision {
            metadata,
            number,
            data,
        }
    }

    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }

    /// The hash: label controller.kubernetes.io/hash, else the name's suffix.
    pub fn hash(&self) -> String {
        self.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("controller.kubernetes.io/hash"))
            .cloned()
            .unwrap_or_else(|| {
                self.name()
                    .rsplit('-')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
    }

    pub fn change_cause(&self) -> Option<&str> {
        self.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(CHANGE_CAUSE))
            .map(|s| s.as_str())
    }

    /// The stored pod template without the `$patch` directive.
    pub fn template(&self) -> Value {
        let v: Value = serde_json::from_str(&self.data).unwrap_or(Value::Null);
        let mut t = v.pointer("/spec/template").cloned().unwrap_or(Value::Null);
        if let Some(m) = t.as_object_mut() {
            m.remove("$patch");
        }
        normalize(&t)
    }
}

/// Sorts newest first (highest number; ties by name, as kubectl keys its map by number).
pub fn newest_first(mut revs: Vec<Revision>) -> Vec<Revision> {
    revs.sort_by(|a, b| b.number.cmp(&a.number).then_with(|| b.name().cmp(a.name())));
    revs
}

/// The current template of the set, in the same normal form as [`Revision::template`].
pub fn current_template(sts: &StatefulSet) -> Value {
    let t = sts
        .spec
        .as_ref()
        .map(|s| serde_json::to_value(&s.template).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    normalize(&t)
}

/// Drops nulls and empty maps/lists recursively so that Go's `"creationTimestamp":null` and
/// `"resources":{}` compare equal to their absence.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                let n = normalize(x);
                let empty = match &n {
                    Value::Null => true,
                    Value::Object(o) => o.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    _ => false,
                };
                if !empty {
                    out.insert(k.clone(), n);
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// kubectl's choice of the rollback target: `to == 0` means the second-highest number.
/// Errors carry kubectl's messages.
pub fn rollback_target(revs: &[Revision], to: i64) -> Result<&Revision> {
    if to < 0 {
        bail!("unable to find specified revision {to} in history");
    }
    let sorted = newest_first(revs.to_vec());
    if to == 0 {
        if sorted.len() <= 1 {
            return Err(anyhow!("no last revision to roll back to"));
        }
        let number = sorted[1].number;
        return revs
            .iter()
            .find(|r| r.number == number)
            .ok_or_else(|| anyhow!("no last revision to roll back to"));
    }
    revs.iter()
        .filter(|r| r.number == to)
        .max_by(|a, b| a.name().cmp(b.name()))
        .ok_or_else(|| anyhow!("unable to find specified revision {to} in history"))
}

/// Finds a revision by number, with a message listing the ones that exist.
pub fn by_number(revs: &[Revision], n: i64) -> Result<&Revision> {
    revs.iter().find(|r| r.number == n).ok_or_else(|| {
        let mut have: Vec<i64> = revs.iter().map(|r| r.number).collect();
        have.sort();
        let list = have
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        anyhow!("revision {n} not found (revisions: {list})")
    })
}

/// The previous revision (next lower number), if any.
pub fn previous(revs: &[Revision], n: i64) -> Option<&Revision> {
    revs.iter()
        .filter(|r| r.number < n)
        .max_by_key(|r| r.number)
}

/// One line: what changed from `old` to `new` (images, env, resources, restart, …).
pub fn summary(old: Option<&Value>, new: &Value) -> String {
    let Some(old) = old else {
        let imgs: Vec<String> = containers(new)
            .into_iter()
            .map(|(n, c)| format!("{n}={}", c["image"].as_str().unwrap_or("")))
            .collect();
        return format!("initial: {}", imgs.join(", "));
    };
    let mut parts: Vec<String> = Vec::new();
    let (oc, nc) = (containers(old), containers(new));
    for (name, c) in &nc {
        match oc.get(name) {
            None => parts.push(format!(
                "+container {name} ({})",
                c["image"].as_str().unwrap_or("")
            )),
            Some(o) => {
                let (oi, ni) = (
                    o["image"].as_str().unwrap_or(""),
                    c["image"].as_str().unwrap_or(""),
                );
                if oi != ni {
                    parts.push(format!("image {name}: {oi} → {ni}"));
                }
                let (oe, ne) = (env_map(o), env_map(c));
                let mut ch = Vec::new();
                for (k, v) in &ne {
                    match oe.get(k) {
                        None => ch.push(format!("+{k}")),
                        Some(ov) if ov != v => ch.push(format!("~{k}")),
                        _ => {}
                    }
                }
                for k in oe.keys().filter(|k| !ne.contains_key(*k)) {
                    ch.push(format!("-{k}"));
                }
                if !ch.is_empty() {
                    parts.push(format!("env {name}: {}", ch.join(" ")));
                }
                for (field, label) in [
                    ("resources", "resources"),
                    ("ports", "ports"),
                    ("command", "command"),
                    ("args", "args"),
                    ("volumeMounts", "mounts"),
                    ("readinessProbe", "readiness probe"),
                    ("livenessProbe", "liveness probe"),
                ] {
                    if o.get(field) != c.get(field) {
                        parts.push(format!("{label} {name}"));
                    }
                }
            }
        }
    }
    for name in oc.keys().filter(|k| !nc.contains_key(*k)) {
        parts.push(format!("-container {name}"));
    }
    let ann = |v: &Value, k: &str| {
        v.pointer("/metadata/annotations")
            .and_then(|a| a.get(k))
            .cloned()
    };
    if ann(old, RESTARTED_AT) != ann(new, RESTARTED_AT) {
        parts.push("restarted".into());
    }
    if old.pointer("/metadata/labels") != new.pointer("/metadata/labels") {
        parts.push("labels".into());
    }
    let strip_restart = |v: &Value| {
        let mut a = v
            .pointer("/metadata/annotations")
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(m) = a.as_object_mut() {
            m.remove(RESTARTED_AT);
        }
        normalize(&serde_json::json!({"a": a}))
    };
    if strip_restart(old) != strip_restart(new) {
        parts.push("annotations".into());
    }
    // Other pod spec fields.
    let (os, ns) = (
        old.get("spec").and_then(|s| s.as_object()),
        new.get("spec").and_then(|s| s.as_object()),
    );
    if let (Some(os), Some(ns)) = (os, ns) {
        let mut keys: Vec<&String> = os
            .keys()
            .chain(ns.keys())
            .filter(|k| *k != "containers")
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if os.get(k) != ns.get(k) {
                parts.push(k.clone());
            }
        }
    }
    if parts.is_empty() {
        "no template change".into()
    } else {
        parts.join("; ")
    }
}

fn containers(t: &Value) -> BTreeMap<String, Value> {
    t.pointer("/spec/containers")
        .and_then(|c| c.as_array())
        .map(|a| {
            a.iter()
                .map(|c| (c["name"].as_str().unwrap_or("").to_string(), c.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn env_map(c: &Value) -> BTreeMap<String, Value> {
    c.get("env")
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .map(|e| (e["name"].as_str().unwrap_or("").to_string(), e.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Pods per revision name as the StatefulSet's status counts them, when that accounts for
/// every pod: the status is current (observedGeneration = generation) and each counted pod is
/// on the current or the update revision (upstream's computeReplicaStatus in
/// pkg/controller/statefulset/stateful_set_control.go counts currentReplicas and
/// updatedReplicas among created, non-terminating pods, replicas among all created ones).
/// None when a pod may be elsewhere (an interrupted rollout, a terminating pod): then only
/// the pods themselves tell.
pub fn pods_per_revision_from_status(sts: &StatefulSet) -> Option<BTreeMap<String, i32>> {
    let st = sts.status.as_ref()?;
    if st.observed_generation? != sts.metadata.generation? {
        return None;
    }
    let current = st.current_revision.clone().filter(|s| !s.is_empty())?;
    let update = st.update_revision.clone().filter(|s| !s.is_empty())?;
    let cur = st.current_replicas.unwrap_or(0);
    let upd = st.updated_replicas.unwrap_or(0);
    let mut out = BTreeMap::new();
    if current == update {
        if upd != st.replicas || cur != st.replicas {
            return None;
        }
        out.insert(current, st.replicas);
    } else {
        if cur + upd != st.replicas {
            return None;
        }
        out.insert(current, cur);
        out.insert(update, upd);
    }
    Some(out)
}

/// Pods per revision name, counted from the pods the set controls (their
/// controller-revision-hash label).
pub fn pods_per_revision(
    sts: &StatefulSet,
    pods: &[k8s_openapi::api::core::v1::Pod],
) -> BTreeMap<String, i32> {
    let uid = sts.metadata.uid.clone().unwrap_or_default();
    let mut m = BTreeMap::new();
    for p in pods
        .iter()
        .filter(|p| super::controlled_by(&p.metadata, &uid))
    {
        if let Some(h) = p
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("controller-revision-hash"))
        {
            *m.entry(h.clone()).or_insert(0) += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rev(n: i64, name: &str, image: &str) -> Revision {
        let data = json!({"spec": {"template": {"$patch": "replace", "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": image, "resources": {}}]}}}});
        Revision::new(
            ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            n,
            data.to_string(),
        )
    }

    #[test]
    fn template_strips_directive_and_nulls() {
        let t = rev(1, "web-1", "nginx:1").template();
        assert_eq!(
            t,
            json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}})
        );
    }

    #[test]
    fn rollback_target_rules_match_kubectl() {
        let revs = vec![
            rev(1, "web-a", "a"),
            rev(3, "web-c", "c"),
            rev(4, "web-b", "b"),
        ];
        assert_eq!(rollback_target(&revs, 0).unwrap().name(), "web-c");
        assert_eq!(rollback_target(&revs, 1).unwrap().name(), "web-a");
        assert_eq!(
            rollback_target(&revs, 2).unwrap_err().to_string(),
            "unable to find specified revision 2 in history"
        );
        assert_eq!(
            rollback_target(&revs, -1).unwrap_err().to_string(),
            "unable to find specified revision -1 in history"
        );
        assert_eq!(
            rollback_target(&revs[..1], 0).unwrap_err().to_string(),
            "no last revision to roll back to"
        );
        assert_eq!(previous(&revs, 4).unwrap().number, 3);
        assert!(previous(&revs, 1).is_none());
        assert_eq!(
            newest_first(revs.clone())
                .iter()
                .map(|r| r.number)
                .collect::<Vec<_>>(),
            vec![4, 3, 1]
        );
        assert!(by_number(&revs, 2)
            .unwrap_err()
            .to_string()
            .contains("revisions: 1, 3, 4"));
    }

    #[test]
    fn summaries_name_what_changed() {
        let a = rev(1, "a", "nginx:1.25").template();
        let b = rev(2, "b", "nginx:1.27").template();
        assert_eq!(summary(Some(&a), &b), "image web: nginx:1.25 → nginx:1.27");
        assert_eq!(summary(None, &a), "initial: web=nginx:1.25");
        let mut c = b.clone();
        c["spec"]["containers"][0]["env"] = json!([{"name": "A", "value": "1"}]);
        c["metadata"]["annotations"] = json!({RESTARTED_AT: "now"});
        c["spec"]["nodeSelector"] = json!({"disk": "ssd"});
        assert_eq!(
            summary(Some(&b), &c),
            "env web: +A; restarted; nodeSelector"
        );
        assert_eq!(summary(Some(&b), &b), "no template change");
    }

    fn with_status(status: serde_json::Value) -> StatefulSet {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "generation": 3},
            "spec": {"selector": {}, "template": {}, "serviceName": "web"},
            "status": status,
        }))
        .unwrap()
    }

    #[test]
    fn pods_per_revision_comes_from_status_only_when_it_accounts_for_every_pod() {
        let settled = with_status(serde_json::json!({"observedGeneration": 3, "replicas": 3,
            "currentReplicas": 3, "updatedReplicas": 3,
            "currentRevision": "web-a", "updateRevision": "web-a"}));
        assert_eq!(
            pods_per_revision_from_status(&settled),
            Some(BTreeMap::from([("web-a".to_string(), 3)]))
        );
        let rolling = with_status(serde_json::json!({"observedGeneration": 3, "replicas": 3,
            "currentReplicas": 2, "updatedReplicas": 1,
            "currentRevision": "web-a", "updateRevision": "web-b"}));
        assert_eq!(
            pods_per_revision_from_status(&rolling),
            Some(BTreeMap::from([
                ("web-a".to_string(), 2),
                ("web-b".to_string(), 1)
            ]))
        );
        // A pod on a third revision (an interrupted rollout) or terminating: not accounted.
        let third = with_status(serde_json::json!({"observedGeneration": 3, "replicas": 3,
            "currentReplicas": 1, "updatedReplicas": 1,
            "currentRevision": "web-a", "updateRevision": "web-c"}));
        assert_eq!(pods_per_revision_from_status(&third), None);
        // A status the controller has not written for this generation yet.
        let stale = with_status(serde_json::json!({"observedGeneration": 2, "replicas": 3,
            "currentReplicas": 3, "updatedReplicas": 3,
            "currentRevision": "web-a", "updateRevision": "web-a"}));
        assert_eq!(pods_per_revision_from_status(&stale), None);
        let none = with_status(serde_json::json!({}));
        assert_eq!(pods_per_revision_from_status(&none), None);
    }

    #[test]
    fn pods_per_revision_counts_only_the_pods_the_set_controls() {
        let mut sts = with_status(serde_json::json!({}));
        sts.metadata.uid = Some("u1".into());
        let pod = |name: &str, hash: &str, owner: &str| -> k8s_openapi::api::core::v1::Pod {
            serde_json::from_value(serde_json::json!({"metadata": {"name": name,
                "labels": {"controller-revision-hash": hash},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet",
                    "name": "web", "uid": owner, "controller": true}]}}))
            .unwrap()
        };
        let pods = [
            pod("web-0", "web-a", "u1"),
            pod("web-1", "web-a", "u1"),
            pod("web-2", "web-b", "u1"),
            pod("other-0", "web-a", "u2"),
        ];
        assert_eq!(
            pods_per_revision(&sts, &pods),
            BTreeMap::from([("web-a".to_string(), 2), ("web-b".to_string(), 1)])
        );
    }
}
