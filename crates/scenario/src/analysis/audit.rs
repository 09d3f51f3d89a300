//! The assessment audit: whether a trainee who knows nothing could pass by surface strategy (the longest option, the shortest, the library's tell-tale words, ticking every cue, chance), and the item-writing faults behind it.
//!
//! Item-writing research (Haladyna, Downing & Rodriguez 2002, "A review of multiple-choice
//! item-writing guidelines") names the faults a test-wise guesser exploits: a key longer
//! than the distractors, words only the key uses, implausible distractors. This module
//! measures them on a library of scenarios and works out, over each scenario's state graph
//! and for every scene variant, what the guessing strategies score under the real scoring
//! code. docs/authoring.md ("Fair options and distractors") explains each finding.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::states::{DEFAULT_STATE_LIMIT, Move, StateGraph};
use crate::load::diagnostic::{Diagnostic, Problem};
use crate::load::loaded::LoadedScenario;
use crate::load::locate::Locator;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::path::ValuePath;
use crate::model::scenario::{Decision, Scenario, Step};
use crate::path;
use crate::play::score::{self, PassRule, Transcript};

/// Random play may pass at most this often (1%); any passing play of a deterministic
/// strategy is an error.
pub const RANDOM_PASS_LIMIT: f64 = 0.01;
/// How far above chance the share of decisions whose best option is the longest may go
/// (15 percentage points).
pub const LONGEST_SHARE_MARGIN: f64 = 0.15;
/// Accepted range of the best option's length over the mean length of the others.
pub const LENGTH_RATIO_RANGE: (f64, f64) = (0.8, 1.25);
/// A word or phrase is a tell when it appears in the best option of at least this many
/// decisions and never elsewhere (or in wrong options of this many and never in a best).
pub const TELL_MIN_DECISIONS: usize = 4;
/// Most plays (combinations of scene variants and tied choices) worked out per strategy.
pub const STRATEGY_PLAY_LIMIT: usize = 10_000;
/// Most (state, decision points) pairs the exact random-play calculation holds before it
/// falls back to an upper bound.
pub const RANDOM_PLAY_BUDGET: usize = 5_000_000;

/// How a guesser chooses an option at every decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceStrategy {
    /// The option with the most characters.
    Longest,
    /// The option with the fewest characters.
    Shortest,
    /// The option whose words have most often marked the best option elsewhere in the
    /// library (see [`VocabularyModel`]).
    Vocabulary,
}

impl ChoiceStrategy {
    /// Every strategy, in report order.
    pub const ALL: [ChoiceStrategy; 3] = [
        ChoiceStrategy::Longest,
        ChoiceStrategy::Shortest,
        ChoiceStrategy::Vocabulary,
    ];

    /// What the strategy chooses, for reports ("the longest option").
    pub fn label(self) -> &'static str {
        match self {
            ChoiceStrategy::Longest => "the longest option",
            ChoiceStrategy::Shortest => "the shortest option",
            ChoiceStrategy::Vocabulary => "the option with the most tell-tale words",
        }
    }
}

/// How a guesser flags cues at identify steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagStrategy {
    /// Every cue offered.
    All,
    /// None.
    Nothing,
}

impl FlagStrategy {
    /// What the strategy does, for reports.
    pub fn label(self) -> &'static str {
        match self {
            FlagStrategy::All => "flag every cue",
            FlagStrategy::Nothing => "flag nothing",
        }
    }
}

/// One play of a deterministic strategy: one combination of scene variants (and, where
/// options tie, of tied choices).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyPlay {
    /// Scene variants drawn: (scene id, variant id).
    pub variants: Vec<(String, String)>,
    /// Options chosen: (decision id, option id).
    pub choices: Vec<(String, String)>,
    /// The ending reached; `None` when the strategy goes round a loop for ever.
    pub ending: Option<String>,
    /// Scaled score under the deciding ruleset, 0–1.
    pub scaled: f64,
    /// Whether the attempt passes.
    pub passed: bool,
    /// The pass conditions it failed, as sentences.
    pub failed: Vec<String>,
}

/// What one deterministic strategy scores on one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyResult {
    /// How options are chosen.
    pub choice: ChoiceStrategy,
    /// How cues are flagged.
    pub flagging: FlagStrategy,
    /// Every play, one per combination of variants and ties.
    pub plays: Vec<StrategyPlay>,
    /// True when there were more than [`STRATEGY_PLAY_LIMIT`] plays and only that many
    /// were worked out.
    pub truncated: bool,
}

impl StrategyResult {
    /// Plays that pass.
    pub fn passed(&self) -> usize {
        self.plays.iter().filter(|p| p.passed).count()
    }

    /// Lowest and highest scaled score over the plays.
    pub fn scaled_range(&self) -> Option<(f64, f64)> {
        let mut it = self.plays.iter().map(|p| p.scaled);
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x))))
    }

    /// "the longest option, flag every cue".
    pub fn label(&self) -> String {
        format!("{}, {}", self.choice.label(), self.flagging.label())
    }
}

/// The chance that uniformly random play passes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RandomPlay {
    /// The probability, 0–1, or an upper bound on it when `exact` is false.
    pub probability: f64,
    /// Exact (to floating-point rounding) over every path and every flag combination;
    /// false when the scenario was too large and `probability` is the chance of reaching an
    /// ending with no critical breach, which bounds it from above.
    pub exact: bool,
}

