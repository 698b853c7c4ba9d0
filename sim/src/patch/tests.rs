//! Tests of the patch engine: kubectl v1.32's real request bodies (kubernetes.md 3.2, 3.3,
//! 4.1, 4.2) and cases following upstream strategicpatch/patch_test.go.

use super::apply::{record_update, server_side_apply_at};
use super::*;
use serde_json::json;

fn smp(kind: &str, original: Value, patch: Value) -> Result<Value, ApiError> {
    apply_patch(
        PatchType::Strategic,
        kind,
        &original,
        patch.to_string().as_bytes(),
    )
}

fn sts_with_env() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx", "extra": "x"}, "annotations": {"a": "1"}},
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx:1.25",
                         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"},
                                 {"name": "C", "value": "3"}, {"name": "D", "value": "4"}],
                         "ports": [{"containerPort": 80, "name": "web"}]},
                        {"name": "sidecar", "image": "busybox", "args": ["sleep", "1d"]}
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}]
                }
            }
        }
    })
}

fn env_names(v: &Value) -> Vec<String> {
    v.pointer("/spec/template/spec/containers/0/env")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn content_types() {
    assert_eq!(
        PatchType::from_content_type("application/strategic-merge-patch+json; charset=utf-8"),
        Some(PatchType::Strategic)
    );
    assert_eq!(PatchType::from_content_type("application/json"), None);
}

#[test]
fn kubectl_set_env_add_body() {
    let body = r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D"},{"name":"E"}],"env":[{"name":"E","value":"5"}],"name":"nginx"}]}}}}"#;
    let out = apply_patch(
        PatchType::Strategic,
        "StatefulSet",
        &sts_with_env(),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(env_names(&out), ["A", "B", "C", "D", "E"]);
    assert_eq!(
        out.pointer("/spec/template/spec/containers/0/env/4/value")
            .unwrap(),
        "5"
    );
    // the sidecar is server-only: kept, after nginx
    assert_eq!(
        out.pointer("/spec/template/spec/containers/1/name")
            .unwrap(),
        "sidecar"
    );
    // no directive leaks into the object
    assert!(!out.to_string().contains('$'));
}

#[test]
fn kubectl_set_env_remove_body() {
    let body = r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/env":[{"name":"B"},{"name":"C"},{"name":"D"}],"env":[{"$patch":"delete","name":"A"}],"name":"nginx"}]}}}}"#;
    let out = apply_patch(
        PatchType::Strategic,
        "StatefulSet",
        &sts_with_env(),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(env_names(&out), ["B", "C", "D"]);
    assert!(!out.to_string().contains('$'));
}

#[test]
fn kubectl_set_env_bodies_are_what_the_diff_produces() {
    let orig = sts_with_env();
    let mut added = orig.clone();
    added["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "E", "value": "5"}));
    let p = create_two_way_merge_patch(&orig, &added, "StatefulSet");
    assert_eq!(
        p.to_string(),
        r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D"},{"name":"E"}],"env":[{"name":"E","value":"5"}],"name":"nginx"}]}}}}"#
    );
    let mut removed = orig.clone();
    removed["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let p = create_two_way_merge_patch(&orig, &removed, "StatefulSet");
    assert_eq!(
        p.to_string(),
        r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"$setElementOrder/env":[{"name":"B"},{"name":"C"},{"name":"D"}],"env":[{"$patch":"delete","name":"A"}],"name":"nginx"}]}}}}"#
    );
    // round trips
    assert_eq!(
        smp(
            "StatefulSet",
            orig.clone(),
            create_two_way_merge_patch(&orig, &added, "StatefulSet")
        )
        .unwrap(),
        added
    );
    assert_eq!(
        smp(
            "StatefulSet",
            orig.clone(),
            create_two_way_merge_patch(&orig, &removed, "StatefulSet")
        )
        .unwrap(),
        removed
    );
}

