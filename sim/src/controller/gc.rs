//! The garbage collector (ownerReferences, Background/Foreground/Orphan) and the namespace
//! lifecycle. Upstream: pkg/controller/garbagecollector/garbagecollector.go
//! (attemptToDeleteItem, processDeletingDependentsItem, orphanDependents),
//! pkg/controller/namespace/deletion/namespaced_resources_deleter.go.
//!
//! Instead of upstream's informer-fed dependency graph, every pass rebuilds the graph from a
//! list of all objects (events excepted: nothing owns them) and then acts like the GC workers:
//! - a dependent whose owners are all gone (verified with a live GET by name and uid, as
//!   upstream does before deleting) is deleted; with some owners left only the dangling
//!   references are removed;
//! - an owner being deleted with the `orphan` finalizer has its reference removed from every
//!   dependent, then the finalizer;
//! - an owner being deleted with the `foregroundDeletion` finalizer has its dependents deleted
//!   (foreground when they have dependents themselves) and loses the finalizer once no
//!   dependent with blockOwnerDeletion=true remains.

use crate::api::{Cluster, DeleteOptions, Propagation, WriteOptions};
use crate::resources::{self, ResourceType, EVENTS, EVENTS_V1, NAMESPACES};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub const ORPHAN: &str = "orphan";
pub const FOREGROUND: &str = "foregroundDeletion";

fn opts() -> WriteOptions {
    WriteOptions {
        field_manager: Some("generic-garbage-collector".into()),
        ..Default::default()
    }
}

fn has_finalizer(o: &Value, f: &str) -> bool {
    o["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x == f))
}

fn deleting(o: &Value) -> bool {
    o["metadata"]["deletionTimestamp"].is_string()
}

fn uid(o: &Value) -> &str {
    o["metadata"]["uid"].as_str().unwrap_or_default()
}

fn ns_of(o: &Value) -> Option<&str> {
    o["metadata"]["namespace"]
        .as_str()
        .filter(|s| !s.is_empty())
}

fn name_of(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}

/// The resources the GC scans (everything stored that may carry ownerReferences).
fn scanned() -> impl Iterator<Item = &'static ResourceType> {
    resources::RESOURCES
        .iter()
        .copied()
        .filter(|r| !r.is_metrics() && !std::ptr::eq(*r, &EVENTS) && !std::ptr::eq(*r, &EVENTS_V1))
}

/// What the GC decides for one dependent, given the state of each of its owners.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Keep,
    /// Delete with this propagation.
    Delete(Propagation),
    /// Rewrite ownerReferences (dangling removed, waiting owners' blockOwnerDeletion false).
    Rewrite(Vec<Value>),
}

/// Owner state as the GC sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OwnerState {
    /// Exists and is not being deleted in foreground.
    Solid,
    /// Absent (or another object with that name): dangling.
    Dangling,
    /// Being deleted with foregroundDeletion: waits for its dependents.
    Waiting,
    /// Unknown kind: cannot be verified, treated as solid (upstream leaves such items alone).
    Unknown,
}

/// attemptToDeleteItem's decision for a dependent that is not itself being deleted.
pub fn decide(dep: &Value, owners: &[OwnerState], has_dependents: bool) -> Action {
    let refs = dep["metadata"]["ownerReferences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if refs.is_empty() || owners.len() != refs.len() {
        return Action::Keep;
    }
    let solid = owners
        .iter()
        .any(|s| matches!(s, OwnerState::Solid | OwnerState::Unknown));
    let dangling = owners
        .iter()
        .filter(|s| **s == OwnerState::Dangling)
        .count();
    let waiting = owners.iter().filter(|s| **s == OwnerState::Waiting).count();
    if solid {
        if dangling == 0 && waiting == 0 {
            return Action::Keep;
        }
        let mut new = Vec::new();
        let mut changed = false;
        for (r, s) in refs.iter().zip(owners) {
            match s {
                OwnerState::Dangling => changed = true,
                OwnerState::Waiting if r["blockOwnerDeletion"] == json!(true) => {
                    let mut r = r.clone();
                    r["blockOwnerDeletion"] = json!(false);
                    new.push(r);
                    changed = true;
                }
                _ => new.push(r.clone()),
            }
        }
        return if changed {
            Action::Rewrite(new)
        } else {
            Action::Keep
        };
    }
    if waiting > 0 && has_dependents {
        return Action::Delete(Propagation::Foreground);
    }
    if has_finalizer(dep, ORPHAN) {
        Action::Delete(Propagation::Orphan)
    } else if has_finalizer(dep, FOREGROUND) {
        Action::Delete(Propagation::Foreground)
    } else {
        Action::Delete(Propagation::Background)
    }
}

