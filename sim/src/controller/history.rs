//! ControllerRevision history: Go-compatible JSON encoding of the template patch, FNV-1 hash,
//! names and numbering. Upstream: pkg/controller/history/controller_history.go,
//! pkg/controller/statefulset/stateful_set_utils.go.
