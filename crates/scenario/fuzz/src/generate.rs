//! Builds well-formed but often wrong scenarios from fuzzer bytes, from scratch or by damaging a shipped one, so fuzzing reaches validation and the state graph instead of stopping in the parser.
//!
//! Everything is drawn from a small vocabulary (step ids `s0`, `s1`…, a handful of flags, real
//! and misspelt catalogue ids) so that references often hit and the fuzzer can build
//! scenarios that validate, then bend them: dangling and duplicate ids, loops, locked
//! options, unset flags, rules of the wrong ruleset, odd weights and shares.

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use silent_slavery_scenario::model::scenario::{Cue, Decision, DecisionOption, Effect, Ending, ExploitationForm, Identify, Milestone, Outcome, Role, Route, Scenario, Scene, SceneVariant, Step};

use crate::catalog;

/// The shipped scenarios and the test fixture, the starting points for damage.
const SHIPPED: &[&str] = &[
    include_str!("../../../../scenarios/_template.ron"),
    include_str!("../../../../scenarios/airport_minor_non_parent.ron"),
    include_str!("../../../../scenarios/asks_to_go_home.ron"),
    include_str!("../../../../scenarios/brothel_warrant.ron"),
    include_str!("../../../../scenarios/cannabis_farm_teenager.ron"),
    include_str!("../../../../scenarios/custody_shoplifting.ron"),
    include_str!("../../../../scenarios/emergency_department.ron"),
    include_str!("../../../../scenarios/front_counter_walk_in.ron"),
    include_str!("../../../../scenarios/hotel_young_woman.ron"),
    include_str!("../../../../scenarios/live_in_domestic_worker.ron"),
    include_str!("../../../../scenarios/nail_bar_visit.ron"),
    include_str!("../../../../scenarios/roadside_minibus_dawn.ron"),
    include_str!("../../../../scenarios/turning_eighteen.ron"),
    include_str!("../../../../scenarios/county_lines_train.ron"),
    include_str!("../../../../scenarios/enforcement_visit_kitchen.ron"),
    include_str!("../../../../scenarios/ferry_port_companion.ron"),
    include_str!("../../../../scenarios/paving_yard_caravan.ron"),
    include_str!("../../../../scenarios/service_station_lorry.ron"),
    include_str!("../../../../scenarios/social_worker_age_disputed.ron"),
    include_str!("../../../../scenarios/street_outreach_independent.ron"),
    include_str!("../../tests/fixtures/front_counter.ron"),
];

/// Flags the generator sets and tests; the last is not a valid id.
const FLAGS: &[&str] = &["told", "alone", "interpreter", "referred", "x", "Bad Flag"];

/// Caps that keep one input fast: the point is wrong shapes, not big ones.
const MAX_STEPS: usize = 24;

/// The shipped scenarios, parsed once.
fn shipped() -> &'static [Scenario] {
    static PARSED: OnceLock<Vec<Scenario>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|text| {
                silent_slavery_scenario::load::parse::parse_scenario("shipped.ron", text.as_bytes())
                    .expect("shipped scenarios parse")
                    .scenario
            })
            .collect()
    })
}

/// A scenario built from the fuzzer's bytes.
pub fn scenario(u: &mut Unstructured) -> Result<Scenario> {
    if u.ratio(1, 3)? {
        let base = u.choose(shipped())?.clone();
        damaged(u, base)
    } else {
        synthetic(u)
    }
}

/// The scenario as an author would write it, with struct names, read back with the same
/// ron options as `parse_scenario`.
pub fn to_ron(s: &Scenario) -> String {
    silent_slavery_scenario::model::ron::ron_options()
        .to_string_pretty(s, ron::ser::PrettyConfig::new().struct_names(true))
        .expect("a scenario serialises")
}

fn pick<'a>(u: &mut Unstructured, from: &[&'a str]) -> Result<&'a str> {
    u.choose(from).copied()
}

/// A short text: usually plain, sometimes the fuzzer's own characters (quotes, backslashes,
/// brackets and non-ASCII are what trip up the tokenizer that places diagnostics).
fn text(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=7)? {
        0 => String::arbitrary_take(u, 40)?,
        1 => "((([[[{{{ \\\" }}}]]])))".to_owned(),
        _ => "t".to_owned(),
    })
}

