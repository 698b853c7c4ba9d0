//! The only module that talks to the API server: one kube `Client` built from
//! --kubeconfig/KUBECONFIG/--context/-n, typed `Api`s, no discovery, and `-v` request logging.

pub mod conn;
pub mod follow;
pub mod images;
mod lean;
pub mod lifecycle;
mod log;
pub mod observe;
pub mod preflight;
pub mod prometheus;
pub mod raw;
pub mod retry;
pub mod transport;

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

use serde::Serialize;

use crate::cli::GlobalArgs;

/// The pods of `pods` that `sts` controls (by UID).
pub fn owned_pods(sts: &StatefulSet, pods: Vec<Pod>) -> Vec<Pod> {
    pods.into_iter().filter(|p| owns(sts, p)).collect()
}

/// Whether `sts` is the pod's controller (metav1.IsControlledBy: the controller
/// ownerReference's UID, never a label or a name).
pub fn owns(sts: &StatefulSet, pod: &Pod) -> bool {
    sts.metadata
        .uid
        .as_deref()
        .is_some_and(|uid| crate::manifest::controlled_by(&pod.metadata, uid))
}

pub const FIELD_MANAGER: &str = "kubectl-statefulset";

/// A connected client and the namespace commands work in.
#[derive(Clone)]
pub struct Kube {
    pub client: Client,
    pub namespace: String,
    /// The user passed -n.
    pub namespace_explicit: bool,
    /// `fieldValidation` sent with creates and raw writes (`--validate`); None: the server's
    /// default (Warn).
    pub field_validation: Option<&'static str>,
}

/// Reads the kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG (several files
/// merged), else ~/.kube/config.
pub fn load_kubeconfig(global: &GlobalArgs) -> Result<Kubeconfig> {
    match &global.kubeconfig {
        Some(path) => Kubeconfig::read_from(path)
            .with_context(|| format!("cannot read the kubeconfig {}", path.display())),
        None => match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            Some(list) => read_kubeconfig_list(&list),
            None => Kubeconfig::read().context(
                "cannot read a kubeconfig (looked at $KUBECONFIG and ~/.kube/config); pass --kubeconfig FILE",
            ),
        },
    }
}

/// `$KUBECONFIG` as client-go's loader reads it (tools/clientcmd/loader.go, `Load`): the files
/// in order, empty entries and files that do not exist skipped, the rest merged (the first file
/// to set a value wins). A file that exists but cannot be read is an error, as there.
fn read_kubeconfig_list(list: &std::ffi::OsStr) -> Result<Kubeconfig> {
    let mut merged: Option<Kubeconfig> = None;
    let mut missing = Vec::new();
    for path in std::env::split_paths(list) {
        if path.as_os_str().is_empty() {
            continue;
        }
        if !path.exists() {
            missing.push(path.display().to_string());
            continue;
        }
        let next = Kubeconfig::read_from(&path)
            .with_context(|| format!("cannot read the kubeconfig {}", path.display()))?;
        merged = Some(match merged {
            None => next,
            Some(m) => m
                .merge(next)
                .with_context(|| format!("cannot merge the kubeconfig {}", path.display()))?,
        });
    }
    merged.ok_or_else(|| {
        anyhow!(
            "no kubeconfig: none of the files in $KUBECONFIG exists ({}); pass --kubeconfig FILE",
            missing.join(", ")
        )
    })
}

