//! Image checks before a write: every image a pod template newly names is looked up in its
//! registry (OCI distribution API, through `oci-client`) as the kubelet would pull it —
//! with the namespace's pull secrets (the template's `imagePullSecrets` and the default
//! ServiceAccount's) and the user's Docker config — and, for a multi-arch index, against the
//! nodes' architectures. A missing image is refused (`--skip-image-check` goes on); an
//! unreachable registry is a one-line warning. `create` also reads the image's
//! `ExposedPorts` (ports by default) and its digest (`--pin-digest`).
//!
//! References are normalised as Docker and containerd do (`nginx` =
//! `docker.io/library/nginx:latest`). Loopback registries are spoken to over plain HTTP (as
//! Docker's and containerd's defaults), others over HTTPS unless named insecure.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use clap::Args;
use k8s_openapi::api::core::v1::{Node, Secret, ServiceAccount};
use kube::api::{Api, ListParams};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::Value;

use crate::errors::with_hint;
use crate::kube::Kube;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// The image-check options of the commands that change a pod template.
#[derive(Debug, Clone, Default, Args)]
pub struct ImageCheckArgs {
    /// Do not look the images up in their registries before sending
    #[arg(
        long,
        env = "KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK",
        help_heading = "Images"
    )]
    pub skip_image_check: bool,

    /// A registry spoken to over plain HTTP (repeatable; loopback ones always are)
    #[arg(
        long,
        value_name = "HOST[:PORT]",
        env = "KUBECTL_STATEFULSET_INSECURE_REGISTRIES",
        value_delimiter = ',',
        help_heading = "Images"
    )]
    pub insecure_registry: Vec<String>,

    /// Look images up in this registry instead: `HOST[:PORT]` for every registry, or
    /// `REGISTRY=HOST[:PORT]` for one (e.g. docker.io=mirror:5000) (repeatable)
    #[arg(
        long,
        value_name = "[REGISTRY=]HOST[:PORT]",
        env = "KUBECTL_STATEFULSET_REGISTRY_MIRRORS",
        value_delimiter = ',',
        help_heading = "Images"
    )]
    pub registry_mirror: Vec<String>,
}

/// What the registry says of one image.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// As written in the template.
    pub image: String,
    /// The digest of what the reference points at (the index for a multi-arch image).
    pub digest: String,
    /// `ExposedPorts` of the image config (of the nodes' platform), e.g. (5432, "TCP").
    pub ports: Vec<(i32, String)>,
}

impl Resolved {
    /// The reference pinned to its digest, keeping the tag for the reader
    /// (`postgres:16@sha256:…`; a digest already there is replaced).
    pub fn pinned(&self) -> String {
        let named = self.image.split('@').next().unwrap_or(&self.image);
        format!("{named}@{}", self.digest)
    }
}

/// The images of a pod template (containers and init containers), in order, once each.
pub fn template_images(template: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in ["initContainers", "containers"] {
        for c in template["spec"][key].as_array().into_iter().flatten() {
            if let Some(i) = c["image"].as_str() {
                if !out.iter().any(|o| o == i) {
                    out.push(i.to_string());
                }
            }
        }
    }
    out
}

/// Checks every image of `template` that `previous` (the template it replaces) does not name:
/// refuses a missing one, warns (on stderr) of an unreachable registry. Returns what was found,
/// by image. Called by `create`, `rollback` and any command that changes a template.
pub async fn check_template(
    kube: &Kube,
    opts: &ImageCheckArgs,
    template: &Value,
    previous: Option<&Value>,
) -> Result<BTreeMap<String, Resolved>> {
    if opts.skip_image_check {
        return Ok(BTreeMap::new());
    }
    let old: BTreeSet<String> = previous
        .map(template_images)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let images: Vec<String> = template_images(template)
        .into_iter()
        .filter(|i| !old.contains(i))
        .collect();
    if images.is_empty() {
        return Ok(BTreeMap::new());
    }
    let (creds, arches) = tokio::join!(pull_credentials(kube, template), node_architectures(kube));
    let mut out = BTreeMap::new();
    for image in images {
        match resolve(opts, &creds, &arches, &image).await {
            Ok(r) => {
                out.insert(image, r);
            }
            Err(Failure::Unreachable(e)) => {
                eprintln!("Warning: image {image:?} not checked: {e}");
            }
            Err(Failure::Refused(e)) => {
                return Err(with_hint(
                    anyhow::anyhow!("image {image:?}: {e}"),
                    "correct the image, or give --skip-image-check to send it unchecked",
                ));
            }
        }
    }
    Ok(out)
}

