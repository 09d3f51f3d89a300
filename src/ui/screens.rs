//! One egui system per screen: build the view, draw the widget, send what the trainee asked for as a message.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_core::runner::Input;

use super::settings::DisplaySettings;
use super::views;
use super::widgets::{self, Intent, SignInForm};
use crate::sim::{
    CatalogResource, Results, ScenarioLibrary, Screen, Session, SimConfig, TraineeAction,
};

/// The course the shipped scenarios belong to, for the home screen's heading.
#[derive(Resource, Default)]
struct CourseTitle(Option<String>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CourseTitle>()
        .add_systems(Startup, find_course)
        .add_systems(Update, redraw_on_change)
        .add_systems(
            EguiPrimaryContextPass,
            (
                chrome,
                sign_in.run_if(in_state(Screen::SignIn)),
                home.run_if(in_state(Screen::Home)),
                content_warning.run_if(in_state(Screen::ContentWarning)),
                playing.run_if(in_state(Screen::Playing)),
                debrief.run_if(in_state(Screen::Debrief)),
                author.run_if(in_state(Screen::Author)),
            )
                .chain(),
        );
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

fn find_course(config: Res<SimConfig>, mut title: ResMut<CourseTitle>) {
    let dir = config.asset_root.join(&config.scenarios).join("courses");
    let (courses, _) = silent_slavery_core::course::load_courses(&dir);
    // With several courses, the heading names the widest: the home screen lists every
    // scenario, whichever course it belongs to.
    title.0 = courses
        .into_iter()
        .max_by_key(|c| (c.scenarios.len(), std::cmp::Reverse(c.id.clone())))
        .map(|c| c.title);
}

/// Turns an intent into a message (or a settings change).
fn send(
    intent: Intent,
    actions: &mut MessageWriter<TraineeAction>,
    settings: &mut DisplaySettings,
) {
    let action = match intent {
        Intent::SignIn {
            staff_number,
            name,
            unit,
        } => {
            if settings.unit != unit {
                settings.unit = unit.clone();
                settings.save();
            }
            TraineeAction::SignIn {
                staff_number,
                name,
                unit,
            }
        }
        Intent::SignOut => TraineeAction::SignOut,
        Intent::Open(id) => TraineeAction::Open(id),
        Intent::StartAgain(id) => TraineeAction::StartAgain(id),
        Intent::Resume(id) => match uuid::Uuid::parse_str(&id) {
            Ok(id) => TraineeAction::Resume(id),
            Err(_) => return,
        },
        Intent::AcceptWarning => TraineeAction::AcceptWarning,
        Intent::Back => TraineeAction::Back,
        Intent::Flag(cue) => TraineeAction::Input(Input::Flag(cue)),
        Intent::Unflag(cue) => TraineeAction::Input(Input::Unflag(cue)),
        Intent::Choose(option) => TraineeAction::Input(Input::Choose(option)),
        Intent::Continue => TraineeAction::Input(Input::Continue),
        Intent::TextSize(step) => {
            settings.step(step);
            settings.save();
            return;
        }
        Intent::ToggleContrast => {
            settings.high_contrast = !settings.high_contrast;
            settings.save();
            return;
        }
        Intent::AuthorPreview => TraineeAction::AuthorPreview,
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
        settings.save();
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
fn show(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    actions: &mut MessageWriter<TraineeAction>,
    screen: impl FnOnce(&mut egui::Ui) -> Option<Intent>,
) {
    if let Some(intent) = frame(ctx, settings, screen) {
        send(intent, actions, settings);
    }
}

/// Draws a screen: the display settings along the bottom, the screen's widget in the rest.
fn frame<R>(
    ctx: &egui::Context,
    settings: &mut DisplaySettings,
    screen: impl FnOnce(&mut egui::Ui) -> Option<R>,
) -> Option<R> {
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
                settings.save();
            }
            if ui.small_button("A+").on_hover_text("Ctrl +").clicked() {
                settings.step(1);
                settings.save();
            }
            let mut contrast = settings.high_contrast;
            if ui.checkbox(&mut contrast, "High contrast").changed() {
                settings.high_contrast = contrast;
                settings.save();
            }
        });
    });
    let mut out = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        egui::Frame::new()
            .inner_margin(8.0)
            .show(ui, |ui| out = screen(ui));
    });
    out
}

