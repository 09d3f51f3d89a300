//! The catalogue as a trainer's reference: every rule with what upholding and breaching it look like and its partners, every indicator with its weight, definition and sources, and which scenarios use each.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::load::loaded::LoadedScenario;
use crate::model::catalog::{Catalog, RuleKind, Weight};
use crate::model::scenario::{Effect, RoleGroup, Step};

/// The whole reference: rules, then indicators, then red herrings, in catalogue order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// Every rule of every ruleset, ruleset by ruleset.
    pub rules: Vec<RuleEntry>,
    /// Every indicator, category by category.
    pub indicators: Vec<IndicatorEntry>,
    /// Every red herring (`caution_*`).
    pub cautions: Vec<CautionEntry>,
}

/// One rule as a trainer needs it to write an option's effects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleEntry {
    /// Rule id, as written in `Upholds(rule: ...)`.
    pub id: String,
    /// Its ruleset's id.
    pub ruleset: String,
    /// Its ruleset's title.
    pub ruleset_title: String,
    /// Principle, recommendation or practice.
    pub kind: RuleKind,
    /// Short label, e.g. "Rec 9".
    pub label: String,
    /// Title in a few words.
    pub title: String,
    /// What the rule asks, in full.
    pub text: String,
    /// What upholding it looks like.
    pub upholding: String,
    /// What breaching it looks like.
    pub breaching: String,
    /// Where today's practice differs, if it does.
    pub current_practice: Option<String>,
    /// Whether options may name it (false for rules that are not trainee decisions).
    pub scored: bool,
    /// The citation.
    pub citation: String,
    /// Rules of the other ruleset that score the same point of practice, with the trainee
    /// groups each pairing reads right for.
    pub partners: Vec<PartnerEntry>,
    /// Scenarios with an option that upholds it.
    pub upheld_in: BTreeSet<String>,
    /// Scenarios with an option that breaches it.
    pub breached_in: BTreeSet<String>,
}

/// A partner rule in the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerEntry {
    /// The partner's id.
    pub rule: String,
    /// Its title.
    pub title: String,
    /// The trainee groups the pairing reads right for (all three when it always does).
    pub roles: Vec<RoleGroup>,
}

/// One indicator as a trainer needs it to tag a cue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorEntry {
    /// Indicator id, as written in `Cue(indicator: ...)`.
    pub id: String,
    /// Short label.
    pub name: String,
    /// Its category's id.
    pub category: String,
    /// Its category's name.
    pub category_name: String,
    /// Strong, Medium or Weak.
    pub weight: Weight,
    /// Identification points for flagging a cue tagged with it: 3, 2 or 1.
    pub points: i64,
    /// What it means, in a line.
    pub definition: String,
    /// Its sources: (code, what the source is).
    pub sources: Vec<(String, String)>,
    /// Scenarios with a cue tagged with it.
    pub used_in: BTreeSet<String>,
}

/// One red herring in the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CautionEntry {
    /// Its id, as written in `Cue(indicator: ...)`.
    pub id: String,
    /// Short label.
    pub name: String,
    /// Why it is not an indicator on its own.
    pub why_not_alone: String,
    /// Its sources: (code, what the source is).
    pub sources: Vec<(String, String)>,
    /// Scenarios with a cue tagged with it.
    pub used_in: BTreeSet<String>,
}

