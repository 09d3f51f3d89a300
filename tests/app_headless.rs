//! The app without a window (MinimalPlugins + AssetPlugin + StatesPlugin + SimPlugin): a shipped scenario played through messages, screens, scores and what was recorded; leaving and resuming; broken scenario files.

use std::path::Path;

use bevy::prelude::*;
use silent_slavery::sim::{
    Courses, DamagedStore, LibraryEntry, Results, ScenarioLibrary, Screen, Session, SignInAction,
    SimConfig, TraineeAction,
};
use silent_slavery::ui::screens::{debrief, home};
use silent_slavery_results::attempt::AttemptStatus;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::model::catalog::{Catalog, CueTag};
use silent_slavery_scenario::play::runner::{Input, View};

#[path = "support/headless.rs"]
mod headless;
use headless::{app, screen, send};

/// The attempt being played.
fn attempt(app: &App) -> &silent_slavery_results::record::RecordedAttempt {
    app.world()
        .resource::<Session>()
        .attempt
        .as_ref()
        .expect("playing")
}

fn sign_in(app: &mut App, staff_number: &str, name: &str, unit: &str) {
    send(
        app,
        TraineeAction::SignIn(SignInAction::Open {
            staff_number: staff_number.into(),
            name: name.into(),
            unit: unit.into(),
        }),
    );
}

/// The next input a careful trainee makes: flag every true indicator on screen, then
/// follow a path that passes from where the attempt is.
fn careful_input(app: &App, catalog: &Catalog) -> Input {
    let session = app.world().resource::<Session>();
    let runner = session.attempt.as_ref().expect("playing").runner();
    let scenario = runner.scenario();
    match runner.view() {
        View::Identify { cues, .. } => cues
            .iter()
            .find(|c| {
                !c.flagged
                    && matches!(
                        catalog.cue_tag(&c.cue.indicator),
                        Some(CueTag::Indicator(_))
                    )
            })
            .map_or(Input::Continue, |c| Input::Flag(c.cue.id.clone())),
        View::Decision { .. } => {
            let walk = explore::explore(&scenario.scenario, catalog, explore::DEFAULT_PATH_LIMIT);
            let done = runner.transcript();
            let path = explore::scored_paths(&scenario.scenario, catalog, &scenario.bounds, &walk)
                .into_iter()
                .find(|p| {
                    p.score.passed
                        && p.transcript.variants.starts_with(&done.variants)
                        && p.transcript.choices.starts_with(&done.choices)
                })
                .expect("a passing path from here");
            Input::Choose(path.transcript.choices[done.choices.len()].1.clone())
        }
        _ => Input::Continue,
    }
}

