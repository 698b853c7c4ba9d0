//! `create` from flags: every input is validated, then turned into a [`Plan`] holding the
//! StatefulSet and its headless Service (the KubeSphere console's rules: kubesphere/console
//! src/components/Forms/Workload). No I/O here.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Context, Result};
use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapKeySelector, Container, ContainerPort, EnvVar, EnvVarSource, ExecAction,
    HTTPGetAction, HostPathVolumeSource, LocalObjectReference, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PodAffinity, PodAffinityTerm, PodAntiAffinity, PodSpec,
    PodTemplateSpec, Probe, ResourceRequirements, SecretKeySelector, SecurityContext,
    TCPSocketAction, Volume, VolumeMount, VolumeResourceRequirements, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::containers;
use super::service::headless_service;
use super::validate;
use super::Plan;
use crate::cli::CreateArgs;

pub const ALIAS_ANNOTATION: &str = "kubesphere.io/alias-name";
pub const DESCRIPTION_ANNOTATION: &str = "kubesphere.io/description";

/// Builds the plan for `create NAME --image IMG ...`. `namespace` is the resolved namespace.
pub fn plan_from_args(args: &CreateArgs, namespace: &str) -> Result<Plan> {
    let name = args.name.as_deref().ok_or_else(|| {
        anyhow!("a name is required: kubectl statefulset create NAME --image IMAGE")
    })?;
    validate::statefulset_name(name)
        .map_err(|e| anyhow!("invalid StatefulSet name {name:?}: {e} (the NAME argument)"))?;
    let image = args
        .image
        .as_deref()
        .ok_or_else(|| anyhow!("--image is required (or use -f FILE, or -i on a terminal)"))?;
    check_image(image, "--image")?;

    let replicas = args.replicas.unwrap_or(1);
    if replicas < 0 {
        bail!("--replicas {replicas}: must be 0 or more");
    }

    // Labels: the console's `app: NAME` unless the user gives some.
    let mut labels = BTreeMap::new();
    for l in &args.label {
        let (k, v) = validate::key_value(l, "--label")?;
        validate::label_key(k).map_err(|e| anyhow!("--label {l:?}: key {e}"))?;
        validate::label_value(v).map_err(|e| anyhow!("--label {l:?}: value {e}"))?;
        labels.insert(k.to_string(), v.to_string());
    }
    if labels.is_empty() {
        labels.insert("app".to_string(), name.to_string());
    }

    let mut annotations = BTreeMap::new();
    for a in &args.annotation {
        let (k, v) = validate::key_value(a, "--annotation")?;
        validate::label_key(k).map_err(|e| anyhow!("--annotation {a:?}: key {e}"))?;
        annotations.insert(k.to_string(), v.to_string());
    }
    if let Some(alias) = &args.alias {
        annotations.insert(ALIAS_ANNOTATION.to_string(), alias.clone());
    }
    if let Some(desc) = &args.description {
        annotations.insert(DESCRIPTION_ANNOTATION.to_string(), desc.clone());
    }

    // The main container.
    let container_name = match &args.container_name {
        Some(n) => {
            validate::dns1123_label(n).map_err(|e| anyhow!("--container-name {n:?}: {e}"))?;
            n.clone()
        }
        None => container_name_from_image(image),
    };
    let ports = parse_ports(&args.port)?;
    let env = parse_env(&args.env)?;
    let resources = parse_resources(args)?;
    let pull_policy = match &args.pull_policy {
        None => "IfNotPresent".to_string(),
        Some(p) => match p.to_ascii_lowercase().as_str() {
            "always" => "Always".into(),
            "ifnotpresent" => "IfNotPresent".into(),
            "never" => "Never".into(),
            _ => bail!("--pull-policy {p:?}: expected Always, IfNotPresent or Never"),
        },
    };
    let command = split_words(args.command.as_deref(), "--command")?;
    let cargs = split_words(args.args.as_deref(), "--args")?;
    let port_names: BTreeSet<String> = ports.iter().filter_map(|p| p.name.clone()).collect();
    let liveness = probe(&args.liveness, &args.liveness_opts, "liveness", &port_names)?;
    let readiness = probe(
        &args.readiness,
        &args.readiness_opts,
        "readiness",
        &port_names,
    )?;
    let startup = probe(&args.startup, &args.startup_opts, "startup", &port_names)?;

    let security_context = security_context(args)?;
    let (claims, mut mounts) = parse_volumes(&args.volume, args.sync_host_timezone)?;
    let mut volumes = Vec::new();
    if args.sync_host_timezone {
        volumes.push(Volume {
            name: "host-time".into(),
            host_path: Some(HostPathVolumeSource {
                path: "/etc/localtime".into(),
                type_: Some(String::new()),
            }),
            ..Default::default()
        });
        mounts.push(timezone_mount());
    }

    let mut init_containers = Vec::new();
    let mut container_names = BTreeSet::from([container_name.clone()]);
    for spec in &args.init_container {
        let mut c = parse_init_container(spec)?;
        if !container_names.insert(c.name.clone()) {
            bail!(
                "--init-container {spec:?}: the container name {:?} is already used",
                c.name
            );
        }
        if args.sync_host_timezone {
            c.volume_mounts = Some(vec![timezone_mount()]);
        }
        init_containers.push(c);
    }

    let container = Container {
        name: container_name,
        image: Some(image.to_string()),
        image_pull_policy: Some(pull_policy),
        ports: (!ports.is_empty()).then_some(ports),
        env: (!env.is_empty()).then_some(env),
        resources,
        command,
        args: cargs,
        liveness_probe: liveness,
        readiness_probe: readiness,
        startup_probe: startup,
        security_context,
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Default::default()
    };

    let mut node_selector = BTreeMap::new();
    for ns in &args.node_selector {
        let (k, v) = validate::key_value(ns, "--node-selector")?;
        validate::label_key(k).map_err(|e| anyhow!("--node-selector {ns:?}: key {e}"))?;
        validate::label_value(v).map_err(|e| anyhow!("--node-selector {ns:?}: value {e}"))?;
        node_selector.insert(k.to_string(), v.to_string());
    }

    let affinity = match args
        .deployment_mode
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("default") => None,
        Some("spread") | Some("decentralized") => Some(Affinity {
            pod_anti_affinity: Some(PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![weighted_term(
                    &labels,
                )]),
                ..Default::default()
            }),
            ..Default::default()
        }),
        Some("pack") | Some("centralized") => Some(Affinity {
            pod_affinity: Some(PodAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![weighted_term(
                    &labels,
                )]),
                ..Default::default()
            }),
            ..Default::default()
        }),
        Some(other) => bail!("--deployment-mode {other:?}: expected default, spread or pack"),
    };

    let mut pull_secrets = Vec::new();
    for s in &args.image_pull_secret {
        validate::dns1123_subdomain(s).map_err(|e| anyhow!("--image-pull-secret {s:?}: {e}"))?;
        pull_secrets.push(LocalObjectReference { name: s.clone() });
    }

    let update_strategy = update_strategy(args)?;
    let pod_management_policy = match args.pod_management_policy.as_deref() {
        None => None,
        Some(p) => Some(match p.to_ascii_lowercase().as_str() {
            "orderedready" => "OrderedReady".to_string(),
            "parallel" => "Parallel".to_string(),
            _ => bail!("--pod-management-policy {p:?}: expected OrderedReady or Parallel"),
        }),
    };

    let service_name = match &args.service_name {
        Some(s) => {
            validate::dns1123_label(s).map_err(|e| anyhow!("--service-name {s:?}: {e}"))?;
            s.clone()
        }
        None => name.to_string(),
    };

    let sts = StatefulSet {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(namespace.to_string()),
            labels: Some(labels.clone()),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            service_name: Some(service_name.clone()),
            pod_management_policy,
            update_strategy: Some(update_strategy),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container],
                    init_containers: (!init_containers.is_empty()).then_some(init_containers),
                    node_selector: (!node_selector.is_empty()).then_some(node_selector),
                    affinity,
                    image_pull_secrets: (!pull_secrets.is_empty()).then_some(pull_secrets),
                    volumes: (!volumes.is_empty()).then_some(volumes),
                    ..Default::default()
                }),
            },
            volume_claim_templates: (!claims.is_empty()).then_some(claims),
            ..Default::default()
        }),
        status: None,
    };
    let mut sts = sts;
    add_containers_and_mounts(&mut sts, args)?;
    let service = headless_service(&sts, &service_name);
    Ok(Plan {
        statefulset: sts,
        service,
        service_name_chosen: args.service_name.is_some(),
        statefulset_raw: None,
        service_raw: None,
    })
}

