//! Image checks end to end, against a real registry (Debian's docker-registry, started by
//! `kube_sim::images::TestRegistry`; skipped visibly without it, failing under CI=true) that
//! both the plugin (through the mirror setting: docker.io is mapped onto it) and the
//! simulated kubelet (`ClusterOptions::image_registry`) ask.

mod common;

use common::TestEnv;
use kube_sim::api::WriteOptions;
use kube_sim::images::TestRegistry;
use kube_sim::resources::{CONTROLLERREVISIONS, STATEFULSETS};
use std::time::Duration;

fn setup() -> Option<(TestRegistry, TestEnv)> {
    let (reg, env) = TestEnv::with_registry(10.0)?;
    reg.push_index(
        "library/postgres",
        "16",
        &["amd64", "arm64"],
        &["5432/tcp", "9187/tcp"],
    );
    reg.push_image("library/armonly", "1", "arm64", &["80/tcp"]);
    Some((reg, env))
}

fn ports(v: &serde_json::Value, path: &str) -> Vec<i64> {
    v.pointer(path)
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p["containerPort"].as_i64().or(p["port"].as_i64()))
        .collect()
}

#[test]
fn create_takes_the_image_ports_pins_digests_and_refuses_missing_images() {
    let Some((reg, env)) = setup() else { return };

    // No --port: the image's ExposedPorts, said so.
    let o = env.run(["create", "db", "--image", "postgres:16"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "using the ports the image postgres:16 exposes (no --port given): 5432/TCP, 9187/TCP"
        ),
        "{}",
        o.stderr
    );
    let sts = env.sts("default", "db").unwrap();
    assert_eq!(
        ports(&sts, "/spec/template/spec/containers/0/ports"),
        [5432, 9187]
    );
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"],
        "tcp-5432"
    );
    assert_eq!(
        ports(&env.svc("default", "db").unwrap(), "/spec/ports"),
        [5432, 9187]
    );

    // --pin-digest: the index's digest (the image stays multi-arch).
    let o = env.run(["create", "pinned", "--image", "postgres:16", "--pin-digest"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let image = env.sts("default", "pinned").unwrap()["spec"]["template"]["spec"]["containers"][0]
        ["image"]
        .as_str()
        .unwrap()
        .to_string();
    let r = kube_sim::images::http(
        reg.host(),
        "HEAD",
        "/v2/library/postgres/manifests/16",
        &[("Accept", kube_sim::images::OCI_INDEX)],
        b"",
    )
    .unwrap();
    let digest = r.header("docker-content-digest").unwrap();
    assert_eq!(image, format!("postgres:16@{digest}"));
    assert!(o
        .stderr
        .contains(&format!("image postgres:16 pinned to {image}")));

    // A missing tag: refused with the registry's answer, nothing created.
    let before = env.writes().len();
    let o = env.run(["create", "bad", "--image", "postgres:17", "--port", "5432"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("image \"postgres:17\"") && o.stderr.contains("MANIFEST_UNKNOWN"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--skip-image-check"), "{}", o.stderr);
    assert_eq!(env.writes().len(), before, "nothing may be sent");
    assert!(env.sts("default", "bad").is_none());

    // An arm64-only image on amd64 nodes: refused.
    let o = env.run(["create", "arm", "--image", "armonly:1"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("the image is for linux/arm64 only; the nodes are amd64"),
        "{}",
        o.stderr
    );
    assert!(env.sts("default", "arm").is_none());

    // Sent anyway: the kubelet cannot pull it either.
    let o = env.run([
        "create",
        "bad",
        "--image",
        "postgres:17",
        "--port",
        "5432",
        "--skip-image-check",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut last = String::new();
    let seen = env.sim.wait_until(Duration::from_secs(15), |_| {
        last = env.ok(["pods", "bad"]);
        last.contains("ImagePullBackOff") || last.contains("ErrImagePull")
    });
    assert!(seen, "{last}");
    let get = env.ok(["get", "bad"]);
    assert!(
        get.contains("ImagePullBackOff") || get.contains("ErrImagePull"),
        "{get}"
    );
}

#[test]
fn registry_down_is_a_warning() {
    let Some((mut reg, env)) = setup() else {
        return;
    };
    reg.stop();
    let o = env.run(["create", "web", "--image", "postgres:16", "--port", "80"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let warnings: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("Warning: image"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", o.stderr);
    assert!(
        warnings[0].starts_with(&format!(
            "Warning: image \"postgres:16\" not checked: cannot reach the registry {}",
            reg.host()
        )),
        "{}",
        o.stderr
    );
    assert!(env.sts("default", "web").is_some());
}

#[test]
fn rollback_refuses_a_revision_whose_image_vanished() {
    let Some((reg, env)) = setup() else { return };
    reg.push_image("library/app", "1", "amd64", &["8080/tcp"]);
    reg.push_image("library/app", "2", "amd64", &["8080/tcp"]);
    let o = env.run(["create", "app", "--image", "app:1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Revision 1 first: a change before the controller's first sync would leave only one.
    env.wait_ready("default", "app", 1);
    // The template changes to app:2 (retried over the controller's status writes).
    let updated = env.sim.wait_until(Duration::from_secs(5), |c| {
        let mut sts = env.sts("default", "app").unwrap();
        sts["spec"]["template"]["spec"]["containers"][0]["image"] = "app:2".into();
        c.update(
            &STATEFULSETS,
            Some("default"),
            "app",
            None,
            sts,
            &WriteOptions::default(),
        )
        .is_ok()
    });
    assert!(updated);
    assert!(env.sim.wait_until(Duration::from_secs(10), |c| {
        c.list_items(&CONTROLLERREVISIONS, Some("default"), None)
            .len()
            == 2
    }));
    reg.delete("library/app", "1");
    let o = env.run(["rollback", "app", "--yes"]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("image \"app:1\"") && o.stderr.contains("MANIFEST_UNKNOWN"),
        "{}",
        o.stderr
    );
    let sts = env.sts("default", "app").unwrap();
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["image"],
        "app:2"
    );
}

#[test]
fn credentials_come_from_pull_secrets_the_service_account_and_docker_config() {
    let Some(reg) = TestRegistry::start_with_login("puller", "s3cret") else {
        return;
    };
    reg.push_image("library/private", "1", "amd64", &["80/tcp"]);
    let env = TestEnv::new().image_checks_at(reg.host());
    let create = |name: &str, extra: &[&str]| {
        let mut args = vec!["create", name, "--image", "private:1", "--dry-run=server"];
        args.extend_from_slice(extra);
        env.run(&args)
    };

    // Anonymous: the registry's 401.
    let o = create("a", &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("the registry answered 401 Unauthorized"),
        "{}",
        o.stderr
    );

    // A pull secret of the template (kubernetes.io/dockerconfigjson), keyed by the registry.
    let config =
        serde_json::json!({"auths": {reg.host(): {"username": "puller", "password": "s3cret"}}});
    env.sim
        .create(
            &kube_sim::resources::SECRETS,
            "default",
            serde_json::json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "regcred"},
                "type": "kubernetes.io/dockerconfigjson",
                "stringData": {".dockerconfigjson": config.to_string()}}),
        )
        .unwrap();
    let o = create("b", &["--image-pull-secret", "regcred"]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // The user's Docker config (DOCKER_CONFIG), with the `auth` form.
    let dir = env.sim.temp_dir().join("docker");
    std::fs::create_dir_all(&dir).unwrap();
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode("puller:s3cret");
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({"auths": {format!("http://{}", reg.host()): {"auth": auth}}})
            .to_string(),
    )
    .unwrap();
    let out = env
        .std_cmd(["create", "c", "--image", "private:1", "--dry-run=server"])
        .env("DOCKER_CONFIG", &dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The namespace's default ServiceAccount's imagePullSecrets.
    let c = env.sim.cluster();
    let updated = env.sim.wait_until(Duration::from_secs(5), |_| {
        let Ok(mut sa) = c.get(
            &kube_sim::resources::SERVICEACCOUNTS,
            Some("default"),
            "default",
        ) else {
            return false;
        };
        sa["imagePullSecrets"] = serde_json::json!([{"name": "regcred"}]);
        c.update(
            &kube_sim::resources::SERVICEACCOUNTS,
            Some("default"),
            "default",
            None,
            sa,
            &WriteOptions::default(),
        )
        .is_ok()
    });
    assert!(updated);
    let o = create("d", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// `edit-template` checks the images it introduces as `create` does: a missing tag is refused
/// before anything is sent; an existing one goes through.
#[test]
fn edit_template_refuses_a_missing_image() {
    let Some((reg, env)) = setup() else { return };
    reg.push_image("library/app", "1", "amd64", &["8080/tcp"]);
    reg.push_image("library/app", "2", "amd64", &["8080/tcp"]);
    let o = env.run(["create", "app", "--image", "app:1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let before = env.writes().len();
    let o = env.run(["edit-template", "app", "--image", "app:3", "--yes"]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("image \"app:3\"") && o.stderr.contains("MANIFEST_UNKNOWN"),
        "{}",
        o.stderr
    );
    assert_eq!(env.writes().len(), before, "nothing may be sent");
    let o = env.run(["edit-template", "app", "--image", "app:2", "--yes"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let sts = env.sts("default", "app").unwrap();
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["image"],
        "app:2"
    );
}
