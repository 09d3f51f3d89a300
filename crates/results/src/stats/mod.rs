//! Item analysis from the recorded attempts: per scenario version, per decision and option, and per cue, the figures Moodle's quiz statistics report gives per question (facility, discrimination, discriminative efficiency, response shares), worked out over the attempts that reached each decision, with flags for the decisions a trainer should look at (docs/statistics.md).
//!
//! Attempts are grouped by scenario version (content hash), so an edited scenario is never
//! mixed with the one before. Only finished attempts count: an unfinished one has no score.
//! The store is read in two streaming passes (attempts, then choices grouped by attempt):
//! memory grows with the scenarios and their point totals, not with the attempts.

mod accumulate;
mod figure;
mod flags;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use silent_slavery_scenario::model::catalog::{Catalog, CueTag};
use silent_slavery_scenario::model::scenario::{Scenario, Step};
use time::OffsetDateTime;

pub use figure::{Figure, Undefined};
pub use flags::Flag;

use crate::course::Course;
use crate::store::{AttemptFilter, Store, StoreError};
use accumulate::{ItemRest, Moments, Times};

/// Attempts (or choices, or offers of a cue) a share, mean or median needs before it is
/// printed; below it the figure says "too few".
pub const MIN_ATTEMPTS: u64 = 10;
/// Attempts a correlation (discrimination, discriminative efficiency) needs: below 30 a
/// correlation of nothing often comes out above 0.3 by chance.
pub const MIN_ATTEMPTS_FOR_CORRELATION: u64 = 30;
/// Discrimination under this is flagged as near zero (Moodle's docs call under 0.20 "very
/// weak"; we flag only what is close to none).
pub const NEAR_ZERO_DISCRIMINATION: f64 = 0.10;
/// Reaches after which a wrong option nobody chose is flagged as a dead distractor.
pub const DEAD_DISTRACTOR_REACHES: u64 = 30;
/// Facility within this of 0 or 1 is flagged: almost everyone gets it wrong, or right
/// (Moodle's docs: 5% or less "extremely difficult", 95% or more "extremely easy").
pub const EXTREME_FACILITY: f64 = 0.05;

/// Which attempts are analysed. Every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// Only attempts started at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only attempts at this course's scenarios.
    pub course: Option<&'a Course>,
    /// Only attempts at this scenario (id).
    pub scenario: Option<&'a str>,
    /// Only trainees of this unit.
    pub unit: Option<&'a str>,
}

/// The thresholds the report applied, so a reader of the JSON knows them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// [`MIN_ATTEMPTS`].
    pub min_attempts: u64,
    /// [`MIN_ATTEMPTS_FOR_CORRELATION`].
    pub min_attempts_for_correlation: u64,
    /// [`NEAR_ZERO_DISCRIMINATION`].
    pub near_zero_discrimination: f64,
    /// [`DEAD_DISTRACTOR_REACHES`].
    pub dead_distractor_reaches: u64,
    /// [`EXTREME_FACILITY`].
    pub extreme_facility: f64,
}

impl Thresholds {
    const APPLIED: Thresholds = Thresholds {
        min_attempts: MIN_ATTEMPTS,
        min_attempts_for_correlation: MIN_ATTEMPTS_FOR_CORRELATION,
        near_zero_discrimination: NEAR_ZERO_DISCRIMINATION,
        dead_distractor_reaches: DEAD_DISTRACTOR_REACHES,
        extreme_facility: EXTREME_FACILITY,
    };
}

/// The whole item analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsReport {
    /// The thresholds applied.
    pub thresholds: Thresholds,
    /// Finished attempts analysed, over every version.
    pub finished: u64,
    /// True indicators over every version analysed, by catalogue indicator: the ones
    /// trainees miss most first.
    pub indicators: Vec<IndicatorStats>,
    /// Each scenario version, by scenario id, then version, then content hash.
    pub versions: Vec<VersionStats>,
}

