//! The step graph in author mode: a scenario drawn as `silent-slavery graph --format svg` draws it (steps with their kind, cues and best reachable score, endings with their outcome, options with the flags they set and need, locked ones dashed, critical ones red), painted with egui.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::analysis::picture::{Mark, StepPicture};
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::Scenario;

use crate::sim::{CatalogResource, ScenarioLibrary, Screen, TraineeAction};
use crate::ui::frame::{Chrome, author_tool_heading, frame_wide, scenario_picker, send};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Graph)).after(Chrome),
    );
}

/// The graph screen's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphView {
    /// Scenario titles, in library order.
    pub scenarios: Vec<String>,
    /// The scenario shown.
    pub scenario: usize,
    /// What the picture shows, in a line: the ruleset, its best score and pass mark.
    pub summary: String,
    /// The picture, or why it could not be drawn.
    pub marks: Result<Vec<Mark>, String>,
    /// The centre of the start step, in picture units, to scroll to.
    pub start: Option<(f64, f64)>,
    /// Scroll the start step into view this frame (when the picture is first shown).
    pub scroll_to_start: bool,
}

/// The centre of the start step's box: layout-rs draws the steps first, each a rectangle, in
/// the order they were added (file order), so the start's rectangle is the start's index.
pub fn start_of(scenario: &Scenario, marks: &[Mark]) -> Option<(f64, f64)> {
    let index = scenario.step_index(&scenario.start)?;
    marks
        .iter()
        .filter_map(|m| match m {
            Mark::Rect {
                x,
                y,
                width,
                height,
                ..
            } => Some((x + width / 2.0, y + height / 2.0)),
            _ => None,
        })
        .nth(index)
}

/// The picture of one scenario, as marks and a summary line.
pub fn picture(scenario: &Scenario, catalog: &Catalog) -> (String, Result<Vec<Mark>, String>) {
    let picture = StepPicture::of(scenario, catalog);
    let summary = format!(
        "Best scores under {}: {} at most, {} to pass. Dashed: an option flags can lock. Red: a critical breach.",
        picture.ruleset, picture.max, picture.pass_mark
    );
    (summary, picture.marks().map_err(|e| e.to_string()))
}

