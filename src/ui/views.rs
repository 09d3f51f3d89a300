//! View models for the screens, built from the session, the library, the store and the catalogue.

use silent_slavery_core::catalog::{Catalog, CueTag};
use silent_slavery_core::course::scaled_score;
use silent_slavery_core::record::RecordedAttempt;
use silent_slavery_core::runner::View;
use silent_slavery_core::scenario::{Cue, Step};
use silent_slavery_core::store::{AttemptStatus, Store};

use super::widgets::{
    CueItem, DebriefView, HomeView, Lesson, OptionItem, PlayView, RuleBar, RulesetLine,
    ScenarioCard, ScenarioStatus, StepView,
};
use crate::sim::{FinishedAttempt, ScenarioLibrary, Session};

/// The home screen for the signed-in trainee: only their own attempts are read.
pub fn home(
    session: &Session,
    library: &ScenarioLibrary,
    store: &Store,
    course: Option<String>,
    author: bool,
    audit: Vec<String>,
) -> HomeView {
    let trainee = session
        .trainee
        .clone()
        .unwrap_or_else(|| silent_slavery_core::store::Trainee {
            staff_number: String::new(),
            name: String::new(),
            unit: String::new(),
        });
    let attempts = store.attempts_of(&trainee.staff_number).unwrap_or_default();
    let scenarios = library
        .playable()
        .iter()
        .map(|s| {
            let mine: Vec<_> = attempts
                .iter()
                .filter(|a| a.scenario_id == s.scenario.id)
                .collect();
            let unfinished = mine
                .iter()
                .rev()
                .find(|a| a.status == AttemptStatus::InProgress);
            let best = mine
                .iter()
                .filter(|a| a.status == AttemptStatus::Finished)
                .map(|a| (a.passed == Some(true), scaled_score(a).unwrap_or(0.0)))
                .fold(None::<(bool, f64)>, |best, x| match best {
                    Some(b) if (b.0, b.1) >= (x.0, x.1) => Some(b),
                    _ => Some(x),
                });
            let status = match (unfinished, best) {
                (Some(a), _) => ScenarioStatus::InProgress(a.id.to_string()),
                (None, Some((true, s))) => ScenarioStatus::Passed(s),
                (None, Some((false, s))) => ScenarioStatus::Failed(s),
                (None, None) => ScenarioStatus::NotStarted,
            };
            ScenarioCard {
                id: s.scenario.id.clone(),
                title: s.scenario.title.clone(),
                subtitle: format!("{} · {}", s.scenario.role.label(), s.scenario.setting),
                summary: s.scenario.summary.clone(),
                minutes: s.scenario.estimated_minutes,
                status,
            }
        })
        .collect();
    HomeView {
        trainee: if trainee.unit.is_empty() {
            format!("{} ({})", trainee.name, trainee.staff_number)
        } else {
            format!(
                "{} ({}), {}",
                trainee.name, trainee.staff_number, trainee.unit
            )
        },
        course,
        scenarios,
        broken: library.problems().iter().map(|d| d.render()).collect(),
        audit,
        notice: session.notice.clone(),
        author,
    }
}

/// The assessment audit of the playable scenarios, rendered as warnings at file:line:col
/// (as `silent-slavery validate` shows them), for the author panel. Files are read from
/// `asset_root` to place each finding.
pub fn audit_findings(
    library: &ScenarioLibrary,
    catalog: &Catalog,
    asset_root: &std::path::Path,
) -> Vec<String> {
    let playable = library.playable();
    silent_slavery_core::audit::audit(playable.iter().map(|s| &**s), catalog)
        .diagnostics(|file| std::fs::read_to_string(asset_root.join(file)).ok())
        .into_iter()
        .map(|d| d.as_warning().render())
        .collect()
}

/// A scene's text with each `{cue}` replaced by the cue's words, and unplaced cues after it.
pub fn scene_text(text: &str, extra: &str, cues: &[&Cue]) -> String {
    let mut out = text.to_owned();
    let mut unplaced = Vec::new();
    if !extra.is_empty() {
        out.push_str("\n\n");
        out.push_str(extra);
    }
    for cue in cues {
        let marker = format!("{{{}}}", cue.id);
        if out.contains(&marker) {
            out = out.replace(&marker, &cue.text);
        } else {
            unplaced.push(cue.text.as_str());
        }
    }
    for cue in unplaced {
        out.push_str("\n\n");
        out.push_str(cue);
    }
    out
}

