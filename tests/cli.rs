//! The `silent-slavery` command line end to end: exit codes, diagnostics at file:line:col, transcripts, paths and graphs.

use std::path::Path;

#[path = "support/cli.rs"]
mod support;
use support::{cli, record_attempt, stdout_json};

const ROADSIDE: &str = "scenarios/roadside_minibus_dawn.ron";

/// A copy of a shipped scenario with one edit, in a fresh directory.
fn broken_copy(dir: &Path, from: &str, to: &str) -> (std::path::PathBuf, usize, usize) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(ROADSIDE))
        .expect("shipped scenario");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} once in the scenario"
    );
    let edited = text.replacen(from, to, 1);
    let offset = edited.find(to).expect("edit present");
    let line = edited[..offset].matches('\n').count() + 1;
    let column = offset - edited[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    let path = dir.join("broken.ron");
    std::fs::write(&path, edited).expect("write copy");
    (path, line, column)
}

#[test]
fn validate_on_the_shipped_scenarios_exits_zero() {
    let out = cli().arg("validate").output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("scenario(s) valid, 0 error(s), 0 warning(s)"),
        "{stderr}"
    );
}

#[test]
fn validate_on_a_broken_file_exits_one_and_names_file_line_col() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, line, column) = broken_copy(
        dir.path(),
        "next: \"stop_concerns\"",
        "next: \"stop_concern\"",
    );
    let out = cli().arg("validate").arg(&path).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "{}:{line}:{}: error: `stop_concern` is not a step in this scenario (did you mean `stop_concerns`?)",
        path.display(),
        column + "next: ".len()
    );
    assert!(
        stderr.contains(&expected),
        "wanted {expected}\n got {stderr}"
    );
    assert!(
        stderr.contains("next: \"stop_concern\","),
        "shows the offending line: {stderr}"
    );
}

#[test]
fn validate_reports_every_file_and_every_problem_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _, _) = broken_copy(
        dir.path(),
        "indicator: \"transported_odd_hours\"",
        "indicator: \"transported_at_odd_hours\"",
    );
    // A second problem in the same file, and a second broken file.
    let text = std::fs::read_to_string(&path)
        .expect("copy")
        .replacen(
            "Upholds(rule: \"ew_first_responders_refer\"",
            "Upholds(rule: \"ew_first_responder_refers\"",
            1,
        )
        .replacen("id: \"roadside_minibus_dawn\"", "id: \"roadside_copy\"", 1);
    std::fs::write(&path, text).expect("write");
    std::fs::write(dir.path().join("empty.ron"), "").expect("write");
    let json = stdout_json(
        cli()
            .args(["validate", "--format", "json"])
            .arg(dir.path())
            .arg("scenarios"),
    );
    assert_eq!(json["errors"], 3, "{json:#}");
    let codes: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                Path::new(d["file"].as_str().expect("file"))
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("name"),
                d["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("broken.ron", "unknown-indicator"),
            ("broken.ron", "unknown-rule"),
            ("empty.ron", "empty-file")
        ]
    );
    let first = &json["diagnostics"][0];
    assert!(first["line"].as_u64().expect("line") > 1);
    assert_eq!(first["severity"], "error");
    assert!(
        first["message"]
            .as_str()
            .expect("message")
            .contains("did you mean `transported_odd_hours`")
    );
    // The good scenarios in scenarios/ still loaded.
    let ids: Vec<&str> = json["scenarios"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&"roadside_minibus_dawn") && ids.contains(&"airport_minor_non_parent"));
}

#[test]
fn run_plays_a_scripted_best_path_to_a_pass() {
    let out = cli()
        .args([
            "run",
            "--scenario",
            "roadside_minibus_dawn",
            "--seed",
            "0",
            "--choices",
        ])
        .arg("tests/scripts/roadside_minibus_dawn_best.txt")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Seed 0 draws the_stop=exhausted_man\n"),
        "{stdout}"
    );
    assert!(stdout.contains("[the_stop] Scene\n  variant drawn: exhausted_man (of injured_hand, exhausted_man)\n[stop_concerns] Identify\n  flag dawn_run\n"), "{stdout}");
    assert!(
        stdout.contains("  choose dtn_door_open\n    +15 rec_04_not_conditional_on_evidence\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "silent-slavery-2003 (decides pass/fail): 185 of 185 points, scaled 1.0000: pass"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("uk-ew-current: 160 of 160 points, scaled 1.0000: pass"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  red herrings flagged at most 1: 0 (met)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Result: PASSED (Safeguarded and referred)"),
        "{stdout}"
    );
}

