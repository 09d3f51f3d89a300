//! Item analysis recovers known truth: attempts recorded through the store's own path, played by simulated trainees whose choices follow known probabilities and a known relation to their ability, give back those shares, positive discrimination where ability decides, near-zero discrimination (flagged) where choices are random, known times and detection rates, and two versions of one scenario kept apart.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::record::{AttemptLog, RecordedAttempt};
use silent_slavery_results::stats::{self, DecisionStats, Figure, Flag, StatsReport, VersionStats};
use silent_slavery_results::store::{Store, StoreError};
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{EffectKind, Event, Input, View};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const BALANCED: &str = include_str!("../../scenario/tests/fixtures/balanced.ron");
const FRONT_COUNTER: &str = include_str!("../../scenario/tests/fixtures/front_counter.ron");
const DECIDING: &str = "silent-slavery-2003";

/// The store, recording every input at a simulated time: the tests know how long each
/// decision was on screen.
struct Clocked<'a> {
    store: &'a Store,
    now: Cell<OffsetDateTime>,
}

impl Clocked<'_> {
    fn wait(&self, ms: i64) {
        self.now.set(self.now.get() + Duration::milliseconds(ms));
    }
}

impl AttemptLog for Clocked<'_> {
    type Error = StoreError;

    fn start_attempt(
        &self,
        staff_number: &str,
        identified_by: IdentifiedBy,
        scenario: &LoadedScenario,
        seed: u64,
        pass_rule: &PassRule,
    ) -> Result<Uuid, StoreError> {
        self.store.start_attempt_at(
            staff_number,
            identified_by,
            scenario,
            seed,
            pass_rule,
            self.now.get(),
        )
    }

    fn record_input(
        &self,
        attempt: Uuid,
        seq: u32,
        step: &str,
        input: &Input,
        events: &[Event],
        finished: Option<&AttemptScore>,
    ) -> Result<(), StoreError> {
        self.store
            .record_input_at(attempt, seq, step, input, events, finished, self.now.get())
    }
}

/// How a simulated trainee of ability `theta` (0–1) chooses at each decision.
type Policy = fn(step: &str, theta: f64, rng: &mut ChaCha8Rng) -> &'static str;

/// Version 1's trainees: where ability decides, the best option with probability `theta`,
/// else the better of the other two with probability `theta`, else the worst; over
/// abilities spread evenly from 0 to 1 that makes the shares 1/2, 1/6 and 1/3. The
/// `language` decision is answered at random, a third each.
fn by_ability(step: &str, theta: f64, rng: &mut ChaCha8Rng) -> &'static str {
    let (u, v): (f64, f64) = (rng.random(), rng.random());
    let pick = |best, better, worst| {
        if u < theta {
            best
        } else if v < theta {
            better
        } else {
            worst
        }
    };
    match step {
        "first" => pick("talk_alone", "talk_on_forecourt", "manager_first"),
        "language" => ["phone_line", "coworker_line", "app_line"][rng.random_range(0..3)],
        "debt" => pick("call_lead", "intel_note", "civil_matter"),
        "consent" => pick("explain_choice", "refer_anyway", "statement_first"),
        "tonight" => pick("safe_house", "friend_sofa", "back_tonight"),
        other => panic!("no policy for {other}"),
    }
}

/// Version 2's trainees: everyone talks to the worker alone, most submit an intelligence
/// report about the debt, and the rest play as in version 1.
fn version_two(step: &str, theta: f64, rng: &mut ChaCha8Rng) -> &'static str {
    match step {
        "first" => "talk_alone",
        "debt" => {
            if rng.random::<f64>() < 0.7 {
                "intel_note"
            } else {
                "call_lead"
            }
        }
        other => by_ability(other, theta, rng),
    }
}

/// How likely a cue is flagged when offered.
fn flag_probability(cue: &str) -> f64 {
    match cue {
        "sleeps_on_site" => 0.9,
        "no_gloves" => 0.2,
        "boss_holds_ids" => 0.7,
        "burned_hands" | "exhausted" => 0.5,
        "car_wash" => 0.1,
        "shared_language" => 0.05,
        // The front-counter fixture's trainees flag every indicator and no red herring.
        "no_papers" | "hand" | "tired_look" => 1.0,
        "accent" => 0.0,
        other => panic!("no flag probability for {other}"),
    }
}

