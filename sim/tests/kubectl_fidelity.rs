//! Differences from a real API server that the real kubectl (v1.32) shows: each test runs the
//! kubectl command a user would, against the simulator, and checks what a real cluster
//! answers. Skipped (with the reason printed) when kubectl is not installed; on CI a missing
//! kubectl fails (`KubeSim::kubectl`).

mod common;

use kube_sim::{KubeSim, SimOptions};

fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        nodes: 1,
        ..Default::default()
    })
    .expect("start simulator")
}

use common::{kubectl_tuple as kubectl, write};

const CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {app: web}
data:
  mode: fast
  level: \"1\"
";

/// `kubectl apply` then `kubectl apply --server-side` with a changed value: the server lets
/// kubectl take over the fields of its last-applied annotation (lastappliedmanager.go), so the
/// switch succeeds (no conflict with kubectl-client-side-apply), and `kubectl diff
/// --server-side` works on the object afterwards.
#[test]
fn client_side_then_server_side_apply() {
    let s = sim();
    let v1 = write(&s, "v1.yaml", CM);
    let v2 = write(&s, "v2.yaml", &CM.replace("mode: fast", "mode: safe"));
    let Some((code, out, err)) = kubectl(&s, &["apply", "-f", &v1]) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "configmap/cfg created");

    let (code, out, err) = kubectl(&s, &["apply", "--server-side", "-f", &v2]).unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.trim(), "configmap/cfg serverside-applied");
    let (_, mode, _) = kubectl(&s, &["get", "cm", "cfg", "-o", "jsonpath={.data.mode}"]).unwrap();
    assert_eq!(mode, "safe");
    // kubectl migrated the client-side ownership (a JSON patch of managedFields): only the
    // server-side managers remain, as on a real cluster.
    let (_, managers, _) = kubectl(
        &s,
        &[
            "get",
            "cm",
            "cfg",
            "--show-managed-fields",
            "-o",
            "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}",
        ],
    )
    .unwrap();
    let mut managers: Vec<&str> = managers.split_whitespace().collect();
    managers.sort();
    assert_eq!(managers, ["kubectl-last-applied/Apply", "kubectl/Apply"]);

    // diff --server-side: nothing to show for the applied file, the change for another.
    let (code, out, err) = kubectl(&s, &["diff", "--server-side", "-f", &v2]).unwrap();
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let (code, out, err) = kubectl(&s, &["diff", "--server-side", "-f", &v1]).unwrap();
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("-  mode: safe\n+  mode: fast\n"), "{out}");

    // Another field manager still conflicts, as upstream (only `kubectl` upgrades).
    let (code, _, err) = kubectl(
        &s,
        &[
            "apply",
            "--server-side",
            "--field-manager",
            "helm",
            "-f",
            &v1,
        ],
    )
    .unwrap();
    assert_eq!(code, 1);
    assert!(
        err.contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.mode"),
        "{err}"
    );
}

/// Quantities written as YAML numbers (`cpu: 0.42`, `memory: 1e9`), as charts do, apply and
/// read back in their canonical form.
#[test]
fn numeric_quantities_apply() {
    let s = sim();
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec:
  containers:
  - name: c
    image: nginx
    resources:
      requests: {cpu: 0.42, memory: 1e9}
      limits: {cpu: 1, memory: 2147483648}
";
    let csa = write(&s, "csa.yaml", &pod.replace("NAME", "csa"));
    let ssa = write(&s, "ssa.yaml", &pod.replace("NAME", "ssa"));
    let Some((code, _, err)) = kubectl(&s, &["apply", "-f", &csa]) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = kubectl(&s, &["apply", "--server-side", "-f", &ssa]).unwrap();
    assert_eq!(code, 0, "{err}");
    for name in ["csa", "ssa"] {
        let (_, res, _) = kubectl(
            &s,
            &[
                "get",
                "pod",
                name,
                "-o",
                "jsonpath={.spec.containers[0].resources}",
            ],
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&res).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"requests": {"cpu": "420m", "memory": "1G"},
                               "limits": {"cpu": "1", "memory": "2147483648"}}),
            "{name}"
        );
    }
}

