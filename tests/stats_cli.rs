//! `silent-slavery stats` end to end, on a store recorded from scripted `run --db` attempts: the tables in text, the same figures in JSON and CSV, the selection, and "too few" where there are too few attempts.

use std::path::{Path, PathBuf};

#[path = "support/cli.rs"]
mod support;
use support::{cli, stdout_json};

const FIXTURE: &str = "crates/scenario/tests/fixtures/front_counter.ron";

/// Scripted attempts at the front-counter fixture, from the best play to the worst, and
/// how many of each: 32 attempts, 30 of which reach the second decision.
const SCRIPTS: [(&str, &str, usize); 5] = [
    (
        "best",
        "flag no_papers\nchoose private_room\nchoose refer\n",
        12,
    ),
    (
        "helpline",
        "flag no_papers\nchoose private_room\nchoose phone_helpline\n",
        8,
    ),
    (
        "status",
        "flag accent\nchoose status_check\nchoose phone_helpline\n",
        6,
    ),
    (
        "statement",
        "choose status_check\nchoose statement_first\n",
        4,
    ),
    ("come_back", "choose come_back\n", 2),
];

/// Records every scripted attempt with `run --db`, trainees alternating between two
/// units; returns the store.
fn recorded_store(dir: &Path) -> PathBuf {
    let db = dir.join("results.sqlite3");
    let mut n = 0;
    for (name, script, count) in SCRIPTS {
        let path = dir.join(format!("{name}.txt"));
        std::fs::write(&path, script).expect("script written");
        for _ in 0..count {
            n += 1;
            let unit = if n % 2 == 0 { "North" } else { "South" };
            let out = cli()
                .args(["run", "--scenario", FIXTURE, "--seed"])
                .arg(n.to_string())
                .arg("--choices")
                .arg(&path)
                .arg("--db")
                .arg(&db)
                .args([
                    "--trainee",
                    &format!("T{n}"),
                    "--name",
                    "Trainee",
                    "--unit",
                    unit,
                ])
                .output()
                .expect("runs");
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    db
}

#[test]
fn stats_prints_the_item_analysis_of_scripted_attempts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = recorded_store(dir.path());

    let out = cli()
        .arg("stats")
        .arg("--db")
        .arg(&db)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "Item analysis: 32 finished attempt(s) in 1 scenario version(s) (docs/statistics.md)",
        "  Points are under silent-slavery-2003, the ruleset that decides pass or fail.",
        "    FLAG `phone_helpline` (not the best) was chosen more often than the best option (47% against 40%): a common mistake to teach, or a key that is wrong",
    ] {
        assert!(text.contains(line), "wanted {line:?} in\n{text}");
    }
    // Each row's cells, by its first word. 20 chose the private room (+10), 10 the status
    // check and 2 to come back (−10 each): facility (2.5 + 10) ÷ 20 = 62.5%.
    let row = |name: &str| -> Vec<&str> {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|cells| cells.first() == Some(&name))
            .unwrap_or_else(|| panic!("a row for {name} in\n{text}"))
    };
    // Raw scores under silent-slavery-2003 (decisions and identification): the best play
    // 23, the helpline 15, the status check with the accent flagged -13, the statement -20,
    // come back -10. Points at the first decision against the rest of the score correlate
    // 0.88 (worked out by hand), and no pairing of the same points could do better (100%).
    assert_eq!(row("first")[..5], ["first", "32", "62%", "0.88", "100%"]);
    assert_eq!(
        row("private_room"),
        ["private_room", "+10", "62%", "20", "chosen", "(best)"]
    );
    assert_eq!(
        row("status_check"),
        ["status_check", "-10", "31%", "10", "chosen"]
    );
    assert_eq!(row("come_back"), ["come_back", "-10", "6%", "2", "chosen"]);
    // 30 reach the second decision; 14 give the helpline number, 12 refer.
    // Facility (3.6 + 10) ÷ 20; discrimination 0.63, efficiency 86% (by hand).
    assert_eq!(row("second")[..5], ["second", "30", "68%", "0.63", "86%"]);
    assert_eq!(
        row("phone_helpline"),
        ["phone_helpline", "+2", "47%", "14", "chosen"]
    );
    assert_eq!(
        row("refer"),
        ["refer", "+10", "40%", "12", "chosen", "(best)"]
    );
    // Cues: the passport flagged by 20 of 32, the accent (a red herring) by 6.
    assert_eq!(
        row("no_papers"),
        [
            "no_papers",
            "documents_held_by_other",
            "indicator",
            "32",
            "20",
            "62%"
        ]
    );
    assert_eq!(
        row("accent"),
        [
            "accent",
            "caution_nationality_or_ethnicity",
            "red",
            "herring",
            "32",
            "6",
            "19%"
        ]
    );
    assert!(
        text.contains("fixture_front_counter v3 ("),
        "the version and its content hash: {text}"
    );

    // The same figures for tools.
    let json = stdout_json(cli().args(["stats", "--format", "json", "--db"]).arg(&db));
    assert_eq!(json["finished"], 32);
    let version = &json["versions"][0];
    assert_eq!(version["finished"], 32);
    assert_eq!(version["unfinished"], 0);
    let first = &version["decisions"][0];
    assert_eq!(first["step"], "first");
    assert_eq!(first["reached"], 32);
    assert_eq!(first["facility"]["value"], 0.625);
    let second = &version["decisions"][1];
    assert_eq!(second["reached"], 30);
    assert!((second["facility"]["value"].as_f64().expect("a number") - 0.68).abs() < 1e-12);
    assert_eq!(second["flags"][0]["flag"], "wrong_option_preferred");
    assert_eq!(second["flags"][0]["option"], "phone_helpline");
    let endings: Vec<(String, u64)> = version["endings"]
        .as_array()
        .expect("endings")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap_or_default().to_owned(),
                e["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        endings,
        [
            ("late".to_owned(), 18),
            ("referred".to_owned(), 12),
            ("lost".to_owned(), 2)
        ]
    );

    // And for a spreadsheet, one table at a time, each row naming its version.
    let out = cli()
        .args(["stats", "--format", "csv", "--table", "options", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let csv = String::from_utf8_lossy(&out.stdout);
    let hash = version["content_hash"].as_str().expect("hash");
    assert_eq!(
        csv.lines().next(),
        Some("scenario_id,scenario_version,content_hash,decision,option,points,best,chosen,share")
    );
    assert!(
        csv.contains(&format!(
            "fixture_front_counter,3,{hash},second,phone_helpline,2,false,14,0.4667"
        )),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 6);

    // One unit: 16 attempts, too few for a correlation, and the report says so.
    let out = cli()
        .args(["stats", "--unit", "North", "--format", "csv", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.contains(",first,16,16,10,-10,"),
        "16 attempts by North: {csv}"
    );
    assert!(csv.contains("too few (16/30)"), "{csv}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A mistyped unit: nothing matches, and the reader is told, by stats, report and the
    // Totara upload alike; the commands still succeed. The same name in another case is
    // suggested; otherwise the units there are are listed.
    let upload = db.with_file_name("totara.csv");
    let upload = upload.to_str().expect("a UTF-8 temp path");
    for command in [
        &["stats", "--unit", "Nort"][..],
        &["report", "--unit", "Nort"],
        &[
            "export", "--format", "totara", "--out", upload, "--unit", "Nort",
        ],
    ] {
        let out = cli()
            .args(command)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{command:?}: {stderr}");
        assert!(
            stderr.contains(
                "warning: no trainee here belongs to unit \"Nort\" (units are matched exactly); the units are: \"North\", \"South\""
            ),
            "{command:?}: {stderr}"
        );
    }
    let out = cli()
        .args(["report", "--unit", " north", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unit \" north\" (units are matched exactly); did you mean \"North\"?"),
        "{stderr}"
    );

    // A scenario nobody played.
    let out = cli()
        .args(["stats", "--scenario", "roadside_minibus_dawn", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No attempts match."));
}

#[test]
fn stats_refuses_a_store_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("typo.sqlite3");
    let out = cli()
        .args(["stats", "--db"])
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no results store at"));
    assert!(!missing.exists());
}

#[test]
fn a_mistyped_unit_among_many_lists_the_first_twenty_and_counts_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let store = silent_slavery_results::store::Store::open(&db).expect("store");
    for n in 0..25 {
        store
            .add_trainee(&silent_slavery_results::attempt::Trainee {
                staff_number: format!("T{n}"),
                name: "Trainee".into(),
                unit: format!("Unit {n:02}"),
            })
            .expect("added");
    }
    drop(store);
    let out = cli()
        .args(["report", "--unit", "Unit 99", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the units are: \"Unit 00\", \"Unit 01\","),
        "{stderr}"
    );
    assert!(stderr.contains("\"Unit 19\", and 5 more\n"), "{stderr}");
    assert!(!stderr.contains("Unit 20"), "{stderr}");
}
