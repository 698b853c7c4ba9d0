//! Container images for the simulation: a CNCF Distribution registry run for tests
//! ([`TestRegistry`]: Debian's `docker-registry`, on loopback, with tiny images pushed over the
//! Distribution API), and the lookup the simulated kubelet makes before "pulling" an image
//! ([`resolve`]: a manifest GET for the pod's node architecture, as containerd resolves a
//! reference before it pulls).
//!
//! Upstream: the registry API is the OCI distribution spec (distribution/distribution,
//! `docs/content/spec/api.md`); containerd's resolver (`core/remotes/docker/resolver.go`)
//! HEADs/GETs `/v2/<name>/manifests/<ref>` and, for an index, picks the manifest of the
//! node's platform (`core/images/handlers.go`: "no match for platform in manifest").

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// `sha256:<hex>` of `data`.
pub fn digest(data: &[u8]) -> String {
    let h = Sha256::digest(data);
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// One plain-HTTP/1.1 exchange (`Connection: close`) with a loopback registry.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request to `host` (`127.0.0.1:PORT`); `path` includes the query.
pub fn http(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let addr = host
        .parse::<std::net::SocketAddr>()
        .or_else(|_| {
            use std::net::ToSocketAddrs;
            host.to_socket_addrs()?
                .next()
                .ok_or_else(|| std::io::Error::other("no address"))
        })
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("malformed HTTP response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("malformed status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..i])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 || b.len() < i + 2 + size {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[(i + 4 + size).min(b.len())..];
    }
    out
}

/// containerd's view of an image reference: `nginx:1.25` -> (`docker.io`, `library/nginx`,
/// `1.25`); a digest reference keeps its digest (`…@sha256:…`) as the reference.
pub fn split_reference(image: &str) -> (String, String, String) {
    let (named, digest) = match image.find('@') {
        Some(i) => (&image[..i], Some(&image[i + 1..])),
        None => (image, None),
    };
    let (host, rest) = match named.split_once('/') {
        Some((h, r)) if h.contains('.') || h.contains(':') || h == "localhost" => {
            (h.to_string(), r.to_string())
        }
        _ => ("docker.io".to_string(), named.to_string()),
    };
    let (repo, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (rest[..i].to_string(), rest[i + 1..].to_string()),
        _ => (rest, "latest".to_string()),
    };
    let repo = if host == "docker.io" && !repo.contains('/') {
        format!("library/{repo}")
    } else {
        repo
    };
    let reference = digest.map(str::to_string).unwrap_or(tag);
    (host, repo, reference)
}

/// Why the kubelet could not pull: the message of the `Failed to pull image` event and of the
/// container's ErrImagePull state (containerd's, through the CRI: `rpc error: code = …`).
pub type PullError = String;

/// What pulling an image for a node does, by the registry's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pulls,
    /// A single-platform image of another architecture: containerd checks the platform only
    /// of an index's entries (`core/images/image.go`, `Manifest`: not of the root manifest),
    /// so it pulls, and the process then fails to start (`exec format error`): the container
    /// crashes, as a `crash` image does.
    WrongArch,
    /// The pull fails with this message.
    Fails(PullError),
}

/// What pulling `image` for linux/`arch` from the registry at `registry` (`host:port`, plain
/// HTTP; every image's host is mapped onto it, as a registry mirror) does, trying each of
/// `auths` (`Authorization` header values, see [`pull_auths`]) in turn and then none, as
/// upstream's puller tries each credential of the keyring (pkg/kubelet/kuberuntime/
/// kuberuntime_image.go, PullImage: the last error when none works; anonymous only when the
/// keyring has nothing for the image).
pub fn verdict(registry: &str, image: &str, arch: &str, auths: &[String]) -> Verdict {
    let tries: Vec<Option<&str>> = if auths.is_empty() {
        vec![None]
    } else {
        auths.iter().map(|a| Some(a.as_str())).collect()
    };
    let mut last = Verdict::Pulls;
    for auth in tries {
        last = verdict_with(registry, image, arch, auth);
        if !matches!(last, Verdict::Fails(_)) {
            break;
        }
    }
    last
}

