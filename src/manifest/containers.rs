//! Containers and volumes of a pod template, worked on as raw JSON so that fields this client
//! does not know are kept (`create` builds on its own template, `edit-template` on the live
//! one): `-c NAME` scopes, sidecars (native ones are init containers with `restartPolicy:
//! Always`, KEP-753, GA in 1.33 and on by default since 1.29), `--mount` volumes. No I/O here.

use std::collections::BTreeSet;

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::create::{
    check_image, parse_env, parse_named_container, parse_ports, parse_resource_list, probe,
    quantity_value, split_words,
};
use super::validate;
use crate::cli::ContainerScope;

/// The pod spec's containers, then its init containers (sidecars included), by name.
pub fn find_container<'a>(pod: &'a mut Value, name: &str) -> Option<&'a mut Map<String, Value>> {
    let list = ["containers", "initContainers"].into_iter().find(|l| {
        pod[*l]
            .as_array()
            .is_some_and(|items| items.iter().any(|c| c["name"] == name))
    })?;
    pod[list]
        .as_array_mut()?
        .iter_mut()
        .find(|c| c["name"] == name)?
        .as_object_mut()
}

/// Every container name of the pod spec (containers, then init containers).
pub fn container_names(pod: &Value) -> Vec<String> {
    ["containers", "initContainers"]
        .iter()
        .flat_map(|l| pod[*l].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

fn no_such_container(pod: &Value, name: &str, flag: &str) -> anyhow::Error {
    anyhow!(
        "{flag} {name}: the pod template has no container {name:?} (it has: {})",
        container_names(pod).join(", ")
    )
}

/// Whether the pod spec has a native sidecar (an init container with `restartPolicy: Always`).
pub fn has_native_sidecar(pod: &Value) -> bool {
    pod["initContainers"]
        .as_array()
        .is_some_and(|l| l.iter().any(|c| c["restartPolicy"] == "Always"))
}

/// Native sidecars need a server of 1.29 or newer (the SidecarContainers feature, beta and on
/// by default since 1.29; an older server drops or refuses `restartPolicy` on an init
/// container). `version` is the server's `/version` answer; one it does not give is accepted.
pub fn check_native_sidecar_server(version: &Value) -> Result<()> {
    let num = |f: &str| -> Option<u32> {
        let s = version[f].as_str()?;
        s.trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .ok()
    };
    if let (Some(major), Some(minor)) = (num("major"), num("minor")) {
        if major == 1 && minor < 29 {
            bail!(
                "native sidecars (--native) need Kubernetes 1.29 or newer; the server is {major}.{minor}: add the sidecar without --native"
            );
        }
    }
    Ok(())
}

/// A sidecar `NAME=IMAGE[ COMMAND...]` added to the pod spec: a container, or (native) an init
/// container with `restartPolicy: Always`, after the existing ones.
pub fn add_sidecar(pod: &mut Value, spec: &str, flag: &str, native: bool) -> Result<String> {
    let c = parse_named_container(spec, flag)?;
    if container_names(pod).contains(&c.name) {
        bail!(
            "{flag} {spec:?}: the container name {:?} is already used",
            c.name
        );
    }
    let name = c.name.clone();
    let mut v = serde_json::to_value(&c)?;
    let list = if native {
        v["restartPolicy"] = "Always".into();
        "initContainers"
    } else {
        "containers"
    };
    match pod[list].as_array_mut() {
        Some(items) => items.push(v),
        None => pod[list] = json!([v]),
    }
    Ok(name)
}

/// Removes a container, init container or sidecar; the last container never goes.
pub fn remove_container(pod: &mut Value, name: &str) -> Result<()> {
    for list in ["containers", "initContainers"] {
        let Some(items) = pod[list].as_array_mut() else {
            continue;
        };
        if let Some(i) = items.iter().position(|c| c["name"] == name) {
            if list == "containers" && items.len() == 1 {
                bail!("--remove-container {name}: it is the only container; a pod needs one");
            }
            items.remove(i);
            if items.is_empty() {
                if let Some(m) = pod.as_object_mut() {
                    m.remove(list);
                }
            }
            return Ok(());
        }
    }
    Err(no_such_container(pod, name, "--remove-container"))
}

/// The volumes a container of the pod spec uses (its volumeMounts and volumeDevices).
pub fn volumes_used_by(pod: &Value, name: &str) -> Vec<String> {
    ["containers", "initContainers"]
        .iter()
        .flat_map(|l| pod[*l].as_array().into_iter().flatten())
        .filter(|c| c["name"] == name)
        .flat_map(|c| {
            ["volumeMounts", "volumeDevices"]
                .into_iter()
                .flat_map(move |f| c[f].as_array().into_iter().flatten())
        })
        .filter_map(|m| m["name"].as_str().map(str::to_string))
        .collect()
}

/// Removes the pod volumes among `candidates` that no container, init container or ephemeral
/// container mounts any more (after `--remove-container`); returns their names. Only
/// `spec.volumes` is looked at: volume claim templates are never touched.
pub fn prune_volumes(pod: &mut Value, candidates: &[String]) -> Vec<String> {
    let used: BTreeSet<String> = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|l| pod[*l].as_array().into_iter().flatten())
        .flat_map(|c| {
            ["volumeMounts", "volumeDevices"]
                .into_iter()
                .flat_map(move |f| c[f].as_array().into_iter().flatten())
        })
        .filter_map(|m| m["name"].as_str().map(str::to_string))
        .collect();
    let mut pruned = Vec::new();
    if let Some(volumes) = pod.get_mut("volumes").and_then(Value::as_array_mut) {
        volumes.retain(|v| {
            let name = v["name"].as_str().unwrap_or_default();
            let gone = candidates.iter().any(|c| c == name) && !used.contains(name);
            if gone && !pruned.iter().any(|p| p == name) {
                pruned.push(name.to_string());
            }
            !gone
        });
        if volumes.is_empty() {
            if let Some(m) = pod.as_object_mut() {
                m.remove("volumes");
            }
        }
    }
    pruned
}

/// Applies the settings of one scope to a container: the image, pull policy, command, args and
/// probes are replaced; ports (by name or number), env (by name) and resources (by resource)
/// are merged, so that `edit-template` changes only what is given.
pub fn apply_scope(c: &mut Map<String, Value>, s: &ContainerScope) -> Result<()> {
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let at = |flag: &str| format!("-c {name} {flag}");
    if let Some(image) = &s.image {
        check_image(image, &at("--image"))?;
        c.insert("image".into(), image.clone().into());
    }
    if let Some(p) = &s.pull_policy {
        let policy = match p.to_ascii_lowercase().as_str() {
            "always" => "Always",
            "ifnotpresent" => "IfNotPresent",
            "never" => "Never",
            _ => bail!(
                "{} {p:?}: expected Always, IfNotPresent or Never",
                at("--pull-policy")
            ),
        };
        c.insert("imagePullPolicy".into(), policy.into());
    }
    let removed_ports = remove_ports(c, &s.remove_port, &at("--remove-port"))?;
    if !s.port.is_empty() {
        let new = parse_ports(&s.port).map_err(|e| anyhow!("-c {name}: {e}"))?;
        let mut ports: Vec<Value> = c
            .get("ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for p in new {
            let v = serde_json::to_value(&p)?;
            ports.retain(|old| {
                old["name"] != v["name"]
                    && !(old["containerPort"] == v["containerPort"]
                        && old["protocol"].as_str().unwrap_or("TCP") == v["protocol"])
            });
            ports.push(v);
        }
        c.insert("ports".into(), ports.into());
    }
    remove_env(c, s, &at("--remove-env"))?;
    if !s.env.is_empty() {
        let new = parse_env(&s.env).map_err(|e| anyhow!("-c {name}: {e}"))?;
        let mut env: Vec<Value> = c
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for e in new {
            let v = serde_json::to_value(&e)?;
            match env.iter_mut().find(|old| old["name"] == v["name"]) {
                Some(old) => *old = v,
                None => env.push(v),
            }
        }
        c.insert("env".into(), env.into());
    }
    let requests = parse_resource_list(
        s.requests.as_deref(),
        &at("--requests"),
        s.requests_cpu.as_deref(),
        s.requests_memory.as_deref(),
        "requests",
    )?;
    let limits = parse_resource_list(
        s.limits.as_deref(),
        &at("--limits"),
        s.limits_cpu.as_deref(),
        s.limits_memory.as_deref(),
        "limits",
    )?;
    if !requests.is_empty() || !limits.is_empty() {
        let res = c.entry("resources").or_insert_with(|| json!({}));
        for (field, list) in [("requests", &requests), ("limits", &limits)] {
            for (k, q) in list {
                if !res[field].is_object() {
                    res[field] = json!({});
                }
                res[field][k] = q.0.clone().into();
            }
        }
        for k in ["cpu", "memory", "ephemeral-storage"] {
            let (Some(r), Some(l)) = (res["requests"][k].as_str(), res["limits"][k].as_str())
            else {
                continue;
            };
            if let (Some(rv), Some(lv)) = (quantity_value(r), quantity_value(l)) {
                if rv > lv {
                    bail!("container {name}: the {k} request {r} is greater than its limit {l}; lower --requests-{k} or raise --limits-{k}");
                }
            }
        }
    }
    if let Some(cmd) = split_words(s.command.as_deref(), &at("--command"))? {
        c.insert("command".into(), json!(cmd));
    }
    if let Some(a) = split_words(s.args.as_deref(), &at("--args"))? {
        c.insert("args".into(), json!(a));
    }
    let port_names: BTreeSet<String> = c
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    for (kind, spec, opts, field) in [
        ("liveness", &s.liveness, &s.liveness_opts, "livenessProbe"),
        (
            "readiness",
            &s.readiness,
            &s.readiness_opts,
            "readinessProbe",
        ),
        ("startup", &s.startup, &s.startup_opts, "startupProbe"),
    ] {
        if let Some(p) =
            probe(spec, opts, kind, &port_names).map_err(|e| anyhow!("-c {name}: {e}"))?
        {
            c.insert(field.into(), serde_json::to_value(&p)?);
        }
        // A probe naming a port that was just removed would fail at the kubelet.
        let probe_port = c.get(field).and_then(|p| {
            p["httpGet"]["port"]
                .as_str()
                .or_else(|| p["tcpSocket"]["port"].as_str())
        });
        if let Some(port) =
            probe_port.filter(|p| removed_ports.iter().any(|r| r == p) && !port_names.contains(*p))
        {
            bail!(
                "{}: the {kind} probe of container {name} uses the port {port:?}; change the probe too (--{kind})",
                at("--remove-port")
            );
        }
    }
    Ok(())
}

/// Whether `port` (a containerPort object) is the one `spec` names: `NAME`, `NUMBER` (any
/// protocol) or `NUMBER/PROTOCOL`.
fn port_is(port: &Value, spec: &str) -> bool {
    let number = |n: &str| n.parse::<i64>().ok();
    let protocol = port["protocol"].as_str().unwrap_or("TCP");
    match spec.split_once('/') {
        Some((n, proto)) => {
            number(n).is_some_and(|n| port["containerPort"] == n)
                && proto.eq_ignore_ascii_case(protocol)
        }
        None => match number(spec) {
            Some(n) => port["containerPort"] == n,
            None => port["name"] == spec,
        },
    }
}

/// `--remove-port`s of one container; each must name a port it has. Returns the names of the
/// ports removed (a probe may use them).
fn remove_ports(c: &mut Map<String, Value>, specs: &[String], flag: &str) -> Result<Vec<String>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let mut ports: Vec<Value> = c
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut names = Vec::new();
    for spec in specs {
        if !ports.iter().any(|p| port_is(p, spec)) {
            let have: Vec<String> = ports
                .iter()
                .map(|p| {
                    let num = format!(
                        "{}/{}",
                        p["containerPort"],
                        p["protocol"].as_str().unwrap_or("TCP")
                    );
                    match p["name"].as_str() {
                        Some(n) => format!("{n} {num}"),
                        None => num,
                    }
                })
                .collect();
            let have = if have.is_empty() {
                "none".to_string()
            } else {
                have.join(", ")
            };
            bail!("{flag} {spec}: the container has no such port (its ports: {have})");
        }
        ports.retain(|p| {
            let gone = port_is(p, spec);
            if gone {
                names.extend(p["name"].as_str().map(str::to_string));
            }
            !gone
        });
    }
    if ports.is_empty() {
        c.remove("ports");
    } else {
        c.insert("ports".into(), ports.into());
    }
    Ok(names)
}

