//! The content warning shown before a scenario starts, with the way back.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::sim::{Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system
            .run_if(in_state(Screen::ContentWarning))
            .after(Chrome),
    );
}

/// The content warning before a scenario.
pub fn widget(ui: &mut egui::Ui, title: &str, warning: &str) -> Option<Intent> {
    let mut intent = None;
    ui.heading(title);
    ui.add_space(8.0);
    ui.strong("Content warning");
    ui.label(warning);
    ui.label("You can stop at any time and come back later: your progress is saved.");
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if ui.button("Continue to the scenario").clicked()
            || crate::ui::input::shortcut(ui, egui::Key::Enter)
        {
            intent = Some(Intent::AcceptWarning);
        }
        if ui.button("Go back").clicked() || crate::ui::input::key(ui, egui::Key::Escape) {
            intent = Some(Intent::Back);
        }
    });
    intent
}

fn system(
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
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new(("content warning", &s.title)),
        |ui| widget(ui, &s.title, s.content_warning.as_deref().unwrap_or("")),
    );
    Ok(())
}