fn verdict_with(registry: &str, image: &str, arch: &str, auth: Option<&str>) -> Verdict {
    match resolve_with(registry, image, arch, auth) {
        Ok(Some(config)) => {
            let (_, repo, _) = split_reference(image);
            let path = format!("/v2/{repo}/blobs/{config}");
            let headers: Vec<(&str, &str)> =
                auth.map(|a| ("Authorization", a)).into_iter().collect();
            let other = http(registry, "GET", &path, &headers, b"")
                .ok()
                .filter(|r| r.status == 200)
                .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                .and_then(|c| c["architecture"].as_str().map(|a| a != arch));
            if other == Some(true) {
                Verdict::WrongArch
            } else {
                Verdict::Pulls
            }
        }
        Ok(None) => Verdict::Pulls,
        Err(e) => Verdict::Fails(e),
    }
}

/// Whether `image` can be pulled for `arch` (see [`verdict`]): the manifest exists and, for
/// an index, one of its manifests is for linux/`arch`. Ok(Some(config digest)) for a
/// single-platform manifest, whose platform is then only in its config.
pub fn resolve(registry: &str, image: &str, arch: &str) -> Result<Option<String>, PullError> {
    resolve_with(registry, image, arch, None)
}

fn resolve_with(
    registry: &str,
    image: &str,
    arch: &str,
    auth: Option<&str>,
) -> Result<Option<String>, PullError> {
    let (host, repo, reference) = split_reference(image);
    let full = crate::controller::kubelet::normalize_image(image);
    let accept = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST].join(", ");
    let path = format!("/v2/{repo}/manifests/{reference}");
    let mut headers = vec![("Accept", accept.as_str())];
    headers.extend(auth.map(|a| ("Authorization", a)));
    let r = match http(registry, "GET", &path, &headers, b"") {
        Ok(r) => r,
        Err(e) => {
            // containerd's resolver error for an unreachable host.
            return Err(format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image {full:?}: failed to resolve reference {full:?}: failed to do request: Head \"https://{host}/v2/{repo}/manifests/{reference}\": dial tcp {registry}: {e}"
            ));
        }
    };
    if r.status == 404 {
        return Err(format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image {full:?}: failed to resolve reference {full:?}: {full}: not found"
        ));
    }
    if r.status != 200 {
        return Err(format!(
            "rpc error: code = Unknown desc = failed to pull and unpack image {full:?}: failed to resolve reference {full:?}: unexpected status from HEAD request to https://{host}{path}: {} {}",
            r.status,
            status_text(r.status)
        ));
    }
    let manifest: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let media = r
        .header("content-type")
        .map(str::to_string)
        .or_else(|| manifest["mediaType"].as_str().map(str::to_string))
        .unwrap_or_default();
    if media == OCI_INDEX || media == DOCKER_LIST {
        let found = manifest["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["platform"]["os"] == "linux" && m["platform"]["architecture"] == arch);
        if !found {
            return Err(format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image {full:?}: no match for platform in manifest: not found"
            ));
        }
        return Ok(None);
    }
    Ok(manifest["config"]["digest"].as_str().map(str::to_string))
}

