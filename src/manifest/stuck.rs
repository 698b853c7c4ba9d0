//! Pure: is a StatefulSet's rollout stuck, on which pod, why, since when, and what recovers it.
//!
//! The classic case (kubernetes/kubernetes#67250): with podManagementPolicy OrderedReady the
//! controller waits for the replaced pod to be Running and Ready before touching the next one
//! (`stateful_set_control.go`, processReplica blocks on an unhealthy pod), so a pod of a broken
//! revision blocks the rollout forever, and even restoring the template does not help until that
//! pod is deleted.

use jiff::{SignedDuration as Duration, Timestamp};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

use super::text::pod_ordinal;

/// Waiting reasons that mean the pod will not become ready by itself soon.
const BLOCKING: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "CrashLoopBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "ErrImageNeverPull",
];

/// A pod that holds up the StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    pub pod: String,
    pub uid: Option<String>,
    /// The revision name the pod runs (its controller-revision-hash label).
    pub revision: String,
    /// The pod runs the update revision (rolling back then deleting it recovers).
    pub on_update_revision: bool,
    /// ImagePullBackOff, CrashLoopBackOff, Unschedulable, ReadinessFailing, …
    pub reason: String,
    pub message: String,
    /// How long the pod has not been ready.
    pub for_: Duration,
    /// A back-off or scheduling failure, not just a slow start.
    pub definitive: bool,
}

/// The first (lowest ordinal) non-terminating pod of the set that is not ready and either is
/// in a blocking state or has not been ready for `threshold`. `None` when nothing is stuck.
pub fn analyze(
    sts: &StatefulSet,
    pods: &[Pod],
    now: Timestamp,
    threshold: Duration,
) -> Option<Stuck> {
    let update = sts
        .status
        .as_ref()
        .and_then(|s| s.update_revision.clone())
        .unwrap_or_default();
    let mut pods: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    pods.sort_by_key(|p| {
        pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(i64::MAX)
    });
    for p in pods {
        if is_ready(p) {
            continue;
        }
        let st = p.status.as_ref();
        let conds = st.and_then(|s| s.conditions.clone()).unwrap_or_default();
        let ready_since = conds
            .iter()
            .find(|c| c.type_ == "Ready")
            .and_then(|c| c.last_transition_time.as_ref().map(|t| t.0));
        let created = p.metadata.creation_timestamp.as_ref().map(|t| t.0);
        let since = ready_since.or(created).unwrap_or(now);
        let for_ = now.duration_since(since).max(Duration::ZERO);
        let mut reason = String::new();
        let mut message = String::new();
        let mut definitive = false;
        if let Some(c) = conds
            .iter()
            .find(|c| c.type_ == "PodScheduled" && c.status == "False")
        {
            reason = c.reason.clone().unwrap_or_else(|| "Unschedulable".into());
            message = c.message.clone().unwrap_or_default();
            definitive = reason == "Unschedulable";
        }
        if reason.is_empty() {
            let statuses = st
                .and_then(|s| s.init_container_statuses.clone())
                .unwrap_or_default()
                .into_iter()
                .chain(
                    st.and_then(|s| s.container_statuses.clone())
                        .unwrap_or_default(),
                );
            for cs in statuses {
                if let Some(w) = cs.state.as_ref().and_then(|s| s.waiting.as_ref()) {
                    let r = w.reason.clone().unwrap_or_default();
                    if BLOCKING.contains(&r.as_str()) {
                        definitive = true;
                        message = format!(
                            "container {}: {}",
                            cs.name,
                            w.message.clone().unwrap_or_default()
                        )
                        .trim_end_matches([':', ' '])
                        .to_string();
                        reason = r;
                        break;
                    }
                }
            }
        }
        if reason.is_empty() {
            let phase = st.and_then(|s| s.phase.clone()).unwrap_or_default();
            if phase == "Running" {
                reason = "ReadinessFailing".into();
                message = "running, but the readiness probe fails".into();
            } else {
                reason = if phase.is_empty() {
                    "Pending".into()
                } else {
                    phase
                };
                message = "not running yet".into();
            }
        }
        if definitive || for_ >= threshold {
            let revision = p
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("controller-revision-hash"))
                .cloned()
                .unwrap_or_default();
            return Some(Stuck {
                pod: p.metadata.name.clone().unwrap_or_default(),
                uid: p.metadata.uid.clone(),
                on_update_revision: !update.is_empty() && revision == update,
                revision,
                reason,
                message,
                for_,
                definitive,
            });
        }
        // OrderedReady: only the first unhealthy pod matters (the controller waits on it).
        if !crate::manifest::rollout::is_parallel(sts) {
            return None;
        }
    }
    None
}

