//! An event recorder like client-go's tools/record: core/v1 Events named
//! `<involvedObject.name>.<hex unix nanos>`, passed through the recorder's EventCorrelator:
//! - EventAggregator: once 10 distinct messages with the same (source, object, type, reason)
//!   were seen within 10 minutes, further ones are recorded as one event with the message
//!   `(combined from similar events): <message>`;
//! - eventLogger: an identical event (same key) bumps count/lastTimestamp/message of the event
//!   already written (PATCH) instead of creating a new object; if that event is gone it is
//!   created again;
//! - EventSourceObjectSpamFilter: a token bucket per (source, object, type) — burst 25,
//!   refilling one token per 300 s — drops events beyond it.
//!
//! The correlator state lives in memory (upstream: in the recorder process, LRU caches of 4096),
//! per cluster, and runs on the simulated clock.
//! Upstream: staging/src/k8s.io/client-go/tools/record/event.go, events_cache.go.

use crate::api::{Cluster, WriteOptions};
use crate::clock::format_time;
use crate::resources::EVENTS;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// EventAggregator defaults (defaultAggregateMaxEvents, defaultAggregateIntervalInSeconds).
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_SECS: i64 = 600;
/// EventSourceObjectSpamFilter defaults (defaultSpamBurst, defaultSpamQPS = 1/300).
const SPAM_BURST: f64 = 25.0;
const SPAM_QPS: f64 = 1.0 / 300.0;
/// LRU size of the caches (maxLruCacheEntries); we simply reset beyond it.
const MAX_CACHE_ENTRIES: usize = 4096;

struct AggregateRecord {
    local_keys: HashSet<String>,
    last: DateTime<Utc>,
}

struct EventLog {
    count: i64,
    first_timestamp: String,
    name: String,
}

struct Bucket {
    tokens: f64,
    last: DateTime<Utc>,
}

struct Correlator {
    /// Identifies the cluster (same channel) and notices when it is gone (sender dropped).
    rx: tokio::sync::watch::Receiver<u64>,
    aggregate: HashMap<String, AggregateRecord>,
    logs: HashMap<String, EventLog>,
    spam: HashMap<String, Bucket>,
}

static CORRELATORS: Mutex<Vec<Correlator>> = Mutex::new(Vec::new());

/// What the correlator decided for one event.
struct Decision {
    skip: bool,
    name: String,
    message: String,
    count: i64,
    first_timestamp: String,
    /// An earlier event with this key was written: PATCH it.
    patch: bool,
}

#[allow(clippy::too_many_arguments)]
fn correlate(
    cluster: &Cluster,
    event_key: String,
    aggregate_key: String,
    spam_key: String,
    message: &str,
    fresh_name: String,
    now: DateTime<Utc>,
) -> Decision {
    let rx = cluster.subscribe();
    let mut all = CORRELATORS.lock();
    // Forget correlators of clusters that are gone.
    all.retain(|c| c.rx.has_changed().is_ok());
    let idx = match all.iter().position(|c| c.rx.same_channel(&rx)) {
        Some(i) => i,
        None => {
            all.push(Correlator::new(rx));
            all.len() - 1
        }
    };
    all[idx].correlate(event_key, aggregate_key, spam_key, message, fresh_name, now)
}

impl Correlator {
    fn new(rx: tokio::sync::watch::Receiver<u64>) -> Self {
        Self {
            rx,
            aggregate: HashMap::new(),
            logs: HashMap::new(),
            spam: HashMap::new(),
        }
    }