/// Seconds each decision is on screen: a base per decision and a tenth of a second more
/// for each step of `k % 11`, so the median is the base plus half a second.
fn decision_ms(step: &str, k: usize) -> i64 {
    let base = match step {
        "first" => 6_000,
        "language" => 9_000,
        "debt" => 12_000,
        "consent" => 15_000,
        "tonight" => 4_000,
        _ => 2_000,
    };
    base + 100 * (k % 11) as i64
}

/// What one simulated attempt did, worked out beside the store: the truth to check against.
#[derive(Debug, Default, Clone)]
struct Truth {
    /// (decision, option, points under the deciding ruleset), in order.
    choices: Vec<(String, String, i64)>,
    /// Raw points under the deciding ruleset at the end.
    raw: i64,
    /// Cues offered, and whether each was flagged.
    cues: Vec<(String, bool)>,
}

/// Plays and records one attempt of ability `theta` with `policy`; `finish` false stops
/// it at its first decision (an unfinished attempt).
#[allow(clippy::too_many_arguments)]
fn play(
    log: &Clocked<'_>,
    staff: &str,
    scenario: &Arc<LoadedScenario>,
    catalog: &Arc<Catalog>,
    k: usize,
    theta: f64,
    policy: Policy,
    rng: &mut ChaCha8Rng,
    finish: bool,
) -> Truth {
    let (mut attempt, _) = RecordedAttempt::start(
        log,
        staff,
        IdentifiedBy::CommandLine,
        Arc::clone(scenario),
        Arc::clone(catalog),
        k as u64,
    )
    .expect("starts");
    let mut truth = Truth::default();
    loop {
        let input = match attempt.runner().view() {
            View::Finished { .. } => break,
            View::Identify { cues, .. } => {
                // Flag each offered cue once, by its probability, then move on.
                let next = cues
                    .iter()
                    .find(|c| !c.flagged && !truth.cues.iter().any(|(id, _)| *id == c.cue.id));
                match next {
                    Some(c) => {
                        let flag = rng.random::<f64>() < flag_probability(&c.cue.id);
                        truth.cues.push((c.cue.id.clone(), flag));
                        if flag {
                            Input::Flag(c.cue.id.clone())
                        } else {
                            continue;
                        }
                    }
                    None => Input::Continue,
                }
            }
            View::Decision { step, .. } => {
                if !finish {
                    return truth;
                }
                log.wait(decision_ms(&step.id, k) - 1_000);
                Input::Choose(policy(&step.id, theta, rng).to_owned())
            }
            _ => Input::Continue,
        };
        log.wait(1_000);
        let events = attempt.apply(log, &input).expect("recorded");
        if let Input::Choose(option) = &input {
            let points = events
                .iter()
                .map(|e| match e {
                    Event::RuleEffect {
                        ruleset,
                        effect,
                        points,
                        ..
                    } if ruleset == DECIDING => match effect {
                        EffectKind::Upheld => i64::from(*points),
                        EffectKind::Breached => -i64::from(*points),
                    },
                    _ => 0,
                })
                .sum();
            let step = attempt.runner().current_step().to_owned();
            truth.choices.push((step, option.clone(), points));
        }
    }
    truth.raw = attempt
        .runner()
        .score()
        .ruleset(DECIDING)
        .expect("the deciding ruleset")
        .raw;
    truth
}

fn load(catalog: &Catalog, file: &str, text: &str) -> Arc<LoadedScenario> {
    Arc::new(load_bytes(file, text.as_bytes(), catalog).expect("valid fixture"))
}

fn trainee(store: &Store, staff: &str, unit: &str) {
    store
        .add_trainee(&Trainee {
            staff_number: staff.into(),
            name: format!("Trainee {staff}"),
            unit: unit.into(),
        })
        .expect("trainee saved");
}

/// The recorded store: `n1` attempts of version 1 (units A and B alternating) and three
/// left unfinished, `n2` of version 2, five of the front-counter fixture; with the truth
/// of each finished attempt by version.
struct Recorded {
    store: Store,
    catalog: Arc<Catalog>,
    v1: Arc<LoadedScenario>,
    v2: Arc<LoadedScenario>,
    truth_v1: Vec<Truth>,
    truth_v2: Vec<Truth>,
}

