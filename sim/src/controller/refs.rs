//! What the kubelet checks before it can run a pod's containers: the ConfigMaps and Secrets
//! its volumes and its containers' environment reference. Pure functions over the pod and a
//! lookup of the objects, returning upstream's error texts.
//!
//! Upstream: pkg/volume/configmap/configmap.go and pkg/volume/secret/secret.go (SetUpAt,
//! MakePayload), pkg/volume/projected/projected.go (collectData),
//! pkg/volume/util/operationexecutor/operation_generator.go (the FailedMount text),
//! pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables), pkg/kubelet/configmap and
//! pkg/kubelet/secret (the managers' NotFound: `configmap "x" not found`),
//! pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer: `Error: ...`).

use serde_json::Value;

/// The kind of object a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ConfigMap,
    Secret,
}

impl Kind {
    /// How the kubelet's managers name it in NotFound errors.
    fn resource(self) -> &'static str {
        match self {
            Kind::ConfigMap => "configmap",
            Kind::Secret => "secret",
        }
    }
}

/// `lookup(kind, name)`: the object in the pod's namespace, if it exists.
pub type Lookup<'a> = dyn Fn(Kind, &str) -> Option<Value> + 'a;

/// The kube-root-ca.crt ConfigMap the root-ca-cert-publisher keeps in every namespace (the
/// service-account token volume projects it); the simulator has no such controller, so the
/// kubelet takes it as present.
const ROOT_CA: &str = "kube-root-ca.crt";

fn has_key(obj: &Value, kind: Kind, key: &str, binary_too: bool) -> bool {
    obj["data"].get(key).is_some()
        || (binary_too && kind == Kind::ConfigMap && obj["binaryData"].get(key).is_some())
}

/// One configMap/secret volume source (or projected source): Err is the SetUp error.
fn check_source(source: &Value, kind: Kind, lookup: &Lookup) -> Result<(), String> {
    let name_field = if kind == Kind::Secret && source.get("secretName").is_some() {
        "secretName"
    } else {
        "name"
    };
    let name = source[name_field].as_str().unwrap_or_default();
    let optional = source["optional"].as_bool() == Some(true);
    if kind == Kind::ConfigMap && name == ROOT_CA {
        return Ok(());
    }
    let Some(obj) = lookup(kind, name) else {
        if optional {
            return Ok(());
        }
        return Err(format!("{} {name:?} not found", kind.resource()));
    };
    for item in source["items"].as_array().into_iter().flatten() {
        let key = item["key"].as_str().unwrap_or_default();
        if !has_key(&obj, kind, key, true) && !optional {
            return Err(match kind {
                Kind::ConfigMap => format!("configmap references non-existent config key: {key}"),
                Kind::Secret => format!("secret references non-existent secret key: {key}"),
            });
        }
    }
    Ok(())
}

/// The volumes that cannot be set up, with the FailedMount message of each
/// (`MountVolume.SetUp failed for volume "cfg" : configmap "app" not found`), in spec order.
pub fn volume_failures(pod: &Value, lookup: &Lookup) -> Vec<String> {
    let mut out = Vec::new();
    for vol in pod["spec"]["volumes"].as_array().into_iter().flatten() {
        let name = vol["name"].as_str().unwrap_or_default();
        let result = if vol["configMap"].is_object() {
            check_source(&vol["configMap"], Kind::ConfigMap, lookup)
        } else if vol["secret"].is_object() {
            check_source(&vol["secret"], Kind::Secret, lookup)
        } else if let Some(sources) = vol["projected"]["sources"].as_array() {
            // collectData gathers every source's error into one aggregate.
            let errs: Vec<String> = sources
                .iter()
                .filter_map(|s| {
                    if s["configMap"].is_object() {
                        check_source(&s["configMap"], Kind::ConfigMap, lookup).err()
                    } else if s["secret"].is_object() {
                        check_source(&s["secret"], Kind::Secret, lookup).err()
                    } else {
                        None
                    }
                })
                .collect();
            match errs.len() {
                0 => Ok(()),
                1 => Err(errs[0].clone()),
                _ => Err(format!("[{}]", errs.join(", "))),
            }
        } else {
            Ok(())
        };
        if let Err(e) = result {
            out.push(format!(
                "MountVolume.SetUp failed for volume {name:?} : {e}"
            ));
        }
    }
    out
}

/// The error makeEnvironmentVariables returns for a container: envFrom first, then env, the
/// first failing reference decides; optional references are skipped.
pub fn env_error(namespace: &str, container: &Value, lookup: &Lookup) -> Option<String> {
    for from in container["envFrom"].as_array().into_iter().flatten() {
        let (kind, r) = if from["configMapRef"].is_object() {
            (Kind::ConfigMap, &from["configMapRef"])
        } else if from["secretRef"].is_object() {
            (Kind::Secret, &from["secretRef"])
        } else {
            continue;
        };
        let name = r["name"].as_str().unwrap_or_default();
        if lookup(kind, name).is_none() && r["optional"].as_bool() != Some(true) {
            return Some(format!("{} {name:?} not found", kind.resource()));
        }
    }
    for env in container["env"].as_array().into_iter().flatten() {
        let from = &env["valueFrom"];
        let (kind, r) = if from["configMapKeyRef"].is_object() {
            (Kind::ConfigMap, &from["configMapKeyRef"])
        } else if from["secretKeyRef"].is_object() {
            (Kind::Secret, &from["secretKeyRef"])
        } else {
            continue;
        };
        let name = r["name"].as_str().unwrap_or_default();
        let key = r["key"].as_str().unwrap_or_default();
        let optional = r["optional"].as_bool() == Some(true);
        match lookup(kind, name) {
            None if optional => continue,
            None => return Some(format!("{} {name:?} not found", kind.resource())),
            Some(obj) if !has_key(&obj, kind, key, false) && !optional => {
                let k = if kind == Kind::ConfigMap {
                    "ConfigMap"
                } else {
                    "Secret"
                };
                return Some(format!("couldn't find key {key} in {k} {namespace}/{name}"));
            }
            Some(_) => {}
        }
    }
    None
}