/// One decision as an item: its options' lengths, its key, its distractors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionAudit {
    /// The decision's id.
    pub step: String,
    /// Number of options.
    pub options: usize,
    /// The best option(s): most points under the deciding ruleset with no critical breach
    /// (ties broken by the points under every ruleset).
    pub best: Vec<String>,
    /// Each option's text length in characters, in file order: (option id, characters).
    pub lengths: Vec<(String, usize)>,
    /// The best option's length rank: 1 is the longest (the best option considered is the
    /// longest of the best when several tie).
    pub best_length_rank: usize,
    /// The best option's length ÷ the mean length of the other options.
    pub length_ratio: f64,
    /// Whether (one of) the longest options is a best option.
    pub best_is_longest: bool,
    /// Options that breach a rule critically.
    pub critical: Vec<String>,
    /// Near misses: not best, no critical breach, and net points above zero under the
    /// deciding ruleset (partial credit).
    pub near_misses: Vec<String>,
    /// Options locked in every state that reaches the decision.
    pub never_unlocked: Vec<String>,
    /// The test-wise guesser's score of each option (see [`VocabularyModel`]), in file
    /// order: the [`ChoiceStrategy::Vocabulary`] guesser picks the highest.
    pub vocabulary: Vec<(String, f64)>,
}

/// The audit of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioAudit {
    /// Scenario id.
    pub id: String,
    /// The file it came from.
    pub file: String,
    /// Every deterministic strategy: each choice strategy with each flag strategy.
    pub strategies: Vec<StrategyResult>,
    /// Uniformly random play.
    pub random: RandomPlay,
    /// Each decision with at least two options, in file order.
    pub decisions: Vec<DecisionAudit>,
}

/// A word or phrase only best (or only wrong) options use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tell {
    /// The word or two-word phrase, case-folded.
    pub term: String,
    /// True when only best options use it; false when only wrong ones do.
    pub in_best: bool,
    /// Where it appears: (scenario id, decision id, option id).
    pub places: Vec<(String, String, String)>,
    /// Distinct decisions among the places.
    pub decisions: usize,
}

/// How often the best option is the longest, beside chance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LengthSummary {
    /// Decisions with at least two options.
    pub decisions: usize,
    /// Decisions whose best option is (one of) the longest.
    pub best_longest: usize,
    /// `best_longest / decisions` (0 with no decisions).
    pub share: f64,
    /// The share a guesser would hit by chance: the mean over decisions of best options ÷
    /// options (1/options with one key).
    pub chance: f64,
}

impl LengthSummary {
    /// The share above which the library is reported: chance plus [`LONGEST_SHARE_MARGIN`].
    pub fn limit(&self) -> f64 {
        self.chance + LONGEST_SHARE_MARGIN
    }

    /// Whether the share is over the limit.
    pub fn too_often(&self) -> bool {
        self.decisions > 0 && self.share > self.limit() + 1e-9
    }
}

/// A finding at a place in a scenario file, before it is turned into a [`Diagnostic`].
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The file.
    pub file: String,
    /// Where in the scenario.
    pub path: ValuePath,
    /// What is wrong.
    pub problem: Problem,
}

/// The audit of a library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryAudit {
    /// Each scenario, in the order given.
    pub scenarios: Vec<ScenarioAudit>,
    /// The length cue over the whole library.
    pub length: LengthSummary,
    /// Words and phrases only best or only wrong options use.
    pub tells: Vec<Tell>,
    /// Share of decisions with a near miss.
    pub near_miss_share: f64,
    /// Every finding, in file order within each scenario.
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl LibraryAudit {
    /// The findings as diagnostics at file:line:col. `text_of` gives a file's text (the
    /// CLI reads the file; the app passes what it loaded); a file it cannot give is
    /// reported at 1:1.
    pub fn diagnostics(&self, mut text_of: impl FnMut(&str) -> Option<String>) -> Vec<Diagnostic> {
        let mut texts: HashMap<String, (String, Locator)> = HashMap::new();
        self.findings
            .iter()
            .map(|f| {
                let (text, locator) = texts.entry(f.file.clone()).or_insert_with(|| {
                    let text = text_of(&f.file).unwrap_or_default();
                    let locator = Locator::scan(&text);
                    (text, locator)
                });
                Diagnostic::new(&f.file, text, locator.find(&f.path), f.problem.clone())
            })
            .collect()
    }
}

/// Terms of an option text: its words and two-word phrases, case-folded, stop words left
/// out (NLTK's English list), each once.
pub fn terms(text: &str) -> BTreeSet<String> {
    let words = words(text);
    let mut out: BTreeSet<String> = words.iter().cloned().collect();
    for pair in words.windows(2) {
        out.insert(format!("{} {}", pair[0], pair[1]));
    }
    out
}

/// A text's words, case-folded, stop words left out, in order.
fn words(text: &str) -> Vec<String> {
    let stop = stop_words();
    text.unicode_words()
        .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
        .filter(|w| !stop.contains(w.as_str()))
        .collect()
}

fn stop_words() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        stop_words::lookup("en")
            .unwrap_or_default()
            .iter()
            .copied()
            .collect()
    })
}

/// Terms of the whole library, each stored once and known by its number: words first, and
/// each two-word phrase by the numbers of its words, so no phrase is spelt out twice.
#[derive(Default)]
struct Terms {
    words: FoldMap<String, u32>,
    pairs: FoldMap<(u32, u32), u32>,
    names: Vec<String>,
}

impl Terms {
    /// The numbers of a text's terms (as [`terms`] gives them), sorted, each once.
    fn of(&mut self, text: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = words(text)
            .into_iter()
            .map(|w| match self.words.get(&w) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.push(w.clone());
                    self.words.insert(w, id);
                    id
                }
            })
            .collect();
        let pairs: Vec<(u32, u32)> = ids.windows(2).map(|p| (p[0], p[1])).collect();
        for (a, b) in pairs {
            let id = match self.pairs.get(&(a, b)) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    let name = format!("{} {}", self.names[a as usize], self.names[b as usize]);
                    self.names.push(name);
                    self.pairs.insert((a, b), id);
                    id
                }
            };
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// An option's place and what the audit needs of it.
struct OptionItem {
    id: String,
    chars: usize,
    terms: Vec<u32>,
}

/// A decision as an item of the library.
struct Item {
    scenario: usize,
    step: usize,
    options: Vec<OptionItem>,
    /// Indices of the best options.
    best: Vec<usize>,
}

