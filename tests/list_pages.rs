//! `list` pages like kubectl's `--chunk-size` (default 500): 1,200 StatefulSets come in three
//! `limit`/`continue` requests and all are printed, the header once; `--chunk-size 0` asks for
//! everything at once; `--no-headers` drops the header line, as kubectl's does.

mod common;

use common::TestEnv;
use kube_sim::{resources, KubeSim, SimOptions};
use serde_json::json;

fn env_with(n: usize) -> TestEnv {
    let sim = KubeSim::start(SimOptions {
        controllers: false,
        ..Default::default()
    })
    .expect("start kube-sim");
    for i in 0..n {
        let name = format!("web-{i:04}");
        sim.create(
            &resources::STATEFULSETS,
            "default",
            json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": name},
                "spec": {"serviceName": name, "replicas": 0,
                         "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name}},
                                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
            }),
        )
        .unwrap();
    }
    TestEnv::with_sim(sim)
}

fn list_requests(env: &TestEnv) -> Vec<(Option<String>, Option<String>)> {
    env.sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/statefulsets"))
        .map(|r| (r.param("limit"), r.param("continue")))
        .collect()
}

#[test]
fn list_pages_by_500_and_prints_every_page() {
    let env = env_with(1200);
    env.sim.clear_requests();
    let o = env.run(["list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let reqs = list_requests(&env);
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert!(
        reqs.iter().all(|(l, _)| l.as_deref() == Some("500")),
        "{reqs:?}"
    );
    assert!(reqs[0].1.is_none() && reqs[1].1.is_some() && reqs[2].1.is_some());
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 1201, "a header and 1,200 rows");
    assert!(lines[0].starts_with("NAME "), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| l.starts_with("NAME ")).count(), 1);
    assert!(lines[1].starts_with("web-0000 ") && lines[1200].starts_with("web-1199 "));

    // -o name and -o json see every page too.
    let o = env.run(["list", "-o", "name"]);
    assert_eq!(o.stdout.lines().count(), 1200);
    let o = env.run(["list", "-o", "json", "--chunk-size", "700"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1200);
}

#[test]
fn chunk_size_zero_and_no_headers() {
    let env = env_with(3);
    env.sim.clear_requests();
    let o = env.run(["list", "--chunk-size", "0", "--no-headers"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(list_requests(&env), [(None, None)]);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert!(lines[0].starts_with("web-0000 "), "{}", o.stdout);
    // kubectl's --no-headers: the same rows in the same order, no header.
    let Some(mut k) = env.sim.kubectl(["get", "statefulsets", "--no-headers"]) else {
        return;
    };
    let theirs = String::from_utf8(k.output().unwrap().stdout).unwrap();
    let names = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names(&theirs), names(&o.stdout));
}
