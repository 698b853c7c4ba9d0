//! Pure logic of `logs`, `events` and `top`: argument parsing, pod choice, log line parsing and
//! de-duplication across reconnects, event filtering/sorting/ages, metric quantities and
//! sparklines. No I/O.

use std::collections::HashSet;

use anyhow::{anyhow, bail, Result};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod};

use super::text::pod_ordinal;

/// `--since 5m` → seconds, with kubectl's error text for a bad value.
pub fn since_seconds(value: &str) -> Result<i64> {
    let d = crate::manifest::validate::duration(value).map_err(|_| {
        anyhow!("invalid argument {value:?} for \"--since\" flag: time: invalid duration {value:?}")
    })?;
    // The API takes whole seconds and at least 1 (kubectl rounds up the same way).
    Ok((d.as_secs_f64().ceil() as i64).max(1))
}

/// `--since-time 2024-01-01T00:00:00Z` (RFC 3339).
pub fn since_time(value: &str) -> Result<Timestamp> {
    value
        .parse::<Timestamp>()
        .map_err(|_| anyhow!("--since-time must be a timestamp in RFC3339 format, got {value:?}"))
}

/// `--pod ORDINAL|NAME`: the pods of the StatefulSet `sts` to read.
pub fn choose_pods<'a>(sts: &str, pods: &'a [Pod], wanted: Option<&str>) -> Result<Vec<&'a Pod>> {
    let mut all: Vec<&Pod> = pods.iter().collect();
    all.sort_by_key(|p| {
        pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(i64::MAX)
    });
    let Some(w) = wanted else {
        return Ok(all);
    };
    let name = if w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty() {
        format!("{sts}-{w}")
    } else {
        w.to_string()
    };
    match all
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(name.as_str()))
    {
        Some(p) => Ok(vec![*p]),
        None => {
            let names: Vec<&str> = all
                .iter()
                .filter_map(|p| p.metadata.name.as_deref())
                .collect();
            bail!(
                "statefulset {sts} has no pod {name:?} (pods: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        }
    }
}

/// A line of `?timestamps=true` output split into its RFC 3339 stamp and its text.
pub fn split_timestamp(line: &str) -> Option<(Timestamp, &str)> {
    let (stamp, rest) = line.split_once(' ').unwrap_or((line, ""));
    let t = stamp.parse::<Timestamp>().ok()?;
    Some((t, rest))
}

/// Remembers what one (pod, container) stream printed so that a reconnect with `sinceTime`
/// (whole seconds, so it repeats lines) neither duplicates nor loses lines.
#[derive(Debug, Default, Clone)]
pub struct Dedupe {
    last: Option<Timestamp>,
    /// Lines (stamp + text) seen in the second of `last` and after the resume point.
    seen: HashSet<(Timestamp, String)>,
}

impl Dedupe {
    /// Whether to print this line; records it.
    pub fn admit(&mut self, t: Timestamp, text: &str) -> bool {
        if let Some(last) = self.last {
            if t < last - jiff::SignedDuration::from_secs(1) {
                return false;
            }
        }
        if !self.seen.insert((t, text.to_string())) {
            return false;
        }
        if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
            // Forget lines older than what a resume can repeat.
            let floor = t - jiff::SignedDuration::from_secs(2);
            self.seen.retain(|(s, _)| *s >= floor);
        }
        true
    }

    /// The `sinceTime` to resume from (the API truncates to seconds, so earlier lines repeat
    /// and are dropped by [`Dedupe::admit`]).
    pub fn resume_from(&self) -> Option<Timestamp> {
        self.last
    }
}

/// The colour index of a pod's prefix: stable per ordinal.
pub fn color_index(pod: &str) -> usize {
    pod_ordinal(pod)
        .map(|o| o.rem_euclid(6) as usize)
        .unwrap_or(0)
}

/// `--max-log-requests`: kubectl's check for followed streams.
pub fn check_max_log_requests(streams: usize, max: usize) -> Result<()> {
    if streams > max {
        bail!(
            "you are attempting to follow {streams} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit"
        );
    }
    Ok(())
}

/// Whether an event in the namespace concerns the StatefulSet's pods or claims. Pods are
/// `<sts>-N`. A claim is the set's when its name is `<template>-<sts>-N` for one of THIS set's
/// claim templates (stateful_set_utils.go getPersistentVolumeClaimName) and, when the claim is
/// in `pvcs`, what really ties it says so: an ownerReference to a StatefulSet (its uid) or to a
/// pod (`<sts>-N`, the retention policy's, stateful_set_utils.go updateClaimOwnerRefForSetAndPod),
/// else its labels (the controller copies the selector's matchLabels onto the claims it makes).
/// Names alone are ambiguous: `data-a-b-0` is set `a-b`'s claim `data` and set `b`'s `data-a`.
/// Without the set (`None`) no claim is attributed.
pub fn event_is_for_pods(
    ev: &Event,
    sts: &str,
    set: Option<&StatefulSet>,
    pvcs: &[PersistentVolumeClaim],
) -> bool {
    let kind = ev.involved_object.kind.as_deref().unwrap_or_default();
    let name = ev.involved_object.name.as_deref().unwrap_or_default();
    match kind {
        "Pod" => ordinal_after(name, &format!("{sts}-")).is_some(),
        "PersistentVolumeClaim" => set.is_some_and(|s| claim_of_set(name, s, pvcs)),
        _ => false,
    }
}