/// `--sidecar` (native with `--native`), the `-c NAME` scopes and `--mount`, applied to the
/// pod template as JSON (see [`super::containers`]).
fn add_containers_and_mounts(sts: &mut StatefulSet, args: &CreateArgs) -> Result<()> {
    if args.sidecar.is_empty() && args.scopes.is_empty() && args.mount.is_empty() && !args.native {
        return Ok(());
    }
    if args.native && args.sidecar.is_empty() {
        return Err(crate::errors::usage(
            "--native makes the --sidecar containers native sidecars; give a --sidecar",
        ));
    }
    let Some(spec) = sts.spec.as_mut() else {
        return Ok(());
    };
    let claims: Vec<String> = spec
        .volume_claim_templates
        .iter()
        .flatten()
        .filter_map(|c| c.metadata.name.clone())
        .collect();
    let Some(pod_spec) = spec.template.spec.take() else {
        return Ok(());
    };
    let main = pod_spec.containers[0].name.clone();
    let mut pod = serde_json::to_value(&pod_spec)?;
    let mut sidecars = Vec::new();
    for sc in &args.sidecar {
        let name = sc.split_once('=').map(|(n, _)| n).unwrap_or_default();
        let native = args.native || args.scopes.iter().any(|(n, s)| n == name && s.native);
        let name = containers::add_sidecar(&mut pod, sc, "--sidecar", native)?;
        if args.sync_host_timezone {
            if let Some(c) = containers::find_container(&mut pod, &name) {
                c.insert(
                    "volumeMounts".into(),
                    serde_json::json!([serde_json::to_value(timezone_mount())?]),
                );
            }
        }
        sidecars.push(name);
    }
    for (name, s) in &args.scopes {
        if s.native && !sidecars.contains(name) {
            return Err(crate::errors::usage(format!(
                "-c {name} --native: only a --sidecar can be a native sidecar"
            )));
        }
        if !s.remove_env.is_empty() || !s.remove_port.is_empty() {
            return Err(crate::errors::usage(format!(
                "-c {name}: --remove-env and --remove-port are for edit-template; create has nothing to remove"
            )));
        }
    }
    containers::apply_scopes(&mut pod, &args.scopes)?;
    let mounts = containers::collect_mounts(&args.mount, &args.scopes)?;
    containers::apply_mounts(&mut pod, &mounts, &main, &claims)?;
    spec.template.spec =
        Some(serde_json::from_value(pod).context("the pod template after the container flags")?);
    Ok(())
}

