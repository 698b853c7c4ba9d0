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
    /// Things kept, with the reason.
    pub kept: Vec<String>,
}

fn matches(selector: &BTreeMap<String, String>, labels: Option<&BTreeMap<String, String>>) -> bool {
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
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

/// What a `delete --yes` without `--with-service`/`--with-pvcs` leaves, known from the deleted
/// object alone (that path sends only the DELETE): its Service and its claim templates' PVCs.
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
    if !templates.is_empty() {
        let patterns: Vec<String> = templates
            .iter()
            .map(|t| format!("{t}-{name}-<ordinal>"))
            .collect();
        kept.push(format!(
            "its PersistentVolumeClaims {} (pass --with-pvcs to delete them)",
            patterns.join(", ")
        ));
    }
    kept
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
    fn kept_without_listing_names_the_service_and_claim_patterns() {
        let s = sts("web", "u1", "data");
        assert_eq!(
            kept_without_listing(&s),
            [
                "service/web (pass --with-service to delete it)",
                "its PersistentVolumeClaims data-web-<ordinal> (pass --with-pvcs to delete them)",
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