trait TakeShort: Sized {
    fn arbitrary_take(u: &mut Unstructured, max_chars: usize) -> Result<Self>;
}

impl TakeShort for String {
    fn arbitrary_take(u: &mut Unstructured, max_chars: usize) -> Result<String> {
        let s: &str = u.arbitrary()?;
        Ok(s.chars().take(max_chars).collect())
    }
}

/// Whether to make this one thing wrong. Only scenarios drawn as "chaotic" get small
/// mistakes everywhere; the others keep their references and ids good, so that many of
/// them validate and the state graph, path listing and runner get exercised too.
///
/// `Unstructured` answers every draw with the low end once the fuzzer's bytes run out, and
/// for `ratio` that is "yes": the mistake is the "no" side, so a short input finishes its
/// scenario cleanly instead of making every remaining id and link wrong.
fn oops(u: &mut Unstructured, chaos: bool, one_in: u32) -> Result<bool> {
    Ok(chaos && !u.ratio(one_in - 1, one_in)?)
}

/// An id: usually the given one, sometimes one that breaks the id rules.
fn id(u: &mut Unstructured, chaos: bool, good: String) -> Result<String> {
    if !oops(u, chaos, 8)? {
        return Ok(good);
    }
    Ok(match u.int_in_range(0..=3)? {
        0 => String::new(),
        1 => "Upper Case".to_owned(),
        2 => "x".repeat(101),
        _ => String::arbitrary_take(u, 12)?,
    })
}

fn flags(u: &mut Unstructured, max: usize) -> Result<Vec<String>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| Ok(pick(u, FLAGS)?.to_owned())).collect()
}

/// Flags a route or option tests: usually none, since each one tested must be set by some
/// option for the scenario to validate.
fn tested_flags(u: &mut Unstructured, max: usize) -> Result<Vec<String>> {
    if u.ratio(3, 4)? {
        return Ok(Vec::new());
    }
    flags(u, max)
}

/// A catalogue id: mostly a real one, sometimes one letter off (for the suggestions) or
/// made up.
fn catalogue_id(u: &mut Unstructured, chaos: bool, real: &[&str]) -> Result<String> {
    let chosen = u.choose(real)?;
    if !oops(u, chaos, 6)? {
        return Ok((*chosen).to_owned());
    }
    Ok(if u.arbitrary()? {
        format!("{chosen}s")
    } else {
        "made_up".to_owned()
    })
}

fn rule_ids() -> &'static [&'static str] {
    static IDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| catalog().rule_ids().collect())
}

fn tag_ids() -> &'static [&'static str] {
    static IDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| catalog().tag_ids().collect())
}

/// A reference to a step: mostly forward (so endings are reached), sometimes back (loops),
/// to itself, or to a step that does not exist.
fn step_ref(u: &mut Unstructured, chaos: bool, this: usize, steps: usize) -> Result<String> {
    if oops(u, chaos, 6)? {
        return Ok(pick(u, &["nowhere", "s", "S0", "s999"])?.to_owned());
    }
    // Mostly the next step, so few steps are left unreachable; that is also what running
    // out of bytes (draws of 0) gives.
    let target = match u.int_in_range(0..=11)? {
        _ if this + 1 >= steps => u.int_in_range(0..=steps.saturating_sub(1))?,
        0..=5 => this + 1,
        6..=9 => u.int_in_range(this + 1..=steps - 1)?,
        _ => u.int_in_range(0..=steps.saturating_sub(1))?,
    };
    Ok(format!("s{target}"))
}

fn routes(u: &mut Unstructured, chaos: bool, this: usize, steps: usize) -> Result<Vec<Route>> {
    let n = u.int_in_range(0..=2)?;
    (0..n)
        .map(|_| {
            Ok(Route {
                flags: tested_flags(u, 2)?,
                not_flags: tested_flags(u, 1)?,
                next: step_ref(u, chaos, this, steps)?,
            })
        })
        .collect()
}

fn share(u: &mut Unstructured) -> Result<f64> {
    Ok(match u.int_in_range(0..=15)? {
        0 => f64::NAN,
        1 => -0.5,
        2 => 80.0,
        3 => f64::INFINITY,
        4 => 0.0,
        5 => 1.0,
        n => f64::from(n) / 16.0,
    })
}

