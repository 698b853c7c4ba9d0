//! `kubectl create statefulset NAME --image …`: the same program with `create` prepended.
fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.insert(1, "create".into());
    std::process::exit(kubectl_statefulset::run_main(args));
}
