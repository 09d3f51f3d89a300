//! The catalogues scenarios refer to: the indicator taxonomy and the rulesets a choice is scored against.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::scenario::RoleGroup;

/// The indicator taxonomy as authored in `assets/catalog/indicators.ron`.
///
/// Paraphrased in the project's own words from the sources in its register (`sources`);
/// `silent-slavery catalog` prints it and `docs/catalog.md` is generated from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorCatalog {
    /// Where the definitions come from: short codes such as `UNODC-G` with what they stand for.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Indicator categories (`cat_*`).
    pub categories: Vec<Category>,
    /// Indicators: prompts to ask more, never proof on their own.
    pub indicators: Vec<Indicator>,
    /// Red herrings (`caution_*`): things that are not indicators on their own. A trainee who
    /// flags one is stereotyping and loses points.
    pub cautions: Vec<Caution>,
}

/// One entry of the source register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Short code used in `sources` lists, e.g. `HO-SG`.
    pub code: String,
    /// What the source is, in a line.
    pub title: String,
}

/// An indicator category (`cat_*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable snake_case id beginning `cat_`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the category groups, in a line.
    pub groups: String,
}

/// How much one indicator weighs: a design hint modelled on the ILO/European Commission
/// (2009) practice of grading indicators strong, medium or weak. Not an official score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Weight {
    /// One strong indicator can be enough to reach reasonable suspicion.
    Strong,
    /// Strengthens suspicion alongside others.
    Medium,
    /// Context; weak on its own.
    Weak,
}

impl Weight {
    /// Identification points for flagging a cue of this weight: 3, 2 or 1 (docs/scoring.md).
    pub fn points(self) -> i64 {
        match self {
            Weight::Strong => 3,
            Weight::Medium => 2,
            Weight::Weak => 1,
        }
    }
}

/// One indicator of trafficking or modern slavery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable snake_case id, never renamed (scenarios and stored results refer to it).
    pub id: String,
    /// The `cat_*` id of its category.
    pub category: String,
    /// Short label shown in the debrief.
    pub name: String,
    /// One-line definition in our own words.
    pub definition: String,
    /// Source codes from the register.
    pub sources: Vec<String>,
    /// Design weight.
    pub weight: Weight,
}

/// A red herring: something that must not be treated as an indicator on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caution {
    /// Stable id beginning `caution_`.
    pub id: String,
    /// Short label shown in the debrief.
    pub name: String,
    /// Why this is not an indicator on its own; shown to a trainee who flagged it.
    pub why_not_alone: String,
    /// Source codes from the register.
    pub sources: Vec<String>,
}

/// A set of rules a trainee's choices are scored against, as authored in
/// `assets/catalog/<id>.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ruleset {
    /// Stable id, e.g. `silent-slavery-2003` or `uk-ew-current`.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Version or date of the text the rules paraphrase, stamped on every scored attempt.
    pub version: String,
    /// Where the rules come from.
    pub source: String,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// What kind of rule this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleKind {
    /// One of the five principles stated before the 2003 recommendations.
    Principle,
    /// One of the fifteen 2003 recommendations.
    Recommendation,
    /// Current practice (England & Wales).
    Practice,
}

/// One principle, recommendation or practice rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, unique across all rulesets (e.g. `rec_09_child_specialist_support`).
    pub id: String,
    /// Principle, recommendation or practice.
    pub kind: RuleKind,
    /// Short label, e.g. "Rec 9" or "Principle 1".
    pub label: String,
    /// Title in a few words.
    pub title: String,
    /// What the rule asks, paraphrased in our own words.
    pub summary: String,
    /// What a correct trainee decision looks like: upholding the rule.
    pub correct_decision: String,
    /// What breaching the rule looks like, in a trainee's choices.
    pub breaching: String,
    /// Rules of another ruleset that score the same point of practice, for naming one of each
    /// beside an option. Written once, on one side (the current ruleset names its 2003
    /// partners); [`Catalog::partners`] reads both ways.
    #[serde(default)]
    pub partners: Vec<Partner>,
    /// Citation, e.g. "Silent Slavery conference, 2003, rec. 9".
    pub citation: String,
    /// False for rules that are not trainee decisions (principle 5, recommendation 8):
    /// coverage checks skip them.
    #[serde(default = "yes")]
    pub scored: bool,
    /// Where today's practice differs, what it is now (shown beside a breach in the debrief).
    #[serde(default)]
    pub current_practice: Option<String>,
    /// Ids of rules in other rulesets that this one updates or replaces.
    #[serde(default)]
    pub differs_from: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A rule of another ruleset that scores the same point of practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// The partner rule's id.
    pub rule: String,
    /// The groups of trainees the pairing reads right for; empty for every group.
    #[serde(default)]
    pub roles: Vec<RoleGroup>,
}