    /// EventCorrelate: aggregate, observe, then filter spam.
    fn correlate(
        &mut self,
        event_key: String,
        aggregate_key: String,
        spam_key: String,
        message: &str,
        fresh_name: String,
        now: DateTime<Utc>,
    ) -> Decision {
        let c = self;
        for len in [c.aggregate.len(), c.logs.len(), c.spam.len()] {
            if len > MAX_CACHE_ENTRIES {
                c.aggregate.clear();
                c.logs.clear();
                c.spam.clear();
            }
        }

        // EventAggregate.
        let rec = c
            .aggregate
            .entry(aggregate_key.clone())
            .or_insert_with(|| AggregateRecord {
                local_keys: HashSet::new(),
                last: now,
            });
        if (now - rec.last).num_milliseconds() > AGGREGATE_INTERVAL_SECS * 1000 {
            rec.local_keys.clear();
        }
        rec.local_keys.insert(message.to_string());
        rec.last = now;
        let (key, message) = if rec.local_keys.len() < AGGREGATE_MAX_EVENTS {
            (event_key, message.to_string())
        } else {
            // Do not grow the local key set beyond the max.
            if let Some(k) = rec.local_keys.iter().next().cloned() {
                rec.local_keys.remove(&k);
            }
            (
                aggregate_key,
                format!("(combined from similar events): {message}"),
            )
        };

        // eventObserve.
        let now_s = format_time(now);
        let decision = match c.logs.get(&key) {
            Some(log) => Decision {
                skip: false,
                name: log.name.clone(),
                message,
                count: log.count + 1,
                first_timestamp: log.first_timestamp.clone(),
                patch: true,
            },
            None => Decision {
                skip: false,
                name: fresh_name,
                message,
                count: 1,
                first_timestamp: now_s,
                patch: false,
            },
        };
        c.logs.insert(
            key,
            EventLog {
                count: decision.count,
                first_timestamp: decision.first_timestamp.clone(),
                name: decision.name.clone(),
            },
        );

        // Spam filter (token bucket on the simulated clock).
        let b = c.spam.entry(spam_key).or_insert(Bucket {
            tokens: SPAM_BURST,
            last: now,
        });
        let elapsed = (now - b.last).num_milliseconds().max(0) as f64 / 1000.0;
        b.tokens = (b.tokens + elapsed * SPAM_QPS).min(SPAM_BURST);
        b.last = now;
        let skip = if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            false
        } else {
            true
        };
        Decision { skip, ..decision }
    }
}

/// Who reports an event: `component` (e.g. "kubelet") and `host` (the node, for the kubelet).
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub component: String,
    pub host: Option<String>,
}

/// Record an event about `involved` (a full object with apiVersion/kind/metadata) as a
/// control-plane component (no host, no fieldPath).
pub fn record(
    cluster: &Cluster,
    involved: &Value,
    type_: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    let source = Source {
        component: component.to_string(),
        host: None,
    };
    record_from(cluster, involved, None, type_, reason, message, &source);
}

