//! An event recorder like client-go's tools/record: core/v1 Events named
//! `<involvedObject.name>.<hex unix nanos>`, aggregated by bumping count/lastTimestamp when the
//! same (object, type, reason, message, component) repeats.
//! Upstream: staging/src/k8s.io/client-go/tools/record/event.go, events_cache.go.

use crate::api::{Cluster, WriteOptions};
use crate::resources::EVENTS;
use serde_json::{json, Value};

/// Record an event about `involved` (a full object with apiVersion/kind/metadata).
pub fn record(
    cluster: &Cluster,
    involved: &Value,
    type_: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    let meta = &involved["metadata"];
    let ns = meta["namespace"].as_str().unwrap_or("default").to_string();
    let name = meta["name"].as_str().unwrap_or_default();
    let uid = meta["uid"].as_str().unwrap_or_default();
    let now = cluster.clock().timestamp();
    let opts = WriteOptions {
        field_manager: Some(component.to_string()),
        ..Default::default()
    };
    // Aggregate with an identical earlier event (the recorder's EventCorrelator).
    let existing = cluster
        .list_items(&EVENTS, Some(&ns), None)
        .into_iter()
        .find(|e| {
            e["involvedObject"]["uid"] == json!(uid)
                && e["type"] == json!(type_)
                && e["reason"] == json!(reason)
                && e["message"] == json!(message)
                && e["source"]["component"] == json!(component)
        });
    if let Some(mut e) = existing {
        let count = e["count"].as_i64().unwrap_or(1) + 1;
        e["count"] = json!(count);
        e["lastTimestamp"] = json!(now);
        let ename = e["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let _ = cluster.update(&EVENTS, Some(&ns), &ename, None, e, &opts);
        return;
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
    if involved_ref["namespace"] == json!("") {
        involved_ref.as_object_mut().map(|m| m.remove("namespace"));
    }
    let ev: Value = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{name}.{nanos:x}"), "namespace": ns},
        "involvedObject": involved_ref,
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": type_,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": "",
    });
    let _ = cluster.create(&EVENTS, Some(&ns), ev, &opts);
}
