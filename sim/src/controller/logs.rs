//! Deterministic container logs for pods/log.
