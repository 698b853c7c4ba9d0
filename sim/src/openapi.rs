//! OpenAPI v3 documents (/openapi/v3 and /openapi/v3/<path>), enough for kubectl's
//! server-side field validation detection and `kubectl explain`.