fn timezone_mount() -> VolumeMount {
    VolumeMount {
        name: "host-time".into(),
        mount_path: "/etc/localtime".into(),
        read_only: Some(true),
        ..Default::default()
    }
}

fn weighted_term(labels: &BTreeMap<String, String>) -> WeightedPodAffinityTerm {
    WeightedPodAffinityTerm {
        weight: 100,
        pod_affinity_term: PodAffinityTerm {
            label_selector: Some(LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            }),
            topology_key: "kubernetes.io/hostname".into(),
            ..Default::default()
        },
    }
}

pub(crate) fn check_image(image: &str, flag: &str) -> Result<()> {
    if image.trim().is_empty() {
        bail!("{flag} must not be empty");
    }
    if image.chars().any(|c| c.is_whitespace()) {
        bail!("{flag} {image:?}: an image reference has no spaces");
    }
    Ok(())
}

/// `registry.io/team/my_app:1.2@sha256:…` → `my-app`: the last path segment without tag or
/// digest, lowercased, other characters turned into '-', at most 63 characters.
pub fn container_name_from_image(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let no_tag = last.split(':').next().unwrap_or(last);
    let mut out = String::new();
    for c in no_tag.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        "container".to_string()
    } else {
        out
    }
}

/// `[name:]port[/proto]`; the default name is the console's `<proto>-<port>` (`tcp-80`).
pub fn parse_ports(specs: &[String]) -> Result<Vec<ContainerPort>> {
    let mut out: Vec<ContainerPort> = Vec::new();
    for spec in specs {
        let (rest, proto) = match spec.rsplit_once('/') {
            Some((r, p)) => (r, p.to_ascii_uppercase()),
            None => (spec.as_str(), "TCP".to_string()),
        };
        if !matches!(proto.as_str(), "TCP" | "UDP" | "SCTP") {
            bail!("--port {spec:?}: protocol must be TCP, UDP or SCTP");
        }
        let (name, number) = match rest.split_once(':') {
            Some((n, p)) => (Some(n.to_string()), p),
            None => (None, rest),
        };
        let port: i32 = number
            .parse()
            .map_err(|_| anyhow!("--port {spec:?}: {number:?} is not a port number (expected [name:]port[/protocol])"))?;
        if !(1..=65535).contains(&port) {
            bail!("--port {spec:?}: the port must be between 1 and 65535");
        }
        let name = match name {
            Some(n) => {
                validate::port_name(&n)
                    .map_err(|e| anyhow!("--port {spec:?}: the name {n:?} {e}"))?;
                n
            }
            None => format!("{}-{port}", proto.to_ascii_lowercase()),
        };
        if out
            .iter()
            .any(|p| p.container_port == port && p.protocol.as_deref() == Some(&proto))
        {
            bail!("--port {spec:?}: port {port}/{proto} is given twice");
        }
        if out.iter().any(|p| p.name.as_deref() == Some(&name)) {
            bail!("--port {spec:?}: the port name {name:?} is given twice");
        }
        out.push(ContainerPort {
            name: Some(name),
            container_port: port,
            protocol: Some(proto),
            ..Default::default()
        });
    }
    Ok(out)
}