/// `--remove-env`s of one container; each must name a variable of its `env` (one that comes
/// from `envFrom` cannot be removed alone).
fn remove_env(c: &mut Map<String, Value>, s: &ContainerScope, flag: &str) -> Result<()> {
    if s.remove_env.is_empty() {
        return Ok(());
    }
    let mut env: Vec<Value> = c
        .get("env")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for name in &s.remove_env {
        if s.env
            .iter()
            .any(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k) == name)
        {
            bail!("{flag} {name}: the variable is also set by --env; give one of them");
        }
        let before = env.len();
        env.retain(|e| e["name"] != name.as_str());
        if env.len() == before {
            let have: Vec<&str> = c
                .get("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e["name"].as_str())
                .collect();
            let from = if c.get("envFrom").is_some() {
                " (variables of envFrom cannot be removed one by one)"
            } else {
                ""
            };
            bail!(
                "{flag} {name}: the container has no such environment variable (its env: {}){from}",
                if have.is_empty() {
                    "none".to_string()
                } else {
                    have.join(", ")
                }
            );
        }
    }
    if env.is_empty() {
        c.remove("env");
    } else {
        c.insert("env".into(), env.into());
    }
    Ok(())
}

/// Applies each `-c NAME` scope to its container (a usage error when there is none).
pub fn apply_scopes(pod: &mut Value, scopes: &[(String, ContainerScope)]) -> Result<()> {
    for (name, s) in scopes {
        let names = container_names(pod);
        let Some(c) = find_container(pod, name) else {
            bail!(
                "-c {name}: the pod template has no container {name:?} (it has: {})",
                names.join(", ")
            );
        };
        apply_scope(c, s)?;
    }
    Ok(())
}