fn points(u: &mut Unstructured) -> Result<u32> {
    Ok(match u.int_in_range(0..=15)? {
        0 => u32::MAX,
        1 => 0,
        n => n * 5,
    })
}

fn effect(u: &mut Unstructured, chaos: bool) -> Result<Effect> {
    let rule = catalogue_id(u, chaos, rule_ids())?;
    let points = points(u)?;
    Ok(if u.arbitrary()? {
        Effect::Upholds { rule, points }
    } else {
        Effect::Breaches {
            rule,
            points,
            critical: u.ratio(1, 4)?,
        }
    })
}

fn cue(u: &mut Unstructured, chaos: bool, n: &mut usize) -> Result<Cue> {
    *n += 1;
    // Now and then reuse an earlier number: duplicate cue ids across scenes and variants.
    let number = if oops(u, chaos, 8)? {
        u.int_in_range(0..=*n)?
    } else {
        *n
    };
    Ok(Cue {
        id: id(u, chaos, format!("c{number}"))?,
        text: text(u)?,
        indicator: catalogue_id(u, chaos, tag_ids())?,
    })
}

/// Scene text with markers for some of its cues, and now and then one for no cue.
fn scene_text(u: &mut Unstructured, chaos: bool, cues: &[Cue]) -> Result<String> {
    let mut t = text(u)?;
    for c in cues {
        if u.arbitrary()? {
            t.push_str(&format!(" {{{}}}", c.id));
        }
    }
    if oops(u, chaos, 4)? {
        t.push_str(" {missing_cue}");
    }
    Ok(t)
}

fn synthetic_step(
    u: &mut Unstructured,
    chaos: bool,
    i: usize,
    steps: usize,
    cue_n: &mut usize,
) -> Result<Step> {
    // Duplicate step ids now and then.
    let step_id = if i > 0 && oops(u, chaos, 8)? {
        format!("s{}", u.int_in_range(0..=i - 1)?)
    } else {
        format!("s{i}")
    };
    let step_id = id(u, chaos, step_id)?;
    // The last step is usually an ending, so most scenarios have somewhere to finish.
    // Endings in the middle are rarer: they cut the chain of main links (see `main_next`).
    let kind = if i + 1 == steps && u.ratio(7, 8)? {
        3
    } else {
        match u.int_in_range(0..=7)? {
            0..=2 => 0,
            3 => 1,
            4..=6 => 2,
            _ => 3,
        }
    };
    // The main link of a scene, an identify step or a decision's first option: the next step
    // when the scenario is not chaotic, so every step is reachable along one chain and the
    // other links (routes, other options) add branches and loops.
    let main_next = |u: &mut Unstructured| -> Result<String> {
        if chaos || i + 1 >= steps {
            step_ref(u, chaos, i, steps)
        } else {
            Ok(format!("s{}", i + 1))
        }
    };
    Ok(match kind {
        0 => {
            let cues: Vec<Cue> = (0..u.int_in_range(0..=3)?)
                .map(|_| cue(u, chaos, cue_n))
                .collect::<Result<_>>()?;
            let variants = (0..u.int_in_range(0..=3)?)
                .map(|k| {
                    let vcues: Vec<Cue> = (0..u.int_in_range(0..=2)?)
                        .map(|_| cue(u, chaos, cue_n))
                        .collect::<Result<_>>()?;
                    let k = if oops(u, chaos, 4)? { 0 } else { k };
                    Ok(SceneVariant {
                        id: id(u, chaos, format!("v{k}"))?,
                        text: scene_text(u, chaos, &vcues)?,
                        cues: vcues,
                        weight: match u.int_in_range(0..=11)? {
                            0 if chaos => 0,
                            1 => u32::MAX,
                            2 => u32::MAX / 2 + 1,
                            n => n.max(1),
                        },
                    })
                })
                .collect::<Result<_>>()?;
            Step::Scene(Scene {
                id: step_id,
                speaker: if u.arbitrary()? { Some(text(u)?) } else { None },
                text: scene_text(u, chaos, &cues)?,
                cues,
                variants,
                next: main_next(u)?,
                next_when: routes(u, chaos, i, steps)?,
                image: None,
            })
        }
        1 => Step::Identify(Identify {
            id: step_id,
            prompt: text(u)?,
            next: main_next(u)?,
            next_when: routes(u, chaos, i, steps)?,
        }),
        2 => {
            let n = match u.int_in_range(0..=7)? {
                0 if chaos => 0,
                1 if chaos => 1,
                n => n.clamp(2, 5),
            };
            let options = (0..n)
                .map(|j| {
                    let j = if oops(u, chaos, 8)? { 0 } else { j };
                    Ok(DecisionOption {
                        id: id(u, chaos, format!("o{j}"))?,
                        text: text(u)?,
                        feedback: text(u)?,
                        next: if j == 0 {
                            main_next(u)?
                        } else {
                            step_ref(u, chaos, i, steps)?
                        },
                        effects: (0..u.int_in_range(0..=3)?)
                            .map(|_| effect(u, chaos))
                            .collect::<Result<_>>()?,
                        sets: flags(u, 2)?,
                        requires: tested_flags(u, 1)?,
                        requires_not: tested_flags(u, 1)?,
                        locked_reason: if u.arbitrary()? { Some(text(u)?) } else { None },
                        counts_as: if u.ratio(1, 4)? {
                            vec![*u.choose(&[
                                Milestone::RightReferral,
                                Milestone::InvestigationOpened,
                            ])?]
                        } else {
                            Vec::new()
                        },
                    })
                })
                .collect::<Result<_>>()?;
            // Decision prompts can carry cues too, marked in the prompt like a scene's.
            let cues: Vec<Cue> = (0..u.int_in_range(0..=2)?)
                .map(|_| cue(u, chaos, cue_n))
                .collect::<Result<_>>()?;
            Step::Decision(Decision {
                id: step_id,
                speaker: None,
                prompt: scene_text(u, chaos, &cues)?,
                cues,
                shuffle: u.arbitrary()?,
                options,
            })
        }
        _ => Step::Ending(Ending {
            id: step_id,
            outcome: *u.choose(&[
                Outcome::SafeguardedAndReferred,
                Outcome::ReferredLate,
                Outcome::NotIdentified,
                Outcome::VictimLost,
                Outcome::HarmCaused,
                Outcome::NoExploitationFound,
            ])?,
            title: text(u)?,
            text: text(u)?,
        }),
    })
}

