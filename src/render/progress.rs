//! Waiting output, the same for every `--wait` (create, scale, redeploy, rollback,
//! update-strategy, env, delete): an indicatif bar on a terminal with lines printed above it,
//! plain lines otherwise. And the "reconnecting…" notice of the following commands.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::kube::conn::{self, Connection};

/// The bar of a wait (`None` without a terminal: only the lines are printed).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// With `unit` (`updated`), the bar is followed by `{pos}/{len} UNIT`; without, by the
    /// message alone.
    pub fn new(tty: bool, unit: Option<&str>) -> Progress {
        let bar = tty.then(|| {
            let bar = ProgressBar::new(1);
            let template = match unit {
                Some(u) => format!("{{spinner}} [{{bar:30}}] {{pos}}/{{len}} {u}  {{msg}}"),
                None => "{spinner} [{bar:30}] {msg}".to_string(),
            };
            bar.set_style(
                ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    /// A line on stderr: above the bar on a terminal.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// The bar's position, length and message (nothing without a terminal).
    pub fn set(&self, pos: u64, len: u64, msg: String) {
        if let Some(b) = &self.bar {
            b.set_length(len.max(1));
            b.set_position(pos);
            b.set_message(msg);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// The "reconnecting…" notice of a wait: one line per change, above the bar on a terminal.
    pub fn connection_notice(&self) -> Notice {
        let bar = self.bar.clone();
        Notice(tokio::spawn(per_change(
            conn::subscribe(),
            move |l| match &bar {
                Some(b) => b.println(l),
                None => eprintln!("{l}"),
            },
        )))
    }
}

/// Shows the state of the connection to the API server on stderr while a command follows
/// (watches, log streams), until the task is dropped: on a terminal one line redrawn in place
/// (`reconnecting to the API server… 3s`) and cleared when the server answers again;
/// otherwise one line per change (`reconnecting to the API server…`, `reconnected after 3s`).
pub async fn connection(state: tokio::sync::watch::Receiver<Connection>, tty: bool) {
    if tty {
        in_place(state).await
    } else {
        per_change(state, |l| eprintln!("{l}")).await
    }
}

const LOST: &str = "reconnecting to the API server…";

/// One line per change of the connection, printed by `print`.
async fn per_change(mut state: tokio::sync::watch::Receiver<Connection>, print: impl Fn(&str)) {
    let mut lost: Option<Instant> = None;
    loop {
        let now = state.borrow_and_update().clone();
        match (now, lost) {
            (Connection::Lost, None) => {
                lost = Some(Instant::now());
                print(LOST);
            }
            (Connection::Up, Some(since)) => {
                lost = None;
                let secs = since.elapsed().as_secs_f64().round() as u64;
                print(&format!("reconnected after {secs}s"));
            }
            _ => {}
        }
        if state.changed().await.is_err() {
            return;
        }
    }
}

/// On a terminal: one line counting the seconds while the server is away, cleared after.
async fn in_place(mut state: tokio::sync::watch::Receiver<Connection>) {
    use std::io::Write;
    let mut lost: Option<Instant> = None;
    loop {
        let now = state.borrow_and_update().clone();
        match (now, lost) {
            (Connection::Lost, None) => lost = Some(Instant::now()),
            (Connection::Up, Some(_)) => {
                lost = None;
                eprint!("\r\x1b[2K");
            }
            _ => {}
        }
        match lost {
            Some(since) => {
                eprint!("\r\x1b[2K{LOST} {}s", since.elapsed().as_secs());
                let _ = std::io::stderr().flush();
                let tick = tokio::time::sleep(Duration::from_secs(1));
                tokio::select! {
                    changed = state.changed() => if changed.is_err() { return },
                    _ = tick => {}
                }
            }
            None => {
                if state.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The "reconnecting…" notice on stderr while a command follows; stops when dropped.
pub struct Notice(tokio::task::JoinHandle<()>);

impl Notice {
    pub fn spawn(tty: bool) -> Notice {
        Notice(tokio::spawn(connection(conn::subscribe(), tty)))
    }
}

impl Drop for Notice {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn one_line_per_change_of_the_connection() {
        let (tx, rx) = tokio::sync::watch::channel(Connection::Up);
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = lines.clone();
        let task = tokio::spawn(per_change(rx, move |l| {
            seen.lock().unwrap().push(l.to_string())
        }));
        let settle = || tokio::time::sleep(Duration::from_millis(20));
        settle().await;
        assert!(lines.lock().unwrap().is_empty(), "nothing while connected");
        tx.send(Connection::Lost).unwrap();
        settle().await;
        // A second failure while away says nothing more.
        tx.send(Connection::Lost).unwrap();
        settle().await;
        tx.send(Connection::Up).unwrap();
        settle().await;
        drop(tx);
        task.await.unwrap();
        assert_eq!(
            *lines.lock().unwrap(),
            ["reconnecting to the API server…", "reconnected after 0s"]
        );
    }
}
