//! The store under an operator's hands: a journal mode they chose is kept, a damaged file is reported and set aside (never written), and a busy store says so and saves once free.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_results::store::{Store, StoreError};
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Input;

const FIXTURE: &str = include_str!("../../scenario/tests/fixtures/front_counter.ron");

fn trainee(staff: &str) -> Trainee {
    Trainee {
        staff_number: staff.into(),
        name: format!("Trainee {staff}"),
        unit: "North response".into(),
    }
}

/// A store at `path` holding one trainee and one attempt with two inputs; closed on return.
fn store_with_an_attempt(path: &Path) {
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let loaded = Arc::new(load_bytes("f.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
    let store = Store::open(path).expect("opens");
    store.add_trainee(&trainee("1001")).expect("saved");
    let (mut attempt, _) = RecordedAttempt::start(
        &store,
        "1001",
        IdentifiedBy::CommandLine,
        loaded,
        catalog,
        2,
    )
    .expect("started");
    attempt.apply(&store, &Input::Continue).expect("saved");
    attempt
        .apply(&store, &Input::Flag("no_papers".into()))
        .expect("saved");
}

fn journal_mode(path: &Path) -> String {
    rusqlite::Connection::open(path)
        .expect("opens")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode")
}

#[test]
fn a_new_store_uses_wal_and_an_operators_journal_mode_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    store_with_an_attempt(&path);
    assert_eq!(journal_mode(&path), "wal");

    // The operator chooses the rollback journal (for example for a backup tool that copies
    // one file).
    let raw = rusqlite::Connection::open(&path).expect("opens");
    let mode: String = raw
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))
        .expect("set");
    assert_eq!(mode, "delete");
    drop(raw);

    // Any command afterwards: open, write, close.
    let store = Store::open(&path).expect("opens");
    assert_eq!(
        store.durability().expect("pragmas"),
        ("delete".to_owned(), 2)
    );
    store.add_trainee(&trainee("1002")).expect("saved");
    drop(store);
    assert_eq!(journal_mode(&path), "delete", "still the operator's choice");
    assert!(
        !dir.path().join("results.sqlite3-wal").exists(),
        "no write-ahead log"
    );
}

/// Overwrites part of the file's second page, where SQLite keeps table rows.
fn damage(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("opens");
    file.seek(SeekFrom::Start(4096 + 8)).expect("seek");
    file.write_all(&[0xA5; 600]).expect("written");
}

#[test]
fn a_damaged_file_is_reported_never_written_and_set_aside_to_a_dated_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    store_with_an_attempt(&path);
    damage(&path);
    let before = std::fs::read(&path).expect("read");

    for _ in 0..2 {
        match Store::open_checked(&path) {
            Err(StoreError::DamagedFile { path: at, detail }) => {
                assert_eq!(at, path);
                assert!(!detail.is_empty());
            }
            other => panic!("expected DamagedFile, got {other:?}"),
        }
    }
    assert_eq!(std::fs::read(&path).expect("read"), before, "not written");

    let aside = Store::set_aside(&path).expect("moved");
    let name = aside
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let today = time::OffsetDateTime::now_utc().date();
    assert!(
        name.starts_with(&format!(
            "results.damaged-{}-{:02}-{:02}T",
            today.year(),
            u8::from(today.month()),
            today.day()
        )) && name.ends_with("Z.sqlite3"),
        "{name}"
    );
    assert_eq!(
        std::fs::read(&aside).expect("kept"),
        before,
        "kept as it was"
    );
    assert!(!path.exists());

    // A new store starts only now, empty.
    let store = Store::open_checked(&path).expect("a new store");
    assert!(store.attempts_of("1001").expect("reads").is_empty());

    // Setting aside twice in one second keeps both files.
    drop(store);
    damage(&path);
    let again = Store::set_aside(&path).expect("moved");
    assert_ne!(again, aside);
    assert!(again.exists() && aside.exists());
}

#[test]
fn a_file_that_is_not_a_database_is_damaged_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    std::fs::write(&path, vec![b'x'; 8192]).expect("written");
    // Even without the whole-file check, SQLite's own refusal is reported as damage.
    assert!(
        matches!(Store::open(&path), Err(StoreError::DamagedFile { .. })),
        "garbage is not a store"
    );
    assert!(matches!(
        Store::open_checked(&path),
        Err(StoreError::DamagedFile { .. })
    ));
}

#[test]
fn a_write_lock_held_elsewhere_is_busy_and_the_write_lands_once_it_is_released() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    store_with_an_attempt(&path);
    let store = Store::open(&path).expect("opens");
    store
        .set_busy_timeout(Duration::from_millis(50))
        .expect("set");

    let other = rusqlite::Connection::open(&path).expect("opens");
    other.execute_batch("BEGIN IMMEDIATE").expect("locked");
    let error = store.add_trainee(&trainee("2002")).expect_err("busy");
    assert!(error.is_busy(), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the results store is busy: another program (a report, an export, a sync or a backup) is writing to it"
    );
    other.execute_batch("COMMIT").expect("released");

    store.add_trainee(&trainee("2002")).expect("saved now");
    let names: i64 = other
        .query_row(
            "SELECT COUNT(*) FROM trainees WHERE staff_number = '2002'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(names, 1);
}
