//! The author preview, for trainers only: any step of any scenario as a trainee would read it (options in the order a chosen seed shows them), with cue tags, each option's points, locks and feedback beside it, and every path's score, filtered by outcome or by a step it goes through.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::analysis::paths::{PathFacts, PathFilter, PathOutcome, option_order};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{Cue, Step};

use super::playing::scene_text;

use crate::sim::{CatalogResource, ScenarioLibrary, Screen, TraineeAction};
use crate::ui::frame::{Chrome, frame_wide, send};
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
    /// What the path filter looks at.
    pub facts: PathFacts,
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
    /// Step ids, for the path filter's "through" choice.
    pub step_ids: Vec<String>,
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
            facts: PathFacts::of(p),
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

/// The options of a decision in the order one seed shows them, for [`step_preview`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededOrder {
    /// The seed.
    pub seed: u64,
    /// Option ids as shown; empty when no path reached the decision with this seed.
    pub order: Vec<String>,
    /// The options chosen before it on the path the order was found on: "decision: option".
    pub after: Vec<String>,
}

impl SeededOrder {
    /// The order `seed` shows the options of step `index` in ([`option_order`]); `None` for
    /// a step that is not a decision or whose options are not shuffled.
    pub fn of(
        loaded: &std::sync::Arc<LoadedScenario>,
        catalog: &std::sync::Arc<Catalog>,
        index: usize,
        seed: u64,
    ) -> Option<SeededOrder> {
        let Some(Step::Decision(decision)) = loaded.scenario.steps.get(index) else {
            return None;
        };
        if !decision.shuffle {
            return None;
        }
        let (order, after) = option_order(loaded, catalog, seed, &decision.id)
            .map(|found| {
                let after = found
                    .after
                    .into_iter()
                    .map(|(d, o)| format!("{d}: {o}"))
                    .collect();
                (found.order, after)
            })
            .unwrap_or_default();
        Some(SeededOrder { seed, order, after })
    }
}

/// A step as the trainee would read it, with what the author needs to see beside it:
/// cue tags, each option's points (or "no points"), locks and feedback. A decision's options
/// are numbered as `order` shows them (its seed's order) or, with none, in file order.
pub fn step_preview(
    loaded: &silent_slavery_scenario::load::loaded::LoadedScenario,
    index: usize,
    order: Option<&SeededOrder>,
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
            let mut shown: Vec<&silent_slavery_scenario::model::scenario::DecisionOption> =
                decision.options.iter().collect();
            match order {
                None if decision.shuffle => out.push(
                    "Options in file order; trainees see them shuffled (choose a seed to see one order)."
                        .to_owned(),
                ),
                None => out.push("Options in file order, as trainees see them (not shuffled).".to_owned()),
                Some(seeded) if seeded.order.is_empty() => {
                    out.push(format!(
                        "Seed {} reaches this step on no path tried: options in file order.",
                        seeded.seed
                    ));
                }
                Some(seeded) => {
                    shown = seeded
                        .order
                        .iter()
                        .filter_map(|id| decision.options.iter().find(|o| o.id == *id))
                        .collect();
                    out.push(if seeded.after.is_empty() {
                        format!("Options as seed {} shows them.", seeded.seed)
                    } else {
                        format!(
                            "Options as seed {} shows them after {} (another path may show another order).",
                            seeded.seed,
                            seeded.after.join(", ")
                        )
                    });
                }
            }
            for (n, o) in shown.into_iter().enumerate() {
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
                out.push(if effects.is_empty() {
                    "   effects: no points".to_owned()
                } else {
                    format!("   effects: {}", effects.join(", "))
                });
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

/// What the trainer sets in the author preview besides the step: the seed whose option order
/// is shown and the path filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreviewControls {
    /// Show options in the order this seed gives them; `None` for file order.
    pub seed: Option<u64>,
    /// Which paths are listed.
    pub filter: PathFilter,
}

/// Paths listed at most, so a scenario with thousands stays quick to draw; the filter
/// narrows the rest.
pub const PATHS_SHOWN: usize = 300;

/// The author preview: jump to any step of any scenario, see options in a seed's order, and
/// every path's score, filtered.
pub fn widget(
    ui: &mut egui::Ui,
    view: &AuthorView,
    controls: &mut PreviewControls,
) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading("Author preview");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to scenarios").clicked()
                || crate::ui::input::key(ui, egui::Key::Escape)
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
    ui.horizontal_wrapped(|ui| {
        let mut seeded = controls.seed.is_some();
        if ui
            .checkbox(&mut seeded, "Options in the order of seed")
            .on_hover_text("Trainees see shuffled options; each attempt's seed fixes the order")
            .changed()
        {
            controls.seed = seeded.then_some(controls.seed.unwrap_or(1));
        }
        let mut seed = controls.seed.unwrap_or(1);
        if ui
            .add_enabled(controls.seed.is_some(), egui::DragValue::new(&mut seed))
            .changed()
        {
            controls.seed = Some(seed);
        }
    });
    ui.separator();
    crate::ui::input::scroll_area(ui, "author", |ui| {
        for line in &view.preview {
            ui.label(line);
        }
        ui.separator();
        ui.strong(&view.summary);
        ui.horizontal_wrapped(|ui| {
            ui.label("Show:");
            for outcome in PathOutcome::ALL {
                ui.selectable_value(&mut controls.filter.outcome, outcome, outcome.label());
            }
            egui::ComboBox::from_label("going through")
                .selected_text(controls.filter.through.as_deref().unwrap_or("any step"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut controls.filter.through, None, "any step");
                    for id in &view.step_ids {
                        ui.selectable_value(
                            &mut controls.filter.through,
                            Some(id.clone()),
                            id.as_str(),
                        );
                    }
                });
        });
        let listed: Vec<&PathRow> = view
            .paths
            .iter()
            .filter(|p| controls.filter.admits(&p.facts))
            .collect();
        ui.label(if listed.len() > PATHS_SHOWN {
            format!(
                "{} of {} paths match; the first {PATHS_SHOWN} are listed (narrow the filter for the rest).",
                listed.len(),
                view.paths.len()
            )
        } else {
            format!("{} of {} paths match.", listed.len(), view.paths.len())
        });
        // Scores first and every line wrapping: nothing runs off the right edge at any
        // text size.
        for row in listed.into_iter().take(PATHS_SHOWN) {
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                ui.strong(if row.passed { "PASS" } else { "fail" });
                ui.label(&row.scores);
            });
            ui.label(egui::RichText::new(&row.route).weak());
        }
    });
    intent
}

