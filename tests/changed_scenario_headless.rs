//! An unfinished attempt whose scenario a trainer edited before it was resumed: the trainee is told and chooses to finish the version started or start again on the new one; both choices are recorded and asked only once.

use std::path::Path;

use bevy::prelude::*;
use silent_slavery::sim::{Screen, Session, SignInAction, TraineeAction};
use silent_slavery_results::attempt::ChangedVersionChoice;
use silent_slavery_results::identity::IdentityMode;
use silent_slavery_results::store::Store;
use uuid::Uuid;

#[path = "support/headless.rs"]
mod headless;
use headless::{Setup, app_from, screen, send};

const FIXTURE: &str = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
const ID: &str = "fixture_front_counter";

/// The app over `root/scenarios` and the store `db`, signed in as 4521.
fn signed_in(root: &Path, db: &Path) -> App {
    let mut app = app_from(
        root,
        Setup {
            db: Some(db),
            author: false,
            identity: IdentityMode::Open,
            os_account: None,
        },
    );
    send(
        &mut app,
        TraineeAction::SignIn(SignInAction::Open {
            staff_number: "4521".into(),
            name: "A. Example".into(),
            unit: "North".into(),
        }),
    );
    assert_eq!(screen(&app), Screen::Home);
    app
}

fn session(app: &App) -> &Session {
    app.world().resource::<Session>()
}

/// A scenarios folder holding the fixture, and an attempt at it left unfinished in `db`.
fn attempt_then_edit(root: &Path, db: &Path) -> Uuid {
    let scenarios = root.join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("folder");
    std::fs::write(scenarios.join("front.ron"), FIXTURE).expect("write");
    let mut app = signed_in(root, db);
    send(&mut app, TraineeAction::Open(ID.into()));
    send(&mut app, TraineeAction::AcceptWarning);
    assert_eq!(screen(&app), Screen::Playing);
    let id = session(&app).attempt.as_ref().expect("playing").id;
    send(&mut app, TraineeAction::Back);
    drop(app);
    // The trainer edits the scenario: a new version with a new title.
    let edited = FIXTURE.replacen("version: 3,", "version: 4,", 1).replacen(
        "title: \"A visitor at the front counter\"",
        "title: \"A late visitor at the front counter\"",
        1,
    );
    assert_ne!(edited, FIXTURE);
    std::fs::write(scenarios.join("front.ron"), edited).expect("edit");
    id
}

#[test]
fn finishing_the_version_started_is_recorded_and_not_asked_again() {
    let root = tempfile::tempdir().expect("temp dir");
    let db = root.path().join("results.sqlite3");
    let old = attempt_then_edit(root.path(), &db);

    let mut app = signed_in(root.path(), &db);
    send(&mut app, TraineeAction::Open(ID.into()));
    assert_eq!(
        screen(&app),
        Screen::ScenarioChanged,
        "told before anything else"
    );
    let changed = session(&app).changed.clone().expect("the question");
    assert_eq!(changed.attempt, old);
    assert_eq!(changed.started_version, 3);
    assert_eq!(changed.current.scenario.version, 4);
    // Going back decides nothing.
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(
        Store::open(&db)
            .expect("store")
            .changed_version_choice(old)
            .expect("read"),
        None
    );

    send(&mut app, TraineeAction::Resume(old));
    assert_eq!(screen(&app), Screen::ScenarioChanged);
    send(
        &mut app,
        TraineeAction::ChangedScenario(ChangedVersionChoice::FinishStarted),
    );
    assert_eq!(screen(&app), Screen::Playing);
    let attempt = session(&app).attempt.as_ref().expect("playing");
    assert_eq!(attempt.id, old);
    assert_eq!(
        attempt.runner().scenario().scenario.version,
        3,
        "on the version started"
    );
    let recorded = Store::open(&db)
        .expect("store")
        .changed_version_choice(old)
        .expect("read")
        .expect("recorded");
    assert_eq!(recorded.choice, ChangedVersionChoice::FinishStarted);
    assert_eq!(recorded.restarted_as, None);

    // Leaving and coming back resumes it without asking again.
    send(&mut app, TraineeAction::Back);
    send(&mut app, TraineeAction::Open(ID.into()));
    assert_eq!(screen(&app), Screen::Playing);
    assert_eq!(session(&app).attempt.as_ref().expect("playing").id, old);
}

#[test]
fn starting_again_on_the_new_version_records_the_new_attempt_beside_the_old() {
    let root = tempfile::tempdir().expect("temp dir");
    let db = root.path().join("results.sqlite3");
    let old = attempt_then_edit(root.path(), &db);

    let mut app = signed_in(root.path(), &db);
    send(&mut app, TraineeAction::Open(ID.into()));
    assert_eq!(screen(&app), Screen::ScenarioChanged);
    send(
        &mut app,
        TraineeAction::ChangedScenario(ChangedVersionChoice::StartNew),
    );
    assert_eq!(screen(&app), Screen::Playing);
    let attempt = session(&app).attempt.as_ref().expect("playing");
    let new = attempt.id;
    assert_ne!(new, old);
    assert_eq!(
        attempt.runner().scenario().scenario.version,
        4,
        "on the new version"
    );

    let store = Store::open(&db).expect("store");
    let recorded = store
        .changed_version_choice(old)
        .expect("read")
        .expect("recorded");
    assert_eq!(recorded.choice, ChangedVersionChoice::StartNew);
    assert_eq!(recorded.restarted_as, Some(new));
    // The old attempt is kept, unfinished, and no longer offered.
    assert_eq!(store.attempts_of("4521").expect("read").len(), 2);
    let offered: Vec<Uuid> = store
        .unfinished("4521")
        .expect("read")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(offered, vec![new]);
    drop(store);

    send(&mut app, TraineeAction::Back);
    send(&mut app, TraineeAction::Open(ID.into()));
    assert_eq!(
        screen(&app),
        Screen::Playing,
        "the new attempt resumes without a question"
    );
    assert_eq!(session(&app).attempt.as_ref().expect("playing").id, new);
}
