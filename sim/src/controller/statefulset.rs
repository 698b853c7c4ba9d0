//! The StatefulSet controller. Upstream: pkg/controller/statefulset/.

use crate::api::Cluster;
use std::sync::Arc;

/// Reconcile every StatefulSet whenever the cluster changes (and when a timed condition such as
/// minReadySeconds falls due).
pub async fn run(cluster: Arc<Cluster>) {
    let _ = cluster;
}
