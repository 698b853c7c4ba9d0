//! Image checks before a write: every image a pod template newly names is looked up in its
//! registry (OCI distribution API, through `oci-client`) as the kubelet would pull it —
//! with the namespace's pull secrets (the template's `imagePullSecrets` and the default
//! ServiceAccount's) and the user's Docker config — and, for a multi-arch index, against the
//! nodes' architectures. A missing image is refused (`--skip-image-check` goes on); an
//! unreachable registry is a one-line warning. The pure parts (references, mirrors, auths,
//! platforms, ports, pins) are `manifest::images`.
//!
//! Loopback registries are spoken to over plain HTTP (as Docker's and containerd's defaults),
//! others over HTTPS unless named insecure.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use k8s_openapi::api::core::v1::{Node, Secret, ServiceAccount};
use kube::api::{Api, ListParams};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::Value;

use super::Kube;
use crate::cli::ImageCheckArgs;
use crate::errors::with_hint;
use crate::manifest::images::{
    check_config_arch, credential_for, exposed_ports, is_index, is_loopback, parse_auths,
    pick_platform, references, template_images, Resolved, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX,
    OCI_MANIFEST,
};

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

/// The image `image` as the registry (or its mirror) has it.
async fn resolve(
    opts: &ImageCheckArgs,
    creds: &[(String, String, String)],
    arches: &BTreeSet<String>,
    image: &str,
) -> std::result::Result<Resolved, Failure> {
    let (parsed, reference) = references(image, &opts.registry_mirror).map_err(Failure::Refused)?;
    let origin = parsed.registry().to_string();
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
    let auth = credential_for(
        creds,
        &[reference.registry(), host.as_str(), origin.as_str()],
    )
    .map(|(u, p)| RegistryAuth::Basic(u.to_string(), p.to_string()))
    .unwrap_or(RegistryAuth::Anonymous);
    let accepted = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];
    let (raw, digest) = client
        .pull_manifest_raw(&reference, &auth, &accepted)
        .await
        .map_err(|e| classify(e, &reference, &parsed))?;
    let manifest: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let index = is_index(&manifest);
    let (manifest, platform_ref) = if index {
        let d = pick_platform(&manifest, arches).map_err(Failure::Refused)?;
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
        if !index {
            check_config_arch(&config, arches).map_err(Failure::Refused)?;
        }
        ports = exposed_ports(&config);
    }
    Ok(Resolved {
        image: image.to_string(),
        digest,
        ports,
    })
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