#[test]
fn a_trainee_plays_a_shipped_scenario_to_the_debrief_through_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let catalog = Catalog::embedded().expect("catalogue");
    let mut app = app(root, &db);
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(app.world().resource::<ScenarioLibrary>().playable().len() >= 10);

    // An empty name is refused with a reason, on the same screen.
    send(
        &mut app,
        TraineeAction::SignIn(SignInAction::Open {
            staff_number: "4521".into(),
            name: String::new(),
            unit: "North".into(),
        }),
    );
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(app.world().resource::<Session>().notice.is_some());

    sign_in(&mut app, "4521", "A. Example", "North");
    assert_eq!(screen(&app), Screen::Home);
    send(&mut app, TraineeAction::AuthorPreview);
    assert_eq!(screen(&app), Screen::Author);
    send(&mut app, TraineeAction::AuthorTool(Screen::Catalogue));
    assert_eq!(screen(&app), Screen::Catalogue);
    send(&mut app, TraineeAction::AuthorTool(Screen::Graph));
    assert_eq!(screen(&app), Screen::Graph);
    send(&mut app, TraineeAction::AuthorTool(Screen::Debrief));
    assert_eq!(
        screen(&app),
        Screen::Graph,
        "only trainers' screens open this way"
    );
    send(&mut app, TraineeAction::AuthorPreview);
    assert_eq!(screen(&app), Screen::Author);
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);

    send(
        &mut app,
        TraineeAction::Open("roadside_minibus_dawn".into()),
    );
    assert_eq!(
        screen(&app),
        Screen::ContentWarning,
        "the scenario has a content warning"
    );
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);
    send(
        &mut app,
        TraineeAction::Open("roadside_minibus_dawn".into()),
    );
    send(&mut app, TraineeAction::AcceptWarning);
    assert_eq!(screen(&app), Screen::Playing);

    // Play half, save and leave, resume, then finish.
    for _ in 0..6 {
        let input = careful_input(&app, &catalog);
        send(&mut app, TraineeAction::Input(input));
    }
    let id = attempt(&app).id;
    let position = attempt(&app).runner().transcript().clone();
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);
    {
        let store = app.world().resource::<Results>().0.lock().expect("store");
        assert_eq!(
            store.attempt(id).expect("saved").status,
            AttemptStatus::InProgress
        );
        assert_eq!(store.inputs(id).expect("inputs").len(), 6);
    }
    // Opening the scenario again resumes the unfinished attempt rather than starting anew.
    send(
        &mut app,
        TraineeAction::Open("roadside_minibus_dawn".into()),
    );
    assert_eq!(screen(&app), Screen::Playing);
    assert_eq!(attempt(&app).id, id);
    assert_eq!(
        attempt(&app).runner().transcript(),
        &position,
        "resumed exactly where it stopped"
    );
    for _ in 0..200 {
        if screen(&app) != Screen::Playing {
            break;
        }
        let input = careful_input(&app, &catalog);
        send(&mut app, TraineeAction::Input(input));
    }
    assert_eq!(screen(&app), Screen::Debrief);
    let finished = app
        .world()
        .resource::<Session>()
        .finished
        .clone()
        .expect("debrief");
    assert_eq!(finished.id, id);
    assert!(finished.score.passed, "{:?}", finished.score);
    let r2003 = finished
        .score
        .ruleset("silent-slavery-2003")
        .expect("scored");
    assert_eq!(
        r2003.raw, r2003.max,
        "a careful trainee reaches the best score"
    );

    let store = app.world().resource::<Results>().0.lock().expect("store");
    let record = store.attempt(id).expect("stored");
    assert_eq!(record.status, AttemptStatus::Finished);
    assert_eq!(record.passed, Some(true));
    assert_eq!(record.score.as_ref(), Some(&finished.score));
    let inputs = store.inputs(id).expect("inputs");
    assert!(inputs.len() > 6);
    assert!(inputs.iter().any(|i| matches!(i.input, Input::Choose(_))));
    drop(store);

    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);
    send(&mut app, TraineeAction::SignOut);
    assert_eq!(screen(&app), Screen::SignIn);
}

