//! The assessment audit: each fault of a gameable scenario reported at its place, a balanced one clean, and the random-play probability checked against brute-force enumeration.

use std::collections::BTreeSet;

use silent_slavery_scenario::analysis::audit::{self, ChoiceStrategy, FlagStrategy};
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::diagnostic::Severity;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::Step;
use silent_slavery_scenario::play::score::{self, PassRule};

const GAMEABLE: &str = include_str!("fixtures/gameable.ron");
const BALANCED: &str = include_str!("fixtures/balanced.ron");
const FRONT_COUNTER: &str = include_str!("fixtures/front_counter.ron");

fn catalog() -> Catalog {
    Catalog::embedded().expect("catalogue")
}

fn load(name: &str, text: &str) -> LoadedScenario {
    load_bytes(name, text.as_bytes(), &catalog()).expect("the fixture validates")
}

/// Line and column (1-based, characters) of byte `at` in `text`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Where `needle` starts, `offset` bytes in, where the needle occurs once.
fn place(text: &str, needle: &str, offset: usize) -> (usize, usize) {
    assert_eq!(text.matches(needle).count(), 1, "`{needle}` occurs once");
    position(text, text.find(needle).expect("present") + offset)
}

/// Where an option's text value starts: the opening quote after `text: `.
fn option_text(text: &str, option_id: &str) -> (usize, usize) {
    let at = text
        .find(&format!("id: \"{option_id}\","))
        .expect("option present");
    position(
        text,
        at + text[at..].find("text: \"").expect("text follows the id") + "text: ".len(),
    )
}

#[test]
fn each_fault_of_a_gameable_scenario_is_reported_at_its_place() {
    let loaded = load("gameable.ron", GAMEABLE);
    let result = audit::audit(std::slice::from_ref(&loaded), &catalog());
    let found: BTreeSet<(&str, Severity, usize, usize)> = result
        .diagnostics(|_| Some(GAMEABLE.to_owned()))
        .iter()
        .map(|d| {
            (
                d.problem.code(),
                d.severity(),
                d.position.line,
                d.position.column,
            )
        })
        .collect();
    let id = place(GAMEABLE, "\"fixture_gameable\"", 0);
    let mut expected = BTreeSet::from([
        // The longest option and the tell-tale words both pass when every cue is flagged:
        // one red herring is within the limit.
        ("guessing-passes", Severity::Error, id.0, id.1),
        (
            "best-option-often-longest",
            Severity::Error,
            option_text(GAMEABLE, "first_best").0,
            option_text(GAMEABLE, "first_best").1,
        ),
        (
            "vocabulary-tell",
            Severity::Warning,
            option_text(GAMEABLE, "first_best").0,
            option_text(GAMEABLE, "first_best").1,
        ),
        (
            "several-critical-options",
            Severity::Warning,
            place(GAMEABLE, "id: \"third\"", 4).0,
            place(GAMEABLE, "id: \"third\"", 4).1,
        ),
        (
            "option-never-unlocked",
            Severity::Warning,
            place(GAMEABLE, "id: \"fifth_after_shortcut\"", 4).0,
            place(GAMEABLE, "id: \"fifth_after_shortcut\"", 4).1,
        ),
    ]);
    for best in [
        "first_best",
        "second_best",
        "third_best",
        "fourth_best",
        "fifth_best",
    ] {
        let (line, column) = option_text(GAMEABLE, best);
        expected.insert((
            "best-option-length-stands-out",
            Severity::Warning,
            line,
            column,
        ));
    }
    assert_eq!(found, expected);

    let strategy = |choice, flagging| {
        result.scenarios[0]
            .strategies
            .iter()
            .find(|s| s.choice == choice && s.flagging == flagging)
            .expect("every strategy is worked out")
    };
    assert_eq!(
        strategy(ChoiceStrategy::Longest, FlagStrategy::All).passed(),
        1
    );
    assert_eq!(
        strategy(ChoiceStrategy::Vocabulary, FlagStrategy::All).passed(),
        1
    );
    // Flagging nothing misses every indicator: the recall condition fails it.
    assert_eq!(
        strategy(ChoiceStrategy::Longest, FlagStrategy::Nothing).passed(),
        0
    );
    assert_eq!(
        strategy(ChoiceStrategy::Shortest, FlagStrategy::All).passed(),
        0
    );
    let tells: Vec<(&str, bool, usize)> = result
        .tells
        .iter()
        .map(|t| (t.term.as_str(), t.in_best, t.decisions))
        .collect();
    assert_eq!(tells, [("carefully", true, 5), ("properly", true, 5)]);
    assert_eq!(result.length.best_longest, 5);
    assert_eq!(result.length.decisions, 5);
    assert!(result.length.too_often());
}