/// kubectl validates an unknown kind, and a `v1 List`, on the client with the OpenAPI v2
/// document (fetched as protobuf). With /openapi/v2 served, an unknown kind in a
/// multi-document apply gets kubectl's own "no matches for kind" after the known objects are
/// applied, and a List item with an unknown field is refused by kubectl's validation, as
/// against a real cluster.
#[test]
fn client_side_validation_uses_openapi_v2() {
    let s = sim();
    let multi = write(
        &s,
        "multi.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata: {name: known}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
",
    );
    let Some((code, out, err)) = kubectl(&s, &["apply", "-f", &multi]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_eq!(out.trim(), "configmap/known created");
    assert!(
        err.starts_with(
            "error: resource mapping not found for name: \"w\" namespace: \"\" from \""
        ) && err.contains("no matches for kind \"Widget\" in version \"example.com/v1\""),
        "{err}"
    );
    let v2 = s
        .requests()
        .into_iter()
        .find(|r| r.path == "/openapi/v2")
        .expect("kubectl fetched /openapi/v2");
    assert_eq!(
        v2.accept.as_deref(),
        Some("application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
    );
    assert_eq!(v2.status, 200);

    let list = write(
        &s,
        "list.yaml",
        "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: l1}
  data: {a: b}
  foo: bar
",
    );
    let (code, _, err) = kubectl(&s, &["apply", "-f", &list]).unwrap();
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "error validating data: ValidationError(ConfigMap): unknown field \"foo\" in io.k8s.api.core.v1.ConfigMap"
        ),
        "{err}"
    );
    std::fs::write(
        &list,
        std::fs::read_to_string(&list)
            .unwrap()
            .replace("  foo: bar\n", ""),
    )
    .unwrap();
    let (code, out, err) = kubectl(&s, &["apply", "-f", &list]).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "configmap/l1 created");
}

/// What every cluster has, as kubectl shows it: the API server's Service, the default
/// ServiceAccount and kube-root-ca.crt of a new namespace, a pod's token volume.
#[test]
fn objects_every_cluster_has() {
    let s = sim();
    let Some((code, out, err)) = kubectl(&s, &["get", "svc", "kubernetes"]) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   "),
        "{out}"
    );

    let (code, _, err) = kubectl(&s, &["create", "namespace", "team"]).unwrap();
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = kubectl(&s, &["get", "sa,cm", "-n", "team", "-o", "name"]).unwrap();
    assert_eq!(out, "serviceaccount/default\nconfigmap/kube-root-ca.crt\n");
    // kubectl create serviceaccount sends protobuf.
    let (code, out, err) =
        kubectl(&s, &["create", "serviceaccount", "builder", "-n", "team"]).unwrap();
    assert_eq!(
        (code, out.trim()),
        (0, "serviceaccount/builder created"),
        "{err}"
    );
    let (_, out, _) = kubectl(&s, &["get", "sa", "-n", "team"]).unwrap();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "NAME      SECRETS   AGE");
    assert!(rows[1].starts_with("builder   0         "), "{out}");
    assert!(rows[2].starts_with("default   0         "), "{out}");

    let (code, _, err) = kubectl(
        &s,
        &[
            "run",
            "p",
            "--image",
            "nginx",
            "-n",
            "team",
            "--restart",
            "Never",
        ],
    )
    .unwrap();
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = kubectl(
        &s,
        &[
            "get",
            "pod",
            "p",
            "-n",
            "team",
            "-o",
            "jsonpath={.spec.serviceAccountName} {.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].mountPath}",
        ],
    )
    .unwrap();
    let parts: Vec<&str> = out.split(' ').collect();
    assert_eq!(parts[0], "default");
    assert!(parts[1].starts_with("kube-api-access-"), "{out}");
    assert_eq!(parts[2], "/var/run/secrets/kubernetes.io/serviceaccount");

    // A pod naming a ServiceAccount that does not exist is refused by admission.
    let (code, _, err) = kubectl(
        &s,
        &[
            "run",
            "q",
            "--image",
            "nginx",
            "-n",
            "team",
            "--restart",
            "Never",
            "--overrides",
            r#"{"spec":{"serviceAccountName":"ghost"}}"#,
        ],
    )
    .unwrap();
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "Error from server (Forbidden): pods \"q\" is forbidden: error looking up service account team/ghost: serviceaccount \"ghost\" not found"
    );
}
