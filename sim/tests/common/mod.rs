//! A small HTTP client for the simulator's integration tests (hyper-util's client on the
//! simulator's own runtime).
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::HeaderMap;
use kube_sim::{KubeSim, SimOptions};
use serde_json::Value;
use std::time::Duration;

pub fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("start simulator")
}

/// How long the cluster tests wait for the simulated kubelet and scheduler.
pub const WAIT: Duration = Duration::from_secs(20);

/// A simulator with its controllers, nodes and kubelet, the clock 20 times as fast.
pub fn fast_sim() -> KubeSim {
    KubeSim::start(SimOptions {
        speed: 20.0,
        ..Default::default()
    })
    .expect("simulator starts")
}

/// The stored pod (`null` when there is none).
pub fn pod(s: &KubeSim, name: &str) -> Value {
    s.cluster()
        .get(&kube_sim::resources::PODS, Some("default"), name)
        .unwrap_or(Value::Null)
}

/// Waits (up to [`WAIT`]) until the pod is Running.
pub fn running(s: &KubeSim, name: &str) -> bool {
    s.wait_until(WAIT, |_| pod(s, name)["status"]["phase"] == "Running")
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn header(&self, k: &str) -> Option<String> {
        self.headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub struct Req<'a> {
    sim: &'a KubeSim,
    method: &'a str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    auth: bool,
}

pub fn req<'a>(sim: &'a KubeSim, method: &'a str, path: &str) -> Req<'a> {
    Req {
        sim,
        method,
        path: path.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
        auth: true,
    }
}

impl<'a> Req<'a> {
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn json(mut self, v: &Value) -> Self {
        self.body = serde_json::to_vec(v).unwrap();
        self.header("content-type", "application/json")
    }
    pub fn body(mut self, ct: &str, b: &[u8]) -> Self {
        self.body = b.to_vec();
        self.header("content-type", ct)
    }
    pub fn no_auth(mut self) -> Self {
        self.auth = false;
        self
    }
    fn build(&self) -> hyper::Request<Full<Bytes>> {
        let mut b = hyper::Request::builder().method(self.method).uri(format!(
            "{}{}",
            self.sim.base_url(),
            self.path
        ));
        if self.auth {
            b = b.header("authorization", format!("Bearer {}", self.sim.token()));
        }
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        b.body(Full::new(Bytes::from(self.body.clone()))).unwrap()
    }
    pub fn send(self) -> Resp {
        let req = self.build();
        self.sim.runtime().block_on(async move {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<Full<Bytes>>();
            let r = client.request(req).await.expect("request");
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            let body = r.into_body().collect().await.expect("body").to_bytes();
            Resp {
                status,
                headers,
                body,
            }
        })
    }
    /// Try the request; Err on a transport error (e.g. an injected connection reset).
    pub fn try_send(self) -> Result<Resp, String> {
        let req = self.build();
        self.sim.runtime().block_on(async move {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<Full<Bytes>>();
            let r = client.request(req).await.map_err(|e| e.to_string())?;
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            let body = r
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok(Resp {
                status,
                headers,
                body,
            })
        })
    }
    /// Open a watch and collect its events until `n` arrived, the stream ended or `wait` passed.
    /// `during` runs once the response head arrived (to make changes while watching).
    pub fn watch(
        self,
        n: usize,
        wait: Duration,
        during: impl FnOnce() + Send + 'static,
    ) -> (u16, Vec<Value>) {
        let req = self.build();
        self.sim.runtime().block_on(async move {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<Full<Bytes>>();
            let r = client.request(req).await.expect("request");
            let status = r.status().as_u16();
            tokio::task::spawn_blocking(during);
            let mut body = r.into_body();
            let mut buf = Vec::new();
            let mut events = Vec::new();
            let deadline = tokio::time::Instant::now() + wait;
            while events.len() < n {
                let frame = tokio::time::timeout_at(deadline, body.frame()).await;
                match frame {
                    Ok(Some(Ok(f))) => {
                        if let Ok(d) = f.into_data() {
                            buf.extend_from_slice(&d);
                            while let Some(i) = buf.iter().position(|c| *c == b'\n') {
                                let line: Vec<u8> = buf.drain(..=i).collect();
                                events.push(serde_json::from_slice(&line).expect("event JSON"));
                            }
                        }
                    }
                    _ => break,
                }
            }
            (status, events)
        })
    }
}

/// What a kubectl run printed.
#[derive(Debug)]
pub struct Out {
    pub ok: bool,
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the real kubectl against the simulator (stdin closed). None when kubectl is not on
/// PATH: the test then skips with the reason printed (under `CI=true` it fails instead, see
/// `KubeSim::kubectl`).
pub fn kubectl(s: &KubeSim, args: &[&str]) -> Option<Out> {
    let mut c = s.kubectl(args)?;
    c.stdin(std::process::Stdio::null());
    let o = c.output().expect("run kubectl");
    Some(Out {
        ok: o.status.success(),
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    })
}

/// kubectl that must succeed (None when kubectl is absent).
pub fn kubectl_ok(s: &KubeSim, args: &[&str]) -> Option<Out> {
    let o = kubectl(s, args)?;
    assert!(o.ok, "kubectl {args:?} failed: {o:?}");
    Some(o)
}

/// (exit code, stdout, stderr) of the real kubectl; None when kubectl is not installed.
pub fn kubectl_tuple(s: &KubeSim, args: &[&str]) -> Option<(i32, String, String)> {
    kubectl(s, args).map(|o| (o.code, o.stdout, o.stderr))
}

/// Writes `text` to `name` in the simulator's temporary directory; its path.
pub fn write(s: &KubeSim, name: &str, text: &str) -> String {
    let p = s.temp_dir().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}
