//! The results store: every input of an attempt lands in SQLite, attempts resume exactly, and concurrent writers lose nothing.

use std::sync::Arc;

use silent_slavery_results::attempt::{AttemptStatus, IdentifiedBy, Trainee};
use silent_slavery_results::record::{AttemptLog, RecordError, RecordedAttempt};
use silent_slavery_results::store::{Store, StoreError};
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Event, Input, Runner};

const FIXTURE: &str = include_str!("../../scenario/tests/fixtures/front_counter.ron");

fn setup() -> (Arc<LoadedScenario>, Arc<Catalog>) {
    let catalog = Catalog::embedded().expect("catalogue");
    let loaded = load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid");
    (Arc::new(loaded), Arc::new(catalog))
}

fn trainee(store: &Store, staff: &str) {
    store
        .add_trainee(&Trainee {
            staff_number: staff.into(),
            name: format!("Trainee {staff}"),
            unit: "North response".into(),
        })
        .expect("trainee saved");
}

/// The best path of the fixture with seed 2 (the `injured` variant), one input at a time.
fn best_inputs() -> Vec<Input> {
    vec![
        Input::Continue,
        Input::Flag("no_papers".into()),
        Input::Flag("accent".into()),
        Input::Unflag("accent".into()),
        Input::Flag("hand".into()),
        Input::Continue,
        Input::Choose("private_room".into()),
        Input::Continue,
        Input::Choose("refer".into()),
        Input::Continue,
    ]
}

#[test]
fn a_full_attempt_lands_with_every_input_and_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested").join("results.sqlite3");
    let (scenario, catalog) = setup();
    let store = Store::open(&path).expect("opens and creates the folder");
    trainee(&store, "4521");
    let (mut attempt, mut events) = RecordedAttempt::start(
        &store,
        "4521",
        IdentifiedBy::CommandLine,
        Arc::clone(&scenario),
        catalog,
        2,
    )
    .expect("starts");
    for input in best_inputs() {
        events.extend(attempt.apply(&store, &input).expect("applies and saves"));
    }
    assert!(attempt.runner().is_finished());
    drop(store);

    // Everything is read back from a fresh connection to the file.
    let store = Store::open(&path).expect("reopens");
    let record = store.attempt(attempt.id).expect("stored");
    assert_eq!(record.status, AttemptStatus::Finished);
    assert_eq!(record.staff_number, "4521");
    assert_eq!(record.scenario_id, "fixture_front_counter");
    assert_eq!(record.scenario_version, 3);
    assert_eq!(record.content_hash, scenario.content_hash());
    assert_eq!(record.seed, 2);
    assert_eq!(record.ending.as_deref(), Some("referred"));
    assert_eq!(record.passed, Some(true));
    assert_eq!(record.score.as_ref(), Some(&attempt.runner().score()));
    assert!(record.finished_at.expect("finished") >= record.started_at);

    let inputs = store.inputs(attempt.id).expect("inputs");
    let kinds: Vec<(u32, &str, String)> = inputs
        .iter()
        .map(|i| {
            let kind = match i.input {
                Input::Flag(_) => "flag",
                Input::Unflag(_) => "unflag",
                Input::Choose(_) => "choice",
                Input::Continue => "continue",
            };
            (i.seq, kind, i.step.clone())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (0, "continue", "arrives".to_owned()),
            (1, "flag", "concerns".to_owned()),
            (2, "flag", "concerns".to_owned()),
            (3, "unflag", "concerns".to_owned()),
            (4, "flag", "concerns".to_owned()),
            (5, "continue", "concerns".to_owned()),
            (6, "choice", "first".to_owned()),
            (7, "continue", "first".to_owned()),
            (8, "choice", "second".to_owned()),
            (9, "continue", "second".to_owned()),
        ]
    );
    let stored_events: Vec<Event> = inputs.iter().flat_map(|i| i.events.clone()).collect();
    assert_eq!(
        stored_events,
        events[2..].to_vec(),
        "all but the start (presented, variant drawn)"
    );

    // Read back through a second connection: what is on disk, not what one connection holds.
    let raw = rusqlite::Connection::open(&path).expect("opens");
    let rows: Vec<(String, i64, i64, bool)> = raw
        .prepare("SELECT ruleset, raw, max, passed FROM attempt_scores WHERE attempt_id = ?1 ORDER BY ruleset")
        .expect("query")
        .query_map([attempt.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    assert_eq!(
        rows,
        [
            ("silent-slavery-2003".to_owned(), 26, 26, true),
            ("uk-ew-current".to_owned(), 21, 21, true)
        ]
    );
    assert_eq!(store.integrity_check().expect("check"), "ok");
    assert_eq!(
        store.durability().expect("pragmas"),
        ("wal".to_owned(), 2),
        "WAL, synchronous FULL"
    );
}

#[test]
fn a_resumed_attempt_ends_with_the_same_score_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    let (scenario, catalog) = setup();
    let inputs = best_inputs();

    let uninterrupted = {
        let (mut runner, _) =
            Runner::start(Arc::clone(&scenario), Arc::clone(&catalog), 2).expect("starts");
        for input in &inputs {
            runner.apply(input).expect("applies");
        }
        runner.score()
    };

    for stop_after in 0..inputs.len() {
        let id = {
            let store = Store::open(&path).expect("opens");
            trainee(&store, "7001");
            let (mut attempt, _) = RecordedAttempt::start(
                &store,
                "7001",
                IdentifiedBy::CommandLine,
                Arc::clone(&scenario),
                Arc::clone(&catalog),
                2,
            )
            .expect("starts");
            for input in &inputs[..stop_after] {
                attempt.apply(&store, input).expect("saved");
            }
            attempt.id
            // The store and the runner are dropped here: the "crash".
        };
        let store = Store::open(&path).expect("reopens");
        assert_eq!(
            store
                .unfinished("7001")
                .expect("list")
                .first()
                .map(|a| a.id),
            Some(id)
        );
        let resumed = store.resume(id, Arc::clone(&catalog)).expect("resumes");
        assert_eq!(resumed.next_seq as usize, stop_after);
        let mut attempt = RecordedAttempt::resumed(id, resumed.runner, resumed.next_seq);
        for input in &inputs[stop_after..] {
            attempt.apply(&store, input).expect("saved");
        }
        let record = store.attempt(id).expect("stored");
        assert_eq!(
            record.score.as_ref(),
            Some(&uninterrupted),
            "stopped after {stop_after}"
        );
        assert!(matches!(
            store.resume(id, Arc::clone(&catalog)),
            Err(StoreError::AttemptFinished(_))
        ));
    }
}

