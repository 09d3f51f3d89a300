//! The app without a window (MinimalPlugins + AssetPlugin + StatesPlugin + SimPlugin): a shipped scenario played through messages, screens, scores and what was recorded; leaving and resuming; broken scenario files.

use std::path::Path;
use std::sync::{Arc, Mutex};

use bevy::asset::AssetPlugin;
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use silent_slavery::sim::{
    LibraryEntry, Results, ScenarioLibrary, Screen, Session, SimConfig, SimPlugin, TraineeAction,
};
use silent_slavery_results::attempt::AttemptStatus;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::model::catalog::{Catalog, CueTag};
use silent_slavery_scenario::play::runner::{Input, View};

fn app(root: &Path, db: &Path) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin {
            file_path: root.to_string_lossy().into_owned(),
            ..default()
        },
        StatesPlugin,
    ))
    .insert_resource(SimConfig {
        asset_root: root.to_path_buf(),
        scenarios: "scenarios".into(),
        author: true,
    })
    .insert_resource(Results(Mutex::new(Store::open(db).expect("store"))))
    .add_plugins(SimPlugin);
    // Load every scenario (bounded: a hang is a failure, not a stuck test).
    for _ in 0..2000 {
        app.update();
        let library = app.world().resource::<ScenarioLibrary>();
        if !library.entries.is_empty() && library.settled() {
            return app;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("scenarios did not load");
}

fn send(app: &mut App, action: TraineeAction) {
    app.world_mut().write_message(action);
    // One update for the session to act, one for the state change to apply.
    app.update();
    app.update();
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
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
        TraineeAction::SignIn {
            staff_number: "4521".into(),
            name: String::new(),
            unit: "North".into(),
        },
    );
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(app.world().resource::<Session>().notice.is_some());

    send(
        &mut app,
        TraineeAction::SignIn {
            staff_number: "4521".into(),
            name: "A. Example".into(),
            unit: "North".into(),
        },
    );
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
    let id = app
        .world()
        .resource::<Session>()
        .attempt
        .as_ref()
        .expect("playing")
        .id;
    let position = app
        .world()
        .resource::<Session>()
        .attempt
        .as_ref()
        .expect("playing")
        .runner()
        .transcript()
        .clone();
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
    assert_eq!(
        app.world()
            .resource::<Session>()
            .attempt
            .as_ref()
            .expect("resumed")
            .id,
        id
    );
    assert_eq!(
        app.world()
            .resource::<Session>()
            .attempt
            .as_ref()
            .expect("resumed")
            .runner()
            .transcript(),
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

    send(
        &mut app,
        TraineeAction::SignIn {
            staff_number: "1".into(),
            name: "B. Example".into(),
            unit: "South".into(),
        },
    );
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
    let started = app
        .world()
        .resource::<Session>()
        .attempt
        .as_ref()
        .expect("playing")
        .runner()
        .scenario()
        .content_hash()
        .to_owned();

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
    send(
        &mut app,
        TraineeAction::SignIn {
            staff_number: "1".into(),
            name: "A".into(),
            unit: "U".into(),
        },
    );
    send(&mut app, TraineeAction::Open("nail_bar_visit".into()));
    send(&mut app, TraineeAction::AcceptWarning);
    let id = app
        .world()
        .resource::<Session>()
        .attempt
        .as_ref()
        .expect("playing")
        .id;
    send(&mut app, TraineeAction::Back);
    send(&mut app, TraineeAction::SignOut);
    send(
        &mut app,
        TraineeAction::SignIn {
            staff_number: "2".into(),
            name: "B".into(),
            unit: "U".into(),
        },
    );
    send(&mut app, TraineeAction::Resume(id));
    assert_eq!(screen(&app), Screen::Home);
    assert!(app.world().resource::<Session>().attempt.is_none());

    // Without trainers' tools, the author preview (which shows the answers) stays shut.
    app.world_mut().resource_mut::<SimConfig>().author = false;
    send(&mut app, TraineeAction::AuthorPreview);
    assert_eq!(screen(&app), Screen::Home);
    send(&mut app, TraineeAction::AuthorTool(Screen::Catalogue));
    assert_eq!(screen(&app), Screen::Home);
    let _ = Arc::new(());
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