impl Reference {
    /// The reference for `catalog`, with usage counted over `library` (pass none for the
    /// catalogue alone, as in the generated docs page).
    pub fn of(catalog: &Catalog, library: &[LoadedScenario]) -> Reference {
        let source = |code: &String| {
            let title = catalog
                .indicators
                .sources
                .iter()
                .find(|s| &s.code == code)
                .map_or_else(String::new, |s| s.title.clone());
            (code.clone(), title)
        };
        let mut rules = Vec::new();
        for set in catalog.rulesets.values() {
            for rule in &set.rules {
                let mut upheld_in = BTreeSet::new();
                let mut breached_in = BTreeSet::new();
                for loaded in library {
                    for effect in effects(loaded) {
                        if effect.rule() == rule.id {
                            match effect {
                                Effect::Upholds { .. } => &mut upheld_in,
                                Effect::Breaches { .. } => &mut breached_in,
                            }
                            .insert(loaded.scenario.id.clone());
                        }
                    }
                }
                rules.push(RuleEntry {
                    id: rule.id.clone(),
                    ruleset: set.id.clone(),
                    ruleset_title: set.title.clone(),
                    kind: rule.kind,
                    label: rule.label.clone(),
                    title: rule.title.clone(),
                    text: rule.summary.clone(),
                    upholding: rule.correct_decision.clone(),
                    breaching: rule.breaching.clone(),
                    current_practice: rule.current_practice.clone(),
                    scored: rule.scored,
                    citation: rule.citation.clone(),
                    partners: catalog
                        .partners(&rule.id, None)
                        .into_iter()
                        .map(|p| PartnerEntry {
                            rule: p.id.clone(),
                            title: p.title.clone(),
                            roles: catalog.partner_roles(&rule.id, &p.id),
                        })
                        .collect(),
                    upheld_in,
                    breached_in,
                });
            }
        }
        let used_in = |tag: &str| -> BTreeSet<String> {
            library
                .iter()
                .filter(|l| l.scenario.all_cues().any(|c| c.indicator == tag))
                .map(|l| l.scenario.id.clone())
                .collect()
        };
        let indicators = catalog
            .indicators
            .indicators
            .iter()
            .map(|i| IndicatorEntry {
                id: i.id.clone(),
                name: i.name.clone(),
                category: i.category.clone(),
                category_name: catalog
                    .indicators
                    .categories
                    .iter()
                    .find(|c| c.id == i.category)
                    .map_or_else(String::new, |c| c.name.clone()),
                weight: i.weight,
                points: i.weight.points(),
                definition: i.definition.clone(),
                sources: i.sources.iter().map(source).collect(),
                used_in: used_in(&i.id),
            })
            .collect();
        let cautions = catalog
            .indicators
            .cautions
            .iter()
            .map(|c| CautionEntry {
                id: c.id.clone(),
                name: c.name.clone(),
                why_not_alone: c.why_not_alone.clone(),
                sources: c.sources.iter().map(source).collect(),
                used_in: used_in(&c.id),
            })
            .collect();
        Reference {
            rules,
            indicators,
            cautions,
        }
    }

    /// The entries whose id, title, name or text contains every word of `query` (case
    /// ignored); an empty query keeps everything.
    pub fn search(&self, query: &str) -> Reference {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let hit = |fields: &[&str]| {
            let all = fields.join(" ").to_lowercase();
            words.iter().all(|w| all.contains(w.as_str()))
        };
        Reference {
            rules: self
                .rules
                .iter()
                .filter(|r| {
                    hit(&[
                        &r.id,
                        &r.label,
                        &r.title,
                        &r.text,
                        &r.upholding,
                        &r.breaching,
                    ])
                })
                .cloned()
                .collect(),
            indicators: self
                .indicators
                .iter()
                .filter(|i| hit(&[&i.id, &i.name, &i.category_name, &i.definition]))
                .cloned()
                .collect(),
            cautions: self
                .cautions
                .iter()
                .filter(|c| hit(&[&c.id, &c.name, &c.why_not_alone]))
                .cloned()
                .collect(),
        }
    }

    /// The same reference with each rule's partners narrowed to those that read right for a
    /// trainee of `group`.
    pub fn for_group(&self, group: RoleGroup) -> Reference {
        let mut out = self.clone();
        for rule in &mut out.rules {
            rule.partners.retain(|p| p.roles.contains(&group));
        }
        out
    }
}

/// Every effect of every option of a scenario.
fn effects(loaded: &LoadedScenario) -> impl Iterator<Item = &Effect> {
    loaded.scenario.steps.iter().flat_map(|s| match s {
        Step::Decision(d) => d.options.iter().flat_map(|o| o.effects.iter()).collect(),
        _ => Vec::new(),
    })
}
