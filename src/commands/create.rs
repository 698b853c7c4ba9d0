//! `create`: flags, `-f FILE` or the wizard → a plan (StatefulSet + headless Service) → the
//! API (dry run first), then the result and, with `--wait`, the rollout.

use std::io::Read;

use anyhow::{anyhow, bail, Context, Result};
use k8s_openapi::api::core::v1::Service;

use crate::cli::{CreateArgs, DryRun, OutputFormat};
use crate::errors::with_hint;
use crate::kube::{is_reason, Kube};
use crate::manifest::{self, file, images, validate, Plan};
use crate::render;
use crate::Ctx;

pub async fn run(mut args: CreateArgs, ctx: &Ctx) -> Result<()> {
    // Everything is validated before the first request.
    if args.interactive && args.filename.is_some() {
        bail!("-i and -f exclude each other");
    }
    let wait_deadline = if args.wait {
        Some(super::wait::deadline(&args.timeout)?)
    } else {
        None
    };
    if let Some(t) = &ctx.global.request_timeout {
        validate::duration(t).map_err(|e| anyhow!("--request-timeout {t:?}: {e}"))?;
    }
    let dry_run = args.dry_run.unwrap_or(DryRun::None);
    if dry_run != DryRun::None && args.wait {
        bail!("--wait cannot be combined with --dry-run");
    }

    // Connecting builds the client only (no request). A configuration error is reported after
    // the input checks, and not at all for client dry runs (they work without a cluster).
    let kube = ctx.kube().await;
    let namespace = kube
        .as_ref()
        .ok()
        .map(|k| k.namespace.clone())
        .or_else(|| ctx.global.namespace.clone())
        .unwrap_or_else(|| "default".into());
    let ns_explicit = ctx.global.namespace.is_some();

    let mut plan = if args.interactive {
        if !ctx.interactive {
            bail!("-i/--interactive needs a terminal (stdin and stdout); give the flags instead");
        }
        let inventory = match &kube {
            Ok(k) => {
                let (mut inv, images) = tokio::join!(
                    super::wizard::inventory(k),
                    crate::kube::images::lookup(
                        k,
                        &args.images,
                        &namespace,
                        &args.image_pull_secret
                    )
                );
                inv.images = images;
                inv
            }
            Err(_) => Default::default(),
        };
        super::wizard::run(&mut args, &namespace, &inventory)?
    } else if let Some(path) = &args.filename {
        let (text, source) = if path.as_os_str() == "-" {
            (
                read_manifest(std::io::stdin(), "stdin")?,
                "stdin".to_string(),
            )
        } else {
            let source = path.display().to_string();
            let f = std::fs::File::open(path).with_context(|| format!("cannot read {source}"))?;
            (read_manifest(f, &source)?, source)
        };
        let docs = file::parse_documents(&text, &source)?;
        let mut plan = file::plan_from_documents(docs, &source, &namespace, ns_explicit)?;
        if let Some(svc) = &args.service_name {
            plan.set_service_name(svc)?;
            plan.service_name_chosen = true;
        }
        plan
    } else {
        fill_missing_interactively(&mut args, ctx)?;
        manifest::plan_from_args(&args, &namespace)?
    };

    if let Some(path) = &args.save {
        std::fs::write(path, render::objects_yaml(&plan.objects())?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("saved the manifest to {}", path.display());
    }

    crate::kube::preflight::preflight(
        kube.as_ref().ok(),
        &plan.statefulset,
        dry_run,
        args.skip_preflight,
        ctx.global.verbose > 0,
    )
    .await?;
    let output = ctx.global.output.clone();
    if dry_run == DryRun::Client {
        let mut objs = plan.objects();
        // `kubectl create deployment --dry-run=client -o yaml` writes a namespace only when -n
        // was given (create_deployment.go sets it under EnforceNamespace); `create -f` keeps
        // the builder's namespace, as here.
        if !ns_explicit && args.filename.is_none() {
            for o in &mut objs {
                if let Some(meta) = o.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                    meta.remove("namespace");
                }
            }
        }
        return print_result(&objs, output, &plan, " (dry run)");
    }
    let mut kube = kube?;
    prepare_images(&kube, &mut args, &mut plan).await?;
    // kubectl create sends fieldValidation=Strict unless --validate says otherwise.
    kube.field_validation = Some(args.validate.unwrap_or_default().directive());

    if let Some(pod) = &plan
        .statefulset
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
    {
        super::edit_template::check_native_sidecars(&kube, &serde_json::to_value(pod)?).await?;
    }
    // 1-2: server-side dry runs of both objects (the Service name may move to NAME-headless).
    let svc_dry = dry_run_service(&kube, &mut plan)
        .await
        .map_err(unknown_field_hint)?;
    let sts_dry = kube
        .create_statefulset(&plan.statefulset, plan.statefulset_raw.as_ref(), true)
        .await
        .map_err(unknown_field_hint)?;
    if dry_run == DryRun::Server {
        let svc_value = manifest::typed(&render::object_value(&svc_dry, false), "v1", "Service");
        let objs = vec![
            svc_value,
            manifest::typed(
                &render::object_value(&sts_dry, false),
                "apps/v1",
                "StatefulSet",
            ),
        ];
        return print_result(&objs, output, &plan, " (server dry run)");
    }

    // 3-4: for real, the Service first; if the StatefulSet is rejected, the Service goes again.
    let svc = kube
        .create_service(&plan.service, plan.service_raw.as_ref(), false)
        .await?;
    let sts = match kube
        .create_statefulset(&plan.statefulset, plan.statefulset_raw.as_ref(), false)
        .await
    {
        Ok(s) => s,
        Err(e) => return Err(undo_service(&kube, &plan, e).await),
    };
    let objs = vec![
        manifest::typed(&render::object_value(&svc, false), "v1", "Service"),
        manifest::typed(&render::object_value(&sts, false), "apps/v1", "StatefulSet"),
    ];
    print_result(&objs, output, &plan, "")?;

    if let Some(deadline) = wait_deadline {
        // The same follower as every --wait: two watches, exit 3 on the timeout or as soon as
        // the rollout is stuck (a pod in back-off, unschedulable, never created).
        let name = plan.name();
        super::wait::wait(&kube, name, super::wait::Goal::Rollout, deadline, ctx).await?;
        let desired = plan
            .statefulset
            .spec
            .as_ref()
            .and_then(|s| s.replicas)
            .unwrap_or(1);
        eprintln!("statefulset {name:?}: {desired}/{desired} ready");
    }
    Ok(())
}