#[test]
fn kubectl_rollout_undo_replaces_template() {
    let body = r#"{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1.24","name":"nginx","resources":{}}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always"}}}}"#;
    let out = apply_patch(
        PatchType::Strategic,
        "StatefulSet",
        &sts_with_env(),
        body.as_bytes(),
    )
    .unwrap();
    let tpl = &out["spec"]["template"];
    assert_eq!(
        *tpl,
        json!({"metadata": {"labels": {"app": "nginx"}},
               "spec": {"containers": [{"image": "nginx:1.24", "name": "nginx", "resources": {}}],
                        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always"}})
    );
    // the rest of the spec is untouched
    assert_eq!(out["spec"]["replicas"], 3);
    assert_eq!(
        out["spec"]["selector"],
        json!({"matchLabels": {"app": "nginx"}})
    );
}

#[test]
fn kubectl_rollout_restart_annotation() {
    let body = r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-25T18:58:02Z"}}}}}"#;
    let out = apply_patch(
        PatchType::Strategic,
        "StatefulSet",
        &sts_with_env(),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["metadata"]["annotations"],
        json!({"a": "1", "kubectl.kubernetes.io/restartedAt": "2026-11-25T18:58:02Z"})
    );
    // and it is exactly the two-way diff kubectl computes
    let p = create_two_way_merge_patch(&sts_with_env(), &out, "StatefulSet");
    assert_eq!(p.to_string(), body);
    // a no-op change gives an empty patch
    assert_eq!(
        create_two_way_merge_patch(&out, &out, "StatefulSet"),
        json!({})
    );
}

#[test]
fn kubectl_scale_merge_patch_on_scale() {
    let scale = json!({"apiVersion": "autoscaling/v1", "kind": "Scale",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 3}, "status": {"replicas": 3, "selector": "app=nginx"}});
    let out = apply_patch(
        PatchType::Merge,
        "Scale",
        &scale,
        br#"{"spec":{"replicas":5}}"#,
    )
    .unwrap();
    assert_eq!(out["spec"]["replicas"], 5);
    assert_eq!(out["status"]["replicas"], 3);
}

#[test]
fn merge_patch_null_deletes_and_lists_replace() {
    let out = apply_patch(
        PatchType::Merge,
        "StatefulSet",
        &sts_with_env(),
        br#"{"metadata":{"labels":null},"spec":{"template":{"spec":{"containers":[{"name":"only"}]}}}}"#,
    )
    .unwrap();
    assert!(out["metadata"].get("labels").is_none());
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "only"}])
    );
    let e = apply_patch(PatchType::Merge, "StatefulSet", &sts_with_env(), b"{nope").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (400, "Invalid JSON Patch"));
}

#[test]
fn json_patch_ops_and_errors() {
    let out = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        br#"[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":1},{"op":"add","path":"/metadata/labels/x","value":"y"},{"op":"remove","path":"/metadata/labels/app"}]"#,
    )
    .unwrap();
    assert_eq!(out["spec"]["replicas"], 1);
    assert_eq!(out["metadata"]["labels"], json!({"x": "y"}));

    let e = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        br#"[{"op":"test","path":"/spec/replicas","value":9}]"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(e.reason, "Invalid");
    assert_eq!(
        e.message,
        "the server rejected our request due to an error in our request"
    );
    assert_eq!(
        e.details.unwrap()["causes"][0]["message"],
        "testing value /spec/replicas failed: test failed"
    );
    let e = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        br#"[{"op":"remove","path":"/spec/nope"}]"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    let e = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        br#"{"op":"add"}"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    );
    let e = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        br#"[{"op":"frob","path":"/a"}]"#,
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.details.unwrap()["causes"][0]["message"],
        "Unexpected kind: frob"
    );
    let e = apply_patch(PatchType::Json, "StatefulSet", &sts_with_env(), b"[1]").unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            400,
            "json: cannot unmarshal number into Go value of type jsonpatch.Operation"
        )
    );
    let many: Vec<Value> = (0..10001)
        .map(|_| json!({"op": "test", "path": "/spec/replicas", "value": 3}))
        .collect();
    let e = apply_patch(
        PatchType::Json,
        "StatefulSet",
        &sts_with_env(),
        Value::Array(many).to_string().as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.code, 413);
    assert_eq!(
        e.message,
        "The allowed maximum operations in a JSON patch is 10000, got 10001"
    );
}

#[test]
fn smp_merges_keyed_lists_and_appends_new_items() {
    let out = smp(
        "StatefulSet",
        sts_with_env(),
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "sidecar", "image": "busybox:2"},
            {"name": "new", "image": "redis"}
        ]}}}}),
    )
    .unwrap();
    let cs = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = cs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    // upstream order: patch items keep their order, server-only items are interleaved by
    // their live position (nginx was before sidecar)
    assert_eq!(names, ["nginx", "sidecar", "new"]);
    assert_eq!(cs[1]["image"], "busybox:2");
    assert_eq!(cs[1]["args"], json!(["sleep", "1d"]));
    assert_eq!(cs[0]["env"].as_array().unwrap().len(), 4);
}

