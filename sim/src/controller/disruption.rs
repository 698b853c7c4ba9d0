//! The disruption controller and the eviction subresource's budget check.
//!
//! Upstream: pkg/controller/disruption/disruption.go (trySync, getPodsForPdb,
//! getExpectedPodCount, getExpectedScale with the StatefulSet finder, buildDisruptedPodMap,
//! countHealthyPods, updatePdbStatus, failSafe),
//! staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go
//! (UpdateDisruptionAllowedCondition, ConditionsAreUpToDate) and
//! pkg/registry/core/pod/storage/eviction.go (EvictionREST.Create, canIgnorePDB,
//! checkAndDecrement, getPodDisruptionBudgets, addConditionAndDeletePod).
//!
//! Instead of informers and a work queue, every pass (after any write to the cluster, and when
//! a DisruptedPods entry expires) recomputes the status of every PDB from a list of its
//! namespace's pods, writing /status only when something changed, as updatePdbStatus does.
//! Not modelled: the events (NoPods, UnmanagedPods, CalculateExpectedPodCountFailed), the
//! stale DisruptionTarget condition clean-up, controllers other than StatefulSets (a percentage
//! or maxUnavailable over pods owned by anything else fails as upstream fails for a controller
//! it cannot find).

use crate::api::{Cluster, DeleteOptions, WriteOptions};
use crate::clock::{format_time, parse_time};
use crate::errors::ApiError;
use crate::resources::{PDBS, PODS, STATEFULSETS};
use crate::selectors::LabelSelector;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// DeletionTimeout: how long an eviction's DisruptedPods entry keeps the pod out of
/// currentHealthy while its deletion is pending.
pub const DELETION_TIMEOUT_SECS: i64 = 2 * 60;
const MANAGER: &str = "kube-controller-manager";
pub const CONDITION: &str = "DisruptionAllowed";

fn wopts() -> WriteOptions {
    WriteOptions {
        field_manager: Some(MANAGER.into()),
        ..Default::default()
    }
}

fn name_of(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or_default()
}

/// podutil.IsPodReady: the Ready condition is True.
pub fn is_pod_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn labels_of(v: &Value) -> Option<&Map<String, Value>> {
    v["metadata"]["labels"].as_object()
}

/// intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true).
fn scaled(v: &Value, total: i64) -> Result<i64, String> {
    match v {
        Value::String(s) => {
            let n: i64 = s
                .strip_suffix('%')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            Ok((n * total + 99) / 100)
        }
        v => Ok(v.as_i64().unwrap_or(0)),
    }
}

/// getExpectedScale: the sum of the scales of the pods' controllers (each counted once).
fn expected_scale(cluster: &Cluster, ns: &str, pods: &[&Value]) -> Result<i64, String> {
    let mut seen: Vec<String> = Vec::new();
    let mut total = 0;
    for pod in pods {
        let Some(cref) = pod["metadata"]["ownerReferences"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["controller"] == true))
        else {
            // Unmanaged pods are logged (and an event recorded) and left out.
            continue;
        };
        let uid = cref["uid"].as_str().unwrap_or_default().to_string();
        if seen.contains(&uid) {
            continue;
        }
        // The StatefulSet finder (getPodStatefulSet): the owner by name, the same uid.
        let sts = (cref["apiVersion"] == "apps/v1" && cref["kind"] == "StatefulSet")
            .then(|| {
                cluster
                    .get(&STATEFULSETS, Some(ns), cref["name"].as_str().unwrap_or(""))
                    .ok()
            })
            .flatten()
            .filter(|s| s["metadata"]["uid"] == uid.as_str());
        let Some(sts) = sts else {
            return Err(format!("found no controllers for pod {:?}", name_of(pod)));
        };
        total += sts["spec"]["replicas"].as_i64().unwrap_or(1);
        seen.push(uid);
    }
    Ok(total)
}

/// apimeta.SetStatusCondition for the DisruptionAllowed condition.
fn set_condition(
    status: &mut Value,
    cond_status: &str,
    reason: &str,
    message: &str,
    observed: i64,
    now: &str,
) {
    let mut conds = status["conditions"].as_array().cloned().unwrap_or_default();
    let mut new = json!({"type": CONDITION, "status": cond_status});
    if observed != 0 {
        new["observedGeneration"] = json!(observed);
    }
    match conds.iter_mut().find(|c| c["type"] == CONDITION) {
        Some(c) => {
            new["lastTransitionTime"] = if c["status"] == cond_status {
                c["lastTransitionTime"].clone()
            } else {
                json!(now)
            };
            new["reason"] = json!(reason);
            new["message"] = json!(message);
            *c = new;
        }
        None => {
            new["lastTransitionTime"] = json!(now);
            new["reason"] = json!(reason);
            new["message"] = json!(message);
            conds.push(new);
        }
    }
    status["conditions"] = Value::Array(conds);
}

