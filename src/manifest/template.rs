//! `edit-template`: the console's Edit Config Template as a pure plan. The live object is
//! changed as JSON (never through the typed structs), so every field this client does not know
//! is sent back as it was; the result is sent as a PUT with the live resourceVersion.

use anyhow::{anyhow, Result};
use serde_json::{json, Value};

use super::containers;
use crate::cli::{ContainerScope, EditTemplateArgs};
use crate::errors::usage;

/// The object after the edit, and what changed.
#[derive(Debug, Clone)]
pub struct TemplateEdit {
    pub after: Value,
    pub template_changed: bool,
    pub strategy_changed: bool,
    /// Pod volumes removed because only removed containers mounted them.
    pub pruned_volumes: Vec<String>,
}

/// Applies the flags to the live StatefulSet `live`. Order: containers removed, sidecars added,
/// the container settings (before `-c`: the first container; after `-c NAME`: NAME), volumes
/// unmounted, then mounted, then the update strategy.
pub fn plan(live: &Value, args: &EditTemplateArgs) -> Result<TemplateEdit> {
    let mut after = live.clone();
    let claims: Vec<String> = live["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    let pod = &mut after["spec"]["template"]["spec"];
    if !pod.is_object() {
        return Err(anyhow!("the StatefulSet has no pod template spec"));
    }
    let mut orphan_candidates = Vec::new();
    for name in &args.remove_container {
        orphan_candidates.extend(containers::volumes_used_by(pod, name));
        containers::remove_container(pod, name)?;
    }
    if args.main.native && args.add_sidecar.is_empty() {
        return Err(usage(
            "--native makes the --add-sidecar containers native sidecars; give an --add-sidecar",
        ));
    }
    let mut added = Vec::new();
    for spec in &args.add_sidecar {
        let name = spec.split_once('=').map(|(n, _)| n).unwrap_or_default();
        let native = args.main.native || args.scopes.iter().any(|(n, s)| n == name && s.native);
        added.push(containers::add_sidecar(pod, spec, "--add-sidecar", native)?);
    }
    for (name, s) in &args.scopes {
        if s.native && !added.contains(name) {
            return Err(usage(format!(
                "-c {name} --native: only an --add-sidecar can be made a native sidecar"
            )));
        }
    }
    let first = pod["containers"][0]["name"]
        .as_str()
        .ok_or_else(|| anyhow!("the pod template has no containers"))?
        .to_string();
    let main = ContainerScope {
        mount: Vec::new(),
        native: false,
        ..args.main.clone()
    };
    let mut scopes = Vec::new();
    if main != ContainerScope::default() {
        scopes.push((first.clone(), main));
    }
    scopes.extend(args.scopes.iter().cloned());
    containers::apply_scopes(pod, &scopes)?;
    for v in &args.unmount {
        containers::unmount(pod, v, &claims)?;
    }
    let mounts = containers::collect_mounts(&args.main.mount, &args.scopes)?;
    containers::apply_mounts(pod, &mounts, &first, &claims)?;
    // After the mounts: a volume a --mount gives to another container stays.
    let pruned_volumes = containers::prune_volumes(pod, &orphan_candidates);
    // The typed PodSpec must read it (a wrong type would be refused by the server anyway).
    serde_json::from_value::<k8s_openapi::api::core::v1::PodSpec>(pod.clone())
        .map_err(|e| anyhow!("the edited pod template is not valid: {e}"))?;

    strategy(&mut after, args)?;
    Ok(TemplateEdit {
        template_changed: after["spec"]["template"] != live["spec"]["template"],
        strategy_changed: after["spec"]["updateStrategy"] != live["spec"]["updateStrategy"],
        pruned_volumes,
        after,
    })
}

fn strategy(after: &mut Value, args: &EditTemplateArgs) -> Result<()> {
    let current = after["spec"]["updateStrategy"]["type"]
        .as_str()
        .unwrap_or("RollingUpdate")
        .to_string();
    let ty = match args
        .update_strategy
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => current.clone(),
        Some("rollingupdate") | Some("rolling") => "RollingUpdate".into(),
        Some("ondelete") => "OnDelete".into(),
        Some(other) => {
            return Err(usage(format!(
                "--update-strategy {other:?}: expected RollingUpdate or OnDelete"
            )))
        }
    };
    if args.update_strategy.is_none() && args.partition.is_none() {
        return Ok(());
    }
    if ty == "OnDelete" {
        if args.partition.is_some() {
            return Err(usage(
                "--partition only applies to the RollingUpdate update strategy",
            ));
        }
        after["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        return Ok(());
    }
    let partition = args.partition.map(Value::from).unwrap_or_else(|| {
        match after["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone() {
            Value::Null => 0.into(),
            p => p,
        }
    });
    let mut rolling = after["spec"]["updateStrategy"]["rollingUpdate"].clone();
    if !rolling.is_object() {
        rolling = json!({});
    }
    rolling["partition"] = partition;
    after["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": rolling});
    Ok(())
}

