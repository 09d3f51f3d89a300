//! What every screen shares: the theme and type scale applied with the text-size shortcuts, the frame a screen is drawn in (a centred reading column, the display settings bar, the input guard), the title bar, and turning a trainee's intent into a message.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::play::runner::Input;

use super::input;
use super::intent::Intent;
use super::settings::DisplaySettings;
use crate::sim::{ScenarioLibrary, Screen, Session, SignInAction, TraineeAction};

/// Systems that apply the display settings before any screen draws.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Chrome;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, redraw_on_change)
        .add_systems(EguiPrimaryContextPass, chrome.in_set(Chrome));
}

/// Reactive rendering draws only on input: draw the first frames, and again whenever the
/// scenarios finish loading or the screen changes without a click (a reload, say).
fn redraw_on_change(
    time: Res<Time>,
    library: Res<ScenarioLibrary>,
    session: Res<Session>,
    screen: Res<State<Screen>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if time.elapsed_secs() < 2.0
        || library.is_changed()
        || session.is_changed()
        || screen.is_changed()
    {
        redraw.write(bevy::window::RequestRedraw);
    }
}

/// Turns an intent into a message (or a settings change).
pub(super) fn send(
    intent: Intent,
    actions: &mut MessageWriter<TraineeAction>,
    settings: &mut DisplaySettings,
) {
    let action = match intent {
        Intent::SignIn(action) => {
            // The unit is remembered per workstation: most trainees at one share it.
            if let SignInAction::Open { unit, .. }
            | SignInAction::NewPin { unit, .. }
            | SignInAction::Account { unit, .. } = &action
                && !unit.is_empty()
                && settings.unit != *unit
            {
                settings.unit = unit.clone();
                settings.save();
            }
            TraineeAction::SignIn(action)
        }
        Intent::SignOut => TraineeAction::SignOut,
        Intent::Open(id) => TraineeAction::Open(id),
        Intent::StartAgain(id) => TraineeAction::StartAgain(id),
        Intent::Resume(id) => match uuid::Uuid::parse_str(&id) {
            Ok(id) => TraineeAction::Resume(id),
            Err(_) => return,
        },
        Intent::Review(id) => match uuid::Uuid::parse_str(&id) {
            Ok(id) => TraineeAction::Review(id),
            Err(_) => return,
        },
        Intent::ConfirmStartAgain => TraineeAction::ConfirmStartAgain,
        Intent::CancelStartAgain => TraineeAction::CancelStartAgain,
        Intent::AcceptWarning => TraineeAction::AcceptWarning,
        Intent::Back => TraineeAction::Back,
        Intent::Flag(cue) => TraineeAction::Input(Input::Flag(cue)),
        Intent::Unflag(cue) => TraineeAction::Input(Input::Unflag(cue)),
        Intent::Choose(option) => TraineeAction::Input(Input::Choose(option)),
        Intent::Continue => TraineeAction::Input(Input::Continue),
        Intent::TextSize(step) => {
            settings.step(step);
            return;
        }
        Intent::ToggleContrast => {
            settings.high_contrast = !settings.high_contrast;
            return;
        }
        Intent::AuthorPreview => TraineeAction::AuthorPreview,
        Intent::SetAsideStore => TraineeAction::SetAsideStore,
        Intent::Quit => TraineeAction::Quit,
        Intent::Catalogue => TraineeAction::AuthorTool(crate::sim::Screen::Catalogue),
        Intent::StepGraph => TraineeAction::AuthorTool(crate::sim::Screen::Graph),
        Intent::Statistics => TraineeAction::Statistics,
        Intent::ChangedScenario(choice) => TraineeAction::ChangedScenario(choice),
        // Selections inside the author preview are the preview's own business.
        Intent::PreviewScenario(_) | Intent::PreviewStep(_) => return,
    };
    actions.write(action);
}

/// Applies the display settings and handles the shortcuts every screen shares:
/// Ctrl and + or − for text size.
fn chrome(mut contexts: EguiContexts, mut settings: ResMut<DisplaySettings>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (bigger, smaller) = ctx.input(|i| {
        (
            i.modifiers.command
                && (i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals)),
            i.modifiers.command && i.key_pressed(egui::Key::Minus),
        )
    });
    if bigger || smaller {
        settings.step(if bigger { 1 } else { -1 });
    }
    if (ctx.zoom_factor() - settings.scale).abs() > f32::EPSILON {
        ctx.set_zoom_factor(settings.scale);
    }
    let visuals = super::theme::visuals(settings.high_contrast);
    ctx.set_visuals(visuals);
    apply_type_scale(ctx);
    Ok(())
}

