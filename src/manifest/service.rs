//! The headless Service of a StatefulSet, by the KubeSphere console's rules (kubesphere/console
//! src/components/Forms/Workload):
//! `clusterIP: None`, selector = pod template labels without `version`, one port per container
//! port `{name, protocol, port, targetPort}`, annotation `kubesphere.io/serviceType:
//! statefulservice`. The ports of native sidecars (init containers with `restartPolicy:
//! Always`) are included after the containers': they serve traffic for the pod's whole life,
//! and upstream resolves a Service's named targetPort in them too (pkg/api/v1/pod/util.go,
//! FindPort, since the SidecarContainers feature).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub const SERVICE_TYPE_ANNOTATION: &str = "kubesphere.io/serviceType";

pub fn headless_service(sts: &StatefulSet, name: &str) -> Service {
    let spec = sts.spec.as_ref();
    let template_labels = spec
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let selector: BTreeMap<String, String> = template_labels
        .iter()
        .filter(|(k, _)| k.as_str() != "version")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut ports = Vec::new();
    if let Some(pod) = spec.and_then(|s| s.template.spec.as_ref()) {
        let sidecars = pod
            .init_containers
            .iter()
            .flatten()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"));
        for c in pod.containers.iter().chain(sidecars) {
            for p in c.ports.iter().flatten() {
                let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
                ports.push(ServicePort {
                    name: Some(p.name.clone().unwrap_or_else(|| {
                        format!("{}-{}", proto.to_ascii_lowercase(), p.container_port)
                    })),
                    protocol: Some(proto),
                    port: p.container_port,
                    target_port: Some(IntOrString::Int(p.container_port)),
                    ..Default::default()
                });
            }
        }
    }
    Service {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: sts.metadata.namespace.clone(),
            labels: sts.metadata.labels.clone(),
            annotations: Some(BTreeMap::from([(
                SERVICE_TYPE_ANNOTATION.to_string(),
                "statefulservice".to_string(),
            )])),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".into()),
            selector: (!selector.is_empty()).then_some(selector),
            ports: (!ports.is_empty()).then_some(ports),
            ..Default::default()
        }),
        status: None,
    }
}
