//! Per-kind rules of the API server's registry: defaulting, validation, create/update
//! strategies and strict field decoding, on raw JSON objects.
//! Upstream: pkg/apis/*/v1/defaults.go, pkg/apis/*/validation/validation.go,
//! pkg/registry/*/*/strategy.go.
