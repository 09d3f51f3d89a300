//! Walks every path through a scenario (each option, each scene variant) to find the best and worst achievable scores and every path's outcome.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use crate::model::bounds::ScoreBounds;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{Scenario, Step, route};
use crate::play::score::{self, AttemptScore, Transcript};

/// How many complete paths are enumerated before the walk stops and says so.
pub const DEFAULT_PATH_LIMIT: usize = 20_000;

/// Most path steps (each counted once per flag it holds, plus one) the walk copies or keeps,
/// over all paths, before it stops and says so.
/// Long paths cost in proportion to their length: 20,000 paths of a 10,000-step scenario
/// would need many gigabytes, so the walk stops at this many (a few hundred megabytes at
/// most) whatever the number of paths.
pub const STEP_BUDGET: usize = 2_000_000;

/// The result of walking a scenario.
#[derive(Debug, Clone, Default)]
pub struct Exploration {
    /// Every complete path (start to an ending), as the transcript of a trainee who flagged
    /// every true indicator offered and no red herring.
    pub paths: Vec<Transcript>,
    /// True when the walk stopped at its path limit or at [`STEP_BUDGET`]; `paths` is then
    /// a prefix.
    pub truncated: bool,
    /// Decisions reached with every option locked: (decision id, flags set then).
    pub locked_decisions: Vec<(String, Vec<String>)>,
}

#[derive(Clone)]
struct Walker {
    step: usize,
    flags: BTreeSet<String>,
    seen_cues: BTreeSet<String>,
    transcript: Transcript,
    on_path: HashSet<(usize, BTreeSet<String>)>,
}

impl Walker {
    /// About how many entries copying this walker copies: its path, and for each step of
    /// it the flags held there (never more than the flags held now, as flags only grow).
    fn copy_size(&self) -> usize {
        self.transcript
            .visited
            .len()
            .saturating_mul(1 + self.flags.len())
    }
}

/// Enumerates complete paths through `scenario`, depth first, up to `limit`.
///
/// A path never revisits a step with the same flags (that would be a loop that changes
/// nothing), so the walk ends on any scenario. Steps named by a `next` that does not exist
/// end the path there; validation reports them.
pub fn explore(scenario: &Scenario, catalog: &Catalog, limit: usize) -> Exploration {
    let mut out = Exploration::default();
    // Looked up on every move: a map keeps each path linear in its length.
    let step_of = scenario.step_indices();
    let Some(&start) = step_of.get(scenario.start.as_str()) else {
        return out;
    };
    let mut stack = vec![Walker {
        step: start,
        flags: BTreeSet::new(),
        seen_cues: BTreeSet::new(),
        transcript: Transcript::default(),
        on_path: HashSet::new(),
    }];
    let mut locked = BTreeSet::new();
    // Path steps copied into branches or kept in finished paths so far.
    let mut spent = 0usize;
    while let Some(mut w) = stack.pop() {
        if spent > STEP_BUDGET {
            out.truncated = true;
            break;
        }
        if !w.on_path.insert((w.step, w.flags.clone())) {
            continue;
        }
        let step = &scenario.steps[w.step];
        w.transcript.visited.push(step.id().to_owned());
        let goto = |w: &mut Walker, id: &str| -> bool {
            match step_of.get(id) {
                Some(&i) => {
                    w.step = i;
                    true
                }
                None => false,
            }
        };
        match step {
            Step::Scene(scene) => {
                w.seen_cues.extend(scene.cues.iter().map(|c| c.id.clone()));
                let next = route(&scene.next, &scene.next_when, &w.flags).to_owned();
                if scene.variants.is_empty() {
                    if goto(&mut w, &next) {
                        stack.push(w);
                    }
                } else {
                    // Pushed in reverse so the first variant is walked first.
                    for variant in scene.variants.iter().rev() {
                        spent += w.copy_size();
                        let mut branch = w.clone();
                        branch
                            .seen_cues
                            .extend(variant.cues.iter().map(|c| c.id.clone()));
                        branch
                            .transcript
                            .variants
                            .push((scene.id.clone(), variant.id.clone()));
                        if goto(&mut branch, &next) {
                            stack.push(branch);
                        }
                    }
                }
            }
            Step::Identify(identify) => {
                w.transcript
                    .offered_cues
                    .extend(w.seen_cues.iter().cloned());
                let next = route(&identify.next, &identify.next_when, &w.flags).to_owned();
                if goto(&mut w, &next) {
                    stack.push(w);
                }
            }
            Step::Decision(decision) => {
                w.seen_cues
                    .extend(decision.cues.iter().map(|c| c.id.clone()));
                let open: Vec<_> = decision
                    .options
                    .iter()
                    .filter(|o| o.is_unlocked(&w.flags))
                    .collect();
                if open.is_empty() {
                    let flags: Vec<String> = w.flags.iter().cloned().collect();
                    if locked.insert((decision.id.clone(), flags.clone())) {
                        out.locked_decisions.push((decision.id.clone(), flags));
                    }
                    continue;
                }
                for option in open.into_iter().rev() {
                    spent += w.copy_size();
                    let mut branch = w.clone();
                    branch
                        .transcript
                        .choices
                        .push((decision.id.clone(), option.id.clone()));
                    branch.flags.extend(option.sets.iter().cloned());
                    if goto(&mut branch, &option.next) {
                        stack.push(branch);
                    }
                }
            }
            Step::Ending(ending) => {
                w.transcript.ending = Some(ending.id.clone());
                w.transcript.flagged_cues = w
                    .transcript
                    .offered_cues
                    .iter()
                    .filter(|id| is_true_indicator(scenario, catalog, id))
                    .cloned()
                    .collect();
                spent += w.copy_size();
                out.paths.push(w.transcript);
                if out.paths.len() >= limit {
                    out.truncated = true;
                    break;
                }
            }
        }
    }
    out
}

