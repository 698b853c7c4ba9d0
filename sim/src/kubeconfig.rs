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
    serde_yaml::to_string(&cfg).unwrap_or_default()
}

/// Write the kubeconfig to `path` (creating parent directories).
pub fn write(
    path: &Path,
    server: &str,
    token: &str,
    ca_pem: Option<&str>,
    namespace: &str,
) -> std::io::Result<PathBuf> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, render(server, token, ca_pem, namespace))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_has_context_and_token() {
        let y = render("https://127.0.0.1:1234", "tok", Some("PEM"), "demo");
        let v: serde_json::Value = serde_yaml::from_str(&y).unwrap();
        assert_eq!(v["current-context"], "kube-sim");
        assert_eq!(v["users"][0]["user"]["token"], "tok");
        assert_eq!(v["contexts"][0]["context"]["namespace"], "demo");
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            base64::engine::general_purpose::STANDARD.encode("PEM")
        );
    }
}
