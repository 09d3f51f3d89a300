//! Benchmarks of the results store: committing one input with full sync, a whole scripted attempt, the decisions export against the sqlite3 tool's CSV output, and item analysis (`stats`) against the decisions export of the same store (docs/performance.md).

use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::params;
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::export::{self, Selection};
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_results::stats;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Input;

const FIXTURE: &str = include_str!("../../scenario/tests/fixtures/front_counter.ron");
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
        .add_trainee(&Trainee {
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
        let (mut attempt, _) = RecordedAttempt::start(
            &store,
            "1",
            IdentifiedBy::CommandLine,
            Arc::clone(&scenario),
            Arc::clone(&catalog),
            2,
        )
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
            let (mut attempt, _) = RecordedAttempt::start(
                &store,
                "1",
                IdentifiedBy::CommandLine,
                Arc::clone(&scenario),
                Arc::clone(&catalog),
                2,
            )
            .expect("starts");
            for line in BEST {
                attempt.apply(&store, &input(line)).expect("saved");
            }
        })
    });
    group.finish();
}

/// Decisions per attempt in the bulk store: the fixture's two choices and eight copies.
const CHOICES_PER_ATTEMPT: usize = 10;

/// A store with `attempts` finished attempts of the fixture, written in bulk (one
/// transaction) from one real recorded attempt's rows, which is then removed. Each copy starts a second after the
/// one before and repeats the attempt's two choices four more times after its end, so it
/// holds [`CHOICES_PER_ATTEMPT`] decisions among 16 inputs.
fn bulk_store(path: &std::path::Path, attempts: usize) -> Store {
    let store = Store::open(path).expect("store");
    let (scenario, catalog) = setup(&store);
    let (mut attempt, _) =
        RecordedAttempt::start(&store, "1", IdentifiedBy::CommandLine, scenario, catalog, 2)
            .expect("starts");
    for line in BEST {
        attempt.apply(&store, &input(line)).expect("saved");
    }
    let template = attempt.id.to_string();
    // Rows are copied in bulk through a second connection to the same file: the store's own
    // methods record one attempt at a time, as the app does.
    let conn = rusqlite::Connection::open(path).expect("opens");
    conn.execute_batch("BEGIN").expect("begin");
    let mut copy_attempt = conn
        .prepare(
            "INSERT INTO attempts SELECT ?1, staff_number, scenario_id, scenario_version, content_hash,
                 rulesets, pass_ruleset, seed,
                 strftime('%Y-%m-%dT%H:%M:%fZ', started_at, printf('+%d seconds', ?3)),
                 strftime('%Y-%m-%dT%H:%M:%fZ', finished_at, printf('+%d seconds', ?3)),
                 status, ending, outcome, passed, score_json, pass_rule
             FROM attempts WHERE id = ?2",
        )
        .expect("prepared");
    let mut copy_scores = conn
        .prepare(
            "INSERT INTO attempt_scores SELECT ?1, ruleset, ruleset_version, raw, min, max, scaled,
                 passed
             FROM attempt_scores WHERE attempt_id = ?2",
        )
        .expect("prepared");
    let mut copy_inputs = conn
        .prepare(
            "INSERT INTO attempt_inputs
             SELECT ?1, seq, strftime('%Y-%m-%dT%H:%M:%fZ', at, printf('+%d seconds', ?3)), kind,
                    step, input_json, events_json, option, upheld, breached, points,
                    ms_since_previous
             FROM attempt_inputs WHERE attempt_id = ?2
             UNION ALL
             SELECT ?1, 8 + 2 * k.n + (i.seq = 6),
                    strftime('%Y-%m-%dT%H:%M:%fZ', i.at, printf('+%d seconds', ?3)), i.kind, i.step,
                    i.input_json, i.events_json, i.option, i.upheld, i.breached, i.points,
                    i.ms_since_previous
             FROM attempt_inputs i, (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2
                                     UNION ALL SELECT 3) k
             WHERE i.attempt_id = ?2 AND i.kind = 'choice'",
        )
        .expect("prepared");
    for n in 1..=attempts {
        let id = uuid::Uuid::from_u128(n as u128).to_string();
        copy_attempt
            .execute(params![id, template, n as i64])
            .expect("attempt");
        copy_scores.execute(params![id, template]).expect("scores");
        copy_inputs
            .execute(params![id, template, n as i64])
            .expect("inputs");
    }
    drop((copy_attempt, copy_scores, copy_inputs));
    // The template itself has only two decisions; the copies are the whole store.
    for table in ["attempt_inputs", "attempt_scores", "critical_breaches"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE attempt_id = ?1"),
            [&template],
        )
        .expect("template removed");
    }
    conn.execute("DELETE FROM attempts WHERE id = ?1", [&template])
        .expect("template removed");
    conn.execute_batch("COMMIT").expect("commit");
    drop(conn);
    store
}