/// One scenario version: a scenario exactly as played, identified by its content hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionStats {
    /// Scenario id.
    pub scenario_id: String,
    /// The version number its author gave it.
    pub version: u32,
    /// Content hash (SHA-256 of the parsed scenario): what keeps versions apart.
    pub content_hash: String,
    /// Title.
    pub title: String,
    /// The ruleset whose points the figures use (the one that decides pass or fail).
    pub pass_ruleset: String,
    /// Finished attempts: everything below is over these.
    pub finished: u64,
    /// Attempts started and not finished (not analysed: they have no score).
    pub unfinished: u64,
    /// Share of finished attempts that passed.
    pub pass_rate: Figure,
    /// Mean scaled score under the deciding ruleset, 0–1.
    pub mean_score: Figure,
    /// Standard deviation of the scaled score, 0–1 (sample, n − 1).
    pub score_sd: Figure,
    /// Median time from start to finish, seconds.
    pub median_seconds: Figure,
    /// Each ending reached, most reached first.
    pub endings: Vec<EndingStats>,
    /// Each decision, in the order the scenario file lists them.
    pub decisions: Vec<DecisionStats>,
    /// Each cue: true indicators, least flagged first, then red herrings, most flagged first.
    pub cues: Vec<CueStats>,
    /// Recorded choices and cues that are not in the stored scenario (a damaged store);
    /// 0 normally.
    pub unmatched: u64,
}

/// One ending and how often it was reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndingStats {
    /// The ending's step id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Attempts that ended here.
    pub count: u64,
    /// Share of the finished attempts.
    pub share: Figure,
}

/// One decision as an item: who reached it and what they chose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionStats {
    /// The decision's step id.
    pub step: String,
    /// Finished attempts that reached it (made a choice here).
    pub reached: u64,
    /// Choices made here (more than `reached` only if the scenario leads back to it).
    pub choices: u64,
    /// Points of the best option under the deciding ruleset.
    pub best_points: i64,
    /// Points of the worst option.
    pub worst_points: i64,
    /// Facility: the mean points earned here, from the worst option's points (0) to the
    /// best's (1). Moodle's facility index, as a fraction.
    pub facility: Figure,
    /// Discrimination: the correlation, over the attempts that reached it, of the points
    /// earned here with the attempt's score on everything else. Moodle's discrimination
    /// index, as a fraction (−1 to 1).
    pub discrimination: Figure,
    /// Discriminative efficiency: the covariance behind the discrimination as a share of
    /// the highest the same spread of points allows (Moodle's, as a fraction).
    pub efficiency: Figure,
    /// Median time the decision was on screen before the choice, seconds (to within 1%).
    pub median_seconds: Figure,
    /// Each option, in the order the scenario file lists them.
    pub options: Vec<OptionStats>,
    /// What a trainer should look at here, with reasons.
    pub flags: Vec<Flag>,
}

/// One option and its share of the choices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionStats {
    /// Option id.
    pub id: String,
    /// What the trainee reads.
    pub text: String,
    /// Net points under the deciding ruleset.
    pub points: i64,
    /// Whether it earns the decision's best points.
    pub best: bool,
    /// Times chosen.
    pub chosen: u64,
    /// Share of the decision's choices.
    pub share: Figure,
}

/// One cue of a scenario version: how often it was flagged when it was offered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueStats {
    /// Cue id.
    pub cue: String,
    /// The catalogue indicator or `caution_*` id it is tagged with.
    pub indicator: String,
    /// Whether it is a red herring.
    pub red_herring: bool,
    /// Attempts that reached an identify step after seeing it.
    pub offered: u64,
    /// Of those, attempts that flagged it.
    pub flagged: u64,
    /// flagged ÷ offered: the detection rate of an indicator, the flag rate of a red herring.
    pub rate: Figure,
}

/// One catalogue indicator over every scenario version analysed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    /// Catalogue indicator id.
    pub indicator: String,
    /// Its short label.
    pub name: String,
    /// Scenarios whose cues are tagged with it.
    pub scenarios: Vec<String>,
    /// Offers of its cues.
    pub offered: u64,
    /// Flags of its cues when offered.
    pub flagged: u64,
    /// flagged ÷ offered.
    pub detection: Figure,
}

/// The cue lists of a stored score (`Identification`), borrowed from the store's row.
#[derive(Deserialize)]
struct IdentifiedCues<'a> {
    #[serde(borrow)]
    flagged_indicators: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    missed_indicators: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    red_herrings_offered: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    red_herrings_flagged: Vec<Cow<'a, str>>,
}

