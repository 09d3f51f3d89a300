//! Scoring: turns what a trainee did in one attempt into a score per ruleset (docs/scoring.md).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::bounds::ScoreBounds;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{Effect, Outcome, Scenario, Step};

/// What happened in one attempt, as far as scoring needs it. Produced by the
/// [`Runner`](crate::play::runner::Runner) and, for every possible path, by
/// [`explore`](crate::analysis::paths::explore).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// Steps presented, in order.
    pub visited: Vec<String>,
    /// Scene variants chosen: (scene id, variant id).
    pub variants: Vec<(String, String)>,
    /// Options chosen: (decision id, option id), in order.
    pub choices: Vec<(String, String)>,
    /// Cues the trainee could flag: every cue shown before an identify step they reached.
    pub offered_cues: BTreeSet<String>,
    /// Cues flagged when the attempt ended.
    pub flagged_cues: BTreeSet<String>,
    /// The ending reached, if the attempt finished.
    pub ending: Option<String>,
}

/// Points one rule gained and lost in an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTally {
    /// The rule id.
    pub rule: String,
    /// Points from options that upheld it.
    pub upheld: i64,
    /// Points lost to options that breached it (a positive number).
    pub breached: i64,
    /// Whether any breach of it was critical.
    pub critical: bool,
}

/// A critical breach: which option breached which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriticalBreach {
    /// The rule.
    pub rule: String,
    /// The decision.
    pub step: String,
    /// The option chosen.
    pub option: String,
}

/// The score under one ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesetScore {
    /// The ruleset id.
    pub ruleset: String,
    /// The ruleset's version (stamped so a later edit of the rules cannot rewrite history).
    pub ruleset_version: String,
    /// Points from decisions under this ruleset's rules.
    pub decision_points: i64,
    /// Points from identification (the same in every ruleset).
    pub identification_points: i64,
    /// `decision_points + identification_points`.
    pub raw: i64,
    /// Lowest achievable raw score.
    pub min: i64,
    /// Highest achievable raw score over all paths.
    pub max: i64,
    /// [`Scaled::of`]`(raw, max)` as a number 0–1 (kept in stored scores for readers of
    /// the JSON; every output uses [`RulesetScore::scaled_score`]).
    pub scaled: f64,
    /// Per-rule breakdown, in rule id order, only rules that were touched.
    pub rules: Vec<RuleTally>,
    /// Critical breaches under this ruleset.
    pub critical_breaches: Vec<CriticalBreach>,
    /// Whether the attempt passes under this ruleset: finished, `scaled` at or over the
    /// mastery score, no critical breach, identification recall at or over the minimum.
    pub passed: bool,
}

impl RulesetScore {
    /// The scaled score, worked out from `raw` and `max` (not the stored `scaled`, which an
    /// older version computed its own way): the one figure every output shows.
    pub fn scaled_score(&self) -> Scaled {
        Scaled::of(self.raw, self.max)
    }
}

/// The conditions an attempt must meet to pass (docs/scoring.md). Stamped on every attempt
/// when it starts, so a later change of rule never changes an attempt's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PassRule {
    /// Share of the best achievable score needed, 0–1 (cmi5's mastery score).
    pub mastery_score: f64,
    /// Share of the true indicators offered that must be flagged, 0–1.
    pub min_identification_recall: f64,
    /// Most red herrings that may be flagged; `None` for attempts started before this
    /// condition existed (no limit).
    pub max_red_herrings_flagged: Option<u32>,
}

impl PassRule {
    /// The rule a scenario sets today.
    pub fn of(scenario: &Scenario) -> PassRule {
        PassRule {
            mastery_score: scenario.mastery_score,
            min_identification_recall: scenario.min_identification_recall,
            max_red_herrings_flagged: Some(scenario.max_red_herrings_flagged),
        }
    }

    /// The rule of attempts recorded before the red-herring limit existed: the scenario's
    /// mastery score and recall, and no limit on red herrings.
    pub fn before_red_herring_limit(scenario: &Scenario) -> PassRule {
        PassRule {
            max_red_herrings_flagged: None,
            ..PassRule::of(scenario)
        }
    }
}