#[test]
fn a_broken_scenario_is_listed_with_its_diagnostic_and_the_rest_stay_playable() {
    let root = tempfile::tempdir().expect("temp dir");
    let scenarios = root.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("folder");
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    std::fs::write(scenarios.join("good.ron"), fixture).expect("write");
    std::fs::write(
        scenarios.join("broken.ron"),
        fixture.replace("next: \"concerns\"", "next: \"concern\""),
    )
    .expect("write");
    let db = root.path().join("results.sqlite3");
    let mut app = app(root.path(), &db);

    let library = app.world().resource::<ScenarioLibrary>();
    let Some(LibraryEntry::Broken(diagnostics)) = library.entries.get("scenarios/broken.ron")
    else {
        panic!(
            "broken.ron is listed as broken: {:?}",
            library.entries.keys().collect::<Vec<_>>()
        );
    };
    let rendered = diagnostics[0].render();
    assert!(
        rendered.starts_with("scenarios/broken.ron:31:19: error: `concern` is not a step"),
        "{rendered}"
    );
    assert_eq!(library.playable().len(), 1);

    sign_in(&mut app, "1", "B. Example", "South");
    send(
        &mut app,
        TraineeAction::Open("fixture_front_counter".into()),
    );
    send(&mut app, TraineeAction::AcceptWarning);
    assert_eq!(
        screen(&app),
        Screen::Playing,
        "the good scenario still plays"
    );
    let started = attempt(&app).runner().scenario().content_hash().to_owned();

    // The trainer fixes the broken file and edits the good one while the attempt is under way.
    std::fs::write(
        scenarios.join("broken.ron"),
        fixture.replace("fixture_front_counter", "fixture_fixed"),
    )
    .expect("write");
    std::fs::write(
        scenarios.join("good.ron"),
        fixture.replace("He is safe and referred.", "He is safe, and referred."),
    )
    .expect("write");
    {
        let server = app.world().resource::<AssetServer>();
        server.reload("scenarios/broken.ron");
        server.reload("scenarios/good.ron");
    }
    let mut reloaded = false;
    for _ in 0..2000 {
        app.update();
        let library = app.world().resource::<ScenarioLibrary>();
        let fixed = matches!(
            library.entries.get("scenarios/broken.ron"),
            Some(LibraryEntry::Ready(_))
        );
        let edited = library
            .scenario("fixture_front_counter")
            .is_some_and(|s| s.content_hash() != started);
        if fixed && edited {
            reloaded = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(reloaded, "the fixed file loads and the edit is picked up");
    assert_eq!(
        app.world().resource::<ScenarioLibrary>().playable().len(),
        2
    );
    // The attempt under way keeps the version it started on.
    let session = app.world().resource::<Session>();
    assert_eq!(
        session
            .attempt
            .as_ref()
            .expect("still playing")
            .runner()
            .scenario()
            .content_hash(),
        started
    );
    send(&mut app, TraineeAction::Input(Input::Continue));
    assert_eq!(screen(&app), Screen::Playing);
}

#[test]
fn one_trainee_cannot_resume_anothers_attempt() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = app(root, &dir.path().join("results.sqlite3"));
    sign_in(&mut app, "1", "A", "U");
    send(&mut app, TraineeAction::Open("nail_bar_visit".into()));
    send(&mut app, TraineeAction::AcceptWarning);
    let id = attempt(&app).id;
    send(&mut app, TraineeAction::Back);
    send(&mut app, TraineeAction::SignOut);
    sign_in(&mut app, "2", "B", "U");
    send(&mut app, TraineeAction::Resume(id));
    assert_eq!(screen(&app), Screen::Home);
    assert!(app.world().resource::<Session>().attempt.is_none());

    // Without trainers' tools, the author preview (which shows the answers) stays shut.
    app.world_mut().resource_mut::<SimConfig>().author = false;
    send(&mut app, TraineeAction::AuthorPreview);
    assert_eq!(screen(&app), Screen::Home);
    send(&mut app, TraineeAction::AuthorTool(Screen::Catalogue));
    assert_eq!(screen(&app), Screen::Home);
}

#[test]
fn the_author_panel_lists_the_audits_findings_at_file_line_col() {
    let root = tempfile::tempdir().expect("temp dir");
    let scenarios = root.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("folder");
    std::fs::write(
        scenarios.join("gameable.ron"),
        include_str!("../crates/scenario/tests/fixtures/gameable.ron"),
    )
    .expect("write");
    let db = root.path().join("results.sqlite3");
    let app = app(root.path(), &db);
    let library = app.world().resource::<ScenarioLibrary>();
    let catalog = Catalog::embedded().expect("catalogue");
    let findings =
        silent_slavery::ui::screens::home::audit_findings(library, &catalog, root.path());
    assert_eq!(findings.len(), 12, "{findings:#?}");
    assert!(
        findings[0].starts_with(
            "scenarios/gameable.ron:6:9: warning: a trainee who knows nothing passes this way (always the longest option, flag every cue)"
        ),
        "{}",
        findings[0]
    );
    assert!(findings.iter().all(|f| f.contains(": warning: ")));
}

#[test]
fn a_busy_store_keeps_the_answer_on_screen_and_saves_it_the_moment_the_lock_clears() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let catalog = Catalog::embedded().expect("catalogue");
    let mut app = app(root, &db);
    sign_in(&mut app, "4521", "A. Example", "North");
    send(
        &mut app,
        TraineeAction::Open("front_counter_walk_in".into()),
    );
    if screen(&app) == Screen::ContentWarning {
        send(&mut app, TraineeAction::AcceptWarning);
    }
    assert_eq!(screen(&app), Screen::Playing);
    let id = attempt(&app).id;
    let saved_inputs = || -> i64 {
        rusqlite::Connection::open(&db)
            .expect("opens")
            .query_row(
                "SELECT COUNT(*) FROM attempt_inputs WHERE attempt_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .expect("count")
    };

    // Another program (a backup, an export) takes the write lock and keeps it.
    let other = rusqlite::Connection::open(&db).expect("opens");
    other.execute_batch("BEGIN IMMEDIATE").expect("locked");
    let input = careful_input(&app, &catalog);
    let before = attempt(&app).runner().transcript().clone();
    send(&mut app, TraineeAction::Input(input.clone()));
    // A second click while it waits is held back, not queued behind it.
    send(&mut app, TraineeAction::Input(Input::Continue));
    let held_since = std::time::Instant::now();
    while held_since.elapsed() < std::time::Duration::from_millis(1200) {
        app.update();
        let session = app.world().resource::<Session>();
        assert_eq!(screen(&app), Screen::Playing);
        assert_eq!(
            session.saving.as_ref().map(|s| s.input.clone()),
            Some(input.clone()),
            "the answer waits, as given"
        );
        assert_eq!(
            session.notice.as_deref(),
            Some(silent_slavery::sim::BUSY_SAVING)
        );
        assert_eq!(
            session
                .attempt
                .as_ref()
                .expect("playing")
                .runner()
                .transcript(),
            &before,
            "the attempt does not move on before its input is saved"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let tries = app
        .world()
        .resource::<Session>()
        .saving
        .as_ref()
        .expect("waiting")
        .tries;
    assert!(tries >= 3, "tried again while waiting: {tries}");
    assert_eq!(saved_inputs(), 0);

    other.execute_batch("COMMIT").expect("released");
    let released = std::time::Instant::now();
    while app.world().resource::<Session>().saving.is_some() {
        assert!(
            released.elapsed() < std::time::Duration::from_secs(10),
            "saved once free"
        );
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(saved_inputs(), 1, "saved once, and only the first answer");
    let session = app.world().resource::<Session>();
    assert_eq!(session.notice, None);
    assert_ne!(
        session
            .attempt
            .as_ref()
            .expect("playing")
            .runner()
            .transcript(),
        &before,
        "the attempt moved on"
    );
}

#[test]
fn a_damaged_store_is_shown_first_and_set_aside_only_when_the_trainee_says_so() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    {
        let store = Store::open(&db).expect("opens");
        store
            .add_trainee(&silent_slavery_results::attempt::Trainee {
                staff_number: "1".into(),
                name: "Before".into(),
                unit: "U".into(),
            })
            .expect("saved");
    }
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&db)
            .expect("opens");
        file.seek(SeekFrom::Start(4096 + 8)).expect("seek");
        file.write_all(&[0xA5; 600]).expect("damaged");
    }
    let damaged_bytes = std::fs::read(&db).expect("read");

    let mut app = app(root, &db);
    app.update();
    assert_eq!(
        screen(&app),
        Screen::StoreDamaged,
        "the damage is shown first"
    );
    // Signing in is not possible from here; nothing is written to the damaged file.
    sign_in(&mut app, "2", "B", "U");
    assert_eq!(screen(&app), Screen::StoreDamaged);
    assert!(app.world().resource::<Session>().trainee.is_none());
    assert_eq!(
        std::fs::read(&db).expect("read"),
        damaged_bytes,
        "not written"
    );
    assert!(app.world().get_resource::<DamagedStore>().is_some());

    send(&mut app, TraineeAction::SetAsideStore);
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(app.world().get_resource::<DamagedStore>().is_none());
    let notice = app
        .world()
        .resource::<Session>()
        .notice
        .clone()
        .expect("told where");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".damaged-"))
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(notice.contains(&aside[0].display().to_string()), "{notice}");
    assert_eq!(std::fs::read(&aside[0]).expect("kept"), damaged_bytes);

    // The new store takes the next trainee's sign-in.
    sign_in(&mut app, "2", "B", "U");
    assert_eq!(screen(&app), Screen::Home);
    drop(app);
    let store = Store::open(&db).expect("the new store is sound");
    assert_eq!(store.trainees().expect("read").len(), 1);
}