/// One `--mount [CONTAINER@]KIND:SOURCE:PATH[:ro]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub container: Option<String>,
    /// The volume (`{name, configMap|secret|persistentVolumeClaim|emptyDir|hostPath}`).
    pub volume: Value,
    /// The volumeMount (`{name, mountPath[, subPath][, readOnly]}`).
    pub mount: Value,
}

pub const MOUNT_SYNTAX: &str = "[CONTAINER@]KIND:SOURCE:PATH[:ro] (KIND: configmap, secret, pvc, emptydir, emptydir-memory, hostpath)";

/// Parses a `--mount`. The volume name is derived from the kind and source, deterministic and
/// a valid DNS-1123 label: `cm-NAME`, `secret-NAME`, `pvc-NAME`, the given name for emptyDir,
/// `host-PATH` for hostPath (see [`volume_name`]).
pub fn parse_mount(spec: &str) -> Result<Mount> {
    let bad = |why: String| anyhow!("--mount {spec:?}: {why}");
    let (container, rest) = match spec.split_once('@') {
        Some((c, r)) => {
            validate::dns1123_label(c).map_err(|e| bad(format!("the container {c:?} {e}")))?;
            (Some(c.to_string()), r)
        }
        None => (None, spec),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let read_only = match parts.get(3) {
        None => false,
        Some(&"ro") => true,
        Some(&"rw") => false,
        Some(other) => {
            return Err(bad(format!(
                "{other:?} is neither ro nor rw; expected {MOUNT_SYNTAX}"
            )))
        }
    };
    if parts.len() < 3 || parts.len() > 4 {
        return Err(bad(format!("expected {MOUNT_SYNTAX}")));
    }
    let (kind, source, path) = (parts[0].to_ascii_lowercase(), parts[1], parts[2]);
    if !path.starts_with('/') {
        return Err(bad(format!("the mount path {path:?} must be absolute")));
    }
    if source.is_empty() {
        return Err(bad("the SOURCE is empty".into()));
    }
    // ConfigMap and Secret keys (pkg/apis/core/validation: IsConfigMapKey).
    let key_ok = |k: &str| {
        !k.is_empty()
            && k.len() <= 253
            && k != "."
            && k != ".."
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let mut sub_path = None;
    let volume = match kind.as_str() {
        "configmap" | "secret" => {
            let (obj, key) = match source.split_once('/') {
                Some((o, k)) => (o, Some(k)),
                None => (source, None),
            };
            validate::dns1123_subdomain(obj)
                .map_err(|e| bad(format!("the {kind} name {obj:?} {e}")))?;
            if let Some(k) = key {
                if !key_ok(k) {
                    return Err(bad(format!(
                        "the key {k:?} must consist of letters, digits, '-', '_' or '.'"
                    )));
                }
                sub_path = Some(k.to_string());
            }
            if kind == "configmap" {
                json!({"name": volume_name("cm", obj), "configMap": {"name": obj}})
            } else {
                json!({"name": volume_name("secret", obj), "secret": {"secretName": obj}})
            }
        }
        "pvc" => {
            validate::dns1123_subdomain(source)
                .map_err(|e| bad(format!("the claim name {source:?} {e}")))?;
            json!({"name": volume_name("pvc", source), "persistentVolumeClaim": {"claimName": source}})
        }
        "emptydir" | "emptydir-memory" => {
            validate::dns1123_label(source)
                .map_err(|e| bad(format!("the volume name {source:?} {e}")))?;
            if kind == "emptydir" {
                json!({"name": source, "emptyDir": {}})
            } else {
                json!({"name": source, "emptyDir": {"medium": "Memory"}})
            }
        }
        "hostpath" => {
            if !source.starts_with('/') {
                return Err(bad(format!("the host path {source:?} must be absolute")));
            }
            json!({"name": volume_name("host", source), "hostPath": {"path": source, "type": ""}})
        }
        other => {
            return Err(bad(format!(
                "unknown kind {other:?}; expected {MOUNT_SYNTAX}"
            )))
        }
    };
    let mut mount = json!({"name": volume["name"], "mountPath": path});
    if let Some(k) = sub_path {
        mount["subPath"] = k.into();
    }
    if read_only {
        mount["readOnly"] = true.into();
    }
    Ok(Mount {
        container,
        volume,
        mount,
    })
}

/// `PREFIX-SOURCE` made a DNS-1123 label: lowercase, every other character `-`, at most 63
/// characters; a longer one is cut and ends with 8 hex digits of a hash of the whole, so two
/// long sources never share a name.
pub fn volume_name(prefix: &str, source: &str) -> String {
    let mut clean = String::new();
    for ch in source.chars().map(|c| c.to_ascii_lowercase()) {
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            clean.push(ch);
        } else if !clean.is_empty() && !clean.ends_with('-') {
            clean.push('-');
        }
    }
    let clean = clean.trim_end_matches('-');
    let s = format!("{prefix}-{}", if clean.is_empty() { "root" } else { clean });
    if s.len() <= 63 {
        return s;
    }
    // FNV-1a, 32 bits: stable across versions and platforms.
    let hash = source.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    });
    let head: String = s.chars().take(54).collect();
    format!("{}-{hash:08x}", head.trim_end_matches('-'))
}