impl Partner {
    /// Whether the pairing applies to a trainee of this group (or to any, for `None`).
    pub fn applies_to(&self, group: Option<RoleGroup>) -> bool {
        match group {
            None => true,
            Some(g) => self.roles.is_empty() || self.roles.contains(&g),
        }
    }
}

/// Where a catalogue entry a cue names was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CueTag<'a> {
    /// A real indicator.
    Indicator(&'a Indicator),
    /// A red herring.
    Caution(&'a Caution),
}

/// Everything scenarios are checked and scored against: the indicator catalogue and all
/// rulesets, indexed by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The indicator taxonomy.
    pub indicators: IndicatorCatalog,
    /// Rulesets by id.
    pub rulesets: BTreeMap<String, Ruleset>,
    indicator_index: BTreeMap<String, usize>,
    caution_index: BTreeMap<String, usize>,
    rule_index: BTreeMap<String, (String, usize)>,
}

/// Why a catalogue could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    /// A catalogue file did not parse.
    #[error(
        "{file}:{line}:{column}: {message}: check the commas, brackets and quotes here and at the end of the line above"
    )]
    Parse {
        /// Which file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// ron's message.
        message: String,
    },
    /// The same id appears twice.
    #[error(
        "catalogue id `{id}` is defined twice: ids are unique across all catalogue files, so rename one"
    )]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// An indicator names a category that does not exist.
    #[error(
        "indicator `{indicator}` names unknown category `{category}`: name one of the `cat_*` ids in `categories`"
    )]
    UnknownCategory {
        /// The indicator.
        indicator: String,
        /// The category it names.
        category: String,
    },
    /// A rule names a partner that is not a rule of another ruleset.
    #[error(
        "rule `{rule}` names partner `{partner}`, which is not a rule of another ruleset: name a rule id of the other ruleset"
    )]
    BadPartner {
        /// The rule.
        rule: String,
        /// The partner it names.
        partner: String,
    },
    /// A catalogue file could not be read.
    #[error("cannot read {file}: {message}; check that it exists and that you may read it")]
    Io {
        /// Which file.
        file: String,
        /// The operating system's message.
        message: String,
    },
}

/// The catalogue files shipped with the product, embedded so the CLI and app work from
/// any directory: (file name, contents).
pub const EMBEDDED_FILES: [(&str, &str); 3] = [
    (
        "indicators.ron",
        include_str!("../../../../assets/catalog/indicators.ron"),
    ),
    (
        "silent-slavery-2003.ron",
        include_str!("../../../../assets/catalog/silent-slavery-2003.ron"),
    ),
    (
        "uk-ew-current.ron",
        include_str!("../../../../assets/catalog/uk-ew-current.ron"),
    ),
];

