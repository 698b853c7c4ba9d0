//! Pure rollout logic: kubectl's StatefulSet status viewer (exact messages), the "done"
//! condition of a scale, and the patches of redeploy and update-strategy.

use anyhow::{bail, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use serde_json::{json, Value};

use super::revisions::RESTARTED_AT;

/// What the status viewer says about a StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Still rolling: kubectl's message.
    Waiting(String),
    /// Finished: kubectl's message.
    Done(String),
    /// kubectl refuses (OnDelete).
    NotRolling(String),
}

/// `StatefulSetStatusViewer.Status` of kubectl v1.32
/// (`staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go`), branch for branch.
pub fn status_viewer(sts: &StatefulSet) -> Viewer {
    let spec = sts.spec.clone().unwrap_or_default();
    let st = sts.status.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return Viewer::NotRolling(
            "rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let observed = st.observed_generation.unwrap_or(0);
    if observed == 0 || sts.metadata.generation.unwrap_or(0) > observed {
        return Viewer::Waiting("Waiting for statefulset spec update to be observed...".into());
    }
    let ready = st.ready_replicas.unwrap_or(0);
    if let Some(r) = spec.replicas {
        if ready < r {
            return Viewer::Waiting(format!("Waiting for {} pods to be ready...", r - ready));
        }
    }
    let updated = st.updated_replicas.unwrap_or(0);
    if let Some(ru) = &strategy.rolling_update {
        if let (Some(r), Some(p)) = (spec.replicas, ru.partition) {
            if updated < r - p {
                return Viewer::Waiting(format!(
                    "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                    r - p
                ));
            }
        }
        return Viewer::Done(format!(
            "partitioned roll out complete: {updated} new pods have been updated..."
        ));
    }
    let update_rev = st.update_revision.clone().unwrap_or_default();
    if update_rev != st.current_revision.clone().unwrap_or_default() {
        return Viewer::Waiting(format!(
            "waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."
        ));
    }
    Viewer::Done(format!(
        "statefulset rolling update complete {} pods at revision {}...",
        st.current_replicas.unwrap_or(0),
        st.current_revision.clone().unwrap_or_default()
    ))
}

/// Every pod runs the update revision. RollingUpdate: currentRevision == updateRevision
/// (kubectl's and the console's test). OnDelete: upstream advances currentRevision only for
/// RollingUpdate (completeRollingUpdate in pkg/controller/statefulset/stateful_set_control.go),
/// so the pods decide: every created pod is counted at the update revision
/// (updatedReplicas == replicas, computeReplicaStatus counts both from the pods' labels).
pub fn all_updated(sts: &StatefulSet) -> bool {
    let st = sts.status.clone().unwrap_or_default();
    if is_on_delete(sts) {
        let update = st.update_revision.as_deref().unwrap_or_default();
        return st.updated_replicas.unwrap_or(0) == st.replicas
            && (st.replicas == 0 || !update.is_empty());
    }
    st.current_revision == st.update_revision
}

/// The first ordinal: `spec.ordinals.start` (0 unless set); the pods are start..start+replicas.
pub fn start_ordinal(sts: &StatefulSet) -> i32 {
    sts.spec
        .as_ref()
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
}

/// What a change of the pod template does to the pods of `sts` (the set as it is after the
/// change), as upstream's controller acts (pkg/controller/statefulset/stateful_set_control.go,
/// updateStatefulSet): RollingUpdate replaces the pods from the highest ordinal down to the
/// partition; OnDelete replaces none, each pod keeps its template until it is deleted.
pub fn template_change_effect(sts: &StatefulSet) -> String {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let r = desired(sts);
    let start = start_ordinal(sts);
    let pods = |from: i32, to: i32| -> String {
        // Pods start..start+r, counted by position (the partition is an ordinal).
        match to - from {
            n if n <= 0 => String::new(),
            1 => format!("{name}-{from}"),
            2 => format!("{name}-{from} and {name}-{}", from + 1),
            _ => format!("{name}-{from} … {name}-{}", to - 1),
        }
    };
    if r == 0 {
        return "no pod runs now; pods created later use the new template".into();
    }
    let (first, end) = (start, start + r);
    if is_on_delete(sts) {
        return format!(
            "no pod is restarted: with the OnDelete update strategy {} keep{} the old template until deleted (kubectl delete pod NAME, one at a time)",
            pods(first, end),
            if r == 1 { "s" } else { "" }
        );
    }
    let partition = sts
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    if partition <= first {
        return format!(
            "the pods are replaced by a rolling update, highest ordinal first ({})",
            pods(first, end)
        );
    }
    if partition >= end {
        return format!(
            "no pod is restarted: the partition ({partition}) keeps {} on the old template",
            pods(first, end)
        );
    }
    format!(
        "a rolling update replaces {} (ordinals from the partition, {partition}, up); {} keep{} the old template",
        pods(partition, end),
        pods(first, partition),
        if partition - first == 1 { "s" } else { "" }
    )
}

/// The progress line of `scale --wait`. Scaling up: `2 of 5 pods ready (3 exist)`. Scaling
/// down, what is awaited is the removal of the pods above the target, highest ordinal first
/// (upstream deletes them one at a time with OrderedReady): `scaling down to 0: waiting for
/// web-4, web-3 to go`.
pub fn scale_progress(sts: &StatefulSet, pods: &[k8s_openapi::api::core::v1::Pod]) -> String {
    let st = sts.status.clone().unwrap_or_default();
    let want = desired(sts);
    let start = start_ordinal(sts) as i64;
    let mut going: Vec<(i64, String)> = pods
        .iter()
        .filter_map(|p| {
            let name = p.metadata.name.clone().unwrap_or_default();
            let ordinal = crate::manifest::text::pod_ordinal(&name)?;
            (ordinal >= start + want as i64).then_some((ordinal, name))
        })
        .collect();
    if !going.is_empty() {
        going.sort_by_key(|g| std::cmp::Reverse(g.0));
        let names: Vec<String> = going.into_iter().map(|(_, n)| n).collect();
        return format!(
            "scaling down to {want}: waiting for {} to go",
            names.join(", ")
        );
    }
    if st.replicas > want {
        // The pods are gone; the status has yet to count them out.
        return format!(
            "scaling down to {want}: waiting for the status to count the removed pods ({} still counted)",
            st.replicas
        );
    }
    if want == 0 {
        return "no pods left".into();
    }
    format!(
        "{} of {want} pods ready ({} exist)",
        st.ready_replicas.unwrap_or(0),
        st.replicas
    )
}

/// Fewer live pods than desired although the controller has observed the spec: pods it has
/// not (yet) created.
pub fn pods_missing(sts: &StatefulSet, pods: &[k8s_openapi::api::core::v1::Pod]) -> bool {
    let live = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count();
    observed(sts) && (live as i64) < desired(sts) as i64
}

/// The pods (names, by ordinal) that do not run the update revision: under OnDelete they keep
/// their template until deleted. Terminating pods are left out.
pub fn pods_behind(sts: &StatefulSet, pods: &[k8s_openapi::api::core::v1::Pod]) -> Vec<String> {
    let update = sts
        .status
        .as_ref()
        .and_then(|s| s.update_revision.clone())
        .unwrap_or_default();
    let mut behind: Vec<&k8s_openapi::api::core::v1::Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("controller-revision-hash"))
                .map(String::as_str)
                != Some(update.as_str())
        })
        .collect();
    behind.sort_by_key(|p| {
        crate::manifest::text::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default())
    });
    behind
        .into_iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect()
}

