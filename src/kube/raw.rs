//! Raw JSON requests: edits that must not lose fields go through here, never through typed
//! structs (which drop fields this client does not know). Failures keep the whole API Status,
//! including `details.causes` (the field errors of a 422).

use anyhow::{Context, Result};
use http::{Method, Request};
use serde_json::Value;

use super::{Kube, FIELD_MANAGER};

/// A failed request with the server's Status.
#[derive(Debug, Clone)]
pub struct StatusError {
    pub code: u16,
    pub reason: String,
    pub message: String,
    /// `(field, message)` from `details.causes`.
    pub causes: Vec<(String, String)>,
}

impl std::fmt::Display for StatusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "the server answered {} {}", self.code, self.reason)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for StatusError {}

/// How a PATCH body is to be read.
#[derive(Debug, Clone, Copy)]
pub enum PatchType {
    Merge,
    Strategic,
    Json,
}

impl PatchType {
    fn content_type(self) -> &'static str {
        match self {
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Json => "application/json-patch+json",
        }
    }
}

/// The outcome of a raw request: the object, or the server's Status.
pub type RawResult = std::result::Result<Value, RawError>;

#[derive(Debug)]
pub enum RawError {
    Status(StatusError),
    Transport(anyhow::Error),
}

impl From<RawError> for anyhow::Error {
    fn from(e: RawError) -> Self {
        match e {
            RawError::Status(s) => anyhow::Error::new(s),
            RawError::Transport(t) => t,
        }
    }
}

/// The collection path of a resource, e.g. `/apis/apps/v1/namespaces/ns/statefulsets`.
pub fn collection(api_version: &str, plural: &str, ns: Option<&str>) -> String {
    let base = if api_version.contains('/') {
        format!("/apis/{api_version}")
    } else {
        format!("/api/{api_version}")
    };
    match ns {
        Some(ns) => format!("{base}/namespaces/{ns}/{plural}"),
        None => format!("{base}/{plural}"),
    }
}

impl Kube {
    /// One request with a JSON body (or none); the answer as JSON, or the Status.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        content_type: &str,
    ) -> RawResult {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("Accept", "application/json");
        let bytes = match body {
            Some(b) => {
                builder = builder.header("Content-Type", content_type);
                serde_json::to_vec(b).map_err(|e| RawError::Transport(e.into()))?
            }
            None => Vec::new(),
        };
        let req = builder
            .body(kube::client::Body::from(bytes))
            .map_err(|e| RawError::Transport(e.into()))?;
        let resp = self.client.send(req).await.map_err(|e| {
            RawError::Transport(super::api_error(e, "request", None, &self.namespace))
        })?;
        let status = resp.status().as_u16();
        let data = resp.into_body().collect_bytes().await.map_err(|e| {
            RawError::Transport(anyhow::Error::new(e).context("reading the answer"))
        })?;
        let v: Value = serde_json::from_slice(&data).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(v);
        }
        let causes = v["details"]["causes"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        (
                            c["field"].as_str().unwrap_or_default().to_string(),
                            c["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Err(RawError::Status(StatusError {
            code: status,
            reason: v["reason"].as_str().unwrap_or_default().to_string(),
            message: v["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| String::from_utf8_lossy(&data).into_owned()),
            causes,
        }))
    }

    pub async fn get_raw(&self, path: &str) -> RawResult {
        self.raw(Method::GET, path, None, "").await
    }

    /// PUT the whole object (`?fieldManager=`, `&dryRun=All`).
    /// A PUT whose answer was lost counts as applied when the stored object has moved on
    /// from the resourceVersion sent and holds the spec, labels and annotations sent.
    pub async fn put_raw(&self, path: &str, obj: &Value, dry_run: bool) -> RawResult {
        let q = write_query(self, dry_run);
        let result = self
            .raw(
                Method::PUT,
                &format!("{path}?{q}"),
                Some(obj),
                "application/json",
            )
            .await;
        super::verify_if_lost_by(result, transport_lost, "the update", || async {
            let now = self.get_raw(path).await.ok()?;
            let moved = now["metadata"]["resourceVersion"] != obj["metadata"]["resourceVersion"];
            let holds = ["spec", "data"].iter().all(|k| {
                obj.get(*k)
                    .is_none_or(|v| super::contains_fields(&now[*k], v))
            }) && ["labels", "annotations"].iter().all(|k| {
                obj["metadata"]
                    .get(*k)
                    .is_none_or(|v| super::contains_fields(&now["metadata"][*k], v))
            });
            (moved && holds).then_some(now)
        })
        .await
    }

    /// A POST whose answer was lost counts as applied when the object now exists, written by
    /// this tool.
    pub async fn post_raw(&self, collection: &str, obj: &Value, dry_run: bool) -> RawResult {
        let q = write_query(self, dry_run);
        let result = self
            .raw(
                Method::POST,
                &format!("{collection}?{q}"),
                Some(obj),
                "application/json",
            )
            .await;
        let name = obj["metadata"]["name"].as_str().unwrap_or_default();
        super::verify_if_lost_by(result, transport_lost, "the creation", || async {
            let now = self.get_raw(&format!("{collection}/{name}")).await.ok()?;
            super::written_by_us(&now).then_some(now)
        })
        .await
    }

    pub async fn patch_raw(
        &self,
        path: &str,
        patch: &Value,
        kind: PatchType,
        dry_run: bool,
    ) -> RawResult {
        let q = write_query(self, dry_run);
        self.raw(
            Method::PATCH,
            &format!("{path}?{q}"),
            Some(patch),
            kind.content_type(),
        )
        .await
    }

    /// DELETE with a propagation policy (`Orphan`, `Background`, `Foreground`).
    pub async fn delete_raw(&self, path: &str, propagation: &str) -> RawResult {
        let body = serde_json::json!({
            "kind": "DeleteOptions",
            "apiVersion": "v1",
            "propagationPolicy": propagation,
        });
        let result = self
            .raw(Method::DELETE, path, Some(&body), "application/json")
            .await;
        super::verify_if_lost_by(result, transport_lost, "the deletion", || async {
            match self.get_raw(path).await {
                Err(RawError::Status(s)) if s.code == 404 => Some(Value::Null),
                Ok(now) if super::deleted(Some(&now), None) => Some(now),
                _ => None,
            }
        })
        .await
    }

    /// The StatefulSet as raw JSON.
    pub fn statefulset_path(&self, name: &str) -> String {
        format!(
            "{}/{name}",
            collection("apps/v1", "statefulsets", Some(&self.namespace))
        )
    }

    /// GET a StatefulSet as raw JSON with a readable not-found error.
    pub async fn get_sts_json(&self, name: &str) -> Result<Value> {
        match self.get_raw(&self.statefulset_path(name)).await {
            Ok(v) => Ok(v),
            Err(RawError::Status(s)) if s.code == 404 => {
                Err(anyhow::Error::new(s).context(format!(
                    "statefulset {name:?} not found in namespace {:?}",
                    self.namespace
                )))
            }
            Err(e) => Err(anyhow::Error::from(e))
                .with_context(|| format!("cannot read statefulset {name:?}")),
        }
    }
}

fn write_query(kube: &Kube, dry_run: bool) -> String {
    let mut q = format!("fieldManager={FIELD_MANAGER}");
    if dry_run {
        q.push_str("&dryRun=All");
    }
    if let Some(v) = kube.field_validation {
        q.push_str("&fieldValidation=");
        q.push_str(v);
    }
    q
}

/// A raw request whose connection was lost before its answer.
fn transport_lost(e: &RawError) -> bool {
    matches!(e, RawError::Transport(e) if super::is_connection_lost(e))
}