impl Catalog {
    /// The catalogue embedded in the binary (`assets/catalog/` at build time).
    ///
    /// # Errors
    /// Only if the shipped files are broken, which the test suite rules out.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        let mut rulesets = Vec::new();
        let mut indicators = None;
        for (name, text) in EMBEDDED_FILES {
            if name == "indicators.ron" {
                indicators = Some(parse_catalog_file(name, text)?);
            } else {
                rulesets.push(parse_catalog_file(name, text)?);
            }
        }
        let indicators = indicators.ok_or_else(|| CatalogError::Io {
            file: "indicators.ron".into(),
            message: "not embedded".into(),
        })?;
        Catalog::new(indicators, rulesets)
    }

    /// Loads `indicators.ron` and every other `*.ron` (a ruleset) from a directory.
    ///
    /// # Errors
    /// [`CatalogError`] for unreadable or malformed files and inconsistent ids.
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        let io = |file: &std::path::Path, e: std::io::Error| CatalogError::Io {
            file: file.display().to_string(),
            message: e.to_string(),
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        entries.sort();
        let mut indicators = None;
        let mut rulesets = Vec::new();
        for path in entries {
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let name = path.display().to_string();
            if path.file_name().is_some_and(|n| n == "indicators.ron") {
                indicators = Some(parse_catalog_file(&name, &text)?);
            } else {
                rulesets.push(parse_catalog_file(&name, &text)?);
            }
        }
        let indicators = indicators.ok_or_else(|| CatalogError::Io {
            file: dir.join("indicators.ron").display().to_string(),
            message: "not found".into(),
        })?;
        Catalog::new(indicators, rulesets)
    }

    /// Indexes a catalogue, checking that ids are unique and categories exist.
    ///
    /// # Errors
    /// [`CatalogError::DuplicateId`], [`CatalogError::UnknownCategory`].
    pub fn new(
        indicators: IndicatorCatalog,
        rulesets: Vec<Ruleset>,
    ) -> Result<Catalog, CatalogError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut claim = |id: &str| {
            if seen.insert(id.to_owned()) {
                Ok(())
            } else {
                Err(CatalogError::DuplicateId { id: id.to_owned() })
            }
        };
        let categories: std::collections::BTreeSet<&str> = indicators
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let mut indicator_index = BTreeMap::new();
        for (i, indicator) in indicators.indicators.iter().enumerate() {
            claim(&indicator.id)?;
            if !categories.contains(indicator.category.as_str()) {
                return Err(CatalogError::UnknownCategory {
                    indicator: indicator.id.clone(),
                    category: indicator.category.clone(),
                });
            }
            indicator_index.insert(indicator.id.clone(), i);
        }
        let mut caution_index = BTreeMap::new();
        for (i, caution) in indicators.cautions.iter().enumerate() {
            claim(&caution.id)?;
            caution_index.insert(caution.id.clone(), i);
        }
        let mut rule_index = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        for ruleset in rulesets {
            claim(&ruleset.id)?;
            for (i, rule) in ruleset.rules.iter().enumerate() {
                claim(&rule.id)?;
                rule_index.insert(rule.id.clone(), (ruleset.id.clone(), i));
            }
            by_id.insert(ruleset.id.clone(), ruleset);
        }
        for ruleset in by_id.values() {
            for rule in &ruleset.rules {
                for partner in &rule.partners {
                    let elsewhere = rule_index
                        .get(&partner.rule)
                        .is_some_and(|(set, _)| set != &ruleset.id);
                    if !elsewhere {
                        return Err(CatalogError::BadPartner {
                            rule: rule.id.clone(),
                            partner: partner.rule.clone(),
                        });
                    }
                }
            }
        }
        Ok(Catalog {
            indicators,
            rulesets: by_id,
            indicator_index,
            caution_index,
            rule_index,
        })
    }

    /// The indicator or caution a cue's tag names, if any.
    pub fn cue_tag(&self, id: &str) -> Option<CueTag<'_>> {
        if let Some(&i) = self.indicator_index.get(id) {
            return Some(CueTag::Indicator(&self.indicators.indicators[i]));
        }
        self.caution_index
            .get(id)
            .map(|&i| CueTag::Caution(&self.indicators.cautions[i]))
    }

    /// An indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicator_index
            .get(id)
            .map(|&i| &self.indicators.indicators[i])
    }

    /// A rule by id, with the id of the ruleset that holds it.
    pub fn rule(&self, id: &str) -> Option<(&Ruleset, &Rule)> {
        let (set, i) = self.rule_index.get(id)?;
        let ruleset = self.rulesets.get(set)?;
        Some((ruleset, &ruleset.rules[*i]))
    }

    /// All catalogue ids a cue may be tagged with, sorted (for "did you mean" help).
    pub fn tag_ids(&self) -> impl Iterator<Item = &str> {
        self.indicator_index
            .keys()
            .chain(self.caution_index.keys())
            .map(String::as_str)
    }

    /// The rules of other rulesets that score the same point of practice as `id`, for a
    /// trainee of `group` (every pairing for `None`): those it names and those that name it,
    /// each once, in catalogue order.
    pub fn partners(&self, id: &str, group: Option<RoleGroup>) -> Vec<&Rule> {
        let mut out: Vec<&Rule> = Vec::new();
        let Some((_, rule)) = self.rule(id) else {
            return out;
        };
        for partner in rule.partners.iter().filter(|p| p.applies_to(group)) {
            if let Some((_, r)) = self.rule(&partner.rule) {
                out.push(r);
            }
        }
        for set in self.rulesets.values() {
            for other in &set.rules {
                let names_it = other
                    .partners
                    .iter()
                    .any(|p| p.rule == id && p.applies_to(group));
                if names_it && !out.iter().any(|r| r.id == other.id) {
                    out.push(other);
                }
            }
        }
        out
    }

    /// The groups of trainees for which `a` and `b` are partners (empty when they are not).
    pub fn partner_roles(&self, a: &str, b: &str) -> Vec<RoleGroup> {
        let named = |from: &str, to: &str| {
            self.rule(from)
                .and_then(|(_, r)| r.partners.iter().find(|p| p.rule == to))
                .map(|p| {
                    if p.roles.is_empty() {
                        RoleGroup::ALL.to_vec()
                    } else {
                        p.roles.clone()
                    }
                })
        };
        named(a, b).or_else(|| named(b, a)).unwrap_or_default()
    }

    /// All rule ids, sorted.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rule_index.keys().map(String::as_str)
    }
}

fn parse_catalog_file<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, CatalogError> {
    crate::model::ron::ron_options()
        .from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| CatalogError::Parse {
            file: name.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
}
