//! The `hookctl` binary: see the library's [`hookctl::run`] and `hookctl --help`.

fn main() -> std::process::ExitCode {
    hookctl::run(std::env::args_os().skip(1))
}
