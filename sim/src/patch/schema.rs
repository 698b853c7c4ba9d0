//! Strategic-merge patch metadata: the `patchStrategy` / `patchMergeKey` struct tags of the
//! k8s.io/api v0.32 Go types (core/v1/types.go, apps/v1/types.go, autoscaling/v1/types.go,
//! apimachinery/pkg/apis/meta/v1/types.go), as strategicpatch.LookupPatchMetadata reads them.
//!
//! Types are named by their Go type name; "" is an unknown/untyped value (CRDs, RawExtension,
//! maps of strings): its lists have no strategy and are replaced wholesale.

/// Patch metadata of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldMeta {
    /// Go type name of the field (element type for lists), "" if untyped.
    pub ty: &'static str,
    /// `patchStrategy:"merge"`.
    pub merge: bool,
    /// `patchStrategy:"...retainKeys"`.
    pub retain_keys: bool,
    /// `patchStrategy:"replace"` (on a map/struct: never merged).
    pub replace: bool,
    /// `patchMergeKey`; None for lists of primitives (merged as sets).
    pub key: Option<&'static str>,
}

const fn t(ty: &'static str) -> FieldMeta {
    FieldMeta {
        ty,
        merge: false,
        retain_keys: false,
        replace: false,
        key: None,
    }
}

const fn m(ty: &'static str, key: &'static str) -> FieldMeta {
    FieldMeta {
        ty,
        merge: true,
        retain_keys: false,
        replace: false,
        key: Some(key),
    }
}

const fn mr(ty: &'static str, key: &'static str) -> FieldMeta {
    FieldMeta {
        ty,
        merge: true,
        retain_keys: true,
        replace: false,
        key: Some(key),
    }
}

/// A merged list of primitives (set semantics), e.g. ObjectMeta.finalizers.
const fn set() -> FieldMeta {
    FieldMeta {
        ty: "",
        merge: true,
        retain_keys: false,
        replace: false,
        key: None,
    }
}

/// The root schema type of a kind ("" when unknown: plain JSON-merge-like semantics for lists).
pub fn root_type(kind: &str) -> &'static str {
    match kind {
        "StatefulSet" => "StatefulSet",
        "Pod" => "Pod",
        "PodTemplate" => "PodTemplate",
        "Service" => "Service",
        "PersistentVolumeClaim" => "PersistentVolumeClaim",
        "ConfigMap" => "ConfigMap",
        "Secret" => "Secret",
        "Namespace" => "Namespace",
        "Node" => "Node",
        "Event" => "Event",
        "ControllerRevision" => "ControllerRevision",
        "Scale" => "Scale",
        "LimitRange" => "LimitRange",
        "StorageClass" => "StorageClass",
        "PodDisruptionBudget" => "PodDisruptionBudget",
        _ => "",
    }
}

