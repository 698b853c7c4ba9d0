//! The garbage collector (ownerReferences, Background/Foreground/Orphan) and the namespace
//! lifecycle. Upstream: pkg/controller/garbagecollector/, pkg/controller/namespace/.

use crate::api::Cluster;
use std::sync::Arc;

pub async fn run(cluster: Arc<Cluster>) {
    let _ = cluster;
}
