//! Whether the API server answers, as the requests of this process find it: a request that
//! gets no answer (connection refused, reset, cut before the response head, timed out) marks
//! the server lost; any answer, whatever its status, marks it back. The following commands
//! (`get --watch`, `events -w`, `logs -f`, `top --watch`, `list -w`, `pods -w`) show this
//! state on stderr while their watches and streams reconnect (render::progress::connection).

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use http::{Request, Response};
use tokio::sync::watch;
use tower::{Layer, Service};

/// The state of the connection to the API server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    Up,
    /// The last request got no answer.
    Lost,
}

fn channel() -> &'static watch::Sender<Connection> {
    static STATE: OnceLock<watch::Sender<Connection>> = OnceLock::new();
    STATE.get_or_init(|| watch::Sender::new(Connection::Up))
}

/// Follows the connection state (each change once).
pub fn subscribe() -> watch::Receiver<Connection> {
    channel().subscribe()
}

/// Whether the last request got no answer.
pub fn is_lost() -> bool {
    *channel().borrow() == Connection::Lost
}

fn set(state: Connection) {
    channel().send_if_modified(|now| {
        let changed = *now != state;
        *now = state;
        changed
    });
}

#[derive(Clone, Copy)]
pub struct ConnLayer;

impl<S> Layer<S> for ConnLayer {
    type Service = ConnService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        ConnService { inner }
    }
}

#[derive(Clone)]
pub struct ConnService<S> {
    inner: S,
}

impl<S, B, R> Service<Request<B>> for ConnService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let fut = self.inner.call(req);
        Box::pin(async move {
            let result = fut.await;
            match &result {
                Ok(_) => set(Connection::Up),
                Err(_) => set(Connection::Lost),
            }
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn lost_without_an_answer_back_with_any_answer() {
        let answered = |code: u16| {
            ConnLayer.layer(tower::service_fn(move |_: Request<()>| async move {
                Ok::<_, String>(Response::builder().status(code).body(()).unwrap())
            }))
        };
        let refused = ConnLayer.layer(tower::service_fn(|_: Request<()>| async {
            Err::<Response<()>, _>("connection refused".to_string())
        }));
        let mut seen = subscribe();
        refused.oneshot(Request::new(())).await.unwrap_err();
        assert!(is_lost());
        assert!(seen.has_changed().unwrap());
        assert_eq!(*seen.borrow_and_update(), Connection::Lost);
        // A 503 is an answer: the server is there.
        answered(503).oneshot(Request::new(())).await.unwrap();
        assert!(!is_lost());
        assert_eq!(*seen.borrow_and_update(), Connection::Up);
        // No change, no notification.
        answered(200).oneshot(Request::new(())).await.unwrap();
        assert!(!seen.has_changed().unwrap());
    }
}