struct Graph {
    /// uid -> (resource, object)
    by_uid: HashMap<String, (&'static ResourceType, Value)>,
    /// owner uid -> dependent uids
    dependents: HashMap<String, Vec<String>>,
}

fn build(cluster: &Cluster) -> Graph {
    let mut by_uid = HashMap::new();
    let mut dependents: HashMap<String, Vec<String>> = HashMap::new();
    for rt in scanned() {
        for o in cluster.list_items(rt, None, None) {
            let u = uid(&o).to_string();
            for r in o["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(ou) = r["uid"].as_str() {
                    dependents
                        .entry(ou.to_string())
                        .or_default()
                        .push(u.clone());
                }
            }
            by_uid.insert(u, (rt, o));
        }
    }
    Graph { by_uid, dependents }
}

fn owner_state(cluster: &Cluster, g: &Graph, dep: &Value, r: &Value) -> OwnerState {
    let ouid = r["uid"].as_str().unwrap_or_default();
    if let Some((_, o)) = g.by_uid.get(ouid) {
        return if deleting(o) && has_finalizer(o, FOREGROUND) {
            OwnerState::Waiting
        } else {
            OwnerState::Solid
        };
    }
    let Some(rt) = resources::lookup_kind(
        r["apiVersion"].as_str().unwrap_or_default(),
        r["kind"].as_str().unwrap_or_default(),
    ) else {
        return OwnerState::Unknown;
    };
    // Not in our snapshot: verify against the live object (it may be newer than the list).
    let ns = if rt.namespaced { ns_of(dep) } else { None };
    match cluster.get(rt, ns, r["name"].as_str().unwrap_or_default()) {
        Ok(o) if uid(&o) == ouid => {
            if deleting(&o) && has_finalizer(&o, FOREGROUND) {
                OwnerState::Waiting
            } else {
                OwnerState::Solid
            }
        }
        Ok(_) => OwnerState::Dangling,
        Err(e) if e.code == 404 => OwnerState::Dangling,
        Err(_) => OwnerState::Unknown,
    }
}

fn delete_obj(cluster: &Cluster, rt: &'static ResourceType, o: &Value, p: Propagation) {
    let _ = cluster.delete(
        rt,
        ns_of(o),
        name_of(o),
        &DeleteOptions {
            propagation: Some(p),
            precondition_uid: Some(uid(o).to_string()),
            ..Default::default()
        },
    );
}

fn remove_finalizer(cluster: &Cluster, rt: &'static ResourceType, o: &Value, f: &str) {
    let mut n = o.clone();
    if let Some(list) = n["metadata"]["finalizers"].as_array_mut() {
        list.retain(|x| x != f);
    }
    let _ = cluster.update(rt, ns_of(o), name_of(o), None, n, &opts());
}

