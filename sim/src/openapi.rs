//! OpenAPI v3 documents (/openapi/v3 and /openapi/v3/<path>), enough for kubectl's
//! server-side field validation detection and `kubectl explain`.

use serde_json::Value;

/// GET /openapi/v3: the index of group-version documents.
pub fn index() -> Value {
    todo!("openapi")
}
/// GET /openapi/v3/<path> (path like "api/v1", "apis/apps/v1"); None = 404.
#[allow(unused_variables)]
pub fn document(path: &str) -> Option<Value> {
    todo!("openapi")
}
