//! The pure half of the image checks (the registry and API calls are in `kube::images`):
//! image references as Docker and containerd normalise them (`nginx` =
//! `docker.io/library/nginx:latest`, through `oci-client`'s `Reference`), the registry mirror
//! a reference is asked at, Docker config `auths` and the credential a registry gets, picking
//! the nodes' platform out of a multi-arch index, an image config's `ExposedPorts`, and digest
//! pins. No I/O here.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use oci_client::Reference;
use serde_json::Value;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

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

/// Docker's config keys of a registry (`auths` of config.json and of pull secrets).
pub fn auth_keys(registry: &str) -> Vec<String> {
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
pub fn parse_auths(auths: &Value, out: &mut Vec<(String, String, String)>) {
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

/// The first credential of `creds` (registry, user, password) that one of `registries` (in
/// order) is known by.
pub fn credential_for<'a>(
    creds: &'a [(String, String, String)],
    registries: &[&str],
) -> Option<(&'a str, &'a str)> {
    registries
        .iter()
        .flat_map(|r| auth_keys(r))
        .find_map(|k| {
            let k = k
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let k = k.split('/').next().unwrap_or(k);
            creds.iter().find(|(h, _, _)| h == k)
        })
        .map(|(_, u, p)| (u.as_str(), p.as_str()))
}

pub fn is_loopback(host: &str) -> bool {
    let h = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    h == "localhost" || h.starts_with("127.") || h == "[::1]"
}

/// The registry to ask for `registry` (a mirror of `--registry-mirror`, when one is set).
pub fn mirror_for(mirrors: &[String], registry: &str) -> Option<String> {
    let mut all = None;
    for m in mirrors {
        match m.split_once('=') {
            Some((from, to)) if from == registry => return Some(to.to_string()),
            Some(_) => {}
            None => all = Some(m.clone()),
        }
    }
    all
}

/// `image` parsed, and the reference to ask for it (at its mirror, when there is one).
pub fn references(image: &str, mirrors: &[String]) -> Result<(Reference, Reference), String> {
    let parsed: Reference = image
        .parse()
        .map_err(|e| format!("not a valid image reference: {e}"))?;
    let asked = match mirror_for(mirrors, parsed.registry()) {
        Some(m) => match (parsed.tag(), parsed.digest()) {
            (_, Some(d)) => Reference::with_digest(m, parsed.repository().into(), d.into()),
            (Some(t), None) => Reference::with_tag(m, parsed.repository().into(), t.into()),
            (None, None) => Reference::with_tag(m, parsed.repository().into(), "latest".into()),
        },
        None => parsed.clone(),
    };
    Ok((parsed, asked))
}

/// Whether a manifest is an index (OCI index or Docker manifest list).
pub fn is_index(manifest: &Value) -> bool {
    let media = manifest["mediaType"].as_str().unwrap_or_default();
    media == OCI_INDEX
        || media == DOCKER_LIST
        || (media.is_empty() && manifest["manifests"].is_array())
}

pub fn join(s: &BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The digest of the index entry for the nodes' platform (linux, one of `arches`; any
/// architecture when they are unknown), or why there is none.
pub fn pick_platform(index: &Value, arches: &BTreeSet<String>) -> Result<String, String> {
    let entries: Vec<&Value> = index["manifests"]
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
    match pick {
        Some(entry) => Ok(entry["digest"].as_str().unwrap_or_default().to_string()),
        None => Err(format!(
            "no image for the nodes' architecture ({}); the index has linux/{}",
            join(arches),
            offered.into_iter().collect::<Vec<_>>().join(", linux/")
        )),
    }
}

/// A single-platform image's config against the nodes' architectures.
pub fn check_config_arch(config: &Value, arches: &BTreeSet<String>) -> Result<(), String> {
    match config["architecture"].as_str() {
        Some(a) if !arches.is_empty() && !arches.contains(a) => Err(format!(
            "the image is for linux/{a} only; the nodes are {}",
            join(arches)
        )),
        _ => Ok(()),
    }
}

/// `ExposedPorts` of an image config, e.g. `{"5432/tcp": {}}` → `[(5432, "TCP")]`, sorted.
pub fn exposed_ports(config: &Value) -> Vec<(i32, String)> {
    let mut ports = Vec::new();
    if let Some(m) = config["config"]["ExposedPorts"].as_object() {
        for k in m.keys() {
            let (port, proto) = k.split_once('/').unwrap_or((k, "tcp"));
            if let Ok(p) = port.parse::<i32>() {
                ports.push((p, proto.to_ascii_uppercase()));
            }
        }
        ports.sort();
    }
    ports
}

/// The ports `image` exposes, as `--port` values (`5432/TCP`); empty when unknown.
pub fn image_ports(found: &BTreeMap<String, Resolved>, image: Option<&str>) -> Vec<String> {
    let Some(r) = image.and_then(|i| found.get(i)) else {
        return Vec::new();
    };
    r.ports.iter().map(|(p, pr)| format!("{p}/{pr}")).collect()
}

/// `--pin-digest`: every checked image of the template replaced by its digest reference;
/// returns the pins made (`(image, pinned)`, those that changed).
pub fn pin_digests(
    template: &mut Value,
    found: &BTreeMap<String, Resolved>,
) -> Result<Vec<(String, String)>> {
    let mut pins = Vec::new();
    for key in ["initContainers", "containers"] {
        for c in template["spec"][key].as_array_mut().into_iter().flatten() {
            let Some(i) = c["image"].as_str().map(str::to_string) else {
                continue;
            };
            match found.get(&i) {
                Some(r) => {
                    let p = r.pinned();
                    if p != i && !pins.iter().any(|(from, _)| *from == i) {
                        pins.push((i.clone(), p.clone()));
                    }
                    c["image"] = Value::String(p);
                }
                None if i.contains('@') => {}
                None => bail!("--pin-digest: the image {i:?} was not resolved (registry unreachable, or --skip-image-check)"),
            }
        }
    }
    Ok(pins)
}

/// The pins of `pin_digests` on the manifest as written (`create -f`).
pub fn pin_raw(template: &mut Value, found: &BTreeMap<String, Resolved>) {
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
        assert_eq!(
            credential_for(&out, &["127.0.0.1:5000", "docker.io"]),
            Some(("user", "pa:ss"))
        );
        assert_eq!(credential_for(&out, &["quay.io"]), None);
    }

    #[test]
    fn mirrors_map_one_registry_or_all() {
        let mirrors = vec!["quay.io=127.0.0.1:6000".into(), "127.0.0.1:5000".into()];
        assert_eq!(
            mirror_for(&mirrors, "quay.io").as_deref(),
            Some("127.0.0.1:6000")
        );
        assert_eq!(
            mirror_for(&mirrors, "docker.io").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(mirror_for(&[], "docker.io"), None);
        assert!(is_loopback("127.0.0.1:5000") && is_loopback("localhost:5000"));
        assert!(!is_loopback("registry.example:5000"));
        let (parsed, asked) = references("nginx", &mirrors).unwrap();
        assert_eq!(parsed.whole(), "docker.io/library/nginx:latest");
        assert_eq!(asked.whole(), "127.0.0.1:5000/library/nginx:latest");
        assert!(references("library/Nginx", &[]).is_err());
    }

    #[test]
    fn platforms_and_ports() {
        let index = json!({"mediaType": OCI_INDEX, "manifests": [
            {"digest": "sha256:a", "platform": {"os": "linux", "architecture": "amd64"}},
            {"digest": "sha256:b", "platform": {"os": "linux", "architecture": "arm64"}},
            {"digest": "sha256:w", "platform": {"os": "windows", "architecture": "amd64"}}]});
        assert!(is_index(&index) && !is_index(&json!({"config": {}})));
        let arches = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            pick_platform(&index, &arches(&["arm64"])).unwrap(),
            "sha256:b"
        );
        assert_eq!(pick_platform(&index, &arches(&[])).unwrap(), "sha256:a");
        assert_eq!(
            pick_platform(&index, &arches(&["s390x"])).unwrap_err(),
            "no image for the nodes' architecture (s390x); the index has linux/amd64, linux/arm64"
        );
        let cfg = json!({"architecture": "arm64",
            "config": {"ExposedPorts": {"9187/tcp": {}, "53/udp": {}, "x/tcp": {}}}});
        assert!(check_config_arch(&cfg, &arches(&["amd64"])).is_err());
        assert!(check_config_arch(&cfg, &arches(&["arm64"])).is_ok());
        assert_eq!(
            exposed_ports(&cfg),
            [(53, "UDP".to_string()), (9187, "TCP".to_string())]
        );
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
            ports: vec![(5432, "TCP".into())],
        };
        let found: BTreeMap<String, Resolved> = [
            ("busybox".to_string(), r("busybox", "sha256:b")),
            ("postgres:16".to_string(), r("postgres:16", "sha256:p")),
        ]
        .into_iter()
        .collect();
        assert_eq!(image_ports(&found, Some("postgres:16")), ["5432/TCP"]);
        assert!(image_ports(&found, Some("nope")).is_empty());
        let pins = pin_digests(&mut t, &found).unwrap();
        assert_eq!(
            pins,
            [
                ("busybox".to_string(), "busybox@sha256:b".to_string()),
                (
                    "postgres:16".to_string(),
                    "postgres:16@sha256:p".to_string()
                )
            ]
        );
        assert_eq!(t["spec"]["containers"][0]["image"], "postgres:16@sha256:p");
        assert_eq!(t["spec"]["initContainers"][0]["image"], "busybox@sha256:b");
        assert_eq!(r("x@sha256:old", "sha256:new").pinned(), "x@sha256:new");
        let mut unresolved = json!({"spec": {"containers": [{"image": "nginx"}]}});
        assert!(pin_digests(&mut unresolved, &BTreeMap::new()).is_err());
    }
}
