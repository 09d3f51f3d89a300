//! The runner and scoring on the fixture scenario: exact transcripts, exact scores, replay by seed.

use std::sync::Arc;

use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::{LoadedScenario, content_hash};
use silent_slavery_scenario::model::bounds::ScoreBounds;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{Outcome, StepKind};
use silent_slavery_scenario::play::runner::{EffectKind, Event, Input, Runner, RunnerError, View};
use silent_slavery_scenario::play::score::CriticalBreach;
use silent_slavery_scenario::play::script;

const FIXTURE: &str = include_str!("fixtures/front_counter.ron");

fn setup() -> (Arc<LoadedScenario>, Arc<Catalog>) {
    let catalog = Catalog::embedded().expect("shipped catalogue");
    let loaded =
        load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("fixture is valid");
    (Arc::new(loaded), Arc::new(catalog))
}

/// Plays a script (see `script.rs`) and returns the runner and every event.
fn play(seed: u64, lines: &str) -> (Runner, Vec<Event>) {
    let (loaded, catalog) = setup();
    let (mut runner, mut events) = Runner::start(loaded, catalog, seed).expect("starts");
    let parsed = script::parse_script(lines).expect("script parses");
    script::play(&mut runner, &parsed, &mut events).expect("script plays");
    (runner, events)
}

fn presented(step: &str, kind: StepKind) -> Event {
    Event::StepPresented {
        step: step.into(),
        kind,
    }
}

fn effect(rule: &str, ruleset: &str, effect: EffectKind, points: u32, critical: bool) -> Event {
    Event::RuleEffect {
        rule: rule.into(),
        ruleset: ruleset.into(),
        effect,
        points,
        critical,
    }
}

const BEST: &str =
    "flag no_papers\nflag accent\nunflag accent\nflag hand\nchoose private_room\nchoose refer\n";

#[test]
fn bounds_are_the_best_and_worst_over_all_paths() {
    let (loaded, _) = setup();
    // 2003: private_room (+10) then refer (+10), and the injured variant's two strong cues
    // (3 + 3). Worst: status_check (-10) then statement_first (-10), the red herring flagged (-5).
    assert_eq!(
        loaded.bounds["silent-slavery-2003"],
        ScoreBounds { min: -25, max: 26 }
    );
    // Current practice: +5 then +10, plus 6; worst -5 and -5.
    assert_eq!(
        loaded.bounds["uk-ew-current"],
        ScoreBounds { min: -10, max: 21 }
    );
}