/// The context names of the kubeconfig (for completion; no request).
pub fn context_names(global: &GlobalArgs) -> Vec<String> {
    load_kubeconfig(global)
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

impl Kube {
    pub async fn connect(global: &GlobalArgs) -> Result<Kube> {
        let options = KubeConfigOptions {
            context: global.context.clone(),
            ..Default::default()
        };
        let have_file = global.kubeconfig.is_some()
            || std::env::var_os("KUBECONFIG").is_some()
            || Kubeconfig::read().is_ok();
        let mut config = if have_file {
            let kubeconfig = load_kubeconfig(global)?;
            Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| match (&global.context, &e) {
                    (Some(ctx), kube::config::KubeconfigError::LoadContext(_)) => {
                        anyhow!("context {ctx:?} not found in the kubeconfig")
                    }
                    _ => anyhow!(e).context("cannot use the kubeconfig"),
                })?
        } else {
            Config::incluster().context(
                "no kubeconfig found and not running in a cluster; set KUBECONFIG or pass --kubeconfig",
            )?
        };
        // Certificates are verified unless asked otherwise (the flag or the kubeconfig's
        // insecure-skip-tls-verify), as kubectl does.
        if global.insecure_skip_tls_verify {
            config.accept_invalid_certs = true;
        }
        // kube's own retry layer would resend any write answered 429/503/504; ours (below)
        // resends reads and only the writes that are safe to repeat.
        config.default_retry = false;
        // kubectl's --request-timeout bounds each whole request (0 = no limit).
        let mut timeout = None;
        if let Some(t) = &global.request_timeout {
            let d = crate::manifest::validate::duration(t)
                .map_err(|e| anyhow!("--request-timeout {t:?}: {e}"))?;
            if !d.is_zero() {
                config.connect_timeout = Some(d);
                timeout = Some(d);
            }
        }
        let namespace = global
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let _ = SERVER_URL.set(
            config
                .cluster_url
                .to_string()
                .trim_end_matches('/')
                .to_string(),
        );
        let exec_command = config
            .auth_info
            .exec
            .as_ref()
            .and_then(|x| x.command.clone());
        let builder =
            if config.cluster_url.scheme_str() == Some("http") && config.proxy_url.is_none() {
                plain_http_client(&config).map_err(|e| setup_error(e, exec_command.as_deref()))?
            } else {
                kube::client::ClientBuilder::try_from(config.clone())
                    .map_err(|e| setup_error(e.into(), exec_command.as_deref()))?
            };
        // Every attempt tells whether the server answers (conn: the following commands'
        // "reconnecting…"); retries of reads sit inside the timeout: all attempts share
        // --request-timeout.
        let builder = builder
            .with_layer(&conn::ConnLayer)
            .with_layer(&retry::RetryLayer::new(global.verbose));
        let client = match timeout {
            Some(d) => builder
                .with_layer(&tower::timeout::TimeoutLayer::new(d))
                .with_layer(&log::LogLayer::new(global.verbose))
                .build(),
            None => builder
                .with_layer(&log::LogLayer::new(global.verbose))
                .build(),
        };
        Ok(Kube {
            client,
            namespace,
            namespace_explicit: global.namespace.is_some(),
            field_validation: None,
        })
    }

    pub fn statefulsets(&self, ns: Option<&str>) -> Api<StatefulSet> {
        match ns {
            Some(ns) => Api::namespaced(self.client.clone(), ns),
            None => Api::all(self.client.clone()),
        }
    }

    fn services(&self, ns: &str) -> Api<Service> {
        Api::namespaced(self.client.clone(), ns)
    }

    pub async fn get_statefulset(&self, name: &str) -> Result<StatefulSet> {
        Ok(self.get_statefulset_and_raw(name).await?.0)
    }

    /// The StatefulSet typed, and exactly as the server sent it (for -o yaml|json).
    pub async fn get_statefulset_and_raw(
        &self,
        name: &str,
    ) -> Result<(StatefulSet, serde_json::Value)> {
        let url = format!("/apis/apps/v1/namespaces/{}/statefulsets", self.namespace);
        let req = kube::core::Request::new(url)
            .get(name, &kube::api::GetParams::default())
            .context("cannot build the request")?;
        let raw: serde_json::Value = self
            .client
            .request(req)
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))?;
        let typed = serde_json::from_value(raw.clone())
            .with_context(|| format!("the server's statefulset {name:?} could not be read"))?;
        Ok((typed, raw))
    }

    pub async fn list_statefulsets(
        &self,
        all: bool,
        selector: Option<&str>,
    ) -> Result<Vec<StatefulSet>> {
        Ok(self
            .list_statefulsets_raw(all, selector)
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect())
    }

    /// Typed and raw items of one list request.
    pub async fn list_statefulsets_raw(
        &self,
        all: bool,
        selector: Option<&str>,
    ) -> Result<Vec<(StatefulSet, serde_json::Value)>> {
        let mut out = Vec::new();
        self.list_statefulsets_paged(all, selector, 0, |page| {
            out.extend(page);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Lists StatefulSets `chunk_size` at a time (`limit`/`continue`, as kubectl's
    /// `--chunk-size`; 0 asks for everything at once), handing each page to `on_page` as it
    /// arrives.
    pub async fn list_statefulsets_paged(
        &self,
        all: bool,
        selector: Option<&str>,
        chunk_size: u32,
        mut on_page: impl FnMut(Vec<(StatefulSet, serde_json::Value)>) -> Result<()>,
    ) -> Result<()> {
        let mut token: Option<String> = None;
        loop {
            let (page, next) = self
                .list_statefulsets_page(all, selector, chunk_size, token.take())
                .await?;
            on_page(page)?;
            match next {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return Ok(()),
            }
        }
    }

    /// One page of StatefulSets and the `continue` token of the next.
    async fn list_statefulsets_page(
        &self,
        all: bool,
        selector: Option<&str>,
        chunk_size: u32,
        token: Option<String>,
    ) -> Result<(Vec<(StatefulSet, serde_json::Value)>, Option<String>)> {
        let mut lp = ListParams::default();
        if let Some(s) = selector {
            lp = lp.labels(s);
        }
        if chunk_size > 0 {
            lp = lp.limit(chunk_size);
        }
        if let Some(t) = token {
            lp = lp.continue_token(&t);
        }
        let url = if all {
            "/apis/apps/v1/statefulsets".to_string()
        } else {
            format!("/apis/apps/v1/namespaces/{}/statefulsets", self.namespace)
        };
        let req = kube::core::Request::new(url)
            .list(&lp)
            .context("cannot build the request")?;
        let raw: serde_json::Value = self
            .client
            .request(req)
            .await
            .map_err(|e| api_error(e, "statefulsets", None, &self.namespace))?;
        let next = raw
            .pointer("/metadata/continue")
            .and_then(|c| c.as_str())
            .map(str::to_string);
        let items = raw
            .get("items")
            .and_then(|i| i.as_array())
            .cloned()
            .unwrap_or_default();
        let page = items
            .into_iter()
            .map(|mut item| {
                // List items carry no apiVersion/kind on the wire; add them for output.
                if let Some(m) = item.as_object_mut() {
                    m.entry("apiVersion").or_insert("apps/v1".into());
                    m.entry("kind").or_insert("StatefulSet".into());
                }
                let typed = serde_json::from_value(item.clone())
                    .context("the server sent a statefulset that could not be read")?;
                Ok((typed, item))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((page, next))
    }

    /// The set's pods: listed by its selector, kept only when their controller ownerReference
    /// is the set's UID (metav1.IsControlledBy), so a set whose selector overlaps another's
    /// never shows or counts the other's pods.
    pub async fn list_pods(&self, sts: &StatefulSet) -> Result<Vec<Pod>> {
        Ok(owned_pods(
            sts,
            self.list_pods_matching(&crate::manifest::text::selector(sts))
                .await?,
        ))
    }

    /// Every pod a label selector matches (not filtered by owner).
    pub async fn list_pods_matching(&self, selector: &str) -> Result<Vec<Pod>> {
        Ok(self.lean_pods(selector).await?.items)
    }

    /// The pods a selector matches, decoded without their managedFields ([`lean`]).
    pub(crate) async fn lean_pods(&self, selector: &str) -> Result<lean::List<Pod>> {
        let fail = |e| api_error(e, "pods", None, &self.namespace);
        let req = kube::core::Request::new(format!("/api/v1/namespaces/{}/pods", self.namespace))
            .list(&ListParams::default().labels(selector))
            .context("cannot build the request")?;
        let text = self.client.request_text(req).await.map_err(fail)?;
        lean::list(&text).map_err(|e| fail(kube::Error::SerdeError(e)))
    }

    pub async fn list_namespaces(&self) -> Result<Vec<String>> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        Ok(api
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error(e, "namespaces", None, ""))?
            .items
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .collect())
    }

    /// The objects of a namespaced list (`resource` e.g. `api/v1/.../pods` is built from
    /// `api_version` and `plural`) exactly as the server sent them, apiVersion and kind set:
    /// what kubectl's template printers see (null fields and managedFields included).
    pub async fn list_raw(
        &self,
        api_version: &str,
        kind: &str,
        plural: &str,
        lp: &ListParams,
    ) -> Result<Vec<serde_json::Value>> {
        let prefix = if api_version.contains('/') {
            format!("/apis/{api_version}")
        } else {
            format!("/api/{api_version}")
        };
        let url = format!("{prefix}/namespaces/{}/{plural}", self.namespace);
        let req = kube::core::Request::new(url)
            .list(lp)
            .map_err(|e| anyhow!("cannot build the request: {e}"))?;
        let raw: serde_json::Value = self
            .client
            .request(req)
            .await
            .map_err(|e| api_error(e, plural, None, &self.namespace))?;
        let mut items = match raw.get("items") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        for item in &mut items {
            if let Some(m) = item.as_object_mut() {
                m.entry("apiVersion").or_insert(api_version.into());
                m.entry("kind").or_insert(kind.into());
            }
        }
        Ok(items)
    }

    /// POST the object with `fieldValidation` (when set). `raw`: the manifest it was read from,
    /// whose fields the typed object does not know are sent too, so that the server, not this
    /// client, decides about them (as kubectl sends the manifest as written).
    async fn create_object<K>(
        &self,
        api: &Api<K>,
        obj: &K,
        raw: Option<&serde_json::Value>,
        dry_run: bool,
    ) -> std::result::Result<K, kube::Error>
    where
        K: kube::Resource + Serialize + serde::de::DeserializeOwned + Clone + std::fmt::Debug,
    {
        let mut body = serde_json::to_value(obj).map_err(kube::Error::SerdeError)?;
        if let Some(raw) = raw {
            crate::manifest::file::restore_unknown_fields(&mut body, raw);
        }
        let data = serde_json::to_vec(&body).map_err(kube::Error::SerdeError)?;
        let mut req = kube::core::Request::new(api.resource_url())
            .create(&post_params(dry_run), data)
            .map_err(kube::Error::BuildRequest)?;
        if let Some(v) = self.field_validation {
            let uri = format!("{}&fieldValidation={v}", req.uri());
            *req.uri_mut() = uri.parse().map_err(|e: http::uri::InvalidUri| {
                kube::Error::BuildRequest(kube::core::request::Error::BuildRequest(e.into()))
            })?;
        }
        self.client.request::<K>(req).await
    }

    pub async fn create_service(
        &self,
        svc: &Service,
        raw: Option<&serde_json::Value>,
        dry_run: bool,
    ) -> Result<Service> {
        let ns = svc
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| self.namespace.clone());
        let name = svc.metadata.name.clone().unwrap_or_default();
        let api = self.services(&ns);
        let result = self
            .create_object(&api, svc, raw, dry_run)
            .await
            .map_err(|e| api_error(e, "service", Some(&name), &ns));
        verify_if_lost(result, &format!("creating service {name:?}"), || async {
            let now = api.get_opt(&name).await.ok().flatten()?;
            written_by_us(&serde_json::to_value(&now).ok()?).then_some(now)
        })
        .await
    }

    pub async fn create_statefulset(
        &self,
        sts: &StatefulSet,
        raw: Option<&serde_json::Value>,
        dry_run: bool,
    ) -> Result<StatefulSet> {
        let ns = sts
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| self.namespace.clone());
        let name = sts.metadata.name.clone().unwrap_or_default();
        let api = self.statefulsets(Some(&ns));
        let result = self
            .create_object(&api, sts, raw, dry_run)
            .await
            .map_err(|e| api_error(e, "statefulset", Some(&name), &ns));
        verify_if_lost(
            result,
            &format!("creating statefulset {name:?}"),
            || async {
                let now = api.get_opt(&name).await.ok().flatten()?;
                written_by_us(&serde_json::to_value(&now).ok()?).then_some(now)
            },
        )
        .await
    }

    pub async fn delete_service(&self, ns: &str, name: &str) -> Result<()> {
        delete_checked(
            self.services(ns),
            "service",
            name,
            &DeleteParams::default(),
            None,
            ns,
        )
        .await
    }
}

/// DELETE `kind` `name`; an answer lost on the way counts as done when the object is gone,
/// replaced (another uid than `uid`) or being deleted.
pub async fn delete_checked<K>(
    api: Api<K>,
    kind: &str,
    name: &str,
    dp: &DeleteParams,
    uid: Option<&str>,
    ns: &str,
) -> Result<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let result = api
        .delete(name, dp)
        .await
        .map(|_| ())
        .map_err(|e| api_error(e, kind, Some(name), ns));
    verify_if_lost(result, &format!("deleting {kind} {name:?}"), || {
        deleted_check(api.clone(), name, uid)
    })
    .await
}

