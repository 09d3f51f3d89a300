//! One score everywhere: for random raw, min and max patched into a recorded attempt, the debrief, `run`, the attempts CSV, Totara, Moodle, `report` and xAPI all show the figure `Scaled::of` gives.

#[path = "support/cli.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;
use silent_slavery::sim::FinishedAttempt;
use silent_slavery::ui::screens::debrief;
use silent_slavery_scenario::library::load_file;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::score::{AttemptScore, Scaled};
use support::{cli, record_attempt, stdout_json};

const SCENARIO: &str = "roadside_minibus_dawn";
const DECIDING: &str = "silent-slavery-2003";

/// A store holding one finished attempt at [`SCENARIO`], and a course of that scenario alone
/// whose moveOn is "Completed", so Totara writes a row whatever the score.
struct Recorded {
    _dir: tempfile::TempDir,
    db: PathBuf,
    courses: PathBuf,
    out: PathBuf,
    /// What `run` printed.
    run_stdout: String,
}

fn record() -> Recorded {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let courses = dir.path().join("courses");
    std::fs::create_dir(&courses).expect("courses dir");
    std::fs::write(
        courses.join("one.ron"),
        format!(
            r#"Course(id: "one", title: "One scenario", short_name: "SST-ONE", id_number: "SST-101",
    scenarios: ["{SCENARIO}"], mastery_score: 0.8, move_on: Completed, attempts_counted: Latest)"#
        ),
    )
    .expect("course written");
    // The best path with two indicators missed, so the score is not a round 1.
    let best =
        std::fs::read_to_string(Path::new("tests/scripts").join(format!("{SCENARIO}_best.txt")))
            .expect("best script");
    let script = dir.path().join("two_missed.txt");
    std::fs::write(
        &script,
        best.replace("flag bank_cards\n", "")
            .replace("flag no_employer_name\n", ""),
    )
    .expect("script");
    let run_stdout = record_attempt(&db, SCENARIO, &script, 0, "North");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out dir");
    Recorded {
        _dir: dir,
        db,
        courses,
        out,
        run_stdout,
    }
}

impl Recorded {
    /// Rewrites the deciding ruleset's raw, min and max in the stored score (and the stored
    /// `scaled` to the unrounded, unclamped quotient, which no output may show).
    fn patch(&self, raw: i64, min: i64, max: i64) -> AttemptScore {
        let conn = rusqlite::Connection::open(&self.db).expect("store opens");
        let json: String = conn
            .query_row("SELECT score_json FROM attempts", [], |r| r.get(0))
            .expect("one attempt");
        let mut score: Value = serde_json::from_str(&json).expect("score JSON");
        let naive = raw as f64 / max as f64;
        for r in score["rulesets"].as_array_mut().expect("rulesets") {
            if r["ruleset"] == DECIDING {
                r["raw"] = raw.into();
                r["min"] = min.into();
                r["max"] = max.into();
                r["scaled"] = naive.into();
            }
        }
        conn.execute("UPDATE attempts SET score_json = ?1", [score.to_string()])
            .expect("patched");
        conn.execute(
            "UPDATE attempt_scores SET raw = ?1, min = ?2, max = ?3, scaled = ?4 WHERE ruleset = ?5",
            rusqlite::params![raw, min, max, naive, DECIDING],
        )
        .expect("patched");
        serde_json::from_value(score).expect("still an AttemptScore")
    }

    fn export(&self, format: &str, extra: &[&str]) -> String {
        let file = self.out.join(format);
        let out = cli()
            .args(["export", "--format", format, "--db"])
            .arg(&self.db)
            .arg("--courses")
            .arg(&self.courses)
            .args(extra)
            .arg("--out")
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(&file).expect("written")
    }

