//! The `create -i` wizard: the console's steps (basic information → pod settings → volumes →
//! advanced settings), filling a `CreateArgs` that goes through the same builder as the flags,
//! so every answer is checked the same way and the equivalent command line can be printed.

use anyhow::{bail, Result};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Editor, Input, Select};

use serde_json::Value;

use crate::cli::CreateArgs;
use crate::kube::raw::collection;
use crate::kube::Kube;
use crate::manifest::{self, containers, create, file, validate, Plan};
use crate::render;

/// What exists in the namespace (and the cluster's nodes and StorageClasses), listed by the
/// wizard so that names are picked, not guessed, and checked as they are given. A list that
/// could not be read (forbidden, an error) is `None`: nothing is shown or checked against it.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    pub statefulsets: Option<Vec<String>>,
    /// Name and keys.
    pub configmaps: Option<Vec<(String, Vec<String>)>>,
    pub secrets: Option<Vec<(String, Vec<String>)>>,
    pub claims: Option<Vec<String>>,
    /// Name and whether it is the default class.
    pub storage_classes: Option<Vec<(String, bool)>>,
    /// The labels of each node, `key=value`.
    pub node_labels: Option<Vec<Vec<String>>>,
    /// With image checks on: each image is looked up as it is given.
    pub images: Option<crate::kube::images::Lookup>,
}