/// One GC pass. Returns true when it wrote anything.
pub fn pass(cluster: &Cluster) -> bool {
    let g = build(cluster);
    let mut wrote = false;
    // Owners being deleted with orphan / foreground finalizers.
    for (ouid, (rt, o)) in &g.by_uid {
        if !deleting(o) {
            continue;
        }
        let deps: Vec<&(&'static ResourceType, Value)> = g
            .dependents
            .get(ouid)
            .into_iter()
            .flatten()
            .filter_map(|d| g.by_uid.get(d))
            .collect();
        if has_finalizer(o, ORPHAN) {
            for (drt, d) in &deps {
                let mut n = d.clone();
                if let Some(refs) = n["metadata"]["ownerReferences"].as_array_mut() {
                    refs.retain(|r| r["uid"].as_str() != Some(ouid));
                }
                if n["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|v| v.is_empty())
                {
                    n["metadata"]
                        .as_object_mut()
                        .map(|m| m.remove("ownerReferences"));
                }
                let _ = cluster.update(drt, ns_of(d), name_of(d), None, n, &opts());
            }
            remove_finalizer(cluster, rt, o, ORPHAN);
            wrote = true;
        } else if has_finalizer(o, FOREGROUND) {
            let blocking = deps.iter().any(|(_, d)| {
                d["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| {
                        r["uid"].as_str() == Some(ouid) && r["blockOwnerDeletion"] == json!(true)
                    })
            });
            if !blocking {
                remove_finalizer(cluster, rt, o, FOREGROUND);
                wrote = true;
            }
        }
    }
    // Dependents.
    for (duid, (rt, d)) in &g.by_uid {
        let Some(refs) = d["metadata"]["ownerReferences"].as_array() else {
            continue;
        };
        if refs.is_empty() || deleting(d) {
            continue;
        }
        let states: Vec<OwnerState> = refs
            .iter()
            .map(|r| owner_state(cluster, &g, d, r))
            .collect();
        let has_deps = g
            .dependents
            .get(duid)
            .is_some_and(|v| v.iter().any(|u| g.by_uid.contains_key(u)));
        match decide(d, &states, has_deps) {
            Action::Keep => {}
            Action::Delete(p) => {
                delete_obj(cluster, rt, d, p);
                wrote = true;
            }
            Action::Rewrite(new) => {
                let mut n = d.clone();
                if new.is_empty() {
                    n["metadata"]
                        .as_object_mut()
                        .map(|m| m.remove("ownerReferences"));
                } else {
                    n["metadata"]["ownerReferences"] = json!(new);
                }
                let _ = cluster.update(rt, ns_of(d), name_of(d), None, n, &opts());
                wrote = true;
            }
        }
    }
    wrote
}

/// The namespace controller's pass: empty every namespace being deleted, then finalize it.
/// Returns true while some namespace is still terminating.
pub fn namespace_pass(cluster: &Cluster) -> bool {
    let mut pending = false;
    for ns in cluster.list_items(&NAMESPACES, None, None) {
        if !deleting(&ns) {
            continue;
        }
        pending = true;
        let name = name_of(&ns).to_string();
        let mut remaining: Vec<(String, usize)> = Vec::new();
        for rt in resources::RESOURCES
            .iter()
            .copied()
            .filter(|r| r.namespaced && !r.is_metrics() && !std::ptr::eq(*r, &EVENTS_V1))
        {
            let items = cluster.list_items(rt, Some(&name), None);
            if items.is_empty() {
                continue;
            }
            remaining.push((rt.group_resource(), items.len()));
            for o in &items {
                if !deleting(o) {
                    delete_obj(cluster, rt, o, Propagation::Background);
                }
            }
        }
        let opts = WriteOptions {
            field_manager: Some("namespace-controller".into()),
            ..Default::default()
        };
        if remaining.is_empty() {
            // Upstream removes the `kubernetes` finalizer through the finalize subresource
            // (namespace_lifecycle finalizeNamespace); fall back to a plain update when the
            // simulator serves no such subresource.
            let mut n = ns.clone();
            if let Some(list) = n["spec"]["finalizers"].as_array_mut() {
                list.retain(|x| x != "kubernetes");
            }
            if n != ns
                && cluster
                    .update(&NAMESPACES, None, &name, Some("finalize"), n.clone(), &opts)
                    .is_err()
            {
                let _ = cluster.update(&NAMESPACES, None, &name, None, n, &opts);
            }
        } else {
            // Conditions as namespaced_resources_deleter.go reports them.
            let counts: Vec<String> = remaining
                .iter()
                .map(|(r, n)| format!("{r} has {n} resource instances"))
                .collect();
            let msg = format!("Some resources are remaining: {}", counts.join(", "));
            let conds = json!([
                {"type": "NamespaceDeletionDiscoveryFailure", "status": "False", "reason": "ResourcesDiscovered", "message": "All resources successfully discovered"},
                {"type": "NamespaceDeletionGroupVersionParsingFailure", "status": "False", "reason": "ParsedGroupVersions", "message": "All legacy kube types successfully parsed"},
                {"type": "NamespaceDeletionContentFailure", "status": "False", "reason": "ContentDeleted", "message": "All content successfully deleted, may be waiting on finalization"},
                {"type": "NamespaceContentRemaining", "status": "True", "reason": "SomeResourcesRemain", "message": msg},
                {"type": "NamespaceFinalizersRemaining", "status": "False", "reason": "ContentHasNoFinalizers", "message": "All content-preserving finalizers finished"},
            ]);
            let old: Vec<(Value, Value, Value)> = ns["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| (c["type"].clone(), c["status"].clone(), c["message"].clone()))
                .collect();
            let new: Vec<(Value, Value, Value)> = conds
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| (c["type"].clone(), c["status"].clone(), c["message"].clone()))
                .collect();
            if old != new {
                let now = cluster.clock().timestamp();
                let mut n = ns.clone();
                let mut conds = conds;
                for c in conds.as_array_mut().into_iter().flatten() {
                    c["lastTransitionTime"] = json!(now);
                }
                n["status"]["conditions"] = conds;
                let _ = cluster.update(&NAMESPACES, None, &name, Some("status"), n, &opts);
            }
        }
    }
    pending
}

/// The GC and namespace controller loop: a pass per wake (bursts coalesced), and at least
/// every second while work may be pending.
pub async fn run(cluster: Arc<Cluster>) {
    let mut rx = cluster.subscribe();
    loop {
        let wrote = pass(&cluster);
        let ns_pending = namespace_pass(&cluster);
        rx.borrow_and_update();
        let wait = if wrote || ns_pending {
            std::time::Duration::from_millis(50)
        } else {
            std::time::Duration::from_secs(1)
        };
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(refs: Value) -> Value {
        json!({"metadata": {"name": "web-0", "uid": "d", "ownerReferences": refs}})
    }

    #[test]
    fn decisions_follow_attempt_to_delete_item() {
        let one = dep(json!([{"uid": "a", "blockOwnerDeletion": true}]));
        assert_eq!(decide(&one, &[OwnerState::Solid], false), Action::Keep);
        assert_eq!(
            decide(&one, &[OwnerState::Dangling], false),
            Action::Delete(Propagation::Background)
        );
        assert_eq!(
            decide(&one, &[OwnerState::Waiting], true),
            Action::Delete(Propagation::Foreground)
        );
        assert_eq!(
            decide(&one, &[OwnerState::Waiting], false),
            Action::Delete(Propagation::Background)
        );
        assert_eq!(decide(&one, &[OwnerState::Unknown], false), Action::Keep);
        let two = dep(json!([{"uid": "a"}, {"uid": "b", "blockOwnerDeletion": true}]));
        assert_eq!(
            decide(&two, &[OwnerState::Dangling, OwnerState::Solid], false),
            Action::Rewrite(vec![json!({"uid": "b", "blockOwnerDeletion": true})])
        );
        assert_eq!(
            decide(&two, &[OwnerState::Solid, OwnerState::Waiting], false),
            Action::Rewrite(vec![
                json!({"uid": "a"}),
                json!({"uid": "b", "blockOwnerDeletion": false})
            ])
        );
        let mut fin = one.clone();
        fin["metadata"]["finalizers"] = json!([ORPHAN]);
        assert_eq!(
            decide(&fin, &[OwnerState::Dangling], false),
            Action::Delete(Propagation::Orphan)
        );
    }
}
