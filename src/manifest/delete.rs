//! Pure: what `delete NAME` removes. The StatefulSet and its pods always; its headless Service
//! only on request and only when no other workload's pods use it; its PVCs only on request and
//! only those its claim templates produce (`<template>-<set>-<ordinal>`, labelled with its
//! selector) that no other StatefulSet could own.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeletePlan {
    pub pods: Vec<String>,
    pub service: Option<String>,
    pub pvcs: Vec<String>,
    /// Claims the garbage collector deletes with the set (its retention policy, or owner
    /// references that all point at the set and its pods): not deleted by us, never "kept".
    pub pvcs_with_set: Vec<String>,
    /// Things kept, with the reason.
    pub kept: Vec<String>,
}

fn matches(selector: &BTreeMap<String, String>, labels: Option<&BTreeMap<String, String>>) -> bool {
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// The set's `persistentVolumeClaimRetentionPolicy`: (whenScaled is Delete, whenDeleted is
/// Delete); an absent field is Retain (pkg/apis/apps/v1/defaults.go).
pub fn retention(s: &StatefulSet) -> (bool, bool) {
    let p = s
        .spec
        .as_ref()
        .and_then(|sp| sp.persistent_volume_claim_retention_policy.as_ref());
    let delete = |v: Option<&String>| v.is_some_and(|v| v == "Delete");
    (
        delete(p.and_then(|p| p.when_scaled.as_ref())),
        delete(p.and_then(|p| p.when_deleted.as_ref())),
    )
}

/// What the claims of the pods a scale from `from` to `to` replicas removes become, as the
/// controller will make it (stateful_set_utils.go isClaimOwnerUpToDate: with whenScaled
/// Delete, a condemned pod's claims get the pod as owner, so the garbage collector deletes
/// them with it). None when nothing is removed or the set has no claim templates.
pub fn scale_down_claims(s: &StatefulSet, from: i32, to: i32, would: bool) -> Option<String> {
    let name = s.metadata.name.clone().unwrap_or_default();
    let templates = claim_templates(s);
    if to >= from || templates.is_empty() {
        return None;
    }
    let claims: Vec<String> = (to.max(0)..from)
        .flat_map(|o| templates.iter().map(move |t| (o, t)))
        .map(|(o, t)| format!("{t}-{name}-{o}"))
        .collect();
    let (scaled, _) = retention(s);
    let verb = match (scaled, would) {
        (true, false) => "are deleted with their pods",
        (true, true) => "would be deleted with their pods",
        (false, false) => "are kept",
        (false, true) => "would be kept",
    };
    Some(format!(
        "the PersistentVolumeClaims of the removed pods {verb} (persistentVolumeClaimRetentionPolicy.whenScaled: {}): {}",
        if scaled { "Delete" } else { "Retain" },
        claims.join(", ")
    ))
}

/// `name == <template>-<set>-<digits>`.
fn claim_of(name: &str, template: &str, set: &str) -> bool {
    name.strip_prefix(template)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_prefix(set))
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

fn claim_templates(s: &StatefulSet) -> Vec<String> {
    s.spec
        .as_ref()
        .and_then(|sp| sp.volume_claim_templates.as_ref())
        .map(|v| v.iter().filter_map(|c| c.metadata.name.clone()).collect())
        .unwrap_or_default()
}

pub struct Inputs<'a> {
    pub sts: &'a StatefulSet,
    /// Pods listed by the set's selector.
    pub pods: &'a [Pod],
    pub with_service: bool,
    pub service: Option<&'a Service>,
    /// Every pod of the namespace (for the Service check).
    pub all_pods: &'a [Pod],
    pub with_pvcs: bool,
    pub pvcs: &'a [PersistentVolumeClaim],
    /// The other StatefulSets of the namespace.
    pub others: &'a [StatefulSet],
}

