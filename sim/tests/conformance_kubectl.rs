//! Conformance: the real kubectl v1.32 (`kubectl` on PATH) against kube-sim, checking both
//! kubectl's output (exact texts of upstream kubectl pkg/cmd/rollout, pkg/cmd/scale,
//! pkg/cmd/set, pkg/cmd/edit, pkg/cmd/logs) and the simulator's stored state. Without kubectl
//! on PATH every test prints a SKIPPED line and returns (under CI=true it fails).
//!
//! kubectl runs with its default validation (strict, via /openapi/v3) and an isolated
//! discovery cache (`KubeSim::kubectl` sets HOME and --cache-dir per simulator).

use kube_sim::resources::{CONTROLLERREVISIONS, EVENTS, PODS, PVCS, SERVICES, STATEFULSETS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

const NS: Option<&str> = Some("default");
const WAIT: Duration = Duration::from_secs(30);

const WEB: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"#;

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ok={} stdout={:?} stderr={:?}",
            self.ok, self.stdout, self.stderr
        )
    }
}

/// Simulated time 40× real time: pods get ready quickly.
fn fast() -> SimOptions {
    SimOptions {
        speed: 40.0,
        ..Default::default()
    }
}

/// A simulator with the web StatefulSet created through kubectl; None (the test skips, the
/// reason printed) when kubectl is not installed.
fn with_web(options: SimOptions) -> Option<KubeSim> {
    let s = KubeSim::start(options).expect("simulator starts");
    s.kubectl(["version", "--client"])?;
    create_web(&s);
    Some(s)
}

