//! The event recorder of the simulated node components (kubelet, scheduler, volume and
//! namespace controllers). Core/v1 events go through the one EventCorrelator of
//! `controller::events` (client-go tools/record: aggregation, count bumps, spam filter), with
//! the kubelet's fieldPath and host. The events.k8s.io/v1 style (`record_v1`, the scheduler's
//! and kubelet's new-style recorder) keeps its series per object in this recorder's memory.
//! Upstream: staging/src/k8s.io/client-go/tools/record/event.go, events_cache.go,
//! staging/src/k8s.io/client-go/tools/events (the events.k8s.io/v1 recorder).

use crate::api::{Cluster, WriteOptions};
use crate::resources::EVENTS;
use serde_json::{json, Value};
use std::collections::HashMap;

pub use crate::controller::events::Source;

#[derive(Default)]
pub struct Recorder {
    /// series key (events.k8s.io/v1 style) -> (namespace, event name)
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
    /// a `fieldPath` such as `spec.containers{nginx}` as the kubelet's container events carry;
    /// through the same EventCorrelator as the controllers' events (`events::record_from`).
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
        crate::controller::events::record_from(
            cluster, involved, field_path, type_, reason, message, source,
        );
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