/// The playing screen for the attempt under way.
pub fn playing(attempt: &RecordedAttempt, notice: Option<String>) -> PlayView {
    let runner = attempt.runner();
    let scenario = &runner.scenario().scenario;
    let step = match runner.view() {
        View::Scene {
            scene,
            variant,
            cues,
        } => StepView::Scene {
            speaker: scene.speaker.clone().unwrap_or_else(|| "Narrator".into()),
            text: scene_text(&scene.text, variant.map_or("", |v| v.text.as_str()), &cues),
        },
        View::Identify { step, cues } => StepView::Identify {
            prompt: step.prompt.clone(),
            cues: cues
                .iter()
                .map(|c| CueItem {
                    id: c.cue.id.clone(),
                    text: c.cue.text.clone(),
                    flagged: c.flagged,
                })
                .collect(),
        },
        View::Decision { step, options } => StepView::Decision {
            speaker: step.speaker.clone(),
            prompt: step.prompt.clone(),
            options: options
                .iter()
                .map(|o| OptionItem {
                    id: o.option.id.clone(),
                    text: o.option.text.clone(),
                    locked: (!o.unlocked).then(|| {
                        o.option
                            .locked_reason
                            .clone()
                            .unwrap_or_else(|| "Not available yet.".into())
                    }),
                })
                .collect(),
        },
        View::Feedback { option, .. } => StepView::Feedback {
            chosen: option.text.clone(),
            feedback: option.feedback.clone(),
        },
        View::Finished { ending } => StepView::Feedback {
            chosen: ending.title.clone(),
            feedback: ending.text.clone(),
        },
    };
    PlayView {
        title: scenario.title.clone(),
        steps_done: runner.transcript().visited.len(),
        steps_total: scenario
            .steps
            .iter()
            .filter(|s| !matches!(s, Step::Ending(_)))
            .count(),
        step,
        notice,
    }
}

/// The debrief of a finished attempt.
pub fn debrief(finished: &FinishedAttempt, catalog: &Catalog) -> DebriefView {
    let s = &finished.scenario.scenario;
    let score = &finished.score;
    let ending = finished
        .transcript
        .ending
        .as_deref()
        .and_then(|id| match s.step(id) {
            Some(Step::Ending(e)) => Some(e),
            _ => None,
        });
    let rulesets: Vec<RulesetLine> = score
        .rulesets
        .iter()
        .map(|r| RulesetLine {
            title: catalog
                .rulesets
                .get(&r.ruleset)
                .map_or(r.ruleset.clone(), |set| set.title.clone()),
            raw: r.raw,
            max: r.max,
            scaled: r.scaled,
            decides: r.ruleset == score.pass_ruleset,
            passed: r.passed,
        })
        .collect();
    let mut ordered: Vec<_> = score.rulesets.iter().collect();
    ordered.sort_by_key(|r| r.ruleset != score.pass_ruleset);
    let bars = ordered
        .iter()
        .flat_map(|r| r.rules.iter())
        .map(|t| RuleBar {
            label: catalog
                .rule(&t.rule)
                .map_or(t.rule.clone(), |(_, rule)| rule.label.clone()),
            upheld: t.upheld,
            breached: t.breached,
        })
        .collect();
    let cue_line = |id: &String, explain: &dyn Fn(CueTag<'_>) -> String| {
        s.cue(id).map(|c| {
            let why = catalog
                .cue_tag(&c.indicator)
                .map(explain)
                .unwrap_or_default();
            format!("{} — {why}", c.text)
        })
    };
    let missed = score
        .identification
        .missed_indicators
        .iter()
        .filter_map(|id| {
            cue_line(id, &|tag| match tag {
                CueTag::Indicator(i) => format!("{}: {}", i.name, i.definition),
                CueTag::Caution(c) => c.name.clone(),
            })
        })
        .collect();
    let red_herrings = score
        .identification
        .red_herrings_flagged
        .iter()
        .filter_map(|id| {
            cue_line(id, &|tag| match tag {
                CueTag::Caution(c) => c.why_not_alone.clone(),
                CueTag::Indicator(i) => i.name.clone(),
            })
        })
        .collect();
    let mut lessons = Vec::new();
    for (step, option) in &finished.transcript.choices {
        let Some(Step::Decision(d)) = s.step(step) else {
            continue;
        };
        let Some(o) = d.options.iter().find(|o| &o.id == option) else {
            continue;
        };
        for e in &o.effects {
            if let silent_slavery_core::scenario::Effect::Breaches { rule, critical, .. } = e
                && let Some((_, r)) = catalog.rule(rule)
            {
                lessons.push(Lesson {
                    choice: o.text.clone(),
                    rule: format!("{}: {}", r.label, r.title),
                    critical: *critical,
                    summary: r.summary.clone(),
                    current_practice: r.current_practice.clone(),
                });
            }
        }
    }
    let id = &score.identification;
    DebriefView {
        title: s.title.clone(),
        outcome: ending.map_or("Not finished".into(), |e| {
            format!("{} ({})", e.title, e.outcome.label())
        }),
        closing: ending.map_or(String::new(), |e| e.text.clone()),
        passed: score.passed,
        conditions: score
            .pass_conditions()
            .into_iter()
            .map(|c| (c.to_string(), c.met()))
            .collect(),
        rulesets,
        bars,
        missed,
        red_herrings,
        identification: {
            let flagged = id.flagged_indicators.len() + id.red_herrings_flagged.len();
            let present = id.flagged_indicators.len() + id.missed_indicators.len();
            if flagged == 0 {
                format!("Indicators: you flagged none of the {present} shown.")
            } else {
                format!(
                    "Indicators: you flagged {} of the {present} shown ({:.0}%); {} of your {flagged} flags were on a real indicator.",
                    id.flagged_indicators.len(),
                    id.recall * 100.0,
                    id.flagged_indicators.len(),
                )
            }
        },
        lessons,
    }
}