fn is_true_indicator(scenario: &Scenario, catalog: &Catalog, cue_id: &str) -> bool {
    scenario
        .cue(cue_id)
        .is_some_and(|c| matches!(catalog.cue_tag(&c.indicator), Some(CueTag::Indicator(_))))
}

/// Rules that some option of one of these decisions breaches critically: the critical rules
/// at stake on a path that visits them.
pub fn critical_rules<'a>(
    scenario: &Scenario,
    visited: impl IntoIterator<Item = &'a String>,
) -> BTreeSet<String> {
    visited
        .into_iter()
        .filter_map(|id| match scenario.step(id) {
            Some(Step::Decision(d)) => Some(d),
            _ => None,
        })
        .flat_map(|d| d.options.iter())
        .flat_map(|o| o.effects.iter())
        .filter(|e| e.is_critical())
        .map(|e| e.rule().to_owned())
        .collect()
}

/// One path with its score, as `silent-slavery paths` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredPath {
    /// The path (best identification assumed).
    pub transcript: Transcript,
    /// Its score.
    pub score: AttemptScore,
    /// Rules at stake critically on this path (some option of a decision it visits breaches
    /// them critically) that the path never upholds.
    pub critical_rules_not_upheld: Vec<String>,
}

impl ScoredPath {
    /// The options chosen and the ending reached: `speak_alone > phone_interpreter -> referred`.
    pub fn route(&self) -> String {
        let choices: Vec<&str> = self
            .transcript
            .choices
            .iter()
            .map(|(_, o)| o.as_str())
            .collect();
        format!(
            "{} -> {}",
            choices.join(" > "),
            self.transcript.ending.as_deref().unwrap_or("?")
        )
    }

    /// Whether it passes with a critical breach under some ruleset (never, by the scoring
    /// rule; counted so the check is visible).
    pub fn passes_with_critical_breach(&self) -> bool {
        self.score.passed
            && self
                .score
                .rulesets
                .iter()
                .any(|r| !r.critical_breaches.is_empty())
    }

    /// Whether it passes without upholding a rule that was at stake critically on it.
    pub fn passes_without_upholding_critical_rules(&self) -> bool {
        self.score.passed && !self.critical_rules_not_upheld.is_empty()
    }
}

/// The counts a trainer checks over every path (docs/scoring.md, "What `paths` checks").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PathSummary {
    /// Paths listed.
    pub paths: usize,
    /// Paths that pass (with perfect identification).
    pub passing: usize,
    /// Passing paths with a critical breach: always 0 by the scoring rule.
    pub passing_with_critical_breach: usize,
    /// Passing paths that never uphold a rule at stake critically on them.
    pub passing_without_upholding_critical_rules: usize,
}

impl PathSummary {
    /// The counts of `scored`.
    pub fn of(scored: &[ScoredPath]) -> PathSummary {
        PathSummary {
            paths: scored.len(),
            passing: scored.iter().filter(|p| p.score.passed).count(),
            passing_with_critical_breach: scored
                .iter()
                .filter(|p| p.passes_with_critical_breach())
                .count(),
            passing_without_upholding_critical_rules: scored
                .iter()
                .filter(|p| p.passes_without_upholding_critical_rules())
                .count(),
        }
    }

    /// Whether no path passes that should not: a content error the author must fix otherwise.
    pub fn is_clean(&self) -> bool {
        self.passing_with_critical_breach + self.passing_without_upholding_critical_rules == 0
    }
}