/// UpdateDisruptionAllowedCondition.
pub fn update_disruption_allowed_condition(status: &mut Value, now: &str) {
    let observed = status["observedGeneration"].as_i64().unwrap_or(0);
    if status["disruptionsAllowed"].as_i64().unwrap_or(0) > 0 {
        set_condition(status, "True", "SufficientPods", "", observed, now);
    } else {
        set_condition(status, "False", "InsufficientPods", "", observed, now);
    }
}

/// ConditionsAreUpToDate.
fn conditions_up_to_date(pdb: &Value) -> bool {
    let st = &pdb["status"];
    let Some(c) = st["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == CONDITION))
    else {
        return false;
    };
    if st["observedGeneration"].as_i64().unwrap_or(0)
        != pdb["metadata"]["generation"].as_i64().unwrap_or(0)
    {
        return false;
    }
    if st["disruptionsAllowed"].as_i64().unwrap_or(0) > 0 {
        c["status"] == "True" && c["reason"] == "SufficientPods"
    } else {
        c["status"] == "False" && c["reason"] == "InsufficientPods"
    }
}

/// The PDB's selector as the controller reads it (a null selector matches nothing).
fn selector_of(pdb: &Value) -> Result<LabelSelector, String> {
    LabelSelector::from_object(&pdb["spec"]["selector"])
}

/// The new status of one PDB (None: nothing to write) and when to look again.
fn sync_one(
    cluster: &Cluster,
    pdb: &Value,
    pods: &[Value],
    now: DateTime<Utc>,
) -> (Option<Value>, Option<DateTime<Utc>>) {
    let ns = pdb["metadata"]["namespace"].as_str().unwrap_or("default");
    let now_s = format_time(now);
    let computed = selector_of(pdb).and_then(|sel| {
        let matched: Vec<&Value> = pods.iter().filter(|p| sel.matches(labels_of(p))).collect();
        let spec = &pdb["spec"];
        let (expected, desired) =
            if let Some(max) = spec.get("maxUnavailable").filter(|v| !v.is_null()) {
                let expected = expected_scale(cluster, ns, &matched)?;
                let max = scaled(max, expected)?;
                (expected, (expected - max).max(0))
            } else if let Some(min) = spec.get("minAvailable").filter(|v| !v.is_null()) {
                if min.is_string() {
                    let expected = expected_scale(cluster, ns, &matched)?;
                    (expected, scaled(min, expected)?)
                } else {
                    (matched.len() as i64, min.as_i64().unwrap_or(0))
                }
            } else {
                (0, 0)
            };
        Ok((matched, expected, desired))
    });
    let (matched, expected, desired) = match computed {
        Ok(c) => c,
        Err(e) => {
            // failSafe: no disruptions allowed, the condition says why.
            let mut st = pdb["status"].clone();
            if !st.is_object() {
                st = json!({});
            }
            st["disruptionsAllowed"] = json!(0);
            let observed = st["observedGeneration"].as_i64().unwrap_or(0);
            set_condition(&mut st, "False", "SyncFailed", &e, observed, &now_s);
            return ((st != pdb["status"]).then_some(st), None);
        }
    };
    // buildDisruptedPodMap
    let old_disrupted = pdb["status"]["disruptedPods"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut disrupted = Map::new();
    let mut recheck: Option<DateTime<Utc>> = None;
    for pod in &matched {
        if !pod["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let Some(t) = old_disrupted
            .get(name_of(pod))
            .and_then(Value::as_str)
            .and_then(parse_time)
        else {
            continue;
        };
        let expected_deletion = t + ChronoDuration::seconds(DELETION_TIMEOUT_SECS);
        if expected_deletion < now {
            continue;
        }
        recheck = Some(recheck.map_or(expected_deletion, |r| r.min(expected_deletion)));
        disrupted.insert(
            name_of(pod).to_string(),
            old_disrupted[name_of(pod)].clone(),
        );
    }
    // countHealthyPods
    let healthy = matched
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| !disrupted.contains_key(name_of(p)))
        .filter(|p| is_pod_ready(p))
        .count() as i64;
    // updatePdbStatus
    let mut allowed = healthy - desired;
    if expected <= 0 || allowed <= 0 {
        allowed = 0;
    }
    let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(0);
    let st = &pdb["status"];
    let same = st["currentHealthy"].as_i64() == Some(healthy)
        && st["desiredHealthy"].as_i64() == Some(desired)
        && st["expectedPods"].as_i64() == Some(expected)
        && st["disruptionsAllowed"].as_i64() == Some(allowed)
        && st["disruptedPods"].as_object().cloned().unwrap_or_default() == disrupted
        && st["observedGeneration"].as_i64().unwrap_or(0) == generation
        && conditions_up_to_date(pdb);
    if same {
        return (None, recheck);
    }
    let mut new = json!({});
    if generation != 0 {
        new["observedGeneration"] = json!(generation);
    }
    if !disrupted.is_empty() {
        new["disruptedPods"] = Value::Object(disrupted);
    }
    new["disruptionsAllowed"] = json!(allowed);
    new["currentHealthy"] = json!(healthy);
    new["desiredHealthy"] = json!(desired);
    new["expectedPods"] = json!(expected);
    if let Some(c) = st.get("conditions") {
        new["conditions"] = c.clone();
    }
    update_disruption_allowed_condition(&mut new, &now_s);
    (Some(new), recheck)
}

/// One pass over every PDB; returns whether it wrote and when a DisruptedPods entry expires.
pub fn pass(cluster: &Cluster) -> (bool, Option<DateTime<Utc>>) {
    let pdbs = cluster.list_items(&PDBS, None, None);
    let mut wrote = false;
    let mut next: Option<DateTime<Utc>> = None;
    let mut ns_pods: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for pdb in pdbs {
        if !pdb["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let ns = pdb["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        let pods = ns_pods
            .entry(ns.clone())
            .or_insert_with(|| cluster.list_items(&PODS, Some(&ns), None));
        let (status, recheck) = sync_one(cluster, &pdb, pods, cluster.clock().now());
        if let Some(r) = recheck {
            next = Some(next.map_or(r, |n| n.min(r)));
        }
        if let Some(status) = status {
            let mut obj = pdb.clone();
            obj["status"] = status;
            // A conflict (an eviction decremented meanwhile) is retried on the next pass.
            if cluster
                .update(
                    &PDBS,
                    Some(&ns),
                    name_of(&pdb),
                    Some("status"),
                    obj,
                    &wopts(),
                )
                .is_ok()
            {
                wrote = true;
            }
        }
    }
    (wrote, next)
}

pub async fn run(cluster: Arc<Cluster>) {
    let mut rx = cluster.subscribe();
    loop {
        let (wrote, recheck) = pass(&cluster);
        rx.borrow_and_update();
        let mut wait = if wrote {
            Duration::from_millis(50)
        } else {
            Duration::from_secs(5)
        };
        if let Some(at) = recheck {
            wait = wait.min(cluster.clock().real_until(at) + Duration::from_millis(5));
        }
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The eviction subresource

/// createTooManyRequestsError / checkAndDecrement's 429.
fn too_many_requests(retry_after: i64, cause: String) -> ApiError {
    let mut details = json!({"causes": [{"reason": "DisruptionBudget", "message": cause}]});
    if retry_after > 0 {
        details["retryAfterSeconds"] = json!(retry_after);
    }
    ApiError::new(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
    )
    .with_details_pub(details)
}

/// canIgnorePDB: terminal, pending or already terminating pods are evicted without a budget.
fn can_ignore_pdb(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed" | "Pending")
    ) || !pod["metadata"]["deletionTimestamp"].is_null()
}

/// addConditionAndDeletePod: the DisruptionTarget condition (PodDisruptionConditions, GA in
/// 1.31) is written through the pod's status storage on the latest pod (its preconditions
/// checked), then the pod is deleted (a resourceVersion precondition moved to the pod as
/// updated); a dry run only deletes.
fn add_condition_and_delete(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    mut opts: DeleteOptions,
) -> Result<(), ApiError> {
    if !opts.dry_run {
        let mut p = cluster.get(&PODS, Some(ns), name)?;
        let conflict = |why: String| {
            ApiError::new(
                409,
                "Conflict",
                format!("Operation cannot be fulfilled on Pod {name:?}: {why}"),
            )
            .with_details_pub(json!({"name": name, "kind": "Pod"}))
        };
        let uid = p["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let rv = p["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(u) = opts.precondition_uid.as_deref().filter(|u| !u.is_empty()) {
            if u != uid {
                return Err(conflict(format!("the UID in the precondition ({u}) does not match the UID in record ({uid}). The object might have been deleted and then recreated")));
            }
        }
        if let Some(r) = opts
            .precondition_resource_version
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            if r != rv {
                return Err(conflict(format!("the ResourceVersion in the precondition ({r}) does not match the ResourceVersion in record ({rv}). The object might have been modified")));
            }
        }
        let mut conds = p["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let now = cluster.clock().timestamp();
        // podutil.UpdatePodCondition: the transition time moves only with the status.
        match conds.iter_mut().find(|c| c["type"] == "DisruptionTarget") {
            Some(c) => {
                if c["status"] != "True" {
                    c["lastTransitionTime"] = json!(now);
                }
                c["status"] = json!("True");
                c["reason"] = json!("EvictionByEvictionAPI");
                c["message"] = json!("Eviction API: evicting");
            }
            None => conds.push(json!({
                "type": "DisruptionTarget",
                "status": "True",
                "lastProbeTime": null,
                "lastTransitionTime": now,
                "reason": "EvictionByEvictionAPI",
                "message": "Eviction API: evicting",
            })),
        }
        p["status"]["conditions"] = Value::Array(conds);
        let w = WriteOptions {
            field_manager: Some("kube-apiserver".into()),
            ..Default::default()
        };
        let updated = cluster.update(&PODS, Some(ns), name, Some("status"), p, &w)?;
        if opts.precondition_resource_version.is_some() {
            opts.precondition_resource_version = updated.object["metadata"]["resourceVersion"]
                .as_str()
                .map(str::to_string);
        }
    }
    cluster.delete(&PODS, Some(ns), name, &opts)?;
    Ok(())
}

/// What the eviction subresource does with `POST pods/NAME/eviction`: Ok(None) when the pod
/// was evicted (201 Success), Ok(Some(status)) for a failure Status the handler returns as
/// is (more than one budget), Err for the API errors (429 when the budget forbids it).
pub fn evict(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    eviction: &Value,
    mut opts: DeleteOptions,
) -> Result<Option<Value>, ApiError> {
    if eviction["metadata"]["name"].as_str() != Some(name) {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Eviction object",
        ));
    }
    let pod = cluster.get(&PODS, Some(ns), name)?;
    let precondition_given = opts.precondition_resource_version.is_some();
    let pod_rv = pod["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    if can_ignore_pdb(&pod) {
        // shouldEnforceResourceVersion: a pending pod is deleted only as it was read.
        if pod["status"]["phase"] == "Pending"
            && pod["metadata"]["deletionTimestamp"].is_null()
            && !precondition_given
        {
            opts.precondition_resource_version = pod_rv;
        }
        add_condition_and_delete(cluster, ns, name, opts)?;
        return Ok(None);
    }
    let pdbs: Vec<Value> = cluster
        .list_items(&PDBS, Some(ns), None)
        .into_iter()
        .filter(|pdb| {
            // getPodDisruptionBudgets: a null selector matches nothing, an empty one every pod.
            selector_of(pdb).is_ok_and(|s| s.matches(labels_of(&pod)))
        })
        .collect();
    if pdbs.len() > 1 {
        return Ok(Some(json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            "code": 500,
        })));
    }
    let mut update_deletion_options = false;
    if let Some(pdb) = pdbs.first() {
        let pdb_name = name_of(pdb).to_string();
        let st = &pdb["status"];
        let current = st["currentHealthy"].as_i64().unwrap_or(0);
        let desired = st["desiredHealthy"].as_i64().unwrap_or(0);
        let always_allow = pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
        if !is_pod_ready(&pod) && (always_allow || (current >= desired && desired > 0)) {
            update_deletion_options = true;
        } else {
            // checkAndDecrement, retried on conflicts with a fresh read.
            let mut pdb = pdb.clone();
            let mut attempt = 0;
            loop {
                match check_and_decrement(cluster, ns, name, &pdb, opts.dry_run) {
                    Err(e) if e.code == 409 && attempt < 20 => {
                        attempt += 1;
                        pdb = cluster.get(&PDBS, Some(ns), &pdb_name)?;
                    }
                    r => break r?,
                }
            }
        }
    }
    if update_deletion_options && !precondition_given {
        opts.precondition_resource_version = pod_rv;
    }
    match add_condition_and_delete(cluster, ns, name, opts) {
        Err(e) if e.code == 409 && update_deletion_options && !precondition_given => {
            Err(too_many_requests(
                10,
                format!(
                    "The disruption budget {} is still being processed by the server.",
                    pdbs.first().map(name_of).unwrap_or_default()
                ),
            ))
        }
        r => r.map(|()| None),
    }
}

/// checkAndDecrement.
fn check_and_decrement(
    cluster: &Cluster,
    ns: &str,
    pod_name: &str,
    pdb: &Value,
    dry_run: bool,
) -> Result<(), ApiError> {
    let name = name_of(pdb);
    let st = &pdb["status"];
    let observed = st["observedGeneration"].as_i64().unwrap_or(0);
    if observed < pdb["metadata"]["generation"].as_i64().unwrap_or(0) {
        return Err(too_many_requests(
            10,
            format!("The disruption budget {name} is still being processed by the server."),
        ));
    }
    let allowed = st["disruptionsAllowed"].as_i64().unwrap_or(0);
    let forbidden = |why: &str| {
        ApiError::new(
            403,
            "Forbidden",
            format!("poddisruptionbudget.policy {name:?} is forbidden: {why}"),
        )
        .with_details_pub(json!({"name": name, "group": "policy", "kind": "poddisruptionbudget"}))
    };
    if allowed < 0 {
        return Err(forbidden("pdb disruptions allowed is negative"));
    }
    if st["disruptedPods"].as_object().map_or(0, Map::len) > 2000 {
        return Err(forbidden(
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        ));
    }
    if allowed == 0 {
        return Err(too_many_requests(
            0,
            format!(
                "The disruption budget {name} needs {} healthy pods and has {} currently",
                st["desiredHealthy"].as_i64().unwrap_or(0),
                st["currentHealthy"].as_i64().unwrap_or(0)
            ),
        ));
    }
    let mut new = pdb.clone();
    new["status"]["disruptionsAllowed"] = json!(allowed - 1);
    let now = cluster.clock().timestamp();
    if allowed - 1 == 0 {
        update_disruption_allowed_condition(&mut new["status"], &now);
    }
    if dry_run {
        return Ok(());
    }
    if !new["status"]["disruptedPods"].is_object() {
        new["status"]["disruptedPods"] = json!({});
    }
    new["status"]["disruptedPods"][pod_name] = json!(now);
    // The apiserver's own loopback client (UpdateStatus), not a user's field manager.
    let w = WriteOptions {
        field_manager: Some("kube-apiserver".into()),
        ..Default::default()
    };
    cluster.update(&PDBS, Some(ns), name, Some("status"), new, &w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&json!("50%"), 3), Ok(2));
        assert_eq!(scaled(&json!("34%"), 3), Ok(2));
        assert_eq!(scaled(&json!("33%"), 3), Ok(1));
        assert_eq!(scaled(&json!(1), 3), Ok(1));
        assert!(scaled(&json!("x"), 3).is_err());
    }

    #[test]
    fn conditions_follow_the_helpers() {
        let mut st = json!({"disruptionsAllowed": 1, "observedGeneration": 2});
        update_disruption_allowed_condition(&mut st, "2026-01-01T00:00:00Z");
        assert_eq!(
            st["conditions"],
            json!([{"type": "DisruptionAllowed", "status": "True", "observedGeneration": 2,
                "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "SufficientPods", "message": ""}])
        );
        // Same status: the transition time stays.
        update_disruption_allowed_condition(&mut st, "2026-01-01T00:01:00Z");
        assert_eq!(
            st["conditions"][0]["lastTransitionTime"],
            "2026-01-01T00:00:00Z"
        );
        st["disruptionsAllowed"] = json!(0);
        update_disruption_allowed_condition(&mut st, "2026-01-01T00:02:00Z");
        assert_eq!(st["conditions"][0]["reason"], "InsufficientPods");
        assert_eq!(st["conditions"][0]["status"], "False");
        assert_eq!(
            st["conditions"][0]["lastTransitionTime"],
            "2026-01-01T00:02:00Z"
        );
        let pdb = json!({"metadata": {"generation": 2}, "status": st});
        assert!(conditions_up_to_date(&pdb));
    }

    #[test]
    fn terminal_pending_and_terminating_pods_skip_the_budget() {
        assert!(can_ignore_pdb(&json!({"status": {"phase": "Pending"}})));
        assert!(can_ignore_pdb(&json!({"status": {"phase": "Failed"}})));
        assert!(can_ignore_pdb(
            &json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}, "status": {"phase": "Running"}})
        ));
        assert!(!can_ignore_pdb(&json!({"status": {"phase": "Running"}})));
    }
}
