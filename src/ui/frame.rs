//! What every screen shares: the display settings applied and their shortcuts, the frame a screen is drawn in, number keys, and turning a trainee's intent into a message.

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
    let visuals = if settings.high_contrast {
        let mut v = egui::Visuals::dark();
        v.override_text_color = Some(egui::Color32::WHITE);
        v.panel_fill = egui::Color32::BLACK;
        v.window_fill = egui::Color32::BLACK;
        v.widgets.inactive.bg_stroke = egui::Stroke::new(1.5, egui::Color32::YELLOW);
        v.widgets.inactive.weak_bg_fill = egui::Color32::BLACK;
        v.widgets.inactive.bg_fill = egui::Color32::BLACK;
        v.widgets.hovered.bg_stroke = egui::Stroke::new(3.0, egui::Color32::WHITE);
        v.selection.bg_fill = egui::Color32::from_rgb(0, 90, 200);
        // The keyboard focus must be the most visible thing on screen.
        v.selection.stroke = egui::Stroke::new(4.0, egui::Color32::from_rgb(0, 255, 255));
        v
    } else {
        egui::Visuals::light()
    };
    ctx.set_visuals(visuals);
    Ok(())
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
pub fn frame<R>(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    on_screen: egui::Id,
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
            out = ui.push_id(on_screen, screen).inner;
        });
    });
    input::Guard::end(ctx);
    guard.admit(out)
}