fn record(n1: usize, n2: usize) -> Recorded {
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let v1 = load(&catalog, "balanced.ron", BALANCED);
    let edited = BALANCED.replacen("version: 1,", "version: 2,", 1);
    let v2 = load(&catalog, "balanced.ron", &edited);
    assert_ne!(v1.content_hash(), v2.content_hash());
    let front = load(&catalog, "front_counter.ron", FRONT_COUNTER);
    let store = Store::open_in_memory().expect("store");
    trainee(&store, "A1", "A");
    trainee(&store, "B1", "B");
    let log = Clocked {
        store: &store,
        now: Cell::new(time::macros::datetime!(2026-11-02 09:00 UTC)),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut truth_v1 = Vec::new();
    for k in 0..n1 {
        let theta = (k as f64 + 0.5) / n1 as f64;
        let staff = if k % 2 == 0 { "A1" } else { "B1" };
        truth_v1.push(play(
            &log, staff, &v1, &catalog, k, theta, by_ability, &mut rng, true,
        ));
    }
    for k in 0..3 {
        play(
            &log, "A1", &v1, &catalog, k, 0.5, by_ability, &mut rng, false,
        );
    }
    log.wait(86_400_000);
    let mut truth_v2 = Vec::new();
    for k in 0..n2 {
        let theta = (k as f64 + 0.5) / n2 as f64;
        truth_v2.push(play(
            &log,
            "A1",
            &v2,
            &catalog,
            k,
            theta,
            version_two,
            &mut rng,
            true,
        ));
    }
    for k in 0..5 {
        play(
            &log,
            "B1",
            &front,
            &catalog,
            k,
            1.0,
            |step, _, _| match step {
                "first" => "private_room",
                _ => "refer",
            },
            &mut rng,
            true,
        );
    }
    Recorded {
        store,
        catalog,
        v1,
        v2,
        truth_v1,
        truth_v2,
    }
}

fn analyse(recorded: &Recorded, selection: &stats::Selection<'_>) -> StatsReport {
    let mut calls = Vec::new();
    let report = stats::analyse(
        &recorded.store,
        &recorded.catalog,
        selection,
        |done, total| calls.push((done, total)),
    )
    .expect("analysed");
    // Progress starts at nothing done and ends with everything done.
    let (first, last) = (calls[0], calls[calls.len() - 1]);
    assert_eq!(first.0, 0);
    assert_eq!(last.0, last.1);
    report
}

fn version<'r>(report: &'r StatsReport, loaded: &LoadedScenario) -> &'r VersionStats {
    report
        .versions
        .iter()
        .find(|v| v.content_hash == loaded.content_hash())
        .unwrap_or_else(|| panic!("version {} in the report", loaded.scenario.version))
}

fn decision<'v>(v: &'v VersionStats, step: &str) -> &'v DecisionStats {
    v.decisions
        .iter()
        .find(|d| d.step == step)
        .unwrap_or_else(|| panic!("decision {step}"))
}

fn value(figure: &Figure) -> f64 {
    figure
        .value()
        .unwrap_or_else(|| panic!("a number, not {figure:?}"))
}

/// Counts of each option chosen at `step` in the truth.
fn tally<'t>(truth: &'t [Truth], step: &str) -> BTreeMap<&'t str, u64> {
    let mut out = BTreeMap::new();
    for t in truth {
        for (s, o, _) in &t.choices {
            if s == step {
                *out.entry(o.as_str()).or_default() += 1;
            }
        }
    }
    out
}

