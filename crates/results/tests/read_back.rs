//! Attempts rebuilt from their xAPI statements alone, in any order, give the same bytes in every export, the same item analysis and the same records as the store that made them; other tools' statements and malformed ones are counted, not fatal.

use std::sync::Arc;

use serde_json::{Value, json};
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::course::{AttemptsCounted, Course, MoveOn};
use silent_slavery_results::export::{self, Selection};
use silent_slavery_results::stats;
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::outbox;
use silent_slavery_results::xapi::read::{Found, Importer, classify};
use silent_slavery_results::xapi::statements::XapiConfig;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Runner;
use silent_slavery_scenario::play::score::PassRule;
use time::OffsetDateTime;
use time::macros::datetime;

#[path = "support/front_counter.rs"]
mod front_counter;
use front_counter::{BEST, CRITICAL, FIXTURE, POOR, input};

fn config() -> XapiConfig {
    XapiConfig {
        home_page: "https://lms.example.org".into(),
        activity_base: "https://lms.example.org/silent-slavery".into(),
        pseudonymise_key: None,
    }
}

/// Plays `lines` with `seed`, inputs 7.25 seconds apart (sub-second times must survive).
fn play(
    store: &Store,
    catalog: &Arc<Catalog>,
    scenario: &Arc<LoadedScenario>,
    staff: &str,
    start: OffsetDateTime,
    lines: &[&str],
) {
    let id = store
        .start_attempt_at(
            staff,
            IdentifiedBy::CommandLine,
            scenario,
            2,
            &PassRule::of(&scenario.scenario),
            start,
        )
        .expect("started");
    let (mut runner, _) =
        Runner::start(Arc::clone(scenario), Arc::clone(catalog), 2).expect("runner");
    let mut at = start;
    for (n, line) in lines.iter().enumerate() {
        let step = runner.current_step().to_owned();
        let events = runner.apply(&input(line)).expect("applies");
        let score = runner.is_finished().then(|| runner.score());
        at += time::Duration::milliseconds(7250);
        store
            .record_input_at(
                id,
                n as u32,
                &step,
                &input(line),
                &events,
                score.as_ref(),
                at,
            )
            .expect("recorded");
    }
}

fn course() -> Course {
    Course {
        id: "fixture".into(),
        title: "Fixture course".into(),
        short_name: "FIX-1".into(),
        id_number: Some("FX001".into()),
        scenarios: vec!["fixture_front_counter".into()],
        mastery_score: 0.8,
        move_on: MoveOn::CompletedAndPassed,
        attempts_counted: AttemptsCounted::Best,
    }
}

/// Every export and the item analysis of a store, as bytes.
fn everything(store: &Store, catalog: &Catalog) -> Vec<(&'static str, String)> {
    let courses = vec![course()];
    let all = Selection::default();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8");
    let mut out = Vec::new();
    let mut w = Vec::new();
    export::attempts_csv(store, catalog, &all, &mut w, |_| {}).expect("attempts");
    out.push(("attempts", text(std::mem::take(&mut w))));
    export::decisions_csv(store, &all, &mut w, |_| {}).expect("decisions");
    out.push(("decisions", text(std::mem::take(&mut w))));
    export::totara_csv(store, &courses, &all, &mut w).expect("totara");
    out.push(("totara", text(std::mem::take(&mut w))));
    export::moodle_csv(store, &courses, &all, &mut w).expect("moodle");
    out.push(("moodle", text(std::mem::take(&mut w))));
    export::kpi_csv(store, &courses, &all, &mut w).expect("kpi");
    out.push(("kpi", text(std::mem::take(&mut w))));
    let statements =
        outbox::statements_for(store, catalog, &config(), &all, |_| {}).expect("statements");
    out.push((
        "xapi",
        serde_json::to_string_pretty(&statements).expect("json"),
    ));
    let analysis =
        stats::analyse(store, catalog, &stats::Selection::default(), |_, _| {}).expect("stats");
    out.push(("stats", serde_json::to_string(&analysis).expect("json")));
    out
}

