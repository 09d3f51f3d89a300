//! The trainer's toolkit end to end: `catalog` (and the docs page it generates), `graph --format svg`, `run` with variants, seeds and locked options, duplicate ids refused, and `new` starters that validate and pass the audit.

use std::path::Path;

#[path = "support/cli.rs"]
mod support;
use support::{cli, stdout_json};

const FRONT_COUNTER: &str = "crates/scenario/tests/fixtures/front_counter.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_catalogue_page_in_the_docs_is_the_one_the_command_generates() {
    let out = cli()
        .args(["catalog", "--format", "markdown"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read(root().join("docs/catalog.md")).expect("docs/catalog.md");
    assert!(
        out.stdout == committed,
        "docs/catalog.md is out of date: run `silent-slavery catalog --format markdown > docs/catalog.md`"
    );
}

#[test]
fn catalog_shows_a_rule_with_its_breach_and_partners() {
    let out = cli()
        .args(["catalog", "ew_age_presumption_s51"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ew_age_presumption_s51  (uk-ew-current, E&W 10)\n  Presume a child where age is uncertain\n"), "{stdout}");
    assert!(
        stdout.contains("  Breaching: Decides age on papers or appearance"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Partners:  rec_10_children_act_to_18 (Children Act services up to 18; for every role)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Upheld in: 6 (airport_minor_non_parent,"),
        "{stdout}"
    );

    // For a Border Force trainee the interpreter pairs with principle 1, not the police one.
    let json = stdout_json(cli().args([
        "catalog",
        "ew_independent_interpreter",
        "--role",
        "BorderForceOfficer",
        "--format",
        "json",
    ]));
    assert_eq!(
        json["rules"][0]["partners"][0]["rule"],
        "p1_human_rights_not_immigration"
    );
    assert_eq!(
        json["rules"][0]["partners"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn catalog_lists_every_indicator_with_weight_and_sources() {
    let json = stdout_json(cli().args(["catalog", "indicators", "--format", "json"]));
    let indicators = json["indicators"].as_array().expect("indicators");
    assert_eq!(indicators.len(), 100);
    assert!(json["rules"].as_array().expect("rules").is_empty());
    let debt = indicators
        .iter()
        .find(|i| i["id"] == "debt_bondage")
        .expect("debt_bondage");
    assert_eq!(debt["weight"], "Strong");
    assert_eq!(debt["points"], 3);
    assert_eq!(debt["sources"][0][0], "ILO11");
    assert!(
        debt["used_in"]
            .as_array()
            .expect("used in")
            .iter()
            .any(|s| s == "roadside_minibus_dawn")
    );
    assert_eq!(json["cautions"].as_array().map(Vec::len), Some(6));

    let json = stdout_json(cli().args(["catalog", "--search", "interpreter", "--format", "json"]));
    let rules: Vec<&str> = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains(&"ew_independent_interpreter"), "{rules:?}");
}

#[test]
fn catalog_refuses_an_unknown_id_and_suggests_one() {
    let out = cli()
        .args(["catalog", "debt_bondge"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `debt_bondge` is not a rule, indicator or red herring in the catalogue (did you mean `debt_bondage`?): write `rules`, `indicators` or an id they list, or search with --search WORDS\n"
    );
}

#[test]
fn graph_draws_every_shipped_scenario_as_svg() {
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let report =
        silent_slavery_scenario::library::load_paths(&[root().join("scenarios")], &catalog);
    assert!(report.scenarios.len() >= 19);
    for loaded in &report.scenarios {
        let out = cli().args(["graph", &loaded.file]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", loaded.file);
        let svg = String::from_utf8_lossy(&out.stdout);
        assert!(
            svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"),
            "{}",
            loaded.file
        );
        for step in &loaded.scenario.steps {
            assert!(
                svg.contains(&format!(">{}</tspan>", step.id())),
                "{} in {}",
                step.id(),
                loaded.file
            );
        }
    }
    let out = cli().args(["graph", FRONT_COUNTER]).output().expect("runs");
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains(">needs safe</tspan>"), "{svg}");
    assert!(svg.contains(">ending: Victim lost</tspan>"), "{svg}");
    assert!(svg.contains(">best 26 of 26</tspan>"), "{svg}");
}

#[test]
fn run_marks_locked_options_and_names_the_variant_drawn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("s.txt");
    std::fs::write(&script, "choose status_check\nchoose phone_helpline\n").expect("script");
    let out = cli()
        .args([
            "run",
            "--scenario",
            FRONT_COUNTER,
            "--seed",
            "0",
            "--choices",
        ])
        .arg(&script)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("  options: refer, statement_first, phone_helpline; locked: refer (He is not yet somewhere safe to talk.)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  variant drawn: "), "{stdout}");
}

#[test]
fn run_finds_a_seed_for_a_variant_and_refuses_a_seed_that_draws_another() {
    let best = "tests/scripts/roadside_minibus_dawn_best.txt";
    let out = cli()
        .args([
            "run",
            "--scenario",
            "roadside_minibus_dawn",
            "--choices",
            best,
        ])
        .args(["--seed-for", "the_stop=injured_hand"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The best script flags a cue of the other variant, so no seed plays it through.
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no seed from 0 to 9999 plays tests/scripts/roadside_minibus_dawn_best.txt through and draws the_stop=injured_hand"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("s.txt");
    std::fs::write(
        &script,
        "variant arrives injured\nflag hand\nchoose private_room\nchoose refer\n",
    )
    .expect("script");
    let out = cli()
        .args([
            "run",
            "--scenario",
            FRONT_COUNTER,
            "--seed-for",
            "arrives=injured",
            "--choices",
        ])
        .arg(&script)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let seed: u64 = stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("Seed ")?
                .strip_suffix(" draws arrives=injured")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("names the seed: {stdout}"));
    assert!(stdout.contains("Result: PASSED"), "{stdout}");

    // Another seed draws the other variant: the script says so instead of failing later.
    let other = (0..50)
        .find(|s| {
            let out = cli()
                .args([
                    "run",
                    "--scenario",
                    FRONT_COUNTER,
                    "--seed",
                    &s.to_string(),
                    "--choices",
                ])
                .arg(&script)
                .output()
                .expect("runs");
            out.status.code() == Some(2)
        })
        .expect("a seed that draws `tired`");
    assert_ne!(other, seed);
    let out = cli()
        .args([
            "run",
            "--scenario",
            FRONT_COUNTER,
            "--seed",
            &other.to_string(),
            "--choices",
        ])
        .arg(&script)
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "line 1: the script is written for variant `injured` of scene `arrives`, but seed {other} draws `tired`: run with `--seed-for arrives=injured`"
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn commands_that_look_a_scenario_up_refuse_an_id_two_files_share() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join(FRONT_COUNTER)).expect("fixture");
    std::fs::write(dir.path().join("a.ron"), &text).expect("a");
    std::fs::write(dir.path().join("b.ron"), &text).expect("b");
    let script = dir.path().join("s.txt");
    std::fs::write(&script, "choose status_check\n").expect("script");
    for args in [
        vec!["paths", "fixture_front_counter", "--scenarios"],
        vec!["graph", "fixture_front_counter", "--scenarios"],
        vec![
            "run",
            "--scenario",
            "fixture_front_counter",
            "--choices",
            script.to_str().expect("utf8"),
            "--scenarios",
        ],
    ] {
        let out = cli().args(&args).arg(dir.path()).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "scenario id `fixture_front_counter` is defined in two files, {} and {}: give one of them a new id",
                dir.path().join("a.ron").display(),
                dir.path().join("b.ron").display()
            )),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn new_writes_a_starter_for_each_role_that_validates_and_passes_the_audit() {
    for (role, written) in [
        ("police", "PoliceResponseOfficer"),
        ("immigration", "ImmigrationOfficer"),
        ("BorderForceOfficer", "BorderForceOfficer"),
        ("social-care", "SocialWorker"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "ron") {
                std::fs::copy(&path, dir.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
        let out = cli()
            .args(["new", "shift_change", "--role", role, "--scenarios"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{role}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = dir.path().join("shift_change.ron");
        let text = std::fs::read_to_string(&file).expect("written");
        assert!(text.contains("    id: \"shift_change\","), "{role}");
        assert!(text.contains(&format!("    role: {written},")), "{role}");

        let out = cli().arg("validate").arg(&file).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{role}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .ends_with("1 scenario(s) valid, 0 error(s), 0 warning(s)\n"),
            "{role}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // With the whole library beside it too: the audit's library checks see it.
        let out = cli().arg("audit").arg(dir.path()).output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{role}: {stdout}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("0 error(s), 0 warning(s)")
                || stdout.contains("0 error(s), 0 warning(s)"),
            "{role}: {stdout}"
        );

        let again = cli()
            .args(["new", "shift_change", "--role", role, "--scenarios"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(again.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&again.stderr).contains("already exists: choose another id")
        );
        let taken = cli()
            .args(["new", "roadside_minibus_dawn_copy", "--role", role, "--out"])
            .arg(dir.path().join("x.ron"))
            .args(["--scenarios"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(
            taken.status.code(),
            Some(0),
            "a new id in another file is fine"
        );
        let taken = cli()
            .args(["new", "roadside_minibus_dawn", "--role", role, "--out"])
            .arg(dir.path().join("y.ron"))
            .args(["--scenarios"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(taken.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&taken.stderr)
                .contains("scenario id `roadside_minibus_dawn` is already used by"),
            "{}",
            String::from_utf8_lossy(&taken.stderr)
        );
    }
    let out = cli()
        .args([
            "new",
            "a_scenario",
            "--role",
            "astronaut",
            "--scenarios",
            "/nonexistent",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `astronaut` is not a role: write `police`, `immigration` or `social-care`, or one of PoliceResponseOfficer, RoadsPolicingOfficer, PoliceSearchTeam, CustodyOfficer, Investigator, FrontCounterStaff, ImmigrationOfficer, BorderForceOfficer, SocialWorker\n"
    );
    let out = cli()
        .args([
            "new",
            "Bad Id",
            "--role",
            "police",
            "--scenarios",
            "/nonexistent",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`Bad Id` is not a valid id"));
}
