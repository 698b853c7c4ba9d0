//! Content negotiation, discovery, Table output, subresources, patches with preconditions,
//! field validation, selectors in watches, the events.k8s.io view and metrics.

mod common;

use common::{req, sim};
use serde_json::{json, Value};
use std::time::Duration;

const CMS: &str = "/api/v1/namespaces/default/configmaps";
const STS: &str = "/apis/apps/v1/namespaces/default/statefulsets";

fn sts(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
           "spec": {"replicas": 1, "serviceName": name,
                    "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

#[test]
fn aggregated_discovery_has_its_own_content_type() {
    let s = sim();
    let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    let r = req(&s, "GET", "/apis").header("accept", accept).send();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
    );
    assert_eq!(r.json()["kind"], "APIGroupDiscoveryList");
    let r = req(&s, "GET", "/apis")
        .header("accept", "application/json")
        .send();
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.json()["kind"], "APIGroupList");
    let r = req(&s, "GET", "/version?timeout=5s").no_auth().send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["minor"], "32");
}

#[test]
fn table_output_when_accept_asks_for_it() {
    let s = sim();
    req(&s, "POST", STS).json(&sts("web")).send();
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let r = req(&s, "GET", STS).header("accept", accept).send();
    assert_eq!(r.status, 200);
    let t = r.json();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols[..3], ["Name", "Ready", "Age"]);
    assert_eq!(t["rows"][0]["cells"][0], "web");
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[test]
fn status_and_scale_subresources() {
    let s = sim();
    let created = req(&s, "POST", STS).json(&sts("web")).send().json();
    // PUT /status takes only the status.
    let mut body = created.clone();
    body["status"] = json!({"replicas": 1, "availableReplicas": 0});
    body["spec"]["replicas"] = json!(7);
    let r = req(&s, "PUT", &format!("{STS}/web/status"))
        .json(&body)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let o = r.json();
    assert_eq!(o["status"]["replicas"], 1);
    assert_eq!(o["spec"]["replicas"], 1);
    assert_eq!(o["metadata"]["generation"], 1);
    // The scale subresource (scale PUTs arrive without Content-Type).
    let scale = req(&s, "GET", &format!("{STS}/web/scale")).send().json();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    let mut put = scale.clone();
    put["spec"]["replicas"] = json!(4);
    let r = req(&s, "PUT", &format!("{STS}/web/scale"))
        .body("", &serde_json::to_vec(&put).unwrap())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["spec"]["replicas"], 4);
    let r = req(&s, "PATCH", &format!("{STS}/web/scale"))
        .body(
            "application/merge-patch+json",
            br#"{"spec":{"replicas":2}}"#,
        )
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let o = req(&s, "GET", &format!("{STS}/web")).send().json();
    assert_eq!(o["spec"]["replicas"], 2);
    assert_eq!(o["metadata"]["generation"], 3);
}

#[test]
fn patch_preconditions_and_field_validation() {
    let s = sim();
    req(&s, "POST", CMS)
        .json(&json!({"metadata": {"name": "p"}, "data": {"a": "1"}}))
        .send();
    let r = req(&s, "PATCH", &format!("{CMS}/p"))
        .body("application/merge-patch+json", br#"{"data":{"b":"2"}}"#)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"], json!({"a": "1", "b": "2"}));
    let r = req(&s, "PATCH", &format!("{CMS}/p"))
        .body(
            "application/merge-patch+json",
            br#"{"metadata":{"resourceVersion":"1"},"data":{"c":"3"}}"#,
        )
        .send();
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["reason"], "Conflict");
    let r = req(&s, "PATCH", &format!("{CMS}/missing"))
        .body("application/merge-patch+json", b"{}")
        .send();
    assert_eq!(r.status, 404);

    let bad = sts("strict");
    let mut bad_strict = bad.clone();
    bad_strict["spec"]["foo"] = json!(1);
    let r = req(&s, "POST", &format!("{STS}?fieldValidation=Strict"))
        .json(&bad_strict)
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
    // A create body fails in the decoder: transformDecodeError (handlers/rest.go) names it.
    assert_eq!(
        r.json()["message"],
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.foo\""
    );
    assert_eq!(r.json()["reason"], "BadRequest");
    // A patch's strict error is the bare one (patch.go).
    let r = req(&s, "POST", STS).json(&bad).send();
    assert_eq!(r.status, 201, "{}", r.text());
    let r = req(&s, "PATCH", &format!("{STS}/strict?fieldValidation=Strict"))
        .body("application/merge-patch+json", br#"{"spec":{"foo":1}}"#)
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.json()["message"],
        "strict decoding error: unknown field \"spec.foo\""
    );
    let r = req(&s, "DELETE", &format!("{STS}/strict")).send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = req(&s, "POST", &format!("{STS}?fieldValidation=Warn"))
        .json(&bad_strict)
        .send();
    assert_eq!(r.status, 201);
    assert_eq!(
        r.header("warning").as_deref(),
        Some("299 - \"unknown field \\\"spec.foo\\\"\"")
    );
    assert!(
        r.json()["spec"].get("foo").is_none(),
        "unknown fields are dropped"
    );
}

