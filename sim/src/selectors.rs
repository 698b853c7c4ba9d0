//! Label and field selectors, parsed and matched as upstream.
//! Upstream: staging/src/k8s.io/apimachinery/pkg/labels/selector.go,
//! staging/src/k8s.io/apimachinery/pkg/fields/selector.go, and the per-kind field label
//! conversion functions (pkg/apis/core/v1/conversion.go, pkg/registry/core/pod/strategy.go).
