//! The trainer's toolkit in the engine: diagnostics that say what to do (exact messages), cues in decision prompts, scripts that name their variants, the step picture and the catalogue reference.

use std::sync::Arc;

use silent_slavery_scenario::analysis::dot::to_dot;
use silent_slavery_scenario::analysis::picture::StepPicture;
use silent_slavery_scenario::analysis::reference::Reference;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::diagnostic::Diagnostic;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{RoleGroup, StepKind};
use silent_slavery_scenario::play::runner::{Input, Runner, RunnerError, View};
use silent_slavery_scenario::play::script::{self, ScriptError};

const FRONT_COUNTER: &str = include_str!("fixtures/front_counter.ron");
const DECISION_CUES: &str = include_str!("fixtures/decision_cues.ron");

fn catalog() -> Catalog {
    Catalog::embedded().expect("shipped catalogue")
}

/// Replaces exactly one occurrence of `from` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once");
    text.replacen(from, to, 1)
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match load_bytes("case.ron", text.as_bytes(), &catalog()) {
        Ok(loaded) => loaded.warnings,
        Err(d) => d,
    }
}

/// (line, column, message) of every diagnostic.
fn messages(text: &str) -> Vec<(usize, usize, String)> {
    diagnostics(text)
        .iter()
        .map(|d| (d.position.line, d.position.column, d.problem.to_string()))
        .collect()
}

/// 1-based line and column of the first `needle`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect("needle present");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    (
        line,
        before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count()
            + 1,
    )
}

#[test]
fn a_missing_next_lists_the_steps_to_choose_from() {
    let text = edit(FRONT_COUNTER, "next: \"concerns\"", "next: \"concerned\"");
    let (line, column) = at(&text, "\"concerned\"");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "`concerned` is not a step in this scenario (did you mean `concerns`?); write one of its steps: `arrives`, `concerns`, `first`, `second`, `referred`, `late`, `lost`".to_owned()
        )]
    );
}

#[test]
fn negative_points_say_that_breaches_subtract() {
    let text = edit(
        FRONT_COUNTER,
        "Breaches(rule: \"ew_victim_first_not_immigration\", points: 5)",
        "Breaches(rule: \"ew_victim_first_not_immigration\", points: -15)",
    );
    let (line, column) = at(&text, "-15");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "`points` is -15, but points are a whole number, 0 or more: `Breaches` subtracts them, so write `Breaches(rule: \"...\", points: 15)` to take 15 points away".to_owned()
        )]
    );
    let text = edit(FRONT_COUNTER, "version: 3,", "version: -1,");
    let (line, column) = at(&text, "-1,");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "`version` is -1, but it must be a whole number from 0 to 4294967295: write a number in that range".to_owned()
        )]
    );
}

#[test]
fn a_variant_marker_in_the_scene_text_says_where_it_may_go() {
    let text = edit(
        FRONT_COUNTER,
        "{no_papers} He keeps looking",
        "{no_papers} {hand} He keeps looking",
    );
    let (line, column) = at(&text, "{hand}");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "`{hand}` places cue `hand` of variant `injured`, which is on screen only when that variant is drawn, and a variant's text goes after the scene's text: move `{hand}` into the `text` of variant `injured`, or move the cue into the `cues` of step `arrives`".to_owned()
        )]
    );
}

#[test]
fn other_stray_markers_say_what_to_write() {
    let text = edit(FRONT_COUNTER, "{no_papers} He keeps", "{no_paper} He keeps");
    assert_eq!(
        messages(&text)[0].2,
        "`{no_paper}` places a cue, but step `arrives` has no cue `no_paper` (did you mean `no_papers`?); write the id of a cue this text may place: `no_papers`, `accent`, or take the braces away to show the words as they are"
    );
    let text = edit(
        DECISION_CUES,
        "{driver_offers} How will you",
        "{driver_offers} {tired_men} How will you",
    );
    assert_eq!(
        messages(&text)[0].2,
        "`{tired_men}` places cue `tired_men` of step `stop`, but a marker can place only a cue of its own step (`talk`): move the cue into this step's `cues`, or take the marker out"
    );
}

#[test]
fn a_misspelt_flag_is_suggested() {
    let text = edit(FRONT_COUNTER, "requires: [\"safe\"]", "requires: [\"saf\"]");
    let (line, column) = at(&text, "\"saf\"");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "flag `saf` is tested here but no option ever sets it (did you mean `safe`?): add it to an option's `sets`, or correct its spelling".to_owned()
        )]
    );
}