/// One condition of passing, with the attempt's figure and the threshold it was held to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
pub enum PassCondition {
    /// The attempt reached an ending.
    Finished {
        /// Whether it did.
        finished: bool,
    },
    /// The score under the deciding ruleset reaches the mastery score.
    Mastery {
        /// The deciding ruleset.
        ruleset: String,
        /// The attempt's scaled score, 0–1.
        scaled: f64,
        /// The mastery score, 0–1.
        threshold: f64,
    },
    /// No critical breach under any ruleset.
    NoCriticalBreach {
        /// Critical breaches in the attempt.
        breaches: usize,
    },
    /// Enough of the true indicators offered were flagged.
    Recall {
        /// Flagged ÷ offered true indicators, 0–1.
        recall: f64,
        /// The minimum, 0–1.
        threshold: f64,
    },
    /// No more red herrings flagged than the limit.
    RedHerrings {
        /// Red herrings flagged.
        flagged: usize,
        /// The most allowed.
        limit: u32,
    },
}

impl PassCondition {
    /// Whether the attempt meets this condition. Shares are compared with a tolerance of
    /// 1e-9, so 0.8 exactly reaches a mastery score of 0.8.
    pub fn met(&self) -> bool {
        match self {
            PassCondition::Finished { finished } => *finished,
            PassCondition::Mastery {
                scaled, threshold, ..
            } => Scaled::from_f64(*scaled).reaches(*threshold),
            PassCondition::NoCriticalBreach { breaches } => *breaches == 0,
            PassCondition::Recall { recall, threshold } => recall + 1e-9 >= *threshold,
            PassCondition::RedHerrings { flagged, limit } => *flagged <= *limit as usize,
        }
    }
}

impl std::fmt::Display for PassCondition {
    /// One line a trainee can read: the figure, the threshold, met or not.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = if self.met() { "met" } else { "NOT MET" };
        match self {
            PassCondition::Finished { finished } => write!(
                f,
                "reach an ending: {} ({mark})",
                if *finished { "reached" } else { "not reached" }
            ),
            PassCondition::Mastery {
                ruleset,
                scaled,
                threshold,
            } => write!(
                f,
                "score under {ruleset} at least {}%: {}% ({mark})",
                Scaled::from_f64(*threshold).percent(),
                Scaled::from_f64(*scaled).percent()
            ),
            PassCondition::NoCriticalBreach { breaches } => {
                write!(f, "no critical breach: {breaches} ({mark})")
            }
            PassCondition::Recall { recall, threshold } => write!(
                f,
                "true indicators flagged at least {:.0}%: {:.0}% ({mark})",
                threshold * 100.0,
                recall * 100.0
            ),
            PassCondition::RedHerrings { flagged, limit } => write!(
                f,
                "red herrings flagged at most {limit}: {flagged} ({mark})"
            ),
        }
    }
}

/// How well the trainee identified indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    /// True-indicator cues offered and flagged.
    pub flagged_indicators: Vec<String>,
    /// True-indicator cues offered and not flagged.
    pub missed_indicators: Vec<String>,
    /// Red-herring cues offered.
    pub red_herrings_offered: Vec<String>,
    /// Red-herring cues flagged (stereotyping).
    pub red_herrings_flagged: Vec<String>,
    /// Flagged true indicators ÷ true indicators offered (1 when none were offered).
    pub recall: f64,
    /// Flagged true indicators ÷ cues flagged (1 when nothing was flagged).
    pub precision: f64,
    /// Identification points: indicator weights gained less red-herring penalties.
    pub points: i64,
}

/// The whole score of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptScore {
    /// The ruleset that decides pass/fail.
    pub pass_ruleset: String,
    /// One score per ruleset the scenario is scored against, in the scenario's order.
    pub rulesets: Vec<RulesetScore>,
    /// Indicator identification.
    pub identification: Identification,
    /// Mastery score applied (0–1).
    pub mastery_score: f64,
    /// Minimum identification recall applied (0–1).
    pub min_identification_recall: f64,
    /// Most red herrings a passing attempt may flag; `None` (and absent in scores stored
    /// before the limit existed) when there was no limit.
    #[serde(default)]
    pub max_red_herrings_flagged: Option<u32>,
    /// The ending's outcome, if finished.
    pub outcome: Option<Outcome>,
    /// Whether the attempt passed: it passes under `pass_ruleset` and has no critical breach
    /// under any ruleset.
    pub passed: bool,
}