/// The ordinal N of `name` = `prefix` + N (`web-2` after `web-`; `web-x`, `web-` are none).
pub fn ordinal_after(name: &str, prefix: &str) -> Option<u64> {
    name.strip_prefix(prefix)
        .filter(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

/// Whether the claim `claim` is `set`'s (see [`event_is_for_pods`]).
pub fn claim_of_set(claim: &str, set: &StatefulSet, pvcs: &[PersistentVolumeClaim]) -> bool {
    let sts = set.metadata.name.as_deref().unwrap_or_default();
    let spec = set.spec.as_ref();
    let ordinal = spec
        .and_then(|s| s.volume_claim_templates.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|t| t.metadata.name.as_deref())
        .find_map(|t| ordinal_after(claim, &format!("{t}-{sts}-")));
    let Some(ordinal) = ordinal else {
        return false;
    };
    let Some(pvc) = pvcs
        .iter()
        .find(|c| c.metadata.name.as_deref() == Some(claim))
    else {
        // Not listed (made or deleted since, or the list was not allowed): the name it is.
        return true;
    };
    let refs = pvc.metadata.owner_references.as_deref().unwrap_or_default();
    let uid = set.metadata.uid.as_deref().unwrap_or_default();
    let set_refs: Vec<_> = refs.iter().filter(|o| o.kind == "StatefulSet").collect();
    if !set_refs.is_empty() {
        return set_refs.iter().any(|o| o.uid == uid);
    }
    if let Some(pod) = refs.iter().find(|o| o.kind == "Pod") {
        return pod.name == format!("{sts}-{ordinal}");
    }
    let selector = spec
        .and_then(|s| s.selector.match_labels.as_ref())
        .filter(|m| !m.is_empty());
    match (
        selector,
        pvc.metadata.labels.as_ref().filter(|l| !l.is_empty()),
    ) {
        (Some(sel), Some(labels)) => sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
        _ => true,
    }
}

/// When an event was last seen: lastTimestamp, series.lastObservedTime, eventTime,
/// firstTimestamp, creationTimestamp.
pub fn event_last_time(ev: &Event) -> Option<Timestamp> {
    ev.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| {
            ev.series
                .as_ref()
                .and_then(|s| s.last_observed_time.as_ref())
                .map(|t| t.0)
        })
        .or_else(|| ev.event_time.as_ref().map(|t| t.0))
        .or_else(|| ev.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| ev.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

pub fn event_first_time(ev: &Event) -> Option<Timestamp> {
    ev.first_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| ev.event_time.as_ref().map(|t| t.0))
        .or_else(|| event_last_time(ev))
}

/// The count of an event (count, else series.count, else 1).
pub fn event_count(ev: &Event) -> i32 {
    ev.count
        .filter(|c| *c > 0)
        .or_else(|| ev.series.as_ref().and_then(|s| s.count))
        .unwrap_or(1)
}

/// Sorted oldest first by last time (then name, for a stable order).
pub fn sort_events(events: &mut [Event]) {
    events.sort_by(|a, b| {
        event_last_time(a)
            .cmp(&event_last_time(b))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// The AGE column: `10s`, or `10s (x3 over 5m)` like `kubectl describe`.
pub fn event_age(ev: &Event, now: Timestamp) -> String {
    let age = |t: Option<Timestamp>| match t {
        Some(t) => super::text::human_duration(now.duration_since(t)),
        None => "<unknown>".to_string(),
    };
    let last = age(event_last_time(ev));
    let count = event_count(ev);
    if count > 1 {
        format!("{last} (x{count} over {})", age(event_first_time(ev)))
    } else {
        last
    }
}

/// `pod/web-0`, `statefulset/web`.
pub fn event_object(ev: &Event) -> String {
    format!(
        "{}/{}",
        ev.involved_object
            .kind
            .as_deref()
            .unwrap_or_default()
            .to_lowercase(),
        ev.involved_object.name.as_deref().unwrap_or_default()
    )
}

/// A CPU quantity (`123456n`, `250m`, `1`, `500u`) in millicores.
pub fn cpu_millicores(q: &str) -> Option<f64> {
    kube_units::Quantity::parse(q.trim())
        .ok()
        .map(|q| q.value() * 1000.0)
}

/// A memory quantity (`1234Ki`, `12Mi`, `1G`, `5000`) in bytes.
pub fn memory_bytes(q: &str) -> Option<f64> {
    kube_units::Quantity::parse(q.trim())
        .ok()
        .map(|q| q.value())
}

/// A PodMetrics object's totals: (millicores, bytes) summed over its containers.
pub fn pod_usage(metrics: &serde_json::Value) -> (f64, f64) {
    let mut cpu = 0.0;
    let mut mem = 0.0;
    for c in metrics["containers"].as_array().into_iter().flatten() {
        cpu += c["usage"]["cpu"]
            .as_str()
            .and_then(cpu_millicores)
            .unwrap_or(0.0);
        mem += c["usage"]["memory"]
            .as_str()
            .and_then(memory_bytes)
            .unwrap_or(0.0);
    }
    (cpu, mem)
}

/// `▁▂▃▅█` for the values, scaled between their minimum and maximum.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().cloned().fold(f64::MIN, f64::max);
    let min = values.iter().cloned().fold(f64::MAX, f64::min);
    values
        .iter()
        .map(|v| {
            if max <= min {
                BARS[0]
            } else {
                BARS[(((v - min) / (max - min)) * 7.0).round() as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ObjectReference;

    fn pod(name: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = Some(name.into());
        p
    }

    #[test]
    fn since_parses_and_rejects_like_kubectl() {
        assert_eq!(since_seconds("5m").unwrap(), 300);
        assert_eq!(since_seconds("1h30m").unwrap(), 5400);
        assert_eq!(since_seconds("500ms").unwrap(), 1);
        let e = since_seconds("abc").unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid argument \"abc\" for \"--since\" flag: time: invalid duration \"abc\""
        );
        assert!(since_time("2024-01-01T00:00:00Z").is_ok());
        assert!(since_time("yesterday").is_err());
    }

    #[test]
    fn pods_by_ordinal_or_name_sorted() {
        let pods = vec![pod("web-10"), pod("web-2"), pod("web-0")];
        let all = choose_pods("web", &pods, None).unwrap();
        let names: Vec<_> = all
            .iter()
            .map(|p| p.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["web-0", "web-2", "web-10"]);
        assert_eq!(choose_pods("web", &pods, Some("2")).unwrap().len(), 1);
        assert_eq!(
            choose_pods("web", &pods, Some("web-10")).unwrap()[0]
                .metadata
                .name
                .as_deref(),
            Some("web-10")
        );
        let e = choose_pods("web", &pods, Some("7"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"web-7\""), "{e}");
    }

    #[test]
    fn dedupe_drops_repeats_after_a_resume() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let mut d = Dedupe::default();
        assert!(d.admit(t("2024-01-01T00:00:01.100Z"), "a"));
        assert!(d.admit(t("2024-01-01T00:00:02.500Z"), "b"));
        assert_eq!(d.resume_from(), Some(t("2024-01-01T00:00:02.500Z")));
        // The resume (sinceTime truncated to 00:00:02) repeats b.
        assert!(!d.admit(t("2024-01-01T00:00:02.500Z"), "b"));
        assert!(!d.admit(t("2024-01-01T00:00:01.100Z"), "a"));
        assert!(d.admit(t("2024-01-01T00:00:03.000Z"), "c"));
        // Same stamp, other text: a different line.
        assert!(d.admit(t("2024-01-01T00:00:03.000Z"), "d"));
    }

    #[test]
    fn timestamps_split() {
        let (t, rest) = split_timestamp("2024-01-01T00:00:01.123456789Z hello world").unwrap();
        assert_eq!(rest, "hello world");
        assert_eq!(t.as_second(), 1704067201);
        assert!(split_timestamp("no stamp").is_none());
    }

    #[test]
    fn max_log_requests_message() {
        assert!(check_max_log_requests(5, 5).is_ok());
        assert_eq!(
            check_max_log_requests(6, 5).unwrap_err().to_string(),
            "you are attempting to follow 6 log streams, but maximum allowed concurrency is 5, use --max-log-requests to increase the limit"
        );
    }

    fn ev(kind: &str, name: &str) -> Event {
        Event {
            involved_object: ObjectReference {
                kind: Some(kind.into()),
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn set(name: &str, uid: &str, templates: &[&str]) -> StatefulSet {
        let t: Vec<_> = templates
            .iter()
            .map(|t| serde_json::json!({"metadata": {"name": t}}))
            .collect();
        serde_json::from_value(serde_json::json!({"metadata": {"name": name, "uid": uid},
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": {},
                "volumeClaimTemplates": t}}))
        .unwrap()
    }

    fn claim(name: &str, app: &str, owner: Option<(&str, &str, &str)>) -> PersistentVolumeClaim {
        let refs: Vec<_> = owner
            .into_iter()
            .map(|(kind, n, uid)| serde_json::json!({"apiVersion": "v1", "kind": kind, "name": n, "uid": uid}))
            .collect();
        serde_json::from_value(serde_json::json!({"metadata": {"name": name,
            "labels": {"app": app}, "ownerReferences": refs}}))
        .unwrap()
    }

    #[test]
    fn pod_and_claim_events_match_by_name() {
        let web = set("web", "u1", &["data", "my-data"]);
        let w = Some(&web);
        assert!(event_is_for_pods(&ev("Pod", "web-0"), "web", w, &[]));
        assert!(event_is_for_pods(&ev("Pod", "web-12"), "web", None, &[]));
        assert!(!event_is_for_pods(&ev("Pod", "web-x"), "web", w, &[]));
        assert!(!event_is_for_pods(&ev("Pod", "webapp-0"), "web", w, &[]));
        assert!(!event_is_for_pods(&ev("Pod", "other-web-0"), "web", w, &[]));
        let pvc = |n: &str| ev("PersistentVolumeClaim", n);
        assert!(event_is_for_pods(&pvc("data-web-0"), "web", w, &[]));
        assert!(event_is_for_pods(&pvc("my-data-web-3"), "web", w, &[]));
        assert!(!event_is_for_pods(&pvc("data-web-0"), "web", None, &[]));
        assert!(!event_is_for_pods(&pvc("other-web-3"), "web", w, &[]));
        assert!(!event_is_for_pods(&pvc("web-0"), "web", w, &[]));
        assert!(!event_is_for_pods(&pvc("data-web-x"), "web", w, &[]));
        assert!(!event_is_for_pods(&pvc("data-web-+1"), "web", w, &[]));
        assert!(!event_is_for_pods(&ev("StatefulSet", "web"), "web", w, &[]));
    }

    /// `data-a-b-0`: set `a-b`'s claim `data` and, by name, set `b`'s claim `data-a`.
    #[test]
    fn ambiguous_claim_names_are_settled_by_owners_then_labels() {
        let ab = set("a-b", "u-ab", &["data"]);
        let b = set("b", "u-b", &["data-a"]);
        let b_data = set("b", "u-b", &["data"]);
        let c = "data-a-b-0";
        // The prefix guess is gone: `b` with template `data` has no claim `data-a-b-0`.
        assert!(!claim_of_set(c, &b_data, &[]));
        // Labels: made by a-b's controller.
        let labelled = [claim(c, "a-b", None)];
        assert!(claim_of_set(c, &ab, &labelled));
        assert!(!claim_of_set(c, &b, &labelled));
        // Owner references win over labels.
        let by_set = [claim(c, "b", Some(("StatefulSet", "a-b", "u-ab")))];
        assert!(claim_of_set(c, &ab, &by_set));
        assert!(!claim_of_set(c, &b, &by_set));
        let by_pod = [claim(c, "b", Some(("Pod", "a-b-0", "p1")))];
        assert!(claim_of_set(c, &ab, &by_pod));
        assert!(!claim_of_set(c, &b, &by_pod));
        // Not listed: the name decides, for both.
        assert!(claim_of_set(c, &ab, &[]) && claim_of_set(c, &b, &[]));
    }

    #[test]
    fn event_age_with_count() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
        let now = Timestamp::now();
        let mut e = ev("Pod", "web-0");
        e.first_timestamp = Some(Time(now - jiff::SignedDuration::from_secs(300)));
        e.last_timestamp = Some(Time(now - jiff::SignedDuration::from_secs(10)));
        e.count = Some(3);
        assert_eq!(event_age(&e, now), "10s (x3 over 5m)");
        e.count = Some(1);
        assert_eq!(event_age(&e, now), "10s");
        assert_eq!(event_object(&e), "pod/web-0");
    }

    #[test]
    fn quantities() {
        assert_eq!(cpu_millicores("250m"), Some(250.0));
        assert_eq!(cpu_millicores("1500000n"), Some(1.5));
        assert_eq!(cpu_millicores("2"), Some(2000.0));
        assert_eq!(memory_bytes("1024Ki"), Some(1048576.0));
        assert_eq!(memory_bytes("3Mi"), Some(3.0 * 1048576.0));
        assert_eq!(memory_bytes("12x"), None);
        let m = serde_json::json!({"containers": [
            {"usage": {"cpu": "5m", "memory": "1024Ki"}},
            {"usage": {"cpu": "1000000n", "memory": "1Mi"}}]});
        assert_eq!(pod_usage(&m), (6.0, 2.0 * 1048576.0));
    }

    #[test]
    fn sparklines_scale() {
        assert_eq!(sparkline(&[1.0, 2.0, 3.0]), "▁▅█");
        assert_eq!(sparkline(&[4.0, 4.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }
}
