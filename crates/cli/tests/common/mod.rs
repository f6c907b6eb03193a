//! Running the binary under test.

use std::process::Command;

/// Runs `diaodu --db DB ARGS…`: whether it succeeded, its standard output and its standard error.
pub fn diaodu(db: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_diaodu"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run diaodu");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
