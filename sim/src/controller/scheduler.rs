//! The simulated default-scheduler's decisions, as pure functions over Values: feasibility
//! (NodeUnschedulable, NodeAffinity incl. nodeSelector, TaintToleration, NodeResourcesFit with
//! pod count), scoring (NodeResourcesFit LeastAllocated with the scheduler's non-zero request
//! defaults, ties to the node with fewer pods) and upstream's FitError message.
//! Upstream: pkg/scheduler/framework/plugins/{nodeaffinity,nodeunschedulable,tainttoleration,
//! noderesources}/, pkg/scheduler/framework/types.go (FitError.Error),
//! pkg/scheduler/util/pod_resources.go (non-zero defaults),
//! staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go.

use crate::controller::metrics::quantity_of;
use serde_json::Value;
use std::collections::BTreeMap;

/// Requests of a pod: (cpu cores, memory bytes), max(sum of containers, each init container).
pub fn pod_requests(pod: &Value) -> (f64, f64) {
    let sum = |list: &Value| -> (f64, f64) {
        let mut c = 0.0;
        let mut m = 0.0;
        for ctr in list.as_array().into_iter().flatten() {
            c += quantity_of(&ctr["resources"]["requests"]["cpu"]).unwrap_or(0.0);
            m += quantity_of(&ctr["resources"]["requests"]["memory"]).unwrap_or(0.0);
        }
        (c, m)
    };
    let (mut c, mut m) = sum(&pod["spec"]["containers"]);
    for ctr in pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        c = c.max(quantity_of(&ctr["resources"]["requests"]["cpu"]).unwrap_or(0.0));
        m = m.max(quantity_of(&ctr["resources"]["requests"]["memory"]).unwrap_or(0.0));
    }
    (c, m)
}

/// Requests with the scheduler's scoring defaults for containers that request nothing
/// (100m cpu, 200Mi memory per container).
fn nonzero_requests(pod: &Value) -> (f64, f64) {
    let mut c = 0.0;
    let mut m = 0.0;
    for ctr in pod["spec"]["containers"].as_array().into_iter().flatten() {
        c += quantity_of(&ctr["resources"]["requests"]["cpu"]).unwrap_or(0.1);
        m += quantity_of(&ctr["resources"]["requests"]["memory"]).unwrap_or(200.0 * 1048576.0);
    }
    (c, m)
}

