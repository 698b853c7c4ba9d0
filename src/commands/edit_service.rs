//! `edit-service NAME`: list, add, change and remove ports of the StatefulSet's headless
//! Service (spec.serviceName); the Service is updated with a PUT of its raw object.

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::cli::EditServiceArgs;
use crate::kube::raw::{collection, PatchType, RawError};
use crate::manifest::ports;
use crate::render::{self, change};
use crate::Ctx;

pub async fn run(args: EditServiceArgs, ctx: &Ctx) -> Result<()> {
    let set: Vec<ports::PortSpec> = args
        .port
        .iter()
        .map(|s| ports::parse(s))
        .collect::<Result<_>>()?;
    let kube = ctx.kube().await?;
    let sts = kube.get_sts_json(&args.name).await?;
    let Some(svc_name) = sts["spec"]["serviceName"]
        .as_str()
        .filter(|s| !s.is_empty())
    else {
        bail!("statefulset {:?} has no spec.serviceName", args.name);
    };
    let path = format!(
        "{}/{svc_name}",
        collection("v1", "services", Some(&kube.namespace))
    );
    let svc = match kube.get_raw(&path).await {
        Ok(v) => v,
        Err(RawError::Status(s)) if s.code == 404 => bail!(
            "the service {svc_name:?} of statefulset {:?} does not exist in namespace {:?}",
            args.name,
            kube.namespace
        ),
        Err(e) => return Err(anyhow::Error::from(e)).context("cannot read the service"),
    };
    let before: Vec<Value> = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    if set.is_empty() && args.remove.is_empty() {
        println!("Service {svc_name}:");
        let rows = before
            .iter()
            .map(|p| {
                let s = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                vec![
                    s(&p["name"]),
                    s(&p["protocol"]),
                    s(&p["port"]),
                    s(&p["targetPort"]),
                ]
            })
            .collect();
        return render::out(&render::table(
            &["name", "protocol", "port", "target port"],
            rows,
        ));
    }
    let after = ports::apply(&before, &set, &args.remove)?;
    let containers: Vec<Value> = sts["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // With --sync-container-ports: the container and the plan for its ports.
    let sync = if args.sync_container_ports {
        let container = match &args.container {
            Some(c) => containers.iter().find(|x| x["name"] == c.as_str()),
            None => containers.first(),
        };
        let Some(container) = container else {
            let names: Vec<&str> = containers
                .iter()
                .filter_map(|c| c["name"].as_str())
                .collect();
            bail!(
                "statefulset {:?} has no container {:?} (containers: {})",
                args.name,
                args.container.as_deref().unwrap_or_default(),
                names.join(", ")
            );
        };
        let cname = container["name"].as_str().unwrap_or_default().to_string();
        let cports: Vec<Value> = container["ports"].as_array().cloned().unwrap_or_default();
        let removed: Vec<Value> = before
            .iter()
            .filter(|p| args.remove.iter().any(|r| p["name"] == r.as_str()))
            .cloned()
            .collect();
        let plan = ports::plan_container_ports(&cports, &after, &set, &removed);
        Some((cname, cports, plan))
    } else {
        let missing = ports::unexposed(&after, &containers);
        if !missing.is_empty() {
            eprintln!(
                "Warning: service port(s) {} target a port no container of statefulset {:?} exposes; use --sync-container-ports to add it to the pod template.",
                missing.join(", "),
                args.name
            );
        }
        None
    };
    let diff = change::unified(
        &render::to_yaml(&serde_json::json!({"ports": before}))?,
        &render::to_yaml(&serde_json::json!({"ports": after}))?,
        &format!("service/{svc_name} (live)"),
        &format!("service/{svc_name} (new)"),
        ctx.color,
    );
    let sts_diff = match &sync {
        Some((cname, cports, plan)) if !plan.is_empty() => change::unified(
            &render::to_yaml(&serde_json::json!({"ports": cports}))?,
            &render::to_yaml(&serde_json::json!({"ports": plan.applied(cports)}))?,
            &format!("statefulset/{} container {cname} (live)", args.name),
            &format!("statefulset/{} container {cname} (new)", args.name),
            ctx.color,
        ),
        _ => String::new(),
    };
    if diff.is_empty() && sts_diff.is_empty() {
        println!("No changes: service {svc_name:?} already has these ports.");
        return Ok(());
    }
    if !diff.is_empty() {
        render::out(&diff)?;
    }
    if !sts_diff.is_empty() {
        render::out(&sts_diff)?;
    }
    let sts_patch = match &sync {
        Some((cname, _, plan)) if !plan.is_empty() => Some(plan.patch(cname)),
        _ => None,
    };
    let sts_path = kube.statefulset_path(&args.name);
    let mut body = svc.clone();
    body["spec"]["ports"] = Value::Array(after);
    if args.dry_run {
        if !diff.is_empty() {
            kube.put_raw(&path, &body, true)
                .await
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!("the server rejects the change of service {svc_name:?}")
                })?;
        }
        if let Some(patch) = &sts_patch {
            kube.patch_raw(&sts_path, patch, PatchType::Strategic, true)
                .await
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!(
                        "the server rejects the change of statefulset {:?}",
                        args.name
                    )
                })?;
        }
        println!("(server dry run: the change is valid; nothing saved)");
        return Ok(());
    }
    let updated = if diff.is_empty() {
        None
    } else {
        Some(
            kube.put_raw(&path, &body, false)
                .await
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot update service {svc_name:?}"))?,
        )
    };
    if let Some(patch) = &sts_patch {
        if let Err(e) = kube
            .patch_raw(&sts_path, patch, PatchType::Strategic, false)
            .await
        {
            // All or nothing: the Service goes back to the ports it had (a PUT at the updated
            // resourceVersion, so a concurrent change of it is not overwritten).
            let note = match updated {
                None => String::new(),
                Some(mut restore) => {
                    restore["spec"]["ports"] = Value::Array(before);
                    match kube.put_raw(&path, &restore, false).await {
                        Ok(_) => format!("; service/{svc_name} was restored to its previous ports"),
                        Err(r) => format!(
                            "; service/{svc_name} keeps the new ports (restoring them failed: {:#})",
                            anyhow::Error::from(r)
                        ),
                    }
                }
            };
            return Err(anyhow::Error::from(e).context(format!(
                "cannot update the container ports of statefulset {:?}{note}",
                args.name
            )));
        }
    }
    if updated.is_some() {
        println!("service/{svc_name} updated");
    }
    if sts_patch.is_some() {
        println!("statefulset.apps/{} patched (container ports)", args.name);
    }
    Ok(())
}
