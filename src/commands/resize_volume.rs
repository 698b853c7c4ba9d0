//! `resize-volume NAME CLAIM SIZE`: grow every PVC of a claim template, then recreate the
//! StatefulSet (deleted with propagationPolicy=Orphan, so pods keep running) with the new
//! template size. Every step checks whether it is already done; the StatefulSet's object is
//! saved to a state file before the delete, so a run interrupted after it can be resumed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use serde_json::{json, Value};

use crate::cli::ResizeVolumeArgs;
use crate::errors::with_hint;
use crate::kube::raw::{collection, PatchType, RawError};
use crate::kube::Kube;
use crate::manifest::resize::{self, Plan};
use crate::render::change;
use crate::Ctx;

pub async fn run(args: ResizeVolumeArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let state_file = state_path(&kube.namespace, &args.name);
    let resume_hint = format!(
        "run the same command again to resume: kubectl statefulset resize-volume {} {} {} -n {}",
        args.name, args.claim, args.size, kube.namespace
    );

    // The StatefulSet, or the copy saved by an interrupted run.
    let (sts, saved) = match kube.get_raw(&kube.statefulset_path(&args.name)).await {
        Ok(v) if v["metadata"].get("deletionTimestamp").is_none() => (v, None),
        Ok(_) | Err(RawError::Status(_)) if state_file.exists() => {
            let text = std::fs::read_to_string(&state_file)
                .with_context(|| format!("cannot read {}", state_file.display()))?;
            let state: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a saved state", state_file.display()))?;
            println!(
                "Resuming: statefulset {:?} was deleted by an earlier run; its object is in {}",
                args.name,
                state_file.display()
            );
            (state["statefulset"].clone(), Some(state))
        }
        Ok(_) => bail!("statefulset {:?} is being deleted", args.name),
        Err(RawError::Status(s)) if s.code == 404 => bail!(
            "statefulset {:?} not found in namespace {:?}",
            args.name,
            kube.namespace
        ),
        Err(e) => return Err(anyhow::Error::from(e)).context("cannot read the statefulset"),
    };
    // The plan is made from the saved object (the original size) or the live one.
    let plan = resize::plan(&sts, &args.claim, &args.size)?;
    let template_done = saved.is_none()
        && resize::template_size(&sts, &args.claim)
            .is_some_and(|s| resize::same_size(&s, &args.size));

    // Pods before (to verify that nothing restarted).
    let selector = selector_string(&sts);
    let pods_before: BTreeMap<String, String> = match &saved {
        Some(state) => serde_json::from_value(state["pods"].clone()).unwrap_or_default(),
        None => pod_uids(&kube, &selector).await?,
    };

    print_plan(&args, &plan, template_done);
    let class = check_class(&kube, &plan).await?;
    if args.dry_run {
        println!("(dry run: nothing changed)");
        return Ok(());
    }
    if !change::confirm(
        "Resize the volumes and recreate the StatefulSet (pods keep running)?",
        ctx.global.yes,
        ctx.interactive,
    )? {
        bail!("not resized (answered no)");
    }
    let fail = |step: &str, e: anyhow::Error| -> anyhow::Error {
        with_hint(
            e.context(format!("resize-volume stopped at step {step}")),
            resume_hint.clone(),
        )
    };

    // Step 1: the PVCs.
    for pvc in &plan.pvcs {
        step_pvc(&kube, pvc, &plan.new_size)
            .await
            .map_err(|e| fail("1 (resize the PVCs)", e))?;
    }
    let _ = class;

    // Step 2: delete the StatefulSet, orphaning its pods (state saved first).
    if !template_done {
        if saved.is_none() {
            let state = json!({"statefulset": sts, "pods": pods_before});
            if let Some(dir) = state_file.parent() {
                std::fs::create_dir_all(dir).ok();
            }
            std::fs::write(&state_file, serde_json::to_vec_pretty(&state)?)
                .with_context(|| format!("cannot save the state to {}", state_file.display()))
                .map_err(|e| fail("2 (save the StatefulSet)", e))?;
        }
        // On a resume the StatefulSet is usually gone already; a terminating one is waited for.
        step_delete(&kube, &args.name)
            .await
            .map_err(|e| fail("2 (delete the StatefulSet, orphaning its pods)", e))?;
    }

    // Step 3: recreate it with the new size.
    if !template_done {
        let body = resize::recreate_body(&sts, &plan);
        step_recreate(&kube, &args.name, &body, &plan)
            .await
            .map_err(|e| {
                fail(
                    "3 (recreate the StatefulSet)",
                    e.context(format!("its object is saved in {}", state_file.display())),
                )
            })?;
        println!(
            "  [3/4] statefulset {:?} recreated with {} {}",
            args.name, plan.claim, plan.new_size
        );
    } else {
        println!(
            "  [2/4] statefulset {:?} already has {} {}",
            args.name, plan.claim, plan.new_size
        );
    }
    let _ = std::fs::remove_file(&state_file);

    // Step 4: verify.
    let after = pod_uids(&kube, &selector).await?;
    let restarted: Vec<&String> = pods_before
        .iter()
        .filter(|(name, uid)| after.get(*name).is_some_and(|u| u != *uid))
        .map(|(n, _)| n)
        .collect();
    if !restarted.is_empty() {
        bail!(
            "pods were replaced during the resize: {}",
            restarted
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let pending = wait_capacity(&kube, &plan, Duration::from_secs(30)).await?;
    if pending.is_empty() {
        println!(
            "  [4/4] verified: {} pod(s) kept running (same UIDs); every PVC reports {}",
            pods_before.len(),
            plan.new_size
        );
    } else {
        println!(
            "  [4/4] pods kept running (same UIDs); still resizing: {} (the storage driver finishes it)",
            pending.join(", ")
        );
    }
    Ok(())
}

fn print_plan(args: &ResizeVolumeArgs, plan: &Plan, template_done: bool) {
    println!(
        "Resize {} of statefulset {:?}: {} -> {}",
        plan.claim, args.name, plan.old_size, plan.new_size
    );
    println!(
        "  1. patch the PVCs: {}",
        if plan.pvcs.is_empty() {
            "(none)".to_string()
        } else {
            plan.pvcs.join(", ")
        }
    );
    if template_done {
        println!(
            "  2. the StatefulSet's template already has {}",
            plan.new_size
        );
    } else {
        println!(
            "  2. delete statefulset {:?} with propagationPolicy=Orphan (pods keep running)",
            args.name
        );
        println!("  3. recreate it with {} {}", plan.claim, plan.new_size);
    }
    println!("  4. verify: same pod UIDs, PVC capacity {}", plan.new_size);
}

/// The class must allow expansion (`allowVolumeExpansion: true`).
async fn check_class(kube: &Kube, plan: &Plan) -> Result<String> {
    let classes = collection("storage.k8s.io/v1", "storageclasses", None);
    let name = match &plan.storage_class {
        Some(n) => n.clone(),
        None => {
            let list = kube
                .get_raw(&classes)
                .await
                .map_err(anyhow::Error::from)
                .context("cannot list the storage classes")?;
            list["items"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| crate::manifest::preflight::is_default_class_json(c))
                .and_then(|c| c["metadata"]["name"].as_str())
                .map(str::to_string)
                .ok_or_else(|| anyhow!("the claim template names no storage class and the cluster has no default one"))?
        }
    };
    let class = kube
        .get_raw(&format!("{classes}/{name}"))
        .await
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read storage class {name:?}"))?;
    if class["allowVolumeExpansion"] != true {
        bail!("storage class {name:?} does not allow volume expansion (allowVolumeExpansion is not true); the volumes cannot grow");
    }
    println!("  storage class {name:?} allows expansion");
    Ok(name)
}

async fn step_pvc(kube: &Kube, name: &str, size: &str) -> Result<()> {
    let path = format!(
        "{}/{name}",
        collection("v1", "persistentvolumeclaims", Some(&kube.namespace))
    );
    let pvc = match kube.get_raw(&path).await {
        Ok(v) => v,
        Err(RawError::Status(s)) if s.code == 404 => {
            println!("  [1/4] pvc/{name} does not exist yet (created with the new size later)");
            return Ok(());
        }
        Err(e) => {
            return Err(anyhow::Error::from(e)).with_context(|| format!("cannot read pvc/{name}"))
        }
    };
    let have = pvc["spec"]["resources"]["requests"]["storage"]
        .as_str()
        .unwrap_or_default();
    if resize::same_size(have, size) {
        println!("  [1/4] pvc/{name} already requests {size}");
        return Ok(());
    }
    let patch = json!({"spec": {"resources": {"requests": {"storage": size}}}});
    kube.patch_raw(&path, &patch, PatchType::Merge, false)
        .await
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot resize pvc/{name}"))?;
    println!("  [1/4] pvc/{name}: {have} -> {size}");
    Ok(())
}

async fn step_delete(kube: &Kube, name: &str) -> Result<()> {
    let path = kube.statefulset_path(name);
    let answer = match kube.delete_raw(&path, "Orphan").await {
        Ok(v) => v,
        Err(RawError::Status(s)) if s.code == 404 => {
            println!("  [2/4] statefulset {name:?} is already deleted");
            return Ok(());
        }
        Err(e) => return Err(anyhow::Error::from(e)).context("cannot delete the statefulset"),
    };
    // The answer is the object while the orphan finalizer holds it (watched from its
    // resourceVersion until DELETED), or a Status when it is gone already.
    if answer["kind"] == "StatefulSet" {
        let rv = answer["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        let api: kube::Api<StatefulSet> =
            kube::Api::namespaced(kube.client.clone(), &kube.namespace);
        match tokio::time::timeout(Duration::from_secs(60), kube.wait_gone(&api, name, rv)).await {
            Ok(r) => r?,
            Err(_) => bail!("statefulset {name:?} is still there 60s after the orphan delete"),
        }
    }
    println!(
        "  [2/4] statefulset {name:?} deleted with propagationPolicy=Orphan; its pods keep running"
    );
    Ok(())
}

async fn step_recreate(kube: &Kube, name: &str, body: &Value, plan: &Plan) -> Result<()> {
    let coll = collection("apps/v1", "statefulsets", Some(&kube.namespace));
    match kube.post_raw(&coll, body, false).await {
        Ok(_) => Ok(()),
        Err(RawError::Status(s)) if s.code == 409 => {
            // Already recreated (by an earlier run or by hand): fine if it has the new size.
            let live = kube.get_sts_json(name).await?;
            match resize::template_size(&live, &plan.claim) {
                Some(sz) if resize::same_size(&sz, &plan.new_size) => Ok(()),
                other => bail!(
                    "statefulset {name:?} exists again but its {} template requests {}",
                    plan.claim,
                    other.unwrap_or_else(|| "nothing".into())
                ),
            }
        }
        Err(e) => Err(anyhow::Error::from(e)),
    }
}

fn selector_string(sts: &Value) -> String {
    sts["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

async fn pod_uids(kube: &Kube, selector: &str) -> Result<BTreeMap<String, String>> {
    // By selector, not by owner: the set is recreated (a new UID) and adopts these pods.
    let pods = kube.list_pods_matching(selector).await?;
    Ok(pods
        .into_iter()
        .filter_map(|p| Some((p.metadata.name?, p.metadata.uid?)))
        .collect())
}

/// PVCs whose status.capacity is not yet the new size after `timeout` (one list+watch of the
/// namespace's claims, those of the plan kept).
async fn wait_capacity(kube: &Kube, plan: &Plan, timeout: Duration) -> Result<Vec<String>> {
    let capacity = |p: &PersistentVolumeClaim| {
        p.status
            .as_ref()
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    };
    let api: kube::Api<PersistentVolumeClaim> =
        kube::Api::namespaced(kube.client.clone(), &kube.namespace);
    let seen = kube
        .watch_named(api, &plan.pvcs, timeout, |p| {
            resize::same_size(&capacity(p), &plan.new_size)
        })
        .await
        .context("cannot follow the PVCs")?;
    Ok(seen
        .iter()
        .filter(|(_, p)| !resize::same_size(&capacity(p), &plan.new_size))
        .map(|(name, p)| format!("{name} ({})", capacity(p)))
        .collect())
}

/// Where an interrupted run keeps the deleted StatefulSet: `$XDG_STATE_HOME` or
/// `~/.local/state`, `kubectl-statefulset/resize-<ns>-<name>.json`.
fn state_path(ns: &str, name: &str) -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("kubectl-statefulset")
        .join(format!("resize-{ns}-{name}.json"))
}