fn status_text(s: u16) -> &'static str {
    match s {
        401 => "Unauthorized",
        403 => "Forbidden",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// The `Authorization` values the kubelet's keyring has for `image`, in the order it tries
/// them, from the pod's pull secrets (`secrets`: the Secrets of `spec.imagePullSecrets` that
/// exist; the ServiceAccount admission copied the ServiceAccount's there).
///
/// Upstream (1.32): pkg/credentialprovider/secrets/secrets.go, MakeDockerKeyring: one keyring
/// of every `kubernetes.io/dockerconfigjson` Secret's `.dockerconfigjson` `auths` and
/// `kubernetes.io/dockercfg` Secret's `.dockercfg` (other types are not read);
/// pkg/credentialprovider/keyring.go: a key is `host[/path]` (scheme and a `/v1/` or `/v2/`
/// path dropped), keys are tried reverse-sorted (more specific paths first), a key matches an
/// image (`docker.io/library/nginx`, as the kubelet normalises it) of the same host whose path
/// starts with the key's; when none matches, a Docker Hub image gets the `index.docker.io`
/// credentials (isDefaultRegistryMatch). The simulated registry stands in for every host: when
/// still nothing matches, keys for its own address do.
pub fn pull_auths(secrets: &[Value], image: &str, registry: &str) -> Vec<String> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (host, repo, _) = split_reference(image);
    let mut creds: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for secret in secrets {
        let (key, nested) = match secret["type"].as_str() {
            Some("kubernetes.io/dockerconfigjson") => (".dockerconfigjson", true),
            Some("kubernetes.io/dockercfg") => (".dockercfg", false),
            _ => continue,
        };
        let Some(cfg) = secret["data"][key]
            .as_str()
            .and_then(|d| b64.decode(d).ok())
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        else {
            continue;
        };
        let auths = if nested { &cfg["auths"] } else { &cfg };
        for (loc, entry) in auths.as_object().into_iter().flatten() {
            let loc = loc
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let (khost, path) = match loc.find('/') {
                Some(i) => (&loc[..i], &loc[i..]),
                None => (loc, ""),
            };
            let path = path
                .strip_prefix("/v1/")
                .or_else(|| path.strip_prefix("/v2/"))
                .map(|p| format!("/{p}"))
                .unwrap_or_else(|| path.to_string());
            let key = match path.as_str() {
                "" | "/" => khost.to_string(),
                p => format!("{khost}{}", p.trim_end_matches('/')),
            };
            let pair = match (entry["username"].as_str(), entry["password"].as_str()) {
                (Some(u), Some(p)) => Some(format!("{u}:{p}")),
                _ => entry["auth"]
                    .as_str()
                    .and_then(|a| b64.decode(a).ok())
                    .and_then(|b| String::from_utf8(b).ok())
                    .filter(|s| s.contains(':')),
            };
            if let Some(pair) = pair {
                creds
                    .entry(key)
                    .or_default()
                    .push(format!("Basic {}", b64.encode(pair)));
            }
        }
    }
    let matching = |target_host: &str, target_path: &str| -> Vec<String> {
        creds
            .iter()
            .rev()
            .filter(|(k, _)| {
                let (kh, kp) = match k.find('/') {
                    Some(i) => (&k[..i], &k[i..]),
                    None => (k.as_str(), ""),
                };
                kh == target_host && target_path.starts_with(kp)
            })
            .flat_map(|(_, v)| v.iter().cloned())
            .collect()
    };
    let path = format!("/{repo}");
    let mut out = matching(&host, &path);
    if out.is_empty() && matches!(host.as_str(), "docker.io" | "index.docker.io") {
        out = creds.get("index.docker.io").cloned().unwrap_or_default();
    }
    if out.is_empty() {
        out = matching(registry, &path);
    }
    out
}

