//! Small pure text helpers that plan-building (`manifest`, `kube`) and output (`render`) both
//! use: kubectl's human durations, pod ordinals, revision hashes, a set's selector as text.
//! They live here, below both, so no lower layer imports `render` or `commands`.

/// The selector of a StatefulSet as kubectl writes a label selector (`app=web,tier in (a,b)`),
/// `<none>` without one.
pub fn selector(s: &k8s_openapi::api::apps::v1::StatefulSet) -> String {
    let Some(sel) = s.spec.as_ref().map(|sp| &sp.selector) else {
        return "<none>".into();
    };
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({values})", e.key),
        });
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

/// The hash part of a revision name `web-7b6c4f8d5d` → `7b6c4f8d5d`.
pub fn revision_hash<'a>(sts_name: &str, revision: &'a str) -> &'a str {
    revision
        .strip_prefix(sts_name)
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(revision)
}

/// The pod's ordinal from its name `<set>-<n>` (upstream regex `(.*)-([0-9]+)$`).
pub fn pod_ordinal(name: &str) -> Option<i64> {
    name.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

/// kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration/duration.go).
pub fn human_duration(d: jiff::SignedDuration) -> String {
    kube_units::duration::human(d.as_secs())
}