/// Run kubectl with extra environment variables; None when kubectl is absent.
fn kenv(s: &KubeSim, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut c = s.kubectl(args).expect("kubectl present (checked first)");
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdin(Stdio::null());
    let o = c.output().expect("run kubectl");
    Out {
        ok: o.status.success(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn k(s: &KubeSim, args: &[&str]) -> Out {
    kenv(s, args, &[])
}

/// kubectl that must succeed.
fn ok(s: &KubeSim, args: &[&str]) -> Out {
    let o = k(s, args);
    assert!(o.ok, "kubectl {args:?} failed: {o:?}");
    o
}

fn write_file(s: &KubeSim, name: &str, text: &str) -> String {
    let p = s.temp_dir().join(name);
    std::fs::File::create(&p)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write file");
    p.display().to_string()
}

fn sts(s: &KubeSim) -> Value {
    s.cluster().get(&STATEFULSETS, NS, "web").expect("sts web")
}

fn env_names(s: &KubeSim) -> Vec<String> {
    sts(s)["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    format!(
                        "{}={}",
                        e["name"].as_str().unwrap(),
                        e["value"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// name -> revision number of the set's ControllerRevisions.
fn revisions(s: &KubeSim) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = s
        .cluster()
        .list_items(&CONTROLLERREVISIONS, NS, Some("app=nginx"))
        .iter()
        .map(|r| {
            (
                r["metadata"]["name"].as_str().unwrap().to_string(),
                r["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort_by_key(|(_, n)| *n);
    v
}

fn pod_names(s: &KubeSim) -> Vec<String> {
    let mut v: Vec<String> = s
        .cluster()
        .list_items(&PODS, NS, Some("app=nginx"))
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// `kubectl create -f` the set + headless service and wait for a complete rollout.
fn create_web(s: &KubeSim) {
    let f = write_file(s, "web.yaml", WEB);
    let o = ok(s, &["create", "-f", &f]);
    assert_eq!(
        o.stdout,
        "service/nginx created\nstatefulset.apps/web created\n"
    );
    rollout_complete(s, 3);
}

fn rollout_complete(s: &KubeSim, n: usize) {
    let o = ok(s, &["rollout", "status", "sts/web", "--timeout=60s"]);
    assert!(
        o.stdout.ends_with(&format!(
            "partitioned roll out complete: {n} new pods have been updated...\n"
        )),
        "{o:?}"
    );
    let st = sts(s);
    assert_eq!(st["status"]["readyReplicas"], n as i64, "{st}");
    assert_eq!(st["status"]["updatedReplicas"], n as i64, "{st}");
}

#[test]
fn conformance_create_get_describe_events() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    // State: 3 pods with stable names, 3 PVCs, the headless service, one revision.
    assert_eq!(pod_names(&s), ["web-0", "web-1", "web-2"]);
    for i in 0..3 {
        let pvc = s
            .cluster()
            .get(&PVCS, NS, &format!("www-web-{i}"))
            .expect("pvc");
        assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "1Gi");
    }
    let svc = s.cluster().get(&SERVICES, NS, "nginx").unwrap();
    assert_eq!(svc["spec"]["clusterIP"], "None");
    let revs = revisions(&s);
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].1, 1);

    // Creating it again: AlreadyExists from the server, for both objects.
    let f = s.temp_dir().join("web.yaml").display().to_string();
    let o = k(&s, &["create", "-f", &f]);
    assert!(!o.ok);
    assert!(
        o.stderr
            .contains("Error from server (AlreadyExists): error when creating \"",),
        "{o:?}"
    );
    assert!(
        o.stderr.contains("services \"nginx\" already exists"),
        "{o:?}"
    );
    assert!(
        o.stderr
            .contains("statefulsets.apps \"web\" already exists"),
        "{o:?}"
    );

    // An invalid object: 422 with the upstream validation message.
    let bad = WEB
        .split("---\n")
        .nth(1)
        .unwrap()
        .replace("name: web\n", "name: bad\n")
        .replace("replicas: 3", "replicas: -1");
    let bf = write_file(&s, "bad.yaml", &bad);
    let o = k(&s, &["create", "-f", &bf]);
    assert!(!o.ok);
    // A single Invalid StatusError is rendered by kubectl's CheckErr from details.causes.
    assert_eq!(
        o.stderr,
        "The StatefulSet \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
    // Several errors are aggregated: each printed as `Error from server (Invalid): ...`.
    let bad2 = format!("{bad}---\n{}", bad.replace("name: bad\n", "name: bad2\n"));
    let bf2 = write_file(&s, "bad2.yaml", &bad2);
    let o = k(&s, &["create", "-f", &bf2]);
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        format!(
            "Error from server (Invalid): error when creating \"{bf2}\": StatefulSet.apps \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n\
             Error from server (Invalid): error when creating \"{bf2}\": StatefulSet.apps \"bad2\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
        )
    );
    assert!(s.cluster().get(&STATEFULSETS, NS, "bad").is_err());
    assert!(s.cluster().get(&STATEFULSETS, NS, "bad2").is_err());

    // Tables (server-side columns).
    let o = ok(&s, &["get", "sts,pods,svc,pvc,controllerrevisions,events"]);
    let rev = &revs[0].0;
    for want in [
        "NAME                   READY   AGE",
        "statefulset.apps/web   3/3",
        "pod/web-0   1/1     Running   0",
        "pod/web-2   1/1     Running   0",
        // The API server's own Service is in every cluster's default namespace.
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP",
        "service/nginx        ClusterIP   None         <none>        80/TCP",
        "persistentvolumeclaim/www-web-0",
        "CONTROLLER             REVISION",
        "create Pod web-0 in StatefulSet web successful",
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
    ] {
        assert!(o.stdout.contains(want), "missing {want:?} in\n{}", o.stdout);
    }
    assert!(
        o.stdout.contains(&format!(
            "controllerrevision.apps/{rev}   statefulset.apps/web   1"
        )),
        "{}",
        o.stdout
    );
    let o = ok(&s, &["get", "sts", "-o", "wide"]);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{o:?}");
    let cols: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(cols, ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]);
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(cells[0], "web");
    assert_eq!(cells[1], "3/3");
    assert_eq!(&cells[3..], ["nginx", "nginx:1.25"]);
    let o = ok(&s, &["get", "pods", "-o", "wide"]);
    assert!(
        o.stdout
            .starts_with("NAME    READY   STATUS    RESTARTS   AGE"),
        "{o:?}"
    );
    assert!(
        o.stdout.contains("NOMINATED NODE   READINESS GATES"),
        "{o:?}"
    );
    assert!(o.stdout.contains("sim-node-"), "{o:?}");
    let o = ok(&s, &["get", "sts", "web", "-o", "yaml"]);
    let y: Value = serde_saphyr::from_str(&o.stdout).unwrap();
    let st = sts(&s);
    assert_eq!(y["metadata"]["uid"], st["metadata"]["uid"]);
    assert_eq!(y["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
    assert_eq!(y["spec"]["podManagementPolicy"], "OrderedReady");
    assert_eq!(y["status"]["currentRevision"], rev.as_str());
    assert!(
        y["metadata"]["managedFields"].is_null(),
        "hidden by kubectl"
    );
    let o = ok(&s, &["get", "controllerrevisions", "-o", "yaml"]);
    let y: Value = serde_saphyr::from_str(&o.stdout).unwrap();
    assert_eq!(y["items"][0]["revision"], 1);
    assert_eq!(
        y["items"][0]["metadata"]["ownerReferences"][0]["uid"],
        st["metadata"]["uid"]
    );

    // Events of the set only (server-side field selector).
    let o = ok(
        &s,
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=web",
        ],
    );
    let body: Vec<&str> = o.stdout.lines().skip(1).collect();
    assert!(body.len() >= 6, "{o:?}");
    assert!(body.iter().all(|l| l.contains("statefulset/web")), "{o:?}");
    let stored = s
        .cluster()
        .list_items(&EVENTS, NS, None)
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == "web")
        .count();
    assert_eq!(body.len(), stored);
    assert!(s
        .requests()
        .iter()
        .any(|r| r.path == "/api/v1/namespaces/default/events"
            && r.query.contains("fieldSelector=involvedObject.name%3Dweb")));
    let o = ok(&s, &["events", "--for", "sts/web"]);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert_eq!(lines.len() - 1, stored, "{o:?}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains("Normal   SuccessfulCreate   StatefulSet/web")),
        "{o:?}"
    );
    let o = ok(
        &s,
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=nope",
        ],
    );
    assert_eq!(o.stdout, "");
    assert_eq!(o.stderr, "No resources found in default namespace.\n");

    // describe
    let o = ok(&s, &["describe", "sts", "web"]);
    for want in [
        "Name:               web\n",
        "Namespace:          default\n",
        "Selector:           app=nginx\n",
        "Replicas:           3 desired | 3 total\n",
        "Update Strategy:    RollingUpdate\n",
        "  Partition:        0\n",
        "Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n",
        "    Image:        nginx:1.25\n",
        "    Environment:  <none>\n",
        "      /usr/share/nginx/html from www (rw)\n",
        "Volume Claims:\n",
        "SuccessfulCreate",
    ] {
        assert!(o.stdout.contains(want), "missing {want:?} in\n{}", o.stdout);
    }

    // explain (served /openapi/v3 document)
    let o = ok(&s, &["explain", "statefulset.spec.updateStrategy"]);
    for want in [
        "GROUP:      apps\n",
        "KIND:       StatefulSet\n",
        "VERSION:    v1\n",
        "FIELD: updateStrategy <StatefulSetUpdateStrategy>",
        "rollingUpdate\t<RollingUpdateStatefulSetStrategy>",
        "type\t<string>",
    ] {
        assert!(o.stdout.contains(want), "missing {want:?} in\n{}", o.stdout);
    }
}

#[test]
fn conformance_rollout_history_undo_restart_set_env() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    let o = ok(&s, &["rollout", "history", "sts/web"]);
    assert_eq!(
        o.stdout,
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    );
    // undo with a single revision
    let o = k(&s, &["rollout", "undo", "sts/web"]);
    assert!(!o.ok);
    assert_eq!(o.stderr, "error: no last revision to roll back to\n");

    // set env -> revision 2, 3
    let o = ok(&s, &["set", "env", "sts/web", "A=1"]);
    assert_eq!(o.stdout, "statefulset.apps/web env updated\n");
    rollout_complete(&s, 3);
    let o = ok(&s, &["set", "env", "sts/web", "B=2"]);
    assert_eq!(o.stdout, "statefulset.apps/web env updated\n");
    rollout_complete(&s, 3);
    assert_eq!(env_names(&s), ["A=1", "B=2"]);
    let o = ok(&s, &["set", "env", "sts/web", "--list"]);
    assert_eq!(o.stdout, "# StatefulSet web, container nginx\nA=1\nB=2\n");
    let o = k(&s, &["set", "env", "sts/web", "A=9", "--overwrite=false"]);
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "error: statefulsets/web 'A' already has a value (1), and --overwrite is false\n"
    );
    let set_req = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.query.contains("fieldManager=kubectl-set"));
    assert!(set_req.is_some_and(
        |r| r.content_type.as_deref() == Some("application/strategic-merge-patch+json")
    ));

    let revs = revisions(&s);
    assert_eq!(revs.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 2, 3]);
    let o = ok(&s, &["rollout", "history", "sts/web"]);
    assert_eq!(
        o.stdout,
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n"
    );
    let o = ok(&s, &["rollout", "history", "sts/web", "--revision=2"]);
    assert_eq!(
        o.stdout,
        "statefulset.apps/web with revision #2\nPod Template:\n  Labels:\tapp=nginx\n  Containers:\n   nginx:\n    Image:\tnginx:1.25\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Environment:\n      A:\t1\n    Mounts:\n      /usr/share/nginx/html from www (rw)\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n"
    );
    let o = k(&s, &["rollout", "history", "sts/web", "--revision=9"]);
    assert!(!o.ok);
    assert_eq!(o.stderr, "error: unable to find the specified revision\n");

    // undo to the current revision: skipped, byte-equal revision data, no PATCH sent.
    s.clear_requests();
    let o = ok(&s, &["rollout", "undo", "sts/web", "--to-revision=3"]);
    assert_eq!(
        o.stdout,
        "statefulset.apps/web skipped rollback (current template already matches revision 3)\n"
    );
    assert!(s.requests().iter().all(|r| r.method == "GET"));
    let o = k(&s, &["rollout", "undo", "sts/web", "--to-revision=7"]);
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "error: unable to find specified revision 7 in history\n"
    );

    // client dry run: the template that would be restored, nothing sent
    s.clear_requests();
    let o = ok(
        &s,
        &[
            "rollout",
            "undo",
            "sts/web",
            "--to-revision=2",
            "--dry-run=client",
        ],
    );
    assert!(
        o.stdout.starts_with(
            "statefulset.apps/web will roll back to Pod Template:\n  Labels:\tapp=nginx\n"
        ),
        "{o:?}"
    );
    assert!(
        o.stdout
            .contains("    Environment:\n      A:\t1\n    Mounts:"),
        "{o:?}"
    );
    assert!(o.stdout.ends_with(" (dry run)\n"), "{o:?}");
    assert!(s.requests().iter().all(|r| r.method == "GET"));
    // server dry run changes nothing
    let gen = sts(&s)["metadata"]["generation"].clone();
    let o = ok(
        &s,
        &[
            "rollout",
            "undo",
            "sts/web",
            "--to-revision=2",
            "--dry-run=server",
        ],
    );
    assert_eq!(
        o.stdout,
        "statefulset.apps/web rolled back (server dry run)\n"
    );
    assert_eq!(sts(&s)["metadata"]["generation"], gen);

    // undo to 2: history 1,2,3 -> 1,3,4 (revision 2 renumbered, no new object)
    s.clear_requests();
    let o = ok(&s, &["rollout", "undo", "sts/web", "--to-revision=2"]);
    assert_eq!(o.stdout, "statefulset.apps/web rolled back\n");
    let p = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("undo PATCH");
    assert_eq!(p.path, "/apis/apps/v1/namespaces/default/statefulsets/web");
    assert_eq!(
        p.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    rollout_complete(&s, 3);
    assert_eq!(env_names(&s), ["A=1"]);
    let after = revisions(&s);
    assert_eq!(after.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 3, 4]);
    assert_eq!(after[2].0, revs[1].0, "old revision 2 renumbered to 4");
    assert_eq!(after[1].0, revs[2].0);
    let o = ok(&s, &["rollout", "history", "sts/web"]);
    assert_eq!(
        o.stdout,
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n4         <none>\n\n"
    );
    // default undo = previous (3); then env is A,B again
    let o = ok(&s, &["rollout", "undo", "sts/web"]);
    assert_eq!(o.stdout, "statefulset.apps/web rolled back\n");
    rollout_complete(&s, 3);
    assert_eq!(env_names(&s), ["A=1", "B=2"]);
    let st = sts(&s);
    assert_eq!(st["status"]["currentRevision"], revs[2].0.as_str());

    // set env removal
    let o = ok(&s, &["set", "env", "sts/web", "A-"]);
    assert_eq!(o.stdout, "statefulset.apps/web env updated\n");
    assert_eq!(env_names(&s), ["B=2"]);
    rollout_complete(&s, 3);

    // rollout restart: annotation on the template, new revision, all pods replaced
    let before: Vec<String> = s
        .cluster()
        .list_items(&PODS, NS, Some("app=nginx"))
        .iter()
        .map(|p| p["metadata"]["uid"].as_str().unwrap().to_string())
        .collect();
    s.clear_requests();
    let o = ok(&s, &["rollout", "restart", "sts/web"]);
    assert_eq!(o.stdout, "statefulset.apps/web restarted\n");
    let p = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("restart PATCH");
    assert!(
        p.query.contains("fieldManager=kubectl-rollout"),
        "{}",
        p.query
    );
    let ann = sts(&s)["spec"]["template"]["metadata"]["annotations"]
        ["kubectl.kubernetes.io/restartedAt"]
        .clone();
    assert!(ann.as_str().is_some_and(|a| a.len() >= 20), "{ann}");
    rollout_complete(&s, 3);
    let pods = s.cluster().list_items(&PODS, NS, Some("app=nginx"));
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert!(!before.contains(&p["metadata"]["uid"].as_str().unwrap().to_string()));
        assert_eq!(
            p["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            ann
        );
    }
    // partition 2: only web-2 moves to the new revision
    ok(
        &s,
        &[
            "patch",
            "sts/web",
            "-p",
            r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}"#,
        ],
    );
    ok(&s, &["set", "env", "sts/web", "P=1"]);
    let o = ok(&s, &["rollout", "status", "sts/web", "--timeout=60s"]);
    assert!(
        o.stdout
            .ends_with("partitioned roll out complete: 1 new pods have been updated...\n"),
        "{o:?}"
    );
    let st = sts(&s);
    let upd = st["status"]["updateRevision"].as_str().unwrap().to_string();
    assert_ne!(st["status"]["currentRevision"], upd.as_str());
    for p in s.cluster().list_items(&PODS, NS, Some("app=nginx")) {
        let rev = p["metadata"]["labels"]["controller-revision-hash"]
            .as_str()
            .unwrap();
        assert_eq!(rev == upd, p["metadata"]["name"] == "web-2", "{p}");
    }
    // partition and OnDelete status texts
    ok(
        &s,
        &[
            "patch",
            "sts/web",
            "-p",
            r#"{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}"#,
        ],
    );
    let o = k(&s, &["rollout", "status", "sts/web", "--timeout=10s"]);
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "error: rollout status is only available for RollingUpdate strategy type\n"
    );
}