#[test]
fn a_scripted_best_path_gives_the_expected_transcript_and_score() {
    let (runner, events) = play(2, BEST);
    use EffectKind::Upheld;
    assert_eq!(
        events,
        vec![
            presented("arrives", StepKind::Scene),
            Event::VariantChosen {
                step: "arrives".into(),
                variant: "injured".into()
            },
            presented("concerns", StepKind::Identify),
            Event::CueFlagged {
                cue: "no_papers".into()
            },
            Event::CueFlagged {
                cue: "accent".into()
            },
            Event::CueUnflagged {
                cue: "accent".into()
            },
            Event::CueFlagged { cue: "hand".into() },
            presented("first", StepKind::Decision),
            Event::OptionsOrdered {
                step: "first".into(),
                order: vec![
                    "private_room".into(),
                    "status_check".into(),
                    "come_back".into()
                ]
            },
            Event::OptionChosen {
                step: "first".into(),
                option: "private_room".into()
            },
            effect(
                "p1_human_rights_not_immigration",
                "silent-slavery-2003",
                Upheld,
                10,
                false
            ),
            effect(
                "ew_independent_interpreter",
                "uk-ew-current",
                Upheld,
                5,
                false
            ),
            Event::FlagSet {
                flag: "safe".into()
            },
            Event::FeedbackShown {
                step: "first".into(),
                option: "private_room".into()
            },
            presented("second", StepKind::Decision),
            Event::OptionsOrdered {
                step: "second".into(),
                order: vec![
                    "refer".into(),
                    "statement_first".into(),
                    "phone_helpline".into()
                ]
            },
            Event::OptionChosen {
                step: "second".into(),
                option: "refer".into()
            },
            effect(
                "rec_04_not_conditional_on_evidence",
                "silent-slavery-2003",
                Upheld,
                10,
                false
            ),
            effect(
                "ew_informed_consent_adult_nrm",
                "uk-ew-current",
                Upheld,
                10,
                false
            ),
            Event::FeedbackShown {
                step: "second".into(),
                option: "refer".into()
            },
            presented("referred", StepKind::Ending),
            Event::AttemptFinished {
                ending: "referred".into(),
                outcome: Outcome::SafeguardedAndReferred
            },
        ]
    );
    let score = runner.score();
    assert!(score.passed);
    assert_eq!(score.outcome, Some(Outcome::SafeguardedAndReferred));
    let r2003 = score.ruleset("silent-slavery-2003").expect("2003 scored");
    assert_eq!(
        (
            r2003.decision_points,
            r2003.identification_points,
            r2003.raw,
            r2003.max
        ),
        (20, 6, 26, 26)
    );
    assert_eq!(r2003.scaled, 1.0);
    assert_eq!(r2003.ruleset_version, "2003-06-20");
    let rules: Vec<(&str, i64, i64)> = r2003
        .rules
        .iter()
        .map(|t| (t.rule.as_str(), t.upheld, t.breached))
        .collect();
    assert_eq!(
        rules,
        [
            ("p1_human_rights_not_immigration", 10, 0),
            ("rec_04_not_conditional_on_evidence", 10, 0)
        ]
    );
    let current = score.ruleset("uk-ew-current").expect("current scored");
    assert_eq!((current.raw, current.max, current.passed), (21, 21, true));
    let id = &score.identification;
    assert_eq!(id.flagged_indicators, ["hand", "no_papers"]);
    assert!(id.missed_indicators.is_empty());
    assert_eq!(id.red_herrings_offered, ["accent"]);
    assert!(id.red_herrings_flagged.is_empty());
    assert_eq!((id.recall, id.precision, id.points), (1.0, 1.0, 6));
}

#[test]
fn the_same_seed_and_inputs_replay_identically() {
    for seed in [0, 1, 2, 99, u64::MAX] {
        let script = "flag no_papers\nchoose private_room\nchoose phone_helpline\n";
        let (a, events_a) = play(seed, script);
        let (b, events_b) = play(seed, script);
        assert_eq!(events_a, events_b, "seed {seed}");
        assert_eq!(a.transcript(), b.transcript());
        assert_eq!(a.score(), b.score());
    }
    // Different seeds do reach different variants and option orders.
    let mut variants = std::collections::BTreeSet::new();
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (runner, events) = play(seed, "choose private_room\nchoose phone_helpline\n");
        variants.extend(runner.transcript().variants.iter().map(|(_, v)| v.clone()));
        for e in events {
            if let Event::OptionsOrdered { step, order } = e
                && step == "first"
            {
                orders.insert(order);
            }
        }
    }
    assert_eq!(variants.len(), 2);
    assert_eq!(orders.len(), 6, "all orders of three options occur");
}

#[test]
fn a_decision_without_shuffle_keeps_the_authored_order() {
    for seed in 0..20 {
        let (_, events) = play(seed, "choose private_room\nchoose phone_helpline\n");
        let second = events.iter().find_map(|e| match e {
            Event::OptionsOrdered { step, order } if step == "second" => Some(order.clone()),
            _ => None,
        });
        assert_eq!(
            second.expect("second presented"),
            ["refer", "statement_first", "phone_helpline"]
        );
    }
}