/// A decision's options and running totals.
struct DecisionAcc {
    step: String,
    options: Vec<(String, String, i64)>,
    chosen: Vec<u64>,
    reached: u64,
    choices: u64,
    points: Moments,
    item_rest: ItemRest,
    times: Times,
}

/// A cue of a version and how often it was offered and flagged.
struct CueAcc {
    cue: String,
    indicator: String,
    red_herring: bool,
    offered: u64,
    flagged: u64,
}

/// A scenario version's shape (from the stored scenario) and running totals.
struct VersionAcc {
    scenario_id: String,
    version: u32,
    title: String,
    pass_ruleset: String,
    finished: u64,
    unfinished: u64,
    passed: u64,
    scores: Moments,
    durations: Times,
    endings: BTreeMap<String, u64>,
    ending_titles: HashMap<String, String>,
    decisions: Vec<DecisionAcc>,
    decision_index: HashMap<String, usize>,
    cues: Vec<CueAcc>,
    cue_index: HashMap<String, usize>,
    unmatched: u64,
}

impl VersionAcc {
    fn new(scenario: &Scenario, catalog: &Catalog) -> VersionAcc {
        let pass_ruleset = scenario.pass_ruleset.clone();
        let mut decisions = Vec::new();
        let mut ending_titles = HashMap::new();
        for step in &scenario.steps {
            match step {
                Step::Decision(d) => decisions.push(DecisionAcc {
                    step: d.id.clone(),
                    options: d
                        .options
                        .iter()
                        .map(|o| {
                            // As the runner scores it: effects of rules the catalogue places
                            // in the deciding ruleset.
                            let points = o
                                .effects
                                .iter()
                                .filter(|e| {
                                    catalog
                                        .rule(e.rule())
                                        .is_some_and(|(set, _)| set.id == pass_ruleset)
                                })
                                .map(|e| e.signed_points())
                                .sum();
                            (o.id.clone(), o.text.clone(), points)
                        })
                        .collect(),
                    chosen: vec![0; d.options.len()],
                    reached: 0,
                    choices: 0,
                    points: Moments::default(),
                    item_rest: ItemRest::default(),
                    times: Times::default(),
                }),
                Step::Ending(e) => {
                    ending_titles.insert(e.id.clone(), e.title.clone());
                }
                _ => {}
            }
        }
        let mut cues = Vec::new();
        let mut cue_index = HashMap::new();
        for cue in scenario.all_cues() {
            if cue_index.contains_key(&cue.id) {
                continue;
            }
            let red_herring = matches!(catalog.cue_tag(&cue.indicator), Some(CueTag::Caution(_)));
            cue_index.insert(cue.id.clone(), cues.len());
            cues.push(CueAcc {
                cue: cue.id.clone(),
                indicator: cue.indicator.clone(),
                red_herring,
                offered: 0,
                flagged: 0,
            });
        }
        VersionAcc {
            scenario_id: scenario.id.clone(),
            version: scenario.version,
            title: scenario.title.clone(),
            pass_ruleset,
            finished: 0,
            unfinished: 0,
            passed: 0,
            scores: Moments::default(),
            durations: Times::default(),
            endings: BTreeMap::new(),
            ending_titles,
            decision_index: decisions
                .iter()
                .enumerate()
                .map(|(i, d)| (d.step.clone(), i))
                .collect(),
            decisions,
            cues,
            cue_index,
            unmatched: 0,
        }
    }

    fn count_cue(&mut self, cue: &str, offered: bool, flagged: bool) {
        match self.cue_index.get(cue) {
            Some(&i) => {
                self.cues[i].offered += u64::from(offered);
                self.cues[i].flagged += u64::from(flagged);
            }
            None => self.unmatched += 1,
        }
    }
}

/// The versions met so far, each loaded from the store once.
struct Versions<'s> {
    store: &'s Store,
    catalog: &'s Catalog,
    by_hash: HashMap<String, VersionAcc>,
}

