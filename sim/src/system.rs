//! What a cluster's control plane puts there on its own, and the ServiceAccount admission plugin.
//!
//! - `default/kubernetes`, the Service of the API server (kube-apiserver's bootstrap controller,
//!   pkg/controlplane/controller/kubernetesservice/controller.go
//!   CreateOrUpdateMasterServiceIfNeeded): labels provider=kubernetes, component=apiserver,
//!   port `https` 443 → the server's port, clusterIP the first address of the service range
//!   (10.96.0.1), no selector;
//! - a `default` ServiceAccount in every namespace (pkg/controller/serviceaccount/
//!   serviceaccounts_controller.go);
//! - the `kube-root-ca.crt` ConfigMap in every namespace, holding the cluster CA
//!   (pkg/controller/certificates/rootcacertpublisher/publisher.go: created when missing, its
//!   data and description annotation put back when changed);
//! - the ServiceAccount admission plugin on pod creation (plugin/pkg/admission/serviceaccount/
//!   admission.go): serviceAccountName defaults to `default` (done by the registry's pod
//!   strategy), the ServiceAccount must exist (else 403), the projected `kube-api-access-xxxxx`
//!   token volume is mounted unless automountServiceAccountToken says no (the pod's, then the
//!   ServiceAccount's), and the ServiceAccount's imagePullSecrets are copied to a pod that has
//!   none.
//!
//! Simplified: upstream's controllers create a namespace's objects moments after it appears;
//! here they are created with the namespace (in the same request, right after it), so a pod
//! created at once never meets the missing-ServiceAccount race. The repair half (a deleted
//! `default` ServiceAccount or root CA ConfigMap comes back, an edited one is restored, the
//! `kubernetes` Service is recreated) runs with the controllers (`run`).

use crate::api::{Cluster, WriteOptions};
use crate::errors::ApiError;
use crate::resources::{CONFIGMAPS, NAMESPACES, SERVICEACCOUNTS, SERVICES};
use serde_json::{json, Value};
use std::sync::Arc;

pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";
const DESCRIPTION_ANNOTATION: &str = "kubernetes.io/description";
const DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";
/// The first address of the simulated service range (10.96.0.0/12).
pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";

fn opts(manager: &str) -> WriteOptions {
    WriteOptions {
        field_manager: Some(manager.into()),
        ..Default::default()
    }
}

fn ignore_exists(r: Result<crate::api::Written, ApiError>) {
    // AlreadyExists (someone was first) and a terminating namespace (403) are not errors for
    // these controllers.
    let _ = r;
}

/// A CA certificate (PEM) for clusters served without TLS, whose kube-root-ca.crt still
/// holds a CA (generated once per process).
pub fn plain_http_ca() -> String {
    static CA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CA.get_or_init(|| crate::tls::generate().map(|t| t.ca_pem).unwrap_or_default())
        .clone()
}

fn root_ca_configmap(ca: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": ROOT_CA_CONFIGMAP,
            "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION},
        },
        "data": {"ca.crt": ca},
    })
}

fn active_namespace(cluster: &Cluster, ns: &str) -> bool {
    cluster
        .get(&NAMESPACES, None, ns)
        .is_ok_and(|n| n["metadata"]["deletionTimestamp"].is_null())
}