/// Every path of a scenario with its scores, for the author preview (as `silent-slavery
/// paths` prints them), and a summary line.
pub fn author_paths(
    loaded: &silent_slavery_core::library::LoadedScenario,
    catalog: &Catalog,
) -> (Vec<super::widgets::PathRow>, String) {
    use silent_slavery_core::explore;
    let walk = explore::explore(&loaded.scenario, catalog, explore::DEFAULT_PATH_LIMIT);
    let scored = explore::scored_paths(&loaded.scenario, catalog, &loaded.bounds, &walk);
    let passing = scored.iter().filter(|p| p.score.passed).count();
    let rows = scored
        .iter()
        .map(|p| super::widgets::PathRow {
            route: format!(
                "{} -> {}",
                p.transcript
                    .choices
                    .iter()
                    .map(|(_, o)| o.as_str())
                    .collect::<Vec<_>>()
                    .join(" > "),
                p.transcript.ending.as_deref().unwrap_or("?")
            ),
            scores: p
                .score
                .rulesets
                .iter()
                .map(|r| {
                    format!(
                        "{} {}/{} ({:.0}%)",
                        r.ruleset,
                        r.raw,
                        r.max,
                        r.scaled * 100.0
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            passed: p.score.passed,
        })
        .collect();
    let summary = format!(
        "{} path(s){}, {passing} pass (identification assumed perfect)",
        scored.len(),
        if walk.truncated {
            " (stopped at the limit)"
        } else {
            ""
        }
    );
    (rows, summary)
}

/// A step as the trainee would read it, with what the author needs to see beside it:
/// cue tags, option effects, locks and feedback.
pub fn step_preview(
    loaded: &silent_slavery_core::library::LoadedScenario,
    index: usize,
) -> Vec<String> {
    use silent_slavery_core::scenario::Effect;
    let Some(step) = loaded.scenario.steps.get(index) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match step {
        Step::Scene(scene) => {
            out.push(format!(
                "{}:",
                scene.speaker.as_deref().unwrap_or("Narrator")
            ));
            let cues: Vec<&Cue> = scene.cues.iter().collect();
            out.push(scene_text(&scene.text, "", &cues));
            for c in &scene.cues {
                out.push(format!("  cue {}: {}", c.id, c.indicator));
            }
            for v in &scene.variants {
                out.push(format!(
                    "Variant {} (weight {}): {}",
                    v.id, v.weight, v.text
                ));
                for c in &v.cues {
                    out.push(format!("  cue {}: {} — {}", c.id, c.indicator, c.text));
                }
            }
            out.push(format!("next: {}", scene.next));
        }
        Step::Identify(identify) => {
            out.push(identify.prompt.clone());
            out.push(format!("next: {}", identify.next));
        }
        Step::Decision(decision) => {
            out.push(decision.prompt.clone());
            for (n, o) in decision.options.iter().enumerate() {
                out.push(format!("{}. {} [{}] -> {}", n + 1, o.text, o.id, o.next));
                let effects: Vec<String> = o
                    .effects
                    .iter()
                    .map(|e| match e {
                        Effect::Upholds { rule, points } => format!("+{points} {rule}"),
                        Effect::Breaches {
                            rule,
                            points,
                            critical,
                        } => {
                            format!(
                                "-{points} {rule}{}",
                                if *critical { " (critical)" } else { "" }
                            )
                        }
                    })
                    .collect();
                if !effects.is_empty() {
                    out.push(format!("   effects: {}", effects.join(", ")));
                }
                if !o.requires.is_empty() || !o.requires_not.is_empty() {
                    out.push(format!(
                        "   needs {:?}, not {:?}",
                        o.requires, o.requires_not
                    ));
                }
                out.push(format!("   feedback: {}", o.feedback));
            }
        }
        Step::Ending(ending) => {
            out.push(format!("{} ({})", ending.title, ending.outcome.label()));
            out.push(ending.text.clone());
        }
    }
    out
}
