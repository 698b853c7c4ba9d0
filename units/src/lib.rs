//! The value types both the plugin and kube-sim read and write: Kubernetes resource
//! quantities (k8s.io/apimachinery/pkg/api/resource) and Go durations (time.ParseDuration,
//! time.Duration.String, and apimachinery's HumanDuration). No dependencies, no I/O.

pub mod duration;
pub mod quantity;

pub use quantity::Quantity;