fn sign_in(
    mut contexts: EguiContexts,
    mut form: Local<Option<SignInForm>>,
    screen: Res<State<Screen>>,
    session: Res<Session>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // A fresh form on every arrival: the next trainee at a shared workstation must not find
    // the last one's number and name waiting.
    if screen.is_changed() {
        *form = None;
    }
    let form = form.get_or_insert_with(|| SignInForm {
        unit: settings.unit.clone(),
        ..SignInForm::default()
    });
    form.problem.clone_from(&session.notice);
    // Startup measurements (scripts/measure-app.sh) look for this line.
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| info!("sign-in screen ready"));
    show(ctx, &mut settings, &mut actions, |ui| {
        widgets::sign_in(ui, form)
    });
    Ok(())
}

fn home(
    mut contexts: EguiContexts,
    session: Res<Session>,
    library: Res<ScenarioLibrary>,
    results: Res<Results>,
    config: Res<SimConfig>,
    course: Res<CourseTitle>,
    catalog: Res<CatalogResource>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
    mut cached: Local<Option<widgets::HomeView>>,
    mut audit: Local<Option<Vec<String>>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // The audit walks every scenario: only for trainers, and only when the library changed.
    if config.author && (audit.is_none() || library.is_changed()) {
        *audit = Some(views::audit_findings(
            &library,
            &catalog.0,
            &config.asset_root,
        ));
    }
    // The view reads the trainee's attempts from the store: only again when the session
    // (a finished or left attempt, a new sign-in) or the library changed, not every frame.
    if cached.is_none() || session.is_changed() || library.is_changed() {
        *cached = match results.0.lock() {
            Ok(store) => Some(views::home(
                &session,
                &library,
                &store,
                course.0.clone(),
                config.author,
                audit.clone().unwrap_or_default(),
            )),
            Err(_) => return Ok(()),
        };
    }
    let Some(view) = cached.as_ref() else {
        return Ok(());
    };
    show(ctx, &mut settings, &mut actions, |ui| {
        widgets::home(ui, view)
    });
    Ok(())
}

fn content_warning(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(scenario) = &session.pending else {
        return Ok(());
    };
    let s = &scenario.scenario;
    show(ctx, &mut settings, &mut actions, |ui| {
        widgets::content_warning(ui, &s.title, s.content_warning.as_deref().unwrap_or(""))
    });
    Ok(())
}

fn playing(
    mut contexts: EguiContexts,
    session: Res<Session>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(attempt) = &session.attempt else {
        return Ok(());
    };
    let view = views::playing(attempt, session.notice.clone());
    show(ctx, &mut settings, &mut actions, |ui| {
        widgets::playing(ui, &view)
    });
    Ok(())
}

fn debrief(
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
    let view = views::debrief(finished, &catalog.0);
    show(ctx, &mut settings, &mut actions, |ui| {
        widgets::debrief(ui, &view)
    });
    Ok(())
}

/// Paths and their scores per scenario version, worked out once: walking every path is
/// too slow to repeat each frame.
#[derive(Default)]
struct PathCache(std::collections::HashMap<String, (Vec<widgets::PathRow>, String)>);

fn author(
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
        .or_insert_with(|| views::author_paths(loaded, &catalog.0))
        .clone();
    let view = widgets::AuthorView {
        scenarios: scenarios.iter().map(|s| s.scenario.title.clone()).collect(),
        scenario: selection.0,
        steps: loaded
            .scenario
            .steps
            .iter()
            .map(|s| format!("{} ({:?})", s.id(), s.kind()))
            .collect(),
        step: selection.1,
        preview: views::step_preview(loaded, selection.1),
        paths,
        summary,
    };
    match frame(ctx, &mut settings, |ui| widgets::author_preview(ui, &view)) {
        Some(Intent::PreviewScenario(n)) => *selection = (n, 0),
        Some(Intent::PreviewStep(n)) => selection.1 = n,
        Some(intent) => send(intent, &mut actions, &mut settings),
        None => {}
    }
    Ok(())
}
