//! Server-side Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//! Upstream: pkg/printers/internalversion/printers.go.

use crate::resources::ResourceType;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// `includeObject` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    None,
    #[default]
    Metadata,
    Object,
}

/// A meta.k8s.io/v1 Table of `items` with upstream's columns for `rt` (priority-1 columns
/// included), `list_meta` as its metadata.
#[allow(unused_variables)]
pub fn table(
    rt: &ResourceType,
    items: &[Value],
    now: DateTime<Utc>,
    list_meta: Value,
    include: IncludeObject,
) -> Value {
    todo!("printers")
}