impl AttemptScore {
    /// The score under one ruleset.
    pub fn ruleset(&self, id: &str) -> Option<&RulesetScore> {
        self.rulesets.iter().find(|r| r.ruleset == id)
    }

    /// Every condition of passing with the attempt's figure and threshold, in the order
    /// docs/scoring.md gives them; the attempt passed when all are met.
    pub fn pass_conditions(&self) -> Vec<PassCondition> {
        let deciding = self.ruleset(&self.pass_ruleset);
        let mut out = vec![
            PassCondition::Finished {
                finished: self.outcome.is_some(),
            },
            PassCondition::Mastery {
                ruleset: self.pass_ruleset.clone(),
                scaled: deciding.map_or(0.0, |r| r.scaled_score().as_f64()),
                threshold: self.mastery_score,
            },
            PassCondition::NoCriticalBreach {
                breaches: self
                    .rulesets
                    .iter()
                    .map(|r| r.critical_breaches.len())
                    .sum(),
            },
            PassCondition::Recall {
                recall: self.identification.recall,
                threshold: self.min_identification_recall,
            },
        ];
        if let Some(limit) = self.max_red_herrings_flagged {
            out.push(PassCondition::RedHerrings {
                flagged: self.identification.red_herrings_flagged.len(),
                limit,
            });
        }
        out
    }

    /// The conditions of passing the attempt did not meet (empty when it passed).
    pub fn failed_conditions(&self) -> Vec<PassCondition> {
        self.pass_conditions()
            .into_iter()
            .filter(|c| !c.met())
            .collect()
    }
}

/// Identification points and the lists behind them.
pub fn identification(
    scenario: &Scenario,
    catalog: &Catalog,
    transcript: &Transcript,
) -> Identification {
    let mut out = Identification {
        flagged_indicators: Vec::new(),
        missed_indicators: Vec::new(),
        red_herrings_offered: Vec::new(),
        red_herrings_flagged: Vec::new(),
        recall: 1.0,
        precision: 1.0,
        points: 0,
    };
    for cue_id in &transcript.offered_cues {
        let Some(cue) = scenario.cue(cue_id) else {
            continue;
        };
        let flagged = transcript.flagged_cues.contains(cue_id);
        match catalog.cue_tag(&cue.indicator) {
            Some(CueTag::Indicator(indicator)) => {
                if flagged {
                    out.points += indicator.weight.points();
                    out.flagged_indicators.push(cue_id.clone());
                } else {
                    out.missed_indicators.push(cue_id.clone());
                }
            }
            Some(CueTag::Caution(_)) => {
                out.red_herrings_offered.push(cue_id.clone());
                if flagged {
                    out.points -= i64::from(scenario.caution_penalty);
                    out.red_herrings_flagged.push(cue_id.clone());
                }
            }
            None => {}
        }
    }
    let found = out.flagged_indicators.len();
    let offered = found + out.missed_indicators.len();
    if offered > 0 {
        out.recall = found as f64 / offered as f64;
    }
    let flagged = found + out.red_herrings_flagged.len();
    if flagged > 0 {
        out.precision = found as f64 / flagged as f64;
    }
    out
}

