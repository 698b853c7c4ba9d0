//! Discovery documents: /version, /api, /apis (aggregated apidiscovery.k8s.io/v2 and the
//! legacy forms), /api/v1 and /apis/<group>/<version> resource lists.

use serde_json::Value;

/// GET /version.
pub fn version() -> Value {
    todo!("discovery")
}
/// GET /api, legacy APIVersions.
#[allow(unused_variables)]
pub fn api_versions(server_address: &str) -> Value {
    todo!("discovery")
}
/// GET /apis, legacy APIGroupList.
pub fn api_group_list() -> Value {
    todo!("discovery")
}
/// GET /apis/<group>, APIGroup.
#[allow(unused_variables)]
pub fn api_group(group: &str) -> Option<Value> {
    todo!("discovery")
}
/// Aggregated discovery (apidiscovery.k8s.io `api_version` = "v2" or "v2beta1"): for /api when
/// `core`, else for /apis.
#[allow(unused_variables)]
pub fn aggregated(core: bool, api_version: &str) -> Value {
    todo!("discovery")
}
/// GET /api/v1 or /apis/<group>/<version>: APIResourceList.
#[allow(unused_variables)]
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    todo!("discovery")
}
