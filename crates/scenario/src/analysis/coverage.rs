//! Library coverage: which rules each scenario upholds and breaches, which indicators it shows, and what the library as a whole still lacks.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::load::loaded::LoadedScenario;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{Effect, ExploitationForm, Outcome, Role, Step};

/// Distinct true indicators the shipped library must show as cues.
pub const REQUIRED_DISTINCT_INDICATORS: usize = 60;

/// Scenarios in which every scored rule must be upheld, and in which it must be breached.
pub const REQUIRED_SCENARIOS_PER_RULE: usize = 2;

/// The frontline roles the 2003 conference's recommendations address (rec 12: police,
/// immigration officers and social services workers), each of which the library must let
/// trainees play.
pub const ROLE_GROUPS: [(&str, &[Role]); 3] = [
    (
        "police",
        &[
            Role::PoliceResponseOfficer,
            Role::RoadsPolicingOfficer,
            Role::PoliceSearchTeam,
            Role::CustodyOfficer,
            Role::Investigator,
            Role::FrontCounterStaff,
        ],
    ),
    (
        "immigration",
        &[Role::ImmigrationOfficer, Role::BorderForceOfficer],
    ),
    ("social care", &[Role::SocialWorker]),
];

/// What one scenario is about: who the trainee is, the forms of exploitation, and the
/// outcomes its endings can record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioProfile {
    /// Scenario id.
    pub id: String,
    /// The trainee's role.
    pub role: Role,
    /// Forms of exploitation.
    pub forms: Vec<ExploitationForm>,
    /// The outcomes of its endings, each once, in outcome order.
    pub outcomes: BTreeSet<Outcome>,
}

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
    /// Too few scenarios have an option that upholds a scored rule.
    #[error("`{rule}` is upheld in {} scenario(s){}; the library needs {required}", .found.len(), scenarios_text(.found))]
    TooRarelyUpheld {
        /// The rule.
        rule: String,
        /// The scenarios that uphold it.
        found: Vec<String>,
        /// The minimum.
        required: usize,
    },
    /// Too few scenarios have an option that breaches a scored rule.
    #[error("`{rule}` is breached in {} scenario(s){}; the library needs {required}", .found.len(), scenarios_text(.found))]
    TooRarelyBreached {
        /// The rule.
        rule: String,
        /// The scenarios that breach it.
        found: Vec<String>,
        /// The minimum.
        required: usize,
    },
    /// No scenario is played in one of the roles the 2003 recommendations address.
    #[error(
        "no scenario is played as {0} staff (2003 rec 12 names police, immigration officers and social workers)"
    )]
    RoleMissing(String),
    /// No scenario can end with the conclusion that the person was not exploited.
    #[error(
        "no scenario can end `NoExploitationFound`: the library never asks the trainee to tell smuggling or independent work from trafficking (2003 principle 4)"
    )]
    NoNotExploitedEnding,
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

fn scenarios_text(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!(" ({})", found.join(", "))
    }
}

/// The coverage matrix of a library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Scenario ids, in the order given.
    pub scenarios: Vec<String>,
    /// Each scenario's role, forms and outcomes, in the same order.
    pub profiles: Vec<ScenarioProfile>,
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
            profiles: counted
                .iter()
                .map(|s| ScenarioProfile {
                    id: s.scenario.id.clone(),
                    role: s.scenario.role,
                    forms: s.scenario.forms.clone(),
                    outcomes: s
                        .scenario
                        .steps
                        .iter()
                        .filter_map(|step| match step {
                            Step::Ending(e) => Some(e.outcome),
                            _ => None,
                        })
                        .collect(),
                })
                .collect(),
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

    /// What the library lacks: every scored rule upheld and breached in
    /// [`REQUIRED_SCENARIOS_PER_RULE`] scenarios, every then-and-now difference shown, at
    /// least `required_indicators` indicators, every role group of [`ROLE_GROUPS`] played,
    /// and a scenario that can end with no exploitation found.
    pub fn gaps(&self, required_indicators: usize) -> Vec<Gap> {
        let mut gaps = Vec::new();
        let required = REQUIRED_SCENARIOS_PER_RULE;
        for rule in self.rules.iter().filter(|r| r.scored) {
            if rule.upheld_in.len() < required {
                gaps.push(Gap::TooRarelyUpheld {
                    rule: rule.rule.clone(),
                    found: rule.upheld_in.iter().cloned().collect(),
                    required,
                });
            }
            if rule.breached_in.len() < required {
                gaps.push(Gap::TooRarelyBreached {
                    rule: rule.rule.clone(),
                    found: rule.breached_in.iter().cloned().collect(),
                    required,
                });
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
        for (group, roles) in ROLE_GROUPS {
            if !self.profiles.iter().any(|p| roles.contains(&p.role)) {
                gaps.push(Gap::RoleMissing(group.to_owned()));
            }
        }
        if !self
            .profiles
            .iter()
            .any(|p| p.outcomes.contains(&Outcome::NoExploitationFound))
        {
            gaps.push(Gap::NoNotExploitedEnding);
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