/// The server refused a field it does not know (fieldValidation=Strict): say how to go on.
fn unknown_field_hint(e: anyhow::Error) -> anyhow::Error {
    if format!("{e:#}").contains("strict decoding error") {
        with_hint(
            e,
            "correct or remove the field; --validate=warn creates the object without it",
        )
    } else {
        e
    }
}

/// After the StatefulSet was not created: deletes the Service made for it, and says so.
async fn undo_service(kube: &Kube, plan: &Plan, e: anyhow::Error) -> anyhow::Error {
    let cleanup = kube
        .delete_service(plan.namespace(), plan.service_name())
        .await;
    let note = match cleanup {
        Ok(()) => format!(
            "the Service {:?} created for it was deleted again",
            plan.service_name()
        ),
        Err(d) => format!(
            "the Service {:?} created for it could not be deleted: {d:#}",
            plan.service_name()
        ),
    };
    e.context(format!(
        "creating statefulset {:?} failed; {note}",
        plan.name()
    ))
}

/// Dry-runs the Service; when its default name is taken, tries `NAME-headless`.
async fn dry_run_service(kube: &Kube, plan: &mut Plan) -> Result<Service> {
    match kube
        .create_service(&plan.service, plan.service_raw.as_ref(), true)
        .await
    {
        Ok(s) => Ok(s),
        Err(e) if is_reason(&e, "AlreadyExists") && !plan.service_name_chosen => {
            let fallback = plan.fallback_service_name();
            plan.set_service_name(&fallback)?;
            kube.create_service(&plan.service, plan.service_raw.as_ref(), true)
                .await
                .map_err(|e2| {
                    if is_reason(&e2, "AlreadyExists") {
                        with_hint(e2, "choose a free name with --service-name NAME")
                    } else {
                        e2
                    }
                })
        }
        Err(e) if is_reason(&e, "AlreadyExists") => {
            Err(with_hint(e, "choose a free name with --service-name NAME"))
        }
        Err(e) => Err(e),
    }
}

fn print_result(
    objs: &[serde_json::Value],
    output: Option<OutputFormat>,
    plan: &Plan,
    suffix: &str,
) -> Result<()> {
    match output {
        Some(OutputFormat::Yaml) => render::out(&render::objects_yaml(objs)?),
        Some(OutputFormat::Json) => render::out(&render::objects_json(objs)?),
        Some(OutputFormat::Name) => render::out(&format!(
            "service/{}\nstatefulset.apps/{}",
            plan.service_name(),
            plan.name()
        )),
        _ => render::out(&format!(
            "service/{} created{suffix}\nstatefulset.apps/{} created{suffix}",
            plan.service_name(),
            plan.name()
        )),
    }
}

