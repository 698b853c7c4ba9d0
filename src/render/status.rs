//! Status words: the console's StatefulSet status and kubectl's pod STATUS column.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

/// The KubeSphere console's rule (kubesphere/console src/utils/workload.js): Stopped when
/// spec.replicas is 0 and no ready pods remain,
/// Running when readyReplicas == spec.replicas and every pod runs the update revision
/// ([`crate::manifest::rollout::all_updated`]: currentRevision == updateRevision, or for
/// OnDelete, whose currentRevision upstream never advances, the pods counted at the update
/// revision), else Updating.
pub fn statefulset_status(sts: &StatefulSet) -> &'static str {
    let desired = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = sts.status.as_ref();
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    if desired == 0 && ready == 0 {
        return "Stopped";
    }
    if ready == desired && crate::manifest::rollout::all_updated(sts) {
        "Running"
    } else {
        "Updating"
    }
}

/// `ready/desired`.
pub fn ready_column(sts: &StatefulSet) -> String {
    let desired = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let ready = sts
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    format!("{ready}/{desired}")
}

pub use crate::manifest::text::{pod_ordinal, revision_hash};

/// The STATUS, READY and RESTARTS columns of `kubectl get pods`, following printPod in
/// pkg/printers/internalversion/printers.go.
pub fn pod_status(pod: &Pod) -> (String, String, i32) {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    // Native sidecars (init containers with restartPolicy Always) count in READY and RESTARTS
    // as kubectl's printer counts them (pkg/printers/internalversion/printers.go printPod).
    let is_sidecar =
        |c: &k8s_openapi::api::core::v1::Container| c.restart_policy.as_deref() == Some("Always");
    let total = spec.map(|s| s.containers.len()).unwrap_or(0)
        + spec
            .and_then(|s| s.init_containers.as_ref())
            .map(|v| v.iter().filter(|c| is_sidecar(c)).count())
            .unwrap_or(0);
    let n_init = spec
        .and_then(|s| s.init_containers.as_ref())
        .map(|v| v.len())
        .unwrap_or(0);
    let mut restarts = 0;
    let mut ready_containers = 0;
    let mut reason = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    if let Some(r) = status
        .and_then(|s| s.reason.clone())
        .filter(|r| !r.is_empty())
    {
        reason = r;
    }

    let init_specs = spec
        .and_then(|s| s.init_containers.clone())
        .unwrap_or_default();
    let mut initializing = false;
    let mut sidecar_restarts = 0;
    for (i, c) in status
        .and_then(|s| s.init_container_statuses.clone())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        restarts += c.restart_count;
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        let sidecar = init_specs
            .iter()
            .find(|s| s.name == c.name)
            .is_some_and(is_sidecar);
        if sidecar {
            sidecar_restarts += c.restart_count;
        }
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && c.started == Some(true) {
            if c.ready {
                ready_containers += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None if t.signal.unwrap_or(0) != 0 => {
                    format!("Init:Signal:{}", t.signal.unwrap_or(0))
                }
                None => format!("Init:ExitCode:{}", t.exit_code),
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{n_init}");
        }
        initializing = true;
        break;
    }

    let initialized = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Initialized" && c.status == "True")
        });
    if !initializing || initialized {
        restarts = sidecar_restarts;
        let mut has_running = false;
        let statuses = status
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default();
        for c in statuses.iter().rev() {
            restarts += c.restart_count;
            let state = c.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = r;
            } else if let Some(r) = terminated
                .and_then(|t| t.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = r;
            } else if let Some(t) = terminated {
                reason = if t.signal.unwrap_or(0) != 0 {
                    format!("Signal:{}", t.signal.unwrap_or(0))
                } else {
                    format!("ExitCode:{}", t.exit_code)
                };
            } else if c.ready && state.and_then(|s| s.running.as_ref()).is_some() {
                has_running = true;
                ready_containers += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        reason = if reason == "NodeLost" {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    if reason.is_empty() {
        reason = "Pending".into();
    }
    (reason, format!("{ready_containers}/{total}"), restarts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts(v: serde_json::Value) -> StatefulSet {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn console_status_rules() {
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 0, "selector": {}, "template": {}, "serviceName": ""}, "status": {"replicas": 0}}),
        );
        assert_eq!(statefulset_status(&s), "Stopped");
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 2, "selector": {}, "template": {}, "serviceName": ""},
            "status": {"replicas": 2, "readyReplicas": 2, "currentRevision": "w-1", "updateRevision": "w-1"}}),
        );
        assert_eq!(statefulset_status(&s), "Running");
        assert_eq!(ready_column(&s), "2/2");
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 2, "selector": {}, "template": {}, "serviceName": ""},
            "status": {"replicas": 2, "readyReplicas": 2, "currentRevision": "w-1", "updateRevision": "w-2"}}),
        );
        assert_eq!(statefulset_status(&s), "Updating");
        // OnDelete: currentRevision stays behind for ever; the pods' revisions decide.
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 2, "selector": {}, "template": {}, "serviceName": "",
                "updateStrategy": {"type": "OnDelete"}},
            "status": {"replicas": 2, "readyReplicas": 2, "currentRevision": "w-1", "updateRevision": "w-2",
                "currentReplicas": 0, "updatedReplicas": 2}}),
        );
        assert_eq!(statefulset_status(&s), "Running");
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 2, "selector": {}, "template": {}, "serviceName": "",
                "updateStrategy": {"type": "OnDelete"}},
            "status": {"replicas": 2, "readyReplicas": 2, "currentRevision": "w-1", "updateRevision": "w-2",
                "currentReplicas": 1, "updatedReplicas": 1}}),
        );
        assert_eq!(statefulset_status(&s), "Updating");
        let s = sts(
            json!({"metadata": {"name": "w"}, "spec": {"replicas": 0, "selector": {}, "template": {}, "serviceName": ""},
            "status": {"replicas": 1, "readyReplicas": 1}}),
        );
        assert_eq!(statefulset_status(&s), "Updating");
    }

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn pod_status_reasons() {
        let p = pod(
            json!({"metadata": {"name": "w-0"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Pending", "containerStatuses": [{"name": "c", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}}),
        );
        assert_eq!(
            pod_status(&p),
            ("ContainerCreating".into(), "0/1".into(), 0)
        );
        let p = pod(
            json!({"metadata": {"name": "w-0"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "restartCount": 2, "image": "x", "imageID": "",
                "state": {"running": {}}}]}}),
        );
        assert_eq!(pod_status(&p), ("Running".into(), "1/1".into(), 2));
        let p = pod(
            json!({"metadata": {"name": "w-0", "deletionTimestamp": "2024-01-01T00:00:00Z"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running"}}),
        );
        assert_eq!(pod_status(&p).0, "Terminating");
        let p = pod(
            json!({"metadata": {"name": "w-0"}, "spec": {"containers": [{"name": "c"}], "initContainers": [{"name": "i"}]},
            "status": {"phase": "Pending", "initContainerStatuses": [{"name": "i", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                "state": {"running": {}}}]}}),
        );
        assert_eq!(pod_status(&p).0, "Init:0/1");
        let p = pod(
            json!({"metadata": {"name": "w-0"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": false, "restartCount": 5, "image": "x", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
        );
        assert_eq!(pod_status(&p), ("CrashLoopBackOff".into(), "0/1".into(), 5));
    }

    #[test]
    fn ordinals_and_hashes() {
        assert_eq!(pod_ordinal("web-12"), Some(12));
        assert_eq!(pod_ordinal("web"), None);
        assert_eq!(revision_hash("web", "web-7b6c"), "7b6c");
    }
}