/// A screen's title with its buttons on the right: the buttons keep their place and the
/// title wraps in the room left, so a long title or large text never runs under them.
pub fn title_bar(ui: &mut egui::Ui, title: &str, buttons: impl FnOnce(&mut egui::Ui)) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
        buttons(ui);
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
            ui.add(egui::Label::new(egui::RichText::new(title).heading()).wrap());
        });
    });
}

/// Puts the type scale ([`super::theme::text_styles`]) in force, once.
pub fn apply_type_scale(ctx: &egui::Context) {
    let styles = super::theme::text_styles();
    if ctx.global_style().text_styles != styles {
        ctx.all_styles_mut(|s| s.text_styles = styles.clone());
    }
}

/// Draws a screen with [`frame`] and sends what the trainee asked for.
pub(super) fn show(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    actions: &mut MessageWriter<TraineeAction>,
    on_screen: egui::Id,
    screen: impl FnOnce(&mut egui::Ui) -> Option<Intent>,
) {
    if let Some(intent) = frame(ctx, settings, on_screen, screen) {
        send(intent, actions, settings);
    }
}

/// Draws a screen: the display settings along the bottom, the screen's widget in the rest.
///
/// `on_screen` names what is shown (each step of a scenario its own): the screen's widgets
/// live under it, so no focus or press carries from one screen to the next, and what the
/// screen returns is dropped when it came from a click or key begun before the trainee
/// could see it ([`input::Guard`]).
///
/// The screen is drawn in a centred column no wider than the reading measure
/// ([`super::theme::measure`], about 80 characters of body text), so lines stay readable on a
/// wide screen; [`frame_wide`] gives tables and pictures the whole width.
pub fn frame<R>(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    on_screen: egui::Id,
    screen: impl FnOnce(&mut egui::Ui) -> Option<R>,
) -> Option<R> {
    frame_with(ctx, settings, on_screen, true, screen)
}

/// [`frame`] using the whole width: for trainers' tables, charts and graphs.
pub fn frame_wide<R>(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    on_screen: egui::Id,
    screen: impl FnOnce(&mut egui::Ui) -> Option<R>,
) -> Option<R> {
    frame_with(ctx, settings, on_screen, false, screen)
}

fn frame_with<R>(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    on_screen: egui::Id,
    reading: bool,
    screen: impl FnOnce(&mut egui::Ui) -> Option<R>,
) -> Option<R> {
    input::begin_frame(ctx);
    let guard = input::Guard::begin(ctx, on_screen);
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::bottom("display").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.label("Text size");
            if ui.small_button("A−").on_hover_text("Ctrl −").clicked() {
                settings.step(-1);
            }
            if ui.small_button("A+").on_hover_text("Ctrl +").clicked() {
                settings.step(1);
            }
            let mut contrast = settings.high_contrast;
            if ui.checkbox(&mut contrast, "High contrast").changed() {
                settings.high_contrast = contrast;
            }
        });
    });
    let mut out = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        egui::Frame::new().inner_margin(8.0).show(ui, |ui| {
            let room = ui.available_rect_before_wrap();
            let width = if reading {
                super::theme::measure(ui).min(room.width())
            } else {
                room.width()
            };
            let column = egui::Rect::from_min_size(
                egui::pos2(room.center().x - width / 2.0, room.top()),
                egui::vec2(width, room.height()),
            );
            out = ui
                .scope_builder(egui::UiBuilder::new().max_rect(column), |ui| {
                    ui.push_id(on_screen, screen).inner
                })
                .inner;
        });
    });
    input::Guard::end(ctx);
    guard.admit(out)
}

/// An author tool's heading with "Back to the author preview" on the right (Escape too):
/// whether the trainer asked to go back this frame.
pub(crate) fn author_tool_heading(ui: &mut egui::Ui, title: &str) -> bool {
    let mut back = false;
    ui.horizontal(|ui| {
        ui.heading(title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            back = ui.button("Back to the author preview").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape));
        });
    });
    back
}

/// The author tools' scenario chooser (titles, the one shown at `selected`): the index
/// chosen this frame, if any.
pub(crate) fn scenario_picker(
    ui: &mut egui::Ui,
    scenarios: &[String],
    selected: usize,
) -> Option<usize> {
    let mut chosen = None;
    egui::ComboBox::from_label("Scenario")
        .selected_text(scenarios.get(selected).cloned().unwrap_or_default())
        .show_ui(ui, |ui| {
            for (n, title) in scenarios.iter().enumerate() {
                if ui.selectable_label(n == selected, title).clicked() {
                    chosen = Some(n);
                }
            }
        });
    chosen
}