#[test]
fn a_balanced_scenario_has_no_error() {
    let loaded = load("balanced.ron", BALANCED);
    let result = audit::audit(std::slice::from_ref(&loaded), &catalog());
    let diagnostics = result.diagnostics(|_| Some(BALANCED.to_owned()));
    assert!(
        diagnostics.is_empty(),
        "{}",
        diagnostics
            .iter()
            .map(|d| d.render())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let s = &result.scenarios[0];
    assert_eq!(s.strategies.len(), 6);
    assert!(
        s.strategies
            .iter()
            .all(|st| st.passed() == 0 && !st.plays.is_empty())
    );
    assert!(s.random.exact);
    assert!(s.random.probability < audit::RANDOM_PASS_LIMIT);
    assert!(result.near_miss_share >= 0.5);
    let near: Vec<&str> = s
        .decisions
        .iter()
        .flat_map(|d| d.near_misses.iter().map(String::as_str))
        .collect();
    assert_eq!(
        near,
        [
            "talk_on_forecourt",
            "app_line",
            "refer_anyway",
            "friend_sofa"
        ]
    );
}

/// The chance that random play passes, by listing every path with its probability (worked
/// out from the scenario, not the state graph) and every combination of flags.
fn brute_force_random_pass(loaded: &LoadedScenario, catalog: &Catalog) -> f64 {
    let s = &loaded.scenario;
    let rule = PassRule::of(s);
    let walk = explore::explore(s, catalog, explore::DEFAULT_PATH_LIMIT);
    assert!(!walk.truncated);
    let mut total = 0.0;
    for path in &walk.paths {
        // The path's probability: 1/unlocked options at each decision, weight/total at each
        // scene with variants.
        let mut p = 1.0;
        let mut flags = BTreeSet::new();
        let mut choices = path.choices.iter();
        let mut variants = path.variants.iter();
        for step_id in &path.visited {
            match s.step(step_id).expect("step") {
                Step::Scene(scene) if !scene.variants.is_empty() => {
                    let (_, v) = variants.next().expect("a variant per scene");
                    let all: u32 = scene.variants.iter().map(|x| x.weight).sum();
                    let w = scene
                        .variants
                        .iter()
                        .find(|x| &x.id == v)
                        .expect("variant")
                        .weight;
                    p *= f64::from(w) / f64::from(all);
                }
                Step::Decision(d) => {
                    let open = d.options.iter().filter(|o| o.is_unlocked(&flags)).count();
                    p /= open as f64;
                    let (_, chosen) = choices.next().expect("a choice per decision");
                    let option = d.options.iter().find(|o| &o.id == chosen).expect("option");
                    flags.extend(option.sets.iter().cloned());
                }
                _ => {}
            }
        }
        // Every subset of the cues offered, each equally likely.
        let offered: Vec<&String> = path.offered_cues.iter().collect();
        let n = offered.len();
        let mut passing = 0u64;
        for mask in 0u64..(1 << n) {
            let mut t = path.clone();
            t.flagged_cues = offered
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| (*c).clone())
                .collect();
            if score::score(s, catalog, &loaded.bounds, &rule, &t).passed {
                passing += 1;
            }
        }
        total += p * passing as f64 / (1u64 << n) as f64;
    }
    total
}

#[test]
fn the_random_play_probability_equals_brute_force_enumeration() {
    let catalog = catalog();
    for (name, text) in [
        ("gameable.ron", GAMEABLE),
        ("balanced.ron", BALANCED),
        ("front_counter.ron", FRONT_COUNTER),
    ] {
        let loaded = load(name, text);
        let result = audit::audit(std::slice::from_ref(&loaded), &catalog);
        let random = result.scenarios[0].random;
        let expected = brute_force_random_pass(&loaded, &catalog);
        assert!(random.exact, "{name}");
        assert!(
            (random.probability - expected).abs() < 1e-12,
            "{name}: audit {} against enumeration {expected}",
            random.probability
        );
        assert!(expected > 0.0, "{name}: some random play passes");
    }
}

#[test]
fn templates_are_left_out_of_the_library() {
    let balanced = load("balanced.ron", BALANCED);
    let mut template = load("gameable.ron", GAMEABLE);
    template.file = "scenarios/_gameable.ron".to_owned();
    let result = audit::audit(&[balanced, template], &catalog());
    assert_eq!(result.scenarios.len(), 1);
    assert_eq!(result.scenarios[0].id, "fixture_balanced");
    assert!(result.findings.is_empty());
}
