//! Controllers that run inside the simulator, acting through `Cluster`'s verbs as upstream
//! controllers act through the API server.

use crate::api::Cluster;
use std::sync::Arc;

pub mod disruption;
pub mod events;
pub mod gc;
pub mod history;
pub mod kubelet;
pub mod logs;
pub mod metrics;
pub mod recorder;
pub mod refs;
pub mod scheduler;
pub mod statefulset;
pub mod volumes;

/// Start every controller loop on the current tokio runtime.
pub fn spawn_all(cluster: Arc<Cluster>) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(statefulset::run(cluster.clone())),
        tokio::spawn(kubelet::run(cluster.clone())),
        tokio::spawn(disruption::run(cluster.clone())),
        tokio::spawn(gc::run(cluster)),
    ]
}