#[test]
fn closing_instead_leaves_the_damaged_store_where_it_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    std::fs::write(&db, vec![b'x'; 8192]).expect("written");
    let mut app = app(root, &db);
    app.update();
    assert_eq!(screen(&app), Screen::StoreDamaged);
    send(&mut app, TraineeAction::Quit);
    let exits: Vec<AppExit> = app
        .world_mut()
        .resource_mut::<Messages<AppExit>>()
        .drain()
        .collect();
    assert_eq!(exits, [AppExit::Success]);
    assert_eq!(std::fs::read(&db).expect("read"), vec![b'x'; 8192]);
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
}

/// Opens a scenario afresh or resumes it, past its content warning if it has one.
fn open(app: &mut App, action: TraineeAction) {
    send(app, action);
    if screen(app) == Screen::ContentWarning {
        send(app, TraineeAction::AcceptWarning);
    }
}

#[test]
fn a_finished_attempt_is_reviewed_from_home_and_start_again_asks_before_setting_one_aside() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = Catalog::embedded().expect("catalogue");
    let mut app = app(root, &dir.path().join("results.sqlite3"));
    const SCENARIO: &str = "nail_bar_visit";
    sign_in(&mut app, "4521", "A. Example", "North");
    open(&mut app, TraineeAction::Open(SCENARIO.into()));
    assert_eq!(screen(&app), Screen::Playing);
    for _ in 0..200 {
        if screen(&app) != Screen::Playing {
            break;
        }
        let input = careful_input(&app, &catalog);
        send(&mut app, TraineeAction::Input(input));
    }
    assert_eq!(screen(&app), Screen::Debrief);
    let played = app
        .world()
        .resource::<Session>()
        .finished
        .clone()
        .expect("debrief");
    assert_eq!(played.reviewed, None);
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);

    // Review: the same debrief, rebuilt from the store.
    send(&mut app, TraineeAction::Review(played.id));
    assert_eq!(screen(&app), Screen::Debrief);
    let reviewed = app
        .world()
        .resource::<Session>()
        .finished
        .clone()
        .expect("the reviewed attempt");
    assert_eq!(reviewed.id, played.id);
    assert_eq!(reviewed.score, played.score);
    assert_eq!(reviewed.transcript, played.transcript);
    let finished_at = {
        let store = app.world().resource::<Results>().0.lock().expect("store");
        store.attempt(played.id).expect("stored").finished_at
    };
    assert_eq!(reviewed.reviewed, finished_at);
    let shown = debrief::view(&reviewed, &catalog);
    assert!(
        shown
            .reviewed
            .as_deref()
            .is_some_and(|l| l.starts_with("Your attempt that finished on ")),
        "{:?}",
        shown.reviewed
    );
    assert_eq!(shown, {
        let mut fresh = debrief::view(&played, &catalog);
        fresh.reviewed = shown.reviewed.clone();
        fresh
    });
    send(&mut app, TraineeAction::Back);
    assert_eq!(screen(&app), Screen::Home);

    // Three inputs into a new attempt, then left.
    open(&mut app, TraineeAction::Open(SCENARIO.into()));
    assert_eq!(screen(&app), Screen::Playing);
    let unfinished = attempt(&app).id;
    assert_ne!(unfinished, played.id);
    for _ in 0..3 {
        let input = careful_input(&app, &catalog);
        send(&mut app, TraineeAction::Input(input));
    }
    send(&mut app, TraineeAction::Back);
    // An unfinished attempt is not reviewed.
    send(&mut app, TraineeAction::Review(unfinished));
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(
        app.world().resource::<Session>().notice.as_deref(),
        Some("That attempt is not finished: resume it to carry on.")
    );
    let count = |app: &App| {
        let store = app.world().resource::<Results>().0.lock().expect("store");
        store.attempts_of("4521").expect("attempts").len()
    };
    assert_eq!(count(&app), 2);

    // "Start again" asks; "Keep my attempt" keeps it and starts nothing.
    send(&mut app, TraineeAction::StartAgain(SCENARIO.into()));
    assert_eq!(screen(&app), Screen::Home);
    let question = app
        .world()
        .resource::<Session>()
        .start_again
        .clone()
        .expect("asked");
    assert_eq!((question.attempt, question.inputs), (unfinished, 3));
    send(&mut app, TraineeAction::CancelStartAgain);
    assert!(app.world().resource::<Session>().start_again.is_none());
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(count(&app), 2, "nothing started");

    // Asked again and confirmed: a new attempt; the old one stays, with its inputs.
    send(&mut app, TraineeAction::StartAgain(SCENARIO.into()));
    open(&mut app, TraineeAction::ConfirmStartAgain);
    assert_eq!(screen(&app), Screen::Playing);
    let fresh = attempt(&app).id;
    assert_ne!(fresh, unfinished);
    {
        let store = app.world().resource::<Results>().0.lock().expect("store");
        assert_eq!(store.attempts_of("4521").expect("attempts").len(), 3);
        assert_eq!(
            store.attempt(unfinished).expect("kept").status,
            AttemptStatus::InProgress
        );
        assert_eq!(store.inputs(unfinished).expect("inputs").len(), 3);
        assert_eq!(
            store
                .unfinished("4521")
                .expect("list")
                .first()
                .map(|a| a.id),
            Some(fresh),
            "what Resume offers now"
        );
    }
    send(&mut app, TraineeAction::Back);

    // Another trainee cannot review it.
    send(&mut app, TraineeAction::SignOut);
    sign_in(&mut app, "2", "B. Example", "South");
    send(&mut app, TraineeAction::Review(played.id));
    assert_eq!(screen(&app), Screen::Home);
    assert!(app.world().resource::<Session>().finished.is_none());
    assert_eq!(
        app.world().resource::<Session>().notice.as_deref(),
        Some("That attempt belongs to someone else.")
    );
}