#[test]
fn run_in_json_replays_identically_for_the_same_seed() {
    let run = || {
        stdout_json(
            cli()
                .args([
                    "run",
                    "--scenario",
                    "roadside_minibus_dawn",
                    "--seed",
                    "0",
                    "--format",
                    "json",
                    "--choices",
                ])
                .arg("tests/scripts/roadside_minibus_dawn_best.txt"),
        )
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    assert_eq!(a["seed"], 0);
    assert_eq!(a["finished"], true);
    assert_eq!(a["score"]["passed"], true);
    assert_eq!(a["content_hash"].as_str().map(str::len), Some(64));
    let r2003 = &a["score"]["rulesets"][0];
    assert_eq!(
        (
            r2003["ruleset"].as_str(),
            r2003["raw"].as_i64(),
            r2003["max"].as_i64()
        ),
        (Some("silent-slavery-2003"), Some(185), Some(185))
    );
    assert_eq!(a["score"]["identification"]["recall"], 1.0);
}

#[test]
fn run_with_a_script_that_does_not_fit_says_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "flag dawn_run\nchoose make_safe_separate\nchoose not_an_option\n",
    )
    .expect("write");
    let out = cli()
        .args(["run", "--scenario", "roadside_minibus_dawn", "--choices"])
        .arg(&script)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: decision `interpreter` has no option `not_an_option`"),
        "{stderr}"
    );
    // The transcript up to the failure is still printed.
    assert!(String::from_utf8_lossy(&out.stdout).contains("choose make_safe_separate"));

    let out = cli()
        .args(["run", "--scenario", "no_such_scenario", "--choices"])
        .arg(&script)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario `no_such_scenario`"));
}

#[test]
fn paths_shows_that_only_good_practice_passes() {
    for id in ["roadside_minibus_dawn", "airport_minor_non_parent"] {
        let json = stdout_json(cli().args(["paths", id, "--format", "json"]));
        let summary = &json["summary"];
        assert!(summary["passing"].as_u64().expect("count") >= 1, "{id}");
        assert_eq!(summary["passing_with_critical_breach"], 0, "{id}");
        assert_eq!(
            summary["passing_without_upholding_critical_rules"], 0,
            "{id}"
        );
        assert_eq!(json["truncated"], false);
        for path in json["paths"].as_array().expect("paths") {
            let critical = path["score"]["rulesets"]
                .as_array()
                .expect("rulesets")
                .iter()
                .any(|r| !r["critical_breaches"].as_array().expect("list").is_empty());
            if critical {
                assert_eq!(path["score"]["passed"], false, "{id}: {path:#}");
            }
        }
    }
}

#[test]
fn graph_writes_dot_with_every_step() {
    let out = cli()
        .args(["graph", "airport_minor_non_parent", "--format", "dot"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let dot = String::from_utf8_lossy(&out.stdout);
    assert!(dot.starts_with("digraph {"), "{dot}");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/airport_minor_non_parent.ron"),
    )
    .expect("scenario");
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let loaded = silent_slavery_scenario::library::load_bytes("a.ron", text.as_bytes(), &catalog)
        .expect("valid");
    for step in &loaded.scenario.steps {
        assert!(
            dot.contains(&format!("label=\"{}\\n", step.id())),
            "step {} in graph",
            step.id()
        );
    }
    assert!(dot.contains("style=bold"), "the start step is marked");

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("g.dot");
    cli()
        .args([
            "graph",
            "airport_minor_non_parent",
            "--format",
            "dot",
            "--out",
        ])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(file).expect("written"), dot);
}

#[test]
fn coverage_of_the_shipped_library_is_complete() {
    let out = cli().arg("coverage").output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Coverage complete"), "{stdout}");

    let json = stdout_json(cli().args(["coverage", "--format", "json"]));
    assert!(json["distinct_indicators"].as_u64().expect("count") >= 60);
    assert_eq!(json["gaps"].as_array().map(Vec::len), Some(0));
    let scenarios = json["coverage"]["scenarios"].as_array().expect("ids");
    assert!(scenarios.len() >= 10, "{} scenarios", scenarios.len());
    assert!(
        !scenarios.iter().any(|s| s == "template_scenario"),
        "the template is left out"
    );
}