#[test]
fn an_attempt_resumes_on_the_version_it_started_with() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    let (scenario, catalog) = setup();
    let store = Store::open(&path).expect("opens");
    trainee(&store, "12");
    let (mut attempt, _) = RecordedAttempt::start(
        &store,
        "12",
        IdentifiedBy::CommandLine,
        Arc::clone(&scenario),
        Arc::clone(&catalog),
        2,
    )
    .expect("starts");
    attempt.apply(&store, &Input::Continue).expect("saved");

    // The trainer edits the scenario: the option the trainee is about to pick is gone.
    let edited = FIXTURE
        .replace("id: \"refer\"", "id: \"refer_now\"")
        .replace("version: 3", "version: 4");
    let edited = load_bytes("front_counter.ron", edited.as_bytes(), &catalog).expect("valid");
    assert_ne!(edited.content_hash(), scenario.content_hash());

    let resumed = store
        .resume(attempt.id, Arc::clone(&catalog))
        .expect("resumes");
    assert_eq!(
        resumed.runner.scenario().content_hash(),
        scenario.content_hash()
    );
    let mut attempt = RecordedAttempt::resumed(attempt.id, resumed.runner, resumed.next_seq);
    for input in &best_inputs()[1..] {
        attempt
            .apply(&store, input)
            .expect("the pinned version still has `refer`");
    }
    assert_eq!(
        store.attempt(attempt.id).expect("stored").scenario_version,
        3
    );
}

#[test]
fn refused_and_unsaveable_inputs_leave_the_attempt_where_it_was() {
    let (scenario, catalog) = setup();
    let store = Store::open_in_memory().expect("opens");
    trainee(&store, "1");
    let (mut attempt, _) =
        RecordedAttempt::start(&store, "1", IdentifiedBy::CommandLine, scenario, catalog, 2)
            .expect("starts");
    let err = attempt
        .apply(&store, &Input::Choose("private_room".into()))
        .expect_err("not at a decision");
    assert!(matches!(err, RecordError::Refused(_)));
    assert_eq!(attempt.inputs_recorded(), 0);
    assert!(store.inputs(attempt.id).expect("read").is_empty());

    // A second writer recorded input 0 first: this one must not be written twice.
    store
        .record_input(attempt.id, 0, "arrives", &Input::Continue, &[], None)
        .expect("other writer");
    let err = attempt
        .apply(&store, &Input::Continue)
        .expect_err("out of order");
    assert!(matches!(
        err,
        RecordError::NotSaved(StoreError::OutOfOrder {
            expected: 1,
            given: 0,
            ..
        })
    ));
    assert_eq!(attempt.inputs_recorded(), 0, "the runner did not move on");

    assert!(matches!(
        store.start_attempt(
            "nobody",
            IdentifiedBy::CommandLine,
            &attempt.runner().scenario().clone(),
            1,
            attempt.runner().pass_rule()
        ),
        Err(StoreError::UnknownTrainee(_))
    ));
}

