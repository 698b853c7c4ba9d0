//! Pure builders: command-line arguments or manifests → a [`Plan`] of objects to send.
//! Everything is validated here, before any request; nothing in this module does I/O.

pub mod containers;
pub mod create;
pub mod delete;
pub mod edit;
pub mod env;
pub mod file;
pub mod images;
pub mod labels;
pub mod observe;
pub mod ports;
pub mod preflight;
pub mod prometheus;
pub mod resize;
pub mod revisions;
pub mod rollout;
pub mod service;
pub mod stuck;
pub mod template;
pub mod text;
pub mod validate;
pub mod yaml;

use anyhow::{anyhow, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;
use serde::Serialize;

pub use create::plan_from_args;

/// What `create` sends: the headless Service first, then the StatefulSet.
#[derive(Debug, Clone)]
pub struct Plan {
    pub statefulset: StatefulSet,
    pub service: Service,
    /// The user named the Service (`--service-name` or a Service in the file): never renamed.
    pub service_name_chosen: bool,
    /// The manifest's documents as written (`create -f`): the fields the typed objects do not
    /// know are sent from them, for the server's fieldValidation to judge.
    pub statefulset_raw: Option<serde_json::Value>,
    pub service_raw: Option<serde_json::Value>,
}

impl Plan {
    pub fn name(&self) -> &str {
        self.statefulset
            .metadata
            .name
            .as_deref()
            .unwrap_or_default()
    }

    pub fn namespace(&self) -> &str {
        self.statefulset
            .metadata
            .namespace
            .as_deref()
            .unwrap_or("default")
    }

    pub fn service_name(&self) -> &str {
        self.service.metadata.name.as_deref().unwrap_or_default()
    }

    /// Renames the Service and points `spec.serviceName` at it.
    pub fn set_service_name(&mut self, name: &str) -> Result<()> {
        validate::dns1123_label(name).map_err(|e| {
            anyhow!("the Service name {name:?} {e}; choose one with --service-name")
        })?;
        self.service.metadata.name = Some(name.to_string());
        if let Some(spec) = self.statefulset.spec.as_mut() {
            spec.service_name = Some(name.to_string());
        }
        Ok(())
    }

    /// The fallback name when `<sts>` is taken by another Service.
    pub fn fallback_service_name(&self) -> String {
        format!("{}-headless", self.name())
    }

    /// Both objects with apiVersion/kind set, Service first.
    pub fn objects(&self) -> Vec<serde_json::Value> {
        vec![
            typed(&self.service, "v1", "Service"),
            typed(&self.statefulset, "apps/v1", "StatefulSet"),
        ]
    }
}

/// Serializes an object with its apiVersion and kind first.
pub fn typed<T: Serialize>(obj: &T, api_version: &str, kind: &str) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("apiVersion".into(), api_version.into());
    out.insert("kind".into(), kind.into());
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(obj) {
        for (k, v) in m {
            if k != "apiVersion" && k != "kind" {
                out.insert(k, v);
            }
        }
    }
    serde_json::Value::Object(out)
}

/// metav1.IsControlledBy: one of the object's ownerReferences is its controller and has `uid`.
pub fn controlled_by(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    uid: &str,
) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}
