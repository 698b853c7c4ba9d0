//! Server-side Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//! Upstream: pkg/printers/internalversion/printers.go.