/// The test-wise guesser's knowledge of the library's vocabulary: for each term, how often
/// it appeared in best and in wrong options. A term's weight is the log-odds that an option
/// holding it is best, smoothed towards the library's base rate so that a term never seen
/// weighs nothing; an option's score is the sum of its terms' weights. The guesser never
/// learns from the decision in front of it (leave one decision out), as a trainee who has
/// played the rest of the library would not have seen this item's key.
pub struct VocabularyModel {
    best: Vec<f64>,
    wrong: Vec<f64>,
    best_total: f64,
    wrong_total: f64,
}

impl VocabularyModel {
    fn new(items: &[Item], terms: usize) -> VocabularyModel {
        let mut model = VocabularyModel {
            best: vec![0.0; terms],
            wrong: vec![0.0; terms],
            best_total: 0.0,
            wrong_total: 0.0,
        };
        for item in items {
            model.add(item, 1.0);
        }
        model
    }

    fn add(&mut self, item: &Item, sign: f64) {
        for (o, option) in item.options.iter().enumerate() {
            let (counts, total) = if item.best.contains(&o) {
                (&mut self.best, &mut self.best_total)
            } else {
                (&mut self.wrong, &mut self.wrong_total)
            };
            *total += sign;
            for &t in &option.terms {
                counts[t as usize] += sign;
            }
        }
    }

    /// The score of an option's terms.
    fn score(&self, terms: &[u32]) -> f64 {
        let all = self.best_total + self.wrong_total;
        if self.best_total <= 0.0 || self.wrong_total <= 0.0 || all <= 0.0 {
            return 0.0;
        }
        let p = self.best_total / all;
        let prior = (p / (1.0 - p)).ln();
        terms
            .iter()
            .map(|&t| {
                let b = self.best[t as usize].max(0.0);
                let w = self.wrong[t as usize].max(0.0);
                ((b + p) / (w + 1.0 - p)).ln() - prior
            })
            .sum()
    }
}

/// Points of an option under the deciding ruleset, under every ruleset, and whether it
/// breaches a rule critically.
fn option_key(
    scenario: &Scenario,
    catalog: &Catalog,
    option: &crate::model::scenario::DecisionOption,
) -> (bool, i64, i64) {
    let mut deciding = 0;
    let mut all = 0;
    let mut critical = false;
    for e in &option.effects {
        let Some((set, _)) = catalog.rule(e.rule()) else {
            continue;
        };
        if !scenario.rulesets.contains(&set.id) {
            continue;
        }
        all += e.signed_points();
        if set.id == scenario.pass_ruleset {
            deciding += e.signed_points();
        }
        critical |= e.is_critical();
    }
    (critical, deciding, all)
}

fn decision_items(
    scenario: &Scenario,
    catalog: &Catalog,
    index: usize,
    vocabulary: &mut Terms,
) -> Vec<Item> {
    scenario
        .steps
        .iter()
        .enumerate()
        .filter_map(|(step, s)| match s {
            Step::Decision(d) if d.options.len() >= 2 => Some((step, d)),
            _ => None,
        })
        .map(|(step, d)| {
            let keys: Vec<(bool, i64, i64)> = d
                .options
                .iter()
                .map(|o| option_key(scenario, catalog, o))
                .collect();
            let rank = |k: &(bool, i64, i64)| (!k.0, k.1, k.2);
            let top = keys.iter().map(rank).max();
            let best = (0..keys.len())
                .filter(|&o| Some(rank(&keys[o])) == top)
                .collect();
            Item {
                scenario: index,
                step,
                options: d
                    .options
                    .iter()
                    .map(|o| OptionItem {
                        id: o.id.clone(),
                        chars: o.text.chars().count(),
                        terms: vocabulary.of(&o.text),
                    })
                    .collect(),
                best,
            }
        })
        .collect()
}

/// Audits a library: every scenario's guessing strategies and random play, every decision
/// as an item, and the length cue and tell-tale words over the whole library. Templates
/// (files named `_*.ron`) are left out, as trainees never play them.
pub fn audit<'a>(
    scenarios: impl IntoIterator<Item = &'a LoadedScenario>,
    catalog: &Catalog,
) -> LibraryAudit {
    let played: Vec<&LoadedScenario> = scenarios
        .into_iter()
        .filter(|s| !crate::analysis::coverage::is_template(&s.file))
        .collect();
    audit_played(&played, catalog)
}

