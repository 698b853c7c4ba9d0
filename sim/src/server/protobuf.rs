//! Decoding of the Kubernetes protobuf request bodies that kubectl's typed clients send
//! (`Content-Type: application/vnd.kubernetes.protobuf`), e.g. `kubectl create configmap`,
//! `create secret`, `create namespace`, `create service`, `create serviceaccount`,
//! `create poddisruptionbudget`.
//!
//! Wire format: the 4-byte magic `k8s\0`, then a `runtime.Unknown` message
//! (staging/src/k8s.io/apimachinery/pkg/runtime/generated.proto: typeMeta = 1, raw = 2,
//! contentEncoding = 3, contentType = 4) whose `raw` is the object's message as declared in
//! staging/src/k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1/generated.proto.
//! Only the kinds and fields those commands send are described here; unknown field numbers are
//! skipped.

use base64::Engine;
use serde_json::{json, Map, Value};

#[derive(Clone, Copy)]
enum F {
    Str,
    Int,
    Bool,
    Msg(&'static [Field]),
    MapStrStr,
    MapStrBytes,
    RepStr,
    RepMsg(&'static [Field]),
    Time,
    IntOrString,
}

type Field = (u32, &'static str, F);

const TYPE_META: &[Field] = &[(1, "apiVersion", F::Str), (2, "kind", F::Str)];
const OWNER_REF: &[Field] = &[
    (1, "kind", F::Str),
    (3, "name", F::Str),
    (4, "uid", F::Str),
    (5, "apiVersion", F::Str),
    (6, "controller", F::Bool),
    (7, "blockOwnerDeletion", F::Bool),
];
const OBJECT_META: &[Field] = &[
    (1, "name", F::Str),
    (2, "generateName", F::Str),
    (3, "namespace", F::Str),
    (5, "uid", F::Str),
    (6, "resourceVersion", F::Str),
    (7, "generation", F::Int),
    (8, "creationTimestamp", F::Time),
    (11, "labels", F::MapStrStr),
    (12, "annotations", F::MapStrStr),
    (13, "ownerReferences", F::RepMsg(OWNER_REF)),
    (14, "finalizers", F::RepStr),
];
const CONFIG_MAP: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "data", F::MapStrStr),
    (3, "binaryData", F::MapStrBytes),
    (4, "immutable", F::Bool),
];
const SECRET: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "data", F::MapStrBytes),
    (3, "type", F::Str),
    (4, "stringData", F::MapStrStr),
    (5, "immutable", F::Bool),
];
const NAMESPACE_SPEC: &[Field] = &[(1, "finalizers", F::RepStr)];
const NAMESPACE_STATUS: &[Field] = &[(1, "phase", F::Str)];
const NAMESPACE: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(NAMESPACE_SPEC)),
    (3, "status", F::Msg(NAMESPACE_STATUS)),
];
const SERVICE_PORT: &[Field] = &[
    (1, "name", F::Str),
    (2, "protocol", F::Str),
    (3, "port", F::Int),
    (4, "targetPort", F::IntOrString),
    (5, "nodePort", F::Int),
    (6, "appProtocol", F::Str),
];
const SERVICE_SPEC: &[Field] = &[
    (1, "ports", F::RepMsg(SERVICE_PORT)),
    (2, "selector", F::MapStrStr),
    (3, "clusterIP", F::Str),
    (4, "type", F::Str),
    (5, "externalIPs", F::RepStr),
    (7, "sessionAffinity", F::Str),
    (8, "loadBalancerIP", F::Str),
    (9, "loadBalancerSourceRanges", F::RepStr),
    (10, "externalName", F::Str),
    (11, "externalTrafficPolicy", F::Str),
    (12, "healthCheckNodePort", F::Int),
    (13, "publishNotReadyAddresses", F::Bool),
    (17, "ipFamilyPolicy", F::Str),
    (18, "clusterIPs", F::RepStr),
    (19, "ipFamilies", F::RepStr),
    (20, "allocateLoadBalancerNodePorts", F::Bool),
    (21, "loadBalancerClass", F::Str),
    (22, "internalTrafficPolicy", F::Str),
];
const SERVICE: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(SERVICE_SPEC)),
];
const OBJECT_REF: &[Field] = &[
    (1, "kind", F::Str),
    (2, "namespace", F::Str),
    (3, "name", F::Str),
    (4, "uid", F::Str),
    (5, "apiVersion", F::Str),
    (6, "resourceVersion", F::Str),
    (7, "fieldPath", F::Str),
];
const LOCAL_OBJECT_REF: &[Field] = &[(1, "name", F::Str)];
const SERVICE_ACCOUNT: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "secrets", F::RepMsg(OBJECT_REF)),
    (3, "imagePullSecrets", F::RepMsg(LOCAL_OBJECT_REF)),
    (4, "automountServiceAccountToken", F::Bool),
];
const DELETE_OPTIONS: &[Field] = &[(1, "gracePeriodSeconds", F::Int)];
const EVICTION: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "deleteOptions", F::Msg(DELETE_OPTIONS)),
];

