//! `-v`: one line per request on stderr, `GET /apis/apps/v1/... 200 12ms`. Only the method,
//! the path and query, the status and the time — never headers, so never a token.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Request, Response};
use tower::{Layer, Service};

#[derive(Clone, Copy)]
pub struct LogLayer {
    verbose: u8,
}

impl LogLayer {
    pub fn new(verbose: u8) -> Self {
        LogLayer { verbose }
    }
}

impl<S> Layer<S> for LogLayer {
    type Service = LogService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        LogService {
            inner,
            verbose: self.verbose,
        }
    }
}

#[derive(Clone)]
pub struct LogService<S> {
    inner: S,
    verbose: u8,
}

impl<S, B, R> Service<Request<B>> for LogService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let verbose = self.verbose;
        // kube writes `?&a=b` and a bare trailing `?`; show them as kubectl would.
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .replacen("?&", "?", 1);
        let line = format!("{} {}", req.method(), target.trim_end_matches('?'));
        let start = Instant::now();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let result = fut.await;
            if verbose > 0 {
                let ms = start.elapsed().as_millis();
                match &result {
                    Ok(resp) => eprintln!("{line} {} {ms}ms", resp.status().as_u16()),
                    Err(e) => eprintln!("{line} failed after {ms}ms: {e}"),
                }
            }
            result
        })
    }
}
