//! Deterministic PodMetrics and NodeMetrics for metrics.k8s.io/v1beta1.