/// What looking an image up needs from the cluster (credentials, the nodes' architectures),
/// read once, for a caller that cannot await: the `create -i` wizard checks each image as it
/// is typed, as the console does when an image is picked.
#[derive(Debug, Clone)]
pub struct Lookup {
    opts: ImageCheckArgs,
    creds: Vec<(String, String, String)>,
    arches: BTreeSet<String>,
}

/// The answer of [`Lookup::check`].
#[derive(Debug, Clone)]
pub enum Looked {
    Found(Resolved),
    /// The registry answered: it cannot be pulled (the message says why).
    Refused(String),
    /// No answer (the warning line, without `Warning: `).
    Unchecked(String),
}

/// The [`Lookup`] of `create` with these options (None with `--skip-image-check`): the pull
/// secrets named by `pull_secrets`, the default ServiceAccount's and the Docker config.
pub async fn lookup(
    kube: &Kube,
    opts: &ImageCheckArgs,
    namespace: &str,
    pull_secrets: &[String],
) -> Option<Lookup> {
    if opts.skip_image_check {
        return None;
    }
    let template = serde_json::json!({
        "metadata": {"namespace": namespace},
        "spec": {"imagePullSecrets": pull_secrets.iter().map(|n| serde_json::json!({"name": n})).collect::<Vec<_>>()},
    });
    let (creds, arches) = tokio::join!(pull_credentials(kube, &template), node_architectures(kube));
    Some(Lookup {
        opts: opts.clone(),
        creds,
        arches,
    })
}

impl Lookup {
    /// Looks `image` up, blocking: on a thread of its own with its own runtime (the caller's
    /// runtime is busy running the caller).
    pub fn check(&self, image: &str) -> Looked {
        std::thread::scope(|s| {
            s.spawn(|| {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => return Looked::Unchecked(format!("cannot start a runtime: {e}")),
                };
                match rt.block_on(resolve(&self.opts, &self.creds, &self.arches, image)) {
                    Ok(r) => Looked::Found(r),
                    Err(Failure::Refused(m)) => Looked::Refused(m),
                    Err(Failure::Unreachable(m)) => Looked::Unchecked(m),
                }
            })
            .join()
            .unwrap_or_else(|_| Looked::Unchecked("the lookup failed".into()))
        })
    }
}

enum Failure {
    /// No answer from the registry (connection, TLS, DNS): the check is skipped.
    Unreachable(String),
    /// The registry answered: the image cannot be pulled.
    Refused(String),
}

/// Docker's config keys of a registry (`auths` of config.json and of pull secrets).
fn auth_keys(registry: &str) -> Vec<String> {
    let mut keys = vec![
        registry.to_string(),
        format!("https://{registry}"),
        format!("http://{registry}"),
    ];
    if matches!(
        registry,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    ) {
        keys.push("https://index.docker.io/v1/".into());
        keys.push("index.docker.io".into());
        keys.push("docker.io".into());
    }
    keys
}

/// Registry -> (user, password), from one `auths` map of a Docker config.
fn parse_auths(auths: &Value, out: &mut Vec<(String, String, String)>) {
    use base64::Engine;
    let Some(m) = auths.as_object() else { return };
    for (host, a) in m {
        let pair = match (a["username"].as_str(), a["password"].as_str()) {
            (Some(u), Some(p)) => Some((u.to_string(), p.to_string())),
            _ => a["auth"]
                .as_str()
                .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| {
                    s.split_once(':')
                        .map(|(u, p)| (u.to_string(), p.to_string()))
                }),
        };
        if let Some((u, p)) = pair {
            let host = host
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let host = host.split('/').next().unwrap_or(host).to_string();
            out.push((host, u, p));
        }
    }
}