#[test]
fn after_a_restart_the_home_screen_knows_where_the_trainee_left_off() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let catalog = Catalog::embedded().expect("catalogue");
    let id = {
        let mut app = app(root, &db);
        sign_in(&mut app, "4521", "A. Example", "North");
        open(&mut app, TraineeAction::Open("nail_bar_visit".into()));
        for _ in 0..2 {
            let input = careful_input(&app, &catalog);
            send(&mut app, TraineeAction::Input(input));
        }
        attempt(&app).id
        // The app is dropped mid-attempt: closed, or crashed.
    };
    let mut app = app(root, &db);
    sign_in(&mut app, "4521", "A. Example", "North");
    assert_eq!(screen(&app), Screen::Home);
    let view = {
        let world = app.world();
        let store = world.resource::<Results>().0.lock().expect("store");
        home::view(
            world.resource::<Session>(),
            world.resource::<ScenarioLibrary>(),
            &store,
            world.resource::<silent_slavery::sim::TraineeHistory>(),
            &world.resource::<Courses>().0,
            false,
            Vec::new(),
        )
    };
    let left_off = view.left_off.expect("where the trainee was");
    assert_eq!(left_off.scenario, "nail_bar_visit");
    assert_eq!(left_off.resume, Some(id.to_string()));
    assert!(
        left_off.line.contains(", 2 answers saved, last on "),
        "{}",
        left_off.line
    );
    // The shipped courses are read, and this trainee has passed none of them yet.
    assert!(!view.progress.is_empty());
    assert!(view.progress.iter().all(|p| p.done == 0 && p.required > 0));
    assert!(
        view.progress.iter().any(|p| p
            .line()
            .starts_with("Trafficking indicators and referral — frontline: 0 of ")),
        "{:?}",
        view.progress
    );
    send(&mut app, TraineeAction::Resume(id));
    assert_eq!(screen(&app), Screen::Playing);
    assert_eq!(attempt(&app).inputs_recorded(), 2);
}