// staging/src/k8s.io/api/rbac/v1/generated.proto (`kubectl create role|rolebinding|...`)
const POLICY_RULE: &[Field] = &[
    (1, "verbs", F::RepStr),
    (2, "apiGroups", F::RepStr),
    (3, "resources", F::RepStr),
    (4, "resourceNames", F::RepStr),
    (5, "nonResourceURLs", F::RepStr),
];
const ROLE: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "rules", F::RepMsg(POLICY_RULE)),
];
const SUBJECT: &[Field] = &[
    (1, "kind", F::Str),
    (2, "apiGroup", F::Str),
    (3, "name", F::Str),
    (4, "namespace", F::Str),
];
const ROLE_REF: &[Field] = &[
    (1, "apiGroup", F::Str),
    (2, "kind", F::Str),
    (3, "name", F::Str),
];
const ROLE_BINDING: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "subjects", F::RepMsg(SUBJECT)),
    (3, "roleRef", F::Msg(ROLE_REF)),
];
// staging/src/k8s.io/api/authorization/v1/generated.proto and authentication/v1 (the self
// reviews of `kubectl auth can-i` and `auth whoami`)
const RESOURCE_ATTRIBUTES: &[Field] = &[
    (1, "namespace", F::Str),
    (2, "verb", F::Str),
    (3, "group", F::Str),
    (4, "version", F::Str),
    (5, "resource", F::Str),
    (6, "subresource", F::Str),
    (7, "name", F::Str),
];
const NON_RESOURCE_ATTRIBUTES: &[Field] = &[(1, "path", F::Str), (2, "verb", F::Str)];
const SSAR_SPEC: &[Field] = &[
    (1, "resourceAttributes", F::Msg(RESOURCE_ATTRIBUTES)),
    (2, "nonResourceAttributes", F::Msg(NON_RESOURCE_ATTRIBUTES)),
];
const SSAR: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(SSAR_SPEC)),
];
const SSRR_SPEC: &[Field] = &[(1, "namespace", F::Str)];
const SSRR: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(SSRR_SPEC)),
];
const SSR: &[Field] = &[(1, "metadata", F::Msg(OBJECT_META))];
const LABEL_SELECTOR_REQUIREMENT: &[Field] = &[
    (1, "key", F::Str),
    (2, "operator", F::Str),
    (3, "values", F::RepStr),
];
const LABEL_SELECTOR: &[Field] = &[
    (1, "matchLabels", F::MapStrStr),
    (2, "matchExpressions", F::RepMsg(LABEL_SELECTOR_REQUIREMENT)),
];
// k8s.io/api/policy/v1/generated.proto (`kubectl create poddisruptionbudget`); the status is
// reset by the strategy, so it is not decoded.
const PDB_SPEC: &[Field] = &[
    (1, "minAvailable", F::IntOrString),
    (2, "selector", F::Msg(LABEL_SELECTOR)),
    (3, "maxUnavailable", F::IntOrString),
    (4, "unhealthyPodEvictionPolicy", F::Str),
];
const PDB: &[Field] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(PDB_SPEC)),
];

fn schema_for(kind: &str) -> Option<&'static [Field]> {
    Some(match kind {
        "ConfigMap" => CONFIG_MAP,
        "Secret" => SECRET,
        "Namespace" => NAMESPACE,
        "Service" => SERVICE,
        "ServiceAccount" => SERVICE_ACCOUNT,
        "Eviction" => EVICTION,
        "PodDisruptionBudget" => PDB,
        "Role" | "ClusterRole" => ROLE,
        "RoleBinding" | "ClusterRoleBinding" => ROLE_BINDING,
        "SelfSubjectAccessReview" => SSAR,
        "SelfSubjectRulesReview" => SSRR,
        "SelfSubjectReview" => SSR,
        _ => return None,
    })
}

/// Decode a protobuf request body into the JSON object it stands for.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body.strip_prefix(b"k8s\0").ok_or(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    )?;
    let mut type_meta = Value::Null;
    let mut raw: &[u8] = &[];
    for (num, wire) in fields(rest)? {
        match (num, wire) {
            (1, Wire::Len(b)) => type_meta = message(b, TYPE_META)?,
            (2, Wire::Len(b)) => raw = b,
            _ => {}
        }
    }
    let kind = type_meta["kind"].as_str().unwrap_or_default().to_string();
    let schema = schema_for(&kind).ok_or_else(|| {
        format!("the simulator cannot decode protobuf bodies of kind {kind:?}; send JSON")
    })?;
    let mut obj = message(raw, schema)?;
    obj["kind"] = json!(kind);
    obj["apiVersion"] = type_meta["apiVersion"].clone();
    Ok(obj)
}

enum Wire<'a> {
    Varint(u64),
    Len(&'a [u8]),
    Fixed,
}

fn varint(b: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos).ok_or("truncated varint")?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("varint too long".into())
}

