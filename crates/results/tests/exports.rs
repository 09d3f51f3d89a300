//! Courses and every export format on a known fixture: exact columns and values.

use std::sync::Arc;

use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::course::{AttemptsCounted, Course, CourseStatus, MoveOn};
use silent_slavery_results::export::{self, Selection};
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::statements::{self as xapi, XapiConfig};
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Runner;
use silent_slavery_scenario::play::score::{PassRule, Scaled};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

#[path = "support/front_counter.rs"]
mod front_counter;
use front_counter::{BEST, CRITICAL, FIXTURE, POOR, input};

struct Fixture {
    store: Store,
    catalog: Arc<Catalog>,
    scenario: Arc<LoadedScenario>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with_store(Store::open_in_memory().expect("store"))
    }

    fn with_store(store: Store) -> Fixture {
        let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
        let scenario =
            Arc::new(load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid"));
        for (staff, name, unit) in [
            ("1001", "Ann Example", "North"),
            ("1002", "Bo Example", "North"),
            ("2001", "Cy Example", "South"),
        ] {
            store
                .add_trainee(&Trainee {
                    staff_number: staff.into(),
                    name: name.into(),
                    unit: unit.into(),
                })
                .expect("trainee");
        }
        Fixture {
            store,
            catalog,
            scenario,
        }
    }

    /// Plays `lines` with seed 2, one input every 10 seconds from `start`.
    fn attempt(&self, staff: &str, start: OffsetDateTime, lines: &[&str]) -> Uuid {
        self.attempt_with_gaps(staff, start, lines, |_| Duration::seconds(10))
    }

    /// Plays `lines` with seed 2, input `n` coming `gap(n)` after the one before.
    fn attempt_with_gaps(
        &self,
        staff: &str,
        start: OffsetDateTime,
        lines: &[&str],
        gap: impl Fn(usize) -> Duration,
    ) -> Uuid {
        let id = self
            .store
            .start_attempt_at(
                staff,
                IdentifiedBy::CommandLine,
                &self.scenario,
                2,
                &PassRule::of(&self.scenario.scenario),
                start,
            )
            .expect("started");
        let (mut runner, _) =
            Runner::start(Arc::clone(&self.scenario), Arc::clone(&self.catalog), 2)
                .expect("runner");
        let mut at = start;
        for (n, line) in lines.iter().enumerate() {
            let step = runner.current_step().to_owned();
            let events = runner.apply(&input(line)).expect("applies");
            let score = runner.is_finished().then(|| runner.score());
            at += gap(n);
            self.store
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
        id
    }
}

fn course(move_on: MoveOn, counted: AttemptsCounted) -> Course {
    Course {
        id: "fixture".into(),
        title: "Fixture course".into(),
        short_name: "FIX-1".into(),
        id_number: Some("FX001".into()),
        scenarios: vec!["fixture_front_counter".into()],
        mastery_score: 0.8,
        move_on,
        attempts_counted: counted,
    }
}

fn csv(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    write(&mut out);
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn course_completion_follows_each_move_on_rule() {
    let f = Fixture::new();
    f.attempt("1001", datetime!(2026-11-02 09:00 UTC), POOR);
    f.attempt("1001", datetime!(2026-11-03 09:00 UTC), BEST);
    f.attempt("1002", datetime!(2026-11-04 09:00 UTC), POOR);
    // 2001 has only an unfinished attempt.
    let id = f
        .store
        .start_attempt_at(
            "2001",
            IdentifiedBy::CommandLine,
            &f.scenario,
            2,
            &PassRule::of(&f.scenario.scenario),
            datetime!(2026-11-05 09:00 UTC),
        )
        .expect("started");
    let standing =
        |c: &Course, staff: &str| c.standing(&f.store.attempts_of(staff).expect("attempts"));

    let passed = course(MoveOn::Passed, AttemptsCounted::Best);
    let ann = standing(&passed, "1001");
    assert_eq!(ann.status, CourseStatus::Completed);
    // Done when the best attempt finished: its start plus its eight inputs, ten seconds apart.
    assert_eq!(ann.completed_at, Some(datetime!(2026-11-03 09:01:20 UTC)));
    assert_eq!(ann.grade, Some(Scaled::of(1, 1)));
    assert_eq!(standing(&passed, "1002").status, CourseStatus::InProgress);
    assert_eq!(standing(&passed, "2001").status, CourseStatus::InProgress);

    for move_on in [MoveOn::Completed, MoveOn::CompletedOrPassed] {
        let c = course(move_on, AttemptsCounted::Best);
        assert_eq!(
            standing(&c, "1002").status,
            CourseStatus::Completed,
            "{move_on:?}"
        );
        assert_eq!(
            standing(&c, "2001").status,
            CourseStatus::InProgress,
            "{move_on:?}"
        );
    }
    let c = course(MoveOn::CompletedAndPassed, AttemptsCounted::Best);
    assert_eq!(standing(&c, "1002").status, CourseStatus::InProgress);
    assert_eq!(standing(&c, "1001").status, CourseStatus::Completed);
    let c = course(MoveOn::NotApplicable, AttemptsCounted::Best);
    assert_eq!(standing(&c, "2001").status, CourseStatus::Completed);

    // Latest: Ann's last attempt fails, so under Passed she is no longer complete.
    f.attempt("1001", datetime!(2026-11-06 09:00 UTC), POOR);
    assert_eq!(
        standing(&course(MoveOn::Passed, AttemptsCounted::Latest), "1001").status,
        CourseStatus::InProgress
    );
    assert_eq!(
        standing(&course(MoveOn::Passed, AttemptsCounted::Best), "1001").status,
        CourseStatus::Completed
    );
    let _ = id;
}

#[test]
fn every_export_has_the_documented_columns_and_values() {
    let f = Fixture::new();
    let best = f.attempt("1001", datetime!(2026-11-03 09:00 UTC), BEST);
    let poor = f.attempt("1002", datetime!(2026-11-04 09:00 UTC), POOR);
    let critical = f.attempt("2001", datetime!(2026-11-05 09:00 UTC), CRITICAL);
    let all = Selection::default();
    let courses = [course(MoveOn::Passed, AttemptsCounted::Best)];

    let attempts = csv(|w| {
        export::attempts_csv(&f.store, &f.catalog, &all, w, |_| {}).expect("export");
    });
    let lines: Vec<&str> = attempts.lines().collect();
    assert_eq!(
        lines[0],
        "attempt_id,staff_number,name,unit,scenario_id,scenario_version,content_hash,seed,started_at,finished_at,duration_seconds,status,outcome,passed,silent-slavery-2003_scaled,silent-slavery-2003_raw,silent-slavery-2003_max,uk-ew-current_scaled,uk-ew-current_raw,uk-ew-current_max,critical_breaches,identified_by"
    );
    let hash = &f.scenario.content_hash();
    assert_eq!(
        lines[1],
        format!(
            "{best},1001,Ann Example,North,fixture_front_counter,3,{hash},2,2026-11-03T09:00:00Z,2026-11-03T09:01:20Z,80.000,finished,SafeguardedAndReferred,true,1.0000,26,26,1.0000,21,21,,command_line"
        )
    );
    // Status check (-10) then the helpline (+2), one strong indicator flagged (+3): -5 of 26.
    assert_eq!(
        lines[2],
        format!(
            "{poor},1002,Bo Example,North,fixture_front_counter,3,{hash},2,2026-11-04T09:00:00Z,2026-11-04T09:01:10Z,70.000,finished,ReferredLate,false,0.0000,-5,26,0.0000,-2,21,,command_line"
        )
    );
    assert!(
        lines[3].ends_with(
            ",VictimLost,false,0.0000,-10,26,0.0000,0,21,p3_partnership_support,command_line"
        ),
        "{}",
        lines[3]
    );
    assert_eq!(lines.len(), 4);

    let decisions = csv(|w| {
        export::decisions_csv(&f.store, &all, w, |_| {}).expect("export");
    });
    let lines: Vec<&str> = decisions.lines().collect();
    assert_eq!(
        lines[0],
        "attempt_id,staff_number,scenario_id,scenario_version,seq,step,option,upheld,breached,points,decided_at,time_taken_seconds"
    );
    assert_eq!(
        lines[1],
        format!(
            "{best},1001,fixture_front_counter,3,4,first,private_room,p1_human_rights_not_immigration:10;ew_independent_interpreter:5,,silent-slavery-2003:10;uk-ew-current:5,2026-11-03T09:00:50Z,10.000"
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "{best},1001,fixture_front_counter,3,6,second,refer,rec_04_not_conditional_on_evidence:10;ew_informed_consent_adult_nrm:10,,silent-slavery-2003:10;uk-ew-current:10,2026-11-03T09:01:10Z,10.000"
        )
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains(",first,come_back,,p3_partnership_support:10!,silent-slavery-2003:-10,")),
        "{decisions}"
    );
    assert_eq!(lines.len(), 1 + 2 + 2 + 1);

    let totara = csv(|w| {
        export::totara_csv(&f.store, &courses, &all, w).expect("export");
    });
    assert_eq!(
        totara,
        "username,courseshortname,courseidnumber,completiondate,grade\n1001,FIX-1,FX001,2026-11-03,100.00\n"
    );

    let moodle = csv(|w| {
        export::moodle_csv(&f.store, &courses, &all, w).expect("export");
    });
    assert_eq!(
        moodle,
        "idnumber,FIX-1\n1001,100.00\n1002,0.00\n2001,0.00\n"
    );

    let kpi = csv(|w| {
        export::kpi_csv(&f.store, &courses, &all, w).expect("export");
    });
    assert_eq!(
        kpi,
        "unit,staff,staff_completed,attempts,attempts_identified_and_referred,attempts_investigation_opened,attempts_with_critical_error,most_missed_indicators\n\
         North,2,1,2,1,1,0,untreated_injuries:1\n\
         South,1,0,1,0,0,1,documents_held_by_other:1;untreated_injuries:1\n"
    );

    // Selections: since a date, and by unit.
    let since = Selection {
        since: Some(datetime!(2026-11-04 00:00 UTC)),
        ..Selection::default()
    };
    let n = export::attempts_csv(&f.store, &f.catalog, &since, Vec::new(), |_| {}).expect("export");
    assert_eq!(n, 2);
    let south = Selection {
        unit: Some("South"),
        ..Selection::default()
    };
    let n = export::decisions_csv(&f.store, &south, Vec::new(), |_| {}).expect("export");
    assert_eq!(n, 1);
    let _ = critical;
}

#[test]
fn xapi_statements_follow_cmi5_rules() {
    let f = Fixture::new();
    let id = f.attempt("1001", datetime!(2026-11-03 09:00 UTC), BEST);
    let config = XapiConfig {
        home_page: "https://lms.example.org".into(),
        activity_base: "https://lms.example.org/silent-slavery".into(),
        pseudonymise_key: None,
    };
    let record = f.store.attempt(id).expect("attempt");
    let inputs = f.store.inputs(id).expect("inputs");
    let ruleset_of = |rule: &str| f.catalog.rule(rule).map(|(s, _)| s.id.clone());
    let trainee = f.store.trainee("1001").expect("read").expect("trainee");
    let statements = xapi::attempt_statements(
        &config,
        &trainee,
        &record,
        &f.scenario.scenario,
        &inputs,
        &ruleset_of,
    );
    let verbs: Vec<&str> = statements
        .iter()
        .map(|s| s["verb"]["id"].as_str().expect("verb"))
        .collect();
    assert_eq!(
        verbs,
        [
            "http://adlnet.gov/expapi/verbs/initialized",
            "http://adlnet.gov/expapi/verbs/answered",
            "http://adlnet.gov/expapi/verbs/answered",
            "http://adlnet.gov/expapi/verbs/completed",
            "http://adlnet.gov/expapi/verbs/passed",
            "http://adlnet.gov/expapi/verbs/terminated"
        ]
    );
    for s in &statements {
        assert_eq!(s["context"]["registration"], id.to_string());
        assert_eq!(s["actor"]["account"]["name"], "1001");
        assert_eq!(s["actor"]["account"]["homePage"], "https://lms.example.org");
        assert_eq!(
            s["context"]["extensions"]["https://lms.example.org/silent-slavery/xapi/extensions/seed"],
            "2"
        );
        assert_eq!(
            s["context"]["extensions"]["https://lms.example.org/silent-slavery/xapi/extensions/content-hash"],
            f.scenario.content_hash()
        );
    }
    let answered = &statements[1];
    assert_eq!(
        answered["object"]["definition"]["interactionType"],
        "choice"
    );
    assert_eq!(
        answered["object"]["definition"]["correctResponsesPattern"],
        serde_json::json!(["private_room"])
    );
    assert_eq!(answered["result"]["response"], "private_room");
    assert_eq!(answered["result"]["success"], true);
    assert_eq!(
        statements[3]["result"],
        serde_json::json!({"completion": true, "duration": "PT1M20S"})
    );
    // The verdict's result is cmi5's, plus result extensions holding the whole attempt
    // (checked below).
    let mut result = statements[4]["result"].clone();
    let detail = result
        .as_object_mut()
        .and_then(|r| r.remove("extensions"))
        .expect("result extensions");
    assert_eq!(
        result,
        serde_json::json!({"score": {"scaled": 1.0, "raw": 26, "min": -25, "max": 26}, "success": true, "completion": true, "duration": "PT1M20S"})
    );
    let ext = |name: &str| {
        detail[format!("https://lms.example.org/silent-slavery/xapi/extensions/{name}")].clone()
    };
    assert_eq!(ext("started"), "2026-11-03T09:00:00.000Z");
    assert_eq!(ext("finished"), "2026-11-03T09:01:20.000Z");
    assert_eq!(ext("ending"), serde_json::json!(record.ending));
    assert_eq!(
        ext("score"),
        serde_json::to_value(&record.score).expect("json")
    );
    assert_eq!(
        ext("pass-rule"),
        serde_json::to_value(&record.pass_rule).expect("json")
    );
    let carried = ext("inputs");
    let carried = carried.as_array().expect("inputs");
    assert_eq!(carried.len(), BEST.len());
    for (held, stored) in carried.iter().zip(&inputs) {
        assert_eq!(held["seq"], stored.seq);
        assert_eq!(held["step"], stored.step.as_str());
        assert_eq!(
            held["input"],
            serde_json::to_value(&stored.input).expect("json")
        );
        assert_eq!(
            held["events"],
            serde_json::to_value(&stored.events).expect("json")
        );
    }
    // Who and where: the name beside the account, the unit as the team, how identified.
    assert_eq!(statements[4]["actor"]["name"], "Ann Example");
    assert_eq!(statements[4]["context"]["team"]["name"], "North");
    assert_eq!(
        statements[4]["context"]["extensions"]["https://lms.example.org/silent-slavery/xapi/extensions/identified-by"],
        "command_line"
    );
    assert_eq!(statements[4]["timestamp"], "2026-11-03T09:01:20Z");
    // Ids are fixed by the attempt: building again gives the same ones.
    let again = xapi::attempt_statements(
        &config,
        &trainee,
        &record,
        &f.scenario.scenario,
        &inputs,
        &ruleset_of,
    );
    assert_eq!(statements, again);

    let hashed = XapiConfig {
        pseudonymise_key: Some(b"unit secret".to_vec()),
        ..config
    };
    let s = xapi::attempt_statements(
        &hashed,
        &trainee,
        &record,
        &f.scenario.scenario,
        &inputs,
        &ruleset_of,
    );
    let name = s[0]["actor"]["account"]["name"].as_str().expect("name");
    assert_eq!(name.len(), 64);
    assert_ne!(name, "1001");
    assert_eq!(name, hashed.account_name("1001"));
    // A name beside the keyed hash would undo it; the statements say they are pseudonymised.
    assert!(s.iter().all(|st| st["actor"].get("name").is_none()));
    assert!(s.iter().all(|st| st["context"]["extensions"]
        ["https://lms.example.org/silent-slavery/xapi/extensions/pseudonymised"]
        == true));
}

/// A store recorded before the decision summary columns existed (schema version 2) exports
/// the same decisions once it is opened and migrated, with sub-second times shown exactly.
#[test]
fn a_store_from_before_the_decision_columns_exports_the_same_decisions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("results.sqlite3");
    let f = Fixture::with_store(Store::open(&path).expect("store"));
    // Uneven gaps, so milliseconds and trailing zeros both show up in the export.
    let gaps_ms = [1250, 500, 7, 1000, 3120, 40, 999, 2000];
    let id = f.attempt_with_gaps("1001", datetime!(2026-11-03 09:00 UTC), BEST, |n| {
        Duration::milliseconds(gaps_ms[n])
    });
    let store = f.store;
    let export = |store: &Store| {
        csv(|w| {
            export::decisions_csv(store, &Selection::default(), w, |_| {}).expect("export");
        })
    };
    let recorded_now = export(&store);
    let lines: Vec<&str> = recorded_now.lines().collect();
    // The choices are inputs 4 and 6: at 1.25 + 0.5 + 0.007 + 1 + 3.12 s (3.12 s after the
    // input before), and 0.999 s after input 5.
    assert_eq!(
        lines[1],
        format!(
            "{id},1001,fixture_front_counter,3,4,first,private_room,p1_human_rights_not_immigration:10;ew_independent_interpreter:5,,silent-slavery-2003:10;uk-ew-current:5,2026-11-03T09:00:05.877Z,3.120"
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "{id},1001,fixture_front_counter,3,6,second,refer,rec_04_not_conditional_on_evidence:10;ew_informed_consent_adult_nrm:10,,silent-slavery-2003:10;uk-ew-current:10,2026-11-03T09:00:06.916Z,0.999"
        )
    );
    assert_eq!(lines.len(), 3);

    // Turn the file back into a version 2 store, as an older release left it, with one
    // damaged row (bytes that are not text) that must not stop the upgrade.
    drop(store);
    rusqlite::Connection::open(&path)
        .expect("opens")
        .execute_batch(
            "UPDATE attempt_inputs SET events_json = X'FF' WHERE seq = 0;
             ALTER TABLE attempt_inputs DROP COLUMN option;
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
             DROP TABLE trainee_display;
             PRAGMA user_version = 2;",
        )
        .expect("downgraded");
    let migrated = Store::open(&path).expect("reopens and migrates");
    assert_eq!(export(&migrated), recorded_now);
}