#[test]
fn conformance_scale_watch_logs_top() {
    let Some(s) = with_web(fast()) else {
        return;
    };

    // get -w sees the scale: start the watch, scale, read until web-4 shows up.
    let mut w = s
        .kubectl(["get", "pods", "-w", "--request-timeout=60s"])
        .unwrap();
    w.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = w.spawn().expect("spawn kubectl get -w");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Header + the 3 existing pods first.
    let mut seen = Vec::new();
    while seen.len() < 4 {
        seen.push(rx.recv_timeout(WAIT).expect("initial watch lines"));
    }
    assert!(
        seen[0].starts_with("NAME    READY   STATUS    RESTARTS   AGE"),
        "{seen:?}"
    );

    s.clear_requests();
    let o = ok(&s, &["scale", "sts/web", "--replicas=5"]);
    assert_eq!(o.stdout, "statefulset.apps/web scaled\n");
    let p = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("scale PATCH");
    assert_eq!(
        p.path,
        "/apis/apps/v1/namespaces/default/statefulsets/web/scale"
    );
    assert_eq!(
        p.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(sts(&s)["spec"]["replicas"], 5);
    let mut got_web4_running = false;
    let end = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < end {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(l) => {
                let c: Vec<&str> = l.split_whitespace().collect();
                if c.first() == Some(&"web-4") && c.get(2) == Some(&"Running") {
                    got_web4_running = true;
                    break;
                }
                seen.push(l);
            }
            Err(_) => continue,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        got_web4_running,
        "watch never showed web-4 Running: {seen:?}"
    );
    rollout_complete(&s, 5);
    assert_eq!(pod_names(&s), ["web-0", "web-1", "web-2", "web-3", "web-4"]);

    // --current-replicas: GET /scale then PUT /scale with an autoscaling/v1 Scale.
    let o = k(
        &s,
        &["scale", "sts/web", "--current-replicas=3", "--replicas=2"],
    );
    assert!(!o.ok);
    assert_eq!(o.stderr, "error: Expected replicas to be 3, was 5\n");
    assert_eq!(sts(&s)["spec"]["replicas"], 5);
    s.clear_requests();
    let o = k(
        &s,
        &["scale", "sts/web", "--current-replicas=5", "--replicas=2"],
    );
    assert!(o.ok, "{o:?}");
    assert_eq!(o.stdout, "statefulset.apps/web scaled\n");
    assert!(s.requests().iter().any(|r| r.method == "PUT"
        && r.path.ends_with("/statefulsets/web/scale")
        && r.status == 200));
    assert_eq!(sts(&s)["spec"]["replicas"], 2);
    assert!(s.wait_until(WAIT, |_| pod_names(&s) == ["web-0", "web-1"]));
    rollout_complete(&s, 2);
    // PVCs are retained on scale-down (whenScaled: Retain).
    assert!(s.cluster().get(&PVCS, NS, "www-web-4").is_ok());
    // server dry run
    let o = ok(
        &s,
        &["scale", "sts/web", "--replicas=4", "--dry-run=server"],
    );
    assert_eq!(o.stdout, "statefulset.apps/web scaled (server dry run)\n");
    assert_eq!(sts(&s)["spec"]["replicas"], 2);

    // logs
    let o = ok(&s, &["logs", "web-0"]);
    assert!(o.stdout.lines().count() >= 1, "{o:?}");
    assert!(o.stdout.contains("[web-0/nginx]"), "{o:?}");
    let o = ok(&s, &["logs", "web-1", "--tail=2"]);
    assert_eq!(o.stdout.lines().count(), 2, "{o:?}");
    let o = ok(&s, &["logs", "sts/web", "--tail=1"]);
    assert_eq!(o.stdout.lines().count(), 1, "{o:?}");
    let picked = o
        .stderr
        .strip_prefix("Found 2 pods, using pod/")
        .map(|r| r.trim_end().to_string())
        .unwrap_or_else(|| panic!("{o:?}"));
    assert!(o.stdout.contains(&format!("[{picked}/nginx]")), "{o:?}");
    // -f --tail=1: the first line arrives, then more as the container logs; stop after 2.
    let mut f = s.kubectl(["logs", "-f", "--tail=1", "web-0"]).unwrap();
    f.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = f.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let l1 = rx.recv_timeout(WAIT).expect("first followed line");
    let l2 = rx.recv_timeout(WAIT).expect("a new followed line");
    let _ = child.kill();
    let _ = child.wait();
    assert!(l1.contains("[web-0/nginx]") && l2.contains("[web-0/nginx]"));
    assert_ne!(l1, l2);
    assert!(s
        .requests()
        .iter()
        .any(|r| r.path == "/api/v1/namespaces/default/pods/web-0/log"
            && r.query.contains("follow=true")
            && r.query.contains("tailLines=1")));

    // top pod (metrics.k8s.io)
    let o = ok(&s, &["top", "pod"]);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    );
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["web-0", "web-1"]);
    for l in &lines[1..] {
        let c: Vec<&str> = l.split_whitespace().collect();
        assert!(c[1].ends_with('m') && c[2].ends_with("Mi"), "{l}");
    }
}

