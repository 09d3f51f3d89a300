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
        let max = analysis.bounds.get(&s.pass_ruleset).map_or(0, |b| b.max);
        let deciding_rules_named = s.steps.iter().any(|step| match step {
            Step::Decision(d) => d.options.iter().flat_map(|o| o.effects.iter()).any(|e| {
                self.catalog
                    .rule(e.rule())
                    .is_some_and(|(set, _)| set.id == s.pass_ruleset)
            }),
            _ => false,
        });
        if !deciding_rules_named || max <= 0 {
            self.report(
                path!["pass_ruleset"],
                Problem::RulesetNotScored {
                    ruleset: s.pass_ruleset.clone(),
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
