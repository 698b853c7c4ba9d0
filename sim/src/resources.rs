//! The static table of resources the simulator serves.
//!
//! Shapes follow the discovery documents of a v1.32 API server
//! (staging/src/k8s.io/apiserver/pkg/endpoints/discovery, and the
//! `kubectl api-resources` output of a 1.32 cluster).

/// One served resource (a group/version/plural triple and what the API says about it).
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Subresources served under `<plural>/<sub>` (e.g. "status", "scale", "log").
    pub subresources: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// Whether metadata.generation is maintained (bumped on spec changes).
    pub has_generation: bool,
}

pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Cluster-scoped objects such as namespaces have no deletecollection upstream.
pub const NS_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
pub const READ_VERBS: &[&str] = &["get", "list"];
/// The self reviews: answered, never stored.
pub const CREATE_ONLY: &[&str] = &["create"];

macro_rules! res {
    ($g:expr, $v:expr, $plural:expr, $singular:expr, $kind:expr, $ns:expr, $short:expr, $cat:expr, $sub:expr, $verbs:expr, $gen:expr) => {
        ResourceType {
            group: $g,
            version: $v,
            plural: $plural,
            singular: $singular,
            kind: $kind,
            namespaced: $ns,
            short_names: $short,
            categories: $cat,
            subresources: $sub,
            verbs: $verbs,
            has_generation: $gen,
        }
    };
}