/// The ports of containers and native sidecars (init containers with `restartPolicy: Always`):
/// the ones a Service's targetPort resolves in (upstream pkg/api/v1/pod/util.go, FindPort).
fn serving_ports(pod: &Value) -> Vec<&Value> {
    let sidecars = pod["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["restartPolicy"] == "Always");
    pod["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(sidecars)
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .collect()
}

/// Whether the edit takes away a port of a container or native sidecar (then the Service is
/// worth a look).
pub fn removes_serving_ports(live: &Value, after: &Value) -> bool {
    let now = serving_ports(&after["spec"]["template"]["spec"]);
    serving_ports(&live["spec"]["template"]["spec"])
        .into_iter()
        .any(|p| !now.contains(&p))
}

/// Whether a Service port's target (its targetPort, else its port) is declared in `pod`: a
/// name by a port of that name and protocol, a number by a containerPort of that number and
/// protocol.
fn declared(pod: &Value, svc_port: &Value) -> bool {
    let proto = |v: &Value| v["protocol"].as_str().unwrap_or("TCP").to_string();
    let target = match &svc_port["targetPort"] {
        Value::Null => svc_port["port"].clone(),
        t => t.clone(),
    };
    serving_ports(pod).into_iter().any(|p| {
        proto(p) == proto(svc_port)
            && match &target {
                Value::String(name) => p["name"] == name.as_str(),
                n => p["containerPort"] == *n,
            }
    })
}

/// The ports of `service` whose target the live pod template declared and the edited one no
/// longer does (`--remove-port`, `--remove-container`): `(port name, port, target, named)`.
/// The Service is left as it is (see the warning of `edit-template`).
pub fn service_ports_losing_their_target(
    service: &Value,
    live: &Value,
    after: &Value,
) -> Vec<(String, i64, String, bool)> {
    let (before, now) = (
        &live["spec"]["template"]["spec"],
        &after["spec"]["template"]["spec"],
    );
    service["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| declared(before, p) && !declared(now, p))
        .map(|p| {
            let target = match &p["targetPort"] {
                Value::Null => p["port"].to_string(),
                Value::String(s) => s.clone(),
                n => n.to_string(),
            };
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["port"].as_i64().unwrap_or_default(),
                target,
                p["targetPort"].is_string(),
            )
        })
        .collect()
}

/// The part of the object the diff shows: the update strategy and the pod template.
pub fn diff_view(sts: &Value) -> Value {
    json!({"updateStrategy": sts["spec"]["updateStrategy"], "template": sts["spec"]["template"]})
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn live() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
          "metadata": {"name": "db", "resourceVersion": "7", "annotations": {"x.example/keep": "1"}},
          "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {
              "containers": [{"name": "pg", "image": "postgres:16", "futureField": true},
                             {"name": "metrics", "image": "exp:1"}],
              "volumes": [{"name": "scratch", "emptyDir": {}}]}}}})
    }

    fn args(argv: &[&str]) -> EditTemplateArgs {
        let mut full = vec!["k", "edit-template", "db"];
        full.extend_from_slice(argv);
        let os: Vec<std::ffi::OsString> = full.iter().map(Into::into).collect();
        let (os, scopes) = crate::cli::split_scopes(&os, &crate::cli::command());
        let cli = crate::cli::Cli::parse_from(os);
        match cli.command {
            crate::cli::Command::EditTemplate(mut a) => {
                a.scopes = crate::cli::parse_scopes(scopes).unwrap();
                *a
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn image_before_c_goes_to_the_first_container_and_unknown_fields_stay() {
        let e = plan(
            &live(),
            &args(&[
                "--image",
                "postgres:17",
                "-c",
                "metrics",
                "--image",
                "exp:2",
            ]),
        )
        .unwrap();
        let c = &e.after["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0]["image"], "postgres:17");
        assert_eq!(c[0]["futureField"], true);
        assert_eq!(c[1]["image"], "exp:2");
        assert_eq!(e.after["metadata"]["resourceVersion"], "7");
        assert_eq!(e.after["metadata"]["annotations"]["x.example/keep"], "1");
        assert!(e.template_changed && !e.strategy_changed);
    }

    #[test]
    fn sidecars_come_and_go_with_their_volumes() {
        let e = plan(
            &live(),
            &args(&[
                "--add-sidecar",
                "log=busybox:1.36",
                "--native",
                "--remove-container",
                "metrics",
                "--mount",
                "log@emptydir:scratch:/scratch",
                "-c",
                "log",
                "--mount",
                "configmap:cfg:/cfg",
            ]),
        )
        .unwrap();
        let pod = &e.after["spec"]["template"]["spec"];
        assert_eq!(pod["containers"].as_array().unwrap().len(), 1);
        assert_eq!(pod["initContainers"][0]["restartPolicy"], "Always");
        assert_eq!(
            pod["initContainers"][0]["volumeMounts"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(pod["volumes"].as_array().unwrap().len(), 2);
        let e = plan(&live(), &args(&["--unmount", "scratch"])).unwrap();
        assert!(e.after["spec"]["template"]["spec"].get("volumes").is_none());
        assert!(plan(&live(), &args(&["--unmount", "data"]))
            .unwrap_err()
            .to_string()
            .contains("claim template"));
        assert!(plan(&live(), &args(&["--native"])).is_err());
    }

    #[test]
    fn removed_ports_the_service_targets_are_found_in_containers_and_native_sidecars() {
        let mut sts = live();
        let pod = &mut sts["spec"]["template"]["spec"];
        pod["containers"][0]["ports"] = json!([{"name": "pg", "containerPort": 5432}]);
        pod["containers"][1]["ports"] = json!([{"name": "metrics", "containerPort": 9187}]);
        pod["initContainers"] = json!([{"name": "proxy", "image": "envoy:1", "restartPolicy": "Always",
            "ports": [{"name": "admin", "containerPort": 9901}]}]);
        let svc = json!({"spec": {"ports": [
            {"name": "pg", "port": 5432, "protocol": "TCP", "targetPort": 5432},
            {"name": "metrics", "port": 9187, "protocol": "TCP", "targetPort": "metrics"},
            {"name": "admin", "port": 9901, "protocol": "TCP", "targetPort": 9901},
            {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53}]}});
        let e = plan(
            &sts,
            &args(&[
                "--remove-port",
                "5432",
                "-c",
                "metrics",
                "--remove-port",
                "metrics",
                "-c",
                "proxy",
                "--remove-port",
                "admin",
            ]),
        )
        .unwrap();
        let lost = service_ports_losing_their_target(&svc, &sts, &e.after);
        assert_eq!(
            lost,
            [
                ("pg".to_string(), 5432, "5432".to_string(), false),
                ("metrics".to_string(), 9187, "metrics".to_string(), true),
                ("admin".to_string(), 9901, "9901".to_string(), false),
            ]
        );
        // Removing the container takes its ports too; nothing removed, nothing lost.
        let e = plan(&sts, &args(&["--remove-container", "metrics"])).unwrap();
        let lost = service_ports_losing_their_target(&svc, &sts, &e.after);
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].0, "metrics");
        let e = plan(&sts, &args(&["--image", "postgres:17"])).unwrap();
        assert!(service_ports_losing_their_target(&svc, &sts, &e.after).is_empty());
        assert!(!removes_serving_ports(&sts, &e.after));
        assert!(plan(&sts, &args(&["--remove-port", "nope"])).is_err());
        assert!(plan(&sts, &args(&["-c", "proxy", "--remove-env", "X"])).is_err());
    }

    #[test]
    fn removed_containers_take_the_volumes_only_they_mounted() {
        let mut sts = live();
        let pod = &mut sts["spec"]["template"]["spec"];
        pod["containers"][0]["volumeMounts"] = json!([{"name": "shared", "mountPath": "/s"},
            {"name": "data", "mountPath": "/d"}]);
        pod["containers"][1]["volumeMounts"] = json!([{"name": "shared", "mountPath": "/s"},
            {"name": "exp-conf", "mountPath": "/c"}, {"name": "data", "mountPath": "/d"}]);
        pod["initContainers"] = json!([{"name": "log", "image": "busybox", "restartPolicy": "Always",
            "volumeMounts": [{"name": "logs", "mountPath": "/logs"}],
            "volumeDevices": [{"name": "raw", "devicePath": "/dev/x"}]}]);
        pod["volumes"] = json!([{"name": "scratch", "emptyDir": {}}, {"name": "shared", "emptyDir": {}},
            {"name": "exp-conf", "configMap": {"name": "exp"}}, {"name": "logs", "emptyDir": {}},
            {"name": "raw", "persistentVolumeClaim": {"claimName": "raw"}}]);
        let e = plan(
            &sts,
            &args(&["--remove-container", "metrics", "--remove-container", "log"]),
        )
        .unwrap();
        // `scratch` was mounted by nobody before and stays; `shared` by pg too; `data` is a
        // claim template.
        assert_eq!(e.pruned_volumes, ["exp-conf", "logs", "raw"]);
        let vols: Vec<&str> = e.after["spec"]["template"]["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(vols, ["scratch", "shared"]);
        assert_eq!(
            e.after["spec"]["volumeClaimTemplates"],
            sts["spec"]["volumeClaimTemplates"]
        );
        // A --mount in the same edit that gives the volume to a remaining container keeps it.
        let e = plan(
            &sts,
            &args(&[
                "--remove-container",
                "log",
                "--mount",
                "emptydir:logs:/logs",
            ]),
        )
        .unwrap();
        assert_eq!(e.pruned_volumes, ["raw"]);
        assert!(plan(&live(), &args(&["--image", "x:1"]))
            .unwrap()
            .pruned_volumes
            .is_empty());
    }

    #[test]
    fn strategy_and_partition() {
        let e = plan(&live(), &args(&["--partition", "2"])).unwrap();
        assert_eq!(
            e.after["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
        );
        assert!(e.strategy_changed && !e.template_changed);
        let e = plan(&live(), &args(&["--update-strategy", "OnDelete"])).unwrap();
        assert_eq!(
            e.after["spec"]["updateStrategy"],
            json!({"type": "OnDelete"})
        );
        assert!(plan(
            &live(),
            &args(&["--update-strategy", "OnDelete", "--partition", "1"])
        )
        .is_err());
        let e = plan(&live(), &args(&[])).unwrap();
        assert!(!e.template_changed && !e.strategy_changed);
    }
}
