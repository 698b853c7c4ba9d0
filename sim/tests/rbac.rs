//! Access control against the real kubectl: users by token (TLS) or impersonation (`--as`),
//! Roles and bindings deciding, 403 bodies as upstream words them, `kubectl auth can-i`
//! (SelfSubjectAccessReview and SelfSubjectRulesReview), `kubectl auth whoami`, and the
//! `Forbidden` fault rule.

mod common;

use common::{kubectl, kubectl_ok, req};
use kube_sim::resources::{CLUSTERROLEBINDINGS, NAMESPACES, ROLEBINDINGS, ROLES, SECRETS};
use kube_sim::server::FaultRule;
use kube_sim::{FaultAction, KubeSim, SimOptions};
use serde_json::json;

fn sim(tls: bool) -> KubeSim {
    KubeSim::start(SimOptions {
        tls,
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("simulator starts")
}

fn namespace(s: &KubeSim, name: &str) {
    s.create(
        &NAMESPACES,
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
    )
    .unwrap();
}

fn pod_reader(s: &KubeSim, ns: &str, user: &str) {
    s.create(
        &ROLES,
        ns,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "pod-reader"},
            "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]}]}),
    )
    .unwrap();
    s.create(
        &ROLEBINDINGS,
        ns,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "reads-pods"},
            "roleRef": {"kind": "Role", "name": "pod-reader"},
            "subjects": [{"kind": "User", "name": user}]}),
    )
    .unwrap();
}

#[test]
fn impersonated_user_gets_403s_until_a_role_allows() {
    let s = sim(false);
    namespace(&s, "demo");
    let Some(o) = kubectl(&s, &["--as", "jane", "get", "pods", "-n", "demo"]) else {
        return;
    };
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"demo\"\n"
    );
    let o = kubectl(
        &s,
        &[
            "--as", "jane", "auth", "can-i", "list", "pods", "-n", "demo",
        ],
    )
    .unwrap();
    assert_eq!((o.ok, o.stdout.as_str()), (false, "no\n"));
    // The admin grants it with kubectl itself (protobuf bodies, as typed clients send them).
    kubectl_ok(
        &s,
        &[
            "create",
            "role",
            "pod-reader",
            "-n",
            "demo",
            "--verb=get,list,watch",
            "--resource=pods",
        ],
    );
    kubectl_ok(
        &s,
        &[
            "create",
            "rolebinding",
            "jane-reads",
            "-n",
            "demo",
            "--role=pod-reader",
            "--user=jane",
        ],
    );
    let o = kubectl(
        &s,
        &[
            "--as", "jane", "auth", "can-i", "list", "pods", "-n", "demo",
        ],
    )
    .unwrap();
    assert_eq!((o.ok, o.stdout.as_str()), (true, "yes\n"));
    let o = kubectl_ok(&s, &["--as", "jane", "get", "pods", "-n", "demo"]).unwrap();
    assert_eq!(o.stderr, "No resources found in demo namespace.\n");
    // Only where the binding is, only for those verbs.
    let o = kubectl(
        &s,
        &[
            "--as", "jane", "auth", "can-i", "list", "pods", "-n", "default",
        ],
    )
    .unwrap();
    assert_eq!(o.stdout, "no\n");
    let o = kubectl(
        &s,
        &["--as", "jane", "delete", "pod", "web-0", "-n", "demo"],
    )
    .unwrap();
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): pods \"web-0\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"demo\"\n"
    );
    let o = kubectl(&s, &["--as", "jane", "get", "secrets", "-n", "demo"]).unwrap();
    assert!(
        o.stderr
            .contains("secrets is forbidden: User \"jane\" cannot list resource \"secrets\""),
        "{o:?}"
    );
    let o = kubectl(&s, &["--as", "jane", "get", "nodes"]).unwrap();
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n"
    );
    // can-i --list: the bootstrap self-review and discovery rules, and the role's.
    let o = kubectl_ok(
        &s,
        &["--as", "jane", "auth", "can-i", "--list", "-n", "demo"],
    )
    .unwrap();
    let lines: Vec<Vec<&str>> = o
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        lines.contains(&vec!["pods", "[]", "[]", "[get", "list", "watch]"]),
        "{}",
        o.stdout
    );
    assert!(
        lines.contains(&vec![
            "selfsubjectaccessreviews.authorization.k8s.io",
            "[]",
            "[]",
            "[create]"
        ]),
        "{}",
        o.stdout
    );
    assert!(
        lines.contains(&vec!["[/apis/*]", "[]", "[get]"]),
        "{}",
        o.stdout
    );
    let o = kubectl_ok(&s, &["get", "rolebindings", "-n", "demo", "-o", "wide"]).unwrap();
    let row: Vec<&str> = o
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(row[0], "jane-reads");
    assert_eq!(row[1], "Role/pod-reader");
    assert_eq!(row[3], "jane");
    let o = kubectl_ok(
        &s,
        &["--as", "jane", "--as-group", "devs", "auth", "whoami"],
    )
    .unwrap();
    assert_eq!(
        o.stdout,
        "ATTRIBUTE   VALUE\nUsername    jane\nGroups      [devs system:authenticated]\n"
    );
}