/// On a terminal, asks for a missing NAME or --image; otherwise the builder's error names the flag.
fn fill_missing_interactively(args: &mut CreateArgs, ctx: &Ctx) -> Result<()> {
    if !ctx.interactive {
        return Ok(());
    }
    if args.name.is_none() {
        let n: String = dialoguer::Input::new()
            .with_prompt("Name")
            .interact_text()?;
        args.name = Some(n);
    }
    if args.image.is_none() {
        let i: String = dialoguer::Input::new()
            .with_prompt("Image")
            .interact_text()?;
        args.image = Some(i);
    }
    Ok(())
}

/// The API server refuses request bodies over 3 MiB (apiserver's `MaxRequestBodyBytes`), so a
/// larger manifest is refused here, without reading all of it.
const MAX_MANIFEST_BYTES: u64 = 3 * 1024 * 1024;

fn read_manifest(reader: impl Read, source: &str) -> Result<String> {
    let mut buf = Vec::new();
    reader
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {source}"))?;
    if buf.len() as u64 > MAX_MANIFEST_BYTES {
        bail!("{source} is larger than 3 MiB, more than the API server accepts in one request");
    }
    String::from_utf8(buf).map_err(|_| anyhow!("{source} is not UTF-8 text"))
}

/// `create`'s image step, after the plan is built and before anything is sent: checks the
/// template's images; without `--port` (and not from a manifest) takes the image's
/// ExposedPorts (rebuilding the plan with them); with `--pin-digest` pins every image.
async fn prepare_images(kube: &Kube, args: &mut CreateArgs, plan: &mut Plan) -> Result<()> {
    let namespace = plan.namespace().to_string();
    let mut template = serde_json::to_value(
        plan.statefulset
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default(),
    )?;
    template["metadata"]["namespace"] = serde_json::Value::String(namespace.clone());
    let found = crate::kube::images::check_template(kube, &args.images, &template, None).await?;
    if args.filename.is_none() && !args.interactive {
        let mut rebuild = false;
        if args.port.is_empty() {
            let ports = images::image_ports(&found, args.image.as_deref());
            if !ports.is_empty() {
                eprintln!(
                    "using the ports the image {} exposes (no --port given): {}",
                    args.image.as_deref().unwrap_or_default(),
                    ports.join(", ")
                );
                args.port = ports;
                rebuild = true;
            }
        }
        // Each --sidecar without ports (none from `-c NAME --port`) gets its image's too, as
        // the wizard offers them.
        for sc in args.sidecar.clone() {
            let name = sc.split_once('=').map(|(n, _)| n).unwrap_or_default();
            let Some(c) = ["containers", "initContainers"]
                .iter()
                .flat_map(|k| template["spec"][*k].as_array().into_iter().flatten())
                .find(|c| c["name"] == name)
            else {
                continue;
            };
            if c["ports"].as_array().is_some_and(|p| !p.is_empty()) {
                continue;
            }
            let ports = images::image_ports(&found, c["image"].as_str());
            if !ports.is_empty() {
                eprintln!(
                    "using the ports the image {} exposes for sidecar {name} (no -c {name} --port given): {}",
                    c["image"].as_str().unwrap_or_default(),
                    ports.join(", ")
                );
                args.scopes.push((
                    name.to_string(),
                    crate::cli::ContainerScope {
                        port: ports,
                        ..Default::default()
                    },
                ));
                rebuild = true;
            }
        }
        if rebuild {
            let chosen = plan
                .service_name_chosen
                .then(|| plan.service_name().to_string());
            *plan = manifest::plan_from_args(args, &namespace)?;
            if let Some(svc) = chosen {
                plan.set_service_name(&svc)?;
                plan.service_name_chosen = true;
            }
        }
    }
    if args.pin_digest {
        if let Some(spec) = plan.statefulset.spec.as_mut() {
            let mut t = serde_json::to_value(&spec.template)?;
            for (image, pinned) in images::pin_digests(&mut t, &found)? {
                eprintln!("image {image} pinned to {pinned}");
            }
            spec.template = serde_json::from_value(t)?;
        }
        if let Some(raw) = plan.statefulset_raw.as_mut() {
            if raw["spec"]["template"].is_object() {
                let mut t = raw["spec"]["template"].take();
                images::pin_raw(&mut t, &found);
                raw["spec"]["template"] = t;
            }
        }
    }
    Ok(())
}