#[test]
fn conformance_edit_patch_label_annotate_apply() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    let uid = sts(&s)["metadata"]["uid"].clone();

    // edit with a scripted editor
    let ed = write_file(
        &s,
        "editor.sh",
        "#!/bin/sh\nsed -i 's/^  replicas: 3$/  replicas: 2/' \"$1\"\n",
    );
    let noop = write_file(&s, "noop.sh", "#!/bin/sh\nexit 0\n");
    let bad = write_file(
        &s,
        "bad.sh",
        "#!/bin/sh\nsed -i 's/^  replicas: [0-9][0-9]*$/  replicas: -1/' \"$1\"\n",
    );
    for f in [&ed, &noop, &bad] {
        std::process::Command::new("chmod")
            .args(["+x", f])
            .status()
            .unwrap();
    }
    let tmp = s.temp_dir().join("edit-tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let tmp = tmp.display().to_string();
    s.clear_requests();
    let o = kenv(
        &s,
        &["edit", "sts/web"],
        &[("EDITOR", &ed), ("TMPDIR", &tmp)],
    );
    assert!(o.ok, "{o:?}");
    assert_eq!(o.stdout, "statefulset.apps/web edited\n");
    assert_eq!(sts(&s)["spec"]["replicas"], 2);
    let p = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("edit PATCH");
    assert!(p.query.contains("fieldManager=kubectl-edit"), "{}", p.query);
    assert!(p.query.contains("fieldValidation=Strict"), "{}", p.query);
    let o = kenv(
        &s,
        &["edit", "sts/web"],
        &[("EDITOR", &noop), ("TMPDIR", &tmp)],
    );
    assert!(o.ok, "{o:?}");
    assert_eq!(o.stderr, "Edit cancelled, no changes made.\n");
    // invalid edit: the editor is reopened with the error, and saving the same content again
    // gives up (the sed is idempotent).
    let o = kenv(
        &s,
        &["edit", "sts/web"],
        &[("EDITOR", &bad), ("TMPDIR", &tmp)],
    );
    assert!(!o.ok, "{o:?}");
    assert!(
        o.stderr
            .contains("error: statefulsets.apps \"web\" is invalid"),
        "{o:?}"
    );
    assert!(
        o.stderr
            .contains("error: Edit cancelled, no valid changes were saved."),
        "{o:?}"
    );
    assert_eq!(sts(&s)["spec"]["replicas"], 2);
    rollout_complete(&s, 2);

    // label / annotate
    let o = ok(&s, &["label", "sts/web", "tier=frontend"]);
    assert_eq!(o.stdout, "statefulset.apps/web labeled\n");
    let o = ok(&s, &["annotate", "sts/web", "note=hello"]);
    assert_eq!(o.stdout, "statefulset.apps/web annotated\n");
    let gen = sts(&s)["metadata"]["generation"].clone();
    let st = sts(&s);
    assert_eq!(st["metadata"]["labels"]["tier"], "frontend");
    assert_eq!(st["metadata"]["annotations"]["note"], "hello");
    let o = k(&s, &["label", "sts/web", "tier=backend"]);
    assert!(!o.ok);
    assert!(
        o.stderr
            .contains("'tier' already has a value (frontend), and --overwrite is false"),
        "{o:?}"
    );
    ok(&s, &["label", "sts/web", "tier-"]);
    assert!(sts(&s)["metadata"]["labels"]["tier"].is_null());
    assert_eq!(
        sts(&s)["metadata"]["generation"],
        gen,
        "metadata changes keep generation"
    );

    // patch: strategic (merge env by name), merge, json
    let o = ok(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=strategic",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"X","value":"1"}]}]}}}}"#,
        ],
    );
    assert_eq!(o.stdout, "statefulset.apps/web patched\n");
    let c = &sts(&s)["spec"]["template"]["spec"]["containers"];
    assert_eq!(c.as_array().unwrap().len(), 1);
    assert_eq!(
        c[0]["image"], "nginx:1.25",
        "strategic merge keeps the container"
    );
    assert_eq!(c[0]["env"][0]["name"], "X");
    let o = ok(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=merge",
            "-p",
            r#"{"spec":{"minReadySeconds":1}}"#,
        ],
    );
    assert_eq!(o.stdout, "statefulset.apps/web patched\n");
    assert_eq!(sts(&s)["spec"]["minReadySeconds"], 1);
    let o = ok(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.26"}]"#,
        ],
    );
    assert_eq!(o.stdout, "statefulset.apps/web patched\n");
    assert_eq!(
        sts(&s)["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    assert!(s.requests().iter().any(|r| r.content_type.as_deref()
        == Some("application/json-patch+json")
        && r.query.contains("fieldManager=kubectl-patch")));
    // merge patch that replaces the container list wholesale -> invalid (no image)
    let o = k(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":-1}}"#,
        ],
    );
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
    // immutable field
    let o = k(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=merge",
            "-p",
            r#"{"spec":{"serviceName":"other"}}"#,
        ],
    );
    assert!(!o.ok);
    assert!(
        o.stderr
            .contains("spec: Forbidden: updates to statefulset spec for fields other than"),
        "{o:?}"
    );
    rollout_complete(&s, 2);
    let pods = s.cluster().list_items(&PODS, NS, Some("app=nginx"));
    assert!(pods
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.26"));

    // server-side apply: update the set's replicas by the "kubectl" manager...
    let ssa = write_file(
        &s,
        "ssa.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
    );
    s.clear_requests();
    let o = k(
        &s,
        &["apply", "--server-side", "--force-conflicts", "-f", &ssa],
    );
    assert!(o.ok, "{o:?}");
    assert_eq!(o.stdout, "statefulset.apps/web serverside-applied\n");
    let p = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("apply PATCH");
    assert_eq!(
        p.content_type.as_deref(),
        Some("application/apply-patch+yaml")
    );
    assert!(p.query.contains("fieldManager=kubectl"), "{}", p.query);
    let st = sts(&s);
    assert_eq!(st["spec"]["replicas"], 3);
    assert_eq!(st["metadata"]["uid"], uid);
    assert_eq!(
        st["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    // ... and create a new object with it.
    let cm = write_file(
        &s,
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  k: v\n",
    );
    let o = ok(&s, &["apply", "--server-side", "-f", &cm]);
    assert_eq!(o.stdout, "configmap/conf serverside-applied\n");
    let cmv = s
        .cluster()
        .get(&kube_sim::resources::CONFIGMAPS, NS, "conf")
        .unwrap();
    assert_eq!(cmv["data"]["k"], "v");
    rollout_complete(&s, 3);
}

/// Upstream server-side apply detects field-manager conflicts
/// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager): `spec.replicas` last set
/// by `kubectl-patch` cannot be taken over by manager `kubectl` without --force-conflicts.
#[test]
fn conformance_server_side_apply_conflict() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    ok(
        &s,
        &[
            "patch",
            "sts/web",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":2}}"#,
        ],
    );
    let ssa = write_file(
        &s,
        "ssa.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
    );
    let o = k(&s, &["apply", "--server-side", "-f", &ssa]);
    assert!(!o.ok, "{o:?}");
    assert!(
        o.stderr
            .contains("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: .spec.replicas"),
        "{o:?}"
    );
    assert_eq!(sts(&s)["spec"]["replicas"], 2);

    // --force-conflicts: the value and the ownership of .spec.replicas move to "kubectl".
    let o = ok(
        &s,
        &["apply", "--server-side", "--force-conflicts", "-f", &ssa],
    );
    assert_eq!(o.stdout, "statefulset.apps/web serverside-applied\n");
    let st = sts(&s);
    assert_eq!(st["spec"]["replicas"], 4);
    let mf = st["metadata"]["managedFields"].as_array().unwrap();
    let owns_replicas = |e: &Value| e["fieldsV1"]["f:spec"].get("f:replicas").is_some();
    assert!(
        mf.iter()
            .any(|e| e["manager"] == "kubectl" && e["operation"] == "Apply" && owns_replicas(e)),
        "{mf:?}"
    );
    assert!(
        !mf.iter()
            .any(|e| e["manager"] == "kubectl-patch" && owns_replicas(e)),
        "{mf:?}"
    );
}

#[test]
fn conformance_delete_cascades() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    let rev = revisions(&s);

    // orphan: the set goes, pods and revisions stay without the owner reference.
    let o = ok(
        &s,
        &["delete", "sts", "web", "--cascade=orphan", "--timeout=30s"],
    );
    assert_eq!(o.stdout, "statefulset.apps \"web\" deleted\n");
    assert!(s.cluster().get(&STATEFULSETS, NS, "web").is_err());
    let pods = s.cluster().list_items(&PODS, NS, Some("app=nginx"));
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| p["metadata"]["ownerReferences"]
        .as_array()
        .is_none_or(|a| a.is_empty())));
    assert_eq!(revisions(&s).len(), 1);

    // re-create: pods and the revision are adopted (revision renumbered? no: same template ->
    // the single old revision is reused).
    let f = write_file(&s, "sts.yaml", WEB.split("---\n").nth(1).unwrap());
    ok(&s, &["create", "-f", &f]);
    rollout_complete(&s, 3);
    let uid = sts(&s)["metadata"]["uid"].clone();
    assert!(s.wait_until(WAIT, |c| c
        .list_items(&PODS, NS, Some("app=nginx"))
        .iter()
        .all(|p| p["metadata"]["ownerReferences"][0]["uid"] == uid)));
    let pod_uids: Vec<Value> = s
        .cluster()
        .list_items(&PODS, NS, Some("app=nginx"))
        .iter()
        .map(|p| p["metadata"]["uid"].clone())
        .collect();
    assert_eq!(pod_uids.len(), 3);
    assert_eq!(revisions(&s)[0].0, rev[0].0);

    // foreground: kubectl waits until the set is gone; dependents are gone before it.
    let o = ok(
        &s,
        &[
            "delete",
            "sts",
            "web",
            "--cascade=foreground",
            "--timeout=30s",
        ],
    );
    assert_eq!(o.stdout, "statefulset.apps \"web\" deleted\n");
    assert!(s.cluster().get(&STATEFULSETS, NS, "web").is_err());
    assert!(s.wait_until(WAIT, |c| c
        .list_items(&PODS, NS, Some("app=nginx"))
        .is_empty()));
    let left = s.cluster().list_items(&CONTROLLERREVISIONS, NS, None);
    assert!(
        left.is_empty(),
        "blocking dependents outlived the foreground-deleted owner: {left:?}"
    );
    // PVCs are retained (whenDeleted: Retain).
    assert_eq!(s.cluster().list_items(&PVCS, NS, None).len(), 3);

    // background (default): returns at once, GC removes pods and revisions. This set names
    // `type: RollingUpdate` without rollingUpdate, so rollout status takes the non-partitioned
    // branch (StatefulSetStatusViewer).
    let f2 = write_file(
        &s,
        "sts2.yaml",
        &WEB.split("---\n").nth(1).unwrap().replace(
            "  serviceName: nginx\n",
            "  serviceName: nginx\n  updateStrategy:\n    type: RollingUpdate\n",
        ),
    );
    ok(&s, &["create", "-f", &f2]);
    let o = ok(&s, &["rollout", "status", "sts/web", "--timeout=60s"]);
    let st = sts(&s);
    assert!(
        st["spec"]["updateStrategy"]["rollingUpdate"].is_null(),
        "{st}"
    );
    assert!(
        o.stdout.ends_with(&format!(
            "statefulset rolling update complete 3 pods at revision {}...\n",
            st["status"]["currentRevision"].as_str().unwrap()
        )),
        "{o:?}"
    );
    let o = ok(&s, &["delete", "sts", "web", "--timeout=30s"]);
    assert_eq!(o.stdout, "statefulset.apps \"web\" deleted\n");
    assert!(s.cluster().get(&STATEFULSETS, NS, "web").is_err());
    assert!(s.wait_until(WAIT, |c| c
        .list_items(&PODS, NS, Some("app=nginx"))
        .is_empty()));
    assert!(revisions(&s).is_empty());
    // kubectl sent the policy explicitly.
    assert!(s
        .requests()
        .iter()
        .any(|r| r.method == "DELETE" && r.path.ends_with("/statefulsets/web")));
    let o = k(&s, &["delete", "sts", "web"]);
    assert!(!o.ok);
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): statefulsets.apps \"web\" not found\n"
    );
}