#[test]
fn token_users_over_tls_and_cluster_role_bindings() {
    let s = sim(true);
    let token = s.add_user("bob", &["dev"]);
    let kc = s.kubeconfig_for(&token).unwrap();
    let kc = kc.to_str().unwrap();
    let Some(o) = kubectl(&s, &["--kubeconfig", kc, "auth", "whoami"]) else {
        return;
    };
    assert_eq!(
        o.stdout,
        "ATTRIBUTE   VALUE\nUsername    bob\nGroups      [dev system:authenticated]\n"
    );
    let o = kubectl_ok(&s, &["auth", "whoami"]).unwrap();
    assert!(o.stdout.contains("kubernetes-admin"), "{}", o.stdout);
    let o = kubectl(&s, &["--kubeconfig", kc, "get", "secrets", "-A"]).unwrap();
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): secrets is forbidden: User \"bob\" cannot list resource \"secrets\" in API group \"\" at the cluster scope\n"
    );
    // A group binding to a ClusterRole that does not exist: still no, with RBAC's reason.
    s.create(
        &CLUSTERROLEBINDINGS,
        "",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "dev-secrets"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "secret-reader"},
            "subjects": [{"kind": "Group", "name": "dev"}]}),
    )
    .unwrap();
    let o = kubectl(
        &s,
        &["--kubeconfig", kc, "get", "secret", "db", "-n", "default"],
    )
    .unwrap();
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): secrets \"db\" is forbidden: User \"bob\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\": RBAC: clusterrole.rbac.authorization.k8s.io \"secret-reader\" not found\n"
    );
    kubectl_ok(
        &s,
        &[
            "create",
            "clusterrole",
            "secret-reader",
            "--verb=get",
            "--resource=secrets",
        ],
    );
    let o = kubectl(
        &s,
        &["--kubeconfig", kc, "get", "secret", "db", "-n", "default"],
    )
    .unwrap();
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): secrets \"db\" not found\n"
    );
    // A wrong token is still 401.
    let o = kubectl(&s, &["--kubeconfig", kc, "--token", "nope", "get", "pods"]).unwrap();
    assert!(o.stderr.contains("Unauthorized"), "{o:?}");
}

