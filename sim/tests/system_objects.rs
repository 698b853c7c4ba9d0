//! The objects every cluster has (the `kubernetes` Service, a `default` ServiceAccount and the
//! kube-root-ca.crt ConfigMap in every namespace) and the ServiceAccount admission plugin on
//! pods, over HTTP.

mod common;

use common::{req, sim};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

#[test]
fn every_namespace_has_its_service_account_and_root_ca() {
    let s = sim();
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let sa = req(
            &s,
            "GET",
            &format!("/api/v1/namespaces/{ns}/serviceaccounts/default"),
        )
        .send();
        assert_eq!(sa.status, 200, "{ns}: {}", sa.text());
        let cm = req(
            &s,
            "GET",
            &format!("/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt"),
        )
        .send()
        .json();
        assert_eq!(cm["data"]["ca.crt"], s.cluster().root_ca());
        assert!(cm["data"]["ca.crt"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(
            cm["metadata"]["annotations"]["kubernetes.io/description"],
            "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
        );
        assert_eq!(
            cm["metadata"]["managedFields"][0]["manager"],
            "kube-controller-manager"
        );
    }
    // A new namespace gets both at once.
    let r = req(&s, "POST", "/api/v1/namespaces")
        .json(&json!({"metadata": {"name": "team"}}))
        .send();
    assert_eq!(r.status, 201);
    let sas = req(&s, "GET", "/api/v1/namespaces/team/serviceaccounts")
        .send()
        .json();
    assert_eq!(sas["kind"], "ServiceAccountList");
    assert_eq!(sas["items"][0]["metadata"]["name"], "default");
    // No managedFields: the controller sets nothing but the name.
    assert!(sas["items"][0]["metadata"].get("managedFields").is_none());
    let cms = req(&s, "GET", "/api/v1/namespaces/team/configmaps")
        .send()
        .json();
    assert_eq!(cms["items"][0]["metadata"]["name"], "kube-root-ca.crt");

    // The API server's Service.
    let svc = req(&s, "GET", "/api/v1/namespaces/default/services/kubernetes")
        .send()
        .json();
    assert_eq!(
        svc["metadata"]["labels"],
        json!({"component": "apiserver", "provider": "kubernetes"})
    );
    assert_eq!(svc["spec"]["clusterIP"], "10.96.0.1");
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    let port = s
        .base_url()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<u16>()
        .unwrap();
    assert_eq!(
        svc["spec"]["ports"],
        json!([{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}])
    );
    assert!(svc["spec"].get("selector").is_none());
}

#[test]
fn pods_get_the_service_account_token_volume() {
    let s = sim();
    let p = req(&s, "POST", "/api/v1/namespaces/default/pods")
        .json(&pod("p"))
        .send()
        .json();
    let spec = &p["spec"];
    assert_eq!(spec["serviceAccountName"], "default");
    assert_eq!(spec["serviceAccount"], "default");
    let vol = &spec["volumes"][0];
    let name = vol["name"].as_str().unwrap();
    assert!(
        name.starts_with("kube-api-access-") && name.len() == 21,
        "{name}"
    );
    assert_eq!(
        vol["projected"],
        json!({"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]})
    );
    assert_eq!(
        spec["containers"][0]["volumeMounts"],
        json!([{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": name, "readOnly": true}])
    );

    // A ServiceAccount that opts out, with pull secrets; a pod whose own mount at the path
    // wins for its container; an init container gets the mount too.
    let sa = json!({"metadata": {"name": "builder"}, "automountServiceAccountToken": false,
                    "imagePullSecrets": [{"name": "registry"}]});
    let r = req(&s, "POST", "/api/v1/namespaces/default/serviceaccounts")
        .json(&sa)
        .send();
    assert_eq!(r.status, 201, "{}", r.text());
    let mut b = pod("b");
    b["spec"]["serviceAccountName"] = json!("builder");
    let b = req(&s, "POST", "/api/v1/namespaces/default/pods")
        .json(&b)
        .send()
        .json();
    assert!(b["spec"].get("volumes").is_none(), "{b}");
    assert_eq!(b["spec"]["imagePullSecrets"], json!([{"name": "registry"}]));
    let mut forced = pod("forced");
    forced["spec"]["serviceAccountName"] = json!("builder");
    forced["spec"]["automountServiceAccountToken"] = json!(true);
    forced["spec"]["initContainers"] = json!([{"name": "init", "image": "busybox"}]);
    forced["spec"]["containers"] = json!([
        {"name": "a", "image": "nginx"},
        {"name": "b", "image": "nginx", "volumeMounts": [{"name": "own", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}
    ]);
    forced["spec"]["volumes"] = json!([{"name": "own", "emptyDir": {}}]);
    let f = req(&s, "POST", "/api/v1/namespaces/default/pods")
        .json(&forced)
        .send();
    assert_eq!(f.status, 201, "{}", f.text());
    let f = f.json();
    let vols = f["spec"]["volumes"].as_array().unwrap();
    assert_eq!(vols.len(), 2);
    let token = vols[1]["name"].as_str().unwrap();
    assert!(token.starts_with("kube-api-access-"));
    assert_eq!(
        f["spec"]["initContainers"][0]["volumeMounts"][0]["name"],
        token
    );
    assert_eq!(f["spec"]["containers"][0]["volumeMounts"][0]["name"], token);
    assert_eq!(
        f["spec"]["containers"][1]["volumeMounts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A ServiceAccount that does not exist: 403 from the admission plugin, nothing stored.
    let mut m = pod("m");
    m["spec"]["serviceAccountName"] = json!("missing");
    let r = req(&s, "POST", "/api/v1/namespaces/default/pods")
        .json(&m)
        .send();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "pods \"m\" is forbidden: error looking up service account default/missing: serviceaccount \"missing\" not found"
    );
    assert_eq!(
        req(&s, "GET", "/api/v1/namespaces/default/pods/m")
            .send()
            .status,
        404
    );
}

/// With the controllers running, a deleted default ServiceAccount, kube-root-ca.crt or
/// kubernetes Service comes back, and an edited kube-root-ca.crt is restored.
#[test]
fn controllers_repair_what_is_removed() {
    let s = KubeSim::start(SimOptions {
        nodes: 0,
        ..Default::default()
    })
    .unwrap();
    let ca = s.cluster().root_ca();
    for path in [
        "/api/v1/namespaces/default/serviceaccounts/default",
        "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
        "/api/v1/namespaces/default/services/kubernetes",
    ] {
        let uid = req(&s, "GET", path).send().json()["metadata"]["uid"].clone();
        assert_eq!(req(&s, "DELETE", path).send().status, 200, "{path}");
        let back = s.wait_until(Duration::from_secs(5), |_| {
            let r = req(&s, "GET", path).send();
            r.status == 200 && r.json()["metadata"]["uid"] != uid
        });
        assert!(back, "{path} not recreated");
    }
    let r = req(
        &s,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
    )
    .body(
        "application/merge-patch+json",
        br#"{"data":{"ca.crt":"forged"}}"#,
    )
    .send();
    assert_eq!(r.status, 200);
    let restored = s.wait_until(Duration::from_secs(5), |_| {
        req(
            &s,
            "GET",
            "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
        )
        .send()
        .json()["data"]["ca.crt"]
            == ca
    });
    assert!(restored);
}

/// Under TLS the published CA is the one the server's certificate is signed by.
#[test]
fn tls_clusters_publish_their_serving_ca() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        tls: true,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(s.cluster().root_ca(), s.ca_pem().unwrap());
}
