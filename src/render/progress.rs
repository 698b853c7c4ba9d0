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