/// Credentials in the kubelet's order: the template's pull secrets, the default
/// ServiceAccount's, then the user's Docker config (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`). A secret that cannot be read is passed over, as the kubelet does.
async fn pull_credentials(kube: &Kube, template: &Value) -> Vec<(String, String, String)> {
    let ns = template["metadata"]["namespace"]
        .as_str()
        .unwrap_or(&kube.namespace)
        .to_string();
    let mut names: Vec<String> = template["spec"]["imagePullSecrets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect();
    let sas: Api<ServiceAccount> = Api::namespaced(kube.client.clone(), &ns);
    if let Ok(sa) = sas.get("default").await {
        for s in sa.image_pull_secrets.unwrap_or_default() {
            if !names.contains(&s.name) {
                names.push(s.name);
            }
        }
    }
    let mut out = Vec::new();
    let secrets: Api<Secret> = Api::namespaced(kube.client.clone(), &ns);
    for name in names {
        let Ok(s) = secrets.get(&name).await else {
            continue;
        };
        let data = s.data.unwrap_or_default();
        if let Some(v) = data
            .get(".dockerconfigjson")
            .and_then(|b| serde_json::from_slice::<Value>(&b.0).ok())
        {
            parse_auths(&v["auths"], &mut out);
        } else if let Some(v) = data
            .get(".dockercfg")
            .and_then(|b| serde_json::from_slice::<Value>(&b.0).ok())
        {
            parse_auths(&v, &mut out);
        }
    }
    let dir = std::env::var_os("DOCKER_CONFIG")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".docker")));
    if let Some(v) = dir
        .and_then(|d| std::fs::read(d.join("config.json")).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    {
        parse_auths(&v["auths"], &mut out);
    }
    out
}

/// The nodes' architectures (`status.nodeInfo.architecture`, else the `kubernetes.io/arch`
/// label); empty when the nodes cannot be listed (no platform check then).
async fn node_architectures(kube: &Kube) -> BTreeSet<String> {
    let nodes: Api<Node> = Api::all(kube.client.clone());
    let Ok(list) = nodes.list(&ListParams::default()).await else {
        return BTreeSet::new();
    };
    list.items
        .iter()
        .filter_map(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.node_info.as_ref())
                .map(|i| i.architecture.clone())
                .filter(|a| !a.is_empty())
                .or_else(|| {
                    n.metadata
                        .labels
                        .as_ref()?
                        .get("kubernetes.io/arch")
                        .cloned()
                })
        })
        .collect()
}

fn is_loopback(host: &str) -> bool {
    let h = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    h == "localhost" || h.starts_with("127.") || h == "[::1]"
}

/// The registry to ask for `registry` (a mirror, when set).
fn mirror_for(opts: &ImageCheckArgs, registry: &str) -> Option<String> {
    let mut all = None;
    for m in &opts.registry_mirror {
        match m.split_once('=') {
            Some((from, to)) if from == registry => return Some(to.to_string()),
            Some(_) => {}
            None => all = Some(m.clone()),
        }
    }
    all
}