#[test]
fn a_decision_cue_is_checked_like_a_scene_cue() {
    assert_eq!(messages(DECISION_CUES), []);
    let text = edit(
        DECISION_CUES,
        "indicator: \"companion_offers_to_interpret\"",
        "indicator: \"companion_offers_interpret\"",
    );
    let (line, column) = at(&text, "\"companion_offers_interpret\"");
    assert_eq!(
        messages(&text),
        [(
            line,
            column,
            "`companion_offers_interpret` is not an indicator or caution id in the catalogue (did you mean `companion_offers_to_interpret`?); find the id with `silent-slavery catalog indicators`".to_owned()
        )]
    );
    let text = edit(
        DECISION_CUES,
        "Cue(id: \"driver_offers\"",
        "Cue(id: \"tired_men\"",
    );
    let found = diagnostics(&text);
    assert_eq!(
        found.iter().map(|d| d.problem.code()).collect::<Vec<_>>(),
        ["unknown-cue-marker", "duplicate-cue-id"],
        "the marker in the prompt comes first in the file"
    );
}

fn decision_cues() -> (
    Arc<silent_slavery_scenario::load::loaded::LoadedScenario>,
    Arc<Catalog>,
) {
    let catalog = catalog();
    let loaded =
        load_bytes("decision_cues.ron", DECISION_CUES.as_bytes(), &catalog).expect("valid");
    (Arc::new(loaded), Arc::new(catalog))
}

#[test]
fn a_decision_cue_is_shown_in_the_prompt_and_offered_at_the_next_identify_step() {
    let (loaded, catalog) = decision_cues();
    // Best 2003: +10 +10 from choices; tired_men (Medium, 2) and driver_offers (Strong, 3).
    assert_eq!(loaded.bounds["silent-slavery-2003"].max, 25);
    let (mut runner, _) = Runner::start(Arc::clone(&loaded), catalog, 0).expect("starts");
    runner
        .apply(&Input::Continue)
        .expect("to the first identify step");
    assert_eq!(
        runner.apply(&Input::Flag("driver_offers".into())),
        Err(RunnerError::CueNotOffered {
            cue: "driver_offers".into(),
            step: "talk".into(),
            variant: None
        })
    );
    runner
        .apply(&Input::Flag("tired_men".into()))
        .expect("flagged");
    runner.apply(&Input::Continue).expect("to the decision");
    let View::Decision { cues, .. } = runner.view() else {
        panic!("a decision");
    };
    assert_eq!(
        cues.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["driver_offers"]
    );
    runner
        .apply(&Input::Choose("phone_line".into()))
        .expect("chosen");
    runner
        .apply(&Input::Continue)
        .expect("to the second identify step");
    let View::Identify { cues, .. } = runner.view() else {
        panic!("an identify step");
    };
    assert_eq!(
        cues.iter().map(|c| c.cue.id.as_str()).collect::<Vec<_>>(),
        ["tired_men", "one_nationality", "farm_work", "driver_offers"]
    );
    runner
        .apply(&Input::Flag("driver_offers".into()))
        .expect("flagged");
    runner.apply(&Input::Continue).expect("on");
    runner
        .apply(&Input::Choose("refer".into()))
        .expect("chosen");
    runner.apply(&Input::Continue).expect("ends");
    let score = runner.score();
    assert_eq!(
        score.ruleset("silent-slavery-2003").expect("scored").raw,
        25
    );
    assert!(score.passed);
}

#[test]
fn a_script_names_its_variant_and_a_seed_that_draws_another_is_refused() {
    let catalog = Arc::new(catalog());
    let loaded = Arc::new(
        load_bytes("front_counter.ron", FRONT_COUNTER.as_bytes(), &catalog).expect("valid"),
    );
    let draws = |seed| {
        let (runner, _) =
            Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), seed).expect("starts");
        runner.transcript().variants[0].1.clone()
    };
    let text = "variant arrives injured\nflag hand\nchoose private_room\nchoose refer\n";
    let parsed = script::parse_script(text).expect("parses");
    let seed = script::seed_for(&loaded, &catalog, &parsed, 0, 100).expect("a seed draws it");
    assert_eq!(draws(seed), "injured");
    let other = (0..100)
        .find(|&s| draws(s) == "tired")
        .expect("some seed draws tired");
    let (mut runner, mut events) =
        Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), other).expect("starts");
    let err = script::play(&mut runner, &parsed, &mut events).expect_err("wrong variant");
    assert_eq!(
        err.to_string(),
        format!(
            "line 1: the script is written for variant `injured` of scene `arrives`, but seed {other} draws `tired`: run with `--seed-for arrives=injured` to find a seed that draws it, or change the line to `variant arrives tired`"
        )
    );
    let parsed = script::parse_script("variant arrives bruised\n").expect("parses");
    let (mut runner, mut events) =
        Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), 0).expect("starts");
    assert_eq!(
        script::play(&mut runner, &parsed, &mut events)
            .expect_err("no such variant")
            .to_string(),
        "line 1: scene `arrives` has no variant `bruised`; write one of its variants: `injured`, `tired`"
    );
    let parsed = script::parse_script("variant arrival injured\n").expect("parses");
    let (mut runner, mut events) =
        Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), 0).expect("starts");
    assert!(matches!(
        script::play(&mut runner, &parsed, &mut events),
        Err(ScriptError::UnknownVariant { known, .. }) if known == ["arrives=injured|tired"]
    ));
}

