//! An event recorder for the simulated node components (kubelet, scheduler, volume and
//! namespace controllers), modelled on client-go's tools/record with its EventCorrelator:
//! the aggregation cache lives in the recorder's memory (as upstream's LRU does), so a repeat
//! of the same (object, fieldPath, type, reason, message, source) bumps `count` and
//! `lastTimestamp` of the event already written instead of listing all events each time.
//! Upstream: staging/src/k8s.io/client-go/tools/record/event.go, events_cache.go,
//! staging/src/k8s.io/client-go/tools/events (the events.k8s.io/v1 recorder the scheduler uses).

use crate::api::{Cluster, WriteOptions};
use crate::resources::EVENTS;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Who reports: `component` (e.g. "kubelet") and `host` (the node, for the kubelet).
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub component: String,
    pub host: Option<String>,
}

#[derive(Default)]
pub struct Recorder {
    /// aggregation key -> (namespace, event name)
    cache: HashMap<String, (String, String)>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget the cached events of an object (called when it is gone).
    pub fn forget(&mut self, uid: &str) {
        self.cache.retain(|k, _| !k.starts_with(uid));
    }

    /// Record a core/v1 Event (client-go tools/record shape) about `involved`, optionally with
    /// a `fieldPath` such as `spec.containers{nginx}` as the kubelet's container events carry.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        cluster: &Cluster,
        involved: &Value,
        field_path: Option<&str>,
        type_: &str,
        reason: &str,
        message: &str,
        source: &Source,
    ) {
        let meta = &involved["metadata"];
        let ns = meta["namespace"].as_str().unwrap_or("default").to_string();
        let name = meta["name"].as_str().unwrap_or_default().to_string();
        let uid = meta["uid"].as_str().unwrap_or_default();
        let key = format!(
            "{uid}\u{0}{}\u{0}{type_}\u{0}{reason}\u{0}{message}\u{0}{}\u{0}{}",
            field_path.unwrap_or(""),
            source.component,
            source.host.as_deref().unwrap_or("")
        );
        let now = cluster.clock().timestamp();
        let opts = WriteOptions {
            field_manager: Some(source.component.clone()),
            ..Default::default()
        };
        if let Some((ens, ename)) = self.cache.get(&key) {
            if let Ok(mut e) = cluster.get(&EVENTS, Some(ens), ename) {
                let count = e["count"].as_i64().unwrap_or(1) + 1;
                e["count"] = json!(count);
                e["lastTimestamp"] = json!(now);
                if cluster
                    .update(&EVENTS, Some(ens), ename, None, e, &opts)
                    .is_ok()
                {
                    return;
                }
            }
        }
        let nanos = cluster
            .clock()
            .now()
            .timestamp_nanos_opt()
            .unwrap_or_default();
        let mut involved_ref = json!({
            "kind": involved["kind"],
            "namespace": ns,
            "name": name,
            "uid": uid,
            "apiVersion": involved["apiVersion"],
            "resourceVersion": meta["resourceVersion"],
        });
        if let Some(fp) = field_path {
            involved_ref["fieldPath"] = json!(fp);
        }
        let mut src = json!({"component": source.component});
        if let Some(h) = &source.host {
            src["host"] = json!(h);
        }
        let ename = format!("{name}.{nanos:x}");
        let ev: Value = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": ename, "namespace": ns},
            "involvedObject": involved_ref,
            "reason": reason,
            "message": message,
            "source": src,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type_,
            "eventTime": null,
            "reportingComponent": source.component,
            "reportingInstance": source.host.clone().unwrap_or_default(),
        });
        if let Ok(w) = cluster.create(&EVENTS, Some(&ns), ev, &opts) {
            let stored = w.object["metadata"]["name"]
                .as_str()
                .unwrap_or(&ename)
                .to_string();
            self.cache.insert(key, (ns, stored));
        }
    }

    /// Record an events.k8s.io/v1 Event as the scheduler's new-style recorder does, stored as
    /// core/v1 (eventTime set, firstTimestamp/lastTimestamp null, reportingController set,
    /// `action`; repeats bump `series`).
    #[allow(clippy::too_many_arguments)]
    pub fn record_v1(
        &mut self,
        cluster: &Cluster,
        involved: &Value,
        type_: &str,
        reason: &str,
        action: &str,
        message: &str,
        controller: &str,
    ) {
        let meta = &involved["metadata"];
        let ns = meta["namespace"].as_str().unwrap_or("default").to_string();
        let name = meta["name"].as_str().unwrap_or_default().to_string();
        let uid = meta["uid"].as_str().unwrap_or_default();
        let key = format!("{uid}\u{0}v1\u{0}{type_}\u{0}{reason}\u{0}{action}\u{0}{message}");
        let opts = WriteOptions {
            field_manager: Some(controller.to_string()),
            ..Default::default()
        };
        let micro = cluster.clock().micro_timestamp();
        if let Some((ens, ename)) = self.cache.get(&key) {
            if let Ok(mut e) = cluster.get(&EVENTS, Some(ens), ename) {
                let count = e["series"]["count"].as_i64().unwrap_or(1) + 1;
                e["series"] = json!({"count": count, "lastObservedTime": micro});
                if cluster
                    .update(&EVENTS, Some(ens), ename, None, e, &opts)
                    .is_ok()
                {
                    return;
                }
            }
        }
        let nanos = cluster
            .clock()
            .now()
            .timestamp_nanos_opt()
            .unwrap_or_default();
        let ename = format!("{name}.{nanos:x}");
        let ev = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": ename, "namespace": ns},
            "involvedObject": {
                "kind": involved["kind"], "namespace": ns, "name": name, "uid": uid,
                "apiVersion": involved["apiVersion"], "resourceVersion": meta["resourceVersion"],
            },
            "reason": reason,
            "message": message,
            "source": {},
            "firstTimestamp": null,
            "lastTimestamp": null,
            "type": type_,
            "eventTime": micro,
            "action": action,
            "reportingComponent": controller,
            "reportingInstance": format!("{controller}-sim-control-plane"),
        });
        if let Ok(w) = cluster.create(&EVENTS, Some(&ns), ev, &opts) {
            let stored = w.object["metadata"]["name"]
                .as_str()
                .unwrap_or(&ename)
                .to_string();
            self.cache.insert(key, (ns, stored));
        }
    }
}
