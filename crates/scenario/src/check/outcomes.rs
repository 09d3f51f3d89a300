//! Outcomes over the state graph: good practice can pass, the deciding ruleset is scored, no trap, no point-farming loop, not too many states.

use super::Checker;
use crate::analysis::states::{self, Analysis};
use crate::load::diagnostic::Problem;
use crate::model::scenario::Step;
use crate::path;

impl<'a> Checker<'a> {
    pub(super) fn outcomes(&mut self, analysis: &Analysis) {
        let s = self.scenario();
        if analysis.truncated {
            self.report(
                path!["steps"],
                Problem::TooManyStates {
                    limit: states::DEFAULT_STATE_LIMIT,
                },
            );
            return;
        }
        for (step, flags) in &analysis.locked_decisions {
            if let Some(i) = s.step_index(step) {
                self.report(
                    path!["steps", i, "options"],
                    Problem::AllOptionsLocked {
                        step: step.clone(),
                        flags: flags.clone(),
                    },
                );
            }
        }
        for (step, flags) in &analysis.traps {
            if let Some(i) = s.step_index(step) {
                self.report(
                    path!["steps", i, "id"],
                    Problem::TrapWithFlags {
                        step: step.clone(),
                        flags: flags.clone(),
                    },
                );
            }
        }
        for (step, option) in &analysis.loops_with_points {
            if let Some(i) = s.step_index(step)
                && let Step::Decision(d) = &s.steps[i]
                && let Some(j) = d.options.iter().position(|o| &o.id == option)
            {
                self.report(
                    path!["steps", i, "options", j, "id"],
                    Problem::LoopWithPoints {
                        step: step.clone(),
                        option: option.clone(),
                    },
                );
            }
        }
        if !analysis.locked_decisions.is_empty() || !analysis.traps.is_empty() {
            return;
        }
        // A ruleset no option scores, or whose best is no points, would show every trainee
        // "0 of 0": refused here, so no scaled score is ever a division by nothing.
        let scored = |ruleset: &str| {
            let named = s.steps.iter().any(|step| match step {
                Step::Decision(d) => d.options.iter().flat_map(|o| o.effects.iter()).any(|e| {
                    self.catalog
                        .rule(e.rule())
                        .is_some_and(|(set, _)| set.id == ruleset)
                }),
                _ => false,
            });
            named && analysis.bounds.get(ruleset).is_some_and(|b| b.max > 0)
        };
        for (i, ruleset) in s.rulesets.iter().enumerate() {
            if ruleset != &s.pass_ruleset && !scored(ruleset) {
                self.report(
                    path!["rulesets", i],
                    Problem::RulesetNotScored {
                        ruleset: ruleset.clone(),
                        deciding: false,
                    },
                );
            }
        }
        let max = analysis.bounds.get(&s.pass_ruleset).map_or(0, |b| b.max);
        if !scored(&s.pass_ruleset) {
            self.report(
                path!["pass_ruleset"],
                Problem::RulesetNotScored {
                    ruleset: s.pass_ruleset.clone(),
                    deciding: true,
                },
            );
            return;
        }
        // With perfect identification (recall 1), a path passes when it has no critical
        // breach and reaches the mastery share of the maximum.
        let best = analysis
            .best_without_critical
            .get(&s.pass_ruleset)
            .copied()
            .flatten();
        let passes = best.is_some_and(|b| b as f64 + 1e-9 >= s.mastery_score * max as f64);
        if !passes {
            self.report(
                path!["pass_ruleset"],
                Problem::NoPassingPath {
                    ruleset: s.pass_ruleset.clone(),
                    best: best.unwrap_or(0),
                    max,
                    mastery: s.mastery_score,
                },
            );
        }
    }
}