pub fn plan(i: &Inputs) -> DeletePlan {
    let name = i.sts.metadata.name.clone().unwrap_or_default();
    let uid = i.sts.metadata.uid.clone().unwrap_or_default();
    let owned = |p: &Pod| super::controlled_by(&p.metadata, &uid);
    let mut out = DeletePlan {
        pods: i
            .pods
            .iter()
            .filter(|p| owned(p))
            .filter_map(|p| p.metadata.name.clone())
            .collect(),
        ..Default::default()
    };
    let svc_name = i
        .sts
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .filter(|s| !s.is_empty());
    match (i.with_service, i.service) {
        (true, Some(svc)) => {
            let sel = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.clone())
                .unwrap_or_default();
            let mut users: Vec<String> = i
                .all_pods
                .iter()
                .filter(|p| !owned(p) && matches(&sel, p.metadata.labels.as_ref()))
                .filter_map(|p| p.metadata.name.clone())
                .collect();
            users.extend(
                i.others
                    .iter()
                    .filter(|o| o.metadata.name.as_deref() != Some(&name))
                    .filter(|o| {
                        matches(
                            &sel,
                            o.spec
                                .as_ref()
                                .and_then(|s| s.template.metadata.as_ref())
                                .and_then(|m| m.labels.as_ref()),
                        )
                    })
                    .map(|o| {
                        format!(
                            "statefulset {}",
                            o.metadata.name.as_deref().unwrap_or_default()
                        )
                    }),
            );
            let svc_n = svc.metadata.name.clone().unwrap_or_default();
            if users.is_empty() {
                out.service = Some(svc_n);
            } else {
                out.kept.push(format!(
                    "service/{svc_n} (also selects {})",
                    users.join(", ")
                ));
            }
        }
        (true, None) => {
            if let Some(n) = svc_name {
                out.kept.push(format!("service/{n} (not found)"));
            }
        }
        (false, _) => {
            if let Some(n) = svc_name {
                out.kept
                    .push(format!("service/{n} (pass --with-service to delete it)"));
            }
        }
    }
    let templates = claim_templates(i.sts);
    let sel = i
        .sts
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default();
    let mut mine: Vec<String> = Vec::new();
    for pvc in i.pvcs {
        let pname = pvc.metadata.name.clone().unwrap_or_default();
        if !templates.iter().any(|t| claim_of(&pname, t, &name)) {
            continue;
        }
        if !sel.is_empty() && !matches(&sel, pvc.metadata.labels.as_ref()) {
            continue;
        }
        let foreign_owner = pvc.metadata.owner_references.as_ref().is_some_and(|r| {
            r.iter()
                .any(|o| o.controller == Some(true) && o.kind == "StatefulSet" && o.uid != uid)
        });
        let other_set = i
            .others
            .iter()
            .filter(|o| o.metadata.name.as_deref() != Some(&name))
            .any(|o| {
                let on = o.metadata.name.clone().unwrap_or_default();
                claim_templates(o).iter().any(|t| claim_of(&pname, t, &on))
            });
        if foreign_owner || other_set {
            out.kept.push(format!(
                "persistentvolumeclaim/{pname} (may belong to another StatefulSet)"
            ));
            continue;
        }
        mine.push(pname);
    }
    mine.sort();
    // What the garbage collector does with them once the set (and its pods) are gone: a claim
    // goes when the retention policy says so (the controller gives it the set as owner,
    // stateful_set_utils.go updateClaimOwnerRefForSetAndPod) or when every owner it has is the
    // set or one of its pods.
    let (_, when_deleted) = retention(i.sts);
    let pod_uids: Vec<String> = i
        .pods
        .iter()
        .filter(|p| owned(p))
        .filter_map(|p| p.metadata.uid.clone())
        .collect();
    let goes = |pname: &String| {
        let refs = i
            .pvcs
            .iter()
            .find(|c| c.metadata.name.as_ref() == Some(pname))
            .and_then(|c| c.metadata.owner_references.clone())
            .unwrap_or_default();
        let ours = |u: &String| *u == uid || pod_uids.contains(u);
        (when_deleted
            && refs
                .iter()
                .all(|o| o.controller != Some(true) || ours(&o.uid)))
            || (!refs.is_empty() && refs.iter().all(|o| ours(&o.uid)))
    };
    let (with_set, mine): (Vec<String>, Vec<String>) = mine.into_iter().partition(goes);
    out.pvcs_with_set = with_set;
    if i.with_pvcs {
        out.pvcs = mine;
    } else if !mine.is_empty() {
        out.kept.push(format!(
            "{} PersistentVolumeClaims: {} (pass --with-pvcs to delete them)",
            mine.len(),
            mine.join(", ")
        ));
    }
    out
}

/// What a `delete --yes` without `--with-service`/`--with-pvcs` leaves, known from the set
/// alone (that path reads only the set): its Service and, under whenDeleted Retain, its claim
/// templates' PVCs.
pub fn kept_without_listing(sts: &StatefulSet) -> Vec<String> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let mut kept = Vec::new();
    if let Some(svc) = sts
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .filter(|s| !s.is_empty())
    {
        kept.push(format!("service/{svc} (pass --with-service to delete it)"));
    }
    let templates = claim_templates(sts);
    // whenDeleted: Delete: the claims go with the set (not kept; see `with_set_without_listing`).
    if !templates.is_empty() && !retention(sts).1 {
        let patterns: Vec<String> = templates
            .iter()
            .map(|t| format!("{t}-{name}-<ordinal>"))
            .collect();
        kept.push(format!(
            "its PersistentVolumeClaims {} (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain; pass --with-pvcs to delete them)",
            patterns.join(", ")
        ));
    }
    kept
}