impl std::fmt::Display for PathSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} path(s), {} pass; passing with a critical breach: {}; passing without upholding the critical rules at stake: {}",
            self.paths,
            self.passing,
            self.passing_with_critical_breach,
            self.passing_without_upholding_critical_rules
        )
    }
}

/// Every path of a scenario scored, with the counts trainers check: what `silent-slavery
/// paths` prints and the author preview shows.
#[derive(Debug, Clone, Serialize)]
pub struct PathReport {
    /// Every path listed, scored with perfect identification.
    pub paths: Vec<ScoredPath>,
    /// True when the listing stopped at its limit.
    pub truncated: bool,
    /// The counts.
    pub summary: PathSummary,
}

/// Lists and scores every path of a loaded scenario (up to [`DEFAULT_PATH_LIMIT`]).
pub fn report(loaded: &crate::load::loaded::LoadedScenario, catalog: &Catalog) -> PathReport {
    let exploration = explore(&loaded.scenario, catalog, DEFAULT_PATH_LIMIT);
    let paths = scored_paths(&loaded.scenario, catalog, &loaded.bounds, &exploration);
    PathReport {
        summary: PathSummary::of(&paths),
        truncated: exploration.truncated,
        paths,
    }
}

/// Every explored path scored against `bounds`.
pub fn scored_paths(
    scenario: &Scenario,
    catalog: &Catalog,
    bounds: &BTreeMap<String, ScoreBounds>,
    exploration: &Exploration,
) -> Vec<ScoredPath> {
    let rule = score::PassRule::of(scenario);
    exploration
        .paths
        .iter()
        .map(|t| {
            let score = score::score(scenario, catalog, bounds, &rule, t);
            let upheld: BTreeSet<&str> = score
                .rulesets
                .iter()
                .flat_map(|r| r.rules.iter())
                .filter(|t| t.upheld > 0)
                .map(|t| t.rule.as_str())
                .collect();
            ScoredPath {
                transcript: t.clone(),
                critical_rules_not_upheld: critical_rules(scenario, &t.visited)
                    .iter()
                    .filter(|r| !upheld.contains(r.as_str()))
                    .cloned()
                    .collect(),
                score,
            }
        })
        .collect()
}

/// What the author preview's path filter looks at in a path: whether it passes, whether it
/// breaches a critical rule, and the steps it visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFacts {
    /// Passes (with perfect identification).
    pub passed: bool,
    /// Breaches a rule critically under some ruleset.
    pub critical_breach: bool,
    /// Step ids visited, in order.
    pub visited: Vec<String>,
}

impl PathFacts {
    /// The facts of `path`.
    pub fn of(path: &ScoredPath) -> PathFacts {
        PathFacts {
            passed: path.score.passed,
            critical_breach: path
                .score
                .rulesets
                .iter()
                .any(|r| !r.critical_breaches.is_empty()),
            visited: path.transcript.visited.clone(),
        }
    }
}

/// Which paths to list by their outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathOutcome {
    /// Every path.
    #[default]
    Any,
    /// Paths that pass.
    Passing,
    /// Paths that do not pass.
    Failing,
    /// Paths with a critical breach (which never pass, by the scoring rule).
    CriticalBreach,
}

impl PathOutcome {
    /// Every choice, in the order the preview offers them.
    pub const ALL: [PathOutcome; 4] = [
        PathOutcome::Any,
        PathOutcome::Passing,
        PathOutcome::Failing,
        PathOutcome::CriticalBreach,
    ];

    /// The choice as the preview names it.
    pub fn label(self) -> &'static str {
        match self {
            PathOutcome::Any => "All paths",
            PathOutcome::Passing => "Passing",
            PathOutcome::Failing => "Failing",
            PathOutcome::CriticalBreach => "With a critical breach",
        }
    }
}

/// The author preview's path filter: an outcome and, optionally, a step every listed path
/// goes through.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathFilter {
    /// Which outcomes to list.
    pub outcome: PathOutcome,
    /// A step id the path must visit; `None` for any.
    pub through: Option<String>,
}

impl PathFilter {
    /// Whether a path with `facts` is listed.
    pub fn admits(&self, facts: &PathFacts) -> bool {
        let outcome = match self.outcome {
            PathOutcome::Any => true,
            PathOutcome::Passing => facts.passed,
            PathOutcome::Failing => !facts.passed,
            PathOutcome::CriticalBreach => facts.critical_breach,
        };
        outcome
            && self
                .through
                .as_ref()
                .is_none_or(|step| facts.visited.iter().any(|v| v == step))
    }
}

/// The order options are shown in on one path to a decision ([`option_order`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionOrder {
    /// Option ids as shown.
    pub order: Vec<String>,
    /// The choices made before the decision on that path: (decision id, option id).
    pub after: Vec<(String, String)>,
}

