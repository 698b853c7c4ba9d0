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
    for name in &args.remove_container {
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
    // The typed PodSpec must read it (a wrong type would be refused by the server anyway).
    serde_json::from_value::<k8s_openapi::api::core::v1::PodSpec>(pod.clone())
        .map_err(|e| anyhow!("the edited pod template is not valid: {e}"))?;

    strategy(&mut after, args)?;
    Ok(TemplateEdit {
        template_changed: after["spec"]["template"] != live["spec"]["template"],
        strategy_changed: after["spec"]["updateStrategy"] != live["spec"]["updateStrategy"],
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
