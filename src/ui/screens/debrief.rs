//! The debrief: outcome, every pass condition with the trainee's figure, the score per ruleset with a chart per rule, the indicators missed, the red herrings flagged, and each choice that breached a recommendation.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Bar, BarChart, Plot};
use silent_slavery_scenario::model::catalog::{Catalog, CueTag};
use silent_slavery_scenario::model::scenario::{Effect, Scenario, Step};
use silent_slavery_scenario::play::score::{AttemptScore, Identification, Scaled};

use crate::sim::{CatalogResource, FinishedAttempt, Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Debrief)).after(Chrome),
    );
}

/// One ruleset's score in the debrief.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesetLine {
    /// Ruleset title.
    pub title: String,
    /// Points of the maximum, and the share.
    pub raw: i64,
    /// The best achievable.
    pub max: i64,
    /// The scaled score.
    pub scaled: Scaled,
    /// Whether this ruleset decides pass or fail.
    pub decides: bool,
    /// Passed under this ruleset.
    pub passed: bool,
}

/// Points upheld and breached under one rule, for the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBar {
    /// Short label, e.g. "Rec 9".
    pub label: String,
    /// Points gained.
    pub upheld: i64,
    /// Points lost.
    pub breached: i64,
}

/// A choice that breached a rule, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// What the trainee chose.
    pub choice: String,
    /// The rule breached: label and title.
    pub rule: String,
    /// Whether the breach was critical.
    pub critical: bool,
    /// What the rule asks.
    pub summary: String,
    /// Today's practice where it differs from 2003.
    pub current_practice: Option<String>,
}

/// The debrief's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct DebriefView {
    /// Scenario title.
    pub title: String,
    /// The ending's headline and outcome.
    pub outcome: String,
    /// The ending's closing text.
    pub closing: String,
    /// Passed overall.
    pub passed: bool,
    /// Each condition of passing with the trainee's figure and the threshold, and whether
    /// it was met ("red herrings flagged at most 1: 3 (NOT MET)").
    pub conditions: Vec<(String, bool)>,
    /// Score per ruleset.
    pub rulesets: Vec<RulesetLine>,
    /// Chart bars, one per rule touched (deciding ruleset first).
    pub bars: Vec<RuleBar>,
    /// Indicators present and not flagged: "cue text — indicator name".
    pub missed: Vec<String>,
    /// Red herrings flagged: "cue text — why it is not an indicator on its own".
    pub red_herrings: Vec<String>,
    /// Identification recall and precision, as a sentence.
    pub identification: String,
    /// Choices that breached a rule.
    pub lessons: Vec<Lesson>,
}

/// The debrief of a finished attempt.
pub fn view(finished: &FinishedAttempt, catalog: &Catalog) -> DebriefView {
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
        rulesets: ruleset_lines(score, catalog),
        bars: rule_bars(score, catalog),
        missed: cue_lines(
            s,
            catalog,
            &score.identification.missed_indicators,
            |tag| match tag {
                CueTag::Indicator(i) => format!("{}: {}", i.name, i.definition),
                CueTag::Caution(c) => c.name.clone(),
            },
        ),
        red_herrings: cue_lines(
            s,
            catalog,
            &score.identification.red_herrings_flagged,
            |tag| match tag {
                CueTag::Caution(c) => c.why_not_alone.clone(),
                CueTag::Indicator(i) => i.name.clone(),
            },
        ),
        identification: identification_sentence(&score.identification),
        lessons: lessons_of(finished, catalog),
    }
}

/// The score under each ruleset, with its title from the catalogue.
fn ruleset_lines(score: &AttemptScore, catalog: &Catalog) -> Vec<RulesetLine> {
    score
        .rulesets
        .iter()
        .map(|r| RulesetLine {
            title: catalog
                .rulesets
                .get(&r.ruleset)
                .map_or(r.ruleset.clone(), |set| set.title.clone()),
            raw: r.raw,
            max: r.max,
            scaled: r.scaled_score(),
            decides: r.ruleset == score.pass_ruleset,
            passed: r.passed,
        })
        .collect()
}

/// One bar per rule touched, the deciding ruleset's first.
fn rule_bars(score: &AttemptScore, catalog: &Catalog) -> Vec<RuleBar> {
    let mut ordered: Vec<_> = score.rulesets.iter().collect();
    ordered.sort_by_key(|r| r.ruleset != score.pass_ruleset);
    ordered
        .iter()
        .flat_map(|r| r.rules.iter())
        .map(|t| RuleBar {
            label: catalog
                .rule(&t.rule)
                .map_or(t.rule.clone(), |(_, rule)| rule.label.clone()),
            upheld: t.upheld,
            breached: t.breached,
        })
        .collect()
}