/// `K=V`, `K=secret:NAME:KEY`, `K=configmap:NAME:KEY`.
pub fn parse_env(specs: &[String]) -> Result<Vec<EnvVar>> {
    let mut out: Vec<EnvVar> = Vec::new();
    for spec in specs {
        let (k, v) = validate::key_value(spec, "--env")?;
        validate::env_name(k).map_err(|e| anyhow!("--env {spec:?}: the name {k:?} {e}"))?;
        if out.iter().any(|e| e.name == k) {
            bail!("--env {spec:?}: {k} is given twice");
        }
        let reference = |kind: &str, rest: &str| -> Result<(String, String)> {
            let (obj, key) = rest
                .split_once(':')
                .ok_or_else(|| anyhow!("--env {spec:?}: expected {k}={kind}:NAME:KEY"))?;
            validate::dns1123_subdomain(obj)
                .map_err(|e| anyhow!("--env {spec:?}: the {kind} name {obj:?} {e}"))?;
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            {
                bail!("--env {spec:?}: the {kind} key {key:?} must consist of letters, digits, '-', '_' or '.'");
            }
            Ok((obj.to_string(), key.to_string()))
        };
        let var = if let Some(rest) = v.strip_prefix("secret:") {
            let (name, key) = reference("secret", rest)?;
            EnvVar {
                name: k.into(),
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name,
                        key,
                        optional: None,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }
        } else if let Some(rest) = v.strip_prefix("configmap:") {
            let (name, key) = reference("configmap", rest)?;
            EnvVar {
                name: k.into(),
                value_from: Some(EnvVarSource {
                    config_map_key_ref: Some(ConfigMapKeySelector {
                        name,
                        key,
                        optional: None,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }
        } else {
            EnvVar {
                name: k.into(),
                value: Some(v.into()),
                ..Default::default()
            }
        };
        out.push(var);
    }
    Ok(out)
}

pub(crate) fn parse_resource_list(
    combined: Option<&str>,
    combined_flag: &str,
    cpu: Option<&str>,
    memory: Option<&str>,
    prefix: &str,
) -> Result<BTreeMap<String, Quantity>> {
    let mut out = BTreeMap::new();
    if let Some(list) = combined {
        for item in list.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = validate::key_value(item, combined_flag)?;
            if !matches!(k, "cpu" | "memory" | "ephemeral-storage") {
                bail!("{combined_flag} {list:?}: unknown resource {k:?} (expected cpu, memory or ephemeral-storage)");
            }
            validate::non_negative_quantity(v)
                .map_err(|e| anyhow!("{combined_flag} {list:?}: {k} {v:?} {e}"))?;
            out.insert(k.to_string(), Quantity(v.to_string()));
        }
    }
    for (key, value) in [("cpu", cpu), ("memory", memory)] {
        if let Some(v) = value {
            let flag = format!("--{prefix}-{key}");
            validate::non_negative_quantity(v).map_err(|e| anyhow!("{flag} {v:?}: {e}"))?;
            if out.contains_key(key) {
                bail!("{flag} and {combined_flag} both set {key}; give it once");
            }
            out.insert(key.to_string(), Quantity(v.to_string()));
        }
    }
    Ok(out)
}

fn parse_resources(args: &CreateArgs) -> Result<Option<ResourceRequirements>> {
    let requests = parse_resource_list(
        args.requests.as_deref(),
        "--requests",
        args.requests_cpu.as_deref(),
        args.requests_memory.as_deref(),
        "requests",
    )?;
    let limits = parse_resource_list(
        args.limits.as_deref(),
        "--limits",
        args.limits_cpu.as_deref(),
        args.limits_memory.as_deref(),
        "limits",
    )?;
    for (k, req) in &requests {
        if let Some(lim) = limits.get(k) {
            if let (Some(r), Some(l)) = (quantity_value(&req.0), quantity_value(&lim.0)) {
                if r > l {
                    bail!(
                        "the {k} request {} is greater than its limit {}; lower --requests-{k} or raise --limits-{k}",
                        req.0,
                        lim.0
                    );
                }
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return Ok(None);
    }
    Ok(Some(ResourceRequirements {
        requests: (!requests.is_empty()).then_some(requests),
        limits: (!limits.is_empty()).then_some(limits),
        ..Default::default()
    }))
}

/// The numeric value of a (validated) quantity, for comparisons.
pub fn quantity_value(q: &str) -> Option<f64> {
    kube_units::Quantity::parse(q).ok().map(|q| q.value())
}

pub(crate) fn split_words(input: Option<&str>, flag: &str) -> Result<Option<Vec<String>>> {
    match input {
        None => Ok(None),
        Some(s) => {
            let words = shell_words::split(s)
                .map_err(|e| anyhow!("{flag} {s:?}: {e} (quote it like a shell command)"))?;
            if words.is_empty() {
                bail!("{flag} is empty");
            }
            Ok(Some(words))
        }
    }
}

/// `http:[https://]PORT[/PATH]`, `tcp:PORT`, `exec:COMMAND`, with timings from `--*-opts`
/// (console defaults: delay 0, timeout 1, period 10, success 1, failure 3).
pub fn probe(
    spec: &Option<String>,
    opts: &Option<String>,
    kind: &str,
    port_names: &BTreeSet<String>,
) -> Result<Option<Probe>> {
    let flag = format!("--{kind}");
    let Some(spec) = spec else {
        if opts.is_some() {
            bail!("--{kind}-opts needs {flag}");
        }
        return Ok(None);
    };
    let port_of = |p: &str| -> Result<IntOrString> {
        if let Ok(n) = p.parse::<i32>() {
            if !(1..=65535).contains(&n) {
                bail!("{flag} {spec:?}: the port must be between 1 and 65535");
            }
            Ok(IntOrString::Int(n))
        } else if port_names.contains(p) {
            Ok(IntOrString::String(p.to_string()))
        } else {
            bail!("{flag} {spec:?}: {p:?} is neither a port number nor the name of a --port")
        }
    };
    let mut probe = Probe {
        initial_delay_seconds: Some(0),
        timeout_seconds: Some(1),
        period_seconds: Some(10),
        success_threshold: Some(1),
        failure_threshold: Some(3),
        ..Default::default()
    };
    let (ty, target) = spec.split_once(':').ok_or_else(|| {
        anyhow!("{flag} {spec:?}: expected http:PORT[/PATH], tcp:PORT or exec:COMMAND")
    })?;
    match ty {
        "http" | "https" => {
            let (scheme, rest) = if ty == "https" {
                ("HTTPS", target.trim_start_matches("//"))
            } else if let Some(r) = target.strip_prefix("https://") {
                ("HTTPS", r)
            } else {
                ("HTTP", target.strip_prefix("http://").unwrap_or(target))
            };
            let (port, path) = match rest.split_once('/') {
                Some((p, path)) => (p, format!("/{path}")),
                None => (rest, "/".to_string()),
            };
            probe.http_get = Some(HTTPGetAction {
                port: port_of(port)?,
                path: Some(path),
                scheme: Some(scheme.into()),
                ..Default::default()
            });
        }
        "tcp" => {
            probe.tcp_socket = Some(TCPSocketAction {
                port: port_of(target)?,
                ..Default::default()
            });
        }
        "exec" => {
            let cmd = split_words(Some(target), &flag)?.unwrap_or_default();
            probe.exec = Some(ExecAction { command: Some(cmd) });
        }
        _ => bail!("{flag} {spec:?}: unknown probe type {ty:?} (expected http, tcp or exec)"),
    }
    if let Some(opts) = opts {
        let oflag = format!("--{kind}-opts");
        for item in opts.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = validate::key_value(item, &oflag)?;
            let n: i32 = v
                .parse()
                .map_err(|_| anyhow!("{oflag} {item:?}: {v:?} is not a whole number"))?;
            let (field, min) = match k {
                "delay" | "initial-delay" => (&mut probe.initial_delay_seconds, 0),
                "timeout" => (&mut probe.timeout_seconds, 1),
                "period" => (&mut probe.period_seconds, 1),
                "success" => (&mut probe.success_threshold, 1),
                "failure" => (&mut probe.failure_threshold, 1),
                _ => bail!("{oflag} {item:?}: unknown setting {k:?} (expected delay, timeout, period, success or failure)"),
            };
            if n < min {
                bail!("{oflag} {item:?}: must be at least {min}");
            }
            *field = Some(n);
        }
    }
    // Upstream validation (pkg/apis/core/validation): liveness and startup need success 1.
    if kind != "readiness" && probe.success_threshold != Some(1) {
        bail!("--{kind}-opts: success must be 1 for a {kind} probe");
    }
    Ok(Some(probe))
}

fn parse_volumes(
    specs: &[String],
    timezone: bool,
) -> Result<(Vec<PersistentVolumeClaim>, Vec<VolumeMount>)> {
    let mut claims = Vec::new();
    let mut mounts: Vec<VolumeMount> = Vec::new();
    for spec in specs {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() < 3 || parts.len() > 5 {
            bail!("--volume {spec:?}: expected name:size:mountPath[:storageClass][:accessMode]");
        }
        let (name, size, path) = (parts[0], parts[1], parts[2]);
        validate::dns1123_label(name)
            .map_err(|e| anyhow!("--volume {spec:?}: the name {name:?} {e}"))?;
        if timezone && name == "host-time" {
            bail!("--volume {spec:?}: the name host-time is used by --sync-host-timezone");
        }
        validate::non_negative_quantity(size)
            .map_err(|e| anyhow!("--volume {spec:?}: the size {size:?} {e}"))?;
        if !path.starts_with('/') {
            bail!("--volume {spec:?}: the mount path {path:?} must be absolute");
        }
        if claims
            .iter()
            .any(|c: &PersistentVolumeClaim| c.metadata.name.as_deref() == Some(name))
        {
            bail!("--volume {spec:?}: the volume name {name:?} is given twice");
        }
        if mounts.iter().any(|m| m.mount_path == path) || (timezone && path == "/etc/localtime") {
            bail!("--volume {spec:?}: the mount path {path} is used twice");
        }
        let class = parts
            .get(3)
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string());
        if let Some(c) = &class {
            validate::dns1123_subdomain(c)
                .map_err(|e| anyhow!("--volume {spec:?}: the storage class {c:?} {e}"))?;
        }
        let mode = match parts.get(4).map(|s| s.to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("rwo") | Some("readwriteonce") => "ReadWriteOnce",
            Some("rox") | Some("readonlymany") => "ReadOnlyMany",
            Some("rwx") | Some("readwritemany") => "ReadWriteMany",
            Some("rwop") | Some("readwriteoncepod") => "ReadWriteOncePod",
            Some(_) => bail!("--volume {spec:?}: access mode must be ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod"),
        };
        claims.push(PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec![mode.into()]),
                storage_class_name: class,
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".to_string(),
                        Quantity(size.into()),
                    )])),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            status: None,
        });
        mounts.push(VolumeMount {
            name: name.into(),
            mount_path: path.into(),
            ..Default::default()
        });
    }
    Ok((claims, mounts))
}

