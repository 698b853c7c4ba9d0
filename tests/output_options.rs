//! An `-o` value a command cannot print is a usage error (exit 2, before any request), as
//! kubectl's "unable to match a printer suitable for the output format"; the values it can
//! print still work.

mod common;

use common::TestEnv;

#[test]
fn output_a_command_cannot_print_is_a_usage_error() {
    let env = TestEnv::new();
    env.sim.clear_requests();
    for (args, allowed) in [
        (
            &["logs", "web", "-o", "yaml"][..],
            Some("allowed formats are: json"),
        ),
        (
            &["scale", "web", "2", "-o", "wide"][..],
            Some("allowed formats are: json,name,yaml"),
        ),
        (
            &["top", "web", "-o", "name"][..],
            Some("allowed formats are: json,wide,yaml"),
        ),
        (&["edit", "web", "--alias", "x", "-o", "json"][..], None),
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.starts_with("error: "), "{args:?}: {}", o.stderr);
        if let Some(a) = allowed {
            assert!(o.stderr.contains(a), "{args:?}: {}", o.stderr);
        } else {
            assert!(
                o.stderr.contains("-o json is not supported"),
                "{}",
                o.stderr
            );
        }
    }
    assert!(env.sim.requests().is_empty(), "{:?}", env.sim.requests());
    // What a command can print passes the check.
    env.ok(["create", "web", "--image", "nginx"]);
    for args in [
        &["list", "-o", "wide"][..],
        &["scale", "web", "2", "-o", "name"][..],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    }
}