/// A Distribution registry (`docker-registry serve`) on 127.0.0.1, storing into a temp dir;
/// stopped when dropped.
pub struct TestRegistry {
    child: Option<Child>,
    host: String,
    /// `Basic …` when the registry requires a login (htpasswd).
    authorization: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestRegistry {
    /// Starts one on a free port. None when `docker-registry` is not installed (the test is
    /// skipped visibly, or fails under `CI=true`: see [`crate::require_tool`]).
    pub fn start() -> Option<TestRegistry> {
        Self::start_with(None)
    }

    /// One that requires the login `user`/`password` (Distribution's htpasswd auth: bcrypt
    /// entries only; 401 with a Basic challenge without it). Pushes here log in.
    pub fn start_with_login(user: &str, password: &str) -> Option<TestRegistry> {
        Self::start_with(Some((user, password)))
    }

    fn start_with(login: Option<(&str, &str)>) -> Option<TestRegistry> {
        use base64::Engine;
        let bin = crate::require_tool("docker-registry")?;
        let dir = tempfile::Builder::new()
            .prefix("registry-")
            .tempdir()
            .expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let host = format!("127.0.0.1:{port}");
        let config: PathBuf = dir.path().join("config.yml");
        let mut text = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {host}\n",
            dir.path().join("data").display()
        );
        let mut authorization = None;
        if let Some((user, password)) = login {
            let hash = bcrypt::hash(password, 4).expect("bcrypt");
            let file = dir.path().join("htpasswd");
            std::fs::write(&file, format!("{user}:{hash}\n")).expect("htpasswd");
            text.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: kube-sim\n    path: {}\n",
                file.display()
            ));
            authorization = Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ));
        }
        std::fs::write(&config, text).expect("registry config");
        let child = Command::new(bin)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start docker-registry");
        let reg = TestRegistry {
            child: Some(child),
            host,
            authorization,
            _dir: dir,
        };
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            if reg
                .request("GET", "/v2/", &[], b"")
                .is_ok_and(|r| r.status == 200)
            {
                return Some(reg);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("docker-registry did not answer on {} within 15s", reg.host);
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// One request, logged in when the registry requires it.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut h = headers.to_vec();
        if let Some(a) = &self.authorization {
            h.push(("Authorization", a));
        }
        http(&self.host, method, path, &h, body)
    }

    /// Stops it (the port then refuses connections: "registry down").
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn put_blob(&self, repo: &str, data: &[u8]) -> String {
        let d = digest(data);
        let r = self
            .request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], b"")
            .expect("start upload");
        assert_eq!(
            r.status,
            202,
            "blob upload: {}",
            String::from_utf8_lossy(&r.body)
        );
        let loc = r.header("location").expect("upload location").to_string();
        let loc = match loc.find("://") {
            Some(i) => {
                let rest = &loc[i + 3..];
                rest[rest.find('/').unwrap_or(rest.len())..].to_string()
            }
            None => loc,
        };
        let sep = if loc.contains('?') { '&' } else { '?' };
        let r = self
            .request(
                "PUT",
                &format!("{loc}{sep}digest={d}"),
                &[("Content-Type", "application/octet-stream")],
                data,
            )
            .expect("upload blob");
        assert_eq!(
            r.status,
            201,
            "blob PUT: {}",
            String::from_utf8_lossy(&r.body)
        );
        d
    }

    /// PUTs a manifest under `reference` (a tag or its digest); returns its digest.
    pub fn put_manifest(&self, repo: &str, reference: &str, media: &str, body: &[u8]) -> String {
        let r = self
            .request(
                "PUT",
                &format!("/v2/{repo}/manifests/{reference}"),
                &[("Content-Type", media)],
                body,
            )
            .expect("put manifest");
        assert_eq!(
            r.status,
            201,
            "manifest PUT: {}",
            String::from_utf8_lossy(&r.body)
        );
        digest(body)
    }

    /// One linux/`arch` image (a config with `ExposedPorts` such as `5432/tcp`, one small
    /// layer); tagged `tag` unless None. Returns (manifest digest, manifest bytes).
    pub fn push_image_manifest(
        &self,
        repo: &str,
        tag: Option<&str>,
        arch: &str,
        ports: &[&str],
    ) -> (String, Vec<u8>) {
        let layer = format!("layer of {repo} for {arch}").into_bytes();
        let layer_digest = self.put_blob(repo, &layer);
        let exposed: serde_json::Map<String, Value> =
            ports.iter().map(|p| (p.to_string(), json!({}))).collect();
        let config = json!({
            "architecture": arch,
            "os": "linux",
            "config": {"ExposedPorts": exposed, "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        });
        let config = serde_json::to_vec(&config).expect("json");
        let config_digest = self.put_blob(repo, &config);
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": OCI_LAYER, "digest": layer_digest, "size": layer.len()}],
        }))
        .expect("json");
        let d = digest(&manifest);
        self.put_manifest(repo, tag.unwrap_or(&d), OCI_MANIFEST, &manifest);
        (d, manifest)
    }

    /// A single-platform image `repo:tag`; returns its manifest digest.
    pub fn push_image(&self, repo: &str, tag: &str, arch: &str, ports: &[&str]) -> String {
        self.push_image_manifest(repo, Some(tag), arch, ports).0
    }

    /// A multi-arch image index `repo:tag` of one image per arch; returns the index digest.
    pub fn push_index(&self, repo: &str, tag: &str, arches: &[&str], ports: &[&str]) -> String {
        let manifests: Vec<Value> = arches
            .iter()
            .map(|a| {
                let (d, m) = self.push_image_manifest(repo, None, a, ports);
                json!({"mediaType": OCI_MANIFEST, "digest": d, "size": m.len(),
                       "platform": {"architecture": a, "os": "linux"}})
            })
            .collect();
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": manifests,
        }))
        .expect("json");
        self.put_manifest(repo, tag, OCI_INDEX, &index)
    }

    /// Deletes the manifest `repo:reference` points at (its tags go with it).
    pub fn delete(&self, repo: &str, reference: &str) {
        let accept = [OCI_MANIFEST, OCI_INDEX].join(", ");
        let r = self
            .request(
                "HEAD",
                &format!("/v2/{repo}/manifests/{reference}"),
                &[("Accept", &accept)],
                b"",
            )
            .expect("head manifest");
        let d = r
            .header("docker-content-digest")
            .expect("manifest digest")
            .to_string();
        let r = self
            .request("DELETE", &format!("/v2/{repo}/manifests/{d}"), &[], b"")
            .expect("delete manifest");
        assert_eq!(
            r.status,
            202,
            "delete: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_containerd() {
        let s = |i: &str| split_reference(i);
        assert_eq!(
            s("nginx"),
            ("docker.io".into(), "library/nginx".into(), "latest".into())
        );
        assert_eq!(
            s("bitnami/postgresql:16"),
            ("docker.io".into(), "bitnami/postgresql".into(), "16".into())
        );
        assert_eq!(
            s("127.0.0.1:5000/pg:1@sha256:ab"),
            ("127.0.0.1:5000".into(), "pg".into(), "sha256:ab".into())
        );
        assert_eq!(
            s("quay.io/a/b"),
            ("quay.io".into(), "a/b".into(), "latest".into())
        );
    }

    #[test]
    fn pull_auths_match_the_image_host_and_path_most_specific_first() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let json_cfg = |auths: Value| {
            json!({"type": "kubernetes.io/dockerconfigjson",
                "data": {".dockerconfigjson": b64(&json!({"auths": auths}).to_string())}})
        };
        let secrets = [
            json_cfg(json!({
                "https://index.docker.io/v1/": {"auth": b64("hub:1")},
                "docker.io/team": {"username": "team", "password": "2"},
                "quay.io": {"auth": b64("quay:3")},
                "127.0.0.1:5000": {"auth": b64("local:4")}})),
            json!({"type": "kubernetes.io/dockercfg",
                "data": {".dockercfg": b64(&json!({"ghcr.io": {"auth": b64("gh:5")}}).to_string())}}),
            json!({"type": "Opaque", "data": {".dockerconfigjson": b64("{}")}}),
        ];
        let basic = |p: &str| format!("Basic {}", b64(p));
        let reg = "127.0.0.1:5000";
        // The key with a path matches; the Hub default is only the fallback.
        assert_eq!(pull_auths(&secrets, "team/app:1", reg), [basic("team:2")]);
        assert_eq!(pull_auths(&secrets, "nginx", reg), [basic("hub:1")]);
        assert_eq!(
            pull_auths(&secrets, "ghcr.io/x/y", "127.0.0.1:6000"),
            [basic("gh:5")]
        );
        assert_eq!(
            pull_auths(&secrets, "registry.k8s.io/pause", reg),
            [basic("local:4")]
        );
        assert!(pull_auths(&secrets, "registry.k8s.io/pause", "127.0.0.1:6000").is_empty());
    }
}
