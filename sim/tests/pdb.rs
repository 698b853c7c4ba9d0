//! policy/v1 PodDisruptionBudget: the resource, the disruption controller's status and the
//! eviction subresource, driven by the real kubectl (v1.32) as a user would. The kubectl tests
//! are skipped (with the reason printed) when kubectl is not installed; on CI a missing kubectl
//! fails (`KubeSim::kubectl`).

mod common;

use kube_sim::resources::{PDBS, PODS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};

/// Controllers, one node, the clock 20 times as fast (pods start and stop in well under 1s).
fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        speed: 20.0,
        nodes: 1,
        ..Default::default()
    })
    .expect("start simulator")
}

use common::{kubectl_tuple as kubectl, write};

const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  podManagementPolicy: Parallel
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
";

fn pdb_yaml(name: &str, bound: &str) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  {bound}
  selector:
    matchLabels: {{app: web}}
"
    )
}

fn pdb(s: &KubeSim, name: &str) -> Value {
    s.cluster()
        .get(&PDBS, Some("default"), name)
        .unwrap_or(Value::Null)
}

/// Waits until the PDB's status has these counts (and is observed at its generation).
fn converges(s: &KubeSim, name: &str, want: Value) -> Value {
    let ok = s.wait_until(common::WAIT, |_| {
        let p = pdb(s, name);
        let st = &p["status"];
        st["observedGeneration"] == p["metadata"]["generation"]
            && [
                "expectedPods",
                "currentHealthy",
                "desiredHealthy",
                "disruptionsAllowed",
            ]
            .iter()
            .all(|k| st[k] == want[k])
    });
    let p = pdb(s, name);
    assert!(ok, "{name}: want {want}, got {}", p["status"]);
    p
}

fn ready_pods(s: &KubeSim) -> usize {
    s.cluster()
        .list_items(&PODS, Some("default"), Some("app=web"))
        .iter()
        .filter(|p| {
            p["metadata"]["deletionTimestamp"].is_null()
                && p["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                })
        })
        .count()
}

/// The chart in tests/corpus/cockroachdb.yaml (Service, StatefulSet and a PodDisruptionBudget)
/// applies as on a real cluster; its budget is listed under its short name.
#[test]
fn cockroachdb_chart_applies_with_its_budget() {
    let s = sim();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpus/cockroachdb.yaml"
    );
    let Some((code, out, err)) = kubectl(&s, &["apply", "-f", file]) else {
        return;
    };
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("poddisruptionbudget.policy/cockroachdb-budget created"),
        "{out}"
    );
    let (code, out, err) = kubectl(&s, &["get", "pdb", "-o", "name"]).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "poddisruptionbudget.policy/cockroachdb-budget\n");
    // The server-side defaults and strategy: generation 1, status reset to zero counts.
    let p = pdb(&s, "cockroachdb-budget");
    assert_eq!(p["metadata"]["generation"], 1);
    assert_eq!(p["spec"]["maxUnavailable"], 1);
}