fn audit_played(scenarios: &[&LoadedScenario], catalog: &Catalog) -> LibraryAudit {
    let mut library_terms = Terms::default();
    let mut items: Vec<Item> = Vec::new();
    for (i, loaded) in scenarios.iter().enumerate() {
        items.extend(decision_items(
            &loaded.scenario,
            catalog,
            i,
            &mut library_terms,
        ));
    }
    let mut model = VocabularyModel::new(&items, library_terms.names.len());
    // The guesser's score of every option, each decision judged by what the rest of the
    // library taught.
    let mut vocabulary: HashMap<(usize, usize), Vec<f64>> = HashMap::new();
    for item in &items {
        model.add(item, -1.0);
        vocabulary.insert(
            (item.scenario, item.step),
            item.options.iter().map(|o| model.score(&o.terms)).collect(),
        );
        model.add(item, 1.0);
    }

    // Each scenario's items, in order: the library can hold thousands of scenarios.
    let mut by_scenario: Vec<Vec<usize>> = vec![Vec::new(); scenarios.len()];
    for (k, item) in items.iter().enumerate() {
        by_scenario[item.scenario].push(k);
    }
    let mut findings = Vec::new();
    let mut out_scenarios = Vec::new();
    for (i, loaded) in scenarios.iter().enumerate() {
        let scenario = &loaded.scenario;
        let own: Vec<&Item> = by_scenario[i].iter().map(|&k| &items[k]).collect();
        let graph = StateGraph::build(scenario, catalog, DEFAULT_STATE_LIMIT);
        let scores = |step: usize, o: usize| -> f64 {
            vocabulary
                .get(&(i, step))
                .and_then(|v| v.get(o).copied())
                .unwrap_or(0.0)
        };
        let decisions = own
            .iter()
            .map(|item| decision_audit(scenario, &graph, item, &scores))
            .collect::<Vec<_>>();
        let mut strategies = Vec::new();
        for choice in ChoiceStrategy::ALL {
            let (paths, truncated) = strategy_paths(scenario, &graph, choice, &scores);
            for flagging in [FlagStrategy::All, FlagStrategy::Nothing] {
                strategies.push(StrategyResult {
                    choice,
                    flagging,
                    plays: paths
                        .iter()
                        .map(|p| play(loaded, catalog, &graph, p, flagging))
                        .collect(),
                    truncated,
                });
            }
        }
        let random = random_play(loaded, catalog, &graph);

        for s in &strategies {
            let passed = s.passed();
            if passed > 0 {
                let example = s.plays.iter().find(|p| p.passed).map(|p| {
                    if p.variants.is_empty() {
                        "with no scene variants".to_owned()
                    } else {
                        format!(
                            "with variants {}",
                            p.variants
                                .iter()
                                .map(|(_, v)| v.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                });
                findings.push(Finding {
                    file: loaded.file.clone(),
                    path: path!["id"],
                    problem: Problem::GuessingPasses {
                        strategy: format!("always {}", s.label()),
                        passed,
                        plays: s.plays.len(),
                        best_scaled: s.scaled_range().map_or(0.0, |r| r.1),
                        example,
                    },
                });
            }
        }
        if random.probability > RANDOM_PASS_LIMIT {
            findings.push(Finding {
                file: loaded.file.clone(),
                path: path!["id"],
                problem: Problem::RandomPlayPasses {
                    probability: random.probability,
                    exact: random.exact,
                    limit: RANDOM_PASS_LIMIT,
                },
            });
        }
        for (item, d) in own.iter().zip(&decisions) {
            let (low, high) = LENGTH_RATIO_RANGE;
            let best_option = best_for_length(item);
            if d.length_ratio < low - 1e-9 || d.length_ratio > high + 1e-9 {
                let others: Vec<usize> = item
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(o, _)| *o != best_option)
                    .map(|(_, o)| o.chars)
                    .collect();
                findings.push(Finding {
                    file: loaded.file.clone(),
                    path: path!["steps", item.step, "options", best_option, "text"],
                    problem: Problem::BestOptionLengthStandsOut {
                        step: d.step.clone(),
                        ratio: d.length_ratio,
                        best_chars: item.options[best_option].chars,
                        others_mean: mean(&others),
                        low,
                        high,
                    },
                });
            }
            if d.critical.len() > 1 {
                findings.push(Finding {
                    file: loaded.file.clone(),
                    path: path!["steps", item.step, "id"],
                    problem: Problem::SeveralCriticalOptions {
                        step: d.step.clone(),
                        count: d.critical.len(),
                    },
                });
            }
            for option in &d.never_unlocked {
                if let Some(o) = item.options.iter().position(|x| &x.id == option) {
                    findings.push(Finding {
                        file: loaded.file.clone(),
                        path: path!["steps", item.step, "options", o, "id"],
                        problem: Problem::OptionNeverUnlocked {
                            step: d.step.clone(),
                            option: option.clone(),
                        },
                    });
                }
            }
        }
        out_scenarios.push(ScenarioAudit {
            id: scenario.id.clone(),
            file: loaded.file.clone(),
            strategies,
            random,
            decisions,
        });
    }

    let length = length_summary(&items);
    if length.too_often() {
        // Once per file, at its first decision whose best option is the longest.
        for (i, loaded) in scenarios.iter().enumerate() {
            let here: Vec<&Item> = by_scenario[i]
                .iter()
                .map(|&k| &items[k])
                .filter(|it| best_is_longest(it))
                .collect();
            if let Some(first) = here.first() {
                findings.push(Finding {
                    file: loaded.file.clone(),
                    path: path![
                        "steps",
                        first.step,
                        "options",
                        best_for_length(first),
                        "text"
                    ],
                    problem: Problem::BestOptionOftenLongest {
                        longest: length.best_longest,
                        decisions: length.decisions,
                        share: length.share,
                        chance: length.chance,
                        limit: length.limit(),
                        here: here.len(),
                    },
                });
            }
        }
    }

    let tells = tells(scenarios, &items, &library_terms);
    for (tell, at) in &tells {
        // Once per file, at the first option that uses it.
        let mut files_done = BTreeSet::new();
        for &(k, o) in at {
            let item = &items[k];
            if !files_done.insert(item.scenario) {
                continue;
            }
            findings.push(Finding {
                file: scenarios[item.scenario].file.clone(),
                path: path!["steps", item.step, "options", o, "text"],
                problem: Problem::VocabularyTell {
                    term: tell.term.clone(),
                    in_best: tell.in_best,
                    decisions: tell.decisions,
                },
            });
        }
    }
    let tells: Vec<Tell> = tells.into_iter().map(|(t, _)| t).collect();

    let with_near_miss = out_scenarios
        .iter()
        .flat_map(|s| &s.decisions)
        .filter(|d| !d.near_misses.is_empty())
        .count();
    let near_miss_share = if items.is_empty() {
        0.0
    } else {
        with_near_miss as f64 / items.len() as f64
    };
    // File order within each file: by position of the path's step, stable otherwise.
    let file_rank: HashMap<&str, usize> = scenarios
        .iter()
        .enumerate()
        .map(|(i, l)| (l.file.as_str(), i))
        .collect();
    findings.sort_by_key(|f| {
        (
            file_rank
                .get(f.file.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            step_of_path(&f.path),
        )
    });
    LibraryAudit {
        scenarios: out_scenarios,
        length,
        tells,
        near_miss_share,
        findings,
    }
}

fn step_of_path(path: &ValuePath) -> usize {
    match path.get(1) {
        Some(crate::model::path::PathSegment::Index(i)) => *i + 1,
        _ => 0,
    }
}

fn mean(xs: &[usize]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<usize>() as f64 / xs.len() as f64
    }
}

/// The best option whose length the length cue looks at: the longest of the best.
fn best_for_length(item: &Item) -> usize {
    item.best
        .iter()
        .copied()
        .max_by_key(|&o| (item.options[o].chars, std::cmp::Reverse(o)))
        .unwrap_or(0)
}

fn best_is_longest(item: &Item) -> bool {
    let longest = item.options.iter().map(|o| o.chars).max().unwrap_or(0);
    item.best.iter().any(|&o| item.options[o].chars == longest)
}

fn length_summary(items: &[Item]) -> LengthSummary {
    let decisions = items.len();
    let best_longest = items.iter().filter(|it| best_is_longest(it)).count();
    let chance = if decisions == 0 {
        0.0
    } else {
        items
            .iter()
            .map(|it| (it.best.len() as f64 / it.options.len() as f64).min(1.0))
            .sum::<f64>()
            / decisions as f64
    };
    LengthSummary {
        decisions,
        best_longest,
        share: if decisions == 0 {
            0.0
        } else {
            best_longest as f64 / decisions as f64
        },
        chance,
    }
}

fn decision_audit(
    scenario: &Scenario,
    graph: &StateGraph<'_>,
    item: &Item,
    vocabulary: &dyn Fn(usize, usize) -> f64,
) -> DecisionAudit {
    let Step::Decision(d) = &scenario.steps[item.step] else {
        unreachable!("items are made from decisions")
    };
    let best = best_for_length(item);
    let best_chars = item.options[best].chars;
    let others: Vec<usize> = item
        .options
        .iter()
        .enumerate()
        .filter(|(o, _)| *o != best)
        .map(|(_, o)| o.chars)
        .collect();
    let others_mean = mean(&others);
    let critical: Vec<usize> = (0..d.options.len())
        .filter(|&o| graph.options.critical((item.step, o)))
        .collect();
    let pass_column = scenario
        .rulesets
        .iter()
        .position(|r| r == &scenario.pass_ruleset);
    let best_points = pass_column.map(|c| graph.options.row((item.step, best))[c]);
    let never_unlocked = never_unlocked(graph, item.step, d);
    let near_misses = (0..d.options.len())
        .filter(|o| !item.best.contains(o) && !critical.contains(o))
        .filter(|&o| !never_unlocked.contains(&d.options[o].id))
        .filter(|&o| {
            pass_column.is_some_and(|c| {
                let p = graph.options.row((item.step, o))[c];
                p > 0 && best_points.is_none_or(|b| p < b)
            })
        })
        .map(|o| d.options[o].id.clone())
        .collect();
    DecisionAudit {
        step: d.id.clone(),
        options: d.options.len(),
        best: item.best.iter().map(|&o| d.options[o].id.clone()).collect(),
        lengths: item
            .options
            .iter()
            .map(|o| (o.id.clone(), o.chars))
            .collect(),
        best_length_rank: 1 + item.options.iter().filter(|o| o.chars > best_chars).count(),
        length_ratio: if others_mean > 0.0 {
            best_chars as f64 / others_mean
        } else {
            1.0
        },
        best_is_longest: best_is_longest(item),
        critical: critical.iter().map(|&o| d.options[o].id.clone()).collect(),
        near_misses,
        never_unlocked,
        vocabulary: item
            .options
            .iter()
            .enumerate()
            .map(|(o, x)| (x.id.clone(), vocabulary(item.step, o)))
            .collect(),
    }
}

/// Options of a reached decision that no state reaching it unlocks.
fn never_unlocked(graph: &StateGraph<'_>, step: usize, d: &Decision) -> Vec<String> {
    if graph.truncated {
        return Vec::new();
    }
    let mut reached = false;
    let mut open = BTreeSet::new();
    for n in graph.graph.node_indices() {
        if graph.step(n) != step {
            continue;
        }
        reached = true;
        for e in graph.graph.edges(n) {
            if let Some((_, o)) = e.weight().choice {
                open.insert(o);
            }
        }
    }
    if !reached {
        return Vec::new();
    }
    (0..d.options.len())
        .filter(|o| !open.contains(o))
        .map(|o| d.options[o].id.clone())
        .collect()
}

/// Words and phrases only best (or only wrong) options use, each with the (item, option)
/// places it appears at.
fn tells(
    scenarios: &[&LoadedScenario],
    items: &[Item],
    vocabulary: &Terms,
) -> Vec<(Tell, Vec<(usize, usize)>)> {
    // Per term number: (places in best options, places in wrong options).
    type Places = Vec<(usize, usize, usize)>;
    let mut seen: Vec<(Places, Places)> = vec![(Vec::new(), Vec::new()); vocabulary.names.len()];
    for (k, item) in items.iter().enumerate() {
        for (o, option) in item.options.iter().enumerate() {
            let best = item.best.contains(&o);
            for &t in &option.terms {
                let entry = &mut seen[t as usize];
                if best {
                    entry.0.push((k, item.step, o));
                } else {
                    entry.1.push((k, item.step, o));
                }
            }
        }
    }
    let mut out: Vec<(Tell, Vec<(usize, usize)>)> = Vec::new();
    for (term, (best, wrong)) in vocabulary.names.iter().zip(&seen) {
        for (in_best, places, others) in [(true, best, wrong), (false, wrong, best)] {
            if !others.is_empty() {
                continue;
            }
            let decisions: BTreeSet<usize> = places.iter().map(|p| p.0).collect();
            if decisions.len() < TELL_MIN_DECISIONS {
                continue;
            }
            let at = places.iter().map(|&(k, _, o)| (k, o)).collect();
            out.push((
                Tell {
                    term: term.clone(),
                    in_best,
                    places: places
                        .iter()
                        .map(|&(k, step, o)| {
                            let item = &items[k];
                            let scenario = &scenarios[item.scenario].scenario;
                            (
                                scenario.id.clone(),
                                scenario.steps[step].id().to_owned(),
                                item.options[o].id.clone(),
                            )
                        })
                        .collect(),
                    decisions: decisions.len(),
                },
                at,
            ));
        }
    }
    // A phrase is left out when one of its words is already a tell of the same kind in the
    // same decisions: it says nothing more.
    let words: BTreeMap<(&str, bool), usize> = out
        .iter()
        .map(|(t, _)| t)
        .filter(|t| !t.term.contains(' '))
        .map(|t| ((t.term.as_str(), t.in_best), t.decisions))
        .collect();
    let redundant: Vec<bool> = out
        .iter()
        .map(|(t, _)| {
            t.term.contains(' ')
                && t.term.split(' ').any(|w| {
                    words
                        .get(&(w, t.in_best))
                        .is_some_and(|&n| n == t.decisions)
                })
        })
        .collect();
    let mut kept: Vec<(Tell, Vec<(usize, usize)>)> = out
        .into_iter()
        .zip(redundant)
        .filter(|(_, r)| !r)
        .map(|(t, _)| t)
        .collect();
    kept.sort_by(|(a, _), (b, _)| {
        b.decisions
            .cmp(&a.decisions)
            .then_with(|| b.in_best.cmp(&a.in_best))
            .then_with(|| a.term.cmp(&b.term))
    });
    kept
}

/// A path of a strategy through the state graph: the moves taken, and whether it ends.
struct StrategyPath {
    nodes: Vec<NodeIndex>,
    moves: Vec<Move>,
    ends: bool,
}

/// Every path a deterministic strategy takes: it branches only at scene variants and where
/// options tie on the strategy's measure.
fn strategy_paths(
    scenario: &Scenario,
    graph: &StateGraph<'_>,
    choice: ChoiceStrategy,
    vocabulary: &dyn Fn(usize, usize) -> f64,
) -> (Vec<StrategyPath>, bool) {
    let Some(start) = graph.start() else {
        return (Vec::new(), false);
    };
    let mut out = Vec::new();
    let mut truncated = false;
    // Depth first; each entry is a path so far.
    let mut stack = vec![StrategyPath {
        nodes: vec![start],
        moves: Vec::new(),
        ends: false,
    }];
    while let Some(mut p) = stack.pop() {
        if out.len() >= STRATEGY_PLAY_LIMIT {
            truncated = true;
            break;
        }
        let Some(&n) = p.nodes.last() else {
            continue;
        };
        if graph.is_ending(n) {
            p.ends = true;
            out.push(p);
            continue;
        }
        let edges: Vec<(NodeIndex, Move)> = graph
            .graph
            .edges(n)
            .map(|e| (e.target(), *e.weight()))
            .collect();
        let chosen: Vec<(NodeIndex, Move)> = match &scenario.steps[graph.step(n)] {
            Step::Decision(d) => {
                let measure = |m: &Move| -> f64 {
                    let Some((step, o)) = m.choice else {
                        return 0.0;
                    };
                    let chars = d.options[o].text.chars().count() as f64;
                    match choice {
                        ChoiceStrategy::Longest => chars,
                        ChoiceStrategy::Shortest => -chars,
                        ChoiceStrategy::Vocabulary => vocabulary(step, o),
                    }
                };
                let top = edges
                    .iter()
                    .map(|(_, m)| measure(m))
                    .fold(f64::NEG_INFINITY, f64::max);
                edges
                    .into_iter()
                    .filter(|(_, m)| measure(m) >= top - 1e-9)
                    .collect()
            }
            _ => edges,
        };
        if chosen.is_empty() {
            // A locked decision: validation reports it; the play ends here unfinished.
            out.push(p);
            continue;
        }
        for (target, m) in chosen.into_iter().rev() {
            if p.nodes.contains(&target) {
                // Going round a loop for ever: the attempt never finishes.
                let mut stuck = StrategyPath {
                    nodes: p.nodes.clone(),
                    moves: p.moves.clone(),
                    ends: false,
                };
                stuck.moves.push(m);
                out.push(stuck);
                continue;
            }
            let mut next = StrategyPath {
                nodes: p.nodes.clone(),
                moves: p.moves.clone(),
                ends: false,
            };
            next.nodes.push(target);
            next.moves.push(m);
            stack.push(next);
        }
    }
    (out, truncated)
}

/// Scores one strategy path with the real scoring code.
fn play(
    loaded: &LoadedScenario,
    catalog: &Catalog,
    graph: &StateGraph<'_>,
    path: &StrategyPath,
    flagging: FlagStrategy,
) -> StrategyPlay {
    let scenario = &loaded.scenario;
    let mut t = Transcript::default();
    for (k, &n) in path.nodes.iter().enumerate() {
        let step = &scenario.steps[graph.step(n)];
        t.visited.push(step.id().to_owned());
        let Some(m) = path.moves.get(k) else {
            continue;
        };
        if let (Step::Scene(scene), Some(v)) = (step, m.variant) {
            t.variants
                .push((scene.id.clone(), scene.variants[v].id.clone()));
        }
        if let (Step::Decision(d), Some((_, o))) = (step, m.choice) {
            t.choices.push((d.id.clone(), d.options[o].id.clone()));
        }
    }
    if let Some(&last) = path.nodes.last() {
        t.offered_cues = graph.offered_cues(last).map(str::to_owned).collect();
        if path.ends {
            t.ending = Some(scenario.steps[graph.step(last)].id().to_owned());
        }
    }
    if flagging == FlagStrategy::All {
        t.flagged_cues = t.offered_cues.clone();
    }
    let s = score::score(
        scenario,
        catalog,
        &loaded.bounds,
        &PassRule::of(scenario),
        &t,
    );
    StrategyPlay {
        variants: t.variants,
        choices: t.choices,
        ending: t.ending,
        scaled: s
            .ruleset(&scenario.pass_ruleset)
            .map_or(0.0, |r| r.scaled_score().as_f64()),
        passed: s.passed,
        failed: s
            .failed_conditions()
            .iter()
            .map(|c| c.to_string())
            .collect(),
    }
}

/// The exact chance that uniformly random play passes: at every decision any unlocked
/// option with equal chance, scene variants by their weights as the runner draws them, and
/// each cue offered flagged with probability ½. Worked forwards over the state graph with,
/// per state, the distribution of decision points under the deciding ruleset on paths with
/// no critical breach so far; at each ending, the chance that the flags make the attempt
/// pass is counted exactly over every combination of flags.
fn random_play(loaded: &LoadedScenario, catalog: &Catalog, graph: &StateGraph<'_>) -> RandomPlay {
    let scenario = &loaded.scenario;
    let Some(column) = scenario
        .rulesets
        .iter()
        .position(|r| r == &scenario.pass_ruleset)
    else {
        return RandomPlay {
            probability: 0.0,
            exact: true,
        };
    };
    let rule = PassRule::of(scenario);
    let max = loaded
        .bounds
        .get(&scenario.pass_ruleset)
        .map_or(0, |b| b.max);
    let threshold = pass_threshold(max, rule.mastery_score);
    let mut tables: FoldMap<u32, IdentificationTable> = FoldMap::default();
    // Mass that can no longer reach the pass mark, even with the best choices and every
    // indicator flagged from here on, is dropped early: it would count 0 at every ending.
    let future = best_future(graph, scenario, catalog, column);
    let prune = threshold.map(|t| (future.as_slice(), t));
    if !graph.truncated
        && let Some(p) = forward(graph, scenario, column, prune, |n, points| {
            let Some(threshold) = threshold else {
                return 0.0;
            };
            tables
                .entry(graph.offered_set(n))
                .or_insert_with(|| {
                    IdentificationTable::new(scenario, catalog, &rule, graph.offered_cues(n))
                })
                .chance(points, threshold, i64::from(scenario.caution_penalty))
        })
    {
        return RandomPlay {
            probability: p,
            exact: true,
        };
    }
    // Too large: the chance of finishing with no critical breach bounds it from above.
    let bound = forward(graph, scenario, column, None, |_, _| 1.0).unwrap_or(1.0);
    RandomPlay {
        probability: bound,
        exact: false,
    }
}

/// Maps keyed by our own small numbers: foldhash, as in the state graph.
type FoldMap<K, V> = foldhash::HashMap<K, V>;

/// The lowest raw score that reaches the mastery score against `max` (as
/// [`score::Scaled`] and the pass rule compare them); `None` when none does.
fn pass_threshold(max: i64, mastery: f64) -> Option<i64> {
    let passes = |raw: i64| score::Scaled::of(raw, max).reaches(mastery);
    let (mut lo, mut hi) = (-(1i64 << 40), max.max(0) + 1);
    if !passes(hi) {
        return None;
    }
    if passes(lo) {
        return Some(lo);
    }
    // Passing grows with the raw score: the first raw that passes lies in (lo, hi].
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if passes(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// For one set of cues offered, what random flags (each cue with probability ½) give.
struct IdentificationTable {
    /// `tail[s]`: the chance that the true indicators flagged weigh at least `s` points and
    /// are enough for the recall condition.
    tail: Vec<f64>,
    /// `herrings[j]`: the chance that exactly `j` red herrings are flagged, 0 for a `j` over
    /// the limit.
    herrings: Vec<f64>,
}

impl IdentificationTable {
    fn new<'a>(
        scenario: &Scenario,
        catalog: &Catalog,
        rule: &PassRule,
        offered: impl Iterator<Item = &'a str>,
    ) -> IdentificationTable {
        let mut weights = Vec::new();
        let mut herrings = 0usize;
        for id in offered {
            match scenario.cue(id).and_then(|c| catalog.cue_tag(&c.indicator)) {
                Some(CueTag::Indicator(i)) => weights.push(i.weight.points().max(0) as usize),
                Some(CueTag::Caution(_)) => herrings += 1,
                None => {}
            }
        }
        let k = weights.len();
        let top: usize = weights.iter().sum();
        // ways[f][w]: the chance that f indicators are flagged with total weight w.
        let mut ways = vec![vec![0.0f64; top + 1]; k + 1];
        ways[0][0] = 1.0;
        for (done, &w) in weights.iter().enumerate() {
            for f in (0..=done).rev() {
                for s in (0..=top).rev() {
                    let here = ways[f][s];
                    if here == 0.0 {
                        continue;
                    }
                    ways[f][s] = here * 0.5;
                    ways[f + 1][s + w] += here * 0.5;
                }
            }
        }
        let mut tail = vec![0.0f64; top + 2];
        for (f, row) in ways.iter().enumerate() {
            let recall = if k == 0 { 1.0 } else { f as f64 / k as f64 };
            if recall + 1e-9 < rule.min_identification_recall {
                continue;
            }
            for (s, &p) in row.iter().enumerate() {
                tail[s] += p;
            }
        }
        for s in (0..=top).rev() {
            tail[s] += tail[s + 1];
        }
        let herrings = (0..=herrings)
            .map(|j| {
                if rule
                    .max_red_herrings_flagged
                    .is_some_and(|limit| j > limit as usize)
                {
                    0.0
                } else {
                    binomial(herrings, j) * 0.5f64.powi(herrings as i32)
                }
            })
            .collect();
        IdentificationTable { tail, herrings }
    }

    /// The chance that an attempt with `points` decision points passes, given the lowest
    /// passing raw score and the points lost per red herring.
    fn chance(&self, points: i64, threshold: i64, penalty: i64) -> f64 {
        self.herrings
            .iter()
            .enumerate()
            .map(|(j, &pj)| {
                // Indicator points needed: threshold - points + penalty for each herring.
                let need = threshold - points + penalty * j as i64;
                let at = need.max(0) as usize;
                pj * self.tail.get(at).copied().unwrap_or(0.0)
            })
            .sum()
    }
}

/// The most points still to be had from each state on a path with no critical breach:
/// decision points under the deciding ruleset plus every true indicator offered by the
/// ending flagged. `i64::MIN / 4` where no ending can be reached without a critical breach.
fn best_future(
    graph: &StateGraph<'_>,
    scenario: &Scenario,
    catalog: &Catalog,
    column: usize,
) -> Vec<i64> {
    const NONE: i64 = i64::MIN / 4;
    let (sccs, scc_of) = graph.components();
    let g = &graph.graph;
    let mut identification: FoldMap<u32, i64> = FoldMap::default();
    let mut by_scc = vec![NONE; sccs.len()];
    for (i, scc) in sccs.iter().enumerate() {
        let mut best = NONE;
        for &n in scc {
            if graph.is_ending(n) {
                let most = *identification
                    .entry(graph.offered_set(n))
                    .or_insert_with(|| {
                        graph
                            .offered_cues(n)
                            .filter_map(|id| scenario.cue(id))
                            .filter_map(|c| match catalog.cue_tag(&c.indicator) {
                                Some(CueTag::Indicator(i)) => Some(i.weight.points()),
                                _ => None,
                            })
                            .sum()
                    });
                best = best.max(most);
            }
            for e in g.edges(n) {
                let j = scc_of[e.target().index()];
                if j == i || e.weight().critical || by_scc[j] == NONE {
                    continue;
                }
                best = best.max(graph.options.points(e.weight(), column) + by_scc[j]);
            }
        }
        by_scc[i] = best;
    }
    (0..g.node_count()).map(|n| by_scc[scc_of[n]]).collect()
}

/// Pushes probability mass from the start through the state graph, dropping paths with a
/// critical breach, and sums `at_ending(state, decision points)` weighted by the chance of
/// reaching each ending with those points. With `prune` (each state's [`best_future`] and
/// the lowest passing raw score) points are tracked and mass that cannot pass any more is
/// dropped; without it every path carries 0 points. `None` when the distributions outgrow
/// [`RANDOM_PLAY_BUDGET`].
fn forward(
    graph: &StateGraph<'_>,
    scenario: &Scenario,
    column: usize,
    prune: Option<(&[i64], i64)>,
    mut at_ending: impl FnMut(NodeIndex, i64) -> f64,
) -> Option<f64> {
    let track_points = prune.is_some();
    let start = graph.start()?;
    let (sccs, _) = graph.components();
    let g = &graph.graph;
    let mut mass: FoldMap<NodeIndex, FoldMap<i64, f64>> = FoldMap::default();
    mass.entry(start).or_default().insert(0, 1.0);
    let mut held = 1usize;
    let mut total = 0.0;
    // The chance of each move out of a state.
    let chances = |n: NodeIndex| -> Vec<(NodeIndex, Move, f64)> {
        let edges: Vec<(NodeIndex, Move)> = g.edges(n).map(|e| (e.target(), *e.weight())).collect();
        match &scenario.steps[graph.step(n)] {
            Step::Scene(scene) if !scene.variants.is_empty() => {
                let all: f64 = scene.variants.iter().map(|v| f64::from(v.weight)).sum();
                edges
                    .into_iter()
                    .map(|(t, m)| {
                        let w = m
                            .variant
                            .and_then(|v| scene.variants.get(v))
                            .map_or(0.0, |v| f64::from(v.weight));
                        (t, m, if all > 0.0 { w / all } else { 0.0 })
                    })
                    .collect()
            }
            _ => {
                let k = edges.len() as f64;
                edges.into_iter().map(|(t, m)| (t, m, 1.0 / k)).collect()
            }
        }
    };
    let points = |m: &Move| {
        if track_points {
            graph.options.points(m, column)
        } else {
            0
        }
    };
    for scc in sccs.iter().rev() {
        let cyclic = scc.len() > 1 || g.contains_edge(scc[0], scc[0]);
        // Mass waiting at each member; in a cycle it goes round until what is left is
        // negligible (each round leaves by at least one exit, as validation refuses cycles
        // with no way out).
        let mut pending: FoldMap<NodeIndex, FoldMap<i64, f64>> = FoldMap::default();
        for &n in scc {
            if let Some(d) = mass.remove(&n) {
                held = held.saturating_sub(d.len());
                pending.insert(n, d);
            }
        }
        let mut rounds = 0;
        while !pending.is_empty() {
            rounds += 1;
            let mut next_round: FoldMap<NodeIndex, FoldMap<i64, f64>> = FoldMap::default();
            for (n, dist) in pending {
                if graph.is_ending(n) {
                    for (&d, &p) in &dist {
                        total += p * at_ending(n, d);
                    }
                    continue;
                }
                for (target, m, c) in chances(n) {
                    if m.critical || c <= 0.0 {
                        continue;
                    }
                    let shift = points(&m);
                    let viable = |d: i64| {
                        prune.is_none_or(|(future, threshold)| {
                            d + shift + future[target.index()] >= threshold
                        })
                    };
                    if !dist.keys().any(|&d| viable(d)) {
                        continue;
                    }
                    let (bucket, counted) = if cyclic && scc.contains(&target) {
                        (next_round.entry(target).or_default(), false)
                    } else {
                        (mass.entry(target).or_default(), true)
                    };
                    for (&d, &p) in dist.iter().filter(|(d, _)| viable(**d)) {
                        let slot = bucket.entry(d + shift).or_insert(0.0);
                        if *slot == 0.0 && counted {
                            held += 1;
                        }
                        *slot += p * c;
                    }
                }
            }
            if held > RANDOM_PLAY_BUDGET {
                return None;
            }
            let left: f64 = next_round.values().flat_map(|d| d.values()).sum();
            if left < 1e-15 || rounds > 100_000 {
                break;
            }
            pending = next_round;
        }
    }
    Some(total.min(1.0))
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}