impl Versions<'_> {
    fn get(&mut self, content_hash: &str) -> Result<&mut VersionAcc, StoreError> {
        if !self.by_hash.contains_key(content_hash) {
            let pinned = self.store.pinned_scenario(content_hash)?;
            self.by_hash.insert(
                content_hash.to_owned(),
                VersionAcc::new(&pinned.scenario, self.catalog),
            );
        }
        self.by_hash
            .get_mut(content_hash)
            .ok_or_else(|| StoreError::Damaged {
                what: format!("scenario version {content_hash}"),
                detail: "not stored".into(),
            })
    }
}

/// Net points under `ruleset` in a stored `ruleset:points;...` summary (0 when it has none).
fn points_under(points: &str, ruleset: &str, attempt: &str) -> Result<i64, StoreError> {
    for part in points.split(';').filter(|p| !p.is_empty()) {
        if let Some((set, value)) = part.rsplit_once(':')
            && set == ruleset
        {
            return value.parse().map_err(|_| StoreError::Damaged {
                what: format!("a choice of attempt {attempt}"),
                detail: format!("points {points:?} do not read"),
            });
        }
    }
    Ok(0)
}

/// One choice as read: where it was made (indices into the version's decisions and their
/// options; `None` when the stored scenario has no such decision or option), its points
/// under the deciding ruleset, and how long the decision was on screen.
struct ReadChoice {
    decision: Option<usize>,
    option: Option<usize>,
    points: i64,
    ms: Option<i64>,
}

/// One attempt's choices while the choice stream is on it.
#[derive(Default)]
struct AttemptChoices {
    attempt_id: String,
    content_hash: String,
    raw: i64,
    choices: Vec<ReadChoice>,
}

impl AttemptChoices {
    /// Adds this attempt's choices to its version's totals.
    fn flush(&mut self, versions: &mut Versions<'_>) -> Result<(), StoreError> {
        if self.attempt_id.is_empty() {
            return Ok(());
        }
        let acc = versions.get(&self.content_hash)?;
        // Points earned at each decision over the attempt's visits to it.
        let mut visited: Vec<(usize, i64)> = Vec::new();
        for &ReadChoice {
            decision,
            option,
            points,
            ms,
        } in &self.choices
        {
            let (Some(d), Some(o)) = (decision, option) else {
                acc.unmatched += 1;
                continue;
            };
            let decision = &mut acc.decisions[d];
            decision.choices += 1;
            decision.chosen[o] += 1;
            decision.points.add(points as f64);
            if let Some(ms) = ms {
                decision.times.add(ms);
            }
            match visited.iter_mut().find(|(i, _)| *i == d) {
                Some((_, sum)) => *sum += points,
                None => visited.push((d, points)),
            }
        }
        for (d, points) in visited {
            let decision = &mut acc.decisions[d];
            decision.reached += 1;
            decision.item_rest.add(points, self.raw - points);
        }
        self.choices.clear();
        Ok(())
    }
}