fn labels_of(node: &Value) -> BTreeMap<String, String> {
    node["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn requirement_matches(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    match req["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => !value.is_some_and(|v| values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// nodeSelector and required node affinity (terms ORed, expressions within a term ANDed;
/// an empty term matches nothing).
pub fn matches_node_affinity(pod: &Value, node: &Value) -> bool {
    let labels = labels_of(node);
    if let Some(sel) = pod["spec"]["nodeSelector"].as_object() {
        for (k, v) in sel {
            if labels.get(k).map(|s| s.as_str()) != v.as_str() {
                return false;
            }
        }
    }
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    let Some(terms) = terms.as_array() else {
        return true;
    };
    let node_name = node["metadata"]["name"].as_str();
    terms.iter().any(|term| {
        let exprs = term["matchExpressions"].as_array();
        let fields = term["matchFields"].as_array();
        if exprs.is_none_or(|e| e.is_empty()) && fields.is_none_or(|f| f.is_empty()) {
            return false;
        }
        exprs.into_iter().flatten().all(|r| {
            let key = r["key"].as_str().unwrap_or_default();
            requirement_matches(r, labels.get(key).map(|s| s.as_str()))
        }) && fields.into_iter().flatten().all(|r| {
            r["key"].as_str() == Some("metadata.name") && requirement_matches(r, node_name)
        })
    })
}

fn tolerates(pod: &Value, taint: &Value) -> bool {
    pod["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| {
            let effect_ok =
                t["effect"].as_str().unwrap_or("").is_empty() || t["effect"] == taint["effect"];
            let key = t["key"].as_str().unwrap_or("");
            let op = t["operator"].as_str().unwrap_or("Equal");
            let key_ok =
                (key.is_empty() && op == "Exists") || key == taint["key"].as_str().unwrap_or("");
            let value_ok = op == "Exists"
                || t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("");
            effect_ok && key_ok && value_ok
        })
}

/// Why a node does not fit, as the scheduler's plugins word it; `resolvable` is false for
/// UnschedulableAndUnresolvable statuses (preemption cannot help).
#[derive(Debug, Clone, PartialEq)]
pub struct Unfit {
    pub reasons: Vec<String>,
    pub resolvable: bool,
}

/// Filter one node for `pod`; `used` = (cpu, memory, pod count) of pods already on the node.
pub fn filter(pod: &Value, node: &Value, used: (f64, f64, usize)) -> Result<(), Unfit> {
    if node["spec"]["unschedulable"].as_bool() == Some(true) {
        let tolerated = tolerates(
            pod,
            &serde_json::json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}),
        );
        if !tolerated {
            return Err(Unfit {
                reasons: vec!["node(s) were unschedulable".into()],
                resolvable: false,
            });
        }
    }
    if !matches_node_affinity(pod, node) {
        return Err(Unfit {
            reasons: vec!["node(s) didn't match Pod's node affinity/selector".into()],
            resolvable: false,
        });
    }
    for taint in node["spec"]["taints"].as_array().into_iter().flatten() {
        let effect = taint["effect"].as_str().unwrap_or("");
        if (effect == "NoSchedule" || effect == "NoExecute") && !tolerates(pod, taint) {
            return Err(Unfit {
                reasons: vec![format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    taint["key"].as_str().unwrap_or(""),
                    taint["value"].as_str().unwrap_or("")
                )],
                resolvable: false,
            });
        }
    }
    let alloc = &node["status"]["allocatable"];
    let (rc, rm) = pod_requests(pod);
    let mut reasons = Vec::new();
    let max_pods = quantity_of(&alloc["pods"]).unwrap_or(110.0) as usize;
    if used.2 + 1 > max_pods {
        reasons.push("Too many pods".to_string());
    }
    if rc > 0.0 && used.0 + rc > quantity_of(&alloc["cpu"]).unwrap_or(0.0) + 1e-9 {
        reasons.push("Insufficient cpu".to_string());
    }
    if rm > 0.0 && used.1 + rm > quantity_of(&alloc["memory"]).unwrap_or(0.0) {
        reasons.push("Insufficient memory".to_string());
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Unfit {
            reasons,
            resolvable: true,
        })
    }
}

/// LeastAllocated score (0..100) after placing `pod`; `used_nonzero` = (cpu, mem) of the node's
/// pods counted with non-zero defaults.
pub fn score(pod: &Value, node: &Value, used_nonzero: (f64, f64)) -> f64 {
    let alloc = &node["status"]["allocatable"];
    let (pc, pm) = nonzero_requests(pod);
    let ac = quantity_of(&alloc["cpu"]).unwrap_or(1.0).max(1e-9);
    let am = quantity_of(&alloc["memory"]).unwrap_or(1.0).max(1.0);
    let fc = ((ac - used_nonzero.0 - pc) / ac).max(0.0);
    let fm = ((am - used_nonzero.1 - pm) / am).max(0.0);
    (fc + fm) * 50.0
}

/// framework.FitError.Error(): `0/3 nodes are available: 3 node(s) didn't match Pod's node
/// affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for
/// scheduling.` — reasons counted and sorted by text.
pub fn fit_error(total: usize, unfit: &[Unfit]) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pre: BTreeMap<&str, usize> = BTreeMap::new();
    for u in unfit {
        for r in &u.reasons {
            *counts.entry(r.as_str()).or_default() += 1;
        }
        let p = if u.resolvable {
            "No preemption victims found for incoming pod"
        } else {
            "Preemption is not helpful for scheduling"
        };
        *pre.entry(p).or_default() += 1;
    }
    let join = |m: &BTreeMap<&str, usize>| {
        let mut v: Vec<String> = m.iter().map(|(r, n)| format!("{n} {r}")).collect();
        v.sort();
        v.join(", ")
    };
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        join(&counts),
        join(&pre)
    )
}

