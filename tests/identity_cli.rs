//! Who did it, from the command line: empty identifiers refused, a recorded staff number never renamed without --rename, look-alike trainees named by `report` and stopping the learning-system exports, and an operator's `trainee` tools.

use std::path::Path;
use std::process::Output;

#[path = "support/cli.rs"]
mod support;
use silent_slavery_results::store::Store;
use support::cli;

const SCENARIO: &str = "roadside_minibus_dawn";
const SCRIPT: &str = "tests/scripts/roadside_minibus_dawn_best.txt";

/// Records the scripted attempt for `trainee` (staff number, name, unit) with `extra` flags.
fn run_as(db: &Path, trainee: [&str; 3], extra: &[&str]) -> Output {
    cli()
        .args(["run", "--scenario", SCENARIO, "--choices", SCRIPT, "--db"])
        .arg(db)
        .args([
            "--trainee",
            trainee[0],
            "--name",
            trainee[1],
            "--unit",
            trainee[2],
        ])
        .args(extra)
        .output()
        .expect("runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn attempts(db: &Path, staff_number: &str) -> usize {
    Store::open(db)
        .expect("store")
        .attempts_of(staff_number)
        .expect("attempts")
        .len()
}

#[test]
fn empty_or_spaced_identifiers_are_refused_before_anything_is_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    for (trainee, said) in [
        (
            ["", "A. Example", "North"],
            "--trainee \"\" is empty: nothing was recorded",
        ),
        (["   ", "A. Example", "North"], "--trainee \"   \" is empty"),
        (
            [" 4521", "A. Example", "North"],
            "--trainee \" 4521\" has spaces at its start or end",
        ),
        (["4521", "", "North"], "--name \"\" is empty"),
        // A lead opens the exports in a spreadsheet, which would run these.
        (
            ["4521", "=HYPERLINK(\"http://x\",\"Open\")", "North"],
            "starts with =, +, - or @, which a spreadsheet would run as a formula: nothing was recorded",
        ),
        (
            ["4521", "A. Example", "@SUM(1)"],
            "--unit \"@SUM(1)\" starts with =",
        ),
    ] {
        let out = run_as(&db, trainee, &[]);
        assert_eq!(out.status.code(), Some(2), "{trainee:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{trainee:?}: {}", stderr(&out));
    }
    assert!(
        !db.exists()
            || Store::open(&db)
                .expect("store")
                .trainees()
                .expect("read")
                .is_empty()
    );
    // A unit may be left empty, as at sign-in.
    let out = run_as(&db, ["4521", "A. Example", ""], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_second_person_under_a_recorded_number_is_refused_and_rename_is_explicit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    assert_eq!(
        run_as(&db, ["PC-1042", "A. Example", "North"], &[])
            .status
            .code(),
        Some(0)
    );

    let out = run_as(&db, ["PC-1042", "C. Other", "North"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("staff number PC-1042 is recorded as A. Example (North), not C. Other (North): nothing was recorded. If this is the same person under a new name or unit, add --rename"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        attempts(&db, "PC-1042"),
        1,
        "the refused run recorded nothing"
    );
    let store = Store::open(&db).expect("store");
    assert_eq!(
        store.trainee("PC-1042").expect("read").map(|t| t.name),
        Some("A. Example".into())
    );
    drop(store);

    let out = run_as(&db, ["PC-1042", "A. Example-Jones", "North"], &["--rename"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("trainee PC-1042: A. Example (North) is now A. Example-Jones (North)")
    );
    assert_eq!(attempts(&db, "PC-1042"), 2);

    // The attempts CSV says how each trainee was identified.
    let csv_path = dir.path().join("attempts.csv");
    let out = cli()
        .args(["export", "--format", "attempts", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&csv_path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut csv = csv::Reader::from_path(&csv_path).expect("csv");
    let headers = csv.headers().expect("headers").clone();
    assert_eq!(headers.iter().last(), Some("identified_by"));
    let column = headers.len() - 1;
    let identified: Vec<String> = csv
        .records()
        .map(|r| r.expect("row")[column].to_owned())
        .collect();
    assert_eq!(identified, vec!["command_line", "command_line"]);
}

#[test]
fn look_alike_trainees_are_named_by_report_and_stop_the_lms_exports_until_resolved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    for trainee in [
        ["4521", "A. Example", "North"],
        ["04521", "A. Example", "North"],
        ["6001", "J. Smith", "Port"],
        ["6002", "J. Smith", "Roads"],
    ] {
        assert_eq!(run_as(&db, trainee, &[]).status.code(), Some(0));
    }

    let report = cli()
        .args(["report", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(report.status.code(), Some(0));
    let text = stdout(&report);
    assert!(
        text.contains("Possibly one person recorded twice"),
        "{text}"
    );
    assert!(
        text.contains("  04521 (A. Example, North) and 4521 (A. Example, North): the same staff number written differently"),
        "{text}"
    );
    assert!(
        text.contains("  6001 (J. Smith, Port) and 6002 (J. Smith, Roads): the same name under different staff numbers"),
        "{text}"
    );

    let export = |format: &str, extra: &[&str]| {
        let out_file = dir.path().join(format!("{format}.csv"));
        let out = cli()
            .args(["export", "--format", format, "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&out_file)
            .args(extra)
            .output()
            .expect("runs");
        (out, out_file)
    };
    for format in ["totara", "moodle"] {
        let (out, file) = export(format, &[]);
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        assert!(
            stderr(&out)
                .contains("nothing was written: these rows may be one person recorded twice"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("6001 (J. Smith, Port) and 6002 (J. Smith, Roads)"));
        assert!(!file.exists(), "no file when stopped");
    }
    // Only the learning-system exports stop; the KPI report does not identify people.
    assert_eq!(export("kpi", &[]).0.status.code(), Some(0));
    let (out, file) = export("totara", &["--allow-possible-duplicates"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(file.exists());
    std::fs::remove_file(&file).expect("remove");

    let list = cli()
        .args(["trainee", "list", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(list.status.code(), Some(1), "look-alikes remain");
    assert!(stdout(&list).contains("04521"), "{}", stdout(&list));

    // One person twice: merged. Two people with one name: marked distinct.
    let merge = cli()
        .args([
            "trainee", "merge", "--from", "04521", "--into", "4521", "--db",
        ])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(merge.status.code(), Some(0), "{}", stderr(&merge));
    assert!(stderr(&merge).contains("1 attempt(s) moved from 04521 to 4521"));
    assert_eq!(attempts(&db, "4521"), 2);
    let distinct = cli()
        .args(["trainee", "distinct", "6001", "6002", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(distinct.status.code(), Some(0), "{}", stderr(&distinct));

    let (out, file) = export("totara", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(file.exists());
    let list = cli()
        .args(["trainee", "list", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(list.status.code(), Some(0), "{}", stdout(&list));
    let report = cli()
        .args(["report", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(
        !stdout(&report).contains("Possibly one person"),
        "{}",
        stdout(&report)
    );
}

#[test]
fn an_operator_resets_a_forgotten_pin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    assert_eq!(
        run_as(&db, ["7730", "B. Example", "Port"], &[])
            .status
            .code(),
        Some(0)
    );
    {
        let store = Store::open(&db).expect("store");
        let hash = silent_slavery_results::identity::hash_pin("4829").expect("hash");
        store
            .set_pin("7730", &hash, time::OffsetDateTime::now_utc())
            .expect("set");
        assert!(store.pin_state("7730").expect("read").has_pin());
    }
    let list = cli()
        .args(["trainee", "list", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert!(
        stdout(&list).contains("1 attempt(s), PIN set"),
        "{}",
        stdout(&list)
    );

    let reset = cli()
        .args(["trainee", "reset-pin", "7730", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(reset.status.code(), Some(0), "{}", stderr(&reset));
    assert!(
        !Store::open(&db)
            .expect("store")
            .pin_state("7730")
            .expect("read")
            .has_pin()
    );

    let unknown = cli()
        .args(["trainee", "reset-pin", "9999", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("there is no trainee with staff number 9999"));
}
