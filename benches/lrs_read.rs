//! Reading attempts back from a learning record store at scale: `silent-slavery report --lrs` over N generated attempts' statements held by a local Ralph, its time and peak resident memory, which must not grow with N (docs/performance.md, "Reading from an LRS").
//!
//! Run with `cargo bench --profile ci --bench lrs_read` (needs `bash
//! tests/support/install-lrs.sh` and `/usr/bin/time`). `SILENT_SLAVERY_BENCH_LRS_ATTEMPTS`
//! gives the sizes, comma-separated (default `0,1000,10000`). Setup, outside what is
//! measured: one real attempt at a shipped scenario is recorded and its statements built;
//! its `passed` statement is copied N times, each copy a different attempt (registration,
//! statement id; 200 trainees in twenty units), and sent with the scenario version's
//! statement to a fresh Ralph in batches of 500; that Ralph serves pages as large as the reader
//! asks for (500; its default is 100).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use silent_slavery_results::xapi::outbox;
use uuid::Uuid;

#[path = "../tests/support/ralph.rs"]
mod ralph;

use ralph::{PASSWORD, Ralph, USER, config, lrs_available, record_path, store_with_shipped};

const BATCH: usize = 500;

fn post(agent: &ureq::Agent, ralph: &Ralph, statements: &[Value]) {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let mut response = agent
        .post(&format!("{}statements", ralph.endpoint()))
        .header("Authorization", &format!("Basic {auth}"))
        .header("X-Experience-API-Version", "1.0.3")
        .header("Content-Type", "application/json")
        .send(Value::Array(statements.to_vec()).to_string())
        .expect("Ralph answers");
    assert!(
        response.status().is_success(),
        "Ralph refused a batch: {}",
        response.body_mut().read_to_string().unwrap_or_default()
    );
}

/// Trainees the attempts are spread over, whatever N: the report's own output then stays
/// the same size, so its peak memory shows what reading costs.
const TRAINEES: usize = 200;

/// Copy `n` of the verdict: another attempt, by one of [`TRAINEES`] trainees.
fn copy(verdict: &Value, n: usize) -> Value {
    let mut s = verdict.clone();
    let attempt = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n as u128);
    let staff = format!("{:06}", n % TRAINEES);
    s["id"] = json!(Uuid::new_v5(&Uuid::NAMESPACE_OID, attempt.as_bytes()).to_string());
    s["context"]["registration"] = json!(attempt.to_string());
    s["context"]["extensions"][silent_slavery_results::xapi::statements::SESSION_EXTENSION] =
        json!(attempt.to_string());
    s["actor"]["account"]["name"] = json!(staff);
    s["actor"]["name"] = json!(format!("Trainee {staff}"));
    let unit = format!("Unit {:02}", (n % TRAINEES) % 20);
    s["context"]["team"]["name"] = json!(unit);
    s["context"]["team"]["account"]["name"] = json!(unit);
    s
}

/// Runs `silent-slavery report --lrs` under `/usr/bin/time -v`: (seconds, peak KiB, what
/// it said it read).
fn measure(ralph: &Ralph, password_file: &Path) -> (f64, u64, String) {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_silent-slavery"))
        .args(["report", "--format", "json", "--lrs", &ralph.endpoint()])
        .args(["--user", USER, "--password-file"])
        .arg(password_file)
        .args(["--home-page", "https://lms.example.org"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let peak = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|k| k.trim().parse().ok())
        .expect("time -v reports the peak");
    let read = stderr
        .lines()
        .find(|l| l.starts_with("read "))
        .unwrap_or_default()
        .to_owned();
    (seconds, peak, read)
}

fn main() {
    if !lrs_available() {
        return;
    }
    let sizes: Vec<usize> = std::env::var("SILENT_SLAVERY_BENCH_LRS_ATTEMPTS")
        .unwrap_or_else(|_| "0,1000,10000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let work = tempfile::tempdir().expect("temp dir");
    let (catalog, store, shipped) = store_with_shipped(&work.path().join("one.sqlite3"));
    let scenario = shipped
        .iter()
        .find(|s| s.scenario.id == "roadside_minibus_dawn")
        .expect("a shipped scenario");
    record_path(&store, &catalog, scenario, 0, false);
    let statements =
        outbox::statements_for(&store, &catalog, &config(), &Default::default(), |_| {})
            .expect("statements");
    let version = statements[0].clone();
    let verdict = statements
        .iter()
        .find(|s| s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed")
        .expect("a passed statement")
        .clone();
    println!(
        "statement sizes: version {} bytes, verdict {} bytes",
        version.to_string().len(),
        verdict.to_string().len()
    );
    let password_file = work.path().join("password");
    std::fs::write(&password_file, PASSWORD).expect("write");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .http_status_as_error(false)
        .build()
        .into();
    for n in sizes {
        let ralph = Ralph::start_paged(
            &work.path().join(format!("lrs-{n}")),
            silent_slavery_results::xapi::read::PAGE_SIZE,
        );
        let setup = Instant::now();
        post(&agent, &ralph, std::slice::from_ref(&version));
        let mut batch = Vec::with_capacity(BATCH);
        for i in 0..n {
            batch.push(copy(&verdict, i));
            if batch.len() == BATCH {
                post(&agent, &ralph, &batch);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            post(&agent, &ralph, &batch);
        }
        let setup = setup.elapsed().as_secs_f64();
        let (seconds, peak, read) = measure(&ralph, &password_file);
        println!(
            "report --lrs over {n} attempts: {seconds:.1} s, peak resident {:.1} MiB (setup {setup:.0} s); {read}",
            peak as f64 / 1024.0
        );
    }
}
