//! End-to-end: `delete` (what goes, confirmation, Service and PVC safety, --wait) and bad input.

mod common;
mod lifecycle_util;

use kube_sim::resources::{PODS, PVCS, SERVICES};
use lifecycle_util::*;

fn count(
    env: &common::TestEnv,
    rt: &'static kube_sim::resources::ResourceType,
    prefix: &str,
) -> usize {
    env.sim
        .cluster()
        .list_items(rt, Some("default"), None)
        .iter()
        .filter(|o| {
            o["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .starts_with(prefix)
        })
        .count()
}

/// `create NAME --image IMAGE --replicas N --volume data:1Gi:/data`.
fn create_with_volume(env: &common::TestEnv, name: &str, image: &str, replicas: &str) {
    env.ok([
        "create",
        name,
        "--image",
        image,
        "--replicas",
        replicas,
        "--volume",
        "data:1Gi:/data",
    ]);
}

#[test]
fn delete_asks_lists_and_keeps_pvcs_by_default() {
    let env = env();
    create_with_volume(&env, "web", "nginx:1.27", "2");
    env.wait_ready("default", "web", 2);
    assert_eq!(count(&env, &PVCS, "data-web-"), 2);

    env.sim.clear_requests();
    let o = env.run(["delete", "web"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--yes"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("  statefulset.apps/web\n  pod/web-0\n  pod/web-1\n"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("data-web-0, data-web-1 (pass --with-pvcs"),
        "{}",
        o.stderr
    );
    assert!(env.writes().is_empty(), "{:#?}", env.writes());

    let o = env.run(["delete", "web", "--dry-run=server"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "statefulset.apps/web deleted (server dry run)\n");
    assert!(env.sts("default", "web").is_some());

    let o = env.run(["delete", "web", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "statefulset.apps/web deleted\n");
    let del = env
        .sim
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert!(del.path.ends_with("/statefulsets/web"), "{del:?}");
    assert!(env.sts("default", "web").is_none());
    assert_eq!(count(&env, &PODS, "web-"), 0);
    // Kept: the Service and the PVCs.
    assert!(env.svc("default", "web").is_some());
    assert_eq!(count(&env, &PVCS, "data-web-"), 2);
}

#[test]
fn delete_with_service_and_pvcs_but_never_a_shared_service() {
    let env = env();
    create_with_volume(&env, "web", "nginx:1.27", "1");
    create_with_volume(&env, "db", "postgres:16", "1");
    env.wait_ready("default", "web", 1);
    env.wait_ready("default", "db", 1);
    // A bare pod selected by db's Service: db's Service is shared.
    env.sim
        .apply_yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: db-debug, labels: {app: db}}\nspec: {containers: [{name: c, image: 'busybox:1'}]}\n")
        .unwrap();

    let o = env.run(["delete", "db", "--with-service", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("service/db (also selects db-debug)"),
        "{}",
        o.stderr
    );
    assert!(
        env.svc("default", "db").is_some(),
        "a Service other pods use is kept"
    );

    let o = env.run([
        "delete",
        "web",
        "--with-service",
        "--with-pvcs",
        "--yes",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("service/web deleted")
            && o.stderr
                .contains("persistentvolumeclaim/data-web-0 deleted"),
        "{}",
        o.stderr
    );
    assert!(env.svc("default", "web").is_none());
    let gone = env.sim.wait_until(std::time::Duration::from_secs(20), |c| {
        !c.list_items(&PVCS, Some("default"), None)
            .iter()
            .any(|p| p["metadata"]["name"] == "data-web-0")
    });
    assert!(gone, "data-web-0 was not deleted");
    // db's claims were not touched by deleting web.
    assert!(env
        .sim
        .cluster()
        .get(&PVCS, Some("default"), "data-db-0")
        .is_ok());
    assert!(env
        .sim
        .cluster()
        .get(&SERVICES, Some("default"), "db")
        .is_ok());
}

#[test]
fn delete_what_does_not_exist() {
    let env = env();
    let o = env.run(["delete", "nope", "--yes"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.lines().next().unwrap(),
        "error: statefulset \"nope\" not found in namespace \"default\""
    );
    // `--yes` sends the DELETE straight away (one request, like kubectl); it changes nothing.
    assert!(
        env.writes().iter().all(|w| w.status == 404),
        "{:#?}",
        env.writes()
    );
    let o = env.run(["update-strategy", "nope", "--on-delete"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("statefulset \"nope\" not found"),
        "{}",
        o.stderr
    );
    let o = env.run(["update-strategy", "web", "--partition", "2"]);
    assert_eq!(o.code, 2, "clap: --partition needs --rolling");
    let o = env.run(["update-strategy", "web", "--rolling", "--on-delete"]);
    assert_eq!(o.code, 2);
    let o = env.run(["redeploy", "nope"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("statefulset \"nope\" not found"),
        "{}",
        o.stderr
    );
    assert!(
        env.writes().iter().all(|w| w.status >= 400),
        "{:#?}",
        env.writes()
    );
}

#[test]
fn delete_yes_reads_the_set_deletes_it_and_says_what_stays() {
    let env = env();
    create_with_volume(&env, "web", "nginx:1.27", "2");
    env.wait_ready("default", "web", 2);
    env.sim.clear_requests();
    let o = env.run(["delete", "web", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "statefulset.apps/web deleted\n");
    assert!(o.stderr.contains("its pods go with it"), "{}", o.stderr);
    assert!(
        o.stderr.contains("--with-service") && o.stderr.contains("--with-pvcs"),
        "{}",
        o.stderr
    );
    // One GET (the retention policy decides what the claims become), then the DELETE.
    let reqs = env.sim.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[1].method, "DELETE");
    assert!(reqs[1].query.contains("Background") || reqs[1].path.ends_with("/statefulsets/web"));
    assert!(env.sts("default", "web").is_none());
    // The garbage collector removes the pods; the Service and the PVCs stay.
    let gone = env.sim.wait_until(std::time::Duration::from_secs(20), |c| {
        c.list_items(&PODS, Some("default"), None).iter().all(|p| {
            !p["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("web-")
        })
    });
    assert!(gone, "the pods were not garbage collected");
    assert!(env.svc("default", "web").is_some());
    assert_eq!(count(&env, &PVCS, "data-web-"), 2);
    // Deleting it again: a clear error, nothing else sent.
    env.sim.clear_requests();
    let o = env.run(["delete", "web", "--yes"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.lines().next().unwrap(),
        "error: statefulset \"web\" not found in namespace \"default\""
    );
    assert_eq!(env.sim.requests().len(), 1);
}

/// A list the user may not read (403) is never read as "none": `delete` says what it could not
/// list, still says what the retention policy does, and refuses `--with-pvcs` before deleting
/// anything when it cannot tell which claims are the set's.
#[test]
fn delete_says_what_it_could_not_list() {
    use kube_sim::server::FaultRule;
    use kube_sim::FaultAction;
    let env = env();
    create_with_volume(&env, "web", "nginx:1.27", "1");
    create_with_volume(&env, "db", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    env.wait_ready("default", "db", 1);
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/persistentvolumeclaims",
        FaultAction::Forbidden,
        100,
    ));
    let o = env.run(["delete", "db", "--with-pvcs", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("warning: its PersistentVolumeClaims could not be listed: forbidden: persistentvolumeclaims is forbidden"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("nothing deleted"), "{}", o.stderr);
    assert!(env.sts("default", "db").is_some());

    let o = env.run(["delete", "web", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("warning: its PersistentVolumeClaims could not be listed: forbidden"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(
            "  its PersistentVolumeClaims data-web-<ordinal> (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain; pass --with-pvcs to delete them)"
        ),
        "{}",
        o.stderr
    );
    assert!(env.sts("default", "web").is_none());
    assert_eq!(count(&env, &PVCS, "data-web-"), 1, "kept, as said");

    // Its pods cannot be listed: said, and the dry run still shows the rest.
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/pods?",
        FaultAction::Forbidden,
        100,
    ));
    let o = env.run(["delete", "db", "--dry-run=server"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("warning: its pods are not listed: forbidden")
            && o.stderr
                .contains("  its pods (not listed; propagation Background deletes them)"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("pod/db-0"), "{}", o.stderr);
}
