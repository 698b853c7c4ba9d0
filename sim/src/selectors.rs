//! Label and field selectors, parsed and matched as upstream.
//! Upstream: staging/src/k8s.io/apimachinery/pkg/labels/selector.go,
//! staging/src/k8s.io/apimachinery/pkg/fields/selector.go, and the per-kind field label
//! conversion functions (pkg/apis/core/v1/conversion.go, pkg/registry/core/pod/strategy.go).

use crate::resources::ResourceType;
use serde_json::{Map, Value};

/// A parsed label selector (requirements ANDed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    // owned by the selectors implementation
}

#[allow(unused_variables)]
impl LabelSelector {
    /// Parse the string form (`a=b,c!=d,e in (f,g),!h,i`); Err carries upstream's message.
    pub fn parse(s: &str) -> Result<Self, String> {
        todo!("selectors")
    }
    /// From a metav1.LabelSelector object (matchLabels + matchExpressions).
    pub fn from_object(sel: &Value) -> Result<Self, String> {
        todo!("selectors")
    }
    pub fn is_empty(&self) -> bool {
        todo!("selectors")
    }
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        todo!("selectors")
    }
}

/// A parsed field selector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector {}

#[allow(unused_variables)]
impl FieldSelector {
    pub fn parse(s: &str) -> Result<Self, String> {
        todo!("selectors")
    }
    /// Err(upstream's 400 message) when a field is not supported for `rt`.
    pub fn validate_for(&self, rt: &ResourceType) -> Result<(), String> {
        todo!("selectors")
    }
    pub fn matches(&self, rt: &ResourceType, obj: &Value) -> bool {
        todo!("selectors")
    }
}
