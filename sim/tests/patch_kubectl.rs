//! The patch engine and the selectors end to end: the real kubectl v1.32 sends its PATCH bodies
//! (set env, rollout restart, scale, patch --type json|merge|strategic) and selector queries
//! to a running simulator.

use kube_sim::resources::STATEFULSETS;
use kube_sim::{KubeSim, SimOptions};
use serde_json::Value;

fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("start simulator")
}

const STS: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: default
  labels: {app: nginx}
spec:
  replicas: 3
  serviceName: web
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        - {name: C, value: "3"}
        - {name: D, value: "4"}
      - name: sidecar
        image: busybox
"#;

/// Run kubectl; None when kubectl is not installed. Returns (success, stdout, stderr).
fn kubectl(s: &KubeSim, args: &[&str]) -> Option<(bool, String, String)> {
    let out = s.kubectl(args)?.output().expect("kubectl runs");
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn web(s: &KubeSim) -> Value {
    s.cluster()
        .get(&STATEFULSETS, Some("default"), "web")
        .expect("web exists")
}

fn env(s: &KubeSim) -> Vec<(String, String)> {
    web(s)["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn names(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn kubectl_strategic_patches() {
    let s = sim();
    s.apply_yaml(STS).unwrap();
    let Some((ok, out, err)) = kubectl(&s, &["set", "env", "sts/web", "E=5"]) else {
        return;
    };
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web env updated");
    let e = env(&s);
    assert_eq!(names(&e), ["A", "B", "C", "D", "E"]);
    assert_eq!(e[4].1, "5");

    let (ok, out, err) = kubectl(&s, &["set", "env", "sts/web", "A-"]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(names(&env(&s)), ["B", "C", "D", "E"]);
    // the sidecar survived both patches
    assert_eq!(
        web(&s)["spec"]["template"]["spec"]["containers"][1]["name"],
        "sidecar"
    );

    // default kubectl patch type is strategic: the env list is merged, not replaced
    let (ok, out, err) = kubectl(
        &s,
        &[
            "patch",
            "sts",
            "web",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}"#,
        ],
    )
    .unwrap();
    assert!(ok, "{out}{err}");
    let w = web(&s);
    assert_eq!(
        w["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    assert_eq!(names(&env(&s)), ["B", "C", "D", "E"]);

    let (ok, out, err) = kubectl(&s, &["rollout", "restart", "sts/web"]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web restarted");
    assert!(web(&s)["spec"]["template"]["metadata"]["annotations"]
        ["kubectl.kubernetes.io/restartedAt"]
        .is_string());
}

#[test]
fn kubectl_json_and_merge_patches_and_scale() {
    let s = sim();
    s.apply_yaml(STS).unwrap();
    let Some((ok, out, err)) = kubectl(
        &s,
        &[
            "patch",
            "sts",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
        ],
    ) else {
        return;
    };
    assert!(ok, "{out}{err}");
    assert_eq!(web(&s)["spec"]["replicas"], 4);

    let (ok, _, err) = kubectl(
        &s,
        &[
            "patch",
            "sts",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"test","path":"/spec/replicas","value":9}]"#,
        ],
    )
    .unwrap();
    assert!(!ok);
    // kubectl renders a 422 Invalid Status from its causes (cmdutil.StandardErrorMessage)
    assert!(
        err.contains("The request is invalid: : testing value /spec/replicas failed: test failed"),
        "{err}"
    );

    let (ok, out, err) = kubectl(
        &s,
        &[
            "patch",
            "sts",
            "web",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"tier":"web"}}}"#,
        ],
    )
    .unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(web(&s)["metadata"]["labels"]["tier"], "web");
    assert_eq!(web(&s)["metadata"]["labels"]["app"], "nginx");

    let (ok, out, err) = kubectl(&s, &["scale", "sts/web", "--replicas=2"]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web scaled");
    assert_eq!(web(&s)["spec"]["replicas"], 2);
}

#[test]
fn kubectl_selectors() {
    let s = sim();
    s.apply_yaml(STS).unwrap();
    let Some((ok, out, err)) = kubectl(&s, &["get", "sts", "-l", "app=nginx", "-o", "name"]) else {
        return;
    };
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "statefulset.apps/web");
    let (ok, out, err) = kubectl(
        &s,
        &["get", "sts", "-l", "app in (a,nginx),!canary", "-o", "name"],
    )
    .unwrap();
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "statefulset.apps/web");
    let (ok, out, _) = kubectl(&s, &["get", "sts", "-l", "app!=nginx", "-o", "name"]).unwrap();
    assert!(ok);
    assert_eq!(out.trim(), "");
    let (ok, out, err) = kubectl(
        &s,
        &[
            "get",
            "sts",
            "--field-selector",
            "metadata.name=web",
            "-o",
            "name",
        ],
    )
    .unwrap();
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "statefulset.apps/web");
    let (ok, _, err) = kubectl(&s, &["get", "sts", "--field-selector", "spec.replicas=3"]).unwrap();
    assert!(!ok);
    assert!(
        err.contains(
            r#""spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace""#
        ),
        "{err}"
    );
}

