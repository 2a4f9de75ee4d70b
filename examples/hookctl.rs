//! `cargo run --example hookctl -- ...`: the hookctl tool, built without its network
//! subcommands (send, listen, trigger) to keep this package's build light; `cargo run -p
//! hookctl -- ...` has them.
fn main() -> std::process::ExitCode {
    hookctl::run(std::env::args_os().skip(1))
}