pub static NAMESPACES: ResourceType = res!(
    "",
    "v1",
    "namespaces",
    "namespace",
    "Namespace",
    false,
    &["ns"],
    &[],
    &["status", "finalize"],
    NS_VERBS,
    false
);
pub static NODES: ResourceType = res!(
    "",
    "v1",
    "nodes",
    "node",
    "Node",
    false,
    &["no"],
    &[],
    &["status"],
    ALL_VERBS,
    false
);
pub static PODS: ResourceType = res!(
    "",
    "v1",
    "pods",
    "pod",
    "Pod",
    true,
    &["po"],
    &["all"],
    &["status", "log", "binding", "eviction"],
    ALL_VERBS,
    false
);
pub static SERVICES: ResourceType = res!(
    "",
    "v1",
    "services",
    "service",
    "Service",
    true,
    &["svc"],
    &["all"],
    &["status"],
    &[
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch"
    ],
    false
);
pub static PVCS: ResourceType = res!(
    "",
    "v1",
    "persistentvolumeclaims",
    "persistentvolumeclaim",
    "PersistentVolumeClaim",
    true,
    &["pvc"],
    &[],
    &["status"],
    ALL_VERBS,
    false
);
pub static CONFIGMAPS: ResourceType = res!(
    "",
    "v1",
    "configmaps",
    "configmap",
    "ConfigMap",
    true,
    &["cm"],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static SECRETS: ResourceType = res!(
    "",
    "v1",
    "secrets",
    "secret",
    "Secret",
    true,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static SERVICEACCOUNTS: ResourceType = res!(
    "",
    "v1",
    "serviceaccounts",
    "serviceaccount",
    "ServiceAccount",
    true,
    &["sa"],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static EVENTS: ResourceType = res!(
    "",
    "v1",
    "events",
    "event",
    "Event",
    true,
    &["ev"],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static LIMITRANGES: ResourceType = res!(
    "",
    "v1",
    "limitranges",
    "limitrange",
    "LimitRange",
    true,
    &["limits"],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static STATEFULSETS: ResourceType = res!(
    "apps",
    "v1",
    "statefulsets",
    "statefulset",
    "StatefulSet",
    true,
    &["sts"],
    &["all"],
    &["status", "scale"],
    ALL_VERBS,
    true
);
pub static CONTROLLERREVISIONS: ResourceType = res!(
    "apps",
    "v1",
    "controllerrevisions",
    "controllerrevision",
    "ControllerRevision",
    true,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static EVENTS_V1: ResourceType = res!(
    "events.k8s.io",
    "v1",
    "events",
    "event",
    "Event",
    true,
    &["ev"],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static STORAGECLASSES: ResourceType = res!(
    "storage.k8s.io",
    "v1",
    "storageclasses",
    "storageclass",
    "StorageClass",
    false,
    &["sc"],
    &[],
    &[],
    ALL_VERBS,
    false
);
/// policy/v1 PodDisruptionBudget (pkg/registry/policy/poddisruptionbudget/storage/storage.go:
/// short name pdb, a status subresource; the strategy maintains metadata.generation).
pub static PDBS: ResourceType = res!(
    "policy",
    "v1",
    "poddisruptionbudgets",
    "poddisruptionbudget",
    "PodDisruptionBudget",
    true,
    &["pdb"],
    &[],
    &["status"],
    ALL_VERBS,
    true
);
pub static POD_METRICS: ResourceType = res!(
    "metrics.k8s.io",
    "v1beta1",
    "pods",
    "",
    "PodMetrics",
    true,
    &[],
    &[],
    &[],
    READ_VERBS,
    false
);
pub static NODE_METRICS: ResourceType = res!(
    "metrics.k8s.io",
    "v1beta1",
    "nodes",
    "",
    "NodeMetrics",
    false,
    &[],
    &[],
    &[],
    READ_VERBS,
    false
);

pub static SELFSUBJECTREVIEWS: ResourceType = res!(
    "authentication.k8s.io",
    "v1",
    "selfsubjectreviews",
    "selfsubjectreview",
    "SelfSubjectReview",
    false,
    &[],
    &[],
    &[],
    CREATE_ONLY,
    false
);
pub static SELFSUBJECTACCESSREVIEWS: ResourceType = res!(
    "authorization.k8s.io",
    "v1",
    "selfsubjectaccessreviews",
    "selfsubjectaccessreview",
    "SelfSubjectAccessReview",
    false,
    &[],
    &[],
    &[],
    CREATE_ONLY,
    false
);
pub static SELFSUBJECTRULESREVIEWS: ResourceType = res!(
    "authorization.k8s.io",
    "v1",
    "selfsubjectrulesreviews",
    "selfsubjectrulesreview",
    "SelfSubjectRulesReview",
    false,
    &[],
    &[],
    &[],
    CREATE_ONLY,
    false
);
pub static CLUSTERROLEBINDINGS: ResourceType = res!(
    "rbac.authorization.k8s.io",
    "v1",
    "clusterrolebindings",
    "clusterrolebinding",
    "ClusterRoleBinding",
    false,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static CLUSTERROLES: ResourceType = res!(
    "rbac.authorization.k8s.io",
    "v1",
    "clusterroles",
    "clusterrole",
    "ClusterRole",
    false,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static ROLEBINDINGS: ResourceType = res!(
    "rbac.authorization.k8s.io",
    "v1",
    "rolebindings",
    "rolebinding",
    "RoleBinding",
    true,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);
pub static ROLES: ResourceType = res!(
    "rbac.authorization.k8s.io",
    "v1",
    "roles",
    "role",
    "Role",
    true,
    &[],
    &[],
    &[],
    ALL_VERBS,
    false
);

/// Every served resource, in discovery order (core first, then groups as a 1.32 server orders them).
pub static RESOURCES: &[&ResourceType] = &[
    &CONFIGMAPS,
    &EVENTS,
    &LIMITRANGES,
    &NAMESPACES,
    &NODES,
    &PVCS,
    &PODS,
    &SECRETS,
    &SERVICEACCOUNTS,
    &SERVICES,
    &CONTROLLERREVISIONS,
    &STATEFULSETS,
    &EVENTS_V1,
    &SELFSUBJECTREVIEWS,
    &SELFSUBJECTACCESSREVIEWS,
    &SELFSUBJECTRULESREVIEWS,
    &PDBS,
    &CLUSTERROLEBINDINGS,
    &CLUSTERROLES,
    &ROLEBINDINGS,
    &ROLES,
    &STORAGECLASSES,
    &NODE_METRICS,
    &POD_METRICS,
];

/// The API groups in the order a 1.32 server lists them in `/apis` (core is served at `/api`).
pub static GROUPS: &[(&str, &str)] = &[
    ("apps", "v1"),
    ("events.k8s.io", "v1"),
    ("authentication.k8s.io", "v1"),
    ("authorization.k8s.io", "v1"),
    ("policy", "v1"),
    ("rbac.authorization.k8s.io", "v1"),
    ("storage.k8s.io", "v1"),
    ("metrics.k8s.io", "v1beta1"),
];

impl ResourceType {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `statefulsets.apps`, `pods` — how NotFound/AlreadyExists/Conflict messages name it.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
    /// `StatefulSet.apps`, `Pod` — how Invalid messages name it.
    pub fn group_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }
    /// `StatefulSetList`.
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
    pub fn has_subresource(&self, sub: &str) -> bool {
        self.subresources.contains(&sub)
    }
    pub fn is_metrics(&self) -> bool {
        self.group == "metrics.k8s.io"
    }

    /// Whether a DELETE that removes the object answers with it (`ReturnDeletedObject: true`
    /// in the resource's registry storage: pkg/registry/core/pod/storage/storage.go, service/,
    /// persistentvolumeclaim/, namespace/, pkg/registry/storage/storageclass/storage/) rather
    /// than with a Success Status (store.go finalizeDelete; e.g. statefulsets, configmaps).
    pub fn returns_deleted_object(&self) -> bool {
        matches!(
            (self.group, self.plural),
            ("", "pods")
                | ("", "services")
                | ("", "persistentvolumeclaims")
                | ("", "persistentvolumes")
                | ("", "namespaces")
                | ("", "serviceaccounts")
                | ("storage.k8s.io", "storageclasses")
        )
    }
}

/// Find a served resource by group, version and plural.
pub fn lookup(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .copied()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Find the storage resource for a kind in a group (used for ownerReferences and involvedObject).
pub fn lookup_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .copied()
        .find(|r| r.api_version() == api_version && r.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_formed_like_upstream() {
        assert_eq!(STATEFULSETS.group_resource(), "statefulsets.apps");
        assert_eq!(STATEFULSETS.group_kind(), "StatefulSet.apps");
        assert_eq!(PODS.group_resource(), "pods");
        assert_eq!(PODS.api_version(), "v1");
        assert_eq!(STATEFULSETS.api_version(), "apps/v1");
        assert!(lookup("apps", "v1", "statefulsets").is_some());
        assert!(lookup("apps", "v1", "deployments").is_none());
        assert_eq!(lookup_kind("v1", "Pod").unwrap().plural, "pods");
    }
}