/// minAvailable 2, maxUnavailable 1 and minAvailable 50% over a 3-replica set all settle on
/// 3 expected, 3 healthy, 2 desired, 1 allowed (the percentage rounds up over the set's
/// replicas); `kubectl get pdb` prints printPodDisruptionBudget's columns with N/A for the
/// unset bound, and the condition says SufficientPods.
#[test]
fn status_converges_and_get_prints_the_columns() {
    let s = sim();
    let docs = [
        WEB.to_string(),
        pdb_yaml("min2", "minAvailable: 2"),
        pdb_yaml("max1", "maxUnavailable: 1"),
        pdb_yaml("half", "minAvailable: 50%"),
    ]
    .join("---\n");
    let f = write(&s, "all.yaml", &docs);
    let Some((code, out, err)) = kubectl(&s, &["apply", "-f", &f]) else {
        return;
    };
    assert_eq!(code, 0, "{out}{err}");
    let want = json!({"expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1});
    for name in ["min2", "max1", "half"] {
        let p = converges(&s, name, want.clone());
        let c = &p["status"]["conditions"][0];
        assert_eq!(c["type"], "DisruptionAllowed");
        assert_eq!(c["status"], "True");
        assert_eq!(c["reason"], "SufficientPods");
        assert_eq!(c["observedGeneration"], 1);
    }

    let (code, out, err) = kubectl(&s, &["get", "pdb"]).unwrap();
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        [
            "NAME",
            "MIN",
            "AVAILABLE",
            "MAX",
            "UNAVAILABLE",
            "ALLOWED",
            "DISRUPTIONS",
            "AGE"
        ]
    );
    let rows: Vec<Vec<&str>> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().take(4).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["half", "50%", "N/A", "1"],
            ["max1", "N/A", "1", "1"],
            ["min2", "2", "N/A", "1"]
        ]
    );

    // A spec change bumps the generation; the controller observes it and recomputes.
    let (code, _, err) = kubectl(
        &s,
        &[
            "patch",
            "pdb",
            "min2",
            "--type=merge",
            "-p",
            r#"{"spec":{"minAvailable":3}}"#,
        ],
    )
    .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(pdb(&s, "min2")["metadata"]["generation"], 2);
    let p = converges(
        &s,
        "min2",
        json!({"expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 3, "disruptionsAllowed": 0}),
    );
    assert_eq!(p["status"]["conditions"][0]["reason"], "InsufficientPods");
    assert_eq!(p["status"]["conditions"][0]["status"], "False");
}

/// Eviction as `kubectl drain` asks for it: the first pod goes (the budget allowed one
/// disruption), the second is refused with 429 and the DisruptionBudget cause while the first
/// is not ready again, and goes once the set is whole again.
#[test]
fn eviction_respects_the_budget() {
    let s = sim();
    // A replacement pod is ready 30s (1.5s of real time) after it starts: the second eviction
    // comes while web-0 is not ready again.
    let web = format!(
        "{WEB}        readinessProbe:\n          initialDelaySeconds: 30\n          tcpSocket: {{port: 80}}\n"
    );
    let docs = [web, pdb_yaml("web", "maxUnavailable: 1")].join("---\n");
    let f = write(&s, "all.yaml", &docs);
    let Some((code, out, err)) = kubectl(&s, &["apply", "-f", &f]) else {
        return;
    };
    assert_eq!(code, 0, "{out}{err}");
    converges(
        &s,
        "web",
        json!({"expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1}),
    );
    let eviction = |pod: &str| {
        let body = json!({"apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": pod, "namespace": "default"}});
        let f = write(&s, &format!("evict-{pod}.json"), &body.to_string());
        let path = format!("/api/v1/namespaces/default/pods/{pod}/eviction");
        kubectl(&s, &["create", "--raw", &path, "-f", &f]).unwrap()
    };
    let (code, out, err) = eviction("web-0");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(r#""status":"Success""#), "{out}");
    // The eviction recorded the disruption and used up the budget.
    let p = pdb(&s, "web");
    assert_eq!(p["status"]["disruptionsAllowed"], 0);
    assert!(p["status"]["disruptedPods"]["web-0"].is_string(), "{p}");

    let (code, _, err) = eviction("web-1");
    assert_ne!(code, 0);
    assert!(
        err.contains("Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget."),
        "{err}"
    );
    assert!(s.cluster().get(&PODS, Some("default"), "web-1").is_ok());

    // web-0 comes back and is ready: one disruption allowed again.
    assert!(s.wait_until(common::WAIT, |_| ready_pods(&s) == 3));
    converges(
        &s,
        "web",
        json!({"expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1}),
    );
    let (code, out, err) = eviction("web-1");
    assert_eq!(code, 0, "{out}{err}");
}

/// `kubectl explain pdb.spec` reads the policy/v1 OpenAPI document.
#[test]
fn explain_pdb_spec() {
    let s = sim();
    let Some((code, out, err)) = kubectl(&s, &["explain", "pdb.spec"]) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GROUP:      policy"), "{out}");
    assert!(out.contains("KIND:       PodDisruptionBudget"), "{out}");
    assert!(
        out.contains("FIELD: spec <PodDisruptionBudgetSpec>"),
        "{out}"
    );
    for f in [
        "maxUnavailable\t<IntOrString>",
        "minAvailable\t<IntOrString>",
        "selector\t<LabelSelector>",
        "unhealthyPodEvictionPolicy\t<string>",
    ] {
        assert!(out.contains(f), "{f} in {out}");
    }
}

/// ValidatePodDisruptionBudgetSpec: both bounds set is refused with upstream's message (the
/// spec printed Go-style), a percentage over 100% and an unknown eviction policy too.
#[test]
fn invalid_budgets_are_refused_with_upstreams_messages() {
    let s = sim();
    let both = write(
        &s,
        "both.yaml",
        &pdb_yaml("both", "minAvailable: 1\n  maxUnavailable: 1"),
    );
    let Some((code, _, err)) = kubectl(&s, &["apply", "-f", &both]) else {
        return;
    };
    assert_ne!(code, 0);
    let prefix = "The PodDisruptionBudget \"both\" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0x";
    assert!(err.contains(prefix), "{err}");
    assert!(
        err.contains("UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set"),
        "{err}"
    );

    let bad = write(
        &s,
        "bad.yaml",
        &pdb_yaml(
            "bad",
            "minAvailable: 150%\n  unhealthyPodEvictionPolicy: Sometimes",
        ),
    );
    let (code, _, err) = kubectl(&s, &["apply", "-f", &bad]).unwrap();
    assert_ne!(code, 0);
    assert!(
        err.contains("spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"),
        "{err}"
    );
    assert!(
        err.contains("spec.unhealthyPodEvictionPolicy: Unsupported value: \"Sometimes\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""),
        "{err}"
    );
    assert!(pdb(&s, "both").is_null() && pdb(&s, "bad").is_null());
}

/// Two budgets over one pod: the eviction subresource answers 500 with upstream's message;
/// a pending pod is evicted without asking any budget.
#[test]
fn eviction_with_two_budgets_and_of_a_pending_pod() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("start simulator");
    let pod = |name: &str| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    };
    for b in ["a", "b"] {
        s.apply_yaml(&pdb_yaml(b, "minAvailable: 1")).unwrap();
    }
    s.create(&PODS, "default", pod("p")).unwrap();
    // Running and ready (no kubelet here): the budgets are consulted.
    let c = s.cluster();
    let mut p = c.get(&PODS, Some("default"), "p").unwrap();
    p["status"]["phase"] = json!("Running");
    c.update(
        &PODS,
        Some("default"),
        "p",
        Some("status"),
        p,
        &Default::default(),
    )
    .unwrap();
    let body = |name: &str| json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}});
    let r = common::req(&s, "POST", "/api/v1/namespaces/default/pods/p/eviction")
        .json(&body("p"))
        .send();
    assert_eq!(r.status, 500, "{}", r.text());
    assert_eq!(
        r.json()["message"],
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
    // The name in the body must be the pod's.
    let r = common::req(&s, "POST", "/api/v1/namespaces/default/pods/p/eviction")
        .json(&body("q"))
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.json()["message"],
        "name in URL does not match name in Eviction object"
    );

    // A pending pod: deleted at once (no node), with the DisruptionTarget condition set first.
    s.create(&PODS, "default", pod("q")).unwrap();
    let r = common::req(&s, "POST", "/api/v1/namespaces/default/pods/q/eviction")
        .json(&body("q"))
        .send();
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(c.get(&PODS, Some("default"), "q").is_err());
}

/// `kubectl create poddisruptionbudget` sends protobuf: it decodes into the same object a
/// real server stores (no empty generateName), and prints as created.
#[test]
fn kubectl_create_pdb_sends_protobuf() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("start simulator");
    let Some((code, out, err)) = kubectl(
        &s,
        &[
            "create",
            "pdb",
            "web",
            "--selector=app=web",
            "--max-unavailable=25%",
        ],
    ) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "poddisruptionbudget.policy/web created\n");
    let p = pdb(&s, "web");
    assert_eq!(
        p["spec"],
        json!({"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "web"}}})
    );
    assert!(p["metadata"].get("generateName").is_none(), "{p}");
    assert_eq!(
        p["status"],
        json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0})
    );
}