#[test]
fn coverage_exits_one_and_names_the_gaps_of_a_thin_library() {
    let out = cli()
        .args(["coverage", "scenarios/roadside_minibus_dawn.ron"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("`rec_11_transition_at_18` is upheld in 0 scenario(s); the library needs 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`p1_human_rights_not_immigration` is upheld in 1 scenario(s) (roadside_minibus_dawn); the library needs 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no scenario is played as social care staff"),
        "{stdout}"
    );
    assert!(
        stdout.contains("distinct indicators appear as cues; the library needs at least 60"),
        "{stdout}"
    );
}

#[test]
fn run_with_a_store_records_the_attempt_and_report_and_export_read_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let stdout = record_attempt(
        &db,
        "roadside_minibus_dawn",
        Path::new("tests/scripts/roadside_minibus_dawn_best.txt"),
        0,
        "North Response",
    );
    assert!(stdout.contains("Recorded as attempt "), "{stdout}");

    // An unknown trainee without name and unit is refused before anything is recorded.
    let out = cli()
        .args(["run", "--scenario", "roadside_minibus_dawn", "--choices"])
        .arg("tests/scripts/roadside_minibus_dawn_best.txt")
        .arg("--db")
        .arg(&db)
        .args(["--trainee", "9999"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("trainee 9999 is not in the store"));

    let report = cli()
        .args(["report", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(
        text.contains("Trafficking indicators and referral — frontline (frontline)"),
        "{text}"
    );
    assert!(
        text.contains("  Completed: 0\n  In progress: 1\n    4521"),
        "{text}"
    );
    assert!(text.contains("1 of 14 done"), "{text}");

    let json = stdout_json(cli().args(["report", "--format", "json", "--db"]).arg(&db));
    let course = |id: &str| {
        json.as_array()
            .expect("courses")
            .iter()
            .find(|c| c["course"] == id)
            .unwrap_or_else(|| panic!("{id} in {json:#}"))
            .clone()
    };
    let frontline = course("frontline");
    assert_eq!(frontline["trainees"][0]["status"], "in_progress");
    assert_eq!(frontline["trainees"][0]["scenarios_done"], 1);
    // The roadside stop is a police scenario: not in the immigration and social-care course.
    assert_eq!(
        course("border_and_care")["trainees"][0]["status"],
        "not_started"
    );

    let csv = dir.path().join("attempts.csv");
    cli()
        .args(["export", "--format", "attempts", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&csv)
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).expect("written");
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().nth(1).is_some_and(|l| l.contains(",4521,A. Example,North Response,roadside_minibus_dawn,2,")));

    // xAPI needs a homePage; without one nothing is written.
    let json_out = dir.path().join("x.json");
    let out = cli()
        .args(["export", "--format", "xapi", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&json_out)
        .env_remove("SILENT_SLAVERY_XAPI_HOME_PAGE")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--home-page"));
    assert!(!json_out.exists());
}

#[cfg(target_os = "linux")]
#[test]
fn the_app_without_a_display_says_so_plainly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = cli()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("SILENT_SLAVERY_DB", dir.path().join("r.sqlite3"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no graphical display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn the_app_says_where_it_looked_for_scenarios_and_which_lrs_settings_are_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = || {
        let mut app = cli();
        app.current_dir(dir.path())
            .env("DISPLAY", ":4242")
            .env("SILENT_SLAVERY_DB", dir.path().join("r.sqlite3"))
            .env_remove("SILENT_SLAVERY_SCENARIOS")
            .env_remove("SILENT_SLAVERY_LRS");
        app
    };
    // Installed without its scenarios, run from a folder without them: not an empty screen.
    let out = app().output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "no scenarios folder: looked in {}",
            dir.path().join("scenarios").display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--scenarios DIR"), "{stderr}");

    let out = app()
        .args(["--scenarios", "nowhere"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the scenarios folder nowhere does not exist"),
        "{stderr}"
    );

    // Half the LRS settings: the message names the ones missing, and only those.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let out = app()
        .env("SILENT_SLAVERY_SCENARIOS", &shipped)
        .env("SILENT_SLAVERY_LRS", "http://127.0.0.1:9/xAPI/")
        .env("SILENT_SLAVERY_LRS_USER", "sync")
        .env_remove("SILENT_SLAVERY_LRS_PASSWORD_FILE")
        .env_remove("SILENT_SLAVERY_XAPI_HOME_PAGE")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "SILENT_SLAVERY_LRS_PASSWORD_FILE and SILENT_SLAVERY_XAPI_HOME_PAGE are not set"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("SILENT_SLAVERY_LRS_USER"), "{stderr}");
}

#[test]
fn reading_commands_refuse_a_store_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("typo.sqlite3");
    let out = cli()
        .args(["report", "--db"])
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no results store at"));
    assert!(!missing.exists(), "nothing was created");
}

#[test]
fn store_check_counts_finished_attempts_no_sync_has_queued_yet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let check = || {
        let out = cli()
            .args(["store", "check", "--db"])
            .arg(&db)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        check().contains(
            "xAPI statements: 0 waiting, 0 rejected; 1 finished attempt(s) not yet queued"
        ),
        "{}",
        check()
    );
    // A sync with the LRS down queues them: they are then counted as waiting instead.
    let password = dir.path().join("password");
    std::fs::write(&password, "secret\n").expect("written");
    let out = cli()
        .args(["sync", "--lrs", "http://127.0.0.1:9/xAPI/", "--user", "u"])
        .arg("--password-file")
        .arg(&password)
        .arg("--db")
        .arg(&db)
        .args(["--home-page", "https://learning.example.org"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let queued: i64 = rusqlite::Connection::open(&db)
        .expect("store")
        .query_row("SELECT COUNT(*) FROM xapi_outbox", [], |r| r.get(0))
        .expect("count");
    assert!(queued > 0);
    assert!(
        check().contains(&format!(
            "xAPI statements: {queued} waiting, 0 rejected; 0 finished attempt(s) not yet queued"
        )),
        "{}",
        check()
    );
}

#[test]
fn an_export_never_overwrites_the_store_and_writes_through_a_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let export = |out: &Path, extra: &[&str]| {
        cli()
            .args(["export", "--format", "attempts", "--db"])
            .arg(&db)
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .expect("runs")
    };
    let stored = std::fs::read(&db).expect("store");
    let out = export(&db, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is the results store: the export would overwrite it"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&db).expect("store"),
        stored,
        "the store is untouched"
    );

    let key = dir.path().join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").expect("key");
    let out = export(
        &dir.path().join("p.csv"),
        &["--pseudonymise", key.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--pseudonymise applies to --format xapi only")
    );
    assert!(!dir.path().join("p.csv").exists());

    let out = export(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));

    #[cfg(unix)]
    {
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old\n").expect("written");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        let out = export(&link, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read_to_string(&real)
                .expect("real")
                .starts_with("attempt_id,")
        );
    }
}

#[test]
fn bad_learning_system_settings_are_refused_before_anything_is_queued_or_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let password = dir.path().join("password");
    std::fs::write(&password, "secret\n").expect("written");

    // The LRS would answer 500 to statements with this home page, and they would wait for ever.
    let out = cli()
        .args([
            "sync",
            "--lrs",
            "http://127.0.0.1:9/xAPI/",
            "--user",
            "u",
            "--password-file",
        ])
        .arg(&password)
        .arg("--db")
        .arg(&db)
        .args(["--home-page", "not a url"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the xAPI home page (--home-page, SILENT_SLAVERY_XAPI_HOME_PAGE) is \"not a url\", which is not an absolute IRI"),
        "{stderr}"
    );
    let queued: i64 = rusqlite::Connection::open(&db)
        .expect("store")
        .query_row("SELECT COUNT(*) FROM xapi_outbox", [], |r| r.get(0))
        .expect("count");
    assert_eq!(queued, 0, "nothing was queued");

    // A short name with a stray space would never match the Totara course.
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("dir");
    std::fs::write(
        courses.join("airport.ron"),
        "Course(id: \"airport\", title: \"Airport\", short_name: \"SS-Airport \", id_number: \"SS-001\",\n    scenarios: [\"roadside_minibus_dawn\"], move_on: Completed)\n",
    )
    .expect("written");
    let totara = dir.path().join("totara.csv");
    let out = cli()
        .args(["export", "--format", "totara", "--db"])
        .arg(&db)
        .arg("--courses")
        .arg(&courses)
        .arg("--out")
        .arg(&totara)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "airport.ron:1:53: error: `short_name` is \"SS-Airport \", which ends with a space"
        ),
        "{stderr}"
    );
    assert!(!totara.exists(), "nothing was written");
}

/// A results store in `dir` holding one finished attempt (4521, unit North, the best path
/// through roadside_minibus_dawn).
fn store_with_an_attempt(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("results.sqlite3");
    record_attempt(
        &db,
        "roadside_minibus_dawn",
        Path::new("tests/scripts/roadside_minibus_dawn_best.txt"),
        0,
        "North",
    );
    db
}