#[test]
fn display_settings_follow_the_trainee_and_never_carry_over_to_the_next() {
    use silent_slavery::ui::DisplaySettings;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let mut app = app(root, &db);
    app.add_plugins(silent_slavery::ui::settings::plugin);
    app.update();
    let workstation = app.world().resource::<DisplaySettings>().clone();
    let scale = |app: &App| app.world().resource::<DisplaySettings>().scale;
    let contrast = |app: &App| app.world().resource::<DisplaySettings>().high_contrast;
    let stored = |staff: &str| {
        let raw = rusqlite::Connection::open(&db).expect("raw");
        raw.query_row(
            "SELECT text_scale, high_contrast FROM trainee_display WHERE staff_number = ?1",
            [staff],
            |r| Ok((r.get::<_, f64>(0)?, r.get::<_, bool>(1)?)),
        )
        .ok()
    };

    // The trainer signs in and makes the text small with high contrast.
    sign_in(&mut app, "TR-1", "Trainer One", "Training");
    {
        let mut settings = app.world_mut().resource_mut::<DisplaySettings>();
        settings.scale = 0.8;
        settings.high_contrast = true;
    }
    app.update();
    assert_eq!(stored("TR-1"), Some((f64::from(0.8_f32), true)));
    send(&mut app, TraineeAction::SignOut);
    assert_eq!(
        scale(&app),
        workstation.scale,
        "the workstation's size is back"
    );
    assert_eq!(contrast(&app), workstation.high_contrast);

    // The next trainee starts from the workstation's settings, not the trainer's.
    sign_in(&mut app, "PC-2", "Trainee Two", "North");
    assert_eq!(scale(&app), workstation.scale);
    assert!(!contrast(&app));
    assert_eq!(
        stored("PC-2"),
        Some((f64::from(workstation.scale), workstation.high_contrast)),
        "a first sign-in keeps what the sign-in screen showed"
    );
    app.world_mut().resource_mut::<DisplaySettings>().scale = 1.6;
    app.update();
    assert_eq!(stored("PC-2"), Some((f64::from(1.6_f32), false)));
    send(&mut app, TraineeAction::SignOut);

    // The trainer again: their own settings are applied at sign-in.
    sign_in(&mut app, "TR-1", "Trainer One", "Training");
    assert_eq!(scale(&app), 0.8);
    assert!(contrast(&app));
    send(&mut app, TraineeAction::SignOut);
    assert_eq!(scale(&app), workstation.scale);

    // And after a restart of the app, from the store.
    drop(app);
    let mut app = headless::app(root, &db);
    app.add_plugins(silent_slavery::ui::settings::plugin);
    app.update();
    sign_in(&mut app, "PC-2", "Trainee Two", "North");
    assert_eq!(scale(&app), 1.6);
}

