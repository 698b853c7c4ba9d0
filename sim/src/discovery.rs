//! Discovery documents: /version, /api, /apis (aggregated apidiscovery.k8s.io/v2 and the
//! legacy forms), /api/v1 and /apis/<group>/<version> resource lists.
//!
//! Everything is derived from the served-resources table in `resources.rs`.
//! Upstream models:
//! - staging/src/k8s.io/apiserver/pkg/endpoints/discovery/{legacy.go,group.go,root.go,version.go}
//!   (APIVersions, APIGroupList, APIGroup, APIResourceList),
//! - staging/src/k8s.io/apiserver/pkg/endpoints/discovery/aggregated/handler.go and
//!   staging/src/k8s.io/api/apidiscovery/v2/types.go (APIGroupDiscoveryList),
//! - staging/src/k8s.io/apiserver/pkg/endpoints/installer.go (which verbs a subresource gets),
//! - staging/src/k8s.io/apimachinery/pkg/version/types.go (version.Info).

use crate::resources::{ResourceType, GROUPS, RESOURCES};
use serde_json::{json, Value};

/// What discovery says about one subresource `<plural>/<sub>`.
pub struct SubresourceInfo {
    /// Group/version/kind of the object the subresource takes and returns; an empty group and
    /// version means "same as the parent" (how aggregated discovery spells it).
    pub group: &'static str,
    pub version: &'static str,
    pub kind: String,
    pub verbs: &'static [&'static str],
}

/// The shape upstream's installer gives each subresource the simulator can serve.
/// status: get/patch/update of the parent kind; scale: autoscaling/v1 Scale (registry
/// pkg/registry/apps/statefulset/storage/storage.go ScaleREST.GroupVersionKind); log: get of
/// the Pod kind (pods/log returns text, discovery still says Pod); binding: create Binding;
/// eviction: create policy/v1 Eviction; finalize: update Namespace.
pub fn subresource_info(rt: &ResourceType, sub: &str) -> SubresourceInfo {
    let same = |verbs: &'static [&'static str]| SubresourceInfo {
        group: "",
        version: "",
        kind: rt.kind.to_string(),
        verbs,
    };
    match sub {
        "status" => same(&["get", "patch", "update"]),
        "scale" => SubresourceInfo {
            group: "autoscaling",
            version: "v1",
            kind: "Scale".into(),
            verbs: &["get", "patch", "update"],
        },
        "log" => same(&["get"]),
        "binding" => SubresourceInfo {
            group: "",
            version: "",
            kind: "Binding".into(),
            verbs: &["create"],
        },
        "eviction" => SubresourceInfo {
            group: "policy",
            version: "v1",
            kind: "Eviction".into(),
            verbs: &["create"],
        },
        "finalize" => same(&["update"]),
        _ => same(&["get"]),
    }
}

/// GET /version. A v1.32.4 server's version.Info (gitCommit and buildDate are shaped like a
/// release build's but not checked against the v1.32.4 tag; clients only read major/minor/
/// gitVersion).
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.4",
        "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:02:27Z",
        "goVersion": "go1.23.6",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

/// GET /api, legacy APIVersions.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ]
    })
}

fn group_versions(group: &str) -> Vec<&'static str> {
    GROUPS
        .iter()
        .filter(|(g, _)| *g == group)
        .map(|(_, v)| *v)
        .collect()
}

/// The APIGroup object (without kind/apiVersion when embedded in a list, like upstream).
fn group_object(group: &str) -> Option<Value> {
    let versions = group_versions(group);
    let preferred = versions.first()?;
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    Some(json!({
        "name": group,
        "versions": versions,
        "preferredVersion": {"groupVersion": format!("{group}/{preferred}"), "version": preferred}
    }))
}

fn distinct_groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (g, _) in GROUPS {
        if !out.contains(g) {
            out.push(g);
        }
    }
    out
}