#[test]
fn attempts_rebuilt_from_statements_export_the_same_bytes() {
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenario =
        Arc::new(load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
    let source = Store::open_in_memory().expect("store");
    for (staff, name, unit) in [
        ("1001", "Ann Example", "North"),
        ("1002", "Bo Example", "North"),
        ("2001", "Cy Example", "South"),
    ] {
        source
            .add_trainee(&Trainee {
                staff_number: staff.into(),
                name: name.into(),
                unit: unit.into(),
            })
            .expect("trainee");
    }
    play(
        &source,
        &catalog,
        &scenario,
        "1001",
        datetime!(2026-11-02 09:00:00.125 UTC),
        POOR,
    );
    play(
        &source,
        &catalog,
        &scenario,
        "1001",
        datetime!(2026-11-03 09:00 UTC),
        BEST,
    );
    play(
        &source,
        &catalog,
        &scenario,
        "1002",
        datetime!(2026-11-03 10:00 UTC),
        CRITICAL,
    );
    play(
        &source,
        &catalog,
        &scenario,
        "2001",
        datetime!(2026-11-04 11:00 UTC),
        BEST,
    );
    let statements =
        outbox::statements_for(&source, &catalog, &config(), &Selection::default(), |_| {})
            .expect("statements");

    // What each statement is to a reader: one version, four attempts, the rest parts.
    let kinds: Vec<&str> = statements
        .iter()
        .map(|s| match classify(&config(), s).expect("readable") {
            Found::Version(_) => "version",
            Found::Attempt(_) => "attempt",
            Found::Part => "part",
            Found::Foreign => "foreign",
        })
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "version").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "attempt").count(), 4);
    assert_eq!(kinds.iter().filter(|k| **k == "foreign").count(), 0);

    // The LRS gives them in any order: newest first here, so every attempt comes before its
    // version; with one statement twice, another tool's statement, and two of ours broken.
    let mut arriving: Vec<Value> = statements.iter().rev().cloned().collect();
    arriving.insert(3, statements[statements.len() - 2].clone());
    arriving.push(json!({
        "id": "3d0c1d3e-9f3a-4a57-9a43-7d3c2b1a0f00",
        "actor": {"mbox": "mailto:someone@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": "https://other-tool.example.org/courses/fire-safety"},
    }));
    let verdict = statements
        .iter()
        .find(|s| s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed")
        .expect("a failed attempt");
    let mut no_score = verdict.clone();
    no_score["id"] = json!("5a1e2b3c-0000-4000-8000-000000000001");
    no_score["context"]["registration"] = json!("0190a8a0-0000-7000-8000-000000000001");
    no_score["result"]["extensions"]
        .as_object_mut()
        .expect("extensions")
        .remove("https://lms.example.org/silent-slavery/xapi/extensions/score");
    arriving.push(no_score);
    let mut bad_seed = verdict.clone();
    bad_seed["id"] = json!("5a1e2b3c-0000-4000-8000-000000000002");
    bad_seed["context"]["extensions"]["https://lms.example.org/silent-slavery/xapi/extensions/seed"] =
        json!("not a number");
    arriving.push(bad_seed);

    let work = tempfile::tempdir().expect("temp dir");
    let rebuilt = Store::open_scratch(&work.path().join("rebuilt.sqlite3")).expect("store");
    let config = config();
    let mut importer = Importer::new(&rebuilt, &config);
    for statement in arriving {
        importer.take(statement).expect("taken");
    }
    let report = importer.finish().expect("finished");
    assert_eq!(
        (
            report.statements,
            report.attempts,
            report.repeated,
            report.versions,
            report.foreign,
            report.malformed
        ),
        (statements.len() as u64 + 4, 4, 1, 1, 1, 2),
        "{report:?}"
    );
    assert_eq!(report.parts, statements.len() as u64 - 5);
    let reasons: Vec<&str> = report
        .malformed_examples
        .iter()
        .map(|(_, why)| why.as_str())
        .collect();
    assert!(
        reasons[0].contains("does not carry the attempt"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("seed \"not a number\""),
        "{reasons:?}"
    );

    // The same records, inputs, trainees, and the same bytes from every export.
    assert_eq!(
        rebuilt.all_attempts().expect("attempts"),
        source.all_attempts().expect("attempts")
    );
    for attempt in source.all_attempts().expect("attempts") {
        assert_eq!(
            rebuilt.inputs(attempt.id).expect("inputs"),
            source.inputs(attempt.id).expect("inputs")
        );
    }
    assert_eq!(
        rebuilt.trainees().expect("trainees"),
        source.trainees().expect("trainees")
    );
    let expected = everything(&source, &catalog);
    let got = everything(&rebuilt, &catalog);
    for ((name, want), (_, have)) in expected.iter().zip(&got) {
        assert!(want.len() > 40, "{name} has content: {want}");
        assert_eq!(have, want, "{name}");
    }

    // Reading again changes nothing: each attempt is kept once.
    let mut again = Importer::new(&rebuilt, &config);
    for statement in statements.iter().cloned() {
        again.take(statement).expect("taken");
    }
    let report = again.finish().expect("finished");
    assert_eq!((report.attempts, report.repeated), (0, 4));
    assert_eq!(everything(&rebuilt, &catalog), expected);
}

#[test]
fn a_transferred_trainee_keeps_the_unit_of_their_latest_attempt() {
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenario =
        Arc::new(load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
    let mut statements = Vec::new();
    for (unit, day) in [("North", 2), ("South", 5)] {
        let store = Store::open_in_memory().expect("store");
        store
            .add_trainee(&Trainee {
                staff_number: "1001".into(),
                name: "Ann Example".into(),
                unit: unit.into(),
            })
            .expect("trainee");
        let start = datetime!(2026-11-01 09:00 UTC) + time::Duration::days(day);
        play(&store, &catalog, &scenario, "1001", start, BEST);
        statements.extend(
            outbox::statements_for(&store, &catalog, &config(), &Selection::default(), |_| {})
                .expect("statements"),
        );
    }
    // The later attempt (South) arrives first.
    statements.reverse();
    let rebuilt = Store::open_in_memory().expect("store");
    let config = config();
    let mut importer = Importer::new(&rebuilt, &config);
    for statement in statements {
        importer.take(statement).expect("taken");
    }
    let report = importer.finish().expect("finished");
    assert_eq!((report.attempts, report.malformed), (2, 0), "{report:?}");
    let trainee = rebuilt.trainee("1001").expect("read").expect("trainee");
    assert_eq!(trainee.unit, "South");
}