#[test]
fn smp_set_element_order_interleaves_server_only_items() {
    let orig = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}});
    let out = smp(
        "Pod",
        orig.clone(),
        json!({"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
                        "containers": [{"name": "c", "image": "x"}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "b"}, {"name": "c", "image": "x"}, {"name": "a"}])
    );
    // reordering only
    let out = smp(
        "Pod",
        orig,
        json!({"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "b"}, {"name": "a"}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "c"}, {"name": "b"}, {"name": "a"}])
    );
}

#[test]
fn smp_directives_on_lists_and_maps() {
    let orig = sts_with_env();
    // $patch: replace inside a list replaces the whole list
    let out = smp(
        "StatefulSet",
        orig.clone(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "solo", "image": "i"}, {"$patch": "replace"}]}}}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "solo", "image": "i"}])
    );
    // $patch: delete on a map empties it; null removes a key
    let out = smp(
        "StatefulSet",
        orig.clone(),
        json!({"metadata": {"labels": {"$patch": "delete"}}, "spec": {"replicas": null}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"], json!({}));
    assert!(out["spec"].get("replicas").is_none());
    // $patch: replace on a map
    let out = smp(
        "StatefulSet",
        orig.clone(),
        json!({"spec": {"template": {"metadata": {"$patch": "replace", "labels": {"only": "me"}}}}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["metadata"],
        json!({"labels": {"only": "me"}})
    );
    // unknown directive -> plain error (500) with upstream's text
    let e = smp(
        "StatefulSet",
        orig.clone(),
        json!({"metadata": {"labels": {"$patch": "foo"}}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 500);
    assert_eq!(e.message, "unknown patch type: foo in map: map[$patch:foo]");
    // merge directive in a list is rejected
    let e = smp(
        "StatefulSet",
        orig.clone(),
        json!({"spec": {"template": {"spec": {"containers": [{"$patch": "merge"}]}}}}),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "merging lists cannot yet be specified in the patch"
    );
    // delete of a keyed item without its merge key
    let e = smp(
        "StatefulSet",
        orig,
        json!({"spec": {"template": {"spec": {"containers": [{"$patch": "delete"}]}}}}),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "map: map[$patch:delete] does not contain declared merge key: name"
    );
}

#[test]
fn smp_primitive_sets_and_delete_from_primitive_list() {
    let orig = json!({"metadata": {"name": "p", "finalizers": ["a", "b"]}});
    let out = smp(
        "Pod",
        orig.clone(),
        json!({"metadata": {"finalizers": ["b", "c"]}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["a", "b", "c"]));
    let out = smp(
        "Pod",
        orig.clone(),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
    // deleting from a missing list adds nothing
    let out = smp(
        "Pod",
        json!({"metadata": {}}),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
    )
    .unwrap();
    assert!(out["metadata"].get("finalizers").is_none());
    // $setElementOrder on a primitive list
    let out = smp(
        "Pod",
        orig.clone(),
        json!({"metadata": {"$setElementOrder/finalizers": ["c", "b", "a"], "finalizers": ["c"]}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["c", "b", "a"]));
    // round trip of a finalizer removal
    let mut m = orig.clone();
    m["metadata"]["finalizers"] = json!(["b"]);
    let p = create_two_way_merge_patch(&orig, &m, "Pod");
    assert_eq!(
        p,
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "$setElementOrder/finalizers": ["b"]}})
    );
    assert_eq!(smp("Pod", orig, p).unwrap(), m);
}

#[test]
fn smp_retain_keys_on_volumes() {
    let orig = sts_with_env();
    let patch = json!({"spec": {"template": {"spec": {"volumes": [
        {"$retainKeys": ["hostPath", "name"], "name": "data", "hostPath": {"path": "/x"}}
    ]}}}});
    let out = smp("StatefulSet", orig.clone(), patch).unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["volumes"],
        json!([{"name": "data", "hostPath": {"path": "/x"}}])
    );
    // the diff emits $retainKeys for volumes (patchStrategy merge,retainKeys)
    let p = create_two_way_merge_patch(&orig, &out, "StatefulSet");
    assert_eq!(
        p["spec"]["template"]["spec"]["volumes"],
        json!([{"$retainKeys": ["hostPath", "name"], "emptyDir": null, "hostPath": {"path": "/x"}, "name": "data"}])
    );
    assert_eq!(smp("StatefulSet", orig.clone(), p).unwrap(), out);
    // a patch field outside the retainKeys list is a bad request
    let e = smp(
        "StatefulSet",
        orig,
        json!({"spec": {"template": {"spec": {"volumes": [
            {"$retainKeys": ["name"], "name": "data", "hostPath": {"path": "/x"}}]}}}}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (400, "invalid patch format of retainKeys")
    );
}

#[test]
fn smp_lists_without_merge_key_are_replaced() {
    let orig = json!({"spec": {
        "tolerations": [{"key": "a", "operator": "Exists"}],
        "containers": [{"name": "c", "args": ["x", "y"], "envFrom": [{"configMapRef": {"name": "a"}}],
                        "ports": [{"containerPort": 80}, {"containerPort": 443}]}]
    }});
    let out = smp(
        "Pod",
        orig,
        json!({"spec": {"tolerations": [{"key": "b", "operator": "Exists"}],
                        "containers": [{"name": "c", "args": ["z"], "envFrom": [{"secretRef": {"name": "s"}}],
                                        "ports": [{"containerPort": 80, "name": "http"}]}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["tolerations"],
        json!([{"key": "b", "operator": "Exists"}])
    );
    let c = &out["spec"]["containers"][0];
    assert_eq!(c["args"], json!(["z"]));
    assert_eq!(c["envFrom"], json!([{"secretRef": {"name": "s"}}]));
    assert_eq!(
        c["ports"],
        json!([{"containerPort": 80, "name": "http"}, {"containerPort": 443}])
    );
    // volumeClaimTemplates have no strategy
    let sts = json!({"spec": {"volumeClaimTemplates": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]}});
    let out = smp(
        "StatefulSet",
        sts,
        json!({"spec": {"volumeClaimTemplates": [{"metadata": {"name": "c"}}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["volumeClaimTemplates"],
        json!([{"metadata": {"name": "c"}}])
    );
    // unknown kinds: every list is replaced
    let out = smp(
        "Widget",
        json!({"spec": {"containers": [{"name": "a"}]}}),
        json!({"spec": {"containers": [{"name": "b"}]}}),
    )
    .unwrap();
    assert_eq!(out["spec"]["containers"], json!([{"name": "b"}]));
}

#[test]
fn smp_service_ports_status_conditions_owner_refs() {
    let svc =
        json!({"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]}});
    let out = smp(
        "Service",
        svc,
        json!({"spec": {"ports": [{"port": 443, "targetPort": 8443}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["ports"][1],
        json!({"port": 443, "name": "https", "targetPort": 8443})
    );
    let pod = json!({"metadata": {"ownerReferences": [{"uid": "u1", "name": "web"}]},
                     "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "PodScheduled", "status": "True"}]}});
    let out = smp("Pod", pod, json!({"metadata": {"ownerReferences": [{"uid": "u2", "name": "x"}]},
                                     "status": {"conditions": [{"type": "Ready", "status": "True"}]}})).unwrap();
    assert_eq!(
        out["status"]["conditions"][0],
        json!({"type": "Ready", "status": "True"})
    );
    assert_eq!(out["status"]["conditions"][1]["type"], "PodScheduled");
    assert_eq!(
        out["metadata"]["ownerReferences"].as_array().unwrap().len(),
        2
    );
    // StatefulSet status conditions merge by type too
    let sts = json!({"status": {"conditions": [{"type": "A", "status": "True"}]}});
    let out = smp(
        "StatefulSet",
        sts,
        json!({"status": {"conditions": [{"type": "B", "status": "True"}]}}),
    )
    .unwrap();
    assert_eq!(out["status"]["conditions"].as_array().unwrap().len(), 2);
}

#[test]
fn smp_error_classes() {
    let e = apply_patch(PatchType::Strategic, "Pod", &json!({}), b"[1]").unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    let e = smp(
        "Pod",
        json!({"spec": {"containers": [{"name": "a"}]}}),
        json!({"spec": {"containers": [[1]]}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 500);
    assert!(
        e.message
            .starts_with("list element types are not identical"),
        "{}",
        e.message
    );
    let e = smp(
        "Pod",
        json!({"spec": {"containers": []}}),
        json!({"spec": {"containers": [[1]]}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(
        e.details.unwrap()["causes"][0]["message"],
        "lists of lists are not supported"
    );
    let e = smp(
        "Pod",
        json!({"metadata": {"finalizers": ["a"]}}),
        json!({"metadata": {"$retainKeys": "x"}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 400);
    let e = smp(
        "Pod",
        json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}),
        json!({"spec": {"$setElementOrder/containers": [{"name": "a"}], "containers": [{"name": "b", "image": "i"}]}}),
    )
    .unwrap_err();
    assert!(
        e.message.starts_with("The order in patch list:"),
        "{}",
        e.message
    );
}

#[test]
fn two_way_diff_null_for_removed_keys_and_round_trips() {
    let orig = sts_with_env();
    let mut m = orig.clone();
    m["metadata"]["labels"] = json!({"tier": "web"});
    m["spec"]["template"]["spec"]["containers"] = json!([
        {"name": "sidecar", "image": "busybox:2", "args": ["sleep", "2d"]},
        {"name": "nginx", "image": "nginx:1.26", "env": [{"name": "A", "value": "9"}],
         "ports": [{"containerPort": 8080}]}
    ]);
    m["spec"]["template"]["spec"]
        .as_object_mut()
        .unwrap()
        .remove("volumes");
    let p = create_two_way_merge_patch(&orig, &m, "StatefulSet");
    assert_eq!(p["metadata"]["labels"], json!({"app": null, "tier": "web"}));
    assert_eq!(p["spec"]["template"]["spec"]["volumes"], Value::Null);
    assert_eq!(
        p["spec"]["template"]["spec"]["$setElementOrder/containers"],
        json!([{"name": "sidecar"}, {"name": "nginx"}])
    );
    assert_eq!(smp("StatefulSet", orig, p).unwrap(), m);
}

#[test]
fn server_side_apply_create_update_conflict_force() {
    let applied = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "nginx", "team": "a"}},
        "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1"}]}}}});
    let t = "2026-11-25T19:00:00Z";
    let created = server_side_apply_at(None, &applied, "StatefulSet", "kubectl", false, t).unwrap();
    assert_eq!(created["spec"]["replicas"], 2);
    let mf = &created["metadata"]["managedFields"][0];
    assert_eq!(mf["manager"], "kubectl");
    assert_eq!(mf["operation"], "Apply");
    assert_eq!(mf["fieldsType"], "FieldsV1");
    assert_eq!(mf["fieldsV1"]["f:spec"]["f:replicas"], json!({}));
    assert_eq!(
        mf["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"]
            ["."],
        json!({})
    );
    assert!(mf["fieldsV1"]["f:metadata"].get("f:name").is_none());

    // kubectl edit changes replicas: an Update entry takes ownership
    let mut edited = created.clone();
    edited["spec"]["replicas"] = json!(5);
    record_update(
        Some(&created),
        &mut edited,
        "StatefulSet",
        "kubectl-edit",
        t,
    );
    let entries = edited["metadata"]["managedFields"].as_array().unwrap();
    let edit = entries
        .iter()
        .find(|e| e["manager"] == "kubectl-edit")
        .unwrap();
    assert_eq!(edit["operation"], "Update");
    assert_eq!(edit["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));

    // re-applying replicas: 2 conflicts
    let e = server_side_apply_at(Some(&edited), &applied, "StatefulSet", "kubectl", false, t)
        .unwrap_err();
    assert_eq!(e.code, 409);
    assert_eq!(e.reason, "Conflict");
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas"
    );
    assert_eq!(
        e.details.as_ref().unwrap()["causes"][0],
        json!({"reason": "FieldManagerConflict", "message": "conflict with \"kubectl-edit\" using apps/v1", "field": ".spec.replicas"})
    );
    // applying the same value as live is no conflict
    let mut same = applied.clone();
    same["spec"]["replicas"] = json!(5);
    assert!(server_side_apply_at(Some(&edited), &same, "StatefulSet", "kubectl", false, t).is_ok());

    // force: ownership moves to the applier, the edit entry (now empty) disappears
    let forced =
        server_side_apply_at(Some(&edited), &applied, "StatefulSet", "kubectl", true, t).unwrap();
    assert_eq!(forced["spec"]["replicas"], 2);
    let entries = forced["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["manager"], "kubectl");

    // fields this manager stops applying are removed (label team), others kept
    let mut less = applied.clone();
    less["metadata"]["labels"] = json!({"app": "nginx"});
    let out =
        server_side_apply_at(Some(&forced), &less, "StatefulSet", "kubectl", false, t).unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"app": "nginx"}));
    assert_eq!(out["metadata"]["name"], "web");
}

/// lastappliedmanager.go: `kubectl` (only) takes over, without force, what a client-side
/// apply left in the last-applied annotation and is still live; lastappliedupdater.go keeps
/// the annotation in step with what it applies.
#[test]
fn server_side_apply_takes_over_from_client_side_apply() {
    let t = "2026-11-25T19:00:00Z";
    let last = r#"{"apiVersion":"v1","data":{"x":"1","y":"2"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"cfg","namespace":"default"}}
"#;
    let csa = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default",
                     "annotations": {super::apply::LAST_APPLIED: last}},
        "data": {"x": "1", "y": "2", "z": "3"}});
    let mut live = csa.clone();
    record_update(None, &mut live, "ConfigMap", "kubectl-client-side-apply", t);
    // z was set by another writer (not in the annotation): it stays a conflict.
    let mut edited = live.clone();
    edited["data"]["z"] = json!("4");
    record_update(Some(&live), &mut edited, "ConfigMap", "kubectl-edit", t);

    let changed = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"}, "data": {"x": "10", "y": "2"}});
    let out =
        server_side_apply_at(Some(&edited), &changed, "ConfigMap", "kubectl", false, t).unwrap();
    assert_eq!(out["data"], json!({"x": "10", "y": "2", "z": "4"}));
    let owners = |o: &Value, field: &str| -> Vec<String> {
        o["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["fieldsV1"]["f:data"].get(format!("f:{field}")).is_some())
            .map(|e| e["manager"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(owners(&out, "x"), ["kubectl"]);
    // The annotation now holds what kubectl applied (sorted keys, final newline).
    assert_eq!(
        out["metadata"]["annotations"][super::apply::LAST_APPLIED],
        "{\"apiVersion\":\"v1\",\"data\":{\"x\":\"10\",\"y\":\"2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"namespace\":\"default\"}}\n"
    );

    // Any other manager conflicts as before.
    let e =
        server_side_apply_at(Some(&edited), &changed, "ConfigMap", "helm", false, t).unwrap_err();
    assert_eq!(e.code, 409);
    // A field whose live value no longer matches the annotation is not taken over, nor one
    // the annotation does not name.
    let mut z = changed.clone();
    z["data"]["z"] = json!("5");
    let e = server_side_apply_at(Some(&edited), &z, "ConfigMap", "kubectl", false, t).unwrap_err();
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.z"
    );
    let mut drifted = edited.clone();
    drifted["data"]["x"] = json!("7");
    record_update(
        Some(&edited),
        &mut drifted,
        "ConfigMap",
        "kubectl-client-side-apply",
        t,
    );
    let e = server_side_apply_at(Some(&drifted), &changed, "ConfigMap", "kubectl", false, t)
        .unwrap_err();
    assert!(e.message.ends_with(": .data.x"), "{}", e.message);
}

#[test]
fn server_side_apply_keyed_list_item_removal() {
    let t = "2026-11-25T19:00:00Z";
    let two = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
    let live = server_side_apply_at(None, &two, "Pod", "mgr", false, t).unwrap();
    let one = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "image": "x2"}]}});
    let out = server_side_apply_at(Some(&live), &one, "Pod", "mgr", false, t).unwrap();
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "a", "image": "x2"}])
    );
    let e = server_side_apply_at(None, &two, "Pod", "", false, t).unwrap_err();
    assert_eq!(e.code, 400);
}

#[test]
fn apply_body_yaml_or_json() {
    let v = super::apply::parse_apply_body(
        b"apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  replicas: 2\n",
    )
    .unwrap();
    assert_eq!(v["spec"]["replicas"], 2);
    let v = super::apply::parse_apply_body(br#"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2}}"#).unwrap();
    assert_eq!(v["metadata"]["name"], "web");
    let e = super::apply::parse_apply_body(b"- a\n- b\n").unwrap_err();
    assert_eq!(e.code, 400);
    assert!(e.message.starts_with("error decoding YAML"));
}