#[test]
fn two_writers_on_one_file_lose_no_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    let (scenario, catalog) = setup();
    {
        let store = Store::open(&path).expect("opens");
        trainee(&store, "A");
        trainee(&store, "B");
    }
    let threads: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|staff| {
            let (path, scenario, catalog) =
                (path.clone(), Arc::clone(&scenario), Arc::clone(&catalog));
            std::thread::spawn(move || {
                let store = Store::open(&path).expect("opens");
                let mut ids = Vec::new();
                for _ in 0..15 {
                    let (mut attempt, _) = RecordedAttempt::start(
                        &store,
                        staff,
                        IdentifiedBy::CommandLine,
                        Arc::clone(&scenario),
                        Arc::clone(&catalog),
                        2,
                    )
                    .expect("starts");
                    for input in best_inputs() {
                        attempt
                            .apply(&store, &input)
                            .expect("saved despite the other writer");
                    }
                    ids.push(attempt.id);
                }
                ids
            })
        })
        .collect();
    let ids: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    let store = Store::open(&path).expect("opens");
    assert_eq!(store.all_attempts().expect("read").len(), 30);
    for id in ids {
        assert_eq!(store.inputs(id).expect("read").len(), best_inputs().len());
        assert_eq!(
            store.attempt(id).expect("read").status,
            AttemptStatus::Finished
        );
    }
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

#[test]
fn the_store_path_comes_from_the_flag_then_the_environment() {
    let explicit = std::path::Path::new("/tmp/explicit.sqlite3");
    assert_eq!(Store::resolve_path(Some(explicit)).expect("path"), explicit);
    assert!(
        Store::default_path()
            .expect("a data dir")
            .ends_with("silent-slavery-trainer/results.sqlite3")
    );
}

#[cfg(unix)]
#[test]
fn a_new_store_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    drop(Store::open(&path).expect("opens"));
    let mode = std::fs::metadata(&path)
        .expect("exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// An attempt is judged by the pass rule stamped when it started: a new attempt carries
/// today's rule; one recorded before rules were stamped resumes with no red-herring limit.
#[test]
fn the_pass_rule_is_stamped_on_the_attempt_and_an_old_attempt_resumes_under_its_own() {
    use silent_slavery_scenario::play::score::PassRule;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    let (scenario, catalog) = setup();
    let store = Store::open(&path).expect("opens");
    trainee(&store, "4521");
    let (mut new, _) = RecordedAttempt::start(
        &store,
        "4521",
        IdentifiedBy::CommandLine,
        Arc::clone(&scenario),
        Arc::clone(&catalog),
        2,
    )
    .expect("starts");
    new.apply(&store, &Input::Continue).expect("saved");
    let stamped = store.attempt(new.id).expect("stored").pass_rule;
    assert_eq!(stamped, Some(PassRule::of(&scenario.scenario)));
    assert_eq!(stamped.and_then(|r| r.max_red_herrings_flagged), Some(1));
    let resumed = store.resume(new.id, Arc::clone(&catalog)).expect("resumes");
    assert_eq!(resumed.runner.pass_rule().max_red_herrings_flagged, Some(1));

    // An attempt recorded before the stamp existed has none.
    let (old, _) = RecordedAttempt::start(
        &store,
        "4521",
        IdentifiedBy::CommandLine,
        Arc::clone(&scenario),
        Arc::clone(&catalog),
        2,
    )
    .expect("starts");
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("opens");
    raw.execute(
        "UPDATE attempts SET pass_rule = NULL WHERE id = ?1",
        [old.id.to_string()],
    )
    .expect("cleared");
    drop(raw);
    let store = Store::open(&path).expect("reopens");
    assert_eq!(store.attempt(old.id).expect("stored").pass_rule, None);
    let resumed = store.resume(old.id, catalog).expect("resumes");
    assert_eq!(
        resumed.runner.pass_rule(),
        &PassRule::before_red_herring_limit(&scenario.scenario)
    );
}

#[test]
fn the_first_choice_on_a_changed_scenario_stands() {
    use silent_slavery_results::attempt::ChangedVersionChoice;
    let (scenario, catalog) = setup();
    let store = Store::open_in_memory().expect("store");
    trainee(&store, "1");
    let start = |seed| {
        RecordedAttempt::start(
            &store,
            "1",
            IdentifiedBy::Pin,
            Arc::clone(&scenario),
            Arc::clone(&catalog),
            seed,
        )
        .expect("starts")
        .0
    };
    let (old, new) = (start(2), start(3));
    assert_eq!(store.changed_version_choice(old.id).expect("read"), None);
    let at = time::OffsetDateTime::now_utc();
    assert!(
        store
            .record_changed_version_choice(old.id, ChangedVersionChoice::StartNew, Some(new.id), at)
            .expect("recorded")
    );
    assert!(
        !store
            .record_changed_version_choice(old.id, ChangedVersionChoice::FinishStarted, None, at)
            .expect("read"),
        "a second choice changes nothing"
    );
    let recorded = store
        .changed_version_choice(old.id)
        .expect("read")
        .expect("recorded");
    assert_eq!(recorded.choice, ChangedVersionChoice::StartNew);
    assert_eq!(recorded.restarted_as, Some(new.id));
    assert_eq!(
        store
            .unfinished("1")
            .expect("read")
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        vec![new.id],
        "the attempt left for the new version is not offered"
    );
    assert!(matches!(
        store.changed_version_choice(uuid::Uuid::nil()),
        Err(StoreError::UnknownAttempt(_))
    ));
}
