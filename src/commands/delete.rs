//! `delete NAME`: shows what goes (the StatefulSet, its pods, on request its Service and PVCs),
//! asks (or --yes), deletes with propagationPolicy Background, `--wait` until the pods are gone.

use anyhow::{bail, Result};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};

use super::mutate::{confirm, print_object, suffix};
use super::wait;
use crate::cli::{DeleteArgs, DryRun, OutputFormat};
use crate::manifest::delete::{plan, Inputs};
use crate::Ctx;

pub async fn run(args: DeleteArgs, ctx: &Ctx) -> Result<()> {
    let dry = args.dry_run.mode();
    if dry != DryRun::None && args.wait.wait {
        bail!("--wait cannot be combined with --dry-run");
    }
    let deadline = wait::deadline(&args.wait.timeout)?;
    let kube = ctx.kube().await?;
    let name = args.name;
    let plain_output = !matches!(
        ctx.global.output,
        Some(OutputFormat::Yaml | OutputFormat::Json)
    );
    if ctx.global.yes
        && dry == DryRun::None
        && !args.with_service
        && !args.with_pvcs
        && !args.wait.wait
        && plain_output
    {
        return delete_confirmed(&kube, &name, ctx).await;
    }
    let sts = kube.get_statefulset(&name).await?;
    // A list this user may not read (403) leaves out what it would show and says so; it is
    // never read as "none".
    let mut notes: Vec<String> = Vec::new();
    let pods = allowed(
        &mut notes,
        "its pods are not listed",
        kube.list_pods(&sts).await,
    )?;
    let service: Option<Service> = match (
        args.with_service,
        sts.spec
            .as_ref()
            .and_then(|s| s.service_name.clone())
            .filter(|s| !s.is_empty()),
    ) {
        (true, Some(svc)) => kube.get_service_opt(&svc).await?,
        _ => None,
    };
    let all_pods: Option<Vec<Pod>> = if service.is_some() {
        allowed(
            &mut notes,
            "whether other pods use its Service is not known",
            kube.list_all_pods().await,
        )?
    } else {
        Some(Vec::new())
    };
    let pvcs: Option<Vec<PersistentVolumeClaim>> = allowed(
        &mut notes,
        "its PersistentVolumeClaims could not be listed",
        kube.list_pvcs().await,
    )?;
    let others = allowed(
        &mut notes,
        "whether other StatefulSets use its Service or claims is not known",
        kube.list_statefulsets(false, None).await,
    )?;
    let claims_unknown = pvcs.is_none() || others.is_none();
    if args.with_pvcs && claims_unknown {
        for n in &notes {
            eprintln!("warning: {n}");
        }
        bail!(
            "cannot tell which PersistentVolumeClaims --with-pvcs would delete; nothing deleted \
             (drop --with-pvcs to delete the set alone)"
        );
    }
    // A Service whose other users cannot be seen is kept.
    let service_unknown = all_pods.is_none() || others.is_none();
    let (pods, all_pods, pvcs, others) = (
        pods.unwrap_or_default(),
        all_pods.unwrap_or_default(),
        pvcs.unwrap_or_default(),
        others.unwrap_or_default(),
    );
    let service_kept = service
        .as_ref()
        .filter(|_| service_unknown)
        .and_then(|s| s.metadata.name.clone());
    let service = if service_unknown { None } else { service };
    let p = plan(&Inputs {
        sts: &sts,
        pods: &pods,
        with_service: args.with_service,
        service: service.as_ref(),
        all_pods: &all_pods,
        with_pvcs: args.with_pvcs,
        pvcs: &pvcs,
        others: &others,
    });
    let mut kept = p.kept.clone();
    if let Some(s) = service_kept {
        kept.retain(|k| !k.starts_with(&format!("service/{s} ")));
        kept.push(format!(
            "service/{s} (whether other workloads use it could not be checked)"
        ));
    }
    if claims_unknown {
        // Nothing listed: what the retention policy does is still known from the set.
        kept.extend(
            crate::manifest::delete::kept_without_listing(&sts)
                .into_iter()
                .filter(|k| k.starts_with("its PersistentVolumeClaims")),
        );
    }

    for n in &notes {
        eprintln!("warning: {n}");
    }
    eprintln!("will delete:");
    eprintln!("  statefulset.apps/{name}");
    if notes.iter().any(|n| n.starts_with("its pods")) {
        eprintln!("  its pods (not listed; propagation Background deletes them)");
    }
    for pod in &p.pods {
        eprintln!("  pod/{pod}");
    }
    if let Some(s) = &p.service {
        eprintln!("  service/{s}");
    }
    for c in &p.pvcs {
        eprintln!("  persistentvolumeclaim/{c}");
    }
    for c in &p.pvcs_with_set {
        eprintln!("  persistentvolumeclaim/{c} (by the garbage collector, with the set: persistentVolumeClaimRetentionPolicy)");
    }
    if claims_unknown {
        if let Some(goes) = crate::manifest::delete::with_set_without_listing(&sts) {
            eprintln!("  {goes}");
        }
    }
    print_kept(&kept);
    if dry == DryRun::None && !confirm(ctx, &format!("Delete statefulset {name:?}"))? {
        bail!("nothing deleted");
    }
    let server_dry = dry == DryRun::Server;
    let sfx = suffix(dry);
    if dry != DryRun::Client {
        kube.delete_statefulset(&name, sts.metadata.uid.as_deref(), server_dry)
            .await?;
    }
    print_object(
        ctx,
        &sts,
        "apps/v1",
        "StatefulSet",
        &format!("statefulset.apps/{name} deleted{sfx}"),
    )?;
    if let Some(s) = &p.service {
        if dry != DryRun::Client {
            kube.delete_service_dry(s, server_dry).await.map_err(|e| {
                e.context(format!(
                    "statefulset.apps/{name} is deleted, but its Service {s} was not"
                ))
            })?;
        }
        eprintln!("service/{s} deleted{sfx}");
    }
    for c in &p.pvcs {
        if dry != DryRun::Client {
            kube.delete_pvc(c, server_dry).await.map_err(|e| {
                e.context(format!(
                    "statefulset.apps/{name} is deleted, but its PersistentVolumeClaim {c} was not"
                ))
            })?;
        }
        eprintln!("persistentvolumeclaim/{c} deleted{sfx}");
    }
    if args.wait.wait {
        wait::wait_gone(&kube, &sts, deadline, ctx).await?;
        eprintln!("statefulset {name:?} and its pods are gone");
    }
    Ok(())
}

