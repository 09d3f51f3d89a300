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
#[allow(dead_code)]
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

/// Plays `scenario` with `script` (a choices file) and `seed`, recording it in the store
/// `db` for staff number 4521 ("A. Example", `unit`); returns what `run` printed.
#[allow(dead_code)]
pub fn record_attempt(
    db: &std::path::Path,
    scenario: &str,
    script: &std::path::Path,
    seed: u64,
    unit: &str,
) -> String {
    let out = cli()
        .args(["run", "--scenario", scenario, "--seed", &seed.to_string()])
        .arg("--choices")
        .arg(script)
        .arg("--db")
        .arg(db)
        .args(["--trainee", "4521", "--name", "A. Example", "--unit", unit])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