/// Lists what the wizard shows: six LISTs, sent together.
pub async fn inventory(kube: &Kube) -> Inventory {
    let ns = Some(kube.namespace.as_str());
    let list = |api: &'static str, plural: &'static str, ns: Option<&str>| {
        let path = collection(api, plural, ns);
        async move {
            kube.get_raw(&path)
                .await
                .ok()
                .map(|v| v["items"].as_array().cloned().unwrap_or_default())
        }
    };
    let (sts, cms, secrets, claims, classes, nodes) = futures::join!(
        list("apps/v1", "statefulsets", ns),
        list("v1", "configmaps", ns),
        list("v1", "secrets", ns),
        list("v1", "persistentvolumeclaims", ns),
        list("storage.k8s.io/v1", "storageclasses", None),
        list("v1", "nodes", None),
    );
    let name = |o: &Value| {
        o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let keys = |o: &Value| -> Vec<String> {
        let mut k: Vec<String> = ["data", "binaryData"]
            .iter()
            .flat_map(|f| {
                o[*f]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.keys().cloned())
            })
            .collect();
        k.sort();
        k
    };
    Inventory {
        statefulsets: sts.map(|v| v.iter().map(name).collect()),
        configmaps: cms.map(|v| v.iter().map(|o| (name(o), keys(o))).collect()),
        secrets: secrets.map(|v| {
            v.iter()
                .filter(|o| o["type"] != "kubernetes.io/service-account-token")
                .map(|o| (name(o), keys(o)))
                .collect()
        }),
        claims: claims.map(|v| v.iter().map(name).collect()),
        storage_classes: classes.map(|v| {
            v.iter()
                .map(|o| {
                    (
                        name(o),
                        crate::manifest::preflight::is_default_class_json(o),
                    )
                })
                .collect()
        }),
        node_labels: nodes.map(|v| {
            v.iter()
                .map(|o| {
                    o["metadata"]["labels"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect()
                })
                .collect()
        }),
        images: None,
    }
}

impl Inventory {
    /// Looks `image` up (when checks are on) as it is typed: a refused one is an error (the
    /// prompt asks again); the answer is kept in `seen` for [`Inventory::image_ports`].
    fn check_image(
        &self,
        image: &str,
        seen: &std::cell::RefCell<Option<crate::kube::images::Looked>>,
    ) -> Result<(), String> {
        let Some(l) = &self.images else {
            return Ok(());
        };
        let looked = l.check(image);
        if let crate::kube::images::Looked::Refused(m) = &looked {
            return Err(format!("image {image:?}: {m} (or give --skip-image-check)"));
        }
        *seen.borrow_mut() = Some(looked);
        Ok(())
    }

    /// The ports the accepted image exposes (`5432/TCP`), said on stderr, or a warning when it
    /// could not be checked; empty otherwise.
    fn image_ports(
        image: &str,
        seen: &std::cell::RefCell<Option<crate::kube::images::Looked>>,
    ) -> Vec<String> {
        match seen.borrow_mut().take() {
            Some(crate::kube::images::Looked::Found(r)) if !r.ports.is_empty() => {
                let ports: Vec<String> =
                    r.ports.iter().map(|(p, pr)| format!("{p}/{pr}")).collect();
                eprintln!(
                    "  the image {image} exposes {}: its ports unless others are given",
                    ports.join(", ")
                );
                ports
            }
            Some(crate::kube::images::Looked::Unchecked(m)) => {
                eprintln!("Warning: image {image:?} not checked: {m}");
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// `NAME` (and `KEY`) of a ConfigMap or Secret exist, when the list could be read.
    fn check_ref(&self, kind: &str, name: &str, key: Option<&str>) -> Result<(), String> {
        let list = if kind == "secret" {
            &self.secrets
        } else {
            &self.configmaps
        };
        let Some(list) = list else { return Ok(()) };
        let Some((_, keys)) = list.iter().find(|(n, _)| n == name) else {
            let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
            return Err(format!(
                "there is no {kind} {name:?} in the namespace (there are: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ));
        };
        match key {
            Some(k) if !keys.iter().any(|x| x == k) => Err(format!(
                "{kind} {name:?} has no key {k:?} (its keys: {})",
                keys.join(", ")
            )),
            _ => Ok(()),
        }
    }

    fn show_refs(&self) {
        for (kind, list) in [("ConfigMaps", &self.configmaps), ("Secrets", &self.secrets)] {
            if let Some(list) = list {
                let items: Vec<String> = list
                    .iter()
                    .map(|(n, k)| format!("{n} ({})", k.join(", ")))
                    .collect();
                eprintln!(
                    "  {kind}: {}",
                    if items.is_empty() {
                        "none".into()
                    } else {
                        items.join("; ")
                    }
                );
            }
        }
    }
}

/// "next step" or "back to step N-1" (step > 1).
fn back(theme: &ColorfulTheme, step: usize) -> Result<bool> {
    let next = if step == 4 {
        "review and create"
    } else {
        "next step"
    };
    let items = [next.to_string(), format!("back to step {}", step - 1)];
    Ok(Select::with_theme(theme)
        .with_prompt(format!("Step {step}/4 done"))
        .items(&items)
        .default(0)
        .interact()?
        == 1)
}

pub fn run(args: &mut CreateArgs, namespace: &str, inv: &Inventory) -> Result<Plan> {
    let theme = ColorfulTheme::default();
    eprintln!("Create a StatefulSet in namespace {namespace:?} (Ctrl-C to abort)\n");
    let mut step = 1;
    while step <= 4 {
        match step {
            1 => basic(&theme, args, inv)?,
            2 => pod(&theme, args, inv)?,
            3 => volumes(&theme, args, inv)?,
            _ => advanced(&theme, args, inv)?,
        }
        step = if step > 1 && back(&theme, step)? {
            step - 1
        } else {
            step + 1
        };
    }
    review(&theme, args, namespace)
}

fn basic(theme: &ColorfulTheme, args: &mut CreateArgs, inv: &Inventory) -> Result<()> {
    eprintln!("Step 1/4: basic information");
    let name: String = Input::with_theme(theme)
        .with_prompt("Name")
        .with_initial_text(args.name.clone().unwrap_or_default())
        .validate_with(|s: &String| {
            validate::dns1123_label(s)?;
            if inv.statefulsets.iter().flatten().any(|n| n == s) {
                return Err(format!(
                    "a StatefulSet {s:?} already exists in the namespace"
                ));
            }
            Ok(())
        })
        .interact_text()?;
    args.name = Some(name.clone());
    args.alias = optional(theme, "Alias (optional)", args.alias.clone())?;
    args.description = optional(theme, "Description (optional)", args.description.clone())?;

    Ok(())
}

fn pod(theme: &ColorfulTheme, args: &mut CreateArgs, inv: &Inventory) -> Result<()> {
    eprintln!("\nStep 2/4: pod settings");
    let replicas: i32 = Input::with_theme(theme)
        .with_prompt("Replicas")
        .default(args.replicas.unwrap_or(1))
        .validate_with(|n: &i32| {
            if *n >= 0 {
                Ok(())
            } else {
                Err("must be 0 or more")
            }
        })
        .interact_text()?;
    args.replicas = Some(replicas);
    let seen = std::cell::RefCell::new(None);
    let image: String = Input::with_theme(theme)
        .with_prompt("Image")
        .with_initial_text(args.image.clone().unwrap_or_default())
        .validate_with(|s: &String| {
            if s.trim().is_empty() || s.contains(char::is_whitespace) {
                return Err("an image reference, e.g. nginx:1.27".to_string());
            }
            inv.check_image(s, &seen)
        })
        .interact_text()?;
    let default_container = args
        .container_name
        .clone()
        .unwrap_or_else(|| create::container_name_from_image(&image));
    args.image = Some(image);
    let cname: String = Input::with_theme(theme)
        .with_prompt("Container name")
        .default(default_container)
        .validate_with(|s: &String| validate::dns1123_label(s))
        .interact_text()?;
    args.container_name = Some(cname);
    let policies = ["IfNotPresent", "Always", "Never"];
    let p = Select::with_theme(theme)
        .with_prompt("Image pull policy")
        .items(policies)
        .default(0)
        .interact()?;
    args.pull_policy = Some(policies[p].to_string());
    let exposed = Inventory::image_ports(args.image.as_deref().unwrap_or_default(), &seen);
    if args.port.is_empty() {
        // The console's: the ports of the image picked, unless others were given.
        args.port = exposed;
    }
    args.port = repeated(
        theme,
        "Port [name:]port[/protocol] (empty: done)",
        &args.port,
        valid_port,
    )?;
    inv.show_refs();
    args.env = repeated(
        theme,
        "Environment K=V, K=secret:NAME:KEY or K=configmap:NAME:KEY (empty: done)",
        &args.env,
        |s| {
            let vars = shown(create::parse_env(&[s.to_string()]))?;
            let from = vars.first().and_then(|v| v.value_from.as_ref());
            if let Some(r) = from.and_then(|f| f.secret_key_ref.as_ref()) {
                inv.check_ref("secret", &r.name, Some(&r.key))?;
            }
            if let Some(r) = from.and_then(|f| f.config_map_key_ref.as_ref()) {
                inv.check_ref("configmap", &r.name, Some(&r.key))?;
            }
            Ok(())
        },
    )?;
    for (prompt, slot) in [
        ("CPU request (e.g. 250m, optional)", &mut args.requests_cpu),
        ("CPU limit (optional)", &mut args.limits_cpu),
        (
            "Memory request (e.g. 256Mi, optional)",
            &mut args.requests_memory,
        ),
        ("Memory limit (optional)", &mut args.limits_memory),
    ] {
        *slot = quantity(theme, prompt, slot.take())?;
    }
    for (label, slot) in [
        (
            "Liveness probe http:PORT/PATH, tcp:PORT or exec:COMMAND (optional)",
            &mut args.liveness,
        ),
        ("Readiness probe (optional)", &mut args.readiness),
        ("Startup probe (optional)", &mut args.startup),
    ] {
        let kind = label
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let ports = create::parse_ports(&args.port).unwrap_or_default();
        let names = ports.iter().filter_map(|p| p.name.clone()).collect();
        let s: String = Input::with_theme(theme)
            .with_prompt(label)
            .with_initial_text(slot.clone().unwrap_or_default())
            .allow_empty(true)
            .validate_with(|s: &String| {
                if s.trim().is_empty() {
                    return Ok(());
                }
                shown(create::probe(
                    &Some(s.trim().to_string()),
                    &None,
                    &kind,
                    &names,
                ))
                .map(|_| ())
            })
            .interact_text()?;
        *slot = (!s.trim().is_empty()).then(|| s.trim().to_string());
    }
    args.command = optional(
        theme,
        "Start command, shell-like (optional)",
        args.command.clone(),
    )?;
    if let Some(c) = &args.command {
        eprintln!("  → {:?}", shell_words::split(c).unwrap_or_default());
    }
    args.args = optional(theme, "Arguments, shell-like (optional)", args.args.clone())?;
    add_containers(theme, args, inv)?;
    let strategies = ["RollingUpdate", "OnDelete"];
    let s = Select::with_theme(theme)
        .with_prompt("Update strategy")
        .items(strategies)
        .default(0)
        .interact()?;
    args.update_strategy = Some(strategies[s].to_string());
    if s == 0 {
        let partition: i32 = Input::with_theme(theme)
            .with_prompt("Partition")
            .default(args.partition.unwrap_or(0))
            .validate_with(|n: &i32| {
                if *n >= 0 {
                    Ok(())
                } else {
                    Err("must be 0 or more")
                }
            })
            .interact_text()?;
        args.partition = (partition > 0).then_some(partition);
    }
    let modes = ["default", "spread (decentralized)", "pack (centralized)"];
    let m = Select::with_theme(theme)
        .with_prompt("Deployment mode")
        .items(modes)
        .default(0)
        .interact()?;
    args.deployment_mode = (m > 0).then(|| ["default", "spread", "pack"][m].to_string());
    args.sync_host_timezone = Confirm::with_theme(theme)
        .with_prompt("Sync host timezone")
        .default(args.sync_host_timezone)
        .interact()?;

    Ok(())
}

fn volumes(theme: &ColorfulTheme, args: &mut CreateArgs, inv: &Inventory) -> Result<()> {
    eprintln!("\nStep 3/4: volumes");
    if let Some(classes) = &inv.storage_classes {
        let items: Vec<String> = classes
            .iter()
            .map(|(n, d)| {
                if *d {
                    format!("{n} (default)")
                } else {
                    n.clone()
                }
            })
            .collect();
        eprintln!(
            "  StorageClasses: {}",
            if items.is_empty() {
                "none".into()
            } else {
                items.join(", ")
            }
        );
    }
    args.volume = repeated(
        theme,
        "Volume claim name:size:mountPath[:storageClass][:accessMode] (empty: done)",
        &args.volume,
        |s| {
            let probe = CreateArgs {
                name: Some("x".into()),
                image: Some("x".into()),
                volume: vec![s.to_string()],
                ..Default::default()
            };
            shown(create::plan_from_args(&probe, "default"))?;
            let class = s.split(':').nth(3).filter(|c| !c.is_empty());
            if let (Some(c), Some(classes)) = (class, &inv.storage_classes) {
                if !classes.iter().any(|(n, _)| n == c) {
                    return Err(format!(
                        "there is no StorageClass {c:?} (leave it empty for the default one)"
                    ));
                }
            }
            Ok(())
        },
    )?;
    inv.show_refs();
    if let Some(claims) = &inv.claims {
        eprintln!(
            "  PersistentVolumeClaims: {}",
            if claims.is_empty() {
                "none".into()
            } else {
                claims.join(", ")
            }
        );
    }

    let containers: Vec<String> = std::iter::once(args.container_name.clone().unwrap_or_default())
        .chain(
            args.sidecar
                .iter()
                .filter_map(|s| s.split_once('=').map(|(n, _)| n.to_string())),
        )
        .collect();
    args.mount = repeated(
        theme,
        &format!(
            "Mount [CONTAINER@]KIND:SOURCE:PATH[:ro], KIND configmap|secret|pvc|emptydir|emptydir-memory|hostpath (containers: {}; empty: done)",
            containers.join(", ")
        ),
        &args.mount,
        |s| {
            let m = shown(containers::parse_mount(s))?;
            let v = &m.volume;
            let key = m.mount["subPath"].as_str();
            if let Some(n) = v["configMap"]["name"].as_str() {
                inv.check_ref("configmap", n, key)?;
            }
            if let Some(n) = v["secret"]["secretName"].as_str() {
                inv.check_ref("secret", n, key)?;
            }
            if let (Some(n), Some(claims)) = (v["persistentVolumeClaim"]["claimName"].as_str(), &inv.claims) {
                if !claims.iter().any(|c| c == n) {
                    return Err(format!("there is no PersistentVolumeClaim {n:?} in the namespace"));
                }
            }
            match &m.container {
                Some(c) if !containers.contains(c) => {
                    Err(format!("no container {c:?} (containers: {})", containers.join(", ")))
                }
                _ => Ok(()),
            }
        },
    )?;

    Ok(())
}

fn advanced(theme: &ColorfulTheme, args: &mut CreateArgs, inv: &Inventory) -> Result<()> {
    eprintln!("\nStep 4/4: advanced settings");
    let kv = |s: &str| -> Result<(), String> {
        let (k, v) = s.split_once('=').ok_or("expected key=value")?;
        validate::label_key(k)?;
        validate::label_value(v)
    };
    if let Some(nodes) = &inv.node_labels {
        let mut labels: Vec<&String> = nodes.iter().flatten().collect();
        labels.sort();
        labels.dedup();
        eprintln!(
            "  Node labels: {}",
            labels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    args.node_selector = repeated(
        theme,
        "Node selector key=value (empty: done)",
        &args.node_selector,
        |s| {
            kv(s)?;
            match &inv.node_labels {
                Some(nodes) if !nodes.iter().any(|l| l.iter().any(|x| x == s)) => Err(format!(
                    "no node has the label {s} (the pods would stay Pending)"
                )),
                _ => Ok(()),
            }
        },
    )?;
    args.label = repeated(
        theme,
        &format!(
            "Label key=value (empty: done; default app={})",
            args.name.clone().unwrap_or_default()
        ),
        &args.label,
        kv,
    )?;
    args.annotation = repeated(
        theme,
        "Annotation key=value (empty: done)",
        &args.annotation,
        |s| {
            s.split_once('=')
                .map(|_| ())
                .ok_or_else(|| "expected key=value".to_string())
        },
    )?;

    Ok(())
}

fn review(theme: &ColorfulTheme, args: &mut CreateArgs, namespace: &str) -> Result<Plan> {
    let mut plan = manifest::plan_from_args(args, namespace)?;
    let mut edited = false;
    loop {
        let yaml = render::objects_yaml(&plan.objects())?;
        eprintln!("\n{yaml}");
        let choices = ["Create", "Edit the YAML in $EDITOR", "Cancel"];
        match Select::with_theme(theme)
            .with_prompt("Create it?")
            .items(choices)
            .default(0)
            .interact()?
        {
            0 => break,
            1 => {
                let Some(text) = Editor::new().extension(".yaml").edit(&yaml)? else {
                    eprintln!("(no change)");
                    continue;
                };
                match file::parse_documents(&text, "the edited YAML").and_then(|docs| {
                    file::plan_from_documents(docs, "the edited YAML", namespace, true)
                }) {
                    Ok(p) => {
                        plan = p;
                        edited = true;
                    }
                    Err(e) => eprintln!("error: {e:#}\n(the previous version is kept)"),
                }
            }
            _ => bail!("cancelled; nothing was created"),
        }
    }
    if edited {
        eprintln!("The YAML was edited; use --save FILE and `create -f FILE` to repeat it.");
    } else {
        eprintln!("Equivalent command:\n  {}", command_line(args));
    }
    Ok(plan)
}

/// `edit-template -i`: the pod and volume questions for one container, prefilled with its
/// current values; only the answers that differ become flags (`-c NAME` scope, `--mount`,
/// `--unmount`, strategy), so the edit goes through the same plan as the flags.
pub fn edit_template(live: &Value, args: &mut crate::cli::EditTemplateArgs) -> Result<()> {
    let theme = ColorfulTheme::default();
    let pod = &live["spec"]["template"]["spec"];
    let names = containers::container_names(pod);
    let i = Select::with_theme(&theme)
        .with_prompt("Container")
        .items(&names)
        .default(0)
        .interact()?;
    let name = names[i].clone();
    let c = ["containers", "initContainers"]
        .iter()
        .flat_map(|l| pod[*l].as_array().into_iter().flatten())
        .find(|c| c["name"] == name.as_str())
        .cloned()
        .unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut scope = crate::cli::ContainerScope::default();
    let changed =
        |theme: &ColorfulTheme, prompt: &str, current: String| -> Result<Option<String>> {
            let s: String = Input::with_theme(theme)
                .with_prompt(prompt)
                .with_initial_text(current.clone())
                .allow_empty(true)
                .interact_text()?;
            Ok((s.trim() != current && !s.trim().is_empty()).then(|| s.trim().to_string()))
        };
    scope.image = changed(&theme, "Image", text(&c["image"]))?;
    let list = |field: &str, f: &dyn Fn(&Value) -> String| -> String {
        c[field]
            .as_array()
            .into_iter()
            .flatten()
            .map(f)
            .collect::<Vec<_>>()
            .join(", ")
    };
    eprintln!(
        "  ports: {}",
        list("ports", &|p| format!(
            "{}:{}",
            text(&p["name"]),
            p["containerPort"]
        ))
    );
    scope.port = repeated(
        &theme,
        "Add or change a port [name:]port[/protocol] (empty: done)",
        &[],
        valid_port,
    )?;
    eprintln!("  env: {}", list("env", &|e| text(&e["name"])));
    scope.env = repeated(
        &theme,
        "Set a variable K=V, K=secret:NAME:KEY or K=configmap:NAME:KEY (empty: done)",
        &[],
        |s| shown(create::parse_env(&[s.to_string()])).map(|_| ()),
    )?;
    let res = |f: &str, k: &str| text(&c["resources"][f][k]);
    for (prompt, field, key, slot) in [
        ("CPU request", "requests", "cpu", &mut scope.requests_cpu),
        ("CPU limit", "limits", "cpu", &mut scope.limits_cpu),
        (
            "Memory request",
            "requests",
            "memory",
            &mut scope.requests_memory,
        ),
        ("Memory limit", "limits", "memory", &mut scope.limits_memory),
    ] {
        *slot = changed(&theme, prompt, res(field, key))?;
    }
    let words = |v: &Value| -> String {
        let w: Vec<String> = v.as_array().into_iter().flatten().map(text).collect();
        shell_words::join(w)
    };
    scope.command = changed(&theme, "Start command, shell-like", words(&c["command"]))?;
    scope.args = changed(&theme, "Arguments, shell-like", words(&c["args"]))?;
    for (label, field, slot) in [
        ("Liveness probe", "livenessProbe", &mut scope.liveness),
        ("Readiness probe", "readinessProbe", &mut scope.readiness),
        ("Startup probe", "startupProbe", &mut scope.startup),
    ] {
        *slot = changed(
            &theme,
            &format!("{label} http:PORT/PATH, tcp:PORT or exec:COMMAND"),
            probe_text(&c[field]),
        )?;
    }
    eprintln!(
        "  volumes: {}",
        pod["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| text(&v["name"]))
            .collect::<Vec<_>>()
            .join(", ")
    );
    scope.mount = repeated(
        &theme,
        &format!("Mount into {name} KIND:SOURCE:PATH[:ro] (empty: done)"),
        &[],
        |s| shown(containers::parse_mount(s)).map(|_| ()),
    )?;
    args.unmount = repeated(
        &theme,
        "Unmount a volume (empty: done)",
        &args.unmount,
        |_| Ok(()),
    )?;
    let strategies = ["RollingUpdate", "OnDelete"];
    let current = if live["spec"]["updateStrategy"]["type"] == "OnDelete" {
        1
    } else {
        0
    };
    let s = Select::with_theme(&theme)
        .with_prompt("Update strategy")
        .items(strategies)
        .default(current)
        .interact()?;
    if s != current {
        args.update_strategy = Some(strategies[s].to_string());
    }
    if s == 0 {
        let now = live["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
            .as_i64()
            .unwrap_or(0) as i32;
        let p: i32 = Input::with_theme(&theme)
            .with_prompt("Partition")
            .default(now)
            .validate_with(|n: &i32| {
                if *n >= 0 {
                    Ok(())
                } else {
                    Err("must be 0 or more")
                }
            })
            .interact_text()?;
        if p != now {
            args.partition = Some(p);
        }
    }
    if scope != crate::cli::ContainerScope::default() {
        args.container.push(name.clone());
        args.scopes.push((name, scope));
    }
    Ok(())
}

/// A probe in the flags' syntax (`http:PORT/PATH`, `tcp:PORT`, `exec:COMMAND`), empty when none.
fn probe_text(p: &Value) -> String {
    let port = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if p["httpGet"].is_object() {
        let scheme = if p["httpGet"]["scheme"] == "HTTPS" {
            "https://"
        } else {
            ""
        };
        format!(
            "http:{scheme}{}{}",
            port(&p["httpGet"]["port"]),
            p["httpGet"]["path"].as_str().unwrap_or("/")
        )
    } else if p["tcpSocket"].is_object() {
        format!("tcp:{}", port(&p["tcpSocket"]["port"]))
    } else if let Some(cmd) = p["exec"]["command"].as_array() {
        format!(
            "exec:{}",
            shell_words::join(cmd.iter().map(|c| c.as_str().unwrap_or_default()))
        )
    } else {
        String::new()
    }
}

/// The "add another container" loop: sidecars (native or not) with their ports.
fn add_containers(theme: &ColorfulTheme, args: &mut CreateArgs, inv: &Inventory) -> Result<()> {
    let mut used: Vec<String> = args.container_name.iter().cloned().collect();
    used.extend(
        args.init_container
            .iter()
            .chain(&args.sidecar)
            .filter_map(|s| s.split_once('=').map(|(n, _)| n.to_string())),
    );
    while Confirm::with_theme(theme)
        .with_prompt("Add another container (a sidecar)?")
        .default(false)
        .interact()?
    {
        let seen = std::cell::RefCell::new(None);
        let spec: String = Input::with_theme(theme)
            .with_prompt("Sidecar NAME=IMAGE [COMMAND]")
            .validate_with(|s: &String| {
                let c = shown(create::parse_named_container(s, "sidecar"))?;
                if used.contains(&c.name) {
                    return Err(format!("the name {:?} is already used", c.name));
                }
                inv.check_image(c.image.as_deref().unwrap_or_default(), &seen)
            })
            .interact_text()?;
        let image = create::parse_named_container(&spec, "sidecar")
            .ok()
            .and_then(|c| c.image)
            .unwrap_or_default();
        let name = spec
            .split_once('=')
            .map(|(n, _)| n.to_string())
            .unwrap_or_default();
        let native = Confirm::with_theme(theme)
            .with_prompt(
                "Native sidecar (an init container with restartPolicy Always, started first)?",
            )
            .default(false)
            .interact()?;
        let exposed = Inventory::image_ports(&image, &seen);
        let port = repeated(
            theme,
            &format!("Port of {name} [name:]port[/protocol] (empty: done)"),
            &exposed,
            valid_port,
        )?;
        used.push(name.clone());
        args.sidecar.push(spec);
        let scope = crate::cli::ContainerScope {
            port,
            native,
            ..Default::default()
        };
        if scope != crate::cli::ContainerScope::default() {
            args.container.push(name.clone());
            args.scopes.push((name, scope));
        }
    }
    Ok(())
}

fn optional(
    theme: &ColorfulTheme,
    prompt: &str,
    initial: Option<String>,
) -> Result<Option<String>> {
    let s: String = Input::with_theme(theme)
        .with_prompt(prompt)
        .with_initial_text(initial.unwrap_or_default())
        .allow_empty(true)
        .interact_text()?;
    Ok((!s.trim().is_empty()).then(|| s.trim().to_string()))
}

fn quantity(
    theme: &ColorfulTheme,
    prompt: &str,
    initial: Option<String>,
) -> Result<Option<String>> {
    let s: String = Input::with_theme(theme)
        .with_prompt(prompt)
        .with_initial_text(initial.unwrap_or_default())
        .allow_empty(true)
        .validate_with(|s: &String| {
            if s.is_empty() {
                Ok(())
            } else {
                validate::non_negative_quantity(s)
            }
        })
        .interact_text()?;
    Ok((!s.is_empty()).then_some(s))
}

/// A parser's error as a prompt shows it (the whole chain, `{:#}`).
fn shown<T>(r: Result<T>) -> std::result::Result<T, String> {
    r.map_err(|e| format!("{e:#}"))
}

/// A port answer, `[name:]port[/protocol]` as `--port` takes it.
fn valid_port(s: &str) -> std::result::Result<(), String> {
    shown(create::parse_ports(&[s.to_string()])).map(|_| ())
}

fn repeated(
    theme: &ColorfulTheme,
    prompt: &str,
    initial: &[String],
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = initial.to_vec();
    for v in &out {
        eprintln!("  {v}");
    }
    loop {
        let s: String = Input::with_theme(theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|s: &String| if s.is_empty() { Ok(()) } else { check(s) })
            .interact_text()?;
        if s.is_empty() {
            return Ok(out);
        }
        out.push(s);
    }
}

/// The flags that build the same objects.
pub fn command_line(a: &CreateArgs) -> String {
    let mut words: Vec<String> = vec!["kubectl".into(), "statefulset".into(), "create".into()];
    let mut push = |flag: &str, v: Option<String>| {
        if let Some(v) = v {
            words.push(flag.to_string());
            words.push(v);
        }
    };
    push("--image", a.image.clone());
    push(
        "--replicas",
        a.replicas.filter(|r| *r != 1).map(|r| r.to_string()),
    );
    let derived = a.image.as_deref().map(create::container_name_from_image);
    push(
        "--container-name",
        a.container_name
            .clone()
            .filter(|c| Some(c) != derived.as_ref()),
    );
    push(
        "--pull-policy",
        a.pull_policy.clone().filter(|p| p != "IfNotPresent"),
    );
    for (flag, list) in [
        ("--port", &a.port),
        ("--env", &a.env),
        ("--volume", &a.volume),
        ("--node-selector", &a.node_selector),
        ("--label", &a.label),
        ("--annotation", &a.annotation),
        ("--init-container", &a.init_container),
        ("--sidecar", &a.sidecar),
        ("--mount", &a.mount),
        ("--image-pull-secret", &a.image_pull_secret),
    ] {
        for v in list {
            push(flag, Some(v.clone()));
        }
    }
    push("--requests-cpu", a.requests_cpu.clone());
    push("--requests-memory", a.requests_memory.clone());
    push("--limits-cpu", a.limits_cpu.clone());
    push("--limits-memory", a.limits_memory.clone());
    push("--liveness", a.liveness.clone());
    push("--readiness", a.readiness.clone());
    push("--startup", a.startup.clone());
    push("--command", a.command.clone());
    push("--args", a.args.clone());
    push(
        "--update-strategy",
        a.update_strategy.clone().filter(|s| s != "RollingUpdate"),
    );
    push("--partition", a.partition.map(|p| p.to_string()));
    push("--deployment-mode", a.deployment_mode.clone());
    push("--alias", a.alias.clone());
    push("--description", a.description.clone());
    push("--service-name", a.service_name.clone());
    if a.sync_host_timezone {
        words.push("--sync-host-timezone".into());
    }
    if a.native {
        words.push("--native".into());
    }
    // The -c scopes last: what follows -c NAME belongs to NAME.
    for (name, s) in &a.scopes {
        words.push("-c".into());
        words.push(name.clone());
        for p in &s.port {
            words.push("--port".into());
            words.push(p.clone());
        }
        for m in &s.mount {
            words.push("--mount".into());
            words.push(m.clone());
        }
        if s.native {
            words.push("--native".into());
        }
    }
    let mut line = shell_words::join(&words[..3]);
    line.push(' ');
    line.push_str(&shell_words::quote(a.name.as_deref().unwrap_or("NAME")));
    if words.len() > 3 {
        line.push(' ');
        line.push_str(&shell_words::join(&words[3..]));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;
    use clap::Parser;

    #[test]
    fn command_line_round_trips_through_the_parser() {
        let a = CreateArgs {
            name: Some("db".into()),
            image: Some("postgres:16".into()),
            replicas: Some(3),
            port: vec!["5432".into()],
            env: vec!["A=b c".into()],
            command: Some("sh -c 'x y'".into()),
            alias: Some("My DB".into()),
            sync_host_timezone: true,
            sidecar: vec!["m=exporter:1 run".into()],
            mount: vec!["emptydir:scratch:/scratch".into()],
            container: vec!["m".into()],
            scopes: vec![(
                "m".into(),
                crate::cli::ContainerScope {
                    port: vec!["metrics:9187".into()],
                    native: true,
                    ..Default::default()
                },
            )],
            timeout: "5m".into(),
            ..Default::default()
        };
        let line = command_line(&a);
        let words = shell_words::split(&line).unwrap();
        assert_eq!(&words[..3], ["kubectl", "statefulset", "create"]);
        let argv: Vec<std::ffi::OsString> = std::iter::once("k".to_string())
            .chain(words[2..].iter().cloned())
            .map(Into::into)
            .collect();
        let (argv, scopes) = crate::cli::split_scopes(&argv, &crate::cli::command());
        let cli = crate::cli::Cli::try_parse_from(argv)
            .map_err(|e| anyhow!("{e}"))
            .unwrap();
        let crate::cli::Command::Create(mut parsed) = cli.command else {
            panic!()
        };
        parsed.scopes = crate::cli::parse_scopes(scopes).unwrap();
        let p1 = manifest::plan_from_args(&a, "default").unwrap();
        let p2 = manifest::plan_from_args(&parsed, "default").unwrap();
        assert_eq!(p1.objects(), p2.objects());
    }
}
