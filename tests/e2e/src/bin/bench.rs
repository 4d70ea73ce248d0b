//! `bench`: the runtime half of `cargo xtask bench`; see [`nxtsoft_e2e::bench`].

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    nxtsoft_e2e::bench::main()
}
