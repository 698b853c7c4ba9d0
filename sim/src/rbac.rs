//! Who makes a request and what they may do: the users behind bearer tokens, impersonation,
//! the request's authorization attributes, the RBAC authorizer (with the privileged group
//! system:masters), the self reviews (`kubectl auth can-i`, `auth can-i --list`,
//! `auth whoami`), the bootstrap roles, and the registry rules of the rbac.authorization.k8s.io
//! kinds. Pure functions over the cluster's stored objects.
//!
//! Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go (attributes),
//! staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go,
//! staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
//! (forbiddenMessage), staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (NewForbidden),
//! plugin/pkg/auth/authorizer/rbac/rbac.go (Authorize, RulesFor, the allow reasons),
//! pkg/registry/rbac/validation/rule.go (VisitRulesFor, appliesTo, describeSubject),
//! pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, ResourceMatches, ...),
//! plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (bootstrap roles),
//! pkg/registry/authorization/{selfsubjectaccessreview,selfsubjectrulesreview}/rest.go,
//! pkg/registry/authentication/selfsubjectreview/rest.go,
//! pkg/apis/rbac/validation/validation.go, pkg/apis/rbac/v1/defaults.go.
//!
//! Simplified: no escalation check on writes of roles and bindings (a user may grant what
//! they do not hold), no aggregated ClusterRoles, and only the bootstrap roles a client needs
//! (cluster-admin, system:discovery, system:basic-user, system:public-info-viewer).

use crate::api::{Cluster, WriteOptions};
use crate::errors::{ApiError, FieldError};
use crate::resources::{CLUSTERROLEBINDINGS, CLUSTERROLES, ROLEBINDINGS, ROLES};
use serde_json::{json, Value};
use std::collections::HashMap;

pub const GROUP: &str = "rbac.authorization.k8s.io";
/// The superuser group (bypasses authorization).
pub const MASTERS: &str = "system:masters";
pub const AUTHENTICATED: &str = "system:authenticated";
pub const UNAUTHENTICATED: &str = "system:unauthenticated";

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub groups: Vec<String>,
}

impl User {
    /// The identity of the simulator's own token (and of plain-HTTP requests without one): a
    /// kubeadm (≥ 1.29) admin.conf user, cluster-admin through the `kubeadm:cluster-admins`
    /// binding.
    pub fn admin() -> User {
        User {
            name: "kubernetes-admin".into(),
            groups: vec!["kubeadm:cluster-admins".into(), AUTHENTICATED.into()],
        }
    }

    /// A user a bearer token authenticates: the token authenticator's groups plus
    /// system:authenticated (group.AuthenticatedGroupAdder).
    pub fn with_groups(name: &str, groups: &[&str]) -> User {
        let mut g: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
        if !g.iter().any(|x| x == AUTHENTICATED) {
            g.push(AUTHENTICATED.into());
        }
        User {
            name: name.into(),
            groups: g,
        }
    }

    fn in_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

/// authorizer.Attributes of a request, as RequestInfoFactory.NewRequestInfo derives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub resource_request: bool,
    pub verb: String,
    pub api_group: String,
    pub api_version: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    /// The URL path (non-resource requests).
    pub path: String,
}

