//! The question asked on resuming an attempt whose scenario a trainer has edited since it started: finish the version started, or start again on the new one.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_results::attempt::ChangedVersionChoice;

use crate::sim::{ChangedScenario, Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system
            .run_if(in_state(Screen::ScenarioChanged))
            .after(Chrome),
    );
}

/// What the screen says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioChangedView {
    /// The scenario's title now.
    pub title: String,
    /// The version the attempt started on.
    pub started_version: u32,
    /// The version in the library now.
    pub current_version: u32,
    /// When the attempt started, `YYYY-MM-DD` (UTC).
    pub started_on: String,
}

/// The view of a changed scenario.
pub fn view(changed: &ChangedScenario) -> ScenarioChangedView {
    let date = changed.started_at.date();
    ScenarioChangedView {
        title: changed.current.scenario.title.clone(),
        started_version: changed.started_version,
        current_version: changed.current.scenario.version,
        started_on: format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        ),
    }
}

/// The question and its two answers (keys 1 and 2; Escape goes back to the scenarios).
pub fn widget(ui: &mut egui::Ui, view: &ScenarioChangedView) -> Option<Intent> {
    let mut intent = None;
    ui.heading(&view.title);
    ui.add_space(8.0);
    ui.strong("This scenario has changed since you started it");
    let versions = if view.started_version == view.current_version {
        format!(
            "You started it on {} and a trainer has edited it since (it is still numbered version {}).",
            view.started_on, view.current_version
        )
    } else {
        format!(
            "You started version {} on {}; it is now version {}.",
            view.started_version, view.started_on, view.current_version
        )
    };
    ui.label(versions);
    ui.label("You can finish the version you started: it goes on from where you stopped and is scored on that version. Or you can start again from the beginning on the new version: the attempt you started is kept in your record, unfinished.");
    ui.add_space(12.0);
    let (one, two, escape) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Num1),
            i.key_pressed(egui::Key::Num2),
            i.key_pressed(egui::Key::Escape),
        )
    });
    ui.horizontal(|ui| {
        if ui.button("1  Finish the version I started").clicked() || one {
            intent = Some(Intent::ChangedScenario(ChangedVersionChoice::FinishStarted));
        }
        if ui.button("2  Start again on the new version").clicked() || two {
            intent = Some(Intent::ChangedScenario(ChangedVersionChoice::StartNew));
        }
        if ui.button("Back to the scenarios").clicked() || escape {
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
    let Some(changed) = &session.changed else {
        return Ok(());
    };
    let view = view(changed);
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new("scenario changed"),
        |ui| widget(ui, &view),
    );
    Ok(())
}
