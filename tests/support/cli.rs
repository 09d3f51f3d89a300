//! Running the `silent-slavery` binary from tests: from the repository's root, with its JSON output parsed.

use assert_cmd::Command;
use serde_json::Value;

/// The program, run from the repository's root (where `scenarios/` is).
pub fn cli() -> Command {
    let mut cmd = Command::cargo_bin("silent-slavery").expect("binary built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs `cmd` and parses its standard output as JSON, showing both streams if it is not.
pub fn stdout_json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