/// Done condition of `scale --wait`: observed, replicas == ready == desired.
pub fn scale_done(sts: &StatefulSet) -> bool {
    let st = sts.status.clone().unwrap_or_default();
    let r = desired(sts);
    observed(sts) && st.replicas == r && st.ready_replicas.unwrap_or(0) == r
}

pub fn observed(sts: &StatefulSet) -> bool {
    let o = sts
        .status
        .as_ref()
        .and_then(|s| s.observed_generation)
        .unwrap_or(0);
    o > 0 && o >= sts.metadata.generation.unwrap_or(0)
}

pub fn desired(sts: &StatefulSet) -> i32 {
    sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

pub fn is_on_delete(sts: &StatefulSet) -> bool {
    sts.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
        == Some("OnDelete")
}

pub fn is_parallel(sts: &StatefulSet) -> bool {
    sts.spec
        .as_ref()
        .and_then(|s| s.pod_management_policy.as_deref())
        == Some("Parallel")
}

/// The RollingUpdate partition (0 when none; OnDelete has none).
pub fn partition(sts: &StatefulSet) -> i32 {
    sts.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .filter(|u| u.type_.as_deref() != Some("OnDelete"))
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0)
        .max(0)
}

/// Which pods a template change replaces on a partitioned RollingUpdate set and which it holds
/// back: upstream replaces only the ordinals >= partition (stateful_set_control.go
/// updateStatefulSet: `updateMin := partition`). None without a partition.
pub fn partition_note(sts: &StatefulSet, verb: &str) -> Option<String> {
    let p = partition(sts);
    let start = start_ordinal(sts);
    if p <= start || is_on_delete(sts) {
        return None;
    }
    let name = sts.metadata.name.clone().unwrap_or_default();
    let r = desired(sts).max(0);
    let end = start + r;
    let range = |from: i32, to: i32| match to - from {
        n if n <= 0 => String::new(),
        1 => format!("{name}-{from}"),
        2 => format!("{name}-{from}, {name}-{}", from + 1),
        _ => format!("{name}-{from} … {name}-{}", to - 1),
    };
    let which = if p >= end {
        format!("no pod is restarted: the partition ({p}) is at or above the {r} replicas")
    } else {
        format!("{verb} {} (ordinals >= partition {p})", range(p, end))
    };
    let held = if p.min(end) > start {
        format!(
            "; held back: {} until the partition is lowered (kubectl statefulset update-strategy {name} --rolling --partition 0)",
            range(start, p.min(end))
        )
    } else {
        String::new()
    };
    Some(format!("partitioned rolling update: {which}{held}"))
}