#[test]
fn a_critical_breach_fails_whatever_the_points() {
    let (runner, _) = play(2, "flag no_papers\nflag hand\nchoose come_back\n");
    let score = runner.score();
    assert!(!score.passed);
    assert_eq!(score.outcome, Some(Outcome::VictimLost));
    let r2003 = score.ruleset("silent-slavery-2003").expect("scored");
    assert_eq!(r2003.raw, -4);
    assert_eq!(
        r2003.critical_breaches,
        [CriticalBreach {
            rule: "p3_partnership_support".into(),
            step: "first".into(),
            option: "come_back".into()
        }]
    );
    // The current-practice ruleset saw no critical breach, but 6 of 21 is below mastery.
    let current = score.ruleset("uk-ew-current").expect("scored");
    assert_eq!((current.raw, current.passed), (6, false));
}

#[test]
fn missing_most_indicators_fails_even_with_perfect_decisions() {
    let (runner, _) = play(2, "choose private_room\nchoose refer\n");
    let score = runner.score();
    let r2003 = score.ruleset("silent-slavery-2003").expect("scored");
    assert_eq!(
        (r2003.raw, r2003.scaled_score().fraction()),
        (20, "0.7692".to_owned())
    );
    assert_eq!(r2003.scaled, 0.7692);
    assert_eq!(score.identification.recall, 0.0);
    assert_eq!(
        score.identification.missed_indicators,
        ["hand", "no_papers"]
    );
    assert!(!score.passed);

    // One of two true indicators is exactly the default minimum of a half.
    let (runner, _) = play(2, "flag hand\nchoose private_room\nchoose refer\n");
    let score = runner.score();
    assert_eq!(score.identification.recall, 0.5);
    assert_eq!(
        score.ruleset("silent-slavery-2003").expect("scored").raw,
        23
    );
    assert!(score.passed);
}

