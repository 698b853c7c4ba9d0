//! The simulated scheduler and kubelet: node assignment, pod phases and conditions, image pull
//! failures, crash loops, graceful termination.

use crate::api::Cluster;
use std::sync::Arc;

pub async fn run(cluster: Arc<Cluster>) {
    let _ = cluster;
}

/// Create the simulated nodes (`sim-node-1` ...), each with capacity, addresses and Ready.
#[allow(unused_variables)]
pub fn seed_nodes(cluster: &Cluster, count: usize) {}