/// GET /apis, legacy APIGroupList.
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = distinct_groups()
        .into_iter()
        .filter_map(group_object)
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// GET /apis/<group>, APIGroup.
pub fn api_group(group: &str) -> Option<Value> {
    let mut g = group_object(group)?;
    let obj = g.as_object_mut()?;
    let mut out = serde_json::Map::new();
    out.insert("kind".into(), json!("APIGroup"));
    out.insert("apiVersion".into(), json!("v1"));
    out.append(obj);
    Some(Value::Object(out))
}

fn resources_of(group: &str, version: &str) -> Vec<&'static ResourceType> {
    let mut v: Vec<&'static ResourceType> = RESOURCES
        .iter()
        .copied()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    v.sort_by_key(|r| r.plural);
    v
}

fn served(group: &str, version: &str) -> bool {
    (group.is_empty() && version == "v1") || GROUPS.contains(&(group, version))
}

fn strs(s: &[&str]) -> Value {
    Value::Array(s.iter().map(|x| json!(x)).collect())
}

/// GET /api/v1 or /apis/<group>/<version>: APIResourceList (upstream sorts entries by name;
/// subresources follow their parent).
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    if !served(group, version) {
        return None;
    }
    let mut out = Vec::new();
    for rt in resources_of(group, version) {
        let mut r = json!({
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": strs(rt.verbs),
        });
        if !rt.short_names.is_empty() {
            r["shortNames"] = strs(rt.short_names);
        }
        if !rt.categories.is_empty() {
            r["categories"] = strs(rt.categories);
        }
        out.push(r);
        let mut subs: Vec<&str> = rt.subresources.to_vec();
        subs.sort();
        for sub in subs {
            let info = subresource_info(rt, sub);
            let mut s = json!({
                "name": format!("{}/{}", rt.plural, sub),
                "singularName": "",
                "namespaced": rt.namespaced,
            });
            if !info.group.is_empty() || !info.version.is_empty() {
                s["group"] = json!(info.group);
                s["version"] = json!(info.version);
            }
            s["kind"] = json!(info.kind);
            s["verbs"] = strs(info.verbs);
            out.push(s);
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": out,
    }))
}

fn discovery_resource(rt: &ResourceType) -> Value {
    let mut r = json!({
        "resource": rt.plural,
        "responseKind": {"group": "", "version": "", "kind": rt.kind},
        "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": rt.singular,
        "verbs": strs(rt.verbs),
    });
    if !rt.short_names.is_empty() {
        r["shortNames"] = strs(rt.short_names);
    }
    if !rt.categories.is_empty() {
        r["categories"] = strs(rt.categories);
    }
    if !rt.subresources.is_empty() {
        let mut subs: Vec<&str> = rt.subresources.to_vec();
        subs.sort();
        let subs: Vec<Value> = subs
            .into_iter()
            .map(|sub| {
                let info = subresource_info(rt, sub);
                json!({
                    "subresource": sub,
                    "responseKind": {"group": info.group, "version": info.version, "kind": info.kind},
                    "verbs": strs(info.verbs),
                })
            })
            .collect();
        r["subresources"] = Value::Array(subs);
    }
    r
}

fn discovery_group(group: &str, versions: &[&str]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| {
            let resources: Vec<Value> = resources_of(group, v)
                .into_iter()
                .map(discovery_resource)
                .collect();
            json!({"version": v, "resources": resources, "freshness": "Current"})
        })
        .collect();
    json!({"metadata": {"name": group}, "versions": versions})
}

