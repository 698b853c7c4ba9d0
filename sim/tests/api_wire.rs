//! Response bodies as a real API server writes them and the output negotiation of the
//! resource endpoints: metadata-only answers (`as=PartialObjectMetadata[List]`), 406
//! NotAcceptable, Status bodies in Go's field order with a final newline.

mod common;

use common::{req, sim};
use serde_json::{json, Value};
use std::time::Duration;

const CMS: &str = "/api/v1/namespaces/default/configmaps";
const METADATA_LIST: &str =
    "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json";
const METADATA: &str = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io";

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "labels": {"app": "x"}}, "data": {"k": "v"}})
}

#[test]
fn metadata_only_list_and_get() {
    let s = sim();
    req(&s, "POST", CMS).json(&cm("a")).send();
    req(&s, "POST", CMS).json(&cm("b")).send();
    let r = req(&s, "GET", &format!("{CMS}?labelSelector=app%3Dx"))
        .header("accept", METADATA_LIST)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let l = r.json();
    assert_eq!(l["kind"], "PartialObjectMetadataList");
    assert_eq!(l["apiVersion"], "meta.k8s.io/v1");
    assert!(l["metadata"]["resourceVersion"].is_string());
    let items = l["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for it in items {
        let keys: Vec<&String> = it.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["apiVersion", "kind", "metadata"], "{it}");
        assert_eq!(it["kind"], "PartialObjectMetadata");
        assert_eq!(it["metadata"]["labels"]["app"], "x");
        assert!(it["metadata"]["uid"].is_string());
    }
    // Paging metadata is kept (a, b and the namespace's kube-root-ca.crt).
    let l = req(&s, "GET", &format!("{CMS}?limit=1"))
        .header("accept", METADATA_LIST)
        .send()
        .json();
    assert_eq!(l["metadata"]["remainingItemCount"], 2);
    assert!(l["metadata"]["continue"].is_string());

    let r = req(&s, "GET", &format!("{CMS}/a"))
        .header("accept", METADATA)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let o = r.json();
    assert_eq!(o["kind"], "PartialObjectMetadata");
    assert_eq!(o["metadata"]["name"], "a");
    assert!(o.get("data").is_none());
    // A write answers in the negotiated form too (transformResponseObject).
    let r = req(&s, "POST", CMS)
        .header("accept", METADATA)
        .json(&cm("c"))
        .send();
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["kind"], "PartialObjectMetadata");
}

#[test]
fn conversions_the_server_cannot_make_are_not_acceptable() {
    let s = sim();
    req(&s, "POST", CMS).json(&cm("a")).send();
    // PartialObjectMetadata of a list, PartialObjectMetadataList of one object (response.go).
    let r = req(&s, "GET", CMS).header("accept", METADATA).send();
    assert_eq!(r.status, 406);
    assert_eq!(r.json()["message"], "you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)");
    let r = req(&s, "GET", &format!("{CMS}/a"))
        .header("accept", METADATA_LIST)
        .send();
    assert_eq!(r.status, 406);
    assert_eq!(r.json()["reason"], "NotAcceptable");
    // Nothing servable in Accept: 406 before the object is looked up (a missing one too),
    // written by WriteRawJSON since no plain media type was acceptable either.
    for accept in [
        "application/json;as=Widget;v=v1;g=meta.k8s.io",
        "application/vnd.kubernetes.protobuf",
    ] {
        let r = req(&s, "GET", &format!("{CMS}/missing"))
            .header("accept", accept)
            .send();
        assert_eq!(r.status, 406, "{accept}");
        assert_eq!(
            r.text(),
            "{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"status\": \"Failure\",\n  \"message\": \"only the following media types are accepted: application/json, application/yaml\",\n  \"reason\": \"NotAcceptable\",\n  \"code\": 406\n}"
        );
    }
    // A later clause the server can serve wins.
    let r = req(&s, "GET", &format!("{CMS}/a"))
        .header(
            "accept",
            "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
        )
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["kind"], "ConfigMap");
    // The write is not attempted.
    let r = req(&s, "POST", CMS)
        .header("accept", "application/vnd.kubernetes.protobuf")
        .json(&cm("never"))
        .send();
    assert_eq!(r.status, 406);
    assert_eq!(req(&s, "GET", &format!("{CMS}/never")).send().status, 404);
}