/// NewRequestInfo: the verb from the method (get without a name is list, or watch), the
/// namespace, resource, name and subresource from the path; fewer than three path segments
/// (or another prefix than api/apis) is a non-resource request with the lowercased method.
pub fn request_attributes(method: &str, path: &str, query: &HashMap<String, String>) -> Attributes {
    let mut a = Attributes {
        verb: method.to_ascii_lowercase(),
        path: path.to_string(),
        ..Default::default()
    };
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    if parts.len() < 3 || !matches!(parts[0], "api" | "apis") {
        return a;
    }
    let mut rest = &parts[1..];
    if parts[0] == "apis" {
        if rest.len() < 3 {
            return a;
        }
        a.api_group = rest[0].to_string();
        rest = &rest[1..];
    }
    a.resource_request = true;
    a.api_version = rest[0].to_string();
    rest = &rest[1..];
    a.verb = match method {
        "POST" => "create",
        "GET" | "HEAD" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "",
    }
    .to_string();
    if rest.first() == Some(&"namespaces") && rest.len() > 1 {
        a.namespace = rest[1].to_string();
        if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
            rest = &rest[2..];
        }
    }
    if let Some(r) = rest.first() {
        a.resource = r.to_string();
    }
    if let Some(n) = rest.get(1) {
        a.name = n.to_string();
    }
    if let Some(s) = rest.get(2) {
        a.subresource = s.to_string();
    }
    if a.name.is_empty() && a.verb == "get" {
        let watch = matches!(query.get("watch").map(String::as_str), Some("true" | "1"));
        a.verb = if watch { "watch" } else { "list" }.into();
        if let Some(fs) = query.get("fieldSelector") {
            // RequiresExactMatch("metadata.name")
            for term in fs.split(',') {
                let term = term.trim();
                if let Some(v) = term
                    .strip_prefix("metadata.name==")
                    .or_else(|| term.strip_prefix("metadata.name="))
                {
                    if !v.is_empty() && !v.contains('/') && v != "." && v != ".." {
                        a.name = v.to_string();
                    }
                }
            }
        }
    }
    if a.name.is_empty() && a.verb == "delete" {
        a.verb = "deletecollection".into();
    }
    a
}

/// forbiddenMessage + NewForbidden: `pods is forbidden: User "x" cannot list resource "pods"
/// in API group "" in the namespace "demo"`, with `: <reason>` when the authorizer gave one.
pub fn forbidden(user: &User, a: &Attributes, reason: &str) -> ApiError {
    let msg = if !a.resource_request {
        format!("User {:?} cannot {} path {:?}", user.name, a.verb, a.path)
    } else {
        let resource = if a.subresource.is_empty() {
            a.resource.clone()
        } else {
            format!("{}/{}", a.resource, a.subresource)
        };
        if a.namespace.is_empty() {
            format!(
                "User {:?} cannot {} resource {:?} in API group {:?} at the cluster scope",
                user.name, a.verb, resource, a.api_group
            )
        } else {
            format!(
                "User {:?} cannot {} resource {:?} in API group {:?} in the namespace {:?}",
                user.name, a.verb, resource, a.api_group, a.namespace
            )
        }
    };
    let err = if reason.is_empty() {
        msg
    } else {
        format!("{msg}: {reason}")
    };
    let qualified = if a.api_group.is_empty() {
        a.resource.clone()
    } else {
        format!("{}.{}", a.resource, a.api_group)
    };
    let message = if qualified.is_empty() {
        format!("forbidden: {err}")
    } else if a.name.is_empty() {
        format!("{qualified} is forbidden: {err}")
    } else {
        format!("{qualified} {:?} is forbidden: {err}", a.name)
    };
    let mut details = serde_json::Map::new();
    if !a.name.is_empty() {
        details.insert("name".into(), json!(a.name));
    }
    if !a.api_group.is_empty() {
        details.insert("group".into(), json!(a.api_group));
    }
    if !a.resource.is_empty() {
        details.insert("kind".into(), json!(a.resource));
    }
    let mut e = ApiError::new(403, "Forbidden", message);
    e.details = Some(Value::Object(details));
    e
}

/// The authorizer's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// RuleAllows (evaluation_helpers.go).
pub fn rule_allows(a: &Attributes, rule: &Value) -> bool {
    let verbs = strs(&rule["verbs"]);
    let verb_ok = verbs.iter().any(|v| *v == "*" || *v == a.verb);
    if !verb_ok {
        return false;
    }
    if !a.resource_request {
        return strs(&rule["nonResourceURLs"]).iter().any(|u| {
            *u == "*"
                || *u == a.path
                || (u.ends_with('*') && a.path.starts_with(u.trim_end_matches('*')))
        });
    }
    let groups = strs(&rule["apiGroups"]);
    if !groups.iter().any(|g| *g == "*" || *g == a.api_group) {
        return false;
    }
    let combined = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let resource_ok = strs(&rule["resources"]).iter().any(|r| {
        *r == "*"
            || *r == combined
            || (!a.subresource.is_empty()
                && r.len() == a.subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(a.subresource.as_str()))
    });
    if !resource_ok {
        return false;
    }
    let names = strs(&rule["resourceNames"]);
    names.is_empty() || names.iter().any(|n| *n == a.name)
}

