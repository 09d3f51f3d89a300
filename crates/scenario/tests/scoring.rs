//! The pass rule: ticking every cue fails, all true indicators and one red herring pass, old attempts keep their rule, and the worked examples of docs/scoring.md hold.

use std::collections::BTreeSet;
use std::sync::Arc;

use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Input, Runner, View};
use silent_slavery_scenario::play::score::{AttemptScore, PassCondition, PassRule};

const BALANCED: &str = include_str!("fixtures/balanced.ron");
const SCORING_DOC: &str = include_str!("../../../docs/scoring.md");
const BEST: [&str; 5] = [
    "talk_alone",
    "phone_line",
    "call_lead",
    "explain_choice",
    "safe_house",
];

fn setup() -> (Arc<LoadedScenario>, Arc<Catalog>) {
    let catalog = Catalog::embedded().expect("catalogue");
    let loaded = load_bytes("balanced.ron", BALANCED.as_bytes(), &catalog).expect("valid");
    (Arc::new(loaded), Arc::new(catalog))
}

/// Plays the balanced fixture with seed 0 (variant `tired`), choosing the best option at every
/// decision and flagging `flags` (a closure given the cues offered) at the identify step.
fn play(rule: Option<PassRule>, flags: impl Fn(&[String]) -> Vec<String>) -> AttemptScore {
    let (scenario, catalog) = setup();
    let (runner, _) = Runner::start(scenario, catalog, 0).expect("starts");
    let mut runner = match rule {
        Some(rule) => runner.with_pass_rule(rule),
        None => runner,
    };
    let mut choices = BEST.iter();
    while !runner.is_finished() {
        let input = match runner.view() {
            View::Identify { cues, .. } => {
                let offered: Vec<String> = cues.iter().map(|c| c.cue.id.clone()).collect();
                for cue in flags(&offered) {
                    runner.apply(&Input::Flag(cue)).expect("flag");
                }
                Input::Continue
            }
            View::Decision { .. } => Input::Choose((*choices.next().expect("a choice")).to_owned()),
            _ => Input::Continue,
        };
        runner.apply(&input).expect("input fits");
    }
    assert_eq!(
        runner.transcript().variants,
        [("arrival".to_owned(), "tired".to_owned())]
    );
    runner.score()
}

const TRUE_INDICATORS: [&str; 4] = ["sleeps_on_site", "no_gloves", "boss_holds_ids", "exhausted"];

#[test]
fn ticking_every_cue_fails_and_all_true_indicators_with_one_red_herring_pass() {
    let everything = play(None, |offered| offered.to_vec());
    assert!(!everything.passed);
    assert_eq!(
        everything.failed_conditions(),
        [PassCondition::RedHerrings {
            flagged: 2,
            limit: 1
        }]
    );
    let one_slip = play(None, |_| {
        let mut f: Vec<String> = TRUE_INDICATORS.iter().map(|s| (*s).to_owned()).collect();
        f.push("shared_language".to_owned());
        f
    });
    assert!(one_slip.passed);
    assert!(one_slip.failed_conditions().is_empty());
    assert_eq!(
        one_slip.identification.red_herrings_flagged,
        ["shared_language"]
    );
}

#[test]
fn an_attempt_judged_by_the_rule_before_the_limit_keeps_its_verdict() {
    let (scenario, _) = setup();
    let old_rule = PassRule::before_red_herring_limit(&scenario.scenario);
    let everything = play(Some(old_rule), |offered| offered.to_vec());
    assert!(everything.passed, "no limit on red herrings then");
    assert_eq!(everything.max_red_herrings_flagged, None);
    assert!(
        !everything
            .pass_conditions()
            .iter()
            .any(|c| matches!(c, PassCondition::RedHerrings { .. }))
    );
    // A score stored before the field existed reads back with no limit.
    let mut json = serde_json::to_value(&everything).expect("serialises");
    json.as_object_mut()
        .expect("object")
        .remove("max_red_herrings_flagged");
    let read: AttemptScore = serde_json::from_value(json).expect("reads");
    assert_eq!(read.max_red_herrings_flagged, None);
    assert!(read.passed);
}

#[test]
fn worked_examples_in_scoring_md() {
    let table = SCORING_DOC
        .split("<!-- worked-examples:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- worked-examples:end -->").next())
        .expect("docs/scoring.md has the worked-examples table");
    let rows: Vec<Vec<String>> = table
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.contains("| raw |"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 5, "{table}");
    for row in rows {
        let described = &row[0];
        let named: BTreeSet<String> = described
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        let score = play(None, |offered| {
            if described.starts_with("every cue offered") {
                offered.to_vec()
            } else if described.starts_with("the four true indicators") {
                TRUE_INDICATORS
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(named.iter().cloned())
                    .collect()
            } else {
                named.iter().cloned().collect()
            }
        });
        let deciding = score.ruleset("silent-slavery-2003").expect("scored");
        assert_eq!(deciding.raw.to_string(), row[1], "raw, {described}");
        assert_eq!(
            deciding.scaled_score().fraction(),
            row[2],
            "scaled, {described}"
        );
        assert_eq!(
            format!("{:.2}", score.identification.recall),
            row[3],
            "recall, {described}"
        );
        assert_eq!(
            score.identification.red_herrings_flagged.len().to_string(),
            row[4],
            "red herrings, {described}"
        );
        let result = match score.failed_conditions().as_slice() {
            [] => "pass".to_owned(),
            [PassCondition::RedHerrings { .. }] => "fail: red herrings".to_owned(),
            [PassCondition::Recall { .. }] => "fail: recall".to_owned(),
            other => format!("fail: {other:?}"),
        };
        assert_eq!(result, row[5], "{described}");
    }
}