/// The retry delays of a failing volume mount (nestedpendingoperations' exponential backoff:
/// 500 ms doubling, at most 2 m 2 s): the attempt `k` (0-based) happens this long after the
/// first.
pub fn mount_attempt_offset_ms(k: u32) -> i64 {
    let mut at = 0i64;
    let mut wait = 500i64;
    for _ in 0..k {
        at += wait;
        wait = (wait * 2).min(122_000);
    }
    at
}

/// The pod worker's back-off after a failed sync (kubelet.go backOffPeriod): how often a
/// container whose configuration cannot be made is tried again.
pub const CONFIG_RETRY_MS: i64 = 10_000;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lookup(kind: Kind, name: &str) -> Option<Value> {
        match (kind, name) {
            (Kind::ConfigMap, "app") => {
                Some(json!({"data": {"mode": "x"}, "binaryData": {"blob": ""}}))
            }
            (Kind::Secret, "db") => Some(json!({"data": {"password": "cGFzcw=="}})),
            _ => None,
        }
    }

    #[test]
    fn volume_messages() {
        let pod = json!({"spec": {"volumes": [
            {"name": "ok", "configMap": {"name": "app", "items": [{"key": "blob", "path": "b"}]}},
            {"name": "cfg", "configMap": {"name": "missing"}},
            {"name": "opt", "configMap": {"name": "missing", "optional": true}},
            {"name": "keys", "configMap": {"name": "app", "items": [{"key": "nope", "path": "n"}]}},
            {"name": "sec", "secret": {"secretName": "gone"}},
            {"name": "seckey", "secret": {"secretName": "db", "items": [{"key": "user", "path": "u"}]}},
            {"name": "proj", "projected": {"sources": [
                {"configMap": {"name": "kube-root-ca.crt"}}, {"secret": {"name": "gone"}}, {"configMap": {"name": "x"}}]}},
            {"name": "data", "emptyDir": {}}]}});
        let lookup: &Lookup = &lookup;
        assert_eq!(
            volume_failures(&pod, lookup),
            [
                "MountVolume.SetUp failed for volume \"cfg\" : configmap \"missing\" not found",
                "MountVolume.SetUp failed for volume \"keys\" : configmap references non-existent config key: nope",
                "MountVolume.SetUp failed for volume \"sec\" : secret \"gone\" not found",
                "MountVolume.SetUp failed for volume \"seckey\" : secret references non-existent secret key: user",
                "MountVolume.SetUp failed for volume \"proj\" : [secret \"gone\" not found, configmap \"x\" not found]",
            ]
        );
    }

    #[test]
    fn env_messages() {
        let lookup: &Lookup = &lookup;
        let c = |env: Value, from: Value| json!({"name": "c", "env": env, "envFrom": from});
        assert_eq!(
            env_error(
                "default",
                &c(json!([{"name": "A", "value": "1"}]), json!(null)),
                lookup
            ),
            None
        );
        assert_eq!(
            env_error(
                "default",
                &c(json!(null), json!([{"configMapRef": {"name": "nope"}}])),
                lookup
            ),
            Some("configmap \"nope\" not found".into())
        );
        assert_eq!(
            env_error(
                "default",
                &c(
                    json!(null),
                    json!([{"secretRef": {"name": "nope", "optional": true}}])
                ),
                lookup
            ),
            None
        );
        let key = |kind: &str, name: &str, k: &str| json!([{"name": "V", "valueFrom": {kind: {"name": name, "key": k}}}]);
        assert_eq!(
            env_error(
                "demo",
                &c(key("configMapKeyRef", "app", "blob"), json!(null)),
                lookup
            ),
            Some("couldn't find key blob in ConfigMap demo/app".into())
        );
        assert_eq!(
            env_error(
                "demo",
                &c(key("secretKeyRef", "db", "user"), json!(null)),
                lookup
            ),
            Some("couldn't find key user in Secret demo/db".into())
        );
        assert_eq!(
            env_error(
                "demo",
                &c(key("secretKeyRef", "nope", "user"), json!(null)),
                lookup
            ),
            Some("secret \"nope\" not found".into())
        );
        assert_eq!(
            env_error(
                "demo",
                &c(key("secretKeyRef", "db", "password"), json!(null)),
                lookup
            ),
            None
        );
    }

    #[test]
    fn mount_backoff() {
        let offsets: Vec<i64> = (0..10).map(mount_attempt_offset_ms).collect();
        assert_eq!(
            offsets,
            [0, 500, 1500, 3500, 7500, 15500, 31500, 63500, 127500, 249500]
        );
    }
}
