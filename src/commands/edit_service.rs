//! `edit-service NAME`: list, add, change and remove ports of the StatefulSet's headless
//! Service (spec.serviceName); the Service is updated with a PUT of its raw object.

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::cli::EditServiceArgs;
use crate::kube::raw::{collection, RawError};
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
    let diff = change::unified(
        &render::to_yaml(&serde_json::json!({"ports": before}))?,
        &render::to_yaml(&serde_json::json!({"ports": after}))?,
        &format!("service/{svc_name} (live)"),
        &format!("service/{svc_name} (new)"),
        ctx.color,
    );
    if diff.is_empty() {
        println!("No changes: service {svc_name:?} already has these ports.");
        return Ok(());
    }
    render::out(&diff)?;
    let mut body = svc.clone();
    body["spec"]["ports"] = Value::Array(after);
    if args.dry_run {
        kube.put_raw(&path, &body, true)
            .await
            .map_err(anyhow::Error::from)
            .with_context(|| format!("the server rejects the change of service {svc_name:?}"))?;
        println!("(server dry run: the change is valid; nothing saved)");
        return Ok(());
    }
    kube.put_raw(&path, &body, false)
        .await
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot update service {svc_name:?}"))?;
    println!("service/{svc_name} updated");
    Ok(())
}