/// Paths and their scores per scenario version, worked out once: walking every path is
/// too slow to repeat each frame.
#[derive(Default)]
struct PathCache(std::collections::HashMap<String, (Vec<PathRow>, String)>);

/// Which step preview is drawn: the scenario version (content hash), the step and the seed.
type PreviewKey = (String, usize, Option<u64>);

/// What the preview keeps between frames: the scenario and step chosen, the seed and filter,
/// every scenario's paths, and the last step preview drawn (kept while its key stays:
/// finding a seed's order replays the scenario).
#[derive(Default)]
struct Preview {
    selection: (usize, usize),
    controls: PreviewControls,
    paths: PathCache,
    drawn: Option<(PreviewKey, Vec<String>)>,
}

fn system(
    mut contexts: EguiContexts,
    library: Res<ScenarioLibrary>,
    catalog: Res<CatalogResource>,
    mut kept: Local<Preview>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Preview {
        selection,
        controls,
        paths: cache,
        drawn: preview_cache,
    } = &mut *kept;
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
    let key = (loaded.content_hash().to_owned(), selection.1, controls.seed);
    let preview = match preview_cache {
        Some((cached, lines)) if *cached == key => lines.clone(),
        _ => {
            let order = controls
                .seed
                .and_then(|seed| SeededOrder::of(loaded, &catalog.0, selection.1, seed));
            let lines = step_preview(loaded, selection.1, order.as_ref());
            *preview_cache = Some((key, lines.clone()));
            lines
        }
    };
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
        step_ids: loaded
            .scenario
            .steps
            .iter()
            .map(|s| s.id().to_owned())
            .collect(),
        preview,
        paths,
        summary,
    };
    match frame_wide(ctx, &mut settings, egui::Id::new("author"), |ui| {
        widget(ui, &view, controls)
    }) {
        Some(Intent::PreviewScenario(n)) => {
            *selection = (n, 0);
            // Another scenario's steps: a step filter from this one would match nothing.
            controls.filter.through = None;
        }
        Some(Intent::PreviewStep(n)) => selection.1 = n,
        Some(intent) => send(intent, &mut actions, &mut settings),
        None => {}
    }
    Ok(())
}