/// A namespace's own objects: the `default` ServiceAccount and kube-root-ca.crt, created when
/// missing, the ConfigMap's data and description restored when changed.
pub fn ensure_namespace_objects(cluster: &Cluster, ns: &str) {
    if !active_namespace(cluster, ns) {
        return;
    }
    if cluster.get(&SERVICEACCOUNTS, Some(ns), "default").is_err() {
        let sa =
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}});
        ignore_exists(cluster.create(
            &SERVICEACCOUNTS,
            Some(ns),
            sa,
            &opts("kube-controller-manager"),
        ));
    }
    // A cluster without a CA (a bare `Cluster`, as unit tests build) publishes none.
    let ca = cluster.root_ca();
    if ca.is_empty() {
        return;
    }
    match cluster.get(&CONFIGMAPS, Some(ns), ROOT_CA_CONFIGMAP) {
        Err(_) => ignore_exists(cluster.create(
            &CONFIGMAPS,
            Some(ns),
            root_ca_configmap(&ca),
            &opts("kube-controller-manager"),
        )),
        Ok(mut cm) => {
            let data_ok = cm["data"] == json!({"ca.crt": ca});
            let described = cm["metadata"]["annotations"][DESCRIPTION_ANNOTATION]
                .as_str()
                .is_some_and(|d| !d.is_empty());
            if data_ok && described {
                return;
            }
            cm["data"] = json!({"ca.crt": ca});
            if !cm["metadata"]["annotations"].is_object() {
                cm["metadata"]["annotations"] = json!({});
            }
            cm["metadata"]["annotations"][DESCRIPTION_ANNOTATION] = json!(DESCRIPTION);
            let _ = cluster.update(
                &CONFIGMAPS,
                Some(ns),
                ROOT_CA_CONFIGMAP,
                None,
                cm,
                &opts("kube-controller-manager"),
            );
        }
    }
}

/// `default/kubernetes`, created when missing; `port` is the API server's.
pub fn ensure_kubernetes_service(cluster: &Cluster, port: u16) {
    if cluster
        .get(&SERVICES, Some("default"), "kubernetes")
        .is_ok()
        || !active_namespace(cluster, "default")
    {
        return;
    }
    let svc = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "clusterIP": KUBERNETES_SERVICE_IP,
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}],
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
    });
    ignore_exists(cluster.create(&SERVICES, Some("default"), svc, &opts("kube-apiserver")));
}

/// The ServiceAccount admission plugin on a pod being created (after the pod strategy has
/// defaulted serviceAccountName). Mirror pods are left alone, as upstream does.
pub fn admit_pod(cluster: &Cluster, ns: &str, pod: &mut Value) -> Result<(), ApiError> {
    if pod["metadata"]["annotations"]
        .get("kubernetes.io/config.mirror")
        .is_some()
    {
        return Ok(());
    }
    let sa_name = pod["spec"]["serviceAccountName"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    let sa = cluster
        .get(&SERVICEACCOUNTS, Some(ns), &sa_name)
        .map_err(|_| {
            let name = pod["metadata"]["name"].as_str().unwrap_or_default();
            ApiError::new(
                403,
                "Forbidden",
                format!(
                    "pods {name:?} is forbidden: error looking up service account {ns}/{sa_name}: serviceaccount {sa_name:?} not found"
                ),
            )
            .with_details_pub(json!({"name": name, "kind": "pods"}))
        })?;
    // shouldAutomount: the pod's preference, then the ServiceAccount's, else true.
    let automount = pod["spec"]["automountServiceAccountToken"]
        .as_bool()
        .or(sa["automountServiceAccountToken"].as_bool())
        .unwrap_or(true);
    if automount {
        crate::registry::add_service_account_token_volume(pod);
    }
    let has_pull_secrets = pod["spec"]["imagePullSecrets"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    if !has_pull_secrets {
        if let Some(secrets) = sa["imagePullSecrets"].as_array().filter(|a| !a.is_empty()) {
            let names: Vec<Value> = secrets
                .iter()
                .map(|s| json!({"name": s["name"].as_str().unwrap_or_default()}))
                .collect();
            pod["spec"]["imagePullSecrets"] = Value::Array(names);
        }
    }
    Ok(())
}

/// The repair half of the controllers above: on every change, every active namespace has its
/// objects and `default/kubernetes` exists (upstream's controllers resync on their own
/// events and periodically).
pub async fn run(cluster: Arc<Cluster>, port: u16) {
    let mut rx = cluster.subscribe();
    loop {
        for ns in cluster.list_items(&NAMESPACES, None, None) {
            if let Some(name) = ns["metadata"]["name"].as_str() {
                ensure_namespace_objects(&cluster, name);
            }
        }
        ensure_kubernetes_service(&cluster, port);
        rx.borrow_and_update();
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            _ = tokio::time::sleep(std::time::Duration::from_secs(10)) => {}
        }
    }
}