/// `Some(())` when the object `name` is gone, replaced or being deleted (see `deleted`).
pub async fn deleted_check<K>(api: Api<K>, name: &str, uid: Option<&str>) -> Option<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let now = api.get_opt(name).await.ok()?;
    let now = match now {
        Some(o) => Some(serde_json::to_value(&o).ok()?),
        None => None,
    };
    deleted(now.as_ref(), uid).then_some(())
}

fn post_params(dry_run: bool) -> PostParams {
    PostParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.to_string()),
    }
}

/// An API Status failure, kept for callers that branch on it (e.g. AlreadyExists).
#[derive(Debug)]
pub struct ApiFailure {
    pub code: u16,
    pub reason: String,
    pub message: String,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiFailure {}

/// Maps a kube error to a sentence a person can act on.
pub fn api_error(err: kube::Error, kind: &str, name: Option<&str>, ns: &str) -> anyhow::Error {
    match err {
        kube::Error::Api(resp) => {
            let failure = ApiFailure {
                code: resp.code,
                reason: resp.reason.clone(),
                message: resp.message.clone(),
            };
            let headline = match (resp.code, resp.reason.as_str(), name) {
                (404, _, _) if resp.message.starts_with("namespaces ") => {
                    format!("namespace {ns:?} not found")
                }
                (404, _, Some(n)) => format!("{kind} {n:?} not found in namespace {ns:?}"),
                (409, "AlreadyExists", Some(n)) => {
                    format!("{kind} {n:?} already exists in namespace {ns:?}")
                }
                (409, _, Some(n)) => format!("{kind} {n:?} was changed by someone else (conflict)"),
                (401, _, _) => "the server rejected the credentials (401 Unauthorized)".to_string(),
                (403, _, _) => format!("forbidden: {}", resp.message),
                (422, _, Some(n)) => format!("the server rejected {kind} {n:?} as invalid"),
                (404, _, None) => format!("the server does not serve {kind} (404)"),
                (code, _, Some(n)) => {
                    format!(
                        "the server answered {code} {} for {kind} {n:?}",
                        resp.reason
                    )
                }
                (code, _, None) => format!("the server answered {code} {}", resp.reason),
            };
            if resp.code == 403 {
                // The server's message already says what and who; kept as the failure so
                // callers can tell a forbidden request (is_forbidden) from others.
                return anyhow::Error::new(ApiFailure {
                    message: headline,
                    ..failure
                });
            }
            let mut e = anyhow::Error::new(failure);
            if !resp.message.is_empty() {
                e = e.context(headline);
            } else {
                e = anyhow!("{headline}");
            }
            e
        }
        other => {
            // which object the request was about, when known
            let about = name.map(|n| format!(" ({kind} {n:?})")).unwrap_or_default();
            if let kube::Error::Auth(a) = &other {
                if let Some(e) = auth_error(a, None) {
                    return e;
                }
            }
            let server = SERVER_URL
                .get()
                .map(|u| format!(" at {u}"))
                .unwrap_or_default();
            let hint = match transport::classify(&other) {
                transport::Failure::Tls => format!(
                    "TLS error: the API server{server} presented a certificate this client does not trust{about}; set the cluster's certificate-authority in the kubeconfig (or --insecure-skip-tls-verify for a test cluster)"
                ),
                transport::Failure::Timeout => {
                    format!("the request timed out{about}; raise --request-timeout (0 = no limit)")
                }
                transport::Failure::Lost => format!("the connection to the API server was lost before it answered{about}; a change may or may not have been applied"),
                transport::Failure::Unreachable => format!("cannot reach the API server{server}; check the kubeconfig's server address and that the cluster is up"),
                transport::Failure::Other => format!("the request failed{about}"),
            };
            anyhow!(other).context(hint)
        }
    }
}

/// The API server's URL (from the kubeconfig), named in connection errors.
static SERVER_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A client that could not be built: a failing credential plugin is said as kubectl says it
/// (client-go plugin/pkg/client/auth/exec/exec.go: `exec: executable X not found`, `exec:
/// executable X failed with exit code N`), with the plugin's own stderr, not a debug dump.
fn setup_error(e: anyhow::Error, exec_command: Option<&str>) -> anyhow::Error {
    let auth = e.chain().find_map(|c| {
        c.downcast_ref::<kube::Error>().and_then(|k| match k {
            kube::Error::Auth(a) => Some(a),
            _ => None,
        })
    });
    match auth.and_then(|a| auth_error(a, exec_command)) {
        Some(explained) => explained,
        None => e.context("cannot set up the HTTP client"),
    }
}

/// The words for a credential plugin's failure, when it is one.
fn auth_error(a: &kube::client::AuthError, exec_command: Option<&str>) -> Option<anyhow::Error> {
    use kube::client::AuthError;
    let cmd = exec_command.unwrap_or("(the kubeconfig's exec command)");
    match a {
        AuthError::AuthExecStart(io) if io.kind() == std::io::ErrorKind::NotFound => Some(
            anyhow!(
                "getting credentials: exec: executable {cmd} not found; the kubeconfig's user runs this credential plugin: install it or put it on PATH"
            ),
        ),
        AuthError::AuthExecStart(io) => Some(anyhow!(
            "getting credentials: exec: cannot run {cmd}: {io}"
        )),
        AuthError::AuthExecRun { status, out, .. } => {
            let code = status
                .code()
                .map(|c| format!("exit code {c}"))
                .unwrap_or_else(|| status.to_string());
            let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
            let e = anyhow!("getting credentials: exec: executable {cmd} failed with {code}");
            Some(if stderr.is_empty() {
                e
            } else {
                anyhow!("{stderr}").context(format!(
                    "getting credentials: exec: executable {cmd} failed with {code}; it said:"
                ))
            })
        }
        AuthError::AuthExecParse(p) => Some(anyhow!(
            "getting credentials: exec: the output of {cmd} is not an ExecCredential: {p}"
        )),
        _ => None,
    }
}

/// The service type of kube's default client stack (kube-client's `GenericService`).
type GenericService = tower::util::BoxService<
    http::Request<kube::client::Body>,
    http::Response<Box<kube::client::DynBody>>,
    tower::BoxError,
>;

/// kube's default stack for a plain-HTTP server, without the TLS connector: building that one
/// reads and parses the system's CA certificates (some 150 files here) on every start, for
/// nothing when the server speaks plain HTTP. Same layers as kube's `make_generic_builder`:
/// base URI, authentication, extra headers.
fn plain_http_client(config: &Config) -> Result<kube::client::ClientBuilder<GenericService>> {
    use kube::client::{ConfigExt, DynBody};
    use tower::{BoxError, ServiceBuilder};
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_connect_timeout(config.connect_timeout);
    let http: hyper_util::client::legacy::Client<_, kube::client::Body> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .map_response(|r: http::Response<_>| {
            r.map(|b| Box::new(http_body_util::BodyExt::map_err(b, BoxError::from)) as Box<DynBody>)
        })
        .service(http);
    Ok(kube::client::ClientBuilder::new(
        tower::util::BoxService::new(service),
        config.default_namespace.clone(),
    ))
}

/// Whether the request's connection was lost before an answer came: the server may or may
/// not have applied it.
pub fn is_connection_lost(err: &anyhow::Error) -> bool {
    !err.chain()
        .any(|e| e.downcast_ref::<ApiFailure>().is_some())
        && err
            .chain()
            .any(|e| transport::classify(e) == transport::Failure::Lost)
}

/// A write that is not repeated (POST, PUT, DELETE) whose connection was lost before the
/// answer: the server may have applied it. `applied` looks at what exists now and returns the
/// write's result when it shows the write took effect; then the write counts as done (with a
/// note on stderr). Otherwise the error stands: it says the change may or may not have been
/// applied.
pub async fn verify_if_lost<T, F, Fut>(result: Result<T>, what: &str, applied: F) -> Result<T>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    verify_if_lost_by(result, is_connection_lost, what, applied).await
}

