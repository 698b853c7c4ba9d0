//! core/v1 Event <-> events.k8s.io/v1 Event (one storage, two APIs).
//! Upstream: pkg/apis/events/v1/conversion.go (Convert_v1_Event_To_core_Event,
//! Convert_core_Event_To_v1_Event), staging/src/k8s.io/api/events/v1/types.go (which fields
//! are omitempty).

use super::util::*;
use serde_json::{json, Map, Value};

fn copy(dst: &mut Map<String, Value>, src: &Value, from: &str, to: &str, keep_empty: bool) {
    if let Some(v) = src.get(from) {
        let empty = v.is_null() || v.as_str() == Some("") || v.as_i64() == Some(0);
        if keep_empty || !empty {
            dst.insert(to.into(), v.clone());
        }
    }
}

pub fn event_to_events_v1(core: &Value) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!("Event"));
    m.insert("apiVersion".into(), json!("events.k8s.io/v1"));
    m.insert(
        "metadata".into(),
        core.get("metadata").cloned().unwrap_or(json!({})),
    );
    // eventTime is a non-omitempty MicroTime: null when zero.
    m.insert(
        "eventTime".into(),
        core.get("eventTime").cloned().unwrap_or(Value::Null),
    );
    if let Some(s) = core.get("series").filter(|s| !s.is_null()) {
        m.insert("series".into(), s.clone());
    }
    copy(
        &mut m,
        core,
        "reportingComponent",
        "reportingController",
        false,
    );
    copy(
        &mut m,
        core,
        "reportingInstance",
        "reportingInstance",
        false,
    );
    copy(&mut m, core, "action", "action", false);
    copy(&mut m, core, "reason", "reason", false);
    m.insert(
        "regarding".into(),
        core.get("involvedObject").cloned().unwrap_or(json!({})),
    );
    if let Some(r) = core.get("related").filter(|r| !r.is_null()) {
        m.insert("related".into(), r.clone());
    }
    copy(&mut m, core, "message", "note", false);
    copy(&mut m, core, "type", "type", false);
    m.insert(
        "deprecatedSource".into(),
        core.get("source").cloned().unwrap_or(json!({})),
    );
    m.insert(
        "deprecatedFirstTimestamp".into(),
        core.get("firstTimestamp").cloned().unwrap_or(Value::Null),
    );
    m.insert(
        "deprecatedLastTimestamp".into(),
        core.get("lastTimestamp").cloned().unwrap_or(Value::Null),
    );
    copy(&mut m, core, "count", "deprecatedCount", false);
    Value::Object(m)
}

pub fn events_v1_to_event(v1: &Value) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!("Event"));
    m.insert("apiVersion".into(), json!("v1"));
    m.insert(
        "metadata".into(),
        v1.get("metadata").cloned().unwrap_or(json!({})),
    );
    m.insert(
        "involvedObject".into(),
        v1.get("regarding").cloned().unwrap_or(json!({})),
    );
    copy(&mut m, v1, "reason", "reason", false);
    copy(&mut m, v1, "note", "message", false);
    m.insert(
        "source".into(),
        v1.get("deprecatedSource").cloned().unwrap_or(json!({})),
    );
    m.insert(
        "firstTimestamp".into(),
        v1.get("deprecatedFirstTimestamp")
            .cloned()
            .unwrap_or(Value::Null),
    );
    m.insert(
        "lastTimestamp".into(),
        v1.get("deprecatedLastTimestamp")
            .cloned()
            .unwrap_or(Value::Null),
    );
    copy(&mut m, v1, "deprecatedCount", "count", false);
    copy(&mut m, v1, "type", "type", false);
    m.insert(
        "eventTime".into(),
        v1.get("eventTime").cloned().unwrap_or(Value::Null),
    );
    if let Some(s) = v1.get("series").filter(|s| !s.is_null()) {
        m.insert("series".into(), s.clone());
    }
    copy(&mut m, v1, "action", "action", false);
    if let Some(r) = v1.get("related").filter(|r| !r.is_null()) {
        m.insert("related".into(), r.clone());
    }
    // reportingComponent / reportingInstance are non-omitempty strings in core/v1.
    m.insert(
        "reportingComponent".into(),
        json!(get_str(v1, &["reportingController"]).unwrap_or_default()),
    );
    m.insert(
        "reportingInstance".into(),
        json!(get_str(v1, &["reportingInstance"]).unwrap_or_default()),
    );
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_between_the_two_apis() {
        let core = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web.1", "namespace": "default"},
            "involvedObject": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "namespace": "default"},
            "reason": "SuccessfulCreate", "message": "create Pod web-0 in StatefulSet web successful",
            "source": {"component": "statefulset-controller"},
            "firstTimestamp": "2024-01-01T00:00:00Z", "lastTimestamp": "2024-01-01T00:00:05Z",
            "count": 2, "type": "Normal", "eventTime": null,
            "reportingComponent": "", "reportingInstance": ""
        });
        let v1 = event_to_events_v1(&core);
        assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v1["regarding"]["name"], "web");
        assert_eq!(v1["note"], "create Pod web-0 in StatefulSet web successful");
        assert_eq!(
            v1["deprecatedSource"]["component"],
            "statefulset-controller"
        );
        assert_eq!(v1["deprecatedFirstTimestamp"], "2024-01-01T00:00:00Z");
        assert_eq!(v1["deprecatedCount"], 2);
        assert_eq!(v1["eventTime"], Value::Null);
        assert!(v1.get("reportingController").is_none());
        let back = events_v1_to_event(&v1);
        assert_eq!(back, core);
    }

    #[test]
    fn new_style_event_maps_reporting_fields() {
        let v1 = json!({"metadata": {"name": "e"}, "eventTime": "2024-01-01T00:00:00.000000Z",
            "reportingController": "kubelet", "reportingInstance": "node-1", "action": "Pulling",
            "reason": "Pulling", "note": "pulling", "type": "Normal",
            "regarding": {"kind": "Pod", "name": "p"}, "series": {"count": 3, "lastObservedTime": "2024-01-01T00:01:00.000000Z"}});
        let core = events_v1_to_event(&v1);
        assert_eq!(core["reportingComponent"], "kubelet");
        assert_eq!(core["involvedObject"]["kind"], "Pod");
        assert_eq!(core["message"], "pulling");
        assert_eq!(core["series"]["count"], 3);
        assert_eq!(core["firstTimestamp"], Value::Null);
        assert_eq!(event_to_events_v1(&core)["reportingController"], "kubelet");
    }
}