/// LookupPatchMetadata(type, jsonField).
pub fn lookup(ty: &str, field: &str) -> FieldMeta {
    match (ty, field) {
        // every top-level object
        (_, "metadata") if is_object(ty) => t("ObjectMeta"),

        // metav1.ObjectMeta
        ("ObjectMeta", "finalizers") => set(),
        ("ObjectMeta", "ownerReferences") => m("OwnerReference", "uid"),
        ("ObjectMeta", "managedFields") => t("ManagedFieldsEntry"),

        // apps/v1
        ("StatefulSet", "spec") => t("StatefulSetSpec"),
        ("StatefulSet", "status") => t("StatefulSetStatus"),
        ("StatefulSetSpec", "selector") => t("LabelSelector"),
        ("StatefulSetSpec", "template") => t("PodTemplateSpec"),
        ("StatefulSetSpec", "volumeClaimTemplates") => t("PersistentVolumeClaim"),
        ("StatefulSetSpec", "updateStrategy") => t("StatefulSetUpdateStrategy"),
        ("StatefulSetSpec", "persistentVolumeClaimRetentionPolicy") => {
            t("StatefulSetPersistentVolumeClaimRetentionPolicy")
        }
        ("StatefulSetStatus", "conditions") => m("StatefulSetCondition", "type"),
        ("ControllerRevision", "data") => t(""),

        // metav1.LabelSelector: matchExpressions has no strategy (atomic)
        ("LabelSelector", "matchExpressions") => t("LabelSelectorRequirement"),

        // core/v1 Pod
        ("Pod", "spec") => t("PodSpec"),
        ("Pod", "status") => t("PodStatus"),
        ("PodTemplate", "template") => t("PodTemplateSpec"),
        ("PodTemplateSpec", "metadata") => t("ObjectMeta"),
        ("PodTemplateSpec", "spec") => t("PodSpec"),
        ("PodSpec", "volumes") => mr("Volume", "name"),
        ("PodSpec", "initContainers") => m("Container", "name"),
        ("PodSpec", "containers") => m("Container", "name"),
        ("PodSpec", "ephemeralContainers") => m("Container", "name"),
        ("PodSpec", "imagePullSecrets") => m("LocalObjectReference", "name"),
        ("PodSpec", "hostAliases") => m("HostAlias", "ip"),
        ("PodSpec", "topologySpreadConstraints") => m("TopologySpreadConstraint", "topologyKey"),
        ("PodSpec", "schedulingGates") => m("PodSchedulingGate", "name"),
        ("PodSpec", "resourceClaims") => mr("PodResourceClaim", "name"),
        ("PodSpec", "tolerations") => t("Toleration"),
        ("PodSpec", "affinity") => t("Affinity"),
        ("PodSpec", "securityContext") => t("PodSecurityContext"),
        ("PodSpec", "readinessGates") => t("PodReadinessGate"),
        ("Container", "ports") => m("ContainerPort", "containerPort"),
        ("Container", "env") => m("EnvVar", "name"),
        ("Container", "volumeMounts") => m("VolumeMount", "mountPath"),
        ("Container", "volumeDevices") => m("VolumeDevice", "devicePath"),
        ("Container", "envFrom") => t("EnvFromSource"),
        ("Container", "resources") => t("ResourceRequirements"),
        ("Container", "resizePolicy") => t("ContainerResizePolicy"),
        ("PodStatus", "conditions") => m("PodCondition", "type"),
        ("PodStatus", "podIPs") => m("PodIP", "ip"),
        ("PodStatus", "hostIPs") => m("HostIP", "ip"),
        ("PodStatus", "resourceClaimStatuses") => mr("PodResourceClaimStatus", "name"),
        ("PodStatus", "containerStatuses")
        | ("PodStatus", "initContainerStatuses")
        | ("PodStatus", "ephemeralContainerStatuses") => t("ContainerStatus"),

        // core/v1 Service
        ("Service", "spec") => t("ServiceSpec"),
        ("Service", "status") => t("ServiceStatus"),
        ("ServiceSpec", "ports") => m("ServicePort", "port"),
        ("ServiceStatus", "conditions") => m("Condition", "type"),

        // core/v1 PersistentVolumeClaim
        ("PersistentVolumeClaim", "metadata") => t("ObjectMeta"),
        ("PersistentVolumeClaim", "spec") => t("PersistentVolumeClaimSpec"),
        ("PersistentVolumeClaim", "status") => t("PersistentVolumeClaimStatus"),
        ("PersistentVolumeClaimStatus", "conditions") => {
            m("PersistentVolumeClaimCondition", "type")
        }

        // core/v1 Namespace, Node
        ("Namespace", "status") => t("NamespaceStatus"),
        ("NamespaceStatus", "conditions") => m("NamespaceCondition", "type"),
        ("Node", "spec") => t("NodeSpec"),
        ("Node", "status") => t("NodeStatus"),
        ("NodeSpec", "podCIDRs") => set(),
        ("NodeStatus", "conditions") => m("NodeCondition", "type"),
        ("NodeStatus", "addresses") => m("NodeAddress", "type"),

        // autoscaling/v1 Scale
        ("Scale", "spec") => t("ScaleSpec"),
        ("Scale", "status") => t("ScaleStatus"),

        // the `mergeItem` test type of upstream's strategicpatch/patch_test.go
        #[cfg(test)]
        ("mergeItem" | "retainKeysStruct", "mergingList") => m("mergeItem", "name"),
        #[cfg(test)]
        ("mergeItem" | "retainKeysStruct", "nonMergingList") => t("mergeItem"),
        #[cfg(test)]
        ("mergeItem" | "retainKeysStruct", "mergingIntList") => set(),
        #[cfg(test)]
        ("mergeItem", "mergeItemPtr") => m("mergeItem", "name"),
        #[cfg(test)]
        ("mergeItem", "retainKeysMap") => FieldMeta {
            ty: "retainKeysStruct",
            merge: false,
            retain_keys: true,
            replace: false,
            key: None,
        },
        #[cfg(test)]
        ("mergeItem", "retainKeysMergingList") => mr("mergeItem", "name"),
        #[cfg(test)]
        ("mergeItem", "replacingItem") => FieldMeta {
            ty: "",
            merge: false,
            retain_keys: false,
            replace: true,
            key: None,
        },

        // policy/v1 (k8s.io/api/policy/v1/types.go): the selector is replaced whole.
        ("PodDisruptionBudget", "spec") => t("PodDisruptionBudgetSpec"),
        ("PodDisruptionBudget", "status") => t("PodDisruptionBudgetStatus"),
        ("PodDisruptionBudgetSpec", "selector") => FieldMeta {
            ty: "LabelSelector",
            merge: false,
            retain_keys: false,
            replace: true,
            key: None,
        },
        ("PodDisruptionBudgetStatus", "conditions") => m("Condition", "type"),

        _ => t(""),
    }
}

fn is_object(ty: &str) -> bool {
    matches!(
        ty,
        "StatefulSet"
            | "Pod"
            | "PodTemplate"
            | "Service"
            | "PersistentVolumeClaim"
            | "ConfigMap"
            | "Secret"
            | "Namespace"
            | "Node"
            | "Event"
            | "ControllerRevision"
            | "Scale"
            | "LimitRange"
            | "StorageClass"
            | "PodDisruptionBudget"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_tags() {
        assert_eq!(lookup("PodSpec", "containers").key, Some("name"));
        assert!(lookup("PodSpec", "volumes").retain_keys);
        assert_eq!(lookup("Container", "ports").key, Some("containerPort"));
        assert!(!lookup("Container", "envFrom").merge);
        assert!(!lookup("PodSpec", "tolerations").merge);
        assert!(!lookup("StatefulSetSpec", "volumeClaimTemplates").merge);
        assert!(lookup("ObjectMeta", "finalizers").merge);
        assert_eq!(lookup("ObjectMeta", "finalizers").key, None);
        assert_eq!(lookup("StatefulSet", "metadata").ty, "ObjectMeta");
        assert_eq!(lookup("", "containers"), FieldMeta::default());
    }
}