/// Aggregated discovery (apidiscovery.k8s.io `api_version` = "v2" or "v2beta1"): for /api when
/// `core`, else for /apis.
pub fn aggregated(core: bool, api_version: &str) -> Value {
    let items: Vec<Value> = if core {
        vec![discovery_group("", &["v1"])]
    } else {
        distinct_groups()
            .into_iter()
            .map(|g| discovery_group(g, &group_versions(g)))
            .collect()
    };
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{api_version}"),
        "metadata": {},
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
        APIGroup, APIGroupList, APIResourceList, APIVersions,
    };

    fn find<'a>(list: &'a Value, name: &str) -> &'a Value {
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn every_resource_appears_in_legacy_and_aggregated_discovery() {
        let core = aggregated(true, "v2");
        let apis = aggregated(false, "v2");
        for rt in RESOURCES {
            let list = resource_list(rt.group, rt.version).unwrap();
            let e = find(&list, rt.plural);
            assert_eq!(e["kind"], rt.kind);
            assert_eq!(e["namespaced"], rt.namespaced);
            for sub in rt.subresources {
                find(&list, &format!("{}/{}", rt.plural, sub));
            }
            let doc = if rt.group.is_empty() { &core } else { &apis };
            let item = doc["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["metadata"]["name"] == rt.group)
                .unwrap();
            let v = item["versions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["version"] == rt.version)
                .unwrap();
            let r = v["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["resource"] == rt.plural && r["responseKind"]["kind"] == rt.kind)
                .unwrap();
            assert_eq!(
                r["scope"],
                if rt.namespaced {
                    "Namespaced"
                } else {
                    "Cluster"
                }
            );
            assert_eq!(
                r["subresources"].as_array().map(|a| a.len()).unwrap_or(0),
                rt.subresources.len()
            );
        }
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert_eq!(core["items"][0]["metadata"]["name"], "");
        assert_eq!(
            aggregated(false, "v2beta1")["apiVersion"],
            "apidiscovery.k8s.io/v2beta1"
        );
    }

    #[test]
    fn scale_subresource_is_autoscaling_v1_scale() {
        let list = resource_list("apps", "v1").unwrap();
        let s = find(&list, "statefulsets/scale");
        assert_eq!(s["group"], "autoscaling");
        assert_eq!(s["version"], "v1");
        assert_eq!(s["kind"], "Scale");
        let st = find(&list, "statefulsets/status");
        assert_eq!(st["kind"], "StatefulSet");
        assert!(st.get("group").is_none());

        let apis = aggregated(false, "v2");
        let apps = &apis["items"][0];
        assert_eq!(apps["metadata"]["name"], "apps");
        let sts = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "statefulsets")
            .unwrap();
        let scale = sts["subresources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subresource"] == "scale")
            .unwrap();
        assert_eq!(
            scale["responseKind"],
            json!({"group": "autoscaling", "version": "v1", "kind": "Scale"})
        );
        assert_eq!(sts["shortNames"], json!(["sts"]));
        assert_eq!(apps["versions"][0]["freshness"], "Current");
    }

    #[test]
    fn pods_log_is_get_of_pod() {
        let list = resource_list("", "v1").unwrap();
        let l = find(&list, "pods/log");
        assert_eq!(l["kind"], "Pod");
        assert_eq!(l["verbs"], json!(["get"]));
        assert_eq!(find(&list, "events")["shortNames"], json!(["ev"]));
        assert_eq!(find(&list, "namespaces")["namespaced"], false);
        assert!(resource_list("apps", "v2").is_none());
        assert!(resource_list("batch", "v1").is_none());
    }

    #[test]
    fn documents_deserialize_into_upstream_types() {
        for (g, v) in GROUPS.iter().copied().chain([("", "v1")]) {
            let l: APIResourceList = serde_json::from_value(resource_list(g, v).unwrap()).unwrap();
            assert!(!l.resources.is_empty());
        }
        let gl: APIGroupList = serde_json::from_value(api_group_list()).unwrap();
        let names: Vec<_> = gl.groups.iter().map(|g| g.name.as_str()).collect();
        assert!(names.contains(&"metrics.k8s.io"));
        assert!(names.contains(&"apps"));
        let m = gl
            .groups
            .iter()
            .find(|g| g.name == "metrics.k8s.io")
            .unwrap();
        assert_eq!(m.preferred_version.as_ref().unwrap().version, "v1beta1");
        let g: APIGroup = serde_json::from_value(api_group("apps").unwrap()).unwrap();
        assert_eq!(g.versions[0].group_version, "apps/v1");
        assert!(api_group("batch").is_none());
        let av: APIVersions = serde_json::from_value(api_versions("127.0.0.1:6443")).unwrap();
        assert_eq!(av.versions, vec!["v1".to_string()]);
        assert_eq!(version()["gitVersion"], "v1.32.4");
    }
}
