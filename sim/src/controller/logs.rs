//! Deterministic container logs for pods/log.

use crate::api::Cluster;
use crate::errors::ApiError;
use std::sync::Arc;

/// pods/log query parameters.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub since_seconds: Option<i64>,
    pub since_time: Option<String>,
    pub timestamps: bool,
    pub tail_lines: Option<i64>,
    pub limit_bytes: Option<i64>,
}

/// Validate the options against the pod and stream its log as text chunks; the receiver ends
/// when the log is complete (no follow) or, following, when the container stops or the pod goes.
#[allow(unused_variables)]
pub fn stream(
    cluster: Arc<Cluster>,
    ns: &str,
    pod: &str,
    opts: LogOptions,
) -> Result<tokio::sync::mpsc::Receiver<bytes::Bytes>, ApiError> {
    todo!("logs")
}