/// Decision points per ruleset for a sequence of choices, with per-rule tallies and
/// critical breaches. Rules the catalogue does not know are ignored (validation reports them).
pub fn decision_points<'a>(
    scenario: &Scenario,
    catalog: &Catalog,
    choices: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, (i64, BTreeMap<String, RuleTally>, Vec<CriticalBreach>)> {
    let mut out: BTreeMap<String, (i64, BTreeMap<String, RuleTally>, Vec<CriticalBreach>)> =
        BTreeMap::new();
    for (step_id, option_id) in choices {
        let Some(Step::Decision(decision)) = scenario.step(step_id) else {
            continue;
        };
        let Some(option) = decision.options.iter().find(|o| o.id == option_id) else {
            continue;
        };
        for effect in &option.effects {
            let Some((ruleset, _)) = catalog.rule(effect.rule()) else {
                continue;
            };
            let entry = out.entry(ruleset.id.clone()).or_default();
            entry.0 += effect.signed_points();
            let tally = entry
                .1
                .entry(effect.rule().to_owned())
                .or_insert_with(|| RuleTally {
                    rule: effect.rule().to_owned(),
                    upheld: 0,
                    breached: 0,
                    critical: false,
                });
            match effect {
                Effect::Upholds { points, .. } => tally.upheld += i64::from(*points),
                Effect::Breaches {
                    points, critical, ..
                } => {
                    tally.breached += i64::from(*points);
                    if *critical {
                        tally.critical = true;
                        entry.2.push(CriticalBreach {
                            rule: effect.rule().to_owned(),
                            step: step_id.to_owned(),
                            option: option_id.to_owned(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// A scaled score, 0–1, exactly as every output shows it (docs/scoring.md, "One score").
///
/// It is the raw score over the best achievable, a negative total counting as 0 and a
/// total over the best as 1 (cmi5 compares `score.scaled` with a mastery score of 0–1),
/// rounded half up to a ten-thousandth, worked out in whole numbers so no output can round
/// it differently. A ruleset with nothing to score (best 0 or less) scores 0, never 100%;
/// validation refuses such a ruleset. Pass or fail compares this value; the debrief, `run`,
/// every CSV, the report and every xAPI statement print it.
///
/// Serialized as its number (`0.7938`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "f64", from = "f64")]
pub struct Scaled {
    ten_thousandths: u16,
}

impl From<Scaled> for f64 {
    fn from(scaled: Scaled) -> f64 {
        scaled.as_f64()
    }
}

impl From<f64> for Scaled {
    fn from(value: f64) -> Scaled {
        Scaled::from_f64(value)
    }
}

impl Scaled {
    /// Ten thousand ten-thousandths: 1.
    const ONE: i128 = 10_000;

    /// Nothing scored.
    pub const ZERO: Scaled = Scaled { ten_thousandths: 0 };

    /// The scaled score of `raw` points out of a best of `max`.
    pub fn of(raw: i64, max: i64) -> Scaled {
        if max <= 0 || raw <= 0 {
            return Scaled::ZERO;
        }
        let (raw, max) = (i128::from(raw.min(max)), i128::from(max));
        // Half up: floor((2·raw·10000 + max) / (2·max)).
        let tt = (2 * raw * Self::ONE + max) / (2 * max);
        Scaled {
            ten_thousandths: u16::try_from(tt.clamp(0, Self::ONE)).unwrap_or(10_000),
        }
    }

    /// The mean of several scaled scores, rounded half up the same way (a course grade).
    /// `None` for none.
    pub fn mean(scores: &[Scaled]) -> Option<Scaled> {
        let n = i128::try_from(scores.len()).ok().filter(|n| *n > 0)?;
        let sum: i128 = scores.iter().map(|s| i128::from(s.ten_thousandths)).sum();
        let tt = (2 * sum + n) / (2 * n);
        Some(Scaled {
            ten_thousandths: u16::try_from(tt.clamp(0, Self::ONE)).unwrap_or(10_000),
        })
    }

    /// A value read back from a stored `f64` (a multiple of a ten-thousandth when this type
    /// made it; anything else is rounded to the nearest and clamped to 0–1).
    pub fn from_f64(value: f64) -> Scaled {
        let tt = (value * 10_000.0).round();
        let tt = if tt.is_finite() {
            tt.clamp(0.0, 10_000.0)
        } else {
            0.0
        };
        Scaled {
            ten_thousandths: tt as u16,
        }
    }

    /// As a number, 0–1 (a multiple of 0.0001).
    pub fn as_f64(self) -> f64 {
        f64::from(self.ten_thousandths) / 10_000.0
    }

    /// Whether it reaches `share` (0–1, a mastery score), compared to the ten-thousandth.
    pub fn reaches(self, share: f64) -> bool {
        f64::from(self.ten_thousandths) + 1e-6 >= share * 10_000.0
    }

    /// `0.7938`: four decimals, as the CSVs and xAPI write it.
    pub fn fraction(self) -> String {
        format!(
            "{}.{:04}",
            self.ten_thousandths / 10_000,
            self.ten_thousandths % 10_000
        )
    }

    /// `79.38`: a percentage with two decimals, as Totara, Moodle and the report write it.
    pub fn percent(self) -> String {
        format!(
            "{}.{:02}",
            self.ten_thousandths / 100,
            self.ten_thousandths % 100
        )
    }

    /// `79.4%`: a percentage with one decimal, rounded half up from the same value, for
    /// screens.
    pub fn percent_short(self) -> String {
        let tenths = (u32::from(self.ten_thousandths) + 5) / 10;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

impl std::fmt::Display for Scaled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.fraction())
    }
}

/// Scores an attempt against every ruleset of the scenario, judging pass or fail by `rule`
/// (normally [`PassRule::of`] the scenario; the rule stamped on a stored attempt for one
/// played earlier).
///
/// `bounds` are the per-ruleset best and worst scores from
/// [`analyse`](crate::analysis::states::analyse); a ruleset missing from it is scaled against its
/// own raw score.
pub fn score(
    scenario: &Scenario,
    catalog: &Catalog,
    bounds: &BTreeMap<String, ScoreBounds>,
    rule: &PassRule,
    transcript: &Transcript,
) -> AttemptScore {
    let identification = identification(scenario, catalog, transcript);
    let decisions = decision_points(
        scenario,
        catalog,
        transcript
            .choices
            .iter()
            .map(|(s, o)| (s.as_str(), o.as_str())),
    );
    let outcome = transcript
        .ending
        .as_deref()
        .and_then(|id| match scenario.step(id) {
            Some(Step::Ending(ending)) => Some(ending.outcome),
            _ => None,
        });
    let finished = outcome.is_some();
    let rulesets: Vec<RulesetScore> = scenario
        .rulesets
        .iter()
        .map(|ruleset_id| {
            let (decision_points, tallies, critical_breaches) =
                decisions.get(ruleset_id).cloned().unwrap_or_default();
            let raw = decision_points + identification.points;
            let b = bounds.get(ruleset_id).copied().unwrap_or(ScoreBounds {
                min: raw.min(0),
                max: raw.max(0),
            });
            let scaled = Scaled::of(raw, b.max);
            let passed = finished
                && critical_breaches.is_empty()
                && scaled.reaches(rule.mastery_score)
                && identification.recall + 1e-9 >= rule.min_identification_recall
                && rule.max_red_herrings_flagged.is_none_or(|limit| {
                    identification.red_herrings_flagged.len() <= limit as usize
                });
            RulesetScore {
                ruleset: ruleset_id.clone(),
                ruleset_version: catalog
                    .rulesets
                    .get(ruleset_id)
                    .map(|r| r.version.clone())
                    .unwrap_or_default(),
                decision_points,
                identification_points: identification.points,
                raw,
                min: b.min,
                max: b.max,
                scaled: scaled.as_f64(),
                rules: tallies.into_values().collect(),
                critical_breaches,
                passed,
            }
        })
        .collect();
    // A critical breach fails the attempt whichever ruleset holds the rule: the deciding
    // ruleset's verdict, and nothing unforgivable under any other.
    let passed = rulesets
        .iter()
        .find(|r| r.ruleset == scenario.pass_ruleset)
        .is_some_and(|r| r.passed)
        && rulesets.iter().all(|r| r.critical_breaches.is_empty());
    AttemptScore {
        pass_ruleset: scenario.pass_ruleset.clone(),
        rulesets,
        identification,
        mastery_score: rule.mastery_score,
        min_identification_recall: rule.min_identification_recall,
        max_red_herrings_flagged: rule.max_red_herrings_flagged,
        outcome,
        passed,
    }
}