/// appliesTo: the first subject of the binding that names the user (None: none does).
fn applies_to<'a>(user: &User, binding: &'a Value, namespace: &str) -> Option<&'a Value> {
    binding["subjects"].as_array()?.iter().find(|s| {
        let name = s["name"].as_str().unwrap_or_default();
        match s["kind"].as_str().unwrap_or_default() {
            "User" => user.name == name,
            "Group" => user.in_group(name),
            "ServiceAccount" => {
                let ns = s["namespace"]
                    .as_str()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(namespace);
                !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{name}")
            }
            _ => false,
        }
    })
}

/// describeSubject.
fn describe_subject(s: &Value, binding_ns: &str) -> String {
    let kind = s["kind"].as_str().unwrap_or_default();
    let name = s["name"].as_str().unwrap_or_default();
    if kind == "ServiceAccount" {
        let ns = s["namespace"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(binding_ns);
        format!("{kind} {:?}", format!("{name}/{ns}"))
    } else {
        format!("{kind} {name:?}")
    }
}

/// The rules a binding's roleRef grants (GetRoleReferenceRules): Err is the lister's NotFound.
fn role_rules(cluster: &Cluster, binding: &Value, namespace: &str) -> Result<Vec<Value>, String> {
    let kind = binding["roleRef"]["kind"].as_str().unwrap_or_default();
    let name = binding["roleRef"]["name"].as_str().unwrap_or_default();
    let obj = match kind {
        "Role" => cluster
            .get(&ROLES, Some(namespace), name)
            .map_err(|_| format!("role.rbac.authorization.k8s.io {name:?} not found"))?,
        "ClusterRole" => cluster
            .get(&CLUSTERROLES, None, name)
            .map_err(|_| format!("clusterrole.rbac.authorization.k8s.io {name:?} not found"))?,
        other => return Err(format!("unsupported role reference kind: {other:?}")),
    };
    Ok(obj["rules"].as_array().cloned().unwrap_or_default())
}

/// VisitRulesFor: every rule of every binding naming the user, ClusterRoleBindings first,
/// then the RoleBindings of `namespace`; `visit(source, rule)` returns false to stop.
/// Returns the errors met (roles not found).
fn visit_rules(
    cluster: &Cluster,
    user: &User,
    namespace: &str,
    visit: &mut dyn FnMut(&str, &Value) -> bool,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut crbs = cluster.list_items(&CLUSTERROLEBINDINGS, None, None);
    crbs.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    for b in &crbs {
        let Some(subject) = applies_to(user, b, "") else {
            continue;
        };
        let source = format!(
            "ClusterRoleBinding {:?} of {} {:?} to {}",
            b["metadata"]["name"].as_str().unwrap_or_default(),
            b["roleRef"]["kind"].as_str().unwrap_or_default(),
            b["roleRef"]["name"].as_str().unwrap_or_default(),
            describe_subject(subject, "")
        );
        match role_rules(cluster, b, "") {
            Ok(rules) => {
                for r in &rules {
                    if !visit(&source, r) {
                        return errors;
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if namespace.is_empty() {
        return errors;
    }
    let mut rbs = cluster.list_items(&ROLEBINDINGS, Some(namespace), None);
    rbs.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    for b in &rbs {
        let Some(subject) = applies_to(user, b, namespace) else {
            continue;
        };
        let source = format!(
            "RoleBinding {:?} of {} {:?} to {}",
            format!(
                "{}/{namespace}",
                b["metadata"]["name"].as_str().unwrap_or_default()
            ),
            b["roleRef"]["kind"].as_str().unwrap_or_default(),
            b["roleRef"]["name"].as_str().unwrap_or_default(),
            describe_subject(subject, namespace)
        );
        match role_rules(cluster, b, namespace) {
            Ok(rules) => {
                for r in &rules {
                    if !visit(&source, r) {
                        return errors;
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    errors
}

fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The union of the privileged-group authorizer and RBAC: system:masters may do anything
/// (no reason given); else the first RBAC rule that allows says so (`RBAC: allowed by
/// ClusterRoleBinding "x" of ClusterRole "y" to User "z"`), and a denial carries the errors
/// met on the way (`RBAC: role.rbac.authorization.k8s.io "x" not found`).
pub fn authorize(cluster: &Cluster, user: &User, a: &Attributes) -> Decision {
    if user.in_group(MASTERS) {
        return Decision {
            allowed: true,
            reason: String::new(),
        };
    }
    let mut reason = None;
    let errors = visit_rules(cluster, user, &a.namespace, &mut |source, rule| {
        if rule_allows(a, rule) {
            reason = Some(format!("RBAC: allowed by {source}"));
            false
        } else {
            true
        }
    });
    match reason {
        Some(r) => Decision {
            allowed: true,
            reason: r,
        },
        None => Decision {
            allowed: false,
            reason: if errors.is_empty() {
                String::new()
            } else {
                format!("RBAC: {}", aggregate(&errors))
            },
        },
    }
}

/// The impersonation filter: the requester needs `impersonate` on the user (a service
/// account's `serviceaccounts` in its namespace) and on each group; the impersonated user is
/// authenticated (system:authenticated added unless a group says otherwise).
pub fn impersonate(
    cluster: &Cluster,
    requester: &User,
    as_user: Option<&str>,
    as_groups: &[String],
) -> Result<User, ApiError> {
    let Some(name) = as_user else {
        if as_groups.is_empty() {
            return Ok(requester.clone());
        }
        return Err(ApiError::bad_request(format!(
            "requested {} without impersonating a user",
            as_groups
                .iter()
                .map(|g| format!("{{Group  {g}  }}"))
                .collect::<Vec<_>>()
                .join(" ")
        )));
    };
    let mut checks = Vec::new();
    match name
        .strip_prefix("system:serviceaccount:")
        .and_then(|r| r.split_once(':'))
    {
        Some((ns, sa)) => checks.push(Attributes {
            resource_request: true,
            verb: "impersonate".into(),
            resource: "serviceaccounts".into(),
            namespace: ns.into(),
            name: sa.into(),
            ..Default::default()
        }),
        None => checks.push(Attributes {
            resource_request: true,
            verb: "impersonate".into(),
            resource: "users".into(),
            name: name.into(),
            ..Default::default()
        }),
    }
    for g in as_groups {
        checks.push(Attributes {
            resource_request: true,
            verb: "impersonate".into(),
            resource: "groups".into(),
            name: g.clone(),
            ..Default::default()
        });
    }
    for a in &checks {
        let d = authorize(cluster, requester, a);
        if !d.allowed {
            return Err(forbidden(requester, a, &d.reason));
        }
    }
    let mut groups = as_groups.to_vec();
    let is_sa = name.starts_with("system:serviceaccount:");
    if is_sa && as_groups.is_empty() {
        let ns = name.split(':').nth(2).unwrap_or_default();
        groups.push("system:serviceaccounts".into());
        groups.push(format!("system:serviceaccounts:{ns}"));
    }
    if name != "system:anonymous"
        && !groups
            .iter()
            .any(|g| g == AUTHENTICATED || g == UNAUTHENTICATED)
    {
        groups.push(AUTHENTICATED.into());
    }
    Ok(User {
        name: name.to_string(),
        groups,
    })
}

fn review_meta() -> Value {
    json!({"creationTimestamp": null})
}

/// POST selfsubjectaccessreviews: the spec answered for the requesting user (201).
pub fn self_subject_access_review(
    cluster: &Cluster,
    user: &User,
    body: &Value,
) -> Result<Value, ApiError> {
    let spec = &body["spec"];
    let ra = &spec["resourceAttributes"];
    let nra = &spec["nonResourceAttributes"];
    if ra.is_object() == nra.is_object() {
        let e = FieldError::invalid(
            "spec.resourceAttributes",
            spec["resourceAttributes"].clone(),
            "exactly one of nonResourceAttributes or resourceAttributes must be specified",
        );
        return Err(ApiError::new(
            422,
            "Invalid",
            format!("SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: {e}"),
        ));
    }
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let a = if ra.is_object() {
        Attributes {
            resource_request: true,
            verb: s(ra, "verb"),
            api_group: s(ra, "group"),
            api_version: s(ra, "version"),
            resource: s(ra, "resource"),
            subresource: s(ra, "subresource"),
            namespace: s(ra, "namespace"),
            name: s(ra, "name"),
            path: String::new(),
        }
    } else {
        Attributes {
            verb: s(nra, "verb"),
            path: s(nra, "path"),
            ..Default::default()
        }
    };
    let d = authorize(cluster, user, &a);
    let mut status = json!({"allowed": d.allowed});
    if !d.reason.is_empty() {
        status["reason"] = json!(d.reason);
    }
    Ok(json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": review_meta(),
        "spec": spec,
        "status": status,
    }))
}

/// POST selfsubjectrulesreviews: every rule the user holds in spec.namespace.
pub fn self_subject_rules_review(
    cluster: &Cluster,
    user: &User,
    body: &Value,
) -> Result<Value, ApiError> {
    let ns = body["spec"]["namespace"].as_str().unwrap_or_default();
    if ns.is_empty() {
        return Err(ApiError::bad_request("no namespace on request"));
    }
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    if user.in_group(MASTERS) {
        resource_rules.push(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}));
        non_resource_rules.push(json!({"verbs": ["*"], "nonResourceURLs": ["*"]}));
    }
    let errors = visit_rules(cluster, user, ns, &mut |_, rule| {
        if rule["nonResourceURLs"]
            .as_array()
            .is_some_and(|u| !u.is_empty())
        {
            non_resource_rules
                .push(json!({"verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"]}));
        } else {
            let mut r = json!({"verbs": rule["verbs"], "apiGroups": rule["apiGroups"], "resources": rule["resources"]});
            if rule["resourceNames"].is_array() {
                r["resourceNames"] = rule["resourceNames"].clone();
            }
            resource_rules.push(r);
        }
        true
    });
    let mut status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": !errors.is_empty(),
    });
    if !errors.is_empty() {
        status["evaluationError"] = json!(aggregate(&errors));
    }
    Ok(json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": review_meta(),
        "spec": body["spec"],
        "status": status,
    }))
}

/// POST selfsubjectreviews (`kubectl auth whoami`).
pub fn self_subject_review(user: &User) -> Value {
    json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": review_meta(),
        "status": {"userInfo": {"username": user.name, "groups": user.groups}},
    })
}

