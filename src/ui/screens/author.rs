//! The author preview, for trainers only: any step of any scenario as a trainee would read it, with cue tags, effects, locks and feedback beside it, and every path's score.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{Cue, Step};

use super::playing::scene_text;

use crate::sim::{CatalogResource, ScenarioLibrary, Screen, TraineeAction};
use crate::ui::frame::{Chrome, frame, send};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Author)).after(Chrome),
    );
}

/// One path in the author preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRow {
    /// Options chosen, joined with " > ", then the ending.
    pub route: String,
    /// Scaled score under each ruleset, as text.
    pub scores: String,
    /// Passes.
    pub passed: bool,
}

/// The author preview's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorView {
    /// Scenario titles, in library order.
    pub scenarios: Vec<String>,
    /// The scenario shown.
    pub scenario: usize,
    /// Its steps: "id (kind)".
    pub steps: Vec<String>,
    /// The step shown.
    pub step: usize,
    /// The step's content, as the trainee would read it, with option effects and feedback.
    pub preview: Vec<String>,
    /// Every path (up to the limit) with its scores.
    pub paths: Vec<PathRow>,
    /// "N paths, M pass", and whether the list stopped at its limit.
    pub summary: String,
}

/// Every path of a scenario with its scores, for the author preview (as `silent-slavery
/// paths` lists them), and the same summary line.
pub fn paths(loaded: &LoadedScenario, catalog: &Catalog) -> (Vec<PathRow>, String) {
    let report = silent_slavery_scenario::analysis::paths::report(loaded, catalog);
    let rows = report
        .paths
        .iter()
        .map(|p| PathRow {
            route: p.route(),
            scores: p
                .score
                .rulesets
                .iter()
                .map(|r| {
                    format!(
                        "{} {}/{} ({})",
                        r.ruleset,
                        r.raw,
                        r.max,
                        r.scaled_score().percent_short()
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            passed: p.score.passed,
        })
        .collect();
    let summary = format!(
        "{}{} (identification assumed perfect)",
        report.summary,
        if report.truncated {
            "; stopped at the limit"
        } else {
            ""
        }
    );
    (rows, summary)
}

/// A step as the trainee would read it, with what the author needs to see beside it:
/// cue tags, option effects, locks and feedback.
pub fn step_preview(
    loaded: &silent_slavery_scenario::load::loaded::LoadedScenario,
    index: usize,
) -> Vec<String> {
    use silent_slavery_scenario::model::scenario::Effect;
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
            let cues: Vec<&Cue> = decision.cues.iter().collect();
            out.push(scene_text(&decision.prompt, "", &cues));
            for c in &decision.cues {
                out.push(format!("  cue {}: {}", c.id, c.indicator));
            }
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

/// The author preview: jump to any step of any scenario and see every path's score.
pub fn widget(ui: &mut egui::Ui, view: &AuthorView) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading("Author preview");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to scenarios").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                intent = Some(Intent::Back);
            }
            if ui.button("Step graph").clicked() {
                intent = Some(Intent::StepGraph);
            }
            if ui.button("Catalogue").clicked() {
                intent = Some(Intent::Catalogue);
            }
            if ui
                .button("Statistics")
                .on_hover_text("Item analysis from the recorded attempts")
                .clicked()
            {
                intent = Some(Intent::Statistics);
            }
        });
    });
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Scenario")
            .selected_text(
                view.scenarios
                    .get(view.scenario)
                    .cloned()
                    .unwrap_or_default(),
            )
            .show_ui(ui, |ui| {
                for (n, title) in view.scenarios.iter().enumerate() {
                    if ui.selectable_label(n == view.scenario, title).clicked() {
                        intent = Some(Intent::PreviewScenario(n));
                    }
                }
            });
        egui::ComboBox::from_label("Step")
            .selected_text(view.steps.get(view.step).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for (n, step) in view.steps.iter().enumerate() {
                    if ui.selectable_label(n == view.step, step).clicked() {
                        intent = Some(Intent::PreviewStep(n));
                    }
                }
            });
    });
    ui.separator();
    crate::ui::input::scroll_area(ui, "author", |ui| {
        for line in &view.preview {
            ui.label(line);
        }
        ui.separator();
        ui.strong(&view.summary);
        egui::Grid::new("paths").striped(true).show(ui, |ui| {
            for row in &view.paths {
                ui.label(if row.passed { "PASS" } else { "fail" });
                ui.label(&row.route);
                ui.label(&row.scores);
                ui.end_row();
            }
        });
    });
    intent
}

/// Paths and their scores per scenario version, worked out once: walking every path is
/// too slow to repeat each frame.
#[derive(Default)]
struct PathCache(std::collections::HashMap<String, (Vec<PathRow>, String)>);

fn system(
    mut contexts: EguiContexts,
    library: Res<ScenarioLibrary>,
    catalog: Res<CatalogResource>,
    mut selection: Local<(usize, usize)>,
    mut cache: Local<PathCache>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let scenarios = library.playable();
    if scenarios.is_empty() {
        return Ok(());
    }
    selection.0 = selection.0.min(scenarios.len() - 1);
    let loaded = &scenarios[selection.0];
    selection.1 = selection
        .1
        .min(loaded.scenario.steps.len().saturating_sub(1));
    let (paths, summary) = cache
        .0
        .entry(loaded.content_hash().to_owned())
        .or_insert_with(|| paths(loaded, &catalog.0))
        .clone();
    let view = AuthorView {
        scenarios: scenarios.iter().map(|s| s.scenario.title.clone()).collect(),
        scenario: selection.0,
        steps: loaded
            .scenario
            .steps
            .iter()
            .map(|s| format!("{} ({:?})", s.id(), s.kind()))
            .collect(),
        step: selection.1,
        preview: step_preview(loaded, selection.1),
        paths,
        summary,
    };
    match frame(ctx, &mut settings, egui::Id::new("author"), |ui| {
        widget(ui, &view)
    }) {
        Some(Intent::PreviewScenario(n)) => *selection = (n, 0),
        Some(Intent::PreviewStep(n)) => selection.1 = n,
        Some(intent) => send(intent, &mut actions, &mut settings),
        None => {}
    }
    Ok(())
}
