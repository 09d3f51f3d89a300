//! The screen shown when the results store failed its check at start: what happened in plain words, and the choice to set it aside or close.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::sim::{DamagedStore, Screen, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::StoreDamaged)).after(Chrome),
    );
}

/// What the screen says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreDamagedView {
    /// The damaged file.
    pub path: String,
    /// What SQLite found.
    pub detail: String,
    /// Why setting it aside failed, if it did.
    pub problem: Option<String>,
}

/// The view of a damaged store.
pub fn view(damaged: &DamagedStore) -> StoreDamagedView {
    StoreDamagedView {
        path: damaged.path.display().to_string(),
        detail: damaged.detail.clone(),
        problem: damaged.problem.clone(),
    }
}

/// The damaged store: what it means, and the two ways on.
pub fn widget(ui: &mut egui::Ui, view: &StoreDamagedView) -> Option<Intent> {
    let mut intent = None;
    ui.heading("The results store is damaged");
    ui.add_space(8.0);
    ui.label(format!(
        "The file that keeps everyone's results on this workstation, {}, failed its check when the app started, so nothing has been written to it.",
        view.path
    ));
    ui.label(
        "You can move it aside and start a new, empty store: the damaged file is kept beside it under a dated name, for your IT desk to recover attempts from. Results in it will not show here until then.",
    );
    ui.label("Or close the app and ask your IT desk first.");
    ui.add_space(4.0);
    ui.label(egui::RichText::new(format!("What was found: {}", view.detail)).weak());
    if let Some(problem) = &view.problem {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("It could not be moved aside: {problem}"),
        );
    }
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if ui.button("Move it aside and start a new store").clicked() {
            intent = Some(Intent::SetAsideStore);
        }
        if ui.button("Close the app").clicked() {
            intent = Some(Intent::Quit);
        }
    });
    intent
}

fn system(
    mut contexts: EguiContexts,
    damaged: Option<Res<DamagedStore>>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(damaged) = damaged else {
        return Ok(());
    };
    let view = view(&damaged);
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new("store damaged"),
        |ui| widget(ui, &view),
    );
    Ok(())
}