/// Adds the mounts to the pod spec: each volume once (the same source twice shares it; one name
/// for two different sources is an error, as is a claim template's name), each mount into its
/// container (`default_container` without `CONTAINER@`), never two at one path.
pub fn apply_mounts(
    pod: &mut Value,
    mounts: &[Mount],
    default_container: &str,
    claims: &[String],
) -> Result<()> {
    for m in mounts {
        let vname = m.volume["name"].as_str().unwrap_or_default().to_string();
        if claims.contains(&vname) {
            bail!("--mount: the volume name {vname:?} is a volume claim template's; mount the claim template with --volume instead");
        }
        let target = m.container.as_deref().unwrap_or(default_container);
        let names = container_names(pod);
        let c = find_container(pod, target).ok_or_else(|| {
            anyhow!(
                "--mount {target}@…: the pod template has no container {target:?} (it has: {})",
                names.join(", ")
            )
        })?;
        let mounts = c.get("volumeMounts").and_then(Value::as_array);
        if let Some(old) = mounts
            .into_iter()
            .flatten()
            .find(|x| x["mountPath"] == m.mount["mountPath"])
        {
            if *old == m.mount {
                continue;
            }
            bail!(
                "--mount: container {target:?} already mounts {} at {}",
                old["name"].as_str().unwrap_or_default(),
                m.mount["mountPath"].as_str().unwrap_or_default()
            );
        }
        let volumes = pod
            .as_object_mut()
            .ok_or_else(|| anyhow!("the pod template has no spec"))?
            .entry("volumes")
            .or_insert_with(|| json!([]));
        let volumes = volumes
            .as_array_mut()
            .ok_or_else(|| anyhow!("spec.volumes is not a list"))?;
        match volumes.iter().find(|v| v["name"] == vname.as_str()) {
            Some(old) if same_source(old, &m.volume) => {}
            Some(_) => bail!("--mount: a volume {vname:?} already exists with another source; --unmount it first or mount another name"),
            None => volumes.push(m.volume.clone()),
        }
        let c = find_container(pod, target).ok_or_else(|| anyhow!("no container {target:?}"))?;
        let list = c.entry("volumeMounts").or_insert_with(|| json!([]));
        let list = list
            .as_array_mut()
            .ok_or_else(|| anyhow!("volumeMounts is not a list"))?;
        list.push(m.mount.clone());
    }
    Ok(())
}

