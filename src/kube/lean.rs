//! Lists decoded without `metadata.managedFields`: the server sends them on every object (about
//! half the bytes of a pod list), no command here reads them, and as JSON trees they are the
//! largest part of a decoded list. A 1,000-pod list decodes in a fraction of the memory.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A list's items and its resourceVersion.
pub struct List<K> {
    pub items: Vec<K>,
    pub resource_version: String,
}

/// Decodes a `…List` body, dropping every item's managedFields on the way.
pub fn list<K: DeserializeOwned>(text: &str) -> serde_json::Result<List<K>> {
    let raw: RawList<K> = serde_json::from_str(text)?;
    Ok(List {
        items: raw
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.0)
            .collect(),
        resource_version: raw.metadata.resource_version.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
#[serde(bound = "K: DeserializeOwned")]
struct RawList<K> {
    #[serde(default)]
    metadata: ListMeta,
    // `null` in an empty metadata-only list (Go's nil slice)
    #[serde(default)]
    items: Option<Vec<Lean<K>>>,
}

#[derive(Default, Deserialize)]
struct ListMeta {
    #[serde(rename = "resourceVersion")]
    resource_version: Option<String>,
}

/// One object: its top-level fields as JSON, `metadata` without managedFields, then typed.
/// Only one object's JSON is alive at a time.
struct Lean<K>(K);

impl<'de, K: DeserializeOwned> Deserialize<'de> for Lean<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<K>(PhantomData<K>);
        impl<'de, K: DeserializeOwned> Visitor<'de> for ObjectVisitor<K> {
            type Value = K;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<K, A::Error> {
                let mut object = Map::new();
                while let Some(key) = a.next_key::<String>()? {
                    let value = if key == "metadata" {
                        Value::Object(a.next_value::<WithoutManagedFields>()?.0)
                    } else {
                        a.next_value::<Value>()?
                    };
                    object.insert(key, value);
                }
                serde_json::from_value(Value::Object(object)).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_map(ObjectVisitor(PhantomData)).map(Lean)
    }
}

struct WithoutManagedFields(Map<String, Value>);

impl<'de> Deserialize<'de> for WithoutManagedFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MetaVisitor;
        impl<'de> Visitor<'de> for MetaVisitor {
            type Value = Map<String, Value>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("object metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut meta = Map::new();
                while let Some(key) = a.next_key::<String>()? {
                    if key == "managedFields" {
                        a.next_value::<IgnoredAny>()?;
                    } else {
                        meta.insert(key, a.next_value()?);
                    }
                }
                Ok(meta)
            }
        }
        d.deserialize_map(MetaVisitor).map(WithoutManagedFields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;

    #[test]
    fn items_lose_managed_fields_and_keep_the_rest() {
        let text = r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},
            "items":[{"metadata":{"name":"web-0","uid":"u1","labels":{"app":"web"},
              "managedFields":[{"manager":"kubelet","fieldsV1":{"f:status":{}}}]},
              "spec":{"containers":[{"name":"c","image":"nginx"}]},
              "status":{"phase":"Running"}}]}"#;
        let l: List<Pod> = list(text).unwrap();
        assert_eq!(l.resource_version, "42");
        assert_eq!(l.items.len(), 1);
        let p = &l.items[0];
        assert_eq!(p.metadata.name.as_deref(), Some("web-0"));
        assert_eq!(p.metadata.labels.as_ref().unwrap()["app"], "web");
        assert!(p.metadata.managed_fields.is_none());
        assert_eq!(
            p.spec.as_ref().unwrap().containers[0].image.as_deref(),
            Some("nginx")
        );
        assert_eq!(p.status.as_ref().unwrap().phase.as_deref(), Some("Running"));
    }

    #[test]
    fn null_items_and_bad_objects() {
        let l: List<Pod> = list(r#"{"metadata":{},"items":null}"#).unwrap();
        assert!(l.items.is_empty());
        assert!(list::<Pod>(r#"{"items":[{"metadata":{"name":7}}]}"#).is_err());
    }
}