/// Record an event through the correlator, optionally with a `fieldPath` such as
/// `spec.containers{nginx}` and a source host, as the kubelet's container events carry.
pub fn record_from(
    cluster: &Cluster,
    involved: &Value,
    field_path: Option<&str>,
    type_: &str,
    reason: &str,
    message: &str,
    source: &Source,
) {
    let component = source.component.as_str();
    let host = source.host.as_deref().unwrap_or("");
    let fp = field_path.unwrap_or("");
    let meta = &involved["metadata"];
    let ns = meta["namespace"].as_str().unwrap_or("default").to_string();
    let name = meta["name"].as_str().unwrap_or_default();
    let uid = meta["uid"].as_str().unwrap_or_default();
    let kind = involved["kind"].as_str().unwrap_or_default();
    let api_version = involved["apiVersion"].as_str().unwrap_or_default();
    let now = cluster.clock().now();
    let now_s = format_time(now);
    let opts = WriteOptions {
        field_manager: Some(component.to_string()),
        ..Default::default()
    };
    let nanos = now.timestamp_nanos_opt().unwrap_or_default();
    // getSpamKey / EventAggregatorByReasonFunc / getEventKey.
    let spam_key = [component, host, kind, &ns, name, uid, api_version, type_].join("");
    let aggregate_key = [
        component,
        host,
        kind,
        &ns,
        name,
        uid,
        api_version,
        type_,
        reason,
        component,
        host,
    ]
    .join("");
    let event_key = [
        component,
        host,
        kind,
        &ns,
        name,
        fp,
        uid,
        api_version,
        type_,
        reason,
        message,
    ]
    .join("");
    let d = correlate(
        cluster,
        event_key,
        aggregate_key,
        spam_key,
        message,
        format!("{name}.{nanos:x}"),
        now,
    );
    if d.skip {
        return;
    }
    if d.patch {
        // Upstream PATCHes count/lastTimestamp/message; a read-modify-write has the same result
        // and does not depend on the patch machinery.
        if let Ok(mut e) = cluster.get(&EVENTS, Some(&ns), &d.name) {
            e["count"] = json!(d.count);
            e["lastTimestamp"] = json!(now_s);
            e["message"] = json!(d.message);
            let _ = cluster.update(&EVENTS, Some(&ns), &d.name, None, e, &opts);
            return;
        }
    }
    let mut involved_ref = json!({
        "kind": kind,
        "namespace": ns,
        "name": name,
        "uid": uid,
        "apiVersion": api_version,
        "resourceVersion": meta["resourceVersion"],
    });
    if involved_ref["namespace"] == json!("") {
        involved_ref.as_object_mut().map(|m| m.remove("namespace"));
    }
    if let Some(fp) = field_path {
        involved_ref["fieldPath"] = json!(fp);
    }
    let mut src = json!({"component": component});
    if let Some(h) = &source.host {
        src["host"] = json!(h);
    }
    // recordToSink: a patch that finds no event creates it again with count 1.
    let count = if d.patch { 1 } else { d.count };
    let first = d.first_timestamp.clone();
    let ev: Value = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": d.name, "namespace": ns},
        "involvedObject": involved_ref,
        "reason": reason,
        "message": d.message,
        "source": src,
        "firstTimestamp": first,
        "lastTimestamp": now_s,
        "count": count,
        "type": type_,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": host,
    });
    let _ = cluster.create(&EVENTS, Some(&ns), ev, &opts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        crate::clock::parse_time("2025-01-01T00:00:00Z").unwrap()
    }

    fn corr() -> (Correlator, tokio::sync::watch::Sender<u64>) {
        let (tx, rx) = tokio::sync::watch::channel(0);
        (Correlator::new(rx), tx)
    }

    #[test]
    fn identical_events_bump_count_on_the_same_object() {
        let (mut c, _tx) = corr();
        let d1 = c.correlate(
            "k".into(),
            "a".into(),
            "s".into(),
            "m",
            "web.1".into(),
            t0(),
        );
        assert!(!d1.patch && !d1.skip);
        assert_eq!((d1.count, d1.name.as_str()), (1, "web.1"));
        let d2 = c.correlate(
            "k".into(),
            "a".into(),
            "s".into(),
            "m",
            "web.2".into(),
            t0(),
        );
        assert!(d2.patch);
        assert_eq!((d2.count, d2.name.as_str()), (2, "web.1"));
        assert_eq!(d2.first_timestamp, "2025-01-01T00:00:00Z");
    }

    #[test]
    fn ten_similar_messages_are_combined() {
        let (mut c, _tx) = corr();
        let mut msgs = Vec::new();
        for i in 0..12 {
            let m = format!("create Pod web-{i} in StatefulSet web successful");
            let d = c.correlate(
                format!("k{i}"),
                "agg".into(),
                "s".into(),
                &m,
                format!("web.{i}"),
                t0(),
            );
            msgs.push((d.message, d.name, d.count));
        }
        assert_eq!(msgs[8].0, "create Pod web-8 in StatefulSet web successful");
        assert_eq!(
            msgs[9].0,
            "(combined from similar events): create Pod web-9 in StatefulSet web successful"
        );
        assert_eq!(msgs[9].2, 1);
        // Later ones update the combined event.
        assert_eq!(msgs[11].1, msgs[9].1);
        assert_eq!(msgs[11].2, 3);
        // After 10 quiet minutes the aggregation starts over.
        let d = c.correlate(
            "k99".into(),
            "agg".into(),
            "s".into(),
            "fresh",
            "web.99".into(),
            t0() + Duration::seconds(601),
        );
        assert_eq!(d.message, "fresh");
    }

    #[test]
    fn spam_filter_allows_a_burst_of_25_then_one_per_5_minutes() {
        let (mut c, _tx) = corr();
        let skipped: Vec<bool> = (0..30)
            .map(|i| {
                c.correlate(
                    format!("k{i}"),
                    format!("a{i}"),
                    "s".into(),
                    "m",
                    "n".into(),
                    t0(),
                )
                .skip
            })
            .collect();
        assert!(skipped[..25].iter().all(|s| !s));
        assert!(skipped[25..].iter().all(|s| *s));
        let later = t0() + Duration::seconds(301);
        assert!(
            !c.correlate("x".into(), "y".into(), "s".into(), "m", "n".into(), later)
                .skip
        );
        assert!(
            c.correlate("x2".into(), "y2".into(), "s".into(), "m", "n".into(), later)
                .skip
        );
        // Another object has its own bucket.
        assert!(
            !c.correlate(
                "z".into(),
                "z".into(),
                "other".into(),
                "m",
                "n".into(),
                later
            )
            .skip
        );
    }
}
