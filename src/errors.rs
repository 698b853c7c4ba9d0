//! The one place errors are printed: `error: …`, `  caused by: …`, `  hint: …`.

use std::fmt;

/// A next step for the user, attached with `.context(Hint(..))`; printed last as `hint:`.
#[derive(Debug)]
pub struct Hint(pub String);

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `--wait` ran out of time: exit code 3.
#[derive(Debug)]
pub struct WaitTimedOut(pub String);

impl fmt::Display for WaitTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WaitTimedOut {}

/// A usage error found after parsing (conflicting flags, a value out of range, an `-o` the
/// command cannot write): exit code 2, as clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error (exit code 2) with this message.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// Adds a hint to an error.
pub fn with_hint(err: anyhow::Error, hint: impl Into<String>) -> anyhow::Error {
    err.context(Hint(hint.into()))
}

/// Whether the error is a closed stdout (`| head`): that is a success, like ripgrep.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Formats the chain; a hint (always the outermost context, see [`with_hint`]) goes last.
pub fn format(err: &anyhow::Error, color: bool) -> String {
    let red = console::Style::new().red().bold().force_styling(color);
    let yellow = console::Style::new().yellow().force_styling(color);
    let hint = err.downcast_ref::<Hint>().map(|h| h.0.clone());
    let skip = usize::from(hint.is_some());
    let mut lines: Vec<String> = Vec::new();
    let mut previous = String::new();
    for cause in err.chain().skip(skip) {
        let text = cause.to_string();
        if text.is_empty() || text == previous {
            continue;
        }
        if lines.is_empty() {
            lines.push(format!("{} {text}", red.apply_to("error:")));
        } else {
            lines.push(format!("  caused by: {text}"));
        }
        previous = text;
    }
    if let Some(h) = hint {
        lines.push(format!("  {} {h}", yellow.apply_to("hint:")));
    }
    lines.join("\n")
}

/// Prints the error and returns the exit code.
pub fn report(err: &anyhow::Error, color: bool) -> i32 {
    if is_broken_pipe(err) {
        return 0;
    }
    eprintln!("{}", format(err, color));
    if err
        .chain()
        .any(|e| e.downcast_ref::<WaitTimedOut>().is_some())
    {
        3
    } else if err
        .chain()
        .any(|e| e.downcast_ref::<UsageError>().is_some())
    {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn chain_and_hint() {
        let e = anyhow!("connection refused").context("cannot reach the API server");
        let e = with_hint(e, "is the cluster up?");
        let text = format(&e, false);
        assert_eq!(
            text,
            "error: cannot reach the API server\n  caused by: connection refused\n  hint: is the cluster up?"
        );
    }

    #[test]
    fn exit_codes() {
        assert_eq!(report(&anyhow!(WaitTimedOut("x".into())), false), 3);
        assert_eq!(report(&anyhow!("x"), false), 1);
        assert_eq!(report(&usage("--a and --b exclude each other"), false), 2);
        let pipe = anyhow!(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(report(&pipe, false), 0);
    }
}