/// The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault)
/// fills `spec.storageClassName` of a new PVC that names none with the default class
/// (`standard`, seeded with `storageclass.kubernetes.io/is-default-class: "true"`).
#[test]
fn conformance_pvc_default_storage_class() {
    let Some(s) = with_web(fast()) else {
        return;
    };
    let pvc = s.cluster().get(&PVCS, NS, "www-web-0").unwrap();
    assert_eq!(pvc["spec"]["storageClassName"], "standard", "{pvc}");
    let o = ok(&s, &["get", "pvc", "www-web-0"]);
    let cells: Vec<&str> = o
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(cells.contains(&"standard"), "{o:?}");
    assert!(cells.contains(&"Bound"), "{o:?}");
}

/// Against a real cluster, ages kubectl computes itself (describe's Events section, `kubectl
/// events`) are never `<invalid>`: server and client clocks agree.
///
/// Runs at real-time speed: a simulated clock running faster than real time necessarily runs
/// ahead of kubectl's own clock (client-side ages would be `<invalid>`), which is why the
/// playground and `kube-sim serve` default to speed 1.
#[test]
fn conformance_client_side_ages() {
    let Some(s) = with_web(SimOptions::default()) else {
        return;
    };
    let o = ok(&s, &["describe", "sts", "web"]);
    assert!(!o.stdout.contains("<invalid>"), "{}", o.stdout);
    let o = ok(&s, &["events", "--for", "sts/web"]);
    assert!(!o.stdout.contains("<invalid>"), "{}", o.stdout);
}