/// `--yes` with nothing but the StatefulSet to delete and nothing to wait for: nothing to show
/// or ask first, but what happens to the claims is the set's
/// `persistentVolumeClaimRetentionPolicy`, which upstream's answer to the DELETE (a Status: its
/// store does not return deleted StatefulSets) does not carry. So one GET, then the DELETE with
/// the read object's uid as precondition, and what goes and what stays is said from that object.
async fn delete_confirmed(kube: &crate::kube::Kube, name: &str, ctx: &Ctx) -> Result<()> {
    let read = kube.get_statefulset(name).await?;
    let deleted = kube
        .delete_statefulset(name, read.metadata.uid.as_deref(), false)
        .await?;
    let sts = deleted.unwrap_or(read);
    eprintln!("its pods go with it (propagation Background)");
    if let Some(goes) = crate::manifest::delete::with_set_without_listing(&sts) {
        eprintln!("{goes}");
    }
    print_kept(&crate::manifest::delete::kept_without_listing(&sts));
    let line = format!("statefulset.apps/{name} deleted");
    match ctx.global.output {
        Some(OutputFormat::Name) => crate::render::out(&format!("statefulset.apps/{name}")),
        _ => crate::render::out(&line),
    }
}

/// A list's items, or None (with the note saying what is not known) when this user may not
/// read it (403); other errors stay errors.
fn allowed<T>(notes: &mut Vec<String>, what: &str, r: Result<Vec<T>>) -> Result<Option<Vec<T>>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if crate::kube::is_forbidden(&e) => {
            notes.push(format!("{what}: {e}"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// What stays, with the reason (stderr).
fn print_kept(kept: &[String]) {
    if !kept.is_empty() {
        eprintln!("kept:");
        for k in kept {
            eprintln!("  {k}");
        }
    }
}