/// Parses a replica count: a non-negative integer.
pub fn parse_replicas(s: &str) -> Result<i32> {
    match s.trim().parse::<i64>() {
        Ok(n) if n < 0 => bail!("replicas must be 0 or more, got {n}"),
        Ok(n) if n > i32::MAX as i64 => bail!("replicas {n} is too large"),
        Ok(n) => Ok(n as i32),
        Err(_) => bail!("replicas must be a whole number, got {s:?}"),
    }
}

/// Redeploy: the template annotation `kubectl.kubernetes.io/restartedAt`, the body of `kubectl
/// rollout restart` (kubectl's objectrestarter.go), with one difference: milliseconds. kubectl
/// writes whole seconds, so a second restart within the same second changes nothing and fails;
/// RFC 3339 allows the fraction and every reader of the key (kubectl, k9s) takes it as is.
pub fn redeploy_patch(now: &jiff::Zoned) -> Value {
    let at = now.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}})
}

/// The update strategy a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    Rolling {
        partition: Option<i32>,
        max_unavailable: Option<String>,
    },
    OnDelete,
}

/// A JSON merge patch of `spec.updateStrategy`. OnDelete removes `rollingUpdate` (validation
/// forbids it with OnDelete); Rolling leaves unspecified fields as they are.
pub fn strategy_patch(s: &Strategy) -> Result<Value> {
    Ok(match s {
        Strategy::OnDelete => {
            json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}})
        }
        Strategy::Rolling {
            partition,
            max_unavailable,
        } => {
            let mut ru = serde_json::Map::new();
            if let Some(p) = partition {
                if *p < 0 {
                    bail!("--partition must be 0 or more, got {p}");
                }
                ru.insert("partition".into(), json!(p));
            }
            if let Some(m) = max_unavailable {
                let v = if let Some(pct) = m.strip_suffix('%') {
                    match pct.parse::<u32>() {
                        Ok(n) if n > 0 && n <= 100 => json!(m),
                        _ => bail!("--max-unavailable must be a positive number or a percentage of 1-100%, got {m:?}"),
                    }
                } else {
                    match m.parse::<i64>() {
                        Ok(n) if n >= 1 => json!(n),
                        _ => bail!("--max-unavailable must be a positive number or a percentage of 1-100%, got {m:?}"),
                    }
                };
                ru.insert("maxUnavailable".into(), v);
            }
            let mut us = json!({"type": "RollingUpdate"});
            if !ru.is_empty() {
                us["rollingUpdate"] = Value::Object(ru);
            }
            json!({"spec": {"updateStrategy": us}})
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_note_counts_from_the_start_ordinal() {
        let s = sts(json!({"metadata": {"name": "db"}, "spec": {
            "replicas": 3, "ordinals": {"start": 5}, "serviceName": "db",
            "selector": {"matchLabels": {"a": "b"}}, "template": {},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 6}}}}));
        let note = partition_note(&s, "restarts").unwrap();
        assert!(
            note.starts_with("partitioned rolling update: restarts db-6, db-7 (ordinals >= partition 6); held back: db-5 until"),
            "{note}"
        );
        // A partition at or below the first ordinal holds nothing back.
        let mut low = s.clone();
        low.spec
            .as_mut()
            .unwrap()
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(5);
        assert_eq!(partition_note(&low, "restarts"), None);
    }

    fn sts(v: Value) -> StatefulSet {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn viewer_follows_kubectl_branches() {
        let base = json!({"metadata": {"name": "web", "generation": 2},
            "spec": {"replicas": 3, "selector": {}, "template": {}, "serviceName": "web",
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}},
            "status": {"replicas": 3, "observedGeneration": 1}});
        assert_eq!(
            status_viewer(&sts(base.clone())),
            Viewer::Waiting("Waiting for statefulset spec update to be observed...".into())
        );
        let mut v = base.clone();
        v["status"] = json!({"replicas": 3, "observedGeneration": 2, "readyReplicas": 2, "updatedReplicas": 1});
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Waiting("Waiting for 1 pods to be ready...".into())
        );
        v["status"]["readyReplicas"] = json!(3);
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Waiting("Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...".into())
        );
        v["status"]["updatedReplicas"] = json!(3);
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Done("partitioned roll out complete: 3 new pods have been updated...".into())
        );
        v["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = json!(2);
        v["status"]["updatedReplicas"] = json!(1);
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Done("partitioned roll out complete: 1 new pods have been updated...".into())
        );
        v["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
        v["status"]["currentRevision"] = json!("web-1");
        v["status"]["updateRevision"] = json!("web-2");
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Waiting(
                "waiting for statefulset rolling update to complete 1 pods at revision web-2..."
                    .into()
            )
        );
        v["status"]["currentRevision"] = json!("web-2");
        v["status"]["currentReplicas"] = json!(3);
        assert_eq!(
            status_viewer(&sts(v.clone())),
            Viewer::Done("statefulset rolling update complete 3 pods at revision web-2...".into())
        );
        v["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        assert!(matches!(status_viewer(&sts(v)), Viewer::NotRolling(_)));
    }

    #[test]
    fn template_change_effects() {
        let mk = |strategy: Value, replicas: i32| {
            sts(json!({"metadata": {"name": "web"},
                "spec": {"replicas": replicas, "selector": {}, "template": {}, "serviceName": "web",
                         "updateStrategy": strategy}}))
        };
        let e = template_change_effect(&mk(json!({"type": "OnDelete"}), 3));
        assert!(e.starts_with("no pod is restarted"), "{e}");
        assert!(
            e.contains("web-0 … web-2 keep the old template until deleted"),
            "{e}"
        );
        let e = template_change_effect(&mk(json!({"type": "RollingUpdate"}), 2));
        assert_eq!(
            e,
            "the pods are replaced by a rolling update, highest ordinal first (web-0 and web-1)"
        );
        let e = template_change_effect(&mk(
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}),
            3,
        ));
        assert!(
            e.contains("replaces web-2 (") && e.contains("web-0 and web-1 keep the old"),
            "{e}"
        );
        let e = template_change_effect(&mk(
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 3}}),
            3,
        ));
        assert!(
            e.starts_with("no pod is restarted: the partition (3)"),
            "{e}"
        );
        let e = template_change_effect(&mk(json!({"type": "OnDelete"}), 1));
        assert!(e.contains("web-0 keeps the old template"), "{e}");
    }

    #[test]
    fn scale_progress_says_what_is_awaited() {
        let set = sts(json!({"metadata": {"name": "web"},
            "spec": {"replicas": 0, "selector": {}, "template": {}, "serviceName": "web"},
            "status": {"replicas": 5, "readyReplicas": 5}}));
        let pods: Vec<k8s_openapi::api::core::v1::Pod> = (0..5)
            .map(|i| {
                serde_json::from_value(json!({"metadata": {"name": format!("web-{i}")}})).unwrap()
            })
            .collect();
        assert_eq!(
            scale_progress(&set, &pods),
            "scaling down to 0: waiting for web-4, web-3, web-2, web-1, web-0 to go"
        );
        let mut up = set.clone();
        up.spec.as_mut().unwrap().replicas = Some(7);
        assert_eq!(scale_progress(&up, &pods), "5 of 7 pods ready (5 exist)");
    }

    #[test]
    fn replicas_parse() {
        assert_eq!(parse_replicas("3").unwrap(), 3);
        assert_eq!(parse_replicas("0").unwrap(), 0);
        assert_eq!(
            parse_replicas("-1").unwrap_err().to_string(),
            "replicas must be 0 or more, got -1"
        );
        assert!(parse_replicas("three")
            .unwrap_err()
            .to_string()
            .contains("whole number"));
    }

    #[test]
    fn redeploy_is_kubectl_restart_body_with_milliseconds() {
        let t: jiff::Timestamp = "2026-11-25T18:58:02.345Z".parse().unwrap();
        let p = redeploy_patch(&t.to_zoned(jiff::tz::TimeZone::system()));
        let at = p["spec"]["template"]["metadata"]["annotations"][RESTARTED_AT]
            .as_str()
            .unwrap();
        assert_eq!(at.parse::<jiff::Timestamp>().unwrap(), t);
        assert!(at.contains(".345"), "{at}");
        // Two restarts in the same second differ.
        let later = redeploy_patch(
            &(t + jiff::SignedDuration::from_millis(1)).to_zoned(jiff::tz::TimeZone::system()),
        );
        assert_ne!(p, later);
    }

    #[test]
    fn strategy_patches() {
        assert_eq!(
            strategy_patch(&Strategy::OnDelete).unwrap(),
            json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}})
        );
        assert_eq!(
            strategy_patch(&Strategy::Rolling {
                partition: Some(2),
                max_unavailable: Some("50%".into())
            })
            .unwrap(),
            json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2, "maxUnavailable": "50%"}}}})
        );
        assert_eq!(
            strategy_patch(&Strategy::Rolling {
                partition: None,
                max_unavailable: None
            })
            .unwrap(),
            json!({"spec": {"updateStrategy": {"type": "RollingUpdate"}}})
        );
        assert!(strategy_patch(&Strategy::Rolling {
            partition: Some(-1),
            max_unavailable: None
        })
        .is_err());
        assert!(strategy_patch(&Strategy::Rolling {
            partition: None,
            max_unavailable: Some("0".into())
        })
        .is_err());
    }
}