/// The title of the one scenario in the library, once it is loaded.
fn only_title(app: &App) -> Option<String> {
    app.world()
        .resource::<ScenarioLibrary>()
        .entries
        .values()
        .find_map(|e| match e {
            LibraryEntry::Ready(s) => Some(s.scenario.title.clone()),
            _ => None,
        })
}

/// Edits the scenario file under `root` while an app runs with `author` on or off, and
/// says whether the library showed the new title within a few seconds.
fn reloads_an_edited_file(author: bool) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scenarios")).expect("folder");
    let file = root.join("scenarios/front_counter.ron");
    let text = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    std::fs::write(&file, text).expect("written");
    let mut app = headless::app_from(
        root,
        headless::Setup {
            db: None,
            author,
            identity: silent_slavery_results::identity::IdentityMode::Open,
            os_account: None,
        },
    );
    let before = only_title(&app).expect("loaded");
    // Let the watcher settle before the edit, as a trainer's editor would.
    for _ in 0..20 {
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let edited = text.replacen(&format!("\"{before}\""), "\"Edited while running\"", 1);
    assert_ne!(edited, text, "the title is in the file");
    std::fs::write(&file, edited).expect("edited");
    // The watcher debounces for a moment; five seconds is ample.
    for _ in 0..500 {
        app.update();
        if only_title(&app).as_deref() == Some("Edited while running") {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

#[test]
fn an_edited_scenario_reloads_while_the_app_runs_with_author_tools() {
    // The binary trainers are given: no cargo feature, `--author` (SimConfig.author) on.
    assert!(
        reloads_an_edited_file(true),
        "the edit did not reload with --author"
    );
    // Trainees' runs do not watch the files.
    assert!(
        !reloads_an_edited_file(false),
        "the edit reloaded without --author"
    );
}

#[test]
fn a_scene_picture_is_found_beside_its_scenario_and_a_missing_one_is_reported_at_its_place() {
    use silent_slavery::ui::screens::playing::{self, StepView};
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("scenarios/images")).expect("folders");
    std::fs::write(root.join("scenarios/images/counter.png"), b"png").expect("image");
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let anchor = "            next: \"concerns\",\n";
    let with_image = |file: &str| {
        fixture.replacen(
            anchor,
            &format!(
                "{anchor}            image: (file: \"{file}\", alt: \"The front counter behind glass\"),\n"
            ),
            1,
        )
    };
    std::fs::write(
        root.join("scenarios/pictured.ron"),
        with_image("images/counter.png"),
    )
    .expect("written");
    let missing = with_image("images/yard.png").replacen(
        "id: \"fixture_front_counter\"",
        "id: \"fixture_front_counter_two\"",
        1,
    );
    std::fs::write(root.join("scenarios/missing.ron"), &missing).expect("written");
    let mut app = headless::app_from(
        root,
        headless::Setup {
            db: None,
            author: false,
            identity: silent_slavery_results::identity::IdentityMode::Open,
            os_account: None,
        },
    );
    let library = app.world().resource::<ScenarioLibrary>();
    assert!(matches!(
        library.entries.get("scenarios/pictured.ron"),
        Some(LibraryEntry::Ready(_))
    ));
    let Some(LibraryEntry::Broken(diagnostics)) = library.entries.get("scenarios/missing.ron")
    else {
        panic!("the scenario with a missing picture is not playable");
    };
    let found: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.problem.code() == "image-not-found")
        .collect();
    assert_eq!(found.len(), 1, "{diagnostics:#?}");
    let offset = missing.find("\"images/yard.png\"").expect("written");
    let line = missing[..offset].matches('\n').count() + 1;
    assert_eq!(found[0].position.line, line);
    assert_eq!(found[0].file, "scenarios/missing.ron");

    // Played, the scene names its picture by its asset path beside the scenario.
    sign_in(&mut app, "4521", "A. Example", "North");
    send(
        &mut app,
        TraineeAction::Open("fixture_front_counter".into()),
    );
    send(&mut app, TraineeAction::AcceptWarning);
    assert_eq!(screen(&app), Screen::Playing);
    let view = playing::view(attempt(&app), None, None);
    let StepView::Scene {
        image: Some(image), ..
    } = view.step
    else {
        panic!("the first scene with its picture: {:?}", view.step);
    };
    assert_eq!(image.asset, "scenarios/images/counter.png");
    assert_eq!(image.alt, "The front counter behind glass");
    assert_eq!(image.texture, None, "no window, no texture");
}