    fn report(&self) -> String {
        let out = cli()
            .args(["report", "--db"])
            .arg(&self.db)
            .arg("--courses")
            .arg(&self.courses)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The value of `column` in the only data row of a CSV.
fn csv_cell(text: &str, column: &str) -> String {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let at = headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no {column} in {headers:?}"));
    let row = reader.records().next().expect("one row").expect("a row");
    row[at].to_owned()
}

/// Every figure the outputs show for the stored attempt, checked against `expected`.
fn check_every_output(recorded: &Recorded, score: &AttemptScore, expected: Scaled) {
    let attempts = recorded.export("attempts", &[]);
    assert_eq!(
        csv_cell(&attempts, &format!("{DECIDING}_scaled")),
        expected.fraction()
    );
    assert_eq!(
        csv_cell(&recorded.export("totara", &[]), "grade"),
        expected.percent()
    );
    assert_eq!(
        csv_cell(&recorded.export("moodle", &[]), "SST-ONE"),
        expected.percent()
    );
    let report = recorded.report();
    assert!(
        report.contains(&format!("grade {}%", expected.percent())),
        "{report}"
    );
    let json = stdout_json(
        cli()
            .args(["report", "--format", "json", "--db"])
            .arg(&recorded.db)
            .arg("--courses")
            .arg(&recorded.courses),
    );
    assert_eq!(
        json[0]["trainees"][0]["grade"].as_f64(),
        Some(expected.as_f64()),
        "{json}"
    );
    let statements: Value =
        serde_json::from_str(&recorded.export("xapi", &["--home-page", "https://lms.example.org"]))
            .expect("statements");
    let verdict = statements
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["result"]["score"].is_object())
        .expect("a passed or failed statement");
    assert_eq!(
        verdict["result"]["score"]["scaled"].as_f64(),
        Some(expected.as_f64()),
        "{verdict}"
    );

    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let loaded = Arc::new(
        load_file(
            &Path::new("scenarios").join(format!("{SCENARIO}.ron")),
            &catalog,
        )
        .expect("loads"),
    );
    let view = debrief::view(
        &FinishedAttempt {
            id: uuid::Uuid::nil(),
            scenario: loaded,
            score: score.clone(),
            transcript: Default::default(),
            reviewed: None,
        },
        &catalog,
    );
    let line = view
        .rulesets
        .iter()
        .find(|l| l.decides)
        .expect("the deciding ruleset");
    assert_eq!(line.scaled, expected);
}

#[test]
fn run_prints_the_figure_every_export_shows() {
    let recorded = record();
    let printed = recorded
        .run_stdout
        .lines()
        .find(|l| l.contains(DECIDING) && l.contains("scaled"))
        .and_then(|l| l.split("scaled ").nth(1))
        .and_then(|l| l.split(':').next())
        .expect("run prints the deciding ruleset's scaled score")
        .to_owned();
    let attempts = recorded.export("attempts", &[]);
    assert_eq!(csv_cell(&attempts, &format!("{DECIDING}_scaled")), printed);
    assert_eq!(
        csv_cell(&recorded.export("totara", &[]), "grade"),
        Scaled::from_f64(printed.parse().expect("a number")).percent()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_output_shows_the_same_scaled_score(
        (min, max, raw) in (-5_000i64..=0, 1i64..=5_000)
            .prop_flat_map(|(min, max)| (Just(min), Just(max), min..=max))
    ) {
        let recorded = RECORDED.get_or_init(record);
        let score = recorded.patch(raw, min, max);
        check_every_output(recorded, &score, Scaled::of(raw, max));
    }
}

/// One recording shared by the cases (recording runs the program; patching is cheap).
static RECORDED: std::sync::OnceLock<Recorded> = std::sync::OnceLock::new();

#[test]
fn a_negative_total_is_zero_everywhere_and_an_exact_half_rounds_up() {
    let recorded = record();
    // −3 of 160: 0 in every output (docs/scoring.md, "One score").
    let score = recorded.patch(-3, -40, 160);
    check_every_output(&recorded, &score, Scaled::of(-3, 160));
    assert_eq!(Scaled::of(-3, 160).fraction(), "0.0000");
    // 127 of 160 is 0.79375: 0.7938 in the CSV and xAPI alike, 79.38 in Totara and the report.
    let score = recorded.patch(127, -40, 160);
    check_every_output(&recorded, &score, Scaled::of(127, 160));
    assert_eq!(Scaled::of(127, 160).fraction(), "0.7938");
    // 249 of 400 is 62.25%: written 62.25, not 62.3.
    let score = recorded.patch(249, -40, 400);
    check_every_output(&recorded, &score, Scaled::of(249, 400));
    assert_eq!(Scaled::of(249, 400).percent(), "62.25");
}
