//! Patch types accepted by PATCH: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
//! strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) and server-side apply
//! (simplified; see `apply`).

use crate::errors::ApiError;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    /// From a Content-Type header (parameters ignored); None for an unsupported type.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        match ct.split(';').next().unwrap_or("").trim() {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Some(Self::Apply),
            _ => None,
        }
    }
}

/// Apply a JSON, merge or strategic patch `body` to `original` (an object of `kind`, e.g.
/// "StatefulSet", "Scale", "Pod"; the kind selects the strategic-merge schema).
/// Server-side apply is handled by `apply::server_side_apply`.
#[allow(unused_variables)]
pub fn apply_patch(
    ptype: PatchType,
    kind: &str,
    original: &Value,
    body: &[u8],
) -> Result<Value, ApiError> {
    todo!("patch")
}