/// The item analysis of the attempts `selection` picks from `store` (docs/statistics.md).
/// `catalog` places each rule in its ruleset and tells indicators from red herrings.
/// `progress` is called now and then with (attempts done, attempts to do) over both passes.
///
/// # Errors
/// [`StoreError`] when the store cannot be read or a row or stored scenario is damaged.
pub fn analyse(
    store: &Store,
    catalog: &Catalog,
    selection: &Selection<'_>,
    mut progress: impl FnMut(u64, u64),
) -> Result<StatsReport, StoreError> {
    let scenarios: Option<Vec<String>> = match (selection.course, selection.scenario) {
        (None, None) => None,
        (Some(course), None) => Some(course.scenarios.clone()),
        (course, Some(id)) => Some(
            course
                .is_none_or(|c| c.scenarios.iter().any(|s| s == id))
                .then(|| id.to_owned())
                .into_iter()
                .collect(),
        ),
    };
    let filter = AttemptFilter {
        since: selection.since,
        unit: selection.unit,
        scenarios: scenarios.as_deref(),
    };
    let total = store.count_finished_attempts(&filter)?;
    let to_do = total * 2;
    let mut done = 0u64;
    progress(done, to_do);
    let mut versions = Versions {
        store,
        catalog,
        by_hash: HashMap::new(),
    };

    store.for_each_scored_attempt(&filter, |row| {
        let acc = versions.get(row.content_hash)?;
        acc.finished += 1;
        acc.passed += u64::from(row.passed);
        acc.scores.add(row.scaled);
        if let Some(ms) = row.duration_ms {
            acc.durations.add(ms);
        }
        *acc.endings.entry(row.ending.to_owned()).or_default() += 1;
        let cues: IdentifiedCues<'_> =
            serde_json::from_str(row.identification).map_err(|e| StoreError::Damaged {
                what: format!("the score of attempt {}", row.attempt_id),
                detail: e.to_string(),
            })?;
        for c in &cues.flagged_indicators {
            acc.count_cue(c, true, true);
        }
        for c in &cues.missed_indicators {
            acc.count_cue(c, true, false);
        }
        for c in &cues.red_herrings_offered {
            acc.count_cue(c, true, false);
        }
        for c in &cues.red_herrings_flagged {
            acc.count_cue(c, false, true);
        }
        done += 1;
        if done.is_multiple_of(1024) {
            progress(done, to_do);
        }
        Ok::<(), StoreError>(())
    })?;

    let mut current = AttemptChoices::default();
    store.for_each_scored_choice(&filter, |row| {
        if row.attempt_id != current.attempt_id {
            current.flush(&mut versions)?;
            current.attempt_id.clear();
            current.attempt_id.push_str(row.attempt_id);
            current.content_hash.clear();
            current.content_hash.push_str(row.content_hash);
            current.raw = row.attempt_raw;
            done += 1;
            if done.is_multiple_of(1024) {
                progress(done, to_do);
            }
        }
        let acc = versions.get(row.content_hash)?;
        let points = points_under(row.points, &acc.pass_ruleset, row.attempt_id)?;
        let decision = acc.decision_index.get(row.step).copied();
        let option = decision.and_then(|d| {
            acc.decisions[d]
                .options
                .iter()
                .position(|(id, _, _)| id == row.option)
        });
        current.choices.push(ReadChoice {
            decision,
            option,
            points,
            ms: row.ms_since_previous,
        });
        Ok::<(), StoreError>(())
    })?;
    current.flush(&mut versions)?;
    progress(to_do, to_do);

    for (hash, _, _, count) in store.unfinished_by_version(&filter)? {
        versions.get(&hash)?.unfinished += count;
    }
    Ok(report(versions.by_hash, catalog))
}

/// Turns the running totals into figures and flags.
fn report(by_hash: HashMap<String, VersionAcc>, catalog: &Catalog) -> StatsReport {
    let mut versions: Vec<VersionStats> = by_hash
        .into_iter()
        .map(|(hash, acc)| version_stats(hash, acc))
        .collect();
    versions.sort_by(|a, b| {
        (&a.scenario_id, a.version, &a.content_hash).cmp(&(
            &b.scenario_id,
            b.version,
            &b.content_hash,
        ))
    });
    StatsReport {
        thresholds: Thresholds::APPLIED,
        finished: versions.iter().map(|v| v.finished).sum(),
        indicators: indicators(&versions, catalog),
        versions,
    }
}

fn share(count: u64, of: u64) -> Figure {
    Figure::at_least(of, MIN_ATTEMPTS, || Figure::Value(count as f64 / of as f64))
}

