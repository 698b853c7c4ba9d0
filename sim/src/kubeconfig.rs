//! Writing the kubeconfig that points kubectl and the plugin at the simulator.
//!
//! Shape: client-go's clientcmd/api/v1 Config (clusters, users, contexts, current-context).

use base64::Engine;
use std::path::{Path, PathBuf};

/// Names used in the generated kubeconfig.
pub const NAME: &str = "kube-sim";

/// The kubeconfig YAML for a server at `server` (`http(s)://127.0.0.1:PORT`), authenticating
/// with `token`, trusting `ca_pem` when serving TLS, with `namespace` as the context namespace.
pub fn render(server: &str, token: &str, ca_pem: Option<&str>, namespace: &str) -> String {
    let mut cluster = serde_json::json!({ "server": server });
    if let Some(ca) = ca_pem {
        cluster["certificate-authority-data"] =
            serde_json::json!(base64::engine::general_purpose::STANDARD.encode(ca));
    }
    let cfg = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": NAME, "cluster": cluster}],
        "users": [{"name": NAME, "user": {"token": token}}],
        "contexts": [{"name": NAME, "context": {"cluster": NAME, "user": NAME, "namespace": namespace}}],
        "current-context": NAME,
        "preferences": {},
    });
    crate::yaml::to_string(&cfg).unwrap_or_default()
}

/// Write the kubeconfig to `path` (creating parent directories), readable by its owner only:
/// it holds the bearer token (client-go's clientcmd writes kubeconfigs 0600 too).
pub fn write(
    path: &Path,
    server: &str,
    token: &str,
    ca_pem: Option<&str>,
    namespace: &str,
) -> std::io::Result<PathBuf> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        // An existing file keeps its mode on open: narrow it before the token is written.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut f = opts.open(path)?;
    f.write_all(render(server, token, ca_pem, namespace).as_bytes())?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn written_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/kubeconfig");
        write(&path, "http://127.0.0.1:1", "tok", None, "default").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // An existing, wider file is narrowed.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&path, "http://127.0.0.1:1", "tok", None, "default").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn kubeconfig_has_context_and_token() {
        // A certificate-sized value stays on one line, as clientcmd writes it.
        let pem = "-----BEGIN CERTIFICATE-----\n".repeat(20);
        let y = render("https://127.0.0.1:1234", "tok", Some(&pem), "demo");
        let v: serde_json::Value = crate::yaml::from_str(&y).unwrap();
        let ca_line = format!(
            "    certificate-authority-data: {}\n",
            base64::engine::general_purpose::STANDARD.encode(&pem)
        );
        assert!(y.contains(&ca_line), "{y}");
        assert_eq!(v["current-context"], "kube-sim");
        assert_eq!(v["users"][0]["user"]["token"], "tok");
        assert_eq!(v["contexts"][0]["context"]["namespace"], "demo");
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            base64::engine::general_purpose::STANDARD.encode(&pem)
        );
    }
}