#[test]
fn access_reviews_and_impersonation_over_http() {
    let s = sim(false);
    namespace(&s, "demo");
    pod_reader(&s, "demo", "jane");
    let ssar = |headers: &[(&str, &str)], attrs: serde_json::Value| {
        let mut r = req(
            &s,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        )
        .json(
            &json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": attrs}}),
        );
        for (k, v) in headers {
            r = r.header(k, v);
        }
        r.send()
    };
    let r = ssar(
        &[("Impersonate-User", "jane")],
        json!({"namespace": "demo", "verb": "get", "resource": "pods", "subresource": "log"}),
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        r.json(),
        json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": {"resourceAttributes": {"namespace": "demo", "verb": "get", "resource": "pods", "subresource": "log"}},
            "status": {"allowed": true, "reason": "RBAC: allowed by RoleBinding \"reads-pods/demo\" of Role \"pod-reader\" to User \"jane\""}})
    );
    let r = ssar(&[], json!({"verb": "delete", "resource": "nodes"}));
    assert_eq!(
        r.json()["status"],
        json!({"allowed": true, "reason": "RBAC: allowed by ClusterRoleBinding \"kubeadm:cluster-admins\" of ClusterRole \"cluster-admin\" to Group \"kubeadm:cluster-admins\""})
    );
    let r = ssar(
        &[("Impersonate-User", "jane")],
        json!({"namespace": "demo", "verb": "create", "resource": "pods"}),
    );
    assert_eq!(r.json()["status"], json!({"allowed": false}));
    // system:masters bypasses RBAC.
    let r = ssar(
        &[
            ("Impersonate-User", "root"),
            ("Impersonate-Group", "system:masters"),
        ],
        json!({"verb": "delete", "resource": "nodes"}),
    );
    assert_eq!(r.json()["status"], json!({"allowed": true}));
    // jane may not impersonate: 403 from the impersonation filter.
    let token = s.add_user("jane", &[]);
    let r = req(&s, "GET", "/api/v1/namespaces/demo/pods")
        .no_auth()
        .header("authorization", &format!("Bearer {token}"))
        .header("Impersonate-User", "bob")
        .send();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "users \"bob\" is forbidden: User \"jane\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            "reason": "Forbidden", "details": {"name": "bob", "kind": "users"}, "code": 403})
    );
    // jane's token works where the binding allows (plain HTTP clients send tokens).
    let r = req(&s, "GET", "/api/v1/namespaces/demo/pods?watch=true&fieldSelector=metadata.name%3Dweb-0&timeoutSeconds=1")
        .no_auth()
        .header("authorization", &format!("Bearer {token}"))
        .send();
    assert_eq!(r.status, 200);
    let r = req(
        &s,
        "GET",
        "/apis/apps/v1/namespaces/demo/statefulsets/web/scale",
    )
    .no_auth()
    .header("authorization", &format!("Bearer {token}"))
    .send();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "statefulsets.apps \"web\" is forbidden: User \"jane\" cannot get resource \"statefulsets/scale\" in API group \"apps\" in the namespace \"demo\""
    );
    // Discovery and version stay open to any authenticated user.
    for path in [
        "/api",
        "/apis",
        "/api/v1",
        "/apis/apps/v1",
        "/version",
        "/openapi/v3",
    ] {
        let r = req(&s, "GET", path)
            .no_auth()
            .header("authorization", &format!("Bearer {token}"))
            .send();
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
    // Users can be added over the test-control API too.
    let r = req(&s, "POST", "/_sim/users")
        .json(&json!({"name": "ops", "groups": ["system:masters"]}))
        .send();
    assert_eq!(r.status, 201);
    let ops = r.json()["token"].as_str().unwrap().to_string();
    let r = req(
        &s,
        "POST",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    )
    .no_auth()
    .header("authorization", &format!("Bearer {ops}"))
    .json(&json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}))
    .send();
    assert_eq!(
        r.json()["status"]["userInfo"],
        json!({"username": "ops", "groups": ["system:masters", "system:authenticated"]})
    );
    // The reviews are not stored resources.
    let r = req(
        &s,
        "GET",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    )
    .send();
    assert_eq!(r.status, 405);
}

/// The Forbidden fault: a chosen request answers 403 as the authorizer would word it, once.
#[test]
fn forbidden_fault_rule() {
    let s = sim(false);
    s.create(
        &SECRETS,
        "default",
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"pw": "eA=="}}),
    )
    .unwrap();
    s.add_fault(FaultRule::new(
        Some("GET"),
        "/api/v1/namespaces/default/secrets/db",
        FaultAction::Forbidden,
        1,
    ));
    let r = req(&s, "GET", "/api/v1/namespaces/default/secrets/db").send();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "secrets \"db\" is forbidden: User \"kubernetes-admin\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\""
    );
    assert_eq!(
        req(&s, "GET", "/api/v1/namespaces/default/secrets/db")
            .send()
            .status,
        200
    );
    // Through kubectl, listing pods; the rule also posts through /_sim/faults.
    let r = req(&s, "POST", "/_sim/faults")
        .json(&json!({"method": "GET", "path_contains": "/api/v1/namespaces/default/pods", "action": {"type": "forbidden"}}))
        .send();
    assert_eq!(r.status, 201);
    let Some(o) = kubectl(&s, &["get", "pods"]) else {
        return;
    };
    assert_eq!(
        o.stderr,
        "Error from server (Forbidden): pods is forbidden: User \"kubernetes-admin\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n"
    );
}