#[test]
fn the_picture_shows_locks_flags_outcomes_and_best_scores() {
    let catalog = catalog();
    let loaded =
        load_bytes("front_counter.ron", FRONT_COUNTER.as_bytes(), &catalog).expect("valid");
    let picture = StepPicture::of(&loaded.scenario, &catalog);
    assert_eq!(picture.max, loaded.bounds["silent-slavery-2003"].max);
    assert_eq!(picture.pass_mark, 21, "0.8 of 26, rounded up");
    let node = |id: &str| picture.nodes.iter().find(|n| n.id == id).expect("node");
    assert_eq!(
        node("arrives").label,
        [
            "arrives",
            "scene, 2 variants",
            "4 cues, 1 red herring(s)",
            "best 26 of 26"
        ]
    );
    assert!(node("arrives").start);
    assert_eq!(
        node("late").label,
        [
            "late",
            "ending: Referred late",
            "best 18 of 26: cannot pass"
        ]
    );
    assert_eq!(node("first").kind, StepKind::Decision);
    let edge = |label: &str| {
        picture
            .edges
            .iter()
            .find(|e| e.label.first().is_some_and(|l| l == label))
            .expect("edge")
    };
    assert_eq!(edge("private_room").label, ["private_room", "sets safe"]);
    assert_eq!(edge("refer").label, ["refer", "needs safe"]);
    assert!(edge("refer").lockable && !edge("private_room").lockable);
    assert_eq!(edge("come_back").label, ["come_back", "CRITICAL"]);
    assert!(edge("come_back").critical);

    let svg = picture.to_svg().expect("lays out");
    assert!(svg.starts_with("<?xml"), "{svg}");
    for text in [
        "needs safe",
        "sets safe",
        "ending: Referred late",
        "best 26 of 26",
    ] {
        assert!(svg.contains(text), "{text} in the SVG");
    }
    assert!(
        svg.contains("stroke-dasharray"),
        "a lockable option is dashed"
    );
    assert_eq!(
        svg,
        picture.to_svg().expect("again"),
        "the same bytes every time"
    );
    assert!(!picture.marks().expect("marks").is_empty());

    let dot = to_dot(&picture);
    assert!(
        dot.contains("label=\"refer\\nneeds safe\", style=dashed"),
        "{dot}"
    );
    assert!(
        dot.contains("label=\"late\\nending: Referred late\\nbest 18 of 26: cannot pass\""),
        "{dot}"
    );
}

#[test]
fn the_reference_pairs_rules_by_role_and_counts_use() {
    let catalog = catalog();
    let loaded =
        load_bytes("front_counter.ron", FRONT_COUNTER.as_bytes(), &catalog).expect("valid");
    let reference = Reference::of(&catalog, std::slice::from_ref(&loaded));
    let rule = |id: &str| reference.rules.iter().find(|r| r.id == id).expect("rule");
    let age = rule("ew_age_presumption_s51");
    assert!(
        age.partners
            .iter()
            .any(|p| p.rule == "rec_10_children_act_to_18"),
        "the age presumption has a 2003 partner"
    );
    assert!(!age.breaching.is_empty());
    let interpreter = reference.for_group(RoleGroup::Immigration);
    let interpreter = interpreter
        .rules
        .iter()
        .find(|r| r.id == "ew_independent_interpreter")
        .expect("rule");
    assert_eq!(
        interpreter
            .partners
            .iter()
            .map(|p| p.rule.as_str())
            .collect::<Vec<_>>(),
        ["p1_human_rights_not_immigration"],
        "for immigration staff the interpreter pairs with principle 1, not the police principle"
    );
    assert_eq!(
        rule("rec_04_not_conditional_on_evidence")
            .upheld_in
            .iter()
            .collect::<Vec<_>>(),
        ["fixture_front_counter"]
    );
    let found = reference.search("debt bondage");
    assert!(found.indicators.iter().any(|i| i.id == "debt_bondage"));
    assert!(found.rules.is_empty());
    // Every scored rule says what breaching it looks like.
    assert!(reference.rules.iter().all(|r| !r.breaching.is_empty()));
}
