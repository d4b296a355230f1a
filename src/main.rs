//! The `peixun` binary: arguments in, exit code out; nothing else.

fn main() -> std::process::ExitCode {
    peixun::run(std::env::args_os())
}