const ROLES: &[Role] = &[
    Role::PoliceResponseOfficer,
    Role::RoadsPolicingOfficer,
    Role::PoliceSearchTeam,
    Role::CustodyOfficer,
    Role::Investigator,
    Role::FrontCounterStaff,
    Role::ImmigrationOfficer,
    Role::BorderForceOfficer,
    Role::SocialWorker,
];

const FORMS: &[ExploitationForm] = &[
    ExploitationForm::Sexual,
    ExploitationForm::Labour,
    ExploitationForm::DomesticServitude,
    ExploitationForm::Criminal,
    ExploitationForm::Child,
    ExploitationForm::ForcedMarriage,
    ExploitationForm::OrganRemoval,
    ExploitationForm::Financial,
];

const RULESETS: &[&str] = &["silent-slavery-2003", "uk-ew-current", "made-up-ruleset"];

/// The scenario's rulesets: usually both (the default, drawn on 0 so that an input out of
/// bytes gets it), sometimes one, a duplicate, none, or one that does not exist.
fn rulesets(u: &mut Unstructured) -> Result<Vec<String>> {
    Ok(match u.int_in_range(0..=9)? {
        0..=5 => vec!["silent-slavery-2003".into(), "uk-ew-current".into()],
        6 => vec![pick(u, RULESETS)?.to_owned()],
        7 => vec!["silent-slavery-2003".into(), "silent-slavery-2003".into()],
        8 => vec!["uk-ew-current".into()],
        _ => Vec::new(),
    })
}