/// "cue text — explanation" for each cue id, explained from its catalogue tag.
fn cue_lines(
    s: &Scenario,
    catalog: &Catalog,
    ids: &[String],
    explain: impl Fn(CueTag<'_>) -> String,
) -> Vec<String> {
    ids.iter()
        .filter_map(|id| {
            s.cue(id).map(|c| {
                let why = catalog
                    .cue_tag(&c.indicator)
                    .map(&explain)
                    .unwrap_or_default();
                format!("{} — {why}", c.text)
            })
        })
        .collect()
}

/// Identification recall and precision, as a sentence.
fn identification_sentence(id: &Identification) -> String {
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
}

/// Each choice that breached a rule, with what the rule asks and today's practice.
fn lessons_of(finished: &FinishedAttempt, catalog: &Catalog) -> Vec<Lesson> {
    let s = &finished.scenario.scenario;
    let mut lessons = Vec::new();
    for (step, option) in &finished.transcript.choices {
        let Some(Step::Decision(d)) = s.step(step) else {
            continue;
        };
        let Some(o) = d.options.iter().find(|o| &o.id == option) else {
            continue;
        };
        for e in &o.effects {
            if let Effect::Breaches { rule, critical, .. } = e
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
    lessons
}

/// The debrief: outcome, pass or fail, scores, a chart per rule, what was missed and why.
pub fn widget(ui: &mut egui::Ui, view: &DebriefView) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading(format!("Debrief: {}", view.title));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to scenarios (Enter)").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter))
            {
                intent = Some(Intent::Back);
            }
        });
    });
    egui::ScrollArea::vertical().show(ui, |ui| {
        verdict(ui, view);
        conditions(ui, view);
        scores(ui, view);
        rule_chart(ui, &view.bars);
        ui.add_space(8.0);
        lessons(ui, &view.lessons);
        flagged_and_missed(ui, view);
    });
    intent
}

/// Passed or not, the ending and its closing text.
fn verdict(ui: &mut egui::Ui, view: &DebriefView) {
    let verdict = if view.passed { "PASSED" } else { "NOT PASSED" };
    let colour = if view.passed {
        ui.visuals().text_color()
    } else {
        ui.visuals().error_fg_color
    };
    ui.label(
        egui::RichText::new(format!("{verdict} — {}", view.outcome))
            .strong()
            .color(colour),
    );
    ui.label(&view.closing);
    ui.add_space(8.0);
}

/// Every condition of passing, the failed ones marked.
fn conditions(ui: &mut egui::Ui, view: &DebriefView) {
    ui.label(egui::RichText::new("To pass, every condition must be met:").strong());
    for (condition, met) in &view.conditions {
        let text = egui::RichText::new(format!("{} {condition}", if *met { "✔" } else { "✘" }));
        if *met {
            ui.label(text);
        } else {
            ui.label(text.strong().color(ui.visuals().error_fg_color));
        }
    }
    ui.add_space(8.0);
}

/// The score under each ruleset, and identification as a sentence.
fn scores(ui: &mut egui::Ui, view: &DebriefView) {
    for r in &view.rulesets {
        let decides = if r.decides {
            " (decides pass or fail)"
        } else {
            ""
        };
        ui.label(format!(
            "{}{decides}: {} of {} points ({}) — {}",
            r.title,
            r.raw,
            r.max,
            r.scaled.percent_short(),
            if r.passed { "pass" } else { "not passed" }
        ));
    }
    ui.label(&view.identification);
    ui.add_space(8.0);
}

/// A chart of points upheld (above the line) and breached (below) per rule.
fn rule_chart(ui: &mut egui::Ui, bars: &[RuleBar]) {
    ui.strong("Points upheld and breached per rule");
    ui.label(egui::RichText::new("Green above the line: upheld. Red below: breached.").weak());
    let upheld: Vec<Bar> = bars
        .iter()
        .enumerate()
        .map(|(n, b)| {
            Bar::new(n as f64, b.upheld as f64)
                .name(&b.label)
                .width(0.6)
        })
        .collect();
    let breached: Vec<Bar> = bars
        .iter()
        .enumerate()
        .map(|(n, b)| {
            Bar::new(n as f64, -(b.breached as f64))
                .name(&b.label)
                .width(0.6)
        })
        .collect();
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    Plot::new("rules")
        .height(220.0)
        // One grid mark per rule, so every column is labelled.
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let n = mark.value.round();
            if (mark.value - n).abs() < 1e-6 && n >= 0.0 {
                labels.get(n as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            // Upheld above the line, breached below it, one column per rule.
            plot.bar_chart(
                BarChart::new("Upheld", upheld).color(egui::Color32::from_rgb(30, 130, 60)),
            );
            plot.bar_chart(
                BarChart::new("Breached", breached).color(egui::Color32::from_rgb(190, 40, 40)),
            );
        });
}

/// Each choice that breached a rule, with what the rule asks and today's practice.
fn lessons(ui: &mut egui::Ui, lessons: &[Lesson]) {
    if !lessons.is_empty() {
        ui.strong("Where a choice went against a recommendation");
        for l in lessons {
            ui.group(|ui| {
                ui.set_width(ui.available_width());
                let critical = if l.critical {
                    " — critical: this alone fails the attempt"
                } else {
                    ""
                };
                ui.label(egui::RichText::new(format!("You chose: {}", l.choice)).italics());
                ui.label(egui::RichText::new(format!("{}{critical}", l.rule)).strong());
                ui.label(&l.summary);
                if let Some(now) = &l.current_practice {
                    ui.label(egui::RichText::new(format!("Today: {now}")).weak());
                }
            });
        }
    }
}

/// The indicators not flagged, and the red herrings flagged with why they are not
/// indicators on their own.
fn flagged_and_missed(ui: &mut egui::Ui, view: &DebriefView) {
    if !view.missed.is_empty() {
        ui.add_space(8.0);
        ui.strong("Indicators you did not flag");
        for m in &view.missed {
            ui.label(format!("• {m}"));
        }
    }
    if !view.red_herrings.is_empty() {
        ui.add_space(8.0);
        ui.strong("Details you flagged that are not indicators on their own");
        for r in &view.red_herrings {
            ui.label(format!("• {r}"));
        }
    }
}

fn system(
    mut contexts: EguiContexts,
    session: Res<Session>,
    catalog: Res<CatalogResource>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(finished) = &session.finished else {
        return Ok(());
    };
    let view = view(finished, &catalog.0);
    show(ctx, &mut settings, &mut actions, |ui| widget(ui, &view));
    Ok(())
}