async fn resolve(
    opts: &ImageCheckArgs,
    creds: &[(String, String, String)],
    arches: &BTreeSet<String>,
    image: &str,
) -> std::result::Result<Resolved, Failure> {
    let parsed: Reference = image
        .parse()
        .map_err(|e| Failure::Refused(format!("not a valid image reference: {e}")))?;
    let origin = parsed.registry().to_string();
    let reference = match mirror_for(opts, &origin) {
        Some(m) => match (parsed.tag(), parsed.digest()) {
            (_, Some(d)) => Reference::with_digest(m, parsed.repository().into(), d.into()),
            (Some(t), None) => Reference::with_tag(m, parsed.repository().into(), t.into()),
            (None, None) => Reference::with_tag(m, parsed.repository().into(), "latest".into()),
        },
        None => parsed.clone(),
    };
    let host = reference.resolve_registry().to_string();
    let mut plain: Vec<String> = opts.insecure_registry.clone();
    if is_loopback(&host) {
        plain.push(host.clone());
    }
    // reqwest (under oci-client) takes the process's rustls provider: ours is ring, as kube's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = Client::new(ClientConfig {
        protocol: ClientProtocol::HttpsExcept(plain),
        connect_timeout: Some(std::time::Duration::from_secs(5)),
        read_timeout: Some(std::time::Duration::from_secs(15)),
        platform_resolver: None,
        ..Default::default()
    });
    let auth = [reference.registry(), host.as_str(), origin.as_str()]
        .iter()
        .flat_map(|r| auth_keys(r))
        .find_map(|k| {
            let k = k
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let k = k.split('/').next().unwrap_or(k);
            creds.iter().find(|(h, _, _)| h == k)
        })
        .map(|(_, u, p)| RegistryAuth::Basic(u.clone(), p.clone()))
        .unwrap_or(RegistryAuth::Anonymous);
    let accepted = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];
    let (raw, digest) = client
        .pull_manifest_raw(&reference, &auth, &accepted)
        .await
        .map_err(|e| classify(e, &reference, &parsed))?;
    let manifest: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let media = manifest["mediaType"].as_str().unwrap_or_default();
    let is_index = media == OCI_INDEX
        || media == DOCKER_LIST
        || (media.is_empty() && manifest["manifests"].is_array());
    let (manifest, platform_ref) = if is_index {
        let entries: Vec<&Value> = manifest["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["platform"]["os"] == "linux")
            .collect();
        let offered: BTreeSet<String> = entries
            .iter()
            .filter_map(|m| m["platform"]["architecture"].as_str().map(str::to_string))
            .collect();
        let pick = entries.iter().find(|m| {
            m["platform"]["architecture"]
                .as_str()
                .is_some_and(|a| arches.is_empty() || arches.contains(a))
        });
        let Some(entry) = pick else {
            return Err(Failure::Refused(format!(
                "no image for the nodes' architecture ({}); the index has linux/{}",
                join(arches),
                offered.into_iter().collect::<Vec<_>>().join(", linux/")
            )));
        };
        let d = entry["digest"].as_str().unwrap_or_default().to_string();
        let r = reference.clone_with_digest(d);
        let (raw, _) = client
            .pull_manifest_raw(&r, &auth, &accepted)
            .await
            .map_err(|e| classify(e, &r, &parsed))?;
        (serde_json::from_slice(&raw).unwrap_or(Value::Null), r)
    } else {
        (manifest, reference.clone())
    };
    let mut ports = Vec::new();
    if let Some(cfg) = manifest["config"]["digest"].as_str() {
        let mut buf: Vec<u8> = Vec::new();
        client
            .pull_blob(&platform_ref, cfg, &mut buf)
            .await
            .map_err(|e| classify(e, &platform_ref, &parsed))?;
        let config: Value = serde_json::from_slice(&buf).unwrap_or(Value::Null);
        if !is_index {
            if let Some(a) = config["architecture"].as_str() {
                if !arches.is_empty() && !arches.contains(a) {
                    return Err(Failure::Refused(format!(
                        "the image is for linux/{a} only; the nodes are {}",
                        join(arches)
                    )));
                }
            }
        }
        if let Some(m) = config["config"]["ExposedPorts"].as_object() {
            for k in m.keys() {
                let (port, proto) = k.split_once('/').unwrap_or((k, "tcp"));
                if let Ok(p) = port.parse::<i32>() {
                    ports.push((p, proto.to_ascii_uppercase()));
                }
            }
            ports.sort();
        }
    }
    Ok(Resolved {
        image: image.to_string(),
        digest,
        ports,
    })
}

