//! Contract-level tests: validation messages, strategies, scale, graceful delete.
use super::*;
use crate::resources::*;
use serde_json::json;

fn sts() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": "nginx"}},
            "serviceName": "nginx",
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}
            }
        }
    })
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}
    })
}

/// Defaults + PrepareForCreate + validate_create, as the core runs them; messages as strings.
fn create_errs(rt: &ResourceType, mut obj: Value) -> Vec<String> {
    apply_defaults(rt, &mut obj);
    prepare_for_create(rt, &mut obj);
    validate_create(rt, &obj)
        .iter()
        .map(|e| e.to_string())
        .collect()
}

fn update_errs(rt: &ResourceType, old: Value, mut new: Value) -> Vec<String> {
    let mut old = old;
    apply_defaults(rt, &mut old);
    prepare_for_create(rt, &mut old);
    apply_defaults(rt, &mut new);
    prepare_for_update(rt, &mut new, &old);
    validate_update(rt, &new, &old, None)
        .iter()
        .map(|e| e.to_string())
        .collect()
}

/// `v` with the member at JSON pointer `ptr` set (the parent must exist).
fn with(mut v: Value, ptr: &str, val: Value) -> Value {
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let p = v.pointer_mut(parent).unwrap_or_else(|| panic!("{ptr}"));
    match p {
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = val,
        Value::Object(m) => {
            m.insert(key.to_string(), val);
        }
        _ => panic!("{ptr}"),
    }
    v
}

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

