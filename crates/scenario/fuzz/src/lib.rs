//! Shared harness for the fuzz targets: load bytes as the CLI and app do, then list paths and play them, checking what must always hold.

pub mod generate;

use std::sync::{Arc, OnceLock};

use silent_slavery_scenario::model::catalog::{Catalog, CueTag};
use silent_slavery_scenario::load::diagnostic::Severity;
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::library;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::play::runner::{Input, Runner, View};
use silent_slavery_scenario::play::score::{AttemptScore, Transcript};

/// The embedded catalogue, built once per process: building it per input would swamp the
/// time spent in the code under test.
pub fn catalog() -> &'static Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::embedded().expect("the embedded catalogue loads")))
}

/// How many listed paths are replayed through the runner: enough to cover variants and
/// flags on a branching scenario without making every input slow.
const PATHS_PLAYED: usize = 4;

/// Paths listed per input. The CLI lists up to `explore::DEFAULT_PATH_LIMIT` (20,000); under
/// the sanitizer a listed and scored path of a shipped scenario costs about 0.3 ms, so that
/// limit would leave the fuzzer a few inputs a second. A smaller limit walks the same code,
/// truncation included; `tests/fuzz.rs` uses the same.
const PATH_LIMIT: usize = 200;

/// Loads `bytes` through `library::load_bytes` (parse, validate, best and worst scores, the
/// entry point of `silent-slavery validate` and of the app), then lists and plays paths.
///
/// # Panics
/// When the code under test panics, or when one of the invariants below does not hold.
pub fn exercise(bytes: &[u8]) {
    match library::load_bytes("fuzz.ron", bytes, catalog()) {
        Ok(loaded) => exercise_loaded(loaded),
        Err(diagnostics) => {
            assert!(
                diagnostics.iter().any(|d| d.severity() == Severity::Error),
                "a refused file carries at least one error: {diagnostics:?}"
            );
            // The CLI prints these; rendering walks the source line by column.
            for d in &diagnostics {
                let _ = d.render();
                let _ = d.to_record();
            }
        }
    }
}

/// Lists every path of a scenario that validated (as `silent-slavery paths` does), checks
/// each against the bounds from the state graph, and plays a few through the runner.
pub fn exercise_loaded(loaded: LoadedScenario) {
    let catalog = catalog();
    for w in &loaded.warnings {
        assert_eq!(
            w.severity(),
            Severity::Warning,
            "a loaded scenario has no errors"
        );
        let _ = w.render();
    }
    let s = &loaded.scenario;
    let walk = explore::explore(s, catalog, PATH_LIMIT);
    let scored = explore::scored_paths(s, catalog, &loaded.bounds, &walk);
    let _ = silent_slavery_scenario::analysis::dot::to_dot(
        &silent_slavery_scenario::analysis::picture::StepPicture::of(s, catalog),
    );
    for path in &scored {
        assert!(
            path.transcript.ending.is_some(),
            "a listed path ends at an ending"
        );
        within_bounds(&path.score, "listed path");
        if path.score.passed {
            assert!(
                path.score
                    .rulesets
                    .iter()
                    .all(|r| r.critical_breaches.is_empty()),
                "a path with a critical breach never passes"
            );
        }
    }
    let loaded = Arc::new(loaded);
    for (seed, path) in walk.paths.iter().take(PATHS_PLAYED).enumerate() {
        replay(&loaded, path, seed as u64);
    }
}

/// Every complete attempt scores between the worst and best the state graph computed: the
/// bounds are what scaling and pass/fail rest on.
fn within_bounds(score: &AttemptScore, what: &str) {
    for r in &score.rulesets {
        assert!(
            r.min <= r.raw && r.raw <= r.max,
            "{what}: raw {} outside the bounds {}..={} under {}",
            r.raw,
            r.min,
            r.max,
            r.ruleset
        );
    }
}

/// Plays a listed path's choices through the runner, flagging every true indicator offered.
/// The runner must accept every input and end where the listing said, in a bounded number
/// of inputs.
fn replay(loaded: &Arc<LoadedScenario>, path: &Transcript, seed: u64) {
    let catalog = catalog();
    let (mut runner, _) = Runner::start(Arc::clone(loaded), Arc::clone(catalog), seed)
        .expect("a loaded scenario starts");
    let mut choices = path.choices.iter();
    // Each step takes at most a few inputs (flags, then continue; choose, then continue),
    // so a runner that needs more than this is going round in circles.
    let cues = loaded.scenario.all_cues().count();
    let mut budget = path.visited.len() * 3 + cues + 8;
    while !runner.is_finished() {
        assert!(
            budget > 0,
            "the runner did not finish the listed path {path:?}"
        );
        budget -= 1;
        let input = match runner.view() {
            View::Scene { .. } | View::Feedback { .. } => Input::Continue,
            View::Identify { cues, .. } => cues
                .iter()
                .find(|c| {
                    !c.flagged
                        && matches!(
                            catalog.cue_tag(&c.cue.indicator),
                            Some(CueTag::Indicator(_))
                        )
                })
                .map_or(Input::Continue, |c| Input::Flag(c.cue.id.clone())),
            View::Decision { step, .. } => {
                let (decision, option) = choices
                    .next()
                    .unwrap_or_else(|| panic!("the listed path ran out of choices at {}", step.id));
                assert_eq!(
                    decision, &step.id,
                    "the runner reached the decision the path took"
                );
                Input::Choose(option.clone())
            }
            View::Finished { .. } => unreachable!("checked by the loop"),
        };
        if let Err(e) = runner.apply(&input) {
            panic!("the runner refused {input:?} on a listed path: {e}");
        }
    }
    let played = runner.transcript();
    assert_eq!(
        played.ending, path.ending,
        "the runner ended where the path did"
    );
    assert_eq!(
        played.visited, path.visited,
        "the runner visited the path's steps"
    );
    within_bounds(&runner.score(), "played path");
}