/// Pearson's r of the points at `step` with the rest of the raw score, over the attempts
/// that reached it, straight from the truth.
fn pearson(truth: &[Truth], step: &str) -> f64 {
    let pairs: Vec<(f64, f64)> = truth
        .iter()
        .filter_map(|t| {
            let x: i64 = t.choices.iter().filter(|c| c.0 == step).map(|c| c.2).sum();
            t.choices
                .iter()
                .any(|c| c.0 == step)
                .then(|| (x as f64, (t.raw - x) as f64))
        })
        .collect();
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// Whether `observed` is within four standard errors of a share `p` over `n` trials.
fn near_share(observed: f64, p: f64, n: u64) -> bool {
    (observed - p).abs() <= 4.0 * (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn item_analysis_recovers_the_generated_shares_discrimination_times_and_detection() {
    let recorded = record(600, 0);
    let report = analyse(&recorded, &stats::Selection::default());
    let v1 = version(&report, &recorded.v1);
    let truth = &recorded.truth_v1;
    assert_eq!(v1.finished, 600);
    assert_eq!(
        v1.unfinished, 3,
        "unfinished attempts are counted, not analysed"
    );
    assert_eq!(v1.pass_ruleset, DECIDING);

    // Option shares: exactly the sample's, and near the generating probabilities.
    for (step, expected) in [
        (
            "first",
            [
                ("talk_alone", 0.5),
                ("talk_on_forecourt", 1.0 / 6.0),
                ("manager_first", 1.0 / 3.0),
            ],
        ),
        (
            "language",
            [
                ("phone_line", 1.0 / 3.0),
                ("coworker_line", 1.0 / 3.0),
                ("app_line", 1.0 / 3.0),
            ],
        ),
        (
            "debt",
            [
                ("call_lead", 0.5),
                ("intel_note", 1.0 / 6.0),
                ("civil_matter", 1.0 / 3.0),
            ],
        ),
    ] {
        let d = decision(v1, step);
        let counts = tally(truth, step);
        assert_eq!(d.reached, 600, "{step}: every attempt reaches it");
        for (option, p) in expected {
            let o = d.options.iter().find(|o| o.id == option).expect("option");
            assert_eq!(o.chosen, counts[option], "{step}/{option}");
            let share = value(&o.share);
            assert!(
                (share - counts[option] as f64 / 600.0).abs() < 1e-12,
                "{step}/{option}"
            );
            assert!(
                near_share(share, p, 600),
                "{step}/{option}: {share} far from {p}"
            );
        }
    }

    // Who reaches a decision depends on earlier choices: "civil_matter" ends the attempt.
    let lost_early = tally(truth, "debt")["civil_matter"];
    for step in ["consent", "tonight"] {
        let d = decision(v1, step);
        assert_eq!(d.reached, 600 - lost_early, "{step}");
        assert_eq!(d.choices, d.reached);
    }

    // Facility: (mean points − worst) ÷ (best − worst), worked out from the sample, and near
    // the population's (10/2 + 4/6 − 10/3 + 10) ÷ 20 = 0.617.
    let first = decision(v1, "first");
    assert_eq!((first.best_points, first.worst_points), (10, -10));
    let points: Vec<i64> = truth
        .iter()
        .flat_map(|t| t.choices.iter().filter(|c| c.0 == "first").map(|c| c.2))
        .collect();
    let mean = points.iter().sum::<i64>() as f64 / points.len() as f64;
    assert!((value(&first.facility) - (mean + 10.0) / 20.0).abs() < 1e-12);
    assert!(
        (value(&first.facility) - 37.0 / 60.0).abs() < 0.04,
        "{:?}",
        first.facility
    );

    // Discrimination: the sample's Pearson correlation of points here with the rest of the
    // score; positive where ability decides, near zero (and flagged) where choices were random.
    for d in &v1.decisions {
        let r = value(&d.discrimination);
        assert!((r - pearson(truth, &d.step)).abs() < 1e-9, "{}", d.step);
        let e = value(&d.efficiency);
        assert!(
            e.abs() <= 1.0 + 1e-9 && r.abs() <= e.abs() + 1e-9,
            "{}: {e}",
            d.step
        );
        let flagged = d.flags.iter().any(|f| {
            matches!(
                f,
                Flag::NearZeroDiscrimination { .. } | Flag::NegativeDiscrimination { .. }
            )
        });
        if d.step == "language" {
            assert!(r.abs() < 0.1, "a random decision: {r}");
            assert!(flagged, "{:?}", d.flags);
        } else {
            assert!(
                r > 0.2,
                "{}: ability decides, so {r} should be clearly positive",
                d.step
            );
            assert!(!flagged, "{}: {:?}", d.step, d.flags);
        }
    }

    // Median time to decide: the base plus half a second, to within 1%.
    for (step, seconds) in [("first", 6.5), ("language", 9.5), ("tonight", 4.5)] {
        let median = value(&decision(v1, step).median_seconds);
        assert!(
            (median - seconds).abs() <= seconds * 0.01,
            "{step}: {median}"
        );
    }

    // Cues: detection (indicators) and flag (red herrings) rates, near their probabilities
    // and exactly the sample's; the indicator missed most heads the library-wide table.
    for c in &v1.cues {
        let offered = truth
            .iter()
            .filter(|t| t.cues.iter().any(|(id, _)| *id == c.cue))
            .count() as u64;
        let flagged = truth
            .iter()
            .filter(|t| t.cues.iter().any(|(id, f)| *id == c.cue && *f))
            .count() as u64;
        assert_eq!((c.offered, c.flagged), (offered, flagged), "{}", c.cue);
        assert!(
            near_share(value(&c.rate), flag_probability(&c.cue), offered),
            "{}: {:?}",
            c.cue,
            c.rate
        );
    }
    assert_eq!(
        v1.cues.iter().filter(|c| c.red_herring).count(),
        2,
        "car_wash and shared_language"
    );
    assert_eq!(
        v1.cues[0].cue, "no_gloves",
        "least detected indicator first"
    );
    assert_eq!(report.indicators[0].indicator, "unsafe_conditions_no_ppe");
    assert_eq!(report.indicators[0].scenarios, ["fixture_balanced"]);

    // Endings add up, and the attempt figures say so when too few: the front counter has 5.
    let ends: u64 = v1.endings.iter().map(|e| e.count).sum();
    assert_eq!(ends, 600);
    let lost = v1.endings.iter().find(|e| e.id == "lost").expect("lost");
    assert_eq!(lost.title, "Back at the car wash");
    let front = report
        .versions
        .iter()
        .find(|v| v.scenario_id == "fixture_front_counter")
        .expect("front counter");
    assert_eq!(front.finished, 5);
    assert_eq!(front.pass_rate, Figure::TooFew { have: 5, need: 10 });
    assert_eq!(
        decision(front, "first").discrimination,
        Figure::TooFew { have: 5, need: 30 }
    );
    assert!(decision(front, "first").flags.is_empty());
}

#[test]
fn two_versions_of_one_scenario_stay_apart_and_flag_what_changed() {
    let recorded = record(120, 80);
    let report = analyse(&recorded, &stats::Selection::default());
    let balanced: Vec<&VersionStats> = report
        .versions
        .iter()
        .filter(|v| v.scenario_id == "fixture_balanced")
        .collect();
    assert_eq!(balanced.len(), 2);
    assert_eq!((balanced[0].version, balanced[1].version), (1, 2));
    let (v1, v2) = (
        version(&report, &recorded.v1),
        version(&report, &recorded.v2),
    );
    assert_eq!((v1.finished, v2.finished), (120, 80));
    assert_eq!(v2.unfinished, 0);
    assert_eq!(
        decision(v1, "first").options[0].chosen,
        tally(&recorded.truth_v1, "first")["talk_alone"]
    );

    // In version 2 everyone talks to the worker alone: the other options are dead, and the
    // decision is one almost everyone gets right.
    let first = decision(v2, "first");
    assert_eq!(first.options[0].chosen, 80);
    assert_eq!(value(&first.facility), 1.0);
    assert_eq!(
        first.discrimination,
        Figure::Undefined(stats::Undefined::SamePointsHere)
    );
    for dead in ["talk_on_forecourt", "manager_first"] {
        assert!(
            first.flags.contains(&Flag::DeadDistractor {
                option: dead.into(),
                reached: 80
            }),
            "{:?}",
            first.flags
        );
    }
    assert!(
        first
            .flags
            .iter()
            .any(|f| matches!(f, Flag::AlmostAllRight { .. }))
    );

    // Most submit an intelligence report: a wrong option chosen more than the best.
    let debt = decision(v2, "debt");
    let counts = tally(&recorded.truth_v2, "debt");
    assert!(counts["intel_note"] > counts["call_lead"]);
    assert!(
        debt.flags.iter().any(|f| matches!(
            f,
            Flag::WrongOptionPreferred { option, .. } if option == "intel_note"
        )),
        "{:?}",
        debt.flags
    );
    assert!(
        !decision(v1, "debt")
            .flags
            .iter()
            .any(|f| matches!(f, Flag::WrongOptionPreferred { .. }))
    );

    // The selection: one unit, one scenario, a date.
    let unit_b = analyse(
        &recorded,
        &stats::Selection {
            unit: Some("B"),
            ..Default::default()
        },
    );
    assert_eq!(version(&unit_b, &recorded.v1).finished, 60);
    assert!(
        unit_b
            .versions
            .iter()
            .all(|v| v.content_hash != recorded.v2.content_hash())
    );
    let front_only = analyse(
        &recorded,
        &stats::Selection {
            scenario: Some("fixture_front_counter"),
            ..Default::default()
        },
    );
    assert_eq!(front_only.versions.len(), 1);
    assert_eq!(front_only.finished, 5);
    let later = analyse(
        &recorded,
        &stats::Selection {
            since: Some(time::macros::datetime!(2026-11-03 00:00 UTC)),
            ..Default::default()
        },
    );
    assert_eq!(version(&later, &recorded.v2).finished, 80);
    assert!(
        later
            .versions
            .iter()
            .all(|v| v.content_hash != recorded.v1.content_hash())
    );
}
