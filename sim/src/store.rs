//! In-memory object storage: objects by resource/namespace/name as raw JSON, the global
//! resourceVersion counter, and the recent watch-event history. Owned by the core (`api`).

/// Storage state behind `Cluster`'s lock.
#[derive(Debug, Default)]
pub struct State {}

impl State {
    pub fn new() -> Self {
        Self::default()
    }
}