fn version_stats(content_hash: String, acc: VersionAcc) -> VersionStats {
    let n = acc.finished;
    let mut endings: Vec<EndingStats> = acc
        .endings
        .iter()
        .map(|(id, &count)| EndingStats {
            id: id.clone(),
            title: acc.ending_titles.get(id).cloned().unwrap_or_default(),
            count,
            share: share(count, n),
        })
        .collect();
    endings.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    let decisions = acc.decisions.into_iter().map(decision_stats).collect();
    let mut cues: Vec<CueStats> = acc
        .cues
        .into_iter()
        .map(|c| CueStats {
            rate: share(c.flagged, c.offered),
            cue: c.cue,
            indicator: c.indicator,
            red_herring: c.red_herring,
            offered: c.offered,
            flagged: c.flagged,
        })
        .collect();
    // Indicators least detected first, then red herrings most flagged first; figures that
    // are too few go after the numbers of their kind.
    cues.sort_by(|a, b| {
        let key = |c: &CueStats| {
            let rate = c.rate.value().map(|r| if c.red_herring { -r } else { r });
            (c.red_herring, rate.is_none(), rate.unwrap_or(0.0))
        };
        let (ka, kb) = (key(a), key(b));
        (ka.0, ka.1)
            .cmp(&(kb.0, kb.1))
            .then(ka.2.total_cmp(&kb.2))
            .then_with(|| a.cue.cmp(&b.cue))
    });
    VersionStats {
        scenario_id: acc.scenario_id,
        version: acc.version,
        content_hash,
        title: acc.title,
        pass_ruleset: acc.pass_ruleset,
        finished: n,
        unfinished: acc.unfinished,
        pass_rate: share(acc.passed, n),
        mean_score: Figure::at_least(n, MIN_ATTEMPTS, || Figure::Value(acc.scores.mean())),
        score_sd: Figure::at_least(n, MIN_ATTEMPTS, || Figure::Value(acc.scores.sd())),
        median_seconds: acc.durations.median_seconds(MIN_ATTEMPTS),
        endings,
        decisions,
        cues,
        unmatched: acc.unmatched,
    }
}

fn decision_stats(acc: DecisionAcc) -> DecisionStats {
    let best_points = acc.options.iter().map(|o| o.2).max().unwrap_or(0);
    let worst_points = acc.options.iter().map(|o| o.2).min().unwrap_or(0);
    let facility = Figure::at_least(acc.choices, MIN_ATTEMPTS, || {
        if best_points == worst_points {
            Figure::Undefined(Undefined::OptionsEqual)
        } else {
            Figure::Value(
                (acc.points.mean() - worst_points as f64) / (best_points - worst_points) as f64,
            )
        }
    });
    let correlation = |figure: fn(&ItemRest) -> Figure| {
        Figure::at_least(acc.reached, MIN_ATTEMPTS_FOR_CORRELATION, || {
            if best_points == worst_points {
                Figure::Undefined(Undefined::OptionsEqual)
            } else {
                figure(&acc.item_rest)
            }
        })
    };
    let mut stats = DecisionStats {
        step: acc.step,
        reached: acc.reached,
        choices: acc.choices,
        best_points,
        worst_points,
        facility,
        discrimination: correlation(ItemRest::correlation),
        efficiency: correlation(ItemRest::efficiency),
        median_seconds: acc.times.median_seconds(MIN_ATTEMPTS),
        options: acc
            .options
            .into_iter()
            .zip(acc.chosen)
            .map(|((id, text, points), chosen)| OptionStats {
                id,
                text,
                points,
                best: points == best_points,
                chosen,
                share: share(chosen, acc.choices),
            })
            .collect(),
        flags: Vec::new(),
    };
    stats.flags = flags::flags(&stats);
    stats
}

/// True indicators over every version, most missed first.
fn indicators(versions: &[VersionStats], catalog: &Catalog) -> Vec<IndicatorStats> {
    let mut by_indicator: BTreeMap<&str, (BTreeSet<&str>, u64, u64)> = BTreeMap::new();
    for v in versions {
        for c in v.cues.iter().filter(|c| !c.red_herring) {
            let entry = by_indicator.entry(&c.indicator).or_default();
            entry.0.insert(&v.scenario_id);
            entry.1 += c.offered;
            entry.2 += c.flagged;
        }
    }
    let mut out: Vec<IndicatorStats> = by_indicator
        .into_iter()
        .map(
            |(indicator, (scenarios, offered, flagged))| IndicatorStats {
                indicator: indicator.to_owned(),
                name: match catalog.cue_tag(indicator) {
                    Some(CueTag::Indicator(i)) => i.name.clone(),
                    _ => String::new(),
                },
                scenarios: scenarios.into_iter().map(str::to_owned).collect(),
                offered,
                flagged,
                detection: share(flagged, offered),
            },
        )
        .collect();
    out.sort_by(|a, b| {
        let (ra, rb) = (a.detection.value(), b.detection.value());
        ra.is_none()
            .cmp(&rb.is_none())
            .then(ra.unwrap_or(0.0).total_cmp(&rb.unwrap_or(0.0)))
            .then(b.offered.cmp(&a.offered))
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    out
}
