//! Many workstations, one record: two workstation stores sync to one real LRS (Ralph on 127.0.0.1), and `report`, every `export` format and `stats` read from the LRS give the same bytes as from one store holding all their attempts; a third workstation's app, headless, shows a trainee's results from another; other tools' statements and malformed ones are counted; an LRS that is down, slow or cuts a page short gives a clear error and no output file.
//!
//! Needs `bash tests/support/install-lrs.sh`; without it the test says so and passes,
//! except under CI (`CI=true`), where a missing LRS is a failure.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bevy::asset::AssetPlugin;
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use serde_json::{Value, json};
use silent_slavery::sim::{
    Courses, HistorySource, HistoryState, OpenedResults, Results, ScenarioLibrary, Screen, Session,
    SignInAction, SimConfig, SimPlugin, TraineeAction, TraineeHistory, open_results,
};
use silent_slavery::ui::screens::home::{self, ScenarioStatus};
use silent_slavery_results::attempt::Trainee;
use silent_slavery_results::identity::IdentityMode;
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::outbox::{Backoff, Lrs};
use silent_slavery_results::xapi::read::{self, ReadError, ReadFilter};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;

#[path = "support/cli.rs"]
mod cli;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/ralph.rs"]
mod ralph;

use cli::cli;
use fault_proxy::{Fault, FaultProxy};
use ralph::{PASSWORD, Ralph, USER, lrs_available, record_path_as};

const HOME_PAGE: &str = "https://lms.example.org";

fn shipped(catalog: &Catalog) -> Vec<Arc<LoadedScenario>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    silent_slavery_scenario::library::load_paths(&[root.join("scenarios")], catalog)
        .scenarios
        .into_iter()
        .filter(|s| !s.file.contains("/_"))
        .map(Arc::new)
        .collect()
}

/// A workstation's store with these trainees.
fn workstation(db: &Path, trainees: &[(&str, &str, &str)]) -> Store {
    let store = Store::open(db).expect("store");
    for (staff, name, unit) in trainees {
        store
            .add_trainee(&Trainee {
                staff_number: (*staff).into(),
                name: (*name).into(),
                unit: (*unit).into(),
            })
            .expect("trainee");
    }
    store
}