fn colour(rgba: u32) -> egui::Color32 {
    let [r, g, b, a] = rgba.to_be_bytes();
    egui::Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// Paints the marks at `scale` (1 is the picture's own size) into a region of that size, and
/// scrolls `focus` (picture units) to the middle when asked.
fn paint(ui: &mut egui::Ui, marks: &[Mark], scale: f32, focus: Option<(f64, f64)>) {
    let (mut width, mut height) = (0.0f64, 0.0f64);
    for m in marks {
        match m {
            Mark::Rect {
                x,
                y,
                width: w,
                height: h,
                ..
            } => {
                width = width.max(x + w);
                height = height.max(y + h);
            }
            Mark::Text { x, y, .. } => {
                width = width.max(*x + 20.0);
                height = height.max(*y + 20.0);
            }
            Mark::Arrow { points, .. } => {
                for (x, y) in points {
                    width = width.max(*x);
                    height = height.max(*y);
                }
            }
        }
    }
    let size = egui::vec2(width as f32 + 20.0, height as f32 + 20.0) * scale;
    let (response, painter) = ui.allocate_painter(size, egui::Sense::hover());
    let origin = response.rect.min.to_vec2();
    let at = |x: f64, y: f64| egui::pos2(x as f32 * scale, y as f32 * scale) + origin;
    if let Some((x, y)) = focus {
        ui.scroll_to_rect(
            egui::Rect::from_center_size(at(x, y), egui::vec2(10.0, 10.0)),
            Some(egui::Align::Center),
        );
    }
    for m in marks {
        match m {
            Mark::Rect {
                x,
                y,
                width,
                height,
                fill,
                stroke,
                stroke_width,
                rounded,
            } => {
                let rect = egui::Rect::from_min_size(
                    at(*x, *y),
                    egui::vec2(*width as f32, *height as f32) * scale,
                );
                let radius = egui::CornerRadius::same((*rounded).min(255.0) as u8);
                if let Some(fill) = fill {
                    painter.rect_filled(rect, radius, colour(*fill));
                }
                painter.rect_stroke(
                    rect,
                    radius,
                    egui::Stroke::new(*stroke_width as f32, colour(*stroke)),
                    egui::StrokeKind::Inside,
                );
            }
            Mark::Text { x, y, text, size } => {
                // Each line centred on its own, as the SVG centres them; node fills are light
                // whatever the theme, so node text stays dark.
                let font = egui::FontId::proportional(*size as f32 * 0.85 * scale);
                let line_height = *size as f32 * 1.1 * scale;
                let lines: Vec<&str> = text.lines().collect();
                let top = at(*x, *y).y - line_height * lines.len() as f32 / 2.0;
                for (n, line) in lines.iter().enumerate() {
                    painter.text(
                        egui::pos2(at(*x, *y).x, top + line_height * (n as f32 + 0.5)),
                        egui::Align2::CENTER_CENTER,
                        line,
                        font.clone(),
                        egui::Color32::from_gray(20),
                    );
                }
            }
            Mark::Arrow {
                points,
                dashed,
                stroke,
                stroke_width,
            } => {
                let line: Vec<egui::Pos2> = points.iter().map(|(x, y)| at(*x, *y)).collect();
                let pen = egui::Stroke::new(*stroke_width as f32, colour(*stroke));
                if *dashed {
                    painter.extend(egui::Shape::dashed_line(&line, pen, 6.0, 4.0));
                } else {
                    painter.add(egui::Shape::line(line.clone(), pen));
                }
                if let [.., from, to] = line.as_slice() {
                    let direction = (*to - *from).normalized() * 8.0 * scale.max(0.6);
                    let side = egui::vec2(-direction.y, direction.x) * 0.5;
                    painter.add(egui::Shape::convex_polygon(
                        vec![*to, *to - direction + side, *to - direction - side],
                        colour(*stroke),
                        egui::Stroke::NONE,
                    ));
                }
            }
        }
    }
}

/// The graph screen: choose a scenario and see its steps as a picture, at `zoom` (the
/// trainer's slider; 1 is the SVG's size).
pub fn widget(ui: &mut egui::Ui, view: &GraphView, zoom: &mut f32) -> Option<Intent> {
    let mut intent = None;
    if author_tool_heading(ui, "Step graph") {
        intent = Some(Intent::AuthorPreview);
    }
    ui.horizontal(|ui| {
        if let Some(n) = scenario_picker(ui, &view.scenarios, view.scenario) {
            intent = Some(Intent::PreviewScenario(n));
        }
        ui.add(egui::Slider::new(zoom, 0.3..=1.5).text("Zoom"));
    });
    ui.label(&view.summary);
    ui.separator();
    match &view.marks {
        Ok(marks) => {
            let focus = view.start.filter(|_| view.scroll_to_start);
            egui::ScrollArea::both().show(ui, |ui| paint(ui, marks, *zoom, focus));
        }
        Err(reason) => {
            ui.colored_label(ui.visuals().error_fg_color, reason);
        }
    }
    intent
}

/// Pictures per scenario version, laid out once: layout is too slow to repeat each frame.
#[derive(Default)]
struct PictureCache(std::collections::HashMap<String, (String, Result<Vec<Mark>, String>)>);

fn system(
    mut contexts: EguiContexts,
    library: Res<ScenarioLibrary>,
    catalog: Res<CatalogResource>,
    mut selection: Local<usize>,
    mut zoom: Local<Option<f32>>,
    mut shown: Local<Option<String>>,
    mut cache: Local<PictureCache>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let scenarios = library.playable();
    if scenarios.is_empty() {
        return Ok(());
    }
    *selection = (*selection).min(scenarios.len() - 1);
    let loaded = &scenarios[*selection];
    let (summary, marks) = cache
        .0
        .entry(loaded.content_hash().to_owned())
        .or_insert_with(|| picture(&loaded.scenario, &catalog.0))
        .clone();
    // Scroll to the start once per scenario version shown, then leave scrolling to the trainer.
    let scroll_to_start = shown.as_deref() != Some(loaded.content_hash());
    *shown = Some(loaded.content_hash().to_owned());
    let view = GraphView {
        scenarios: scenarios.iter().map(|s| s.scenario.title.clone()).collect(),
        scenario: *selection,
        summary,
        start: marks
            .as_ref()
            .ok()
            .and_then(|m| start_of(&loaded.scenario, m)),
        scroll_to_start,
        marks,
    };
    // Readable text at first; the slider goes smaller for an overview.
    let zoom = zoom.get_or_insert(0.8);
    match frame_wide(ctx, &mut settings, egui::Id::new("graph"), |ui| {
        widget(ui, &view, zoom)
    }) {
        Some(Intent::PreviewScenario(n)) => *selection = n,
        Some(intent) => send(intent, &mut actions, &mut settings),
        None => {}
    }
    Ok(())
}
