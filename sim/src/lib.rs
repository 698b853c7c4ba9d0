//! kube-sim: a Kubernetes API-server simulator with a StatefulSet controller, a garbage
//! collector and a simulated scheduler/kubelet, served over HTTP(S) on loopback.
//!
//! Test infrastructure for kubectl-statefulset: never linked into the plugin. Every behaviour
//! models upstream Kubernetes v1.32; each module cites the upstream files it follows.

pub mod api;
pub mod clock;
pub mod controller;
pub mod discovery;
pub mod errors;
pub mod kubeconfig;
pub mod openapi;
pub mod patch;
pub mod printers;
pub mod registry;
pub mod resources;
pub mod selectors;
pub mod server;
pub mod store;
pub mod tls;