/// Prints how long upgrading a copy of `store`, turned back into a schema version 2 store,
/// takes: the upgrade works out every input's decision summary from its events once.
fn upgrade_time(store: &Store, copy: &std::path::Path) {
    let source = rusqlite::Connection::open(store.path().expect("a file store")).expect("opens");
    source
        .execute("VACUUM INTO ?1", [copy.to_string_lossy()])
        .expect("copied");
    {
        let old = rusqlite::Connection::open(copy).expect("copy opens");
        old.execute_batch(
            "ALTER TABLE attempt_inputs DROP COLUMN option;
             ALTER TABLE attempt_inputs DROP COLUMN upheld;
             ALTER TABLE attempt_inputs DROP COLUMN breached;
             ALTER TABLE attempt_inputs DROP COLUMN points;
             ALTER TABLE attempt_inputs DROP COLUMN ms_since_previous;
             DROP INDEX xapi_outbox_by_attempt;
             ALTER TABLE attempts DROP COLUMN pass_rule;
             ALTER TABLE attempts DROP COLUMN identified_by;
             ALTER TABLE attempts DROP COLUMN changed_version_choice;
             ALTER TABLE attempts DROP COLUMN changed_version_choice_at;
             ALTER TABLE attempts DROP COLUMN restarted_as;
             DROP TABLE trainee_pins;
             DROP TABLE distinct_trainees;
             PRAGMA user_version = 2;",
        )
        .expect("downgraded");
    }
    let inputs: i64 = source
        .query_row("SELECT COUNT(*) FROM attempt_inputs", [], |r| r.get(0))
        .expect("count");
    let started = Instant::now();
    drop(Store::open(copy).expect("upgrades"));
    println!(
        "upgrade from schema 2: {inputs} inputs in {:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_file(copy);
}

/// The decisions export against `sqlite3 -csv` printing the same rows and columns, and item
/// analysis against the export, at `SILENT_SLAVERY_BENCH_ATTEMPTS` attempts (100,000 unless
/// set; 1,000,000 decisions). `SILENT_SLAVERY_BENCH_STORE=PATH` builds the store at PATH and
/// keeps it (to measure the command line's memory on it).
fn decisions_export(c: &mut Criterion) {
    let attempts: usize = std::env::var("SILENT_SLAVERY_BENCH_ATTEMPTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match std::env::var_os("SILENT_SLAVERY_BENCH_STORE") {
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            let _ = std::fs::remove_file(&path);
            path
        }
        None => dir.path().join("bulk.sqlite3"),
    };
    let built = Instant::now();
    let store = bulk_store(&db, attempts);
    let decisions = attempts * CHOICES_PER_ATTEMPT;
    println!(
        "bulk store: {attempts} attempts, {decisions} decisions, built in {:?}",
        built.elapsed()
    );
    upgrade_time(&store, &dir.path().join("version2.sqlite3"));
    let out = dir.path().join("decisions.csv");
    let written = export::decisions_csv(
        &store,
        &Selection::default(),
        std::io::BufWriter::new(std::fs::File::create(&out).expect("file")),
        |_| {},
    )
    .expect("export");
    assert_eq!(written as usize, decisions);
    let mut group = c.benchmark_group(format!("decisions_export_{decisions}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(decisions as u64));
    group.bench_function("silent_slavery_export", |b| {
        b.iter(|| {
            let file = std::io::BufWriter::new(std::fs::File::create(&out).expect("file"));
            export::decisions_csv(&store, &Selection::default(), file, |_| {}).expect("export")
        })
    });
    let catalog = Catalog::embedded().expect("catalogue");
    let report = stats::analyse(&store, &catalog, &stats::Selection::default(), |_, _| {})
        .expect("analysed");
    assert_eq!(report.finished as usize, attempts);
    group.bench_function("silent_slavery_stats", |b| {
        b.iter(|| {
            stats::analyse(&store, &catalog, &stats::Selection::default(), |_, _| {})
                .expect("analysed")
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
                        "SELECT i.attempt_id, a.staff_number, a.scenario_id, a.scenario_version, i.seq,
                                i.step, i.option, i.upheld, i.breached, i.points, i.at,
                                i.ms_since_previous
                         FROM attempt_inputs i
                         JOIN attempts a ON a.id = i.attempt_id
                         JOIN trainees t ON t.staff_number = a.staff_number
                         WHERE i.kind = 'choice'
                         ORDER BY a.started_at, i.attempt_id, i.seq",
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
    // Opening to write runs SQLite's quick check, so damage is found before it is written on.
    let mut group = c.benchmark_group(format!("open_{attempts}_attempts"));
    group.sample_size(10);
    group.bench_function("store_open", |b| {
        b.iter(|| Store::open(&db).expect("opens"))
    });
    group.bench_function("store_open_checked", |b| {
        b.iter(|| Store::open_checked(&db).expect("opens"))
    });
    group.finish();
}

criterion_group!(benches, commit_latency, decisions_export);
criterion_main!(benches);