/// (cpu, memory, pod count, non-zero cpu, non-zero memory) of the pods bound to a node.
pub type NodeUsage = (f64, f64, usize, f64, f64);

/// Pick a node for `pod` among `nodes`; `usage(node name)` gives (cpu, mem, pods, nonzero cpu,
/// nonzero mem) of the pods already bound there. Err(message) when nothing fits.
pub fn pick_node<'a>(
    pod: &Value,
    nodes: &'a [Value],
    usage: &dyn Fn(&str) -> NodeUsage,
) -> Result<&'a Value, String> {
    let mut best: Option<(&Value, f64, usize)> = None;
    let mut unfit = Vec::new();
    for n in nodes {
        let name = n["metadata"]["name"].as_str().unwrap_or_default();
        let u = usage(name);
        match filter(pod, n, (u.0, u.1, u.2)) {
            Ok(()) => {
                let s = score(pod, n, (u.3, u.4));
                let better = match best {
                    None => true,
                    Some((_, bs, bp)) => s > bs + 1e-9 || ((s - bs).abs() <= 1e-9 && u.2 < bp),
                };
                if better {
                    best = Some((n, s, u.2));
                }
            }
            Err(e) => unfit.push(e),
        }
    }
    best.map(|b| b.0)
        .ok_or_else(|| fit_error(nodes.len(), &unfit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(i: usize) -> Value {
        json!({"metadata": {"name": format!("sim-node-{i}"), "labels": {
            "kubernetes.io/hostname": format!("sim-node-{i}"), "kubernetes.io/os": "linux"}},
            "spec": {},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}})
    }

    #[test]
    fn selector_mismatch_message_matches_upstream() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let pod = json!({"spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "a"}]}});
        let err = pick_node(&pod, &nodes, &|_| (0.0, 0.0, 0, 0.0, 0.0)).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    }

    #[test]
    fn affinity_expressions() {
        let n = node(2);
        let pod = |op: &str, vals: Value| {
            json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": op, "values": vals}]}]}}}}})
        };
        assert!(matches_node_affinity(&pod("In", json!(["sim-node-2"])), &n));
        assert!(!matches_node_affinity(
            &pod("In", json!(["sim-node-1"])),
            &n
        ));
        assert!(matches_node_affinity(
            &pod("NotIn", json!(["sim-node-1"])),
            &n
        ));
        assert!(matches_node_affinity(&pod("Exists", json!(null)), &n));
        assert!(!matches_node_affinity(
            &pod("DoesNotExist", json!(null)),
            &n
        ));
    }

    #[test]
    fn insufficient_cpu_and_spreading() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let big = json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "5"}}}]}});
        let err = pick_node(&big, &nodes, &|_| (0.0, 0.0, 0, 0.0, 0.0)).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        // least allocated: node 2 is empty, the others are busy
        let small = json!({"spec": {"containers": [{"name": "a"}]}});
        let chosen = pick_node(&small, &nodes, &|n| {
            if n == "sim-node-2" {
                (0.0, 0.0, 0, 0.0, 0.0)
            } else {
                (0.0, 0.0, 1, 0.1, 2e8)
            }
        })
        .unwrap();
        assert_eq!(chosen["metadata"]["name"], "sim-node-2");
    }

    #[test]
    fn taints_need_tolerations() {
        let mut n = node(1);
        n["spec"]["taints"] = json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]);
        let pod = json!({"spec": {"containers": [{"name": "a"}]}});
        let e = filter(&pod, &n, (0.0, 0.0, 0)).unwrap_err();
        assert_eq!(
            e.reasons,
            vec!["node(s) had untolerated taint {dedicated: db}"]
        );
        let tol = json!({"spec": {"containers": [{"name": "a"}], "tolerations": [
            {"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]}});
        assert!(filter(&tol, &n, (0.0, 0.0, 0)).is_ok());
    }
}