fn join(s: &BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The registry's answer (refused) or its absence (unreachable).
fn classify(
    e: oci_client::errors::OciDistributionError,
    r: &Reference,
    origin: &Reference,
) -> Failure {
    use oci_client::errors::OciDistributionError as E;
    let whole = if r.registry() == origin.registry() {
        r.whole()
    } else {
        format!("{} (asked at the mirror {})", origin.whole(), r.registry())
    };
    match e {
        E::RequestError(e) => {
            let mut msg = e.to_string();
            let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
            while let Some(s) = src {
                msg = format!("{msg}: {s}");
                src = s.source();
            }
            Failure::Unreachable(format!(
                "cannot reach the registry {}: {msg}",
                r.resolve_registry()
            ))
        }
        E::RegistryError { envelope, .. } => Failure::Refused(format!(
            "{whole}: the registry answered: {}",
            envelope
                .errors
                .iter()
                .map(|x| {
                    let code = serde_json::to_value(&x.code)
                        .ok()
                        .and_then(|c| c.as_str().map(str::to_string))
                        .unwrap_or_else(|| format!("{:?}", x.code));
                    format!("{code} {}", x.message).trim().to_string()
                })
                .collect::<Vec<_>>()
                .join("; ")
        )),
        E::UnauthorizedError { .. } | E::AuthenticationFailure(_) => Failure::Refused(format!(
            "{whole}: the registry answered 401 Unauthorized: name a pull secret (--image-pull-secret, or the default ServiceAccount's imagePullSecrets) or log in (docker login)"
        )),
        E::ImageManifestNotFoundError(m) => {
            Failure::Refused(format!("{whole}: not found in the registry ({m})"))
        }
        other => Failure::Refused(format!("{whole}: {other}")),
    }
}

/// `create` with no `--port` (for a sidecar: no `-c NAME --port`): the image's ExposedPorts as
/// `--port` values (`5432/TCP`), with a line on stderr that says so; empty when the image
/// declares none.
pub fn default_ports(
    found: &BTreeMap<String, Resolved>,
    image: Option<&str>,
    sidecar: Option<&str>,
) -> Vec<String> {
    let Some(r) = image.and_then(|i| found.get(i)) else {
        return Vec::new();
    };
    let ports: Vec<String> = r.ports.iter().map(|(p, pr)| format!("{p}/{pr}")).collect();
    if !ports.is_empty() {
        match sidecar {
            None => eprintln!(
                "using the ports the image {} exposes (no --port given): {}",
                r.image,
                ports.join(", ")
            ),
            Some(n) => eprintln!(
                "using the ports the image {} exposes for sidecar {n} (no -c {n} --port given): {}",
                r.image,
                ports.join(", ")
            ),
        }
    }
    ports
}

/// `--pin-digest`: every checked image of the template replaced by its digest reference.
pub fn pin_digests(template: &mut Value, found: &BTreeMap<String, Resolved>) -> Result<()> {
    for key in ["initContainers", "containers"] {
        for c in template["spec"][key].as_array_mut().into_iter().flatten() {
            let Some(i) = c["image"].as_str().map(str::to_string) else {
                continue;
            };
            match found.get(&i) {
                Some(r) => {
                    let p = r.pinned();
                    if p != i {
                        eprintln!("image {i} pinned to {p}");
                    }
                    c["image"] = Value::String(p);
                }
                None if i.contains('@') => {}
                None => bail!("--pin-digest: the image {i:?} was not resolved (registry unreachable, or --skip-image-check)"),
            }
        }
    }
    Ok(())
}

/// `create`'s image step, after the plan is built and before anything is sent: checks the
/// template's images; without `--port` (and not from a manifest) takes the image's
/// ExposedPorts (rebuilding the plan with them); with `--pin-digest` pins every image.
pub async fn prepare_create(
    kube: &Kube,
    args: &mut crate::cli::CreateArgs,
    plan: &mut crate::manifest::Plan,
) -> Result<()> {
    let namespace = plan.namespace().to_string();
    let mut template = serde_json::to_value(
        plan.statefulset
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default(),
    )?;
    template["metadata"]["namespace"] = Value::String(namespace.clone());
    let found = check_template(kube, &args.images, &template, None).await?;
    if args.filename.is_none() && !args.interactive {
        let mut rebuild = false;
        if args.port.is_empty() {
            let ports = default_ports(&found, args.image.as_deref(), None);
            if !ports.is_empty() {
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
            let ports = default_ports(&found, c["image"].as_str(), Some(name));
            if !ports.is_empty() {
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
            *plan = crate::manifest::plan_from_args(args, &namespace)?;
            if let Some(svc) = chosen {
                plan.set_service_name(&svc)?;
                plan.service_name_chosen = true;
            }
        }
    }
    if args.pin_digest {
        if let Some(spec) = plan.statefulset.spec.as_mut() {
            let mut t = serde_json::to_value(&spec.template)?;
            pin_digests(&mut t, &found)?;
            spec.template = serde_json::from_value(t)?;
        }
        if let Some(raw) = plan.statefulset_raw.as_mut() {
            let quiet = found.clone();
            if raw["spec"]["template"].is_object() {
                let mut t = raw["spec"]["template"].take();
                pin_raw(&mut t, &quiet);
                raw["spec"]["template"] = t;
            }
        }
    }
    Ok(())
}

/// The pins of `pin_digests` on the manifest as written (already reported).
fn pin_raw(template: &mut Value, found: &BTreeMap<String, Resolved>) {
    for key in ["initContainers", "containers"] {
        for c in template["spec"][key].as_array_mut().into_iter().flatten() {
            if let Some(r) = c["image"].as_str().and_then(|i| found.get(i)) {
                c["image"] = Value::String(r.pinned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn docker_config_auths_decode_both_forms() {
        let mut out = Vec::new();
        parse_auths(
            &json!({
                "https://index.docker.io/v1/": {"auth": "dXNlcjpwYTpzcw=="},
                "registry.example:5000": {"username": "u", "password": "p"},
                "broken": {"auth": "not base64!"},
            }),
            &mut out,
        );
        out.sort();
        assert_eq!(
            out,
            [
                ("index.docker.io".into(), "user".into(), "pa:ss".into()),
                ("registry.example:5000".into(), "u".into(), "p".into()),
            ]
        );
        assert!(auth_keys("docker.io").contains(&"https://index.docker.io/v1/".to_string()));
    }

    #[test]
    fn mirrors_map_one_registry_or_all() {
        let opts = ImageCheckArgs {
            registry_mirror: vec!["quay.io=127.0.0.1:6000".into(), "127.0.0.1:5000".into()],
            ..Default::default()
        };
        assert_eq!(
            mirror_for(&opts, "quay.io").as_deref(),
            Some("127.0.0.1:6000")
        );
        assert_eq!(
            mirror_for(&opts, "docker.io").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(mirror_for(&ImageCheckArgs::default(), "docker.io"), None);
        assert!(is_loopback("127.0.0.1:5000") && is_loopback("localhost:5000"));
        assert!(!is_loopback("registry.example:5000"));
    }

    #[test]
    fn images_of_a_template_and_their_pins() {
        let mut t = json!({"spec": {
            "initContainers": [{"name": "i", "image": "busybox"}],
            "containers": [{"name": "a", "image": "postgres:16"}, {"name": "b", "image": "busybox"}],
        }});
        assert_eq!(template_images(&t), ["busybox", "postgres:16"]);
        let r = |i: &str, d: &str| Resolved {
            image: i.into(),
            digest: d.into(),
            ports: vec![],
        };
        let found: BTreeMap<String, Resolved> = [
            ("busybox".to_string(), r("busybox", "sha256:b")),
            ("postgres:16".to_string(), r("postgres:16", "sha256:p")),
        ]
        .into_iter()
        .collect();
        pin_digests(&mut t, &found).unwrap();
        assert_eq!(t["spec"]["containers"][0]["image"], "postgres:16@sha256:p");
        assert_eq!(t["spec"]["initContainers"][0]["image"], "busybox@sha256:b");
        assert_eq!(r("x@sha256:old", "sha256:new").pinned(), "x@sha256:new");
        let mut unresolved = json!({"spec": {"containers": [{"image": "nginx"}]}});
        assert!(pin_digests(&mut unresolved, &BTreeMap::new()).is_err());
    }
}