fn parse_init_container(spec: &str) -> Result<Container> {
    parse_named_container(spec, "--init-container")
}

/// `NAME=IMAGE[ COMMAND...]` (--init-container, --sidecar, --add-sidecar).
pub(crate) fn parse_named_container(spec: &str, flag: &str) -> Result<Container> {
    let (name, rest) = spec
        .split_once('=')
        .ok_or_else(|| anyhow!("{flag} {spec:?}: expected NAME=IMAGE[ COMMAND...]"))?;
    validate::dns1123_label(name).map_err(|e| anyhow!("{flag} {spec:?}: the name {name:?} {e}"))?;
    let rest = rest.trim();
    let (image, cmd) = match rest.split_once(char::is_whitespace) {
        Some((i, c)) => (i, Some(c.trim())),
        None => (rest, None),
    };
    check_image(image, &format!("{flag} {spec:?}: the image"))?;
    let command = split_words(cmd.filter(|c| !c.is_empty()), flag)
        .with_context(|| format!("{flag} {spec:?}"))?;
    Ok(Container {
        name: name.into(),
        image: Some(image.into()),
        image_pull_policy: Some("IfNotPresent".into()),
        command,
        ..Default::default()
    })
}

fn update_strategy(args: &CreateArgs) -> Result<StatefulSetUpdateStrategy> {
    let ty = match args
        .update_strategy
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("rollingupdate") | Some("rolling") => "RollingUpdate",
        Some("ondelete") => "OnDelete",
        Some(_) => {
            return Err(crate::errors::usage(format!(
                "--update-strategy {:?}: expected RollingUpdate or OnDelete",
                args.update_strategy.as_deref().unwrap_or_default()
            )))
        }
    };
    if let Some(p) = args.partition {
        if ty == "OnDelete" {
            return Err(crate::errors::usage(
                "--partition only applies to --update-strategy RollingUpdate",
            ));
        }
        if p < 0 {
            return Err(crate::errors::usage(format!(
                "--partition {p}: must be 0 or more"
            )));
        }
    }
    Ok(StatefulSetUpdateStrategy {
        type_: Some(ty.into()),
        rolling_update: (ty == "RollingUpdate").then(|| RollingUpdateStatefulSetStrategy {
            partition: Some(args.partition.unwrap_or(0)),
            ..Default::default()
        }),
    })
}

