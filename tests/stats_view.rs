//! The statistics view in author mode: reached from the author preview (headless Bevy), showing the same figures as `silent-slavery stats` for attempts recorded through the store, with real clicks (egui_kittest).

use std::path::Path;
use std::sync::Arc;

use bevy::prelude::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use silent_slavery::sim::{Screen, SignInAction, TraineeAction};
use silent_slavery::ui::screens::stats::{self as view, StatisticsIntent};
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::identity::IdentityMode;
use silent_slavery_results::record::{Recorded, RecordedAttempt};
use silent_slavery_results::stats::{self, Figure};
use silent_slavery_results::store::Store;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::script;

#[path = "support/headless.rs"]
mod headless;
use headless::{Setup, app_from, screen, send};

const FIXTURE: &str = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");

/// The scripted attempts of `tests/stats_cli.rs`, recorded through the store's own path.
fn recorded() -> (Store, Catalog) {
    let catalog = Catalog::embedded().expect("catalogue");
    let scenario =
        Arc::new(load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
    let shared = Arc::new(catalog.clone());
    let store = Store::open_in_memory().expect("store");
    store
        .add_trainee(&Trainee {
            staff_number: "1".into(),
            name: "T".into(),
            unit: "U".into(),
        })
        .expect("trainee");
    let scripts = [
        ("flag no_papers\nchoose private_room\nchoose refer\n", 12),
        (
            "flag no_papers\nchoose private_room\nchoose phone_helpline\n",
            8,
        ),
        (
            "flag accent\nchoose status_check\nchoose phone_helpline\n",
            6,
        ),
        ("choose status_check\nchoose statement_first\n", 4),
        ("choose come_back\n", 2),
    ];
    let mut seed = 0;
    for (text, count) in scripts {
        let inputs = script::parse_script(text).expect("script");
        for _ in 0..count {
            seed += 1;
            let (mut attempt, mut events) = RecordedAttempt::start(
                &store,
                "1",
                IdentifiedBy::CommandLine,
                Arc::clone(&scenario),
                Arc::clone(&shared),
                seed,
            )
            .expect("starts");
            script::play(
                &mut Recorded {
                    attempt: &mut attempt,
                    log: &store,
                },
                &inputs,
                &mut events,
            )
            .expect("plays");
        }
    }
    (store, catalog)
}

#[test]
fn the_statistics_view_shows_the_same_figures_as_the_command_line() {
    let (store, catalog) = recorded();
    let report = stats::analyse(
        &store,
        &catalog,
        &stats::Selection {
            scenario: Some("fixture_front_counter"),
            ..Default::default()
        },
        |_, _| {},
    )
    .expect("analysed");
    let finding = "scenarios/front.ron:6:9: warning: an audit finding".to_owned();
    let statistics = view::view(
        &report,
        vec!["A visitor at the front counter".into()],
        0,
        0,
        1,
        vec![finding.clone()],
    );
    let version = &report.versions[0];
    assert_eq!(statistics.versions.len(), 1);
    assert!(
        statistics.versions[0].starts_with("v3 ("),
        "{:?}",
        statistics.versions
    );
    assert!(statistics.versions[0].ends_with("): 32 finished"));
    // The figures are the report's, decision by decision and option by option.
    assert_eq!(statistics.decisions.len(), 2);
    for (row, d) in statistics.decisions.iter().zip(&version.decisions) {
        assert_eq!(row.step, d.step);
        assert_eq!(row.reached, d.reached);
        assert_eq!(row.facility, d.facility);
        assert_eq!(row.discrimination, d.discrimination);
        assert_eq!(row.efficiency, d.efficiency);
    }
    assert_eq!(statistics.decisions[0].facility, Figure::Value(0.625));
    assert_eq!(
        statistics.decision, 1,
        "the second decision's options are shown"
    );
    let shares: Vec<(&str, Option<f64>)> = statistics
        .options
        .iter()
        .map(|o| (o.id.as_str(), o.share.value()))
        .collect();
    assert_eq!(
        shares,
        [
            ("refer", Some(0.4)),
            ("statement_first", Some(4.0 / 30.0)),
            ("phone_helpline", Some(14.0 / 30.0))
        ]
    );
    assert_eq!(statistics.decisions[1].flags.len(), 1);
    assert!(statistics.summary[0].starts_with("32 finished attempt(s), 0 unfinished;"));

    let mut h = Harness::new_ui_state(
        |ui, state: &mut Option<StatisticsIntent>| {
            if let Some(intent) = view::widget(ui, &statistics) {
                *state = Some(intent);
            }
        },
        None,
    );
    h.run();
    h.get_by_label(&statistics.summary[0]);
    h.get_by_label(&finding);
    h.get_by_label("Facility and discrimination per decision");
    h.get_by_label("Options of second: share of the choices");
    h.get_by_label("47%");
    h.get_by_label("refer (best)");
    h.get_by_label(&format!("Flag: {}", statistics.decisions[1].flags[0]));
    // The flagged decision carries a mark; clicking a decision shows its options.
    h.get_by_label("first").click();
    h.run();
    assert_eq!(h.state(), &Some(StatisticsIntent::Decision(0)));
    h.get_by_label("second ⚑1");
    h.get_by_label("Back to the author preview").click();
    h.run();
    assert_eq!(h.state(), &Some(StatisticsIntent::Back));
}

#[test]
fn a_scenario_nobody_played_says_so() {
    let store = Store::open_in_memory().expect("store");
    let catalog = Catalog::embedded().expect("catalogue");
    let report = stats::analyse(&store, &catalog, &stats::Selection::default(), |_, _| {})
        .expect("analysed");
    let statistics = view::view(&report, vec!["Anything".into()], 0, 0, 0, Vec::new());
    assert!(statistics.decisions.is_empty());
    let notice = statistics.notice.clone().expect("a notice");
    let mut h = Harness::new_ui(|ui| {
        view::widget(ui, &statistics);
    });
    h.run();
    h.get_by_label(&notice);
    h.get_by_label("None: a trainee who knows nothing cannot pass it.");
}

/// The app without a window, in author mode or not, signed in.
fn app(root: &Path, author: bool) -> App {
    let mut app = app_from(
        root,
        Setup {
            db: None,
            author,
            identity: IdentityMode::Open,
            os_account: None,
        },
    );
    send(
        &mut app,
        TraineeAction::SignIn(SignInAction::Open {
            staff_number: "9".into(),
            name: "Trainer".into(),
            unit: "Training".into(),
        }),
    );
    app
}

#[test]
fn trainers_reach_the_statistics_and_trainees_do_not() {
    let root = tempfile::tempdir().expect("temp dir");
    let scenarios = root.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("folder");
    std::fs::write(scenarios.join("front.ron"), FIXTURE).expect("write");

    let mut trainer = app(root.path(), true);
    send(&mut trainer, TraineeAction::AuthorPreview);
    assert_eq!(screen(&trainer), Screen::Author);
    send(&mut trainer, TraineeAction::Statistics);
    assert_eq!(screen(&trainer), Screen::Statistics);
    send(&mut trainer, TraineeAction::AuthorPreview);
    assert_eq!(screen(&trainer), Screen::Author);

    let mut trainee = app(root.path(), false);
    assert_eq!(screen(&trainee), Screen::Home);
    send(&mut trainee, TraineeAction::Statistics);
    assert_eq!(
        screen(&trainee),
        Screen::Home,
        "the statistics are for trainers"
    );
}
