//! `silent-slavery audit` end to end: its figures for each guessing strategy agree with the same strategy played as a script through `run`, a gameable file exits 1 and a balanced one 0.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use silent_slavery_scenario::library;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Input, Runner, View};

#[path = "support/cli.rs"]
mod support;
use support::{cli, stdout_json};

const FIXTURES: &str = "crates/scenario/tests/fixtures";

/// Plays one attempt choosing by `measure` (highest wins; the first shown of equals) and
/// flagging every cue shown or none, and returns the script of what it did.
fn strategy_script(
    runner: &mut Runner,
    measure: &dyn Fn(&str, &str, &str) -> f64,
    flag_all: bool,
) -> String {
    let mut script = String::new();
    for _ in 0..10_000 {
        if runner.is_finished() {
            return script;
        }
        let input = match runner.view() {
            View::Identify { cues, .. } => {
                if flag_all {
                    for cue in cues.iter().filter(|c| !c.flagged) {
                        script.push_str(&format!("flag {}\n", cue.cue.id));
                    }
                }
                None
            }
            View::Decision { step, options, .. } => {
                let best = options
                    .iter()
                    .filter(|o| o.unlocked)
                    .map(|o| {
                        (
                            measure(&step.id, &o.option.id, &o.option.text),
                            &o.option.id,
                        )
                    })
                    .fold(None::<(f64, &String)>, |best, (m, id)| match best {
                        Some((b, _)) if b >= m => best,
                        _ => Some((m, id)),
                    })
                    .expect("an unlocked option");
                script.push_str(&format!("choose {}\n", best.1));
                Some(Input::Choose(best.1.clone()))
            }
            _ => None,
        };
        match input {
            Some(input) => runner.apply(&input).expect("choice applies"),
            None => {
                if let View::Identify { cues, .. } = runner.view()
                    && flag_all
                {
                    let ids: Vec<String> = cues.iter().map(|c| c.cue.id.clone()).collect();
                    for id in ids {
                        runner.apply(&Input::Flag(id)).expect("flag applies");
                    }
                }
                runner.apply(&Input::Continue).expect("continue applies")
            }
        };
    }
    panic!("the strategy never finished");
}

/// For every strategy the audit works out, plays it as a script through `run` for several
/// seeds and checks the audit lists the same play with the same score and verdict.
fn audit_agrees_with_run(paths: &[&str], scenario_files: &[&str], seeds: u64) {
    let audit = stdout_json(cli().arg("audit").args(paths).args(["--format", "json"]));
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let mut checked = 0;
    for file in scenario_files {
        let loaded = Arc::new(
            library::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file), &catalog)
                .expect("valid"),
        );
        let id = loaded.scenario.id.clone();
        let entry = audit["audit"]["scenarios"]
            .as_array()
            .expect("scenarios")
            .iter()
            .find(|s| s["id"] == id.as_str())
            .expect("audited")
            .clone();
        // The guesser's word score of each option, as the audit reports it.
        let mut words: BTreeMap<(String, String), f64> = BTreeMap::new();
        for d in entry["decisions"].as_array().expect("decisions") {
            for pair in d["vocabulary"].as_array().expect("scores") {
                words.insert(
                    (
                        d["step"].as_str().expect("id").to_owned(),
                        pair[0].as_str().expect("option").to_owned(),
                    ),
                    pair[1].as_f64().expect("score"),
                );
            }
        }
        for strategy in entry["strategies"].as_array().expect("strategies") {
            let choice = strategy["choice"].as_str().expect("choice");
            let flag_all = strategy["flagging"] == "all";
            let measure = |step: &str, option: &str, text: &str| -> f64 {
                let chars = text.chars().count() as f64;
                match choice {
                    "longest" => chars,
                    "shortest" => -chars,
                    _ => words
                        .get(&(step.to_owned(), option.to_owned()))
                        .copied()
                        .unwrap_or(0.0),
                }
            };
            for seed in 0..seeds {
                let (mut runner, _) =
                    Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), seed).expect("starts");
                let script = strategy_script(&mut runner, &measure, flag_all);
                let dir = tempfile::tempdir().expect("temp dir");
                let script_path = dir.path().join("strategy.txt");
                std::fs::write(&script_path, &script).expect("script written");
                let run = stdout_json(
                    cli()
                        .args(["run", "--scenario", file, "--seed", &seed.to_string()])
                        .arg("--choices")
                        .arg(&script_path)
                        .args(["--format", "json"]),
                );
                let score = &run["score"];
                let pass_ruleset = score["pass_ruleset"].as_str().expect("deciding ruleset");
                let scaled = score["rulesets"]
                    .as_array()
                    .expect("rulesets")
                    .iter()
                    .find(|r| r["ruleset"] == pass_ruleset)
                    .expect("scored")["scaled"]
                    .as_f64()
                    .expect("scaled");
                let variants: Vec<Value> = runner
                    .transcript()
                    .variants
                    .iter()
                    .map(|(s, v)| serde_json::json!([s, v]))
                    .collect();
                let choices: Vec<Value> = runner
                    .transcript()
                    .choices
                    .iter()
                    .map(|(s, o)| serde_json::json!([s, o]))
                    .collect();
                let play = strategy["plays"]
                    .as_array()
                    .expect("plays")
                    .iter()
                    .find(|p| {
                        p["variants"].as_array() == Some(&variants)
                            && p["choices"].as_array() == Some(&choices)
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{id}: the audit lists the play of {choice}, seed {seed}: {choices:?}"
                        )
                    });
                assert!(
                    (play["scaled"].as_f64().expect("scaled") - scaled).abs() < 1e-9,
                    "{id} {choice} seed {seed}: audit {} against run {scaled}",
                    play["scaled"]
                );
                assert_eq!(play["passed"], score["passed"], "{id} {choice} seed {seed}");
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_audits_strategy_figures_agree_with_scripted_runs_on_the_fixtures() {
    let balanced = format!("{FIXTURES}/balanced.ron");
    let gameable = format!("{FIXTURES}/gameable.ron");
    audit_agrees_with_run(&[&balanced], &[&balanced], 6);
    audit_agrees_with_run(&[&gameable], &[&gameable], 1);
}

#[test]
fn the_audits_strategy_figures_agree_with_scripted_runs_on_the_shipped_library() {
    audit_agrees_with_run(
        &["scenarios"],
        &[
            "scenarios/roadside_minibus_dawn.ron",
            "scenarios/turning_eighteen.ron",
        ],
        4,
    );
}

#[test]
fn audit_exits_one_on_a_gameable_file_and_zero_on_a_balanced_one() {
    let out = cli()
        .arg("audit")
        .arg(format!("{FIXTURES}/gameable.ron"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "the longest option, flag every cue                        1       1  0.92  ERROR"
        ),
        "{text}"
    );
    assert!(
        text.contains("gameable.ron:6:9: error: a trainee who knows nothing passes this way (always the longest option, flag every cue)"),
        "{text}"
    );
    let out = cli()
        .arg("audit")
        .arg(format!("{FIXTURES}/balanced.ron"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("1 file(s) audited: 0 error(s), 0 warning(s)"),
        "{text}"
    );
}

#[test]
fn validate_shows_the_audits_findings_as_warnings() {
    let out = cli()
        .arg("validate")
        .arg(format!("{FIXTURES}/gameable.ron"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("gameable.ron:6:9: warning: a trainee who knows nothing passes"),
        "{text}"
    );
    assert!(text.contains("0 error(s), 12 warning(s)"), "{text}");
}