/// What a `delete --yes` without listing says goes with the set beyond its pods: the claims,
/// when its retention policy deletes them (the controller made the set their owner,
/// stateful_set_utils.go updateClaimOwnerRefForSetAndPod, so the garbage collector deletes them).
pub fn with_set_without_listing(sts: &StatefulSet) -> Option<String> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let templates = claim_templates(sts);
    if templates.is_empty() || !retention(sts).1 {
        return None;
    }
    let patterns: Vec<String> = templates
        .iter()
        .map(|t| format!("{t}-{name}-<ordinal>"))
        .collect();
    Some(format!(
        "its PersistentVolumeClaims {} are deleted with it by the garbage collector (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)",
        patterns.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts(name: &str, uid: &str, tpl: &str) -> StatefulSet {
        serde_json::from_value(json!({"metadata": {"name": name, "uid": uid},
            "spec": {"serviceName": name, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}},
                "volumeClaimTemplates": [{"metadata": {"name": tpl}}]}}))
        .unwrap()
    }
    fn pod(name: &str, app: &str, owner: &str) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": {"app": app},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "x", "uid": owner, "controller": true}]}})).unwrap()
    }
    fn pvc(name: &str, app: &str) -> PersistentVolumeClaim {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": {"app": app}}})).unwrap()
    }
    fn svc(name: &str, app: &str) -> Service {
        serde_json::from_value(
            json!({"metadata": {"name": name}, "spec": {"selector": {"app": app}}}),
        )
        .unwrap()
    }

    #[test]
    fn keeps_pvcs_and_service_by_default() {
        let s = sts("web", "u1", "data");
        let pods = vec![pod("web-0", "web", "u1"), pod("web-1", "web", "u1")];
        let pvcs = vec![
            pvc("data-web-0", "web"),
            pvc("data-web-1", "web"),
            pvc("data-webx-0", "webx"),
        ];
        let p = plan(&Inputs {
            sts: &s,
            pods: &pods,
            with_service: false,
            service: None,
            all_pods: &pods,
            with_pvcs: false,
            pvcs: &pvcs,
            others: &[],
        });
        assert_eq!(p.pods, vec!["web-0", "web-1"]);
        assert!(p.service.is_none() && p.pvcs.is_empty());
        assert_eq!(p.kept.len(), 2, "{:?}", p.kept);
        let p = plan(&Inputs {
            sts: &s,
            pods: &pods,
            with_service: false,
            service: None,
            all_pods: &pods,
            with_pvcs: true,
            pvcs: &pvcs,
            others: &[],
        });
        assert_eq!(p.pvcs, vec!["data-web-0", "data-web-1"]);
    }

    #[test]
    fn never_a_shared_service_nor_another_sets_pvcs() {
        let s = sts("a-b", "u1", "c");
        let other = sts("b", "u2", "c-a");
        let pods = vec![pod("a-b-0", "a-b", "u1")];
        let mut all = pods.clone();
        all.push(pod("canary-0", "a-b", "u9"));
        let sv = svc("a-b", "a-b");
        let pvcs = vec![pvc("c-a-b-0", "a-b")];
        let p = plan(&Inputs {
            sts: &s,
            pods: &pods,
            with_service: true,
            service: Some(&sv),
            all_pods: &all,
            with_pvcs: true,
            pvcs: &pvcs,
            others: &[other],
        });
        assert!(p.service.is_none(), "{p:?}");
        assert!(p.kept.iter().any(|k| k.contains("canary-0")), "{p:?}");
        assert!(p.pvcs.is_empty(), "{p:?}");
        let p = plan(&Inputs {
            sts: &s,
            pods: &pods,
            with_service: true,
            service: Some(&sv),
            all_pods: &pods,
            with_pvcs: true,
            pvcs: &pvcs,
            others: &[],
        });
        assert_eq!(p.service.as_deref(), Some("a-b"));
        assert_eq!(p.pvcs, vec!["c-a-b-0"]);
    }

    #[test]
    fn claims_follow_the_retention_policy() {
        let mut s = sts("web", "u1", "data");
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy = Some(
            serde_json::from_value(json!({"whenDeleted": "Delete", "whenScaled": "Retain"}))
                .unwrap(),
        );
        let pods = vec![pod("web-0", "web", "u1")];
        let pvcs = vec![pvc("data-web-0", "web")];
        let p = plan(&Inputs {
            sts: &s,
            pods: &pods,
            with_service: false,
            service: None,
            all_pods: &pods,
            with_pvcs: false,
            pvcs: &pvcs,
            others: &[],
        });
        assert_eq!(p.pvcs_with_set, ["data-web-0"]);
        assert!(p.pvcs.is_empty());
        assert!(!p.kept.iter().any(|k| k.contains("with-pvcs")), "{p:?}");
        assert!(kept_without_listing(&s)
            .iter()
            .all(|k| !k.contains("Claims")));
        assert!(with_set_without_listing(&s).is_some());
        assert_eq!(
            scale_down_claims(&s, 3, 1, false).unwrap(),
            "the PersistentVolumeClaims of the removed pods are kept (persistentVolumeClaimRetentionPolicy.whenScaled: Retain): data-web-1, data-web-2"
        );
        assert!(scale_down_claims(&s, 1, 3, false).is_none());
    }

    #[test]
    fn kept_without_listing_names_the_service_and_claim_patterns() {
        let s = sts("web", "u1", "data");
        assert_eq!(
            kept_without_listing(&s),
            [
                "service/web (pass --with-service to delete it)",
                "its PersistentVolumeClaims data-web-<ordinal> (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain; pass --with-pvcs to delete them)",
            ]
        );
        let bare: StatefulSet = serde_json::from_value(
            json!({"metadata": {"name": "x"}, "spec": {"serviceName": "",
                "selector": {}, "template": {}}}),
        )
        .unwrap();
        assert!(kept_without_listing(&bare).is_empty());
    }
}
