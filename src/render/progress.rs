//! Waiting output: an indicatif bar on a terminal, plain one-line updates otherwise.

use indicatif::{ProgressBar, ProgressStyle};

pub enum Progress {
    Bar(ProgressBar),
    Plain { last: String },
}

impl Progress {
    pub fn new(tty: bool, total: u64) -> Progress {
        if tty {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} ready  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            Progress::Bar(bar)
        } else {
            Progress::Plain {
                last: String::new(),
            }
        }
    }

    /// Shows `ready/desired` and a short message (the current pod's phase); plain mode prints a
    /// line only when something changed.
    pub fn update(&mut self, ready: u64, desired: u64, msg: &str) {
        match self {
            Progress::Bar(bar) => {
                bar.set_length(desired.max(1));
                bar.set_position(ready);
                bar.set_message(msg.to_string());
            }
            Progress::Plain { last } => {
                let line = format!("{ready}/{desired} ready  {msg}")
                    .trim_end()
                    .to_string();
                if *last != line {
                    eprintln!("{line}");
                    *last = line;
                }
            }
        }
    }

    pub fn finish(&mut self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Shows the state of the connection to the API server on stderr while a command follows
/// (watches, log streams), until the task is dropped: on a terminal one line redrawn in place
/// (`reconnecting to the API server… 3s`) and cleared when the server answers again;
/// otherwise one line per change (`reconnecting to the API server…`, `reconnected after 3s`).
pub async fn connection(
    mut state: tokio::sync::watch::Receiver<crate::kube::conn::Connection>,
    tty: bool,
) {
    use crate::kube::conn::Connection;
    use std::io::Write;
    use std::time::{Duration, Instant};
    let mut lost: Option<Instant> = None;
    loop {
        let now = state.borrow_and_update().clone();
        match (&now, lost) {
            (Connection::Lost, None) => {
                lost = Some(Instant::now());
                if !tty {
                    eprintln!("reconnecting to the API server…");
                }
            }
            (Connection::Up, Some(since)) => {
                lost = None;
                let secs = since.elapsed().as_secs_f64().round() as u64;
                if tty {
                    eprint!("\r\x1b[2K");
                } else {
                    eprintln!("reconnected after {secs}s");
                }
            }
            _ => {}
        }
        match lost {
            // On a terminal the line counts the seconds while the server is away.
            Some(since) if tty => {
                eprint!(
                    "\r\x1b[2Kreconnecting to the API server… {}s",
                    since.elapsed().as_secs()
                );
                let _ = std::io::stderr().flush();
                let tick = tokio::time::sleep(Duration::from_secs(1));
                tokio::select! {
                    changed = state.changed() => if changed.is_err() { return },
                    _ = tick => {}
                }
            }
            _ => {
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
        Notice(tokio::spawn(connection(
            crate::kube::conn::subscribe(),
            tty,
        )))
    }
}

impl Drop for Notice {
    fn drop(&mut self) {
        self.0.abort();
    }
}