/// `sync` from the command line; every statement must be delivered.
fn sync(db: &Path, ralph: &Ralph, password_file: &Path) {
    let out = cli()
        .args(["sync", "--lrs", &ralph.endpoint(), "--user", USER])
        .arg("--password-file")
        .arg(password_file)
        .arg("--db")
        .arg(db)
        .args(["--home-page", HOME_PAGE])
        .output()
        .expect("sync runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("rejected 0, still waiting 0"), "{stdout}");
}

/// One store holding every attempt of the given workstation stores, copied row by row with
/// SQLite itself (not through the code under test).
fn union_of(target: &Path, sources: &[&Path]) {
    drop(Store::open(target).expect("schema"));
    let conn = rusqlite::Connection::open(target).expect("opens");
    for (n, source) in sources.iter().enumerate() {
        let name = format!("w{n}");
        conn.execute(
            &format!("ATTACH DATABASE ?1 AS {name}"),
            [source.to_string_lossy()],
        )
        .expect("attach");
        for table in [
            "trainees",
            "scenario_versions",
            "attempts",
            "attempt_inputs",
            "attempt_scores",
            "critical_breaches",
        ] {
            conn.execute(
                &format!("INSERT OR IGNORE INTO main.{table} SELECT * FROM {name}.{table}"),
                [],
            )
            .expect("copy");
        }
        conn.execute(&format!("DETACH DATABASE {name}"), [])
            .expect("detach");
    }
}

/// POSTs statements straight to the LRS, as another tool would.
fn post(ralph: &Ralph, statements: &Value) {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    agent
        .post(&format!("{}statements", ralph.endpoint()))
        .header("Authorization", &format!("Basic {auth}"))
        .header("X-Experience-API-Version", "1.0.3")
        .header("Content-Type", "application/json")
        .send(statements.to_string())
        .expect("the LRS takes them");
}

/// A workstation's app without a window, on the store `db`, reading trainees' history from
/// the LRS at `endpoint`, with the shipped scenarios loaded.
fn headless_app(db: &Path, endpoint: &str) -> App {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
        author: false,
        identity: IdentityMode::Open,
    });
    match open_results(db).expect("store") {
        OpenedResults::Sound(results) => app.insert_resource(results),
        OpenedResults::Damaged(..) => panic!("a new store is sound"),
    };
    let backoff = Backoff {
        tries: 1,
        first_wait: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    let mut source = HistorySource::new(
        Lrs::new(endpoint, USER, PASSWORD, backoff).expect("lrs"),
        ralph::config(),
    );
    source.backoff = backoff;
    app.insert_resource(source).add_plugins(SimPlugin);
    for _ in 0..2000 {
        app.update();
        let library = app.world().resource::<ScenarioLibrary>();
        if !library.entries.is_empty() && library.settled() {
            return app;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("scenarios did not load");
}

/// Signs in, and runs the app until the history read from the LRS has come back (or not).
fn sign_in_and_wait(app: &mut App, staff: &str) -> home::HomeView {
    app.world_mut()
        .write_message(TraineeAction::SignIn(SignInAction::Open {
            staff_number: staff.into(),
            name: "B. Example".into(),
            unit: "South Custody".into(),
        }));
    app.update();
    app.update();
    // The home screen is there at once; the history comes when it comes.
    assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Home);
    assert_ne!(
        app.world().resource::<TraineeHistory>().state,
        HistoryState::NoLrs,
        "a read of the history started"
    );
    for _ in 0..600 {
        if app.world().resource::<TraineeHistory>().state != HistoryState::Fetching {
            break;
        }
        app.update();
        std::thread::sleep(Duration::from_millis(50));
    }
    let world = app.world();
    let store = world.resource::<Results>().0.lock().expect("store");
    home::view(
        world.resource::<Session>(),
        world.resource::<ScenarioLibrary>(),
        &store,
        world.resource::<TraineeHistory>(),
        &world.resource::<Courses>().0,
        false,
        Vec::new(),
    )
}

/// The command with the given source arguments: (exit code, stdout, stderr).
fn run(args: &[&str], source: &[String]) -> (Option<i32>, Vec<u8>, String) {
    let out = cli().args(args).args(source).output().expect("runs");
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn reports_and_exports_from_the_lrs_equal_those_from_one_store_of_every_workstation() {
    if !lrs_available() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenarios = shipped(&catalog);
    assert!(scenarios.len() >= 10);

    // Workstation A: one trainee plays every shipped scenario, and fails one.
    let db_a = work.path().join("workstation-a.sqlite3");
    let a = workstation(&db_a, &[("4521", "A. Example", "North Response")]);
    for (n, scenario) in scenarios.iter().enumerate() {
        record_path_as(&a, "4521", &catalog, scenario, n as u64, false);
    }
    record_path_as(&a, "4521", &catalog, &scenarios[0], 99, true);
    // Workstation B: two other trainees, other units, some of the same scenarios.
    let db_b = work.path().join("workstation-b.sqlite3");
    let b = workstation(
        &db_b,
        &[
            ("5107", "B. Example", "South Custody"),
            ("6230", "C. Example", "Airport Border Team"),
        ],
    );
    for (n, scenario) in scenarios.iter().take(5).enumerate() {
        record_path_as(&b, "5107", &catalog, scenario, 40 + n as u64, n == 2);
    }
    record_path_as(&b, "6230", &catalog, &scenarios[1], 3, true);
    record_path_as(&b, "6230", &catalog, &scenarios[1], 4, false);
    drop((a, b));

    let ralph = Ralph::start(&work.path().join("lrs"));
    let password_file = work.path().join("password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).expect("write");
    sync(&db_a, &ralph, &password_file);
    sync(&db_b, &ralph, &password_file);
    // Both workstations played the same scenario versions; their statements have the same
    // ids, so the LRS holds each version once.
    let versions = ralph
        .stored()
        .iter()
        .filter(|s| s["verb"]["id"] == "https://lms.example.org/silent-slavery/xapi/verbs/defined")
        .count();
    assert_eq!(versions, scenarios.len());
    // Another tool's statements in the same LRS, and one of ours that cannot be read.
    post(
        &ralph,
        &json!([
            {
                "id": "3d0c1d3e-9f3a-4a57-9a43-7d3c2b1a0f00",
                "actor": {"mbox": "mailto:someone@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": "https://other-tool.example.org/courses/fire-safety"},
            },
            {
                "id": "3d0c1d3e-9f3a-4a57-9a43-7d3c2b1a0f01",
                "actor": {"mbox": "mailto:someone@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": "https://other-tool.example.org/courses/fire-safety/intro"},
            },
            {
                "id": "3d0c1d3e-9f3a-4a57-9a43-7d3c2b1a0f02",
                "actor": {"account": {"homePage": HOME_PAGE, "name": "9999"}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": "https://lms.example.org/silent-slavery/scenarios/roadside_minibus_dawn"},
                "context": {"registration": "0190a8a0-0000-7000-8000-000000000009"},
            },
        ]),
    );
    let held = ralph.stored().len();

    let all = work.path().join("all.sqlite3");
    union_of(&all, &[&db_a, &db_b]);
    let from_store = vec!["--db".to_owned(), all.to_string_lossy().into_owned()];
    let from_lrs: Vec<String> = vec![
        "--lrs".into(),
        ralph.endpoint(),
        "--user".into(),
        USER.into(),
        "--password-file".into(),
        password_file.to_string_lossy().into_owned(),
        "--home-page".into(),
        HOME_PAGE.into(),
    ];

    // Reports and item analysis, as text and JSON.
    for args in [
        &["report"][..],
        &["report", "--format", "json"],
        &["report", "--unit", "South Custody"],
        &["stats"],
        &["stats", "--format", "json"],
        &["stats", "--format", "csv", "--table", "options"],
    ] {
        let (code, want, err) = run(args, &from_store);
        assert_eq!(code, Some(0), "{args:?} from the store: {err}");
        assert!(want.len() > 100, "{args:?} has content");
        let (code, got, err) = run(args, &from_lrs);
        assert_eq!(code, Some(0), "{args:?} from the LRS: {err}");
        assert!(
            got == want,
            "{args:?}: from the LRS\n{}\nfrom the store\n{}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
        // What was read, and what was left out, is said on standard error.
        let statements = format!("read {held} statement(s) in ");
        assert!(err.contains(&statements), "{err}");
        assert!(
            err.contains("2 statement(s) of other tools left out"),
            "{err}"
        );
        assert!(
            err.contains("1 statement(s) of this product could not be read")
                && err.contains("3d0c1d3e-9f3a-4a57-9a43-7d3c2b1a0f02"),
            "{err}"
        );
        let pages: u64 = err
            .split(" statement(s) in ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a page count");
        assert!(pages >= 3, "more statements than one page: {err}");
    }

    // Every export format, compared as files.
    for format in ["attempts", "decisions", "totara", "moodle", "kpi", "xapi"] {
        let want = work.path().join(format!("store.{format}"));
        let got = work.path().join(format!("lrs.{format}"));
        let export = |out: &PathBuf, source: &[String]| {
            let mut args = vec!["export", "--format", format, "--out"];
            let out = out.to_string_lossy().into_owned();
            args.push(&out);
            if format == "xapi" && source[0] == "--db" {
                args.extend(["--home-page", HOME_PAGE]);
            }
            let (code, _, err) = run(&args, source);
            assert_eq!(code, Some(0), "{format}: {err}");
        };
        export(&want, &from_store);
        export(&got, &from_lrs);
        let want = std::fs::read(&want).expect("exported");
        assert!(
            String::from_utf8_lossy(&want).lines().count() >= 3,
            "{format} has a header and rows"
        );
        assert!(
            std::fs::read(&got).expect("exported") == want,
            "{format} from the LRS differs from the store's"
        );
    }

    // A third workstation, which B. Example never used: signing in shows their results from
    // workstation B, marked as from another workstation.
    // The LRS answers slowly here (each page held back 1.5 s): the home screen does not
    // wait for it.
    let db_c = work.path().join("workstation-c.sqlite3");
    let slow = FaultProxy::start(ralph.port, vec![Fault::Delay(Duration::from_millis(1500))]);
    let mut third = headless_app(&db_c, &format!("http://127.0.0.1:{}/xAPI/", slow.port));
    let started = std::time::Instant::now();
    third
        .world_mut()
        .write_message(TraineeAction::SignIn(SignInAction::Open {
            staff_number: "5107".into(),
            name: "B. Example".into(),
            unit: "South Custody".into(),
        }));
    third.update();
    third.update();
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        *third.world().resource::<State<Screen>>().get(),
        Screen::Home
    );
    assert_eq!(
        third.world().resource::<TraineeHistory>().state,
        HistoryState::Fetching
    );
    let view = sign_in_and_wait(&mut third, "5107");
    drop(slow);
    assert_eq!(
        third.world().resource::<TraineeHistory>().state,
        HistoryState::Fetched(5)
    );
    assert!(
        view.history
            .as_deref()
            .is_some_and(|h| h.starts_with("Your results from other workstations are included")),
        "{:?}",
        view.history
    );
    for card in &view.scenarios {
        let played = scenarios
            .iter()
            .take(5)
            .position(|s| s.scenario.id == card.id);
        match played {
            Some(2) => assert!(
                matches!(card.status, ScenarioStatus::Failed(_)) && card.elsewhere,
                "{card:?}"
            ),
            Some(_) => {
                assert!(
                    matches!(card.status, ScenarioStatus::Passed(_)) && card.elsewhere,
                    "{card:?}"
                );
                assert!(
                    home::status_label(card)
                        .0
                        .ends_with("(on another workstation)"),
                    "{card:?}"
                );
            }
            None => assert_eq!(card.status, ScenarioStatus::NotStarted, "{card:?}"),
        }
    }
    assert_eq!(
        view.scenarios.iter().filter(|c| c.elsewhere).count(),
        5,
        "every scenario B. Example played, and no other"
    );
    // Offline, the same workstation says so and shows its own results (none).
    let mut offline = headless_app(&db_c, "http://127.0.0.1:9/xAPI/");
    let view = sign_in_and_wait(&mut offline, "5107");
    assert!(
        matches!(
            &offline.world().resource::<TraineeHistory>().state,
            HistoryState::Offline(_)
        ),
        "{:?}",
        offline.world().resource::<TraineeHistory>().state
    );
    assert!(
        view.history.as_deref().is_some_and(
            |h| h.starts_with("Offline: the learning record store could not be reached")
        ),
        "{:?}",
        view.history
    );
    assert!(
        view.scenarios
            .iter()
            .all(|c| c.status == ScenarioStatus::NotStarted && !c.elsewhere)
    );
    drop((third, offline));

    // The LRS cuts the second page short on every try: a clear error, no file, and a file
    // already there is left as it was.
    let proxy = FaultProxy::start(
        ralph.port,
        vec![
            Fault::Pass,
            Fault::CutBody,
            Fault::CutBody,
            Fault::CutBody,
            Fault::CutBody,
        ],
    );
    let out = work.path().join("cut.csv");
    std::fs::write(&out, "the previous export\n").expect("write");
    let mut through_proxy = from_lrs.clone();
    through_proxy[1] = format!("http://127.0.0.1:{}/xAPI/", proxy.port);
    let (code, _, err) = run(
        &[
            "export",
            "--format",
            "attempts",
            "--out",
            &out.to_string_lossy(),
        ],
        &through_proxy,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("could not be read") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("kept"),
        "the previous export\n"
    );
    drop(proxy);

    // A slow LRS: a page late within the timeout is read; one later than it, on every try,
    // stops the read with the timeout named.
    let backoff = Backoff {
        tries: 2,
        first_wait: Duration::from_millis(50),
        timeout: Duration::from_secs(1),
    };
    let config = ralph::config();
    let slow = FaultProxy::start(ralph.port, vec![Fault::Delay(Duration::from_millis(300))]);
    let lrs = Lrs::new(
        &format!("http://127.0.0.1:{}/xAPI/", slow.port),
        USER,
        PASSWORD,
        backoff,
    )
    .expect("lrs");
    let scratch = Store::open_scratch(&work.path().join("slow.sqlite3")).expect("store");
    let report = read::import_from_lrs(
        &lrs,
        &config,
        &ReadFilter::default(),
        &scratch,
        backoff,
        |_| {},
    )
    .expect("a slow LRS is still read");
    assert_eq!(report.statements as usize, held);
    drop(slow);
    let stuck = FaultProxy::start(ralph.port, vec![Fault::Delay(Duration::from_secs(2))]);
    let lrs = Lrs::new(
        &format!("http://127.0.0.1:{}/xAPI/", stuck.port),
        USER,
        PASSWORD,
        backoff,
    )
    .expect("lrs");
    let scratch = Store::open_scratch(&work.path().join("stuck.sqlite3")).expect("store");
    let error = read::import_from_lrs(
        &lrs,
        &config,
        &ReadFilter::default(),
        &scratch,
        backoff,
        |_| {},
    )
    .expect_err("an LRS that never answers in time");
    assert!(
        matches!(&error, ReadError::Unavailable { reason, .. } if reason.to_lowercase().contains("timeout") || reason.to_lowercase().contains("timed out")),
        "{error}"
    );
    stuck.wait_quiet(Duration::from_secs(10));

    // A wrong password is refused at once, named as such.
    let wrong = work.path().join("wrong-password");
    std::fs::write(&wrong, "not the password\n").expect("write");
    let mut refused = from_lrs.clone();
    refused[5] = wrong.to_string_lossy().into_owned();
    let (code, stdout, err) = run(&["report"], &refused);
    assert_eq!(code, Some(2), "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("refused") && err.contains("HTTP 401"), "{err}");

    // The LRS down: a clear error and no file.
    let port = ralph.port;
    drop(ralph);
    let out = work.path().join("down.csv");
    let (code, _, err) = run(
        &[
            "export",
            "--format",
            "totara",
            "--out",
            &out.to_string_lossy(),
        ],
        &from_lrs,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "the LRS at http://127.0.0.1:{port}/xAPI/statements could not be read"
        )),
        "{err}"
    );
    assert!(!out.exists());
}