/// How many runner states [`option_order`] tries before it gives up on reaching a step.
pub const ORDER_SEARCH_LIMIT: usize = 20_000;

/// The order a trainee whose attempt has `seed` sees the options of decision `step` in, on
/// the first path (depth first, options in the order shown) that reaches it. The order
/// depends on the seed and on the steps presented before, so another path to the same
/// decision may show another order.
///
/// `None` when no path reaches `step` within [`ORDER_SEARCH_LIMIT`] runner states (or it is
/// not a decision, or the scenario's start step is missing).
pub fn option_order(
    loaded: &std::sync::Arc<crate::load::loaded::LoadedScenario>,
    catalog: &std::sync::Arc<Catalog>,
    seed: u64,
    step: &str,
) -> Option<OptionOrder> {
    use crate::play::runner::{Input, Runner, View};
    let (start, _) = Runner::start(
        std::sync::Arc::clone(loaded),
        std::sync::Arc::clone(catalog),
        seed,
    )
    .ok()?;
    let mut stack = vec![start];
    let mut tried = 0;
    while let Some(mut runner) = stack.pop() {
        tried += 1;
        if tried > ORDER_SEARCH_LIMIT {
            return None;
        }
        let next = match runner.view() {
            View::Decision {
                step: d, options, ..
            } => {
                if d.id == step {
                    return Some(OptionOrder {
                        order: options.iter().map(|o| o.option.id.clone()).collect(),
                        after: runner.transcript().choices.clone(),
                    });
                }
                // Pushed last first, so the first option shown is walked first.
                let choices: Vec<String> = options
                    .iter()
                    .filter(|o| o.unlocked)
                    .map(|o| o.option.id.clone())
                    .collect();
                for option in choices.into_iter().rev() {
                    let mut branch = runner.clone();
                    if branch.apply(&Input::Choose(option)).is_ok() {
                        stack.push(branch);
                    }
                }
                continue;
            }
            View::Finished { .. } => continue,
            View::Scene { .. } | View::Identify { .. } | View::Feedback { .. } => Input::Continue,
        };
        if runner.apply(&next).is_ok() {
            stack.push(runner);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `decisions` two-way decisions that both go on, so paths double with each
    /// decision and each is as long as the chain.
    fn long_chain(decisions: usize) -> String {
        let mut text = String::from(
            "Scenario(id: \"chain\", version: 1, title: \"Chain\", summary: \"A long chain.\",
  role: PoliceResponseOfficer, setting: \"Test\", estimated_minutes: 5, start: \"d1\", steps: [\n",
        );
        for d in 1..=decisions {
            let next = if d == decisions {
                "end".to_owned()
            } else {
                format!("d{}", d + 1)
            };
            text.push_str(&format!(
                "Decision(id: \"d{d}\", prompt: \"Now?\", options: [
  Option(id: \"a\", text: \"A.\", feedback: \"A.\", next: \"{next}\", effects: [Upholds(rule: \"p1_human_rights_not_immigration\", points: 1)]),
  Option(id: \"b\", text: \"B.\", feedback: \"B.\", next: \"{next}\", effects: [Breaches(rule: \"p1_human_rights_not_immigration\", points: 1)]),
]),\n"
            ));
        }
        text.push_str(
            "Ending(id: \"end\", outcome: SafeguardedAndReferred, title: \"End\", text: \"Done.\")])",
        );
        text
    }

    #[test]
    fn long_paths_stop_at_the_step_budget_not_the_memory() {
        let catalog = Catalog::embedded().expect("catalogue");
        let text = long_chain(5_000);
        let scenario: Scenario = crate::model::ron::ron_options()
            .from_str(&text)
            .expect("parses");
        let walk = explore(&scenario, &catalog, DEFAULT_PATH_LIMIT);
        assert!(walk.truncated);
        let kept: usize = walk.paths.iter().map(|p| p.visited.len()).sum();
        // Each path is the whole chain; far fewer than the 20,000-path limit fit the budget.
        assert!(walk.paths.iter().all(|p| p.visited.len() == 5_001));
        assert!(
            walk.paths.len() < DEFAULT_PATH_LIMIT / 10,
            "{}",
            walk.paths.len()
        );
        assert!(kept <= STEP_BUDGET, "{kept}");

        // A short chain with many paths still stops at the path limit.
        let text = long_chain(20);
        let scenario: Scenario = crate::model::ron::ron_options()
            .from_str(&text)
            .expect("parses");
        let walk = explore(&scenario, &catalog, DEFAULT_PATH_LIMIT);
        assert!(walk.truncated);
        assert_eq!(walk.paths.len(), DEFAULT_PATH_LIMIT);
    }
}