/// Ready condition True and phase Running.
pub fn is_ready(p: &Pod) -> bool {
    let st = p.status.as_ref();
    st.and_then(|s| s.phase.as_deref()) == Some("Running")
        && st
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The newest timestamp found in the objects: a floor for "now" when the client's clock is
/// behind the server's.
pub fn newest_timestamp(sts: &StatefulSet, pods: &[Pod]) -> Option<Timestamp> {
    let mut ts: Vec<Timestamp> = sts
        .metadata
        .creation_timestamp
        .iter()
        .map(|t| t.0)
        .collect();
    for p in pods {
        ts.extend(p.metadata.creation_timestamp.iter().map(|t| t.0));
        if let Some(st) = &p.status {
            ts.extend(st.start_time.iter().map(|t| t.0));
            for c in st.conditions.iter().flatten() {
                ts.extend(c.last_transition_time.iter().map(|t| t.0));
            }
        }
    }
    ts.into_iter().max()
}

/// The human explanation and the recovering command.
pub fn explain(sts_name: &str, s: &Stuck, sts: &StatefulSet) -> (String, String) {
    explain_numbered(sts_name, s, sts, None)
}

/// [`explain`] naming the revision by its number when known: `revision 2 (59b8f57)`.
pub fn explain_numbered(
    sts_name: &str,
    s: &Stuck,
    sts: &StatefulSet,
    number: Option<i64>,
) -> (String, String) {
    let ordered = !crate::manifest::rollout::is_parallel(sts);
    let how_long = super::text::human_duration(s.for_);
    let hash = super::text::revision_hash(sts_name, &s.revision);
    let revision = match number {
        Some(n) => format!("{n} ({hash})"),
        None => hash.to_string(),
    };
    let mut text = format!(
        "pod {} (revision {revision}) is not ready: {} for {how_long}",
        s.pod, s.reason
    );
    if !s.message.is_empty() {
        text.push_str(&format!(" ({})", s.message));
    }
    if ordered {
        text.push_str("; with OrderedReady the controller waits for it before going on");
    }
    let fix = if s.on_update_revision {
        format!("kubectl statefulset rollback {sts_name}   (restores the previous template and deletes the stuck pod)")
    } else {
        format!(
            "fix the pod template, then delete the pod: kubectl delete pod {}",
            s.pod
        )
    };
    (text, fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts(policy: &str) -> StatefulSet {
        serde_json::from_value(json!({"metadata": {"name": "web"},
            "spec": {"selector": {}, "template": {}, "serviceName": "web", "podManagementPolicy": policy},
            "status": {"replicas": 3, "currentRevision": "web-1", "updateRevision": "web-2"}}))
        .unwrap()
    }

    fn pod(name: &str, rev: &str, ready: bool, waiting: Option<&str>, since: &str) -> Pod {
        let mut v = json!({"metadata": {"name": name, "uid": format!("u-{name}"), "labels": {"controller-revision-hash": rev},
                "creationTimestamp": "2026-01-01T00:00:00Z"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}, "lastTransitionTime": since}],
                "containerStatuses": [{"name": "web", "image": "x", "imageID": "", "ready": ready, "restartCount": 0, "state": {"running": {}}}]}});
        if let Some(r) = waiting {
            v["status"]["phase"] = json!("Pending");
            v["status"]["containerStatuses"][0]["state"] = json!({"waiting": {"reason": r, "message": "Back-off pulling image \"nginx:bad\""}});
        }
        serde_json::from_value(v).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse::<Timestamp>().unwrap()
    }

    #[test]
    fn image_pull_back_off_is_stuck_at_once() {
        let pods = vec![
            pod("web-0", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod("web-1", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-2",
                "web-2",
                false,
                Some("ImagePullBackOff"),
                "2026-01-01T00:01:00Z",
            ),
        ];
        let s = analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:03:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.pod, "web-2");
        assert_eq!(s.reason, "ImagePullBackOff");
        assert!(s.on_update_revision && s.definitive);
        assert_eq!(s.for_, Duration::from_mins(2));
        let (text, fix) = explain("web", &s, &sts("OrderedReady"));
        assert!(
            text.starts_with("pod web-2 (revision 2) is not ready: ImagePullBackOff for 2m"),
            "{text}"
        );
        assert!(fix.starts_with("kubectl statefulset rollback web"), "{fix}");
        let (text, _) = explain_numbered("web", &s, &sts("OrderedReady"), Some(2));
        assert!(
            text.starts_with("pod web-2 (revision 2 (2)) is not ready"),
            "{text}"
        );
    }

    #[test]
    fn readiness_failing_needs_the_threshold() {
        let pods = vec![pod("web-0", "web-2", false, None, "2026-01-01T00:00:00Z")];
        assert!(analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
        let s = analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:06:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.reason, "ReadinessFailing");
        assert!(!s.definitive);
    }

    #[test]
    fn healthy_set_is_not_stuck() {
        let pods = vec![pod("web-0", "web-2", true, None, "2026-01-01T00:00:00Z")];
        assert!(analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-02T00:00:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
        // OrderedReady: only the first unhealthy pod counts; Parallel looks further.
        let pods = vec![
            pod("web-0", "web-2", false, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-1",
                "web-2",
                false,
                Some("CrashLoopBackOff"),
                "2026-01-01T00:00:00Z",
            ),
        ];
        assert!(analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:00:10Z"),
            Duration::from_mins(5)
        )
        .is_none());
        assert_eq!(
            analyze(
                &sts("Parallel"),
                &pods,
                at("2026-01-01T00:00:10Z"),
                Duration::from_mins(5)
            )
            .unwrap()
            .pod,
            "web-1"
        );
    }
}