#[test]
fn flagging_a_red_herring_costs_points_and_precision() {
    let (runner, _) = play(
        2,
        "flag no_papers\nflag hand\nflag accent\nchoose private_room\nchoose refer\n",
    );
    let score = runner.score();
    let id = &score.identification;
    assert_eq!(id.red_herrings_flagged, ["accent"]);
    assert_eq!(id.points, 1);
    assert!((id.precision - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(
        score.ruleset("silent-slavery-2003").expect("scored").raw,
        21
    );
}

#[test]
fn inputs_that_do_not_fit_are_refused_and_change_nothing() {
    let (loaded, catalog) = setup();
    let (mut runner, _) = Runner::start(loaded, catalog, 2).expect("starts");
    assert_eq!(
        runner.apply(&Input::Choose("private_room".into())),
        Err(RunnerError::NotDeciding("arrives".into()))
    );
    assert_eq!(
        runner.apply(&Input::Flag("no_papers".into())),
        Err(RunnerError::NotIdentifying("arrives".into()))
    );
    runner.apply(&Input::Continue).expect("to identify");
    assert_eq!(
        runner.apply(&Input::Flag("tired_look".into())),
        Err(RunnerError::CueNotOffered {
            cue: "tired_look".into(),
            step: "arrives".into(),
            variant: Some("tired".into())
        }),
        "a cue of the variant not drawn"
    );
    assert_eq!(
        runner.apply(&Input::Flag("no_paper".into())),
        Err(RunnerError::UnknownCue {
            cue: "no_paper".into(),
            suggestion: Some("no_papers".into())
        })
    );
    runner.apply(&Input::Continue).expect("to first decision");
    assert_eq!(
        runner.apply(&Input::Continue),
        Err(RunnerError::ChoiceRequired("first".into()))
    );
    runner
        .apply(&Input::Choose("status_check".into()))
        .expect("chosen");
    runner.apply(&Input::Continue).expect("to second decision");
    let before = runner.transcript().clone();
    assert_eq!(
        runner.apply(&Input::Choose("refer".into())),
        Err(RunnerError::OptionLocked {
            option: "refer".into(),
            reason: "He is not yet somewhere safe to talk.".into(),
            open: vec!["statement_first".into(), "phone_helpline".into()]
        })
    );
    assert_eq!(
        runner.apply(&Input::Choose("nonsense".into())),
        Err(RunnerError::UnknownOption {
            step: "second".into(),
            option: "nonsense".into(),
            options: vec![
                "refer".into(),
                "statement_first".into(),
                "phone_helpline".into()
            ]
        })
    );
    assert_eq!(runner.transcript(), &before);
    let View::Decision { options, .. } = runner.view() else {
        panic!("still at the decision");
    };
    let locked: Vec<(&str, bool)> = options
        .iter()
        .map(|o| (o.option.id.as_str(), o.unlocked))
        .collect();
    assert_eq!(
        locked,
        [
            ("refer", false),
            ("statement_first", true),
            ("phone_helpline", true)
        ]
    );
    runner
        .apply(&Input::Choose("phone_helpline".into()))
        .expect("chosen");
    runner.apply(&Input::Continue).expect("to ending");
    assert!(runner.is_finished());
    assert_eq!(runner.apply(&Input::Continue), Err(RunnerError::Finished));
}

#[test]
fn a_script_that_stops_at_a_decision_says_which_options_remain() {
    let (loaded, catalog) = setup();
    let (mut runner, mut events) = Runner::start(loaded, catalog, 2).expect("starts");
    let parsed = script::parse_script("choose status_check\n").expect("parses");
    let err = script::play(&mut runner, &parsed, &mut events).expect_err("ends early");
    assert_eq!(
        err,
        script::ScriptError::EndedAtDecision {
            step: "second".into(),
            options: vec!["statement_first".into(), "phone_helpline".into()]
        }
    );
    assert_eq!(
        script::parse_script("choose\n"),
        Err(script::ScriptError::Syntax {
            line: 1,
            text: "choose".into()
        })
    );
}

#[test]
fn the_content_hash_ignores_comments_and_layout_but_not_content() {
    let catalog = Catalog::embedded().expect("catalogue");
    let base = load_bytes("a.ron", FIXTURE.as_bytes(), &catalog).expect("valid");
    let relaid = format!("// a new comment\n{}", FIXTURE.replace("    ", "  "));
    let relaid = load_bytes("b.ron", relaid.as_bytes(), &catalog).expect("valid");
    assert_eq!(base.content_hash(), relaid.content_hash());
    assert_eq!(base.content_hash(), content_hash(&base.scenario));
    assert_eq!(base.content_hash().len(), 64);
    let edited = FIXTURE.replace("He is safe and referred.", "He is safe, and referred.");
    let edited = load_bytes("c.ron", edited.as_bytes(), &catalog).expect("valid");
    assert_ne!(base.content_hash(), edited.content_hash());
}

#[test]
fn a_critical_breach_under_any_ruleset_fails_the_attempt() {
    use silent_slavery_scenario::analysis::paths as explore;
    use silent_slavery_scenario::analysis::states;
    use silent_slavery_scenario::load::parse;
    use silent_slavery_scenario::play::score;
    let catalog = Catalog::embedded().expect("catalogue");
    // Choosing `private_room` now also breaches a current-practice rule critically.
    let text = FIXTURE.replacen(
        "Upholds(rule: \"ew_independent_interpreter\", points: 5),",
        "Upholds(rule: \"ew_independent_interpreter\", points: 5),\n                        Breaches(rule: \"ew_multi_agency\", points: 0, critical: true),",
        1,
    );
    let parsed = parse::parse_scenario("edited.ron", text.as_bytes()).expect("parses");
    let s = &parsed.scenario;
    let walk = explore::explore(s, &catalog, explore::DEFAULT_PATH_LIMIT);
    let bounds = states::analyse(s, &catalog, states::DEFAULT_STATE_LIMIT).bounds;
    let best = walk
        .paths
        .iter()
        .find(|t| t.choices.iter().any(|(_, o)| o == "refer") && t.variants[0].1 == "injured")
        .expect("the best path");
    let result = score::score(s, &catalog, &bounds, &score::PassRule::of(s), best);
    let r2003 = result.ruleset("silent-slavery-2003").expect("scored");
    assert!(r2003.passed, "the deciding ruleset alone would pass");
    assert_eq!(
        result
            .ruleset("uk-ew-current")
            .expect("scored")
            .critical_breaches
            .len(),
        1
    );
    assert!(!result.passed);
}
