//! What a debrief teaches from each choice: the option chosen, the best option that was open at the time when it beats the choice, and the rules each touched (docs/scoring.md, "Better choices").

use std::collections::BTreeSet;

use crate::model::catalog::Catalog;
use crate::model::scenario::{DecisionOption, Scenario, Step};
use crate::play::score::Transcript;

/// How good an option is, compared in this order: no critical breach under any ruleset,
/// then net points under the deciding ruleset (as scoring and item analysis count them),
/// then net points under the scenario's other rulesets (today's practice can tell apart two
/// options the 2003 recommendations score alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OptionValue {
    /// True when no effect of the option is a critical breach.
    pub no_critical_breach: bool,
    /// Net points under the deciding ruleset.
    pub deciding_points: i64,
    /// Net points under the scenario's other rulesets together.
    pub other_points: i64,
}

impl OptionValue {
    /// The value of `option` in `scenario`, the deciding ruleset being `pass_ruleset`.
    /// Effects of rules the catalogue does not know, or of rulesets the scenario is not
    /// scored against, count for nothing (as in scoring).
    pub fn of(
        option: &DecisionOption,
        scenario: &Scenario,
        catalog: &Catalog,
        pass_ruleset: &str,
    ) -> OptionValue {
        let mut value = OptionValue {
            no_critical_breach: true,
            deciding_points: 0,
            other_points: 0,
        };
        for effect in &option.effects {
            let Some((ruleset, _)) = catalog.rule(effect.rule()) else {
                continue;
            };
            if !scenario.rulesets.contains(&ruleset.id) {
                continue;
            }
            if effect.is_critical() {
                value.no_critical_breach = false;
            }
            if ruleset.id == pass_ruleset {
                value.deciding_points += effect.signed_points();
            } else {
                value.other_points += effect.signed_points();
            }
        }
        value
    }
}

/// One choice the trainee made, beside the best option open to them then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceReview {
    /// The decision's step id.
    pub step: String,
    /// The option chosen (its id).
    pub chosen: String,
    /// The chosen option's value.
    pub chosen_value: OptionValue,
    /// The best option that was open (not locked by earlier choices) when the choice was
    /// made, if it is worth more than the one chosen; the first in the file among equals.
    pub better: Option<String>,
}

impl ChoiceReview {
    /// Whether the chosen option breached any rule (critically or not).
    pub fn breached(&self, scenario: &Scenario) -> bool {
        chosen_option(scenario, &self.step, &self.chosen).is_some_and(|o| {
            o.effects
                .iter()
                .any(|e| matches!(e, crate::model::scenario::Effect::Breaches { .. }))
        })
    }
}

/// The option `option` of decision `step`, if both exist.
pub fn chosen_option<'a>(
    scenario: &'a Scenario,
    step: &str,
    option: &str,
) -> Option<&'a DecisionOption> {
    match scenario.step(step) {
        Some(Step::Decision(d)) => d.options.iter().find(|o| o.id == option),
        _ => None,
    }
}

/// Every choice of a transcript, in the order made, each with the best option that was open
/// then. Flags are set only by choosing options, so the options open at each decision follow
/// from the choices before it. Choices of steps or options the scenario does not have (a
/// damaged transcript) are left out.
pub fn review_choices(
    scenario: &Scenario,
    catalog: &Catalog,
    pass_ruleset: &str,
    transcript: &Transcript,
) -> Vec<ChoiceReview> {
    let mut flags: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (step, option) in &transcript.choices {
        let Some(Step::Decision(decision)) = scenario.step(step) else {
            continue;
        };
        let Some(chosen) = decision.options.iter().find(|o| &o.id == option) else {
            continue;
        };
        let value = |o: &DecisionOption| OptionValue::of(o, scenario, catalog, pass_ruleset);
        let chosen_value = value(chosen);
        // Ties go to the option written first: `max_by_key` keeps the last of equals.
        let best = decision
            .options
            .iter()
            .filter(|o| o.is_unlocked(&flags))
            .rev()
            .max_by_key(|o| value(o));
        out.push(ChoiceReview {
            step: step.clone(),
            chosen: option.clone(),
            chosen_value,
            better: best
                .filter(|b| value(b) > chosen_value)
                .map(|b| b.id.clone()),
        });
        flags.extend(chosen.sets.iter().cloned());
    }
    out
}
