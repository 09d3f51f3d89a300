//! Library coverage: which rules each scenario upholds and breaches, which indicators it shows, and what the library as a whole still lacks.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::{Catalog, CueTag};
use crate::library::LoadedScenario;
use crate::scenario::{Effect, Step};

/// Distinct true indicators the shipped library must show as cues.
pub const REQUIRED_DISTINCT_INDICATORS: usize = 60;

/// How one rule is exercised across the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCoverage {
    /// The ruleset.
    pub ruleset: String,
    /// The rule id.
    pub rule: String,
    /// Whether the rule is a trainee decision (unscored rules are not required).
    pub scored: bool,
    /// Scenarios with an option that upholds it.
    pub upheld_in: BTreeSet<String>,
    /// Scenarios with an option that breaches it.
    pub breached_in: BTreeSet<String>,
    /// For a rule that updates 2003 rules (`differs_from`): scenarios with an option whose
    /// effects name both this rule and one it updates, so its feedback shows then and now.
    pub difference_shown_in: BTreeSet<String>,
    /// The 2003 rules it updates.
    pub differs_from: Vec<String>,
}

/// Which scenarios show one indicator as a cue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorCoverage {
    /// The indicator id.
    pub indicator: String,
    /// Its category.
    pub category: String,
    /// Scenarios with a cue tagged with it.
    pub shown_in: BTreeSet<String>,
}

/// Something the library does not yet cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum Gap {
    /// No option anywhere upholds a scored rule.
    #[error("no scenario has an option that upholds `{0}`")]
    NeverUpheld(String),
    /// No option anywhere breaches a scored rule.
    #[error("no scenario has an option that breaches `{0}`")]
    NeverBreached(String),
    /// No option shows where today's practice differs from 2003.
    #[error("no option names both `{rule}` and the 2003 rule it updates ({})", .differs_from.join(" or "))]
    DifferenceNotShown {
        /// The current-practice rule.
        rule: String,
        /// The 2003 rules it updates.
        differs_from: Vec<String>,
    },
    /// Too few distinct indicators appear as cues.
    #[error("{found} distinct indicators appear as cues; the library needs at least {required}")]
    TooFewIndicators {
        /// Distinct indicators shown.
        found: usize,
        /// The minimum.
        required: usize,
    },
}

/// The coverage matrix of a library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Scenario ids, in the order given.
    pub scenarios: Vec<String>,
    /// Every rule of every ruleset, in ruleset then catalogue order.
    pub rules: Vec<RuleCoverage>,
    /// Every indicator of the catalogue, in catalogue order.
    pub indicators: Vec<IndicatorCoverage>,
}

impl Coverage {
    /// Builds the matrix. Scenarios whose file name starts with `_` (templates) are left out.
    pub fn of(scenarios: &[LoadedScenario], catalog: &Catalog) -> Coverage {
        let counted: Vec<&LoadedScenario> =
            scenarios.iter().filter(|s| !is_template(&s.file)).collect();
        let mut rules: Vec<RuleCoverage> = catalog
            .rulesets
            .values()
            .flat_map(|set| {
                set.rules.iter().map(|rule| RuleCoverage {
                    ruleset: set.id.clone(),
                    rule: rule.id.clone(),
                    scored: rule.scored,
                    upheld_in: BTreeSet::new(),
                    breached_in: BTreeSet::new(),
                    difference_shown_in: BTreeSet::new(),
                    differs_from: rule.differs_from.clone(),
                })
            })
            .collect();
        let index: BTreeMap<String, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.rule.clone(), i))
            .collect();
        let mut shown: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for loaded in &counted {
            let id = &loaded.scenario.id;
            for cue in loaded.scenario.all_cues() {
                if let Some(CueTag::Indicator(indicator)) = catalog.cue_tag(&cue.indicator) {
                    shown.entry(&indicator.id).or_default().insert(id.clone());
                }
            }
            for step in &loaded.scenario.steps {
                let Step::Decision(decision) = step else {
                    continue;
                };
                for option in &decision.options {
                    let named: BTreeSet<&str> = option.effects.iter().map(|e| e.rule()).collect();
                    for effect in &option.effects {
                        let Some(&i) = index.get(effect.rule()) else {
                            continue;
                        };
                        let entry = &mut rules[i];
                        if matches!(effect, Effect::Upholds { .. }) {
                            entry.upheld_in.insert(id.clone());
                        } else {
                            entry.breached_in.insert(id.clone());
                        }
                        if entry
                            .differs_from
                            .iter()
                            .any(|d| named.contains(d.as_str()))
                        {
                            entry.difference_shown_in.insert(id.clone());
                        }
                    }
                }
            }
        }
        let indicators = catalog
            .indicators
            .indicators
            .iter()
            .map(|i| IndicatorCoverage {
                indicator: i.id.clone(),
                category: i.category.clone(),
                shown_in: shown.remove(i.id.as_str()).unwrap_or_default(),
            })
            .collect();
        Coverage {
            scenarios: counted.iter().map(|s| s.scenario.id.clone()).collect(),
            rules,
            indicators,
        }
    }

    /// Distinct true indicators shown somewhere.
    pub fn distinct_indicators(&self) -> usize {
        self.indicators
            .iter()
            .filter(|i| !i.shown_in.is_empty())
            .count()
    }

    /// What the library lacks: every scored rule upheld and breached somewhere, every
    /// then-and-now difference shown, and at least `required_indicators` indicators.
    pub fn gaps(&self, required_indicators: usize) -> Vec<Gap> {
        let mut gaps = Vec::new();
        for rule in self.rules.iter().filter(|r| r.scored) {
            if rule.upheld_in.is_empty() {
                gaps.push(Gap::NeverUpheld(rule.rule.clone()));
            }
            if rule.breached_in.is_empty() {
                gaps.push(Gap::NeverBreached(rule.rule.clone()));
            }
            if !rule.differs_from.is_empty() && rule.difference_shown_in.is_empty() {
                gaps.push(Gap::DifferenceNotShown {
                    rule: rule.rule.clone(),
                    differs_from: rule.differs_from.clone(),
                });
            }
        }
        let found = self.distinct_indicators();
        if found < required_indicators {
            gaps.push(Gap::TooFewIndicators {
                found,
                required: required_indicators,
            });
        }
        gaps
    }
}

/// Whether a scenario file is a template (its name starts with `_`).
pub fn is_template(file: &str) -> bool {
    std::path::Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('_'))
}