fn synthetic(u: &mut Unstructured) -> Result<Scenario> {
    // "No" is chaotic, so an input that has run out of bytes is not (see `oops`).
    let chaos = !u.ratio(2, 3)?;
    let steps = u.int_in_range(1..=MAX_STEPS)?;
    let mut cue_n = 0;
    let mut list = (0..steps)
        .map(|i| synthetic_step(u, chaos, i, steps, &mut cue_n))
        .collect::<Result<Vec<_>>>()?;
    if !chaos {
        drop_flags_never_set(&mut list);
    }
    Ok(Scenario {
        id: id(u, chaos, "generated".to_owned())?,
        version: u.arbitrary()?,
        title: text(u)?,
        summary: text(u)?,
        role: *u.choose(ROLES)?,
        setting: text(u)?,
        content_warning: if u.arbitrary()? { Some(text(u)?) } else { None },
        estimated_minutes: u.arbitrary()?,
        forms: (0..u.int_in_range(0..=2)?)
            .map(|_| u.choose(FORMS).copied())
            .collect::<Result<_>>()?,
        rulesets: rulesets(u)?,
        pass_ruleset: if u.ratio(7, 8)? {
            "silent-slavery-2003".to_owned()
        } else {
            pick(u, RULESETS)?.to_owned()
        },
        mastery_score: if u.ratio(3, 4)? { 0.5 } else { share(u)? },
        min_identification_recall: if u.ratio(3, 4)? { 0.5 } else { share(u)? },
        caution_penalty: if u.ratio(7, 8)? { 5 } else { u.arbitrary()? },
        max_red_herrings_flagged: if u.ratio(7, 8)? { 1 } else { u.arbitrary()? },
        start: if u.ratio(7, 8)? {
            "s0".to_owned()
        } else {
            step_ref(u, chaos, 0, steps)?
        },
        steps: list,
    })
}

/// Removes tests of flags that no option sets: with six flags drawn at random most
/// scenarios would test one, and `flag-never-set` would stop them all before the state graph.
fn drop_flags_never_set(steps: &mut [Step]) {
    let set: std::collections::BTreeSet<String> = steps
        .iter()
        .filter_map(|st| match st {
            Step::Decision(d) => Some(d.options.iter().flat_map(|o| o.sets.iter().cloned())),
            _ => None,
        })
        .flatten()
        .collect();
    let keep = |list: &mut Vec<String>| list.retain(|f| set.contains(f));
    for st in steps {
        match st {
            Step::Scene(Scene { next_when, .. }) | Step::Identify(Identify { next_when, .. }) => {
                for r in next_when {
                    keep(&mut r.flags);
                    keep(&mut r.not_flags);
                }
            }
            Step::Decision(d) => {
                for o in &mut d.options {
                    keep(&mut o.requires);
                    keep(&mut o.requires_not);
                }
            }
            Step::Ending(_) => {}
        }
    }
}

/// Every step id a scenario names as a successor, and its start, for retargeting.
fn nexts_mut(s: &mut Scenario) -> Vec<&mut String> {
    let mut out = vec![&mut s.start];
    for step in &mut s.steps {
        match step {
            Step::Scene(Scene {
                next, next_when, ..
            })
            | Step::Identify(Identify {
                next, next_when, ..
            }) => {
                out.push(next);
                out.extend(next_when.iter_mut().map(|r| &mut r.next));
            }
            Step::Decision(d) => out.extend(d.options.iter_mut().map(|o| &mut o.next)),
            Step::Ending(_) => {}
        }
    }
    out
}