#[test]
fn valid_objects_pass() {
    assert_eq!(create_errs(&STATEFULSETS, sts()), Vec::<String>::new());
    assert_eq!(create_errs(&PODS, pod()), Vec::<String>::new());
    let svc = json!({"metadata": {"name": "nginx"}, "spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80, "name": "web"}]}});
    assert_eq!(create_errs(&SERVICES, svc), Vec::<String>::new());
    let pvc = json!({"metadata": {"name": "data-web-0"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
    assert_eq!(create_errs(&PVCS, pvc), Vec::<String>::new());
    let cm = json!({"metadata": {"name": "cfg"}, "data": {"app.properties": "x"}});
    assert_eq!(create_errs(&CONFIGMAPS, cm), Vec::<String>::new());
    let ns = json!({"metadata": {"name": "prod"}});
    assert_eq!(create_errs(&NAMESPACES, ns), Vec::<String>::new());
}

#[test]
fn statefulset_create_messages() {
    // StatefulSet names are DNS labels (kubernetes PR 114172), pods' are subdomains.
    let name_msg = format!("metadata.name: Invalid value: \"web.v1\": {LABEL_MSG}");
    let cases: Vec<(Value, &str)> = vec![
        (
            with(sts(), "/metadata/name", json!("web.v1")),
            // 1
            &name_msg,
        ),
        (
            with(sts(), "/spec/replicas", json!(-1)),
            // 2
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            with(sts(), "/spec/template/metadata/labels", json!({"app": "other"})),
            // 3
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
        ),
        (
            with(sts(), "/spec/podManagementPolicy", json!("Random")),
            // 4
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
        ),
        (
            with(sts(), "/spec/template/spec/restartPolicy", json!("OnFailure")),
            // 5
            "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
        ),
        (
            with(sts(), "/spec/updateStrategy", json!({"type": "RollingUpdate", "rollingUpdate": {"partition": -2}})),
            // 6
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than or equal to 0",
        ),
        (
            with(sts(), "/spec/updateStrategy", json!({"type": "OnDelete", "rollingUpdate": {"partition": 1}})),
            // 7
            "spec.updateStrategy.rollingUpdate: Invalid value: &apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
        ),
        (
            with(sts(), "/spec/persistentVolumeClaimRetentionPolicy", json!({"whenDeleted": "Keep"})),
            // 8
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
        ),
        (
            with(sts(), "/spec/template/spec/activeDeadlineSeconds", json!(10)),
            // 9
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported",
        ),
        (
            with(sts(), "/spec/minReadySeconds", json!(-5)),
            // 10
            "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0",
        ),
        (
            with(sts(), "/spec/selector", json!({"matchExpressions": [{"key": "app", "operator": "In"}]})),
            // 11
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ),
        (
            with(sts(), "/metadata/labels", json!({"bad key!": "x"})),
            // 12
            "metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
        (
            with(sts(), "/metadata/labels", json!({"app": "bad value!"})),
            // 13
            "metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
    ];
    for (obj, want) in cases {
        let got = create_errs(&STATEFULSETS, obj);
        assert!(got.contains(&want.to_string()), "want {want}\n got {got:?}");
    }
    // selector missing entirely
    let mut no_sel = sts();
    no_sel["spec"].as_object_mut().unwrap().remove("selector");
    assert_eq!(
        create_errs(&STATEFULSETS, no_sel),
        vec!["spec.selector: Required value"]
    );
    // empty selector
    let got = create_errs(&STATEFULSETS, with(sts(), "/spec/selector", json!({})));
    assert_eq!(got, vec!["spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"]);
}

#[test]
fn statefulset_invalid_error_aggregates_like_upstream() {
    let obj = with(
        with(sts(), "/spec/replicas", json!(-1)),
        "/spec/template/metadata/labels",
        json!({"app": "x"}),
    );
    let mut o = obj.clone();
    apply_defaults(&STATEFULSETS, &mut o);
    let errs = validate_create(&STATEFULSETS, &o);
    let e = ApiError::invalid(&STATEFULSETS, "web", &errs);
    assert_eq!(e.message, "StatefulSet.apps \"web\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`]");
}

#[test]
fn statefulset_update_rules() {
    let forbidden = format!("spec: Forbidden: {STS_UPDATE_FORBIDDEN}");
    assert!(forbidden.contains("'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    // 14: serviceName is immutable
    let got = update_errs(
        &STATEFULSETS,
        sts(),
        with(sts(), "/spec/serviceName", json!("other")),
    );
    assert_eq!(got, vec![forbidden.clone()]);
    // 15: podManagementPolicy is immutable
    let got = update_errs(
        &STATEFULSETS,
        sts(),
        with(sts(), "/spec/podManagementPolicy", json!("Parallel")),
    );
    assert_eq!(got, vec![forbidden.clone()]);
    // mutable fields pass
    let mut new = with(sts(), "/spec/replicas", json!(5));
    new["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26");
    new["spec"]["revisionHistoryLimit"] = json!(3);
    new["spec"]["minReadySeconds"] = json!(10);
    new["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    assert_eq!(update_errs(&STATEFULSETS, sts(), new), Vec::<String>::new());
    // 16: template change that breaks the selector
    let got = update_errs(
        &STATEFULSETS,
        sts(),
        with(sts(), "/spec/template/metadata/labels", json!({"app": "y"})),
    );
    assert_eq!(got, vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"y\"}: `selector` does not match template `labels`"]);
}

#[test]
fn statefulset_status_strategy_and_validation() {
    let mut old = sts();
    apply_defaults(&STATEFULSETS, &mut old);
    prepare_for_create(&STATEFULSETS, &mut old);
    assert_eq!(
        old["status"],
        json!({"replicas": 0, "availableReplicas": 0})
    );
    // main-resource update ignores status
    let mut new = old.clone();
    new["status"] = json!({"replicas": 9});
    new["spec"]["replicas"] = json!(2);
    prepare_for_update(&STATEFULSETS, &mut new, &old);
    assert_eq!(new["status"], old["status"]);
    assert_eq!(new["spec"]["replicas"], 2);
    // /status update ignores spec and labels
    let mut st = old.clone();
    st["spec"]["replicas"] = json!(7);
    st["metadata"]["labels"] = json!({"x": "y"});
    st["status"] = json!({"replicas": 1, "readyReplicas": 2, "availableReplicas": 0});
    prepare_for_status_update(&STATEFULSETS, &mut st, &old);
    assert_eq!(st["spec"]["replicas"], 1);
    assert!(st["metadata"].get("labels").is_none());
    let errs: Vec<String> = validate_update(&STATEFULSETS, &st, &old, Some("status"))
        .iter()
        .map(|e| e.to_string())
        .collect();
    // 17
    assert_eq!(
        errs,
        vec!["status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"]
    );
    // 18: collisionCount cannot decrease
    let mut old2 = old.clone();
    old2["status"]["collisionCount"] = json!(2);
    let mut st2 = old2.clone();
    st2["status"]["collisionCount"] = json!(1);
    let errs: Vec<String> = validate_update(&STATEFULSETS, &st2, &old2, Some("status"))
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errs,
        vec!["status.collisionCount: Invalid value: 1: cannot be decremented"]
    );
}

#[test]
fn pod_create_messages() {
    let cases: Vec<(Value, String)> = vec![
        // 19
        (with(pod(), "/spec/containers", json!([])), "spec.containers: Required value".into()),
        // 20
        (
            with(pod(), "/spec/containers/0/name", json!("Bad_Name")),
            format!("spec.containers[0].name: Invalid value: \"Bad_Name\": {LABEL_MSG}"),
        ),
        // 21
        (
            with(pod(), "/spec/containers", json!([{"name": "c", "image": "a"}, {"name": "c", "image": "b"}])),
            "spec.containers[1].name: Duplicate value: \"c\"".into(),
        ),
        // 22
        (with(pod(), "/spec/containers/0/image", json!("")), "spec.containers[0].image: Required value".into()),
        // 23
        (
            with(pod(), "/spec/containers/0/ports", json!([{"containerPort": 70000}])),
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".into(),
        ),
        // 24
        (
            with(pod(), "/spec/containers/0/ports", json!([{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}])),
            "spec.containers[0].ports[1].name: Duplicate value: \"web\"".into(),
        ),
        // 25
        (
            with(pod(), "/spec/containers/0/ports", json!([{"containerPort": 80, "name": "very-long-port-name"}])),
            "spec.containers[0].ports[0].name: Invalid value: \"very-long-port-name\": must be no more than 15 characters".into(),
        ),
        // 26 (RelaxedEnvironmentVariableValidation is beta/on in 1.32)
        (
            with(pod(), "/spec/containers/0/env", json!([{"name": "A=B", "value": "x"}])),
            "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='".into(),
        ),
        // 27 (requests are not defaulted from limits because both are given)
        (
            with(pod(), "/spec/containers/0/resources", json!({"limits": {"cpu": "1"}, "requests": {"cpu": "2"}})),
            "spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1".into(),
        ),
        // 28
        (
            with(pod(), "/spec/containers/0/livenessProbe", json!({"exec": {"command": ["true"]}, "httpGet": {"port": 80}})),
            "spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type".into(),
        ),
        // 29
        (
            with(pod(), "/spec/containers/0/readinessProbe", json!({"periodSeconds": 5})),
            "spec.containers[0].readinessProbe: Required value: must specify a handler type".into(),
        ),
        // 30
        (
            with(pod(), "/spec/containers/0/livenessProbe", json!({"exec": {"command": ["true"]}, "successThreshold": 2})),
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1".into(),
        ),
        // 31
        (
            with(pod(), "/spec/containers/0/volumeMounts", json!([{"name": "data", "mountPath": "/data"}])),
            "spec.containers[0].volumeMounts[0].name: Not found: \"data\"".into(),
        ),
        // 32
        (
            with(pod(), "/spec/volumes", json!([{"name": "v", "emptyDir": {}}, {"name": "v", "emptyDir": {}}])),
            "spec.volumes[1].name: Duplicate value: \"v\"".into(),
        ),
        // 33
        (
            with(pod(), "/spec/volumes", json!([{"name": "v", "emptyDir": {}, "configMap": {"name": "x"}}])),
            "spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type".into(),
        ),
        // 34
        (
            with(pod(), "/spec/restartPolicy", json!("Sometimes")),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"".into(),
        ),
        // 35
        (
            with(pod(), "/spec/containers/0/imagePullPolicy", json!("Maybe")),
            "spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"IfNotPresent\", \"Never\"".into(),
        ),
    ];
    for (obj, want) in cases {
        let got = create_errs(&PODS, obj);
        assert!(got.contains(&want), "want {want}\n got {got:?}");
    }
}

#[test]
fn pod_names_are_subdomains() {
    assert_eq!(
        create_errs(&PODS, with(pod(), "/metadata/name", json!("web.v1-0"))),
        Vec::<String>::new()
    );
    assert_eq!(
        create_errs(&PODS, with(pod(), "/metadata/name", json!("Web_1"))),
        vec![format!(
            "metadata.name: Invalid value: \"Web_1\": {SUBDOMAIN_MSG}"
        )]
    );
}

#[test]
fn relaxed_env_names_are_accepted() {
    let p = with(
        pod(),
        "/spec/containers/0/env",
        json!([{"name": "1BAD", "value": "x"}, {"name": "my var", "value": "y"}]),
    );
    assert_eq!(create_errs(&PODS, p), Vec::<String>::new());
    let p = with(pod(), "/spec/containers/0/env", json!([{"value": "x"}]));
    assert_eq!(
        create_errs(&PODS, p),
        vec!["spec.containers[0].env[0].name: Required value"]
    );
}

#[test]
fn pod_update_is_limited() {
    let mut old = pod();
    apply_defaults(&PODS, &mut old);
    prepare_for_create(&PODS, &mut old);
    let upd = |new: Value| -> Vec<String> {
        let mut new = new;
        apply_defaults(&PODS, &mut new);
        prepare_for_update(&PODS, &mut new, &old);
        validate_update(&PODS, &new, &old, None)
            .iter()
            .map(|e| e.to_string())
            .collect()
    };
    let got = upd(with(old.clone(), "/spec/containers/0/name", json!("d")));
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"
    ));
    // image changes and label changes are fine
    let mut new = with(
        old.clone(),
        "/spec/containers/0/image",
        json!("busybox:1.37"),
    );
    new["metadata"]["labels"] = json!({"controller-revision-hash": "web-123"});
    assert_eq!(upd(new), Vec::<String>::new());
}

#[test]
fn pod_strategy_sets_phase_qos_and_admission_fields() {
    let mut p = pod();
    apply_defaults(&PODS, &mut p);
    prepare_for_create(&PODS, &mut p);
    assert_eq!(
        p["status"],
        json!({"phase": "Pending", "qosClass": "BestEffort"})
    );
    assert_eq!(p["spec"]["serviceAccountName"], "default");
    assert_eq!(p["spec"]["serviceAccount"], "default");
    assert_eq!(p["spec"]["tolerations"].as_array().unwrap().len(), 2);
    assert!(p["spec"].get("volumes").is_none());
    add_service_account_token_volume(&mut p);
    let vol = p["spec"]["volumes"][0]["name"].as_str().unwrap();
    assert!(
        vol.starts_with("kube-api-access-") && vol.len() == 21,
        "{vol}"
    );
    assert_eq!(p["spec"]["containers"][0]["volumeMounts"][0]["name"], vol);

    let mut g = with(
        pod(),
        "/spec/containers/0/resources",
        json!({"limits": {"cpu": "500m", "memory": "64Mi"}}),
    );
    apply_defaults(&PODS, &mut g);
    prepare_for_create(&PODS, &mut g);
    assert_eq!(g["status"]["qosClass"], "Guaranteed");

    let mut b = with(
        pod(),
        "/spec/containers/0/resources",
        json!({"requests": {"cpu": "100m"}}),
    );
    apply_defaults(&PODS, &mut b);
    prepare_for_create(&PODS, &mut b);
    assert_eq!(b["status"]["qosClass"], "Burstable");
}

#[test]
fn graceful_delete_follows_check_graceful_delete() {
    let mut p = pod();
    apply_defaults(&PODS, &mut p);
    // not scheduled: immediate
    assert_eq!(graceful_delete_seconds(&PODS, &p, None), None);
    p["spec"]["nodeName"] = json!("node-1");
    assert_eq!(graceful_delete_seconds(&PODS, &p, None), Some(30));
    assert_eq!(graceful_delete_seconds(&PODS, &p, Some(5)), Some(5));
    assert_eq!(graceful_delete_seconds(&PODS, &p, Some(0)), None);
    assert_eq!(graceful_delete_seconds(&PODS, &p, Some(-3)), Some(1));
    p["status"] = json!({"phase": "Succeeded"});
    assert_eq!(graceful_delete_seconds(&PODS, &p, None), None);
    assert_eq!(
        graceful_delete_seconds(&STATEFULSETS, &sts(), Some(30)),
        None
    );
}

#[test]
fn service_messages_and_allocation() {
    let base = json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": {"app": "nginx"}, "ports": [{"port": 80}]}});
    // 36
    let got = create_errs(
        &SERVICES,
        with(base.clone(), "/metadata/name", json!("1web")),
    );
    assert_eq!(got, vec!["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
    // 37
    let got = create_errs(&SERVICES, with(base.clone(), "/spec/ports", json!([])));
    assert_eq!(got, vec!["spec.ports: Required value"]);
    // 38
    let got = create_errs(
        &SERVICES,
        with(
            base.clone(),
            "/spec/ports",
            json!([{"port": 80}, {"port": 81}]),
        ),
    );
    assert_eq!(
        got,
        vec![
            "spec.ports[0].name: Required value",
            "spec.ports[1].name: Required value"
        ]
    );
    // 39
    let got = create_errs(
        &SERVICES,
        with(base.clone(), "/spec/ports/0/port", json!(0)),
    );
    assert!(got.contains(
        &"spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive".to_string()
    ));

    let mut svc = base.clone();
    apply_defaults(&SERVICES, &mut svc);
    prepare_for_create(&SERVICES, &mut svc);
    let ip = svc["spec"]["clusterIP"].as_str().unwrap().to_string();
    let addr: std::net::Ipv4Addr = ip.parse().unwrap();
    let o = addr.octets();
    assert!(o[0] == 10 && (96..112).contains(&o[1]), "{ip}");
    assert_eq!(svc["spec"]["clusterIPs"], json!([ip]));
    assert_eq!(svc["spec"]["ipFamilies"], json!(["IPv4"]));
    assert_eq!(svc["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(svc["status"], json!({"loadBalancer": {}}));
    let mut other = with(base.clone(), "/metadata/name", json!("api"));
    apply_defaults(&SERVICES, &mut other);
    prepare_for_create(&SERVICES, &mut other);
    assert_ne!(other["spec"]["clusterIP"], svc["spec"]["clusterIP"]);
    let mut retry = svc.clone();
    assign_cluster_ip(&mut retry, 1);
    assert_ne!(retry["spec"]["clusterIP"], svc["spec"]["clusterIP"]);

    let mut headless = with(base.clone(), "/spec/clusterIP", json!("None"));
    apply_defaults(&SERVICES, &mut headless);
    prepare_for_create(&SERVICES, &mut headless);
    assert_eq!(headless["spec"]["clusterIP"], "None");
    assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));

    // 54: out of the service CIDR; 55: taken
    let got = create_errs(
        &SERVICES,
        with(base.clone(), "/spec/clusterIP", json!("192.168.1.1")),
    );
    assert_eq!(got, vec!["spec.clusterIPs: Invalid value: []string{\"192.168.1.1\"}: failed to allocate IP 192.168.1.1: the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"]);
    assert_eq!(cluster_ip_taken("web", "10.96.0.5").message, "Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.5\"}: failed to allocate IP 10.96.0.5: provided IP is already allocated");

    // A PUT without clusterIP keeps it; changing it is rejected (40).
    let mut put = base.clone();
    apply_defaults(&SERVICES, &mut put);
    prepare_for_update(&SERVICES, &mut put, &svc);
    assert_eq!(put["spec"]["clusterIP"], svc["spec"]["clusterIP"]);
    let mut changed = with(put.clone(), "/spec/clusterIP", json!("10.96.3.3"));
    prepare_for_update(&SERVICES, &mut changed, &svc);
    let errs: Vec<String> = validate_update(&SERVICES, &changed, &svc, None)
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errs,
        vec!["spec.clusterIPs[0]: Invalid value: \"10.96.3.3\": may not change once set"]
    );
}

#[test]
fn pvc_messages_and_resize() {
    let base = json!({"metadata": {"name": "data-web-0", "namespace": "default"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "standard"}});
    // 41
    let got = create_errs(&PVCS, with(base.clone(), "/spec/accessModes", json!([])));
    assert_eq!(
        got,
        vec!["spec.accessModes: Required value: at least 1 access mode is required"]
    );
    // 42
    let got = create_errs(&PVCS, with(base.clone(), "/spec/resources", json!({})));
    assert_eq!(got, vec!["spec.resources[storage]: Required value"]);
    // 43: spec immutable while unbound
    let got = update_errs(
        &PVCS,
        base.clone(),
        with(
            base.clone(),
            "/spec/resources/requests/storage",
            json!("2Gi"),
        ),
    );
    assert_eq!(got, vec![format!("spec: Forbidden: {PVC_SPEC_IMMUTABLE}")]);
    // the binder may set volumeName once and a retroactive default class
    let mut bind = with(base.clone(), "/spec/volumeName", json!("pvc-1"));
    bind["spec"]
        .as_object_mut()
        .unwrap()
        .remove("storageClassName");
    let mut unset = base.clone();
    unset["spec"]
        .as_object_mut()
        .unwrap()
        .remove("storageClassName");
    let mut bind2 = with(bind.clone(), "/spec/storageClassName", json!("standard"));
    apply_defaults(&PVCS, &mut unset);
    prepare_for_update(&PVCS, &mut bind2, &unset);
    assert!(validate_update(&PVCS, &bind2, &unset, None).is_empty());
    let mut rebind = with(bind2.clone(), "/spec/volumeName", json!("pvc-2"));
    prepare_for_update(&PVCS, &mut rebind, &bind2);
    assert_eq!(validate_update(&PVCS, &rebind, &bind2, None).len(), 1);
    // bound claims may grow but not shrink (44)
    let mut old = base.clone();
    apply_defaults(&PVCS, &mut old);
    old["status"] = json!({"phase": "Bound", "capacity": {"storage": "1Gi"}});
    let mut grow = with(
        old.clone(),
        "/spec/resources/requests/storage",
        json!("2Gi"),
    );
    prepare_for_update(&PVCS, &mut grow, &old);
    assert!(validate_update(&PVCS, &grow, &old, None).is_empty());
    let mut shrink = with(
        old.clone(),
        "/spec/resources/requests/storage",
        json!("512Mi"),
    );
    prepare_for_update(&PVCS, &mut shrink, &old);
    let errs: Vec<String> = validate_update(&PVCS, &shrink, &old, None)
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errs,
        vec!["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]
    );
    // after a failed expansion to 4Gi, backing down to 2Gi (> capacity 1Gi) is allowed
    let mut big = with(
        old.clone(),
        "/spec/resources/requests/storage",
        json!("4Gi"),
    );
    big["status"] = old["status"].clone();
    let mut back = with(
        big.clone(),
        "/spec/resources/requests/storage",
        json!("2Gi"),
    );
    prepare_for_update(&PVCS, &mut back, &big);
    assert!(validate_update(&PVCS, &back, &big, None).is_empty());
    // resize admission against the class
    let sc_no = json!({"metadata": {"name": "standard"}, "provisioner": "x"});
    let sc_yes =
        json!({"metadata": {"name": "standard"}, "provisioner": "x", "allowVolumeExpansion": true});
    let e = pvc_resize_forbidden(&grow, &old, Some(&sc_no)).unwrap();
    assert_eq!(e.code, 403);
    assert_eq!(
        e.message,
        format!(
            "persistentvolumeclaims \"data-web-0\" is forbidden: {}",
            pvc_resize_allowed_message()
        )
    );
    assert!(pvc_resize_forbidden(&grow, &old, Some(&sc_yes)).is_none());
    assert!(pvc_resize_forbidden(&old, &old, None).is_none());
}

#[test]
fn configmap_secret_namespace_storageclass_messages() {
    // 45
    let got = create_errs(
        &CONFIGMAPS,
        json!({"metadata": {"name": "c"}, "data": {"bad key": "v"}}),
    );
    assert_eq!(got, vec!["data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
    // 46
    let got = create_errs(&NAMESPACES, json!({"metadata": {"name": "prod.eu"}}));
    assert_eq!(
        got,
        vec![format!(
            "metadata.name: Invalid value: \"prod.eu\": {LABEL_MSG}"
        )]
    );
    // 47
    let old = json!({"metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "Yg=="}});
    let got = update_errs(
        &SECRETS,
        old.clone(),
        with(old, "/type", json!("kubernetes.io/tls")),
    );
    assert!(
        got.contains(&"type: Invalid value: \"kubernetes.io/tls\": field is immutable".to_string()),
        "{got:?}"
    );
    // 48
    let old = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "b"}});
    let got = update_errs(&CONFIGMAPS, old.clone(), with(old, "/data/a", json!("c")));
    assert_eq!(
        got,
        vec!["data: Forbidden: field is immutable when `immutable` is set"]
    );
    // 49
    let got = create_errs(&STORAGECLASSES, json!({"metadata": {"name": "sc"}}));
    assert_eq!(got, vec!["provisioner: Required value"]);
    // 50
    let old = json!({"metadata": {"name": "sc"}, "provisioner": "a"});
    let got = update_errs(
        &STORAGECLASSES,
        old.clone(),
        with(old, "/provisioner", json!("b")),
    );
    assert_eq!(
        got,
        vec!["provisioner: Forbidden: updates to provisioner are forbidden."]
    );
    // 51
    let got = create_errs(
        &CONTROLLERREVISIONS,
        json!({"metadata": {"name": "web-1"}, "revision": 1}),
    );
    assert_eq!(got, vec!["data: Required value: data is mandatory"]);
    // 53: annotations over 256 KiB
    let big = "x".repeat(300 * 1024);
    let got = create_errs(
        &CONFIGMAPS,
        json!({"metadata": {"name": "c", "annotations": {"a": big}}}),
    );
    assert_eq!(
        got,
        vec!["metadata.annotations: Too long: may not be more than 262144 bytes"]
    );
    // 52
    let got = create_errs(&CONFIGMAPS, json!({"metadata": {}}));
    assert_eq!(
        got,
        vec!["metadata.name: Required value: name or generateName is required"]
    );
}

#[test]
fn namespace_strategy() {
    let mut ns = json!({"metadata": {"name": "prod"}});
    apply_defaults(&NAMESPACES, &mut ns);
    prepare_for_create(&NAMESPACES, &mut ns);
    assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
    assert_eq!(ns["status"]["phase"], "Active");
    let mut upd =
        json!({"metadata": {"name": "prod", "labels": {"a": "b"}}, "spec": {"finalizers": []}});
    prepare_for_update(&NAMESPACES, &mut upd, &ns);
    assert_eq!(upd["spec"]["finalizers"], json!(["kubernetes"]));
    assert_eq!(upd["status"]["phase"], "Active");
}

#[test]
fn scale_subresource() {
    let mut s = sts();
    apply_defaults(&STATEFULSETS, &mut s);
    s["spec"]["replicas"] = json!(3);
    s["spec"]["selector"] = json!({"matchLabels": {"app": "nginx", "tier": "web"}});
    s["metadata"]["uid"] = json!("u-1");
    s["metadata"]["resourceVersion"] = json!("42");
    s["metadata"]["creationTimestamp"] = json!("2024-01-01T00:00:00Z");
    s["status"] = json!({"replicas": 2, "availableReplicas": 2});
    let scale = scale_of(&STATEFULSETS, &s).unwrap();
    assert_eq!(
        scale,
        json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "resourceVersion": "42", "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"replicas": 3},
            "status": {"replicas": 2, "selector": "app=nginx,tier=web"}})
    );
    // replicas 0 is omitted from ScaleSpec (omitempty)
    let mut z = s.clone();
    z["spec"]["replicas"] = json!(0);
    assert_eq!(scale_of(&STATEFULSETS, &z).unwrap()["spec"], json!({}));

    let mut target = s.clone();
    apply_scale(
        &STATEFULSETS,
        &mut target,
        &json!({"spec": {"replicas": 5}}),
    )
    .unwrap();
    assert_eq!(target["spec"]["replicas"], 5);
    // 53
    let e = apply_scale(
        &STATEFULSETS,
        &mut target,
        &json!({"spec": {"replicas": -1}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(e.message, "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    let e = apply_scale(
        &STATEFULSETS,
        &mut target,
        &json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 2}}),
    )
    .unwrap_err();
    assert_eq!(e.code, 409);
    assert!(scale_of(&PODS, &pod()).is_err());
}

#[test]
fn template_quantities_are_canonical_like_go() {
    let mut s = with(
        sts(),
        "/spec/template/spec/containers/0/resources",
        json!({"requests": {"cpu": "0.5", "memory": "1024Mi"}, "limits": {"cpu": 1}}),
    );
    apply_defaults(&STATEFULSETS, &mut s);
    assert_eq!(
        s["spec"]["template"]["spec"]["containers"][0]["resources"],
        json!({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1"}})
    );
    let scale_body = json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"}, "spec": {"replicas": 2, "x": 1}});
    assert_eq!(unknown_fields(&SCALE, &scale_body).unwrap(), vec!["spec.x"]);
}

#[test]
fn strict_decoding_contract() {
    let mut body = sts();
    body["spec"]["bogus"] = json!(1);
    assert_eq!(
        unknown_fields(&STATEFULSETS, &body).unwrap(),
        vec!["spec.bogus"]
    );
    prune_unknown(&STATEFULSETS, &mut body);
    assert_eq!(body, sts());
}

#[test]
fn strategy_then_defaults_order_gives_the_same_result() {
    // The core runs prepare_for_create before apply_defaults; QoS must still see the
    // requests defaulted from limits.
    let p0 = with(
        pod(),
        "/spec/containers/0/resources",
        json!({"limits": {"cpu": "1", "memory": "1Gi"}}),
    );
    let mut a = p0.clone();
    prepare_for_create(&PODS, &mut a);
    apply_defaults(&PODS, &mut a);
    let mut b = p0;
    apply_defaults(&PODS, &mut b);
    prepare_for_create(&PODS, &mut b);
    assert_eq!(a, b);
    assert_eq!(a["status"]["qosClass"], "Guaranteed");
    let mut s1 = sts();
    prepare_for_create(&STATEFULSETS, &mut s1);
    apply_defaults(&STATEFULSETS, &mut s1);
    let mut s2 = sts();
    apply_defaults(&STATEFULSETS, &mut s2);
    prepare_for_create(&STATEFULSETS, &mut s2);
    assert_eq!(s1, s2);
}

#[test]
fn limit_ranger_defaults_pods() {
    let mut lr = json!({"metadata": {"name": "lr"}, "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "128Mi"}, "defaultRequest": {"cpu": "100m"}}]}});
    apply_defaults(&LIMITRANGES, &mut lr);
    let mut p = with(
        pod(),
        "/spec/containers/0/resources",
        json!({"limits": {"memory": "64Mi"}}),
    );
    apply_defaults(&PODS, &mut p);
    apply_limit_ranges(&mut p, &[lr]);
    prepare_for_create(&PODS, &mut p);
    assert_eq!(
        p["spec"]["containers"][0]["resources"],
        json!({"limits": {"cpu": "500m", "memory": "64Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}})
    );
    assert_eq!(
        p["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
        "LimitRanger plugin set: cpu request for container c; cpu limit for container c"
    );
    assert_eq!(p["status"]["qosClass"], "Burstable");
}

#[test]
fn stored_shapes_are_known_to_the_schema() {
    // Whatever defaults and strategies add must itself pass strict decoding (a client that
    // GETs and PUTs an object back must not be told about unknown fields).
    let objs: Vec<(&ResourceType, Value)> = vec![
        (&STATEFULSETS, {
            let mut s = sts();
            s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
            s["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] =
                json!({"httpGet": {"port": 80}});
            s
        }),
        (&PODS, pod()),
        (
            &SERVICES,
            json!({"metadata": {"name": "s"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}),
        ),
        (
            &PVCS,
            json!({"metadata": {"name": "p"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        ),
        (&NAMESPACES, json!({"metadata": {"name": "n"}})),
        (
            &SECRETS,
            json!({"metadata": {"name": "s"}, "stringData": {"a": "b"}}),
        ),
        (
            &EVENTS,
            json!({"metadata": {"name": "e", "namespace": "default"}, "involvedObject": {"kind": "Pod", "name": "p"}, "message": "m"}),
        ),
        (
            &EVENTS_V1,
            json!({"metadata": {"name": "e"}, "regarding": {"kind": "Pod"}, "note": "n", "reportingController": "x", "reportingInstance": "y", "action": "A", "reason": "R"}),
        ),
        (
            &STORAGECLASSES,
            json!({"metadata": {"name": "sc"}, "provisioner": "p"}),
        ),
        (
            &LIMITRANGES,
            json!({"metadata": {"name": "l"}, "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}}]}}),
        ),
    ];
    for (rt, mut o) in objs {
        o["metadata"]["creationTimestamp"] = json!("2024-01-01T00:00:00Z");
        o["metadata"]["uid"] = json!("u");
        o["metadata"]["resourceVersion"] = json!("5");
        prepare_for_create(rt, &mut o);
        apply_defaults(rt, &mut o);
        assert_eq!(
            unknown_fields(rt, &o).unwrap(),
            Vec::<String>::new(),
            "{}: {o}",
            rt.kind
        );
        let v1 = event_to_events_v1(&o);
        if rt.kind == "Event" && rt.group.is_empty() {
            assert_eq!(
                unknown_fields(&EVENTS_V1, &v1).unwrap(),
                Vec::<String>::new()
            );
        }
    }
}

/// pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec and the PDB strategy.
#[test]
fn pod_disruption_budgets() {
    let pdb = |spec: Value| {
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "b", "namespace": "default"}, "spec": spec,
            "status": {"disruptionsAllowed": 5}})
    };
    let sel = json!({"matchLabels": {"app": "web"}});
    assert!(create_errs(&PDBS, pdb(json!({"selector": sel, "minAvailable": "100%"}))).is_empty());
    assert!(create_errs(&PDBS, pdb(json!({"maxUnavailable": 0}))).is_empty());
    assert_eq!(
        create_errs(&PDBS, pdb(json!({"minAvailable": 1, "maxUnavailable": "10%"}))),
        vec!["spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000a1e040), Selector:(*v1.LabelSelector)(nil), MaxUnavailable:(*intstr.IntOrString)(0xc000a1e080), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set"]
    );
    assert_eq!(
        create_errs(&PDBS, pdb(json!({"minAvailable": -1}))),
        vec!["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]
    );
    assert_eq!(
        create_errs(&PDBS, pdb(json!({"maxUnavailable": "ten%"}))),
        vec!["spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"ten%\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
    );
    assert_eq!(
        create_errs(&PDBS, pdb(json!({"maxUnavailable": "101%"}))),
        vec!["spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater than 100%"]
    );
    assert_eq!(
        create_errs(&PDBS, pdb(json!({"unhealthyPodEvictionPolicy": "Never"}))),
        vec!["spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""]
    );
    assert_eq!(
        create_errs(
            &PDBS,
            pdb(json!({"selector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}))
        ),
        vec!["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]
    );
    // PrepareForCreate: the status is reset; PrepareForUpdate keeps the stored one.
    let mut obj = pdb(json!({"minAvailable": 1}));
    prepare_for_create(&PDBS, &mut obj);
    assert_eq!(
        obj["status"],
        json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0})
    );
    let mut new = pdb(json!({"minAvailable": 2}));
    prepare_for_update(&PDBS, &mut new, &obj);
    assert_eq!(new["status"], obj["status"]);
    // Status updates may not be negative.
    let bad = with(obj.clone(), "/status/currentHealthy", json!(-1));
    assert_eq!(
        validate_update(&PDBS, &bad, &obj, Some("status"))
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>(),
        vec!["status.currentHealthy: Invalid value: -1: must be greater than or equal to 0"]
    );
}