#[test]
fn kubectl_rollout_undo_replaces_the_template() {
    let s = KubeSim::start(SimOptions {
        nodes: 1,
        speed: 20.0,
        ..Default::default()
    })
    .expect("start simulator");
    s.apply_yaml(STS).unwrap();
    let Some((ok, out, err)) = kubectl(
        &s,
        &[
            "patch",
            "sts",
            "web",
            "-p",
            r#"{"spec":{"template":{"metadata":{"labels":{"extra":"x"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"},{"name":"third","image":"redis"}]}}}}"#,
        ],
    ) else {
        return;
    };
    assert!(ok, "{out}{err}");
    // wait for the controller to record the second revision
    let has_two = s.wait_until(std::time::Duration::from_secs(20), |c| {
        c.list_items(
            &kube_sim::resources::CONTROLLERREVISIONS,
            Some("default"),
            None,
        )
        .len()
            >= 2
    });
    assert!(has_two, "two controller revisions");
    let (ok, out, err) = kubectl(&s, &["rollout", "undo", "sts/web"]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web rolled back");
    let tpl = &web(&s)["spec"]["template"];
    let cs = tpl["spec"]["containers"].as_array().unwrap();
    let names: Vec<&str> = cs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    // `$patch: replace` on the template: the added container and label are gone
    assert_eq!(names, ["nginx", "sidecar"]);
    assert_eq!(cs[0]["image"], "nginx:1.25");
    assert!(tpl["metadata"]["labels"].get("extra").is_none());
}

#[test]
fn kubectl_client_side_apply_three_way_patches() {
    let s = sim();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("web.yaml");
    std::fs::write(&f, STS).unwrap();
    let fp = f.to_str().unwrap();
    let Some((ok, out, err)) = kubectl(&s, &["apply", "-f", fp]) else {
        return;
    };
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web created");
    // drop env A and the sidecar, add a volume, change replicas
    let changed = STS
        .replace("        - {name: A, value: \"1\"}\n", "")
        .replace("      - name: sidecar\n        image: busybox\n", "")
        .replace("replicas: 3", "replicas: 5")
        + "      volumes:\n      - name: data\n        emptyDir: {}\n";
    std::fs::write(&f, changed).unwrap();
    let (ok, out, err) = kubectl(&s, &["apply", "-f", fp]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web configured");
    let w = web(&s);
    assert_eq!(w["spec"]["replicas"], 5);
    let cs = w["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(cs.len(), 1, "{cs:?}");
    assert_eq!(names(&env(&s)), ["B", "C", "D"]);
    assert_eq!(w["spec"]["template"]["spec"]["volumes"][0]["name"], "data");
    // a third apply with no change is a no-op
    let (ok, out, _) = kubectl(&s, &["apply", "-f", fp]).unwrap();
    assert!(ok);
    assert_eq!(out.trim(), "statefulset.apps/web unchanged");
}
