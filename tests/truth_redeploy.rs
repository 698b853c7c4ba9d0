//! `redeploy` of a partitioned RollingUpdate set says which pods it restarts (ordinals >=
//! partition) and which it holds back, and the cluster then restarts exactly those.

mod common;
mod lifecycle_util;

use lifecycle_util::{pods, wait_settled};

const PART: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: part}
spec:
  replicas: 3
  serviceName: part
  selector: {matchLabels: {app: part}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}
  template:
    metadata: {labels: {app: part}}
    spec:
      containers: [{name: main, image: nginx:1.27}]
"#;

#[test]
fn redeploy_of_a_partitioned_set_names_the_pods_it_restarts_and_holds_back() {
    let env = lifecycle_util::env();
    env.sim.apply_yaml(PART).expect("apply");
    env.wait_ready("default", "part", 3);
    wait_settled(&env, "part");
    let before = pods(&env, "part");

    let o = env.run(["redeploy", "part", "--dry-run"]);
    assert!(
        o.stderr.contains("partitioned rolling update: would restart part-1, part-2 (ordinals >= partition 1); held back: part-0"),
        "{}",
        o.stderr
    );
    let o = env.run(["redeploy", "part", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("partitioned rolling update: restarts part-1, part-2 (ordinals >= partition 1); held back: part-0 until the partition is lowered (kubectl statefulset update-strategy part --rolling --partition 0)"),
        "{}",
        o.stderr
    );
    let ok = env.sim.wait_until(std::time::Duration::from_secs(30), |_| {
        let now = pods(&env, "part");
        now.len() == 3 && now[1].2 != before[1].2 && now[2].2 != before[2].2
    });
    assert!(
        ok,
        "part-1 and part-2 were not restarted: {:?}",
        pods(&env, "part")
    );
    let after = pods(&env, "part");
    assert_eq!(
        after[0].2, before[0].2,
        "part-0 was restarted though held back"
    );
    assert_eq!(after[0].1, before[0].1, "part-0 changed revision");

    // A partition at or above the replicas: nothing restarts, and that is what is said.
    lifecycle_util::patch(
        &env,
        "part",
        serde_json::json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 5}}}}),
    );
    let o = env.run(["redeploy", "part", "--yes"]);
    assert!(
        o.stderr.contains("no pod is restarted: the partition (5) is at or above the 3 replicas; held back: part-0 … part-2"),
        "{}",
        o.stderr
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let uids: Vec<String> = pods(&env, "part").into_iter().map(|p| p.2).collect();
    let was: Vec<String> = after.into_iter().map(|p| p.2).collect();
    assert_eq!(uids, was, "a pod was restarted");

    // The help promises no more than that.
    let help = env.ok(["redeploy", "--help"]);
    assert!(!help.contains("every pod"), "{help}");
    assert!(help.contains("partition"), "{help}");
}