/// The bootstrap policy a v1.32 cluster (kubeadm) starts with, reduced to what clients
/// meet: cluster-admin and the discovery / self-review roles every authenticated user holds.
pub fn bootstrap_objects() -> Vec<(&'static crate::resources::ResourceType, Value)> {
    let meta = |name: &str| {
        json!({"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}})
    };
    let role = |name: &str, rules: Value| {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": meta(name), "rules": rules})
    };
    let binding = |name: &str, role: &str, groups: &[&str]| {
        let subjects: Vec<Value> = groups
            .iter()
            .map(|g| json!({"apiGroup": GROUP, "kind": "Group", "name": g}))
            .collect();
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": meta(name),
            "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role},
            "subjects": subjects})
    };
    let mut kubeadm = binding(
        "kubeadm:cluster-admins",
        "cluster-admin",
        &["kubeadm:cluster-admins"],
    );
    kubeadm["metadata"] = json!({"name": "kubeadm:cluster-admins"});
    vec![
        (
            &CLUSTERROLES,
            role(
                "cluster-admin",
                json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                       {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
            ),
        ),
        (
            &CLUSTERROLES,
            role(
                "system:discovery",
                json!([{"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                    "/openapi", "/openapi/*", "/readyz", "/version", "/version/"], "verbs": ["get"]}]),
            ),
        ),
        (
            &CLUSTERROLES,
            role(
                "system:basic-user",
                json!([{"apiGroups": ["authorization.k8s.io"],
                        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], "verbs": ["create"]},
                       {"apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"], "verbs": ["create"]}]),
            ),
        ),
        (
            &CLUSTERROLES,
            role(
                "system:public-info-viewer",
                json!([{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}]),
            ),
        ),
        (
            &CLUSTERROLEBINDINGS,
            binding("cluster-admin", "cluster-admin", &[MASTERS]),
        ),
        (
            &CLUSTERROLEBINDINGS,
            binding("system:discovery", "system:discovery", &[AUTHENTICATED]),
        ),
        (
            &CLUSTERROLEBINDINGS,
            binding("system:basic-user", "system:basic-user", &[AUTHENTICATED]),
        ),
        (
            &CLUSTERROLEBINDINGS,
            binding(
                "system:public-info-viewer",
                "system:public-info-viewer",
                &[AUTHENTICATED, UNAUTHENTICATED],
            ),
        ),
        (&CLUSTERROLEBINDINGS, kubeadm),
    ]
}

/// Create the bootstrap roles and bindings.
pub fn seed(cluster: &Cluster) -> Result<(), ApiError> {
    let opts = WriteOptions {
        field_manager: Some("kube-apiserver".into()),
        ..Default::default()
    };
    for (rt, obj) in bootstrap_objects() {
        cluster.create(rt, None, obj, &opts)?;
    }
    Ok(())
}

// ---- registry rules of the rbac kinds ----

/// SetDefaults_*: roleRef.apiGroup and subjects' apiGroup.
pub fn apply_defaults(kind: &str, obj: &mut Value) {
    if !kind.ends_with("Binding") {
        return;
    }
    if obj["roleRef"].is_object() && obj["roleRef"]["apiGroup"].as_str().unwrap_or("").is_empty() {
        obj["roleRef"]["apiGroup"] = json!(GROUP);
    }
    if let Some(subjects) = obj["subjects"].as_array_mut() {
        for s in subjects {
            if s["apiGroup"].as_str().unwrap_or("").is_empty() {
                match s["kind"].as_str() {
                    Some("User" | "Group") => s["apiGroup"] = json!(GROUP),
                    Some("ServiceAccount") => s["apiGroup"] = json!(""),
                    _ => {}
                }
            }
        }
    }
}

/// An Invalid error whose value is shown as Go's `%#v` renders it.
fn invalid_go(field: String, rendered: String, detail: &str) -> FieldError {
    FieldError::new(
        crate::errors::FieldErrorType::Invalid,
        field,
        None,
        format!("{rendered}: {detail}"),
    )
}

/// `[]string{"/a", "/b"}`
fn go_strings(v: &Value) -> String {
    let items: Vec<String> = strs(v).iter().map(|s| format!("{s:?}")).collect();
    format!("[]string{{{}}}", items.join(", "))
}

fn validate_rules(obj: &Value, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, r) in obj["rules"].as_array().into_iter().flatten().enumerate() {
        let p = format!("rules[{i}]");
        if strs(&r["verbs"]).is_empty() {
            errs.push(FieldError::required(
                format!("{p}.verbs"),
                "verbs must contain at least one value",
            ));
        }
        let urls = !strs(&r["nonResourceURLs"]).is_empty();
        if urls {
            if namespaced {
                errs.push(invalid_go(
                    format!("{p}.nonResourceURLs"),
                    go_strings(&r["nonResourceURLs"]),
                    "namespaced rules cannot apply to non-resource URLs",
                ));
            }
            if !strs(&r["apiGroups"]).is_empty() || !strs(&r["resources"]).is_empty() {
                errs.push(invalid_go(
                    format!("{p}.nonResourceURLs"),
                    go_strings(&r["nonResourceURLs"]),
                    "rules cannot apply to both regular resources and non-resource URLs",
                ));
            }
            continue;
        }
        if strs(&r["apiGroups"]).is_empty() {
            errs.push(FieldError::required(
                format!("{p}.apiGroups"),
                "resource rules must supply at least one api group",
            ));
        }
        if strs(&r["resources"]).is_empty() {
            errs.push(FieldError::required(
                format!("{p}.resources"),
                "resource rules must supply at least one resource",
            ));
        }
    }
    errs
}

fn validate_binding(obj: &Value, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rr = &obj["roleRef"];
    let group = rr["apiGroup"].as_str().unwrap_or_default();
    if group != GROUP {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            json!(group),
            &[GROUP],
        ));
    }
    let kind = rr["kind"].as_str().unwrap_or_default();
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&kind) {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            json!(kind),
            kinds,
        ));
    }
    if rr["name"].as_str().unwrap_or_default().is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    }
    for (i, s) in obj["subjects"].as_array().into_iter().flatten().enumerate() {
        let p = format!("subjects[{i}]");
        let kind = s["kind"].as_str().unwrap_or_default();
        let group = s["apiGroup"].as_str().unwrap_or_default();
        if s["name"].as_str().unwrap_or_default().is_empty() {
            errs.push(FieldError::required(format!("{p}.name"), ""));
        }
        match kind {
            "ServiceAccount" => {
                if !group.is_empty() {
                    errs.push(FieldError::not_supported(
                        format!("{p}.apiGroup"),
                        json!(group),
                        &[""],
                    ));
                }
                if !namespaced && s["namespace"].as_str().unwrap_or_default().is_empty() {
                    errs.push(FieldError::required(format!("{p}.namespace"), ""));
                }
            }
            "User" | "Group" => {
                if group != GROUP {
                    errs.push(FieldError::not_supported(
                        format!("{p}.apiGroup"),
                        json!(group),
                        &[GROUP],
                    ));
                }
            }
            other => errs.push(FieldError::not_supported(
                format!("{p}.kind"),
                json!(other),
                &["ServiceAccount", "User", "Group"],
            )),
        }
    }
    errs
}

/// ValidateRole / ValidateClusterRole / ValidateRoleBinding / ValidateClusterRoleBinding
/// (the kind-specific part; metadata is the registry's).
pub fn validate(kind: &str, obj: &Value) -> Vec<FieldError> {
    match kind {
        "Role" => validate_rules(obj, true),
        "ClusterRole" => validate_rules(obj, false),
        "RoleBinding" => validate_binding(obj, true),
        "ClusterRoleBinding" => validate_binding(obj, false),
        _ => Vec::new(),
    }
}

/// ValidateRoleBindingUpdate: roleRef cannot change.
pub fn validate_update(kind: &str, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate(kind, new);
    if kind.ends_with("Binding") && new["roleRef"] != old["roleRef"] {
        let rr = &new["roleRef"];
        let s = |k: &str| rr[k].as_str().unwrap_or_default().to_string();
        errs.push(invalid_go(
            "roleRef".into(),
            format!(
                "rbac.RoleRef{{APIGroup:{:?}, Kind:{:?}, Name:{:?}}}",
                s("apiGroup"),
                s("kind"),
                s("name")
            ),
            "cannot change roleRef",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn attributes_as_request_info_derives_them() {
        let a = request_attributes("GET", "/api/v1/namespaces/demo/pods", &q(&[]));
        assert_eq!(
            (a.verb.as_str(), a.resource.as_str(), a.namespace.as_str()),
            ("list", "pods", "demo")
        );
        let a = request_attributes(
            "GET",
            "/api/v1/namespaces/demo/pods",
            &q(&[("watch", "true"), ("fieldSelector", "metadata.name=web-0")]),
        );
        assert_eq!((a.verb.as_str(), a.name.as_str()), ("watch", "web-0"));
        let a = request_attributes(
            "GET",
            "/apis/apps/v1/namespaces/demo/statefulsets/web/scale",
            &q(&[]),
        );
        assert_eq!(
            (
                a.verb.as_str(),
                a.api_group.as_str(),
                a.resource.as_str(),
                a.name.as_str(),
                a.subresource.as_str()
            ),
            ("get", "apps", "statefulsets", "web", "scale")
        );
        let a = request_attributes("DELETE", "/api/v1/namespaces/demo/pods", &q(&[]));
        assert_eq!(a.verb, "deletecollection");
        let a = request_attributes("GET", "/api/v1/namespaces/demo", &q(&[]));
        assert_eq!(
            (
                a.verb.as_str(),
                a.resource.as_str(),
                a.name.as_str(),
                a.namespace.as_str()
            ),
            ("get", "namespaces", "demo", "demo")
        );
        let a = request_attributes("GET", "/apis/apps/v1", &q(&[]));
        assert!(!a.resource_request);
        assert_eq!((a.verb.as_str(), a.path.as_str()), ("get", "/apis/apps/v1"));
        let a = request_attributes(
            "POST",
            "/api/v1/namespaces/demo/pods/web-0/eviction",
            &q(&[]),
        );
        assert_eq!(
            (a.verb.as_str(), a.subresource.as_str()),
            ("create", "eviction")
        );
    }

    #[test]
    fn forbidden_messages_as_upstream() {
        let u = User::with_groups("jane", &[]);
        let a = request_attributes("GET", "/api/v1/namespaces/demo/pods", &q(&[]));
        let e = forbidden(&u, &a, "");
        assert_eq!(e.code, 403);
        assert_eq!(e.message, "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"demo\"");
        assert_eq!(e.to_status()["details"], json!({"kind": "pods"}));
        let a = request_attributes("GET", "/api/v1/namespaces/demo/secrets/db", &q(&[]));
        let e = forbidden(
            &u,
            &a,
            "RBAC: role.rbac.authorization.k8s.io \"x\" not found",
        );
        assert_eq!(e.message, "secrets \"db\" is forbidden: User \"jane\" cannot get resource \"secrets\" in API group \"\" in the namespace \"demo\": RBAC: role.rbac.authorization.k8s.io \"x\" not found");
        assert_eq!(
            e.to_status()["details"],
            json!({"name": "db", "kind": "secrets"})
        );
        let a = request_attributes(
            "PATCH",
            "/apis/apps/v1/namespaces/demo/statefulsets/web/scale",
            &q(&[]),
        );
        assert_eq!(forbidden(&u, &a, "").message, "statefulsets.apps \"web\" is forbidden: User \"jane\" cannot patch resource \"statefulsets/scale\" in API group \"apps\" in the namespace \"demo\"");
        let a = request_attributes("GET", "/api/v1/nodes", &q(&[]));
        assert_eq!(forbidden(&u, &a, "").message, "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
        let a = request_attributes("GET", "/metrics", &q(&[]));
        assert_eq!(
            forbidden(&u, &a, "").message,
            "forbidden: User \"jane\" cannot get path \"/metrics\""
        );
    }

    #[test]
    fn rules_match_as_evaluation_helpers() {
        let a = request_attributes("GET", "/api/v1/namespaces/demo/pods/web-0/log", &q(&[]));
        assert!(rule_allows(
            &a,
            &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"]})
        ));
        assert!(rule_allows(
            &a,
            &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["*/log"]})
        ));
        assert!(!rule_allows(
            &a,
            &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]})
        ));
        assert!(rule_allows(
            &a,
            &json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
        ));
        assert!(!rule_allows(
            &a,
            &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"], "resourceNames": ["web-1"]})
        ));
        let n = request_attributes("GET", "/apis/apps", &q(&[]));
        assert!(rule_allows(
            &n,
            &json!({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]})
        ));
        assert!(!rule_allows(
            &n,
            &json!({"verbs": ["get"], "nonResourceURLs": ["/api/*"]})
        ));
    }

    #[test]
    fn binding_validation() {
        let mut b = json!({"roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "jane"}, {"kind": "ServiceAccount", "name": "sa"}]});
        apply_defaults("RoleBinding", &mut b);
        assert_eq!(b["roleRef"]["apiGroup"], GROUP);
        assert_eq!(b["subjects"][0]["apiGroup"], GROUP);
        assert_eq!(b["subjects"][1]["apiGroup"], "");
        assert!(validate("RoleBinding", &b).is_empty());
        let errs: Vec<String> = validate("ClusterRoleBinding", &b)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            [
                "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
                "subjects[1].namespace: Required value",
            ]
        );
        let mut changed = b.clone();
        changed["roleRef"]["name"] = json!("other");
        let errs: Vec<String> = validate_update("RoleBinding", &changed, &b)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs, ["roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: cannot change roleRef"]);
        let r = json!({"rules": [{"verbs": [], "resources": ["pods"]}, {"verbs": ["get"], "nonResourceURLs": ["/x"]}]});
        let errs: Vec<String> = validate("Role", &r).iter().map(|e| e.to_string()).collect();
        assert_eq!(errs, [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[1].nonResourceURLs: Invalid value: []string{\"/x\"}: namespaced rules cannot apply to non-resource URLs",
        ]);
    }
}
