//! Benchmarks of the results store: committing one input with full sync, a whole scripted attempt, and the decisions export against the sqlite3 tool's CSV output (docs/performance.md).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::params;
use silent_slavery_core::catalog::Catalog;
use silent_slavery_core::export::{self, Selection};
use silent_slavery_core::library::{LoadedScenario, load_bytes};
use silent_slavery_core::record::RecordedAttempt;
use silent_slavery_core::runner::Input;
use silent_slavery_core::store::{Store, Trainee};

const FIXTURE: &str = include_str!("../tests/fixtures/front_counter.ron");
const BEST: [&str; 8] = [
    "continue",
    "flag no_papers",
    "flag hand",
    "continue",
    "choose private_room",
    "continue",
    "choose refer",
    "continue",
];

fn input(line: &str) -> Input {
    match line.split_once(' ') {
        Some(("flag", cue)) => Input::Flag(cue.into()),
        Some(("choose", option)) => Input::Choose(option.into()),
        _ => Input::Continue,
    }
}

fn setup(store: &Store) -> (Arc<LoadedScenario>, Arc<Catalog>) {
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenario = Arc::new(load_bytes("f.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
    store
        .upsert_trainee(&Trainee {
            staff_number: "1".into(),
            name: "Bench".into(),
            unit: "U".into(),
        })
        .expect("trainee");
    (scenario, catalog)
}

/// Latency of committing one input (WAL, synchronous=FULL) on a file: median and 99th
/// percentile over 500 commits, printed for docs/performance.md.
fn commit_latency(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("r.sqlite3")).expect("store");
    let (scenario, catalog) = setup(&store);
    let mut samples = Vec::new();
    while samples.len() < 500 {
        let (mut attempt, _) =
            RecordedAttempt::start(&store, "1", Arc::clone(&scenario), Arc::clone(&catalog), 2)
                .expect("starts");
        for line in BEST {
            let started = Instant::now();
            attempt.apply(&store, &input(line)).expect("saved");
            samples.push(started.elapsed());
        }
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize];
    println!(
        "commit_one_input_full_sync: median {:?}, p99 {:?} over {} commits",
        pct(0.5),
        pct(0.99),
        samples.len()
    );
    let mut group = c.benchmark_group("recording");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("whole_scripted_attempt_full_sync", |b| {
        b.iter(|| {
            let (mut attempt, _) =
                RecordedAttempt::start(&store, "1", Arc::clone(&scenario), Arc::clone(&catalog), 2)
                    .expect("starts");
            for line in BEST {
                attempt.apply(&store, &input(line)).expect("saved");
            }
        })
    });
    group.finish();
}

/// A store with `attempts` finished attempts of the fixture, written in bulk (one
/// transaction) from one real recorded attempt's rows.
fn bulk_store(path: &std::path::Path, attempts: usize) -> Store {
    let store = Store::open(path).expect("store");
    let (scenario, catalog) = setup(&store);
    let (mut attempt, _) =
        RecordedAttempt::start(&store, "1", scenario, catalog, 2).expect("starts");
    for line in BEST {
        attempt.apply(&store, &input(line)).expect("saved");
    }
    let template = attempt.id.to_string();
    let conn = store.connection();
    conn.execute_batch("BEGIN").expect("begin");
    for n in 1..attempts {
        let id = uuid::Uuid::from_u128(n as u128).to_string();
        conn.execute(
            "INSERT INTO attempts SELECT ?1, staff_number, scenario_id, scenario_version, content_hash, rulesets,
                 pass_ruleset, seed, started_at, finished_at, status, ending, outcome, passed, score_json
             FROM attempts WHERE id = ?2",
            params![id, template],
        )
        .expect("attempt");
        conn.execute(
            "INSERT INTO attempt_inputs SELECT ?1, seq, at, kind, step, input_json, events_json
             FROM attempt_inputs WHERE attempt_id = ?2",
            params![id, template],
        )
        .expect("inputs");
    }
    conn.execute_batch("COMMIT").expect("commit");
    store
}

fn decisions_export(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bulk.sqlite3");
    // 50,000 attempts, 100,000 decisions: a tenth of the figures, so the benchmark
    // runs in minutes on two cores; the ratio is what is compared.
    let store = bulk_store(&db, 50_000);
    let out = dir.path().join("decisions.csv");
    let mut group = c.benchmark_group("decisions_export_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("silent_slavery_export", |b| {
        b.iter(|| {
            let file = std::io::BufWriter::new(std::fs::File::create(&out).expect("file"));
            export::decisions_csv(&store, &Selection::default(), file, |_| {}).expect("export")
        })
    });
    let sqlite3 = std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok();
    if sqlite3 {
        group.bench_function("sqlite3_cli_csv", |b| {
            b.iter(|| {
                let status = std::process::Command::new("sqlite3")
                    .arg("-csv")
                    .arg("-header")
                    .arg(&db)
                    .arg(
                        "SELECT i.attempt_id, a.staff_number, a.scenario_id, a.scenario_version, i.seq, i.step,
                                i.input_json, i.events_json, i.at
                         FROM attempt_inputs i JOIN attempts a ON a.id = i.attempt_id
                         WHERE i.kind = 'choice' ORDER BY a.started_at, i.attempt_id, i.seq",
                    )
                    .stdout(std::fs::File::create(&out).expect("file"))
                    .status()
                    .expect("sqlite3 runs");
                assert!(status.success());
            })
        });
    } else {
        eprintln!("sqlite3 is not installed: the comparison is skipped");
    }
    group.finish();
}

criterion_group!(benches, commit_latency, decisions_export);
criterion_main!(benches);