fn fields(b: &[u8]) -> Result<Vec<(u32, Wire<'_>)>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let key = varint(b, &mut pos)?;
        let num = (key >> 3) as u32;
        let w = match key & 7 {
            0 => Wire::Varint(varint(b, &mut pos)?),
            2 => {
                let len = varint(b, &mut pos)? as usize;
                let end = pos
                    .checked_add(len)
                    .filter(|e| *e <= b.len())
                    .ok_or("truncated field")?;
                let s = &b[pos..end];
                pos = end;
                Wire::Len(s)
            }
            1 => {
                pos += 8;
                Wire::Fixed
            }
            5 => {
                pos += 4;
                Wire::Fixed
            }
            t => return Err(format!("unsupported wire type {t}")),
        };
        out.push((num, w));
    }
    Ok(out)
}

fn string(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|e| e.to_string())
}

fn map_entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), String> {
    let mut k = String::new();
    let mut v = json!("");
    for (num, w) in fields(b)? {
        if let Wire::Len(x) = w {
            match num {
                1 => k = string(x)?,
                2 if bytes_value => v = json!(base64::engine::general_purpose::STANDARD.encode(x)),
                2 => v = json!(string(x)?),
                _ => {}
            }
        }
    }
    Ok((k, v))
}

fn message(b: &[u8], schema: &'static [Field]) -> Result<Value, String> {
    let mut out = Map::new();
    for (num, w) in fields(b)? {
        let Some((_, name, f)) = schema.iter().find(|(n, _, _)| *n == num) else {
            continue;
        };
        let name = name.to_string();
        match (f, w) {
            (F::Str, Wire::Len(x)) => {
                let v = string(x)?;
                // Go writes every ObjectMeta string (generateName: ""), and its JSON drops the
                // empty ones (all omitempty).
                if v.is_empty() && std::ptr::eq(schema, OBJECT_META) {
                    continue;
                }
                out.insert(name, json!(v));
            }
            (F::Int, Wire::Varint(v)) => {
                out.insert(name, json!(v as i64));
            }
            (F::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (F::Msg(s), Wire::Len(x)) => {
                out.insert(name, message(x, s)?);
            }
            (F::MapStrStr | F::MapStrBytes, Wire::Len(x)) => {
                let (k, v) = map_entry(x, matches!(f, F::MapStrBytes))?;
                out.entry(name)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("map")
                    .insert(k, v);
            }
            (F::RepStr, Wire::Len(x)) => {
                let s = string(x)?;
                out.entry(name)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .expect("list")
                    .push(json!(s));
            }
            (F::RepMsg(s), Wire::Len(x)) => {
                let m = message(x, s)?;
                out.entry(name)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .expect("list")
                    .push(m);
            }
            (F::Time, Wire::Len(x)) => {
                let mut secs = 0i64;
                for (n, w) in fields(x)? {
                    if let (1, Wire::Varint(v)) = (n, w) {
                        secs = v as i64;
                    }
                }
                // An unset metav1.Time is encoded as an empty message: keep it null.
                if secs != 0 {
                    if let Some(t) = chrono::DateTime::from_timestamp(secs, 0) {
                        out.insert(name, json!(crate::clock::format_time(t)));
                    }
                }
            }
            (F::IntOrString, Wire::Len(x)) => {
                let (mut ty, mut i, mut s) = (0u64, 0i64, String::new());
                for (n, w) in fields(x)? {
                    match (n, w) {
                        (1, Wire::Varint(v)) => ty = v,
                        (2, Wire::Varint(v)) => i = v as i64,
                        (3, Wire::Len(b)) => s = string(b)?,
                        _ => {}
                    }
                }
                out.insert(name, if ty == 1 { json!(s) } else { json!(i) });
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(num: u32, wire: u8) -> u8 {
        ((num << 3) as u8) | wire
    }
    fn len_field(num: u32, b: &[u8]) -> Vec<u8> {
        let mut v = vec![key(num, 2), b.len() as u8];
        v.extend_from_slice(b);
        v
    }

    #[test]
    fn decodes_a_configmap_envelope() {
        let meta = [
            len_field(1, b"cm"),
            len_field(2, b""),
            len_field(11, &[len_field(1, b"a"), len_field(2, b"b")].concat()),
        ]
        .concat();
        let raw = [
            len_field(1, &meta),
            len_field(2, &[len_field(1, b"k"), len_field(2, b"v")].concat()),
        ]
        .concat();
        let tm = [len_field(1, b"v1"), len_field(2, b"ConfigMap")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend(len_field(1, &tm));
        body.extend(len_field(2, &raw));
        let v = decode(&body).unwrap();
        assert_eq!(
            v,
            json!({"kind": "ConfigMap", "apiVersion": "v1",
                   "metadata": {"name": "cm", "labels": {"a": "b"}}, "data": {"k": "v"}})
        );
        assert!(decode(b"{}").is_err());
    }
}
