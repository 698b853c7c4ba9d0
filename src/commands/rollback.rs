//! `rollback NAME [--to-revision N]`: kubectl rollout undo's semantics
//! (kubectl's polymorphichelpers/rollback.go, StatefulSetRollbacker): the target is the
//! second-highest revision by default, the revision's `data` is sent verbatim as a strategic
//! merge patch. Requests: GET sts, LIST revisions, PATCH; a stuck set adds a LIST of its pods
//! and, on confirmation, the deletion of the stuck pod after the template is restored.

use anyhow::{bail, Context, Result};

use super::mutate::{confirm, print_object, suffix};
use super::wait::{self, Goal};
use crate::cli::{DryRun, OutputFormat, RollbackArgs};
use crate::manifest::{revisions, rollout, stuck};
use crate::render;
use crate::Ctx;

pub async fn run(args: RollbackArgs, ctx: &Ctx) -> Result<()> {
    let dry = args.dry_run.mode();
    if dry != DryRun::None && args.wait.wait {
        bail!("--wait cannot be combined with --dry-run");
    }
    let deadline = wait::deadline(&args.wait.timeout)?;
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let (sts, _, revs) = kube.statefulset_with(&name, false, true).await?;
    let revs = revs.unwrap_or_else(|| Ok(Vec::new()))?;
    let target = revisions::rollback_target(&revs, args.to_revision.unwrap_or(0))
        .with_context(|| format!("cannot roll back statefulset {name:?}"))?
        .clone();

    let current = revisions::current_template(&sts);
    let wanted = target.template();
    if current == wanted {
        return render::out(&format!(
            "statefulset.apps/{name} skipped rollback (current template already matches revision {})",
            target.number
        ));
    }
    crate::kube::images::check_template(&kube, &args.images, &wanted, Some(&current)).await?;

    // Would the revision's pods run (its Secrets, ConfigMaps, keys, a node)? The claims stay
    // as they are, so the claim templates are not judged again. Even a client dry run reads
    // the set, so the check runs in every mode.
    let mut target_set = sts.clone();
    if let (Some(spec), Ok(t)) = (
        target_set.spec.as_mut(),
        serde_json::from_value(wanted.clone()),
    ) {
        spec.template = t;
        spec.volume_claim_templates = None;
    }
    crate::kube::preflight::preflight(
        Some(&kube),
        &target_set,
        DryRun::None,
        args.skip_preflight,
        false,
    )
    .await?;

    // Stuck? A stuck set has a pod that is not ready, so the pods are only looked at when
    // the status counts one (or is older than the spec). A rollout in progress with every
    // pod ready is moving, not stuck.
    let st = sts.status.clone().unwrap_or_default();
    let ready = st.ready_replicas.unwrap_or(0);
    let unsettled = ready < rollout::desired(&sts)
        || ready < st.replicas
        || st.observed_generation != sts.metadata.generation;
    // The pods that hold an OrderedReady set: the unready ones of another revision than the
    // target (a crash-looping pod between two crashes included, whatever its age). The
    // controller would wait on them for ever; they are deleted once the template is restored.
    let find_stuck = |pods: &[k8s_openapi::api::core::v1::Pod]| {
        stuck::blocking_after_rollback(&sts, pods, target.name())
    };
    // With --yes there is nothing to ask, so the pods are listed together with the PATCH
    // (what they were is what counts; the patch does not touch them).
    let together = dry == DryRun::None && ctx.global.yes && unsettled;
    let mut stuck = if unsettled && !together {
        find_stuck(&kube.list_pods(&sts).await?)
    } else {
        Vec::new()
    };

    let diff = crate::render::change::template_diff(
        &current,
        &wanted,
        "current template",
        &format!("revision {} ({})", target.number, target.hash()),
        ctx.color,
    );
    let to_stderr = matches!(
        ctx.global.output,
        Some(OutputFormat::Yaml | OutputFormat::Json | OutputFormat::Name)
    );
    if to_stderr {
        eprint!("{diff}");
    } else {
        render::out(&diff)?;
    }
    for s in &stuck {
        let (text, _) = stuck::explain(&name, s, &sts);
        eprintln!("statefulset {name:?} is held up: {text}");
        eprintln!("restoring the template does not replace {} by itself; it will be deleted after the rollback so the controller recreates it", s.pod);
    }
    if dry == DryRun::Client {
        for s in &stuck {
            eprintln!("would delete pod {}", s.pod);
        }
        return print_object(
            ctx,
            &sts,
            "apps/v1",
            "StatefulSet",
            &format!("statefulset.apps/{name} rolled back{}", suffix(dry)),
        );
    }
    if dry == DryRun::None {
        let names: Vec<&str> = stuck.iter().map(|s| s.pod.as_str()).collect();
        let question = match names.len() {
            0 => format!(
                "Roll back statefulset {name:?} to revision {}?",
                target.number
            ),
            1 => format!(
                "Roll back statefulset {name:?} to revision {} and delete the stuck pod {}?",
                target.number, names[0]
            ),
            _ => format!(
                "Roll back statefulset {name:?} to revision {} and delete the stuck pods {}?",
                target.number,
                names.join(", ")
            ),
        };
        if !confirm(ctx, &question)? {
            bail!("rollback cancelled");
        }
    }
    let patch = kube.patch_statefulset_revision(&name, &target.data, dry == DryRun::Server);
    let (result, pods) = if together {
        let (r, p) = tokio::join!(patch, kube.list_pods(&sts));
        (r, Some(p))
    } else {
        (patch.await, None)
    };
    let result =
        result.map_err(|e| e.context(format!("failed restoring revision {}", target.number)))?;
    match pods {
        Some(Ok(pods)) => {
            stuck = find_stuck(&pods);
            for s in &stuck {
                let (text, _) = stuck::explain(&name, s, &sts);
                eprintln!("statefulset {name:?} is held up: {text}");
                eprintln!("restoring the template does not replace {} by itself; deleting it so the controller recreates it", s.pod);
            }
        }
        Some(Err(e)) => eprintln!(
            "warning: could not look for a stuck pod ({e:#}); if the rollout does not go on, see `kubectl statefulset get {name}`"
        ),
        None => {}
    }
    print_object(
        ctx,
        &result,
        "apps/v1",
        "StatefulSet",
        &format!("statefulset.apps/{name} rolled back{}", suffix(dry)),
    )?;
    for s in &stuck {
        kube.delete_pod(&s.pod, s.uid.as_deref(), dry == DryRun::Server)
            .await
            .map_err(|e| {
                crate::errors::with_hint(
                    e.context(format!(
                        "the template of statefulset {name:?} is restored to revision {}, but the stuck pod {} was not deleted",
                        target.number, s.pod
                    )),
                    format!(
                        "delete it so the rollout can go on: kubectl delete pod {} -n {}",
                        s.pod,
                        kube.namespace
                    ),
                )
            })?;
        eprintln!("pod/{} deleted{}", s.pod, suffix(dry));
    }
    if args.wait.wait {
        wait::wait(&kube, &name, Goal::Rollout, deadline, ctx).await?;
    }
    Ok(())
}
