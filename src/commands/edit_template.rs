//! `edit-template NAME`: the console's Edit Config Template. GET, the change as a plan
//! (`manifest::template`), the diff and what the rollout will do, confirm, PUT with the live
//! resourceVersion (so a concurrent change is a conflict, never overwritten), `--wait`.

use anyhow::{bail, Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;

use crate::cli::{DryRun, EditTemplateArgs, OutputFormat};
use crate::errors::with_hint;
use crate::kube::raw::RawError;
use crate::kube::Kube;
use crate::manifest::{containers, rollout, template};
use crate::render::{self, change};
use crate::Ctx;

pub async fn run(mut args: EditTemplateArgs, ctx: &Ctx) -> Result<()> {
    let dry = args.dry_run.mode();
    let deadline = if args.wait.wait {
        if dry != DryRun::None {
            bail!("--wait cannot be combined with --dry-run");
        }
        Some(super::wait::deadline(&args.wait.timeout)?)
    } else {
        None
    };
    let mut kube = ctx.kube().await?;
    kube.field_validation = Some("Strict");
    let live = kube.get_sts_json(&args.name).await?;
    if args.interactive {
        if !ctx.interactive {
            bail!("-i/--interactive needs a terminal (stdin and stdout); give the flags instead");
        }
        super::wizard::edit_template(&live, &mut args)?;
    }
    let edit = template::plan(&live, &args)?;
    let pod = |o: &serde_json::Value| o["spec"]["template"]["spec"].clone();
    if !containers::has_native_sidecar(&pod(&live)) {
        check_native_sidecars(&kube, &pod(&edit.after)).await?;
    }
    if !edit.template_changed && !edit.strategy_changed {
        println!(
            "No changes: statefulset {:?} already has this template.",
            args.name
        );
        return Ok(());
    }
    // A new image that its registry does not have is refused before anything is shown or sent.
    crate::kube::images::check_template(
        &kube,
        &args.images,
        &edit.after["spec"]["template"],
        Some(&live["spec"]["template"]),
    )
    .await?;
    if template::removes_serving_ports(&live, &edit.after) {
        warn_service_ports(&kube, &live, &edit.after).await;
    }
    // Would the new pods run (the Secrets, ConfigMaps and keys they reference, a node)? The
    // claims stay as they are (their templates cannot change). Checked as rollback checks the
    // revision it restores, in every mode (the set was read already).
    if edit.template_changed {
        let mut target: StatefulSet = serde_json::from_value(edit.after.clone())
            .context("the edited StatefulSet does not read as one")?;
        if let Some(spec) = target.spec.as_mut() {
            spec.volume_claim_templates = None;
        }
        crate::kube::preflight::preflight(
            Some(&kube),
            &target,
            DryRun::None,
            args.skip_preflight,
            false,
        )
        .await?;
    }
    // The diff and the prediction go to stderr under -o yaml|json, which own stdout.
    let machine = matches!(
        ctx.global.output,
        Some(OutputFormat::Yaml | OutputFormat::Json | OutputFormat::Name)
    );
    let say = |text: &str| -> Result<()> {
        if machine {
            eprint!("{text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
            Ok(())
        } else {
            render::out(text)
        }
    };
    let diff = change::template_diff(
        &template::diff_view(&live),
        &template::diff_view(&edit.after),
        &format!("statefulset/{} (live)", args.name),
        &format!("statefulset/{} (new)", args.name),
        ctx.color && !machine,
    );
    say(&diff)?;
    if !edit.pruned_volumes.is_empty() {
        say(&format!(
            "volumes removed with the containers (no remaining container mounts them): {}",
            edit.pruned_volumes.join(", ")
        ))?;
    }
    let typed: StatefulSet = serde_json::from_value(edit.after.clone())
        .context("the edited StatefulSet does not read as one")?;
    let effect = if edit.template_changed {
        format!(
            "the pod template changes: {}",
            rollout::template_change_effect(&typed)
        )
    } else {
        "the pod template is unchanged: no pod is restarted by this change".to_string()
    };
    say(&effect)?;
    if dry == DryRun::Client {
        print(ctx, &edit.after, &args.name, " (dry run)")?;
        return Ok(());
    }
    if dry == DryRun::None
        && !change::confirm("Apply this change?", ctx.global.yes, ctx.interactive)?
    {
        bail!("not applied (answered no)");
    }
    // A PUT with the resourceVersion of what was shown. The controller's status writes move
    // the resourceVersion too (a prompt can take minutes): when the newer object has the same
    // spec, labels and annotations, the same edit is made on it and sent again; any other
    // change is a conflict the user must see.
    let mut base = live;
    let mut body = edit.after;
    let mut attempts = 0;
    let answer = loop {
        match kube
            .put_raw(
                &kube.statefulset_path(&args.name),
                &body,
                dry == DryRun::Server,
            )
            .await
        {
            Ok(a) => break a,
            Err(RawError::Status(s)) if s.code == 409 => {
                attempts += 1;
                let latest = kube.get_sts_json(&args.name).await?;
                let same = |f: &str| latest["metadata"][f] == base["metadata"][f];
                if attempts < 5
                    && latest["spec"] == base["spec"]
                    && same("labels")
                    && same("annotations")
                {
                    body = template::plan(&latest, &args)?.after;
                    base = latest;
                    continue;
                }
                return Err(with_hint(
                    anyhow::anyhow!(
                        "statefulset {:?} was changed by someone else meanwhile: {}",
                        args.name,
                        s.message
                    ),
                    "run the command again: it starts from the newer version",
                ));
            }
            Err(e) => {
                return Err(anyhow::Error::from(e).context(format!(
                    "cannot change the template of statefulset {:?}",
                    args.name
                )))
            }
        }
    };
    let suffix = if dry == DryRun::Server {
        " (server dry run)"
    } else {
        ""
    };
    print(ctx, &answer, &args.name, suffix)?;
    if let Some(d) = deadline {
        super::wait::wait(&kube, &args.name, super::wait::Goal::Rollout, d, ctx).await?;
    }
    Ok(())
}

fn print(ctx: &Ctx, obj: &serde_json::Value, name: &str, suffix: &str) -> Result<()> {
    super::mutate::print_object(
        ctx,
        obj,
        "apps/v1",
        "StatefulSet",
        &format!("statefulset.apps/{name} template edited{suffix}"),
    )
}

/// A port removed from the template that the set's Service (spec.serviceName) targets: a
/// warning naming the Service port and the `edit-service` command that removes it. The Service
/// is not changed here: it is its own object (clients and DNS SRV records depend on its ports),
/// a container port is informational (a process can still listen on it: a numeric targetPort
/// keeps working, a named one no longer resolves and the endpoints lose that port), and one
/// command changing two objects could not be undone as one. A Service that cannot be read is
/// no warning (the edit goes on).
async fn warn_service_ports(kube: &Kube, live: &serde_json::Value, after: &serde_json::Value) {
    let Some(svc) = live["spec"]["serviceName"]
        .as_str()
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let path = format!(
        "{}/{svc}",
        crate::kube::raw::collection("v1", "services", Some(&kube.namespace))
    );
    let Ok(service) = kube.get_raw(&path).await else {
        return;
    };
    let sts = live["metadata"]["name"].as_str().unwrap_or_default();
    for (name, port, target, named) in
        template::service_ports_losing_their_target(&service, live, after)
    {
        let effect = if named {
            "no container declares that name any more: the Service's endpoints lose this port"
        } else {
            "the Service still sends to that port number, whether or not a container listens"
        };
        eprintln!(
            "Warning: service/{svc} port {name:?} ({port}) targets the removed container port {target}: {effect}; to remove it from the Service too: kubectl statefulset edit-service {sts} --remove {name}"
        );
    }
}

/// When `pod` has a native sidecar: one GET /version, refused below 1.29 (see
/// [`containers::check_native_sidecar_server`]). A version that cannot be read is no obstacle
/// (the server's own validation still applies).
pub(crate) async fn check_native_sidecars(kube: &Kube, pod: &serde_json::Value) -> Result<()> {
    if !containers::has_native_sidecar(pod) {
        return Ok(());
    }
    match kube.get_raw("/version").await {
        Ok(v) => containers::check_native_sidecar_server(&v),
        Err(_) => Ok(()),
    }
}