fn options_mut(s: &mut Scenario) -> Vec<&mut DecisionOption> {
    s.steps
        .iter_mut()
        .filter_map(|st| match st {
            Step::Decision(d) => Some(d.options.iter_mut()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn cues_mut(s: &mut Scenario) -> Vec<&mut Cue> {
    let mut out = Vec::new();
    for st in &mut s.steps {
        if let Step::Scene(scene) = st {
            out.extend(scene.cues.iter_mut());
            for v in &mut scene.variants {
                out.extend(v.cues.iter_mut());
            }
        }
    }
    out
}

/// Applies a few damaging edits to a real scenario: each keeps the file well-formed but may
/// break a reference, a rule, a flag or a share.
fn damaged(u: &mut Unstructured, mut s: Scenario) -> Result<Scenario> {
    let edits = u.int_in_range(0..=6)?;
    for _ in 0..edits {
        let ids: Vec<String> = s.steps.iter().map(|st| st.id().to_owned()).collect();
        match u.int_in_range(0..=11)? {
            0 | 1 => {
                // Retarget a link: to another real step (often a loop), or to nowhere.
                let target = if u.ratio(1, 5)? {
                    "nowhere".to_owned()
                } else {
                    u.choose(&ids)?.clone()
                };
                let mut nexts = nexts_mut(&mut s);
                if !nexts.is_empty() {
                    let k = u.choose_index(nexts.len())?;
                    *nexts[k] = target;
                }
            }
            2 => {
                let e = effect(u, true)?;
                let mut options = options_mut(&mut s);
                if !options.is_empty() {
                    let k = u.choose_index(options.len())?;
                    let effects = &mut options[k].effects;
                    if effects.is_empty() || u.arbitrary()? {
                        effects.push(e);
                    } else {
                        let j = u.choose_index(effects.len())?;
                        effects[j] = e;
                    }
                }
            }
            3 => {
                // Flags: set, require or forbid one on some option.
                let flag = pick(u, FLAGS)?.to_owned();
                let which = u.int_in_range(0..=2)?;
                let mut options = options_mut(&mut s);
                if !options.is_empty() {
                    let k = u.choose_index(options.len())?;
                    let o = &mut options[k];
                    match which {
                        0 => o.sets.push(flag),
                        1 => o.requires.push(flag),
                        _ => o.requires_not.push(flag),
                    }
                }
            }
            4 => {
                // A route on some scene or identify step.
                let route = Route {
                    flags: flags(u, 2)?,
                    not_flags: flags(u, 1)?,
                    next: u.choose(&ids)?.clone(),
                };
                let routed: Vec<usize> = (0..s.steps.len())
                    .filter(|&i| matches!(s.steps[i], Step::Scene(_) | Step::Identify(_)))
                    .collect();
                if !routed.is_empty() {
                    match &mut s.steps[*u.choose(&routed)?] {
                        Step::Scene(x) => x.next_when.insert(0, route),
                        Step::Identify(x) => x.next_when.insert(0, route),
                        _ => {}
                    }
                }
            }
            5 => {
                let indicator = catalogue_id(u, true, tag_ids())?;
                let mut cues = cues_mut(&mut s);
                if !cues.is_empty() {
                    let k = u.choose_index(cues.len())?;
                    cues[k].indicator = indicator;
                }
            }
            6 => {
                // Remove a step, or copy one (a duplicate id).
                if !s.steps.is_empty() {
                    let k = u.choose_index(s.steps.len())?;
                    if u.arbitrary()? {
                        s.steps.remove(k);
                    } else {
                        let copy = s.steps[k].clone();
                        s.steps.push(copy);
                    }
                }
            }
            7 => {
                // Drop options from a decision, down to none.
                let decisions: Vec<usize> = (0..s.steps.len())
                    .filter(|&i| matches!(s.steps[i], Step::Decision(_)))
                    .collect();
                if !decisions.is_empty()
                    && let Step::Decision(d) = &mut s.steps[*u.choose(&decisions)?]
                {
                    let keep = u.int_in_range(0..=d.options.len())?;
                    d.options.truncate(keep);
                }
            }
            8 => {
                s.rulesets = rulesets(u)?;
                s.pass_ruleset = pick(u, RULESETS)?.to_owned();
            }
            9 => {
                s.mastery_score = share(u)?;
                s.min_identification_recall = share(u)?;
            }
            10 => {
                // A scene's variants: weights, or one variant's cues moved into the scene.
                let scenes: Vec<usize> = (0..s.steps.len())
                    .filter(|&i| matches!(&s.steps[i], Step::Scene(x) if !x.variants.is_empty()))
                    .collect();
                let weight = match u.int_in_range(0..=3)? {
                    0 => 0,
                    1 => u32::MAX,
                    n => n,
                };
                if !scenes.is_empty()
                    && let Step::Scene(x) = &mut s.steps[*u.choose(&scenes)?]
                {
                    let k = u.choose_index(x.variants.len())?;
                    x.variants[k].weight = weight;
                }
            }
            _ => {
                // A step becomes an ending, or an ending a scene leading back to the start.
                if !s.steps.is_empty() {
                    let k = u.choose_index(s.steps.len())?;
                    let start = s.start.clone();
                    let step = &mut s.steps[k];
                    let id = step.id().to_owned();
                    *step = match step {
                        Step::Ending(e) => Step::Scene(Scene {
                            id,
                            speaker: None,
                            text: e.text.clone(),
                            cues: Vec::new(),
                            variants: Vec::new(),
                            next: start,
                            next_when: Vec::new(),
                            image: None,
                        }),
                        _ => Step::Ending(Ending {
                            id,
                            outcome: Outcome::ReferredLate,
                            title: "t".into(),
                            text: "t".into(),
                        }),
                    };
                }
            }
        }
    }
    Ok(s)
}