/// `verify_if_lost` for any error type: `lost` tells a lost connection.
pub async fn verify_if_lost_by<T, E, F, Fut>(
    result: std::result::Result<T, E>,
    lost: impl FnOnce(&E) -> bool,
    what: &str,
    applied: F,
) -> std::result::Result<T, E>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    match result {
        Err(e) if lost(&e) => match applied().await {
            Some(v) => {
                eprintln!(
                    "note: the connection was lost before the answer to {what}; the server had carried it out"
                );
                Ok(v)
            }
            None => Err(e),
        },
        r => r,
    }
}

/// Whether an object (as JSON) was last written by this tool: one of its managedFields
/// entries is ours.
pub fn written_by_us(obj: &serde_json::Value) -> bool {
    obj["metadata"]["managedFields"]
        .as_array()
        .is_some_and(|m| m.iter().any(|f| f["manager"] == FIELD_MANAGER))
}

/// Whether every field of `sent` has the same value in `stored` (arrays compared whole):
/// what a PUT sent is in the stored object, whatever the server defaulted around it.
pub fn contains_fields(stored: &serde_json::Value, sent: &serde_json::Value) -> bool {
    match (stored, sent) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => b
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| contains_fields(av, v))),
        (serde_json::Value::Array(a), serde_json::Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| contains_fields(x, y))
        }
        (a, b) => a == b,
    }
}

/// After a lost DELETE: gone, replaced (another uid) or being deleted means it was deleted.
pub fn deleted(now: Option<&serde_json::Value>, uid: Option<&str>) -> bool {
    match now {
        None => true,
        Some(o) => {
            !o["metadata"]["deletionTimestamp"].is_null()
                || uid.is_some_and(|u| o["metadata"]["uid"].as_str() != Some(u))
        }
    }
}

/// Whether the error is an API Status with this reason.
pub fn is_reason(err: &anyhow::Error, reason: &str) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<ApiFailure>())
        .any(|f| f.reason == reason)
}

/// The server refused the request to this user (403, RBAC).
pub fn is_forbidden(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<ApiFailure>())
        .any(|f| f.code == 403)
}

/// A pause between polls.
pub async fn sleep(d: Duration) {
    tokio::time::sleep(d).await
}