#[test]
fn label_selector_watch_turns_transitions_into_added_and_deleted() {
    let s = sim();
    req(&s, "POST", CMS)
        .json(&json!({"metadata": {"name": "m", "labels": {"tier": "a"}}}))
        .send();
    let cluster = s.cluster();
    let (_, events) = req(
        &s,
        "GET",
        &format!("{CMS}?watch=true&labelSelector=tier%3Db"),
    )
    .watch(2, Duration::from_secs(5), move || {
        std::thread::sleep(Duration::from_millis(100));
        let cm = &kube_sim::resources::CONFIGMAPS;
        let o = kube_sim::api::WriteOptions::default();
        let mut m = cluster.get(cm, Some("default"), "m").unwrap();
        m["metadata"]["labels"]["tier"] = json!("b");
        let m = cluster
            .update(cm, Some("default"), "m", None, m, &o)
            .unwrap()
            .object;
        let mut m2 = m.clone();
        m2["metadata"]["labels"]["tier"] = json!("c");
        cluster
            .update(cm, Some("default"), "m", None, m2, &o)
            .unwrap();
    });
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ADDED", "DELETED"]);
}

#[test]
fn events_v1_is_a_view_on_core_events() {
    let s = sim();
    let ev = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "e1"},
        "involvedObject": {"kind": "Pod", "name": "x", "namespace": "default"},
        "reason": "Tested", "message": "hello", "type": "Normal",
        "source": {"component": "test"}, "count": 1});
    let r = req(&s, "POST", "/api/v1/namespaces/default/events")
        .json(&ev)
        .send();
    assert_eq!(r.status, 201, "{}", r.text());
    let r = req(
        &s,
        "GET",
        "/apis/events.k8s.io/v1/namespaces/default/events/e1",
    )
    .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let v1 = r.json();
    assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
    assert_eq!(v1["note"], "hello");
    assert_eq!(v1["regarding"]["name"], "x");
    let l = req(&s, "GET", "/apis/events.k8s.io/v1/events")
        .send()
        .json();
    assert_eq!(l["items"].as_array().unwrap().len(), 1);
}

#[test]
fn playground_binary_prints_env_and_exits() {
    let exe = env!("CARGO_BIN_EXE_kube-sim");
    let out = std::process::Command::new(exe)
        .args([
            "playground",
            "--print-env",
            "--exit-after",
            "1",
            "--nodes",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let line = lines.next().unwrap();
    assert!(line.starts_with("export KUBECONFIG="), "{text}");
    // The kubeconfig (it holds the token) is gone once the playground has exited.
    let kubeconfig = line.trim_start_matches("export KUBECONFIG=");
    assert!(
        !std::path::Path::new(kubeconfig).exists(),
        "{kubeconfig} left behind"
    );
    // The plugin, built next to kube-sim, is put on PATH.
    let path = lines.next().unwrap_or_default();
    let dir = std::path::Path::new(exe)
        .parent()
        .unwrap()
        .display()
        .to_string();
    assert_eq!(path, format!("export PATH={dir}:$PATH"), "{text}");
    // And the stand-in Prometheus as `top --prometheus`'s default.
    let prom = lines.next().unwrap_or_default();
    assert!(
        prom.starts_with("export KUBECTL_STATEFULSET_PROMETHEUS=http://127.0.0.1:")
            && prom.ends_with("/_sim/prometheus"),
        "{text}"
    );
}

/// The playground's kubeconfig holds the token: owner-only while it serves, removed when it
/// is stopped (SIGTERM here; Ctrl-C and hang-up alike).
#[cfg(unix)]
#[test]
fn playground_kubeconfig_is_private_and_removed_on_exit() {
    use std::io::BufRead;
    use std::os::unix::fs::PermissionsExt;
    let exe = env!("CARGO_BIN_EXE_kube-sim");
    let mut child = std::process::Command::new(exe)
        .args(["playground", "--print-env", "--nodes", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The three export lines; the pipe stays open until the end (a closed pipe would fail
    // the playground's own printing).
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        lines.push(line);
    }
    let path = lines[0]
        .trim()
        .trim_start_matches("export KUBECONFIG=")
        .to_string();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{path}");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    drop(out);
    assert!(!std::path::Path::new(&path).exists(), "{path} left behind");
}