#[test]
fn metadata_only_watch() {
    let s = sim();
    req(&s, "POST", CMS).json(&cm("a")).send();
    let cluster = s.cluster();
    let (status, events) = req(
        &s,
        "GET",
        &format!("{CMS}?watch=true&labelSelector=app%3Dx"),
    )
    .header(
        "accept",
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
    )
    .watch(2, Duration::from_secs(5), move || {
        std::thread::sleep(Duration::from_millis(100));
        let o = kube_sim::api::WriteOptions::default();
        cluster
            .create(
                &kube_sim::resources::CONFIGMAPS,
                Some("default"),
                cm("b"),
                &o,
            )
            .unwrap();
    });
    assert_eq!(status, 200);
    assert_eq!(events.len(), 2, "{events:?}");
    for (e, name) in events.iter().zip(["a", "b"]) {
        assert_eq!(e["type"], "ADDED");
        assert_eq!(e["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(e["object"]["metadata"]["name"], name);
        assert!(e["object"].get("data").is_none());
    }
    // A watch cannot be streamed as YAML (no stream serializer): 406.
    let r = req(&s, "GET", &format!("{CMS}?watch=true"))
        .header("accept", "application/yaml")
        .send();
    assert_eq!(r.status, 406);
}

#[test]
fn bodies_end_with_a_newline_and_status_keeps_go_order() {
    let s = sim();
    let r = req(&s, "GET", &format!("{CMS}/missing")).send();
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text(),
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"configmaps \\\"missing\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"missing\",\"kind\":\"configmaps\"},\"code\":404}\n"
    );
    let r = req(&s, "POST", CMS).json(&cm("a")).send();
    assert!(r.text().ends_with("}\n"));
    let r = req(&s, "GET", CMS).send();
    assert!(r.text().ends_with("}\n") && !r.text().ends_with("\n\n"));
    // Go escapes <, > and & in strings.
    let mut c = cm("html");
    c["data"]["k"] = json!("<a&b>");
    let r = req(&s, "POST", CMS).json(&c).send();
    assert!(
        r.text().contains(r#""k":"\u003ca\u0026b\u003e""#),
        "{}",
        r.text()
    );
    assert_eq!(r.json()["data"]["k"], "<a&b>");
    // /version is WriteRawJSON: indented, in version.Info's order, no newline.
    let v = req(&s, "GET", "/version").no_auth().send().text();
    assert!(
        v.starts_with("{\n  \"major\": \"1\",\n  \"minor\": \"32\",\n  \"gitVersion\": "),
        "{v}"
    );
    assert!(v.ends_with("\n}"), "{v}");
}

/// `kubectl get --raw` prints the body as received.
#[test]
fn kubectl_get_raw_shows_the_body() {
    let s = sim();
    req(&s, "POST", CMS).json(&cm("a")).send();
    let Some(mut c) = s.kubectl(["get", "--raw", "/api/v1/namespaces/default/configmaps/a"]) else {
        return;
    };
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let direct = req(&s, "GET", &format!("{CMS}/a")).send().text();
    assert_eq!(String::from_utf8_lossy(&out.stdout), direct);
    assert!(direct.ends_with("}\n"));
}

/// /openapi/v2 as kube-openapi's handler serves it.
#[test]
fn openapi_v2_negotiation_and_etag() {
    let s = sim();
    let pb = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    let r = req(&s, "GET", "/openapi/v2").header("accept", pb).send();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
    );
    assert_eq!(r.header("vary").as_deref(), Some("Accept"));
    assert!(r.body.starts_with(b"\x0a\x032.0"));
    let etag = r.header("etag").unwrap();
    let r = req(&s, "GET", "/openapi/v2")
        .header("accept", pb)
        .header("if-none-match", &etag)
        .send();
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = req(&s, "GET", "/openapi/v2").send();
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let doc = r.json();
    assert_eq!(doc["swagger"], "2.0");
    assert!(doc["definitions"]["io.k8s.api.core.v1.Pod"].is_object());
    let r = req(&s, "GET", "/openapi/v2")
        .header("accept", "text/html")
        .send();
    assert_eq!((r.status, r.body.len()), (406, 0));
}