/// Two volume definitions with the same source (the name aside).
fn same_source(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("name");
        }
        v
    };
    strip(a) == strip(b)
}

/// `--unmount VOLUME`: the volume and every mount of it go (never a claim template's).
pub fn unmount(pod: &mut Value, volume: &str, claims: &[String]) -> Result<()> {
    if claims.iter().any(|c| c == volume) {
        bail!(
            "--unmount {volume}: it is a volume claim template; those cannot change after creation"
        );
    }
    let names: Vec<String> = pod["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect();
    if !names.iter().any(|n| n == volume) {
        bail!(
            "--unmount {volume}: the pod template has no volume {volume:?} (it has: {})",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
    }
    if let Some(v) = pod["volumes"].as_array_mut() {
        v.retain(|x| x["name"] != volume);
        if v.is_empty() {
            pod.as_object_mut().map(|m| m.remove("volumes"));
        }
    }
    for list in ["containers", "initContainers"] {
        for c in pod[list].as_array_mut().into_iter().flatten() {
            if let Some(ms) = c["volumeMounts"].as_array_mut() {
                ms.retain(|m| m["name"] != volume);
                if ms.is_empty() {
                    c.as_object_mut().map(|m| m.remove("volumeMounts"));
                }
            }
        }
    }
    Ok(())
}

/// The `--mount`s of the main flags and of each `-c NAME` scope (which mount into NAME).
pub fn collect_mounts(main: &[String], scopes: &[(String, ContainerScope)]) -> Result<Vec<Mount>> {
    let mut out = Vec::new();
    for spec in main {
        out.push(parse_mount(spec)?);
    }
    for (name, s) in scopes {
        for spec in &s.mount {
            let mut m = parse_mount(spec)?;
            match &m.container {
                Some(c) if c != name => {
                    bail!("--mount {spec:?} after -c {name}: it names another container ({c})")
                }
                _ => m.container = Some(name.clone()),
            }
            out.push(m);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Value {
        json!({"containers": [{"name": "app", "image": "a", "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
                               "env": [{"name": "A", "value": "1"}], "x-unknown": 1}]})
    }

    #[test]
    fn mounts_of_every_kind() {
        let m = parse_mount("configmap:pg-conf:/etc/pg").unwrap();
        assert_eq!(
            m.volume,
            json!({"name": "cm-pg-conf", "configMap": {"name": "pg-conf"}})
        );
        assert_eq!(
            m.mount,
            json!({"name": "cm-pg-conf", "mountPath": "/etc/pg"})
        );
        let m = parse_mount("app@secret:creds/password:/run/pw:ro").unwrap();
        assert_eq!(m.container.as_deref(), Some("app"));
        assert_eq!(
            m.volume,
            json!({"name": "secret-creds", "secret": {"secretName": "creds"}})
        );
        assert_eq!(
            m.mount,
            json!({"name": "secret-creds", "mountPath": "/run/pw", "subPath": "password", "readOnly": true})
        );
        let m = parse_mount("pvc:shared.data:/shared").unwrap();
        assert_eq!(m.volume["name"], "pvc-shared-data");
        assert_eq!(
            m.volume["persistentVolumeClaim"]["claimName"],
            "shared.data"
        );
        assert_eq!(
            parse_mount("emptydir:scratch:/tmp").unwrap().volume,
            json!({"name": "scratch", "emptyDir": {}})
        );
        assert_eq!(
            parse_mount("emptydir-memory:shm:/dev/shm").unwrap().volume["emptyDir"]["medium"],
            "Memory"
        );
        let m = parse_mount("hostpath:/var/log:/host/log:ro").unwrap();
        assert_eq!(
            m.volume,
            json!({"name": "host-var-log", "hostPath": {"path": "/var/log", "type": ""}})
        );
        assert_eq!(
            parse_mount("hostpath:/:/host").unwrap().volume["name"],
            "host-root"
        );
        for bad in [
            "configmap:x",
            "nfs:x:/a",
            "configmap:x:rel",
            "emptydir:Bad:/a",
            "configmap:x/:/a",
            "secret:x:/a:rx",
            "hostpath:rel:/a",
            "Bad@emptydir:x:/a",
        ] {
            let e = parse_mount(bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--mount {bad:?}")), "{e}");
        }
    }

    #[test]
    fn volume_names_are_labels_and_deterministic() {
        let long = "a".repeat(250);
        let n = volume_name("cm", &long);
        assert!(n.len() <= 63, "{n}");
        assert!(validate::dns1123_label(&n).is_ok(), "{n}");
        assert_eq!(n, volume_name("cm", &long));
        assert_ne!(n, volume_name("cm", &format!("{long}b")));
        assert!(validate::dns1123_label(&volume_name("host", "/Var/Lib/__x__/")).is_ok());
        assert_eq!(volume_name("host", "/Var/Lib/__x__/"), "host-var-lib-x");
    }

    #[test]
    fn mounts_share_a_volume_and_refuse_clashes() {
        let mut p = pod();
        let ms = vec![
            parse_mount("configmap:conf:/etc/conf").unwrap(),
            parse_mount("configmap:conf/main.cf:/etc/main.cf").unwrap(),
        ];
        apply_mounts(&mut p, &ms, "app", &[]).unwrap();
        assert_eq!(p["volumes"].as_array().unwrap().len(), 1);
        assert_eq!(
            p["containers"][0]["volumeMounts"].as_array().unwrap().len(),
            2
        );
        assert_eq!(p["containers"][0]["x-unknown"], 1);
        let e = apply_mounts(
            &mut p,
            &[parse_mount("emptydir:x:/etc/conf").unwrap()],
            "app",
            &[],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("already mounts cm-conf at /etc/conf"),
            "{e}"
        );
        let e = apply_mounts(
            &mut p,
            &[parse_mount("emptydir:data:/d").unwrap()],
            "app",
            &["data".into()],
        )
        .unwrap_err();
        assert!(e.to_string().contains("claim template"), "{e}");
        let e = apply_mounts(
            &mut p,
            &[parse_mount("nope@emptydir:d:/d").unwrap()],
            "app",
            &[],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("no container \"nope\" (it has: app)"),
            "{e}"
        );
        unmount(&mut p, "cm-conf", &[]).unwrap();
        assert!(p.get("volumes").is_none());
        assert!(p["containers"][0].get("volumeMounts").is_none());
        assert!(unmount(&mut p, "cm-conf", &[]).is_err());
    }

    #[test]
    fn scopes_merge_ports_env_resources_and_replace_the_rest() {
        let mut p = pod();
        let s = ContainerScope {
            image: Some("a:2".into()),
            port: vec!["http:8080".into(), "metrics:9090".into()],
            env: vec!["A=2".into(), "B=3".into()],
            requests: Some("cpu=100m".into()),
            limits_memory: Some("1Gi".into()),
            command: Some("sh -c 'run'".into()),
            readiness: Some("http:http/ready".into()),
            ..Default::default()
        };
        apply_scopes(&mut p, &[("app".into(), s)]).unwrap();
        let c = &p["containers"][0];
        assert_eq!(c["image"], "a:2");
        assert_eq!(
            c["ports"],
            json!([{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}])
        );
        assert_eq!(
            c["env"],
            json!([{"name": "A", "value": "2"}, {"name": "B", "value": "3"}])
        );
        assert_eq!(
            c["resources"],
            json!({"requests": {"cpu": "100m"}, "limits": {"memory": "1Gi"}})
        );
        assert_eq!(c["command"], json!(["sh", "-c", "run"]));
        assert_eq!(c["readinessProbe"]["httpGet"]["port"], "http");
        assert_eq!(c["x-unknown"], 1);
        let bad = ContainerScope {
            requests_memory: Some("2Gi".into()),
            ..Default::default()
        };
        let e = apply_scopes(&mut p, &[("app".into(), bad)]).unwrap_err();
        assert!(e.to_string().contains("greater than its limit"), "{e}");
        let e = apply_scopes(&mut p, &[("db".into(), ContainerScope::default())]).unwrap_err();
        assert!(
            e.to_string()
                .contains("-c db: the pod template has no container"),
            "{e}"
        );
    }

    #[test]
    fn ports_and_env_are_removed_by_name_number_or_protocol_and_absent_ones_are_errors() {
        let mut p = json!({"containers": [{"name": "app", "image": "a",
            "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"},
                      {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                      {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                      {"name": "metrics", "containerPort": 9090}],
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "readinessProbe": {"httpGet": {"port": "http", "path": "/"}}}]});
        let scope = |ports: &[&str], env: &[&str]| ContainerScope {
            remove_port: ports.iter().map(|s| s.to_string()).collect(),
            remove_env: env.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        apply_scopes(
            &mut p,
            &[("app".into(), scope(&["53/udp", "metrics"], &["A"]))],
        )
        .unwrap();
        let c = &p["containers"][0];
        let names: Vec<&str> = c["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["http", "dns-tcp"]);
        assert_eq!(c["env"], json!([{"name": "B", "value": "2"}]));
        // A bare number removes every protocol's; the last goes with its key.
        apply_scopes(&mut p, &[("app".into(), scope(&["53"], &["B"]))]).unwrap();
        assert!(p["containers"][0].get("env").is_none());
        assert_eq!(p["containers"][0]["ports"].as_array().unwrap().len(), 1);
        let e = apply_scopes(&mut p, &[("app".into(), scope(&["8443"], &[]))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "-c app --remove-port 8443: the container has no such port (its ports: http 80/TCP)"
        );
        let e = apply_scopes(&mut p, &[("app".into(), scope(&[], &["C"]))]).unwrap_err();
        assert!(
            e.to_string()
                .contains("no such environment variable (its env: none)"),
            "{e}"
        );
        // The readiness probe uses the port `http`: removing it alone is refused.
        let e = apply_scopes(&mut p, &[("app".into(), scope(&["http"], &[]))]).unwrap_err();
        assert!(
            e.to_string()
                .contains("the readiness probe of container app uses the port \"http\""),
            "{e}"
        );
        let both = ContainerScope {
            env: vec!["A=3".into()],
            ..scope(&[], &["A"])
        };
        assert!(apply_scopes(&mut p, &[("app".into(), both)]).is_err());
    }

    #[test]
    fn native_sidecars_need_1_29() {
        let v = |minor: &str| json!({"major": "1", "minor": minor, "gitVersion": "v1.x"});
        assert!(check_native_sidecar_server(&v("32")).is_ok());
        assert!(check_native_sidecar_server(&v("29+")).is_ok());
        let e = check_native_sidecar_server(&v("28+"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("the server is 1.28"), "{e}");
        assert!(check_native_sidecar_server(&json!({})).is_ok());
    }

    #[test]
    fn sidecars_native_or_not_and_removal() {
        let mut p = pod();
        add_sidecar(&mut p, "m=exporter:1 run --fast", "--sidecar", false).unwrap();
        assert!(!has_native_sidecar(&p));
        add_sidecar(&mut p, "log=busybox", "--sidecar", true).unwrap();
        assert!(has_native_sidecar(&p));
        assert_eq!(p["containers"][1]["command"], json!(["run", "--fast"]));
        assert_eq!(p["initContainers"][0]["restartPolicy"], "Always");
        assert!(add_sidecar(&mut p, "app=x", "--sidecar", false)
            .unwrap_err()
            .to_string()
            .contains("already used"));
        remove_container(&mut p, "log").unwrap();
        assert!(p.get("initContainers").is_none());
        remove_container(&mut p, "m").unwrap();
        assert!(remove_container(&mut p, "app")
            .unwrap_err()
            .to_string()
            .contains("only container"));
        assert!(remove_container(&mut p, "zz").is_err());
    }
}