fn security_context(args: &CreateArgs) -> Result<Option<SecurityContext>> {
    if args.run_as_non_root && args.run_as_user == Some(0) {
        bail!("--run-as-non-root contradicts --run-as-user 0");
    }
    for (flag, v) in [
        ("--run-as-user", args.run_as_user),
        ("--run-as-group", args.run_as_group),
    ] {
        if matches!(v, Some(n) if !(0..=2147483647).contains(&n)) {
            bail!("{flag} must be between 0 and 2147483647");
        }
    }
    let sc = SecurityContext {
        run_as_user: args.run_as_user,
        run_as_group: args.run_as_group,
        run_as_non_root: args.run_as_non_root.then_some(true),
        privileged: args.privileged.then_some(true),
        read_only_root_filesystem: args.read_only_root_fs.then_some(true),
        ..Default::default()
    };
    Ok((sc != SecurityContext::default()).then_some(sc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(name: &str, image: &str) -> CreateArgs {
        CreateArgs {
            name: Some(name.into()),
            image: Some(image.into()),
            timeout: "5m".into(),
            ..Default::default()
        }
    }

    fn err(a: &CreateArgs) -> String {
        format!("{:#}", plan_from_args(a, "default").unwrap_err())
    }

    #[test]
    fn minimal_plan_uses_console_defaults() {
        let plan = plan_from_args(&args("web", "nginx:1.27"), "ns1").unwrap();
        let sts = &plan.statefulset;
        let spec = sts.spec.as_ref().unwrap();
        let app = BTreeMap::from([("app".to_string(), "web".to_string())]);
        assert_eq!(sts.metadata.labels.as_ref(), Some(&app));
        assert_eq!(spec.selector.match_labels.as_ref(), Some(&app));
        assert_eq!(
            spec.template.metadata.as_ref().unwrap().labels.as_ref(),
            Some(&app)
        );
        assert_eq!(spec.replicas, Some(1));
        assert_eq!(spec.service_name.as_deref(), Some("web"));
        let c = &spec.template.spec.as_ref().unwrap().containers[0];
        assert_eq!(c.name, "nginx");
        assert_eq!(c.image_pull_policy.as_deref(), Some("IfNotPresent"));
        assert_eq!(sts.metadata.namespace.as_deref(), Some("ns1"));
        let svc = &plan.service;
        assert_eq!(svc.metadata.name.as_deref(), Some("web"));
        assert_eq!(
            svc.spec.as_ref().unwrap().cluster_ip.as_deref(),
            Some("None")
        );
    }

    #[test]
    fn native_sidecar_ports_are_on_the_service_and_plain_init_ports_are_not() {
        let mut a = args("db", "postgres:16");
        a.port = vec!["5432".into()];
        a.sidecar = vec!["proxy=envoy:1".into(), "exp=exporter:1".into()];
        a.init_container = vec!["init=busybox:1.36".into()];
        let scope = |port: &str, native: bool| crate::cli::ContainerScope {
            port: vec![port.into()],
            native,
            ..Default::default()
        };
        a.scopes = vec![
            ("proxy".into(), scope("admin:9901", true)),
            ("exp".into(), scope("metrics:9187", false)),
            ("init".into(), scope("8080", false)),
        ];
        let plan = plan_from_args(&a, "default").unwrap();
        let ports: Vec<(String, i32)> = plan
            .service
            .spec
            .unwrap()
            .ports
            .unwrap()
            .into_iter()
            .map(|p| (p.name.unwrap(), p.port))
            .collect();
        assert_eq!(
            ports,
            [
                ("tcp-5432".to_string(), 5432),
                ("metrics".to_string(), 9187),
                ("admin".to_string(), 9901)
            ]
        );
    }

    #[test]
    fn container_names_from_images() {
        assert_eq!(container_name_from_image("nginx"), "nginx");
        assert_eq!(
            container_name_from_image("docker.io/library/nginx:1.27"),
            "nginx"
        );
        assert_eq!(
            container_name_from_image("ghcr.io/org/My_App:v1@sha256:abc"),
            "my-app"
        );
        assert_eq!(container_name_from_image("localhost:5000/x.y"), "x-y");
        assert_eq!(container_name_from_image("___"), "container");
    }

    #[test]
    fn ports_parse_with_defaults_and_reject_duplicates() {
        let p = parse_ports(&["80".into(), "metrics:9090/udp".into()]).unwrap();
        assert_eq!(p[0].name.as_deref(), Some("tcp-80"));
        assert_eq!(p[0].protocol.as_deref(), Some("TCP"));
        assert_eq!(p[1].name.as_deref(), Some("metrics"));
        assert_eq!(p[1].protocol.as_deref(), Some("UDP"));
        assert!(parse_ports(&["80".into(), "80".into()]).is_err());
        assert!(parse_ports(&["0".into()]).is_err());
        assert!(parse_ports(&["70000".into()]).is_err());
        assert!(parse_ports(&["80/http".into()]).is_err());
    }

    #[test]
    fn env_sources() {
        let e = parse_env(&[
            "A=1".into(),
            "B=secret:s1:k".into(),
            "C=configmap:c1:k2".into(),
            "D=x=y".into(),
        ])
        .unwrap();
        assert_eq!(e[0].value.as_deref(), Some("1"));
        let s = e[1]
            .value_from
            .as_ref()
            .unwrap()
            .secret_key_ref
            .as_ref()
            .unwrap();
        assert_eq!((s.name.as_str(), s.key.as_str()), ("s1", "k"));
        let c = e[2]
            .value_from
            .as_ref()
            .unwrap()
            .config_map_key_ref
            .as_ref()
            .unwrap();
        assert_eq!((c.name.as_str(), c.key.as_str()), ("c1", "k2"));
        assert_eq!(e[3].value.as_deref(), Some("x=y"));
        assert!(parse_env(&["1A=1".into()]).is_err());
        assert!(parse_env(&["A=secret:onlyname".into()]).is_err());
    }

    #[test]
    fn probes_get_console_defaults() {
        let names = BTreeSet::from(["http".to_string()]);
        let p = probe(&Some("http:8080/healthz".into()), &None, "liveness", &names)
            .unwrap()
            .unwrap();
        let h = p.http_get.unwrap();
        assert_eq!(h.port, IntOrString::Int(8080));
        assert_eq!(h.path.as_deref(), Some("/healthz"));
        assert_eq!(
            (
                p.initial_delay_seconds,
                p.timeout_seconds,
                p.period_seconds,
                p.success_threshold,
                p.failure_threshold
            ),
            (Some(0), Some(1), Some(10), Some(1), Some(3))
        );
        let p = probe(
            &Some("tcp:http".into()),
            &Some("delay=5,failure=6".into()),
            "readiness",
            &names,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            p.tcp_socket.unwrap().port,
            IntOrString::String("http".into())
        );
        assert_eq!(
            (p.initial_delay_seconds, p.failure_threshold),
            (Some(5), Some(6))
        );
        let p = probe(
            &Some("exec:cat '/tmp/a b'".into()),
            &None,
            "startup",
            &names,
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.exec.unwrap().command.unwrap(), vec!["cat", "/tmp/a b"]);
        assert!(probe(&Some("grpc:1".into()), &None, "liveness", &names).is_err());
        assert!(probe(&Some("tcp:nope".into()), &None, "liveness", &names).is_err());
        assert!(probe(
            &Some("tcp:80".into()),
            &Some("success=2".into()),
            "liveness",
            &names
        )
        .is_err());
        assert!(probe(
            &Some("tcp:80".into()),
            &Some("period=0".into()),
            "readiness",
            &names
        )
        .is_err());
    }

    #[test]
    fn every_flag_lands_in_its_field() {
        let mut a = args("db", "postgres:16");
        a.replicas = Some(3);
        a.port = vec!["5432".into()];
        a.requests = Some("cpu=100m".into());
        a.requests_memory = Some("128Mi".into());
        a.limits_cpu = Some("1".into());
        a.limits_memory = Some("1Gi".into());
        a.command = Some("sh -c 'exec postgres'".into());
        a.args = Some("--port 5432".into());
        a.volume = vec!["data:10Gi:/var/lib/pg:fast:rwx".into()];
        a.sync_host_timezone = true;
        a.node_selector = vec!["disk=ssd".into()];
        a.deployment_mode = Some("spread".into());
        a.label = vec!["app=db".into(), "version=v1".into()];
        a.alias = Some("Database".into());
        a.description = Some("main db".into());
        a.update_strategy = Some("RollingUpdate".into());
        a.partition = Some(2);
        a.pod_management_policy = Some("parallel".into());
        a.image_pull_secret = vec!["regcred".into()];
        a.run_as_user = Some(999);
        a.run_as_non_root = true;
        a.read_only_root_fs = true;
        a.init_container = vec!["init=busybox:1.36 sh -c 'echo hi'".into()];
        let plan = plan_from_args(&a, "default").unwrap();
        let spec = plan.statefulset.spec.as_ref().unwrap();
        assert_eq!(spec.replicas, Some(3));
        assert_eq!(spec.pod_management_policy.as_deref(), Some("Parallel"));
        assert_eq!(
            spec.update_strategy
                .as_ref()
                .unwrap()
                .rolling_update
                .as_ref()
                .unwrap()
                .partition,
            Some(2)
        );
        let pod = spec.template.spec.as_ref().unwrap();
        let c = &pod.containers[0];
        assert_eq!(c.name, "postgres");
        assert_eq!(
            c.command.as_ref().unwrap(),
            &vec!["sh", "-c", "exec postgres"]
        );
        assert_eq!(c.args.as_ref().unwrap(), &vec!["--port", "5432"]);
        let res = c.resources.as_ref().unwrap();
        assert_eq!(res.requests.as_ref().unwrap()["cpu"].0, "100m");
        assert_eq!(res.requests.as_ref().unwrap()["memory"].0, "128Mi");
        assert_eq!(res.limits.as_ref().unwrap()["memory"].0, "1Gi");
        let mounts = c.volume_mounts.as_ref().unwrap();
        assert_eq!(mounts[0].mount_path, "/var/lib/pg");
        assert_eq!(mounts[1].name, "host-time");
        assert_eq!(mounts[1].read_only, Some(true));
        let vct = &spec.volume_claim_templates.as_ref().unwrap()[0];
        let vs = vct.spec.as_ref().unwrap();
        assert_eq!(vs.access_modes.as_ref().unwrap(), &vec!["ReadWriteMany"]);
        assert_eq!(vs.storage_class_name.as_deref(), Some("fast"));
        assert_eq!(
            pod.volumes.as_ref().unwrap()[0]
                .host_path
                .as_ref()
                .unwrap()
                .path,
            "/etc/localtime"
        );
        assert_eq!(pod.node_selector.as_ref().unwrap()["disk"], "ssd");
        let anti = pod
            .affinity
            .as_ref()
            .unwrap()
            .pod_anti_affinity
            .as_ref()
            .unwrap();
        let term = &anti
            .preferred_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()[0];
        assert_eq!(term.weight, 100);
        assert_eq!(
            term.pod_affinity_term.topology_key,
            "kubernetes.io/hostname"
        );
        assert_eq!(pod.image_pull_secrets.as_ref().unwrap()[0].name, "regcred");
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(
            (
                sc.run_as_user,
                sc.run_as_non_root,
                sc.read_only_root_filesystem
            ),
            (Some(999), Some(true), Some(true))
        );
        let init = &pod.init_containers.as_ref().unwrap()[0];
        assert_eq!(init.command.as_ref().unwrap(), &vec!["sh", "-c", "echo hi"]);
        let ann = plan.statefulset.metadata.annotations.as_ref().unwrap();
        assert_eq!(ann[ALIAS_ANNOTATION], "Database");
        assert_eq!(ann[DESCRIPTION_ANNOTATION], "main db");
        // The Service selector drops `version`.
        let sel = plan
            .service
            .spec
            .as_ref()
            .unwrap()
            .selector
            .as_ref()
            .unwrap();
        assert_eq!(sel.len(), 1);
        assert_eq!(sel["app"], "db");
    }

    #[test]
    fn bad_inputs_name_their_flag() {
        let mut a = args("Web", "nginx");
        assert!(err(&a).contains("NAME"));
        a = args("web", "nginx");
        a.requests_cpu = Some("lots".into());
        assert!(err(&a).contains("--requests-cpu"));
        a = args("web", "nginx");
        a.requests_cpu = Some("2".into());
        a.limits_cpu = Some("1".into());
        assert!(err(&a).contains("greater than its limit"));
        a = args("web", "nginx");
        a.partition = Some(1);
        a.update_strategy = Some("OnDelete".into());
        assert!(err(&a).contains("--partition"));
        a = args("web", "nginx");
        a.volume = vec!["data:10Gi".into()];
        assert!(err(&a).contains("--volume"));
        a = args("web", "nginx");
        a.image = None;
        assert!(err(&a).contains("--image"));
        a = args("web", "nginx");
        a.command = Some("sh -c 'unclosed".into());
        assert!(err(&a).contains("--command"));
    }
}
