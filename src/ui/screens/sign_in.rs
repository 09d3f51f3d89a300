//! The sign-in screen: staff or collar number, name and unit, with the unit remembered on the workstation.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::sim::{Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::SignIn)).after(Chrome),
    );
}

/// The sign-in form's contents (kept between frames by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInForm {
    /// Staff or collar number typed so far.
    pub staff_number: String,
    /// Name typed so far.
    pub name: String,
    /// Unit (remembered per workstation).
    pub unit: String,
    /// Why the last attempt to sign in was refused.
    pub problem: Option<String>,
}

/// Sign in: staff number, name and unit. No password: this is not access control.
pub fn widget(ui: &mut egui::Ui, form: &mut SignInForm) -> Option<Intent> {
    let mut intent = None;
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading("Silent Slavery Trainer");
        ui.label("Sign in to play the scenarios and see your results.");
        ui.add_space(16.0);
    });
    egui::Grid::new("sign_in")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label("Staff or collar number");
            let staff =
                ui.add(egui::TextEdit::singleline(&mut form.staff_number).hint_text("e.g. 4521"));
            ui.end_row();
            ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut form.name));
            ui.end_row();
            ui.label("Unit");
            ui.add(egui::TextEdit::singleline(&mut form.unit).hint_text("e.g. North Response"));
            ui.end_row();
            if form.staff_number.is_empty()
                && !staff.has_focus()
                && ui.memory(|m| m.focused().is_none())
            {
                staff.request_focus();
            }
        });
    ui.add_space(8.0);
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Sign in").clicked() || enter {
        intent = Some(Intent::SignIn {
            staff_number: form.staff_number.trim().to_owned(),
            name: form.name.trim().to_owned(),
            unit: form.unit.trim().to_owned(),
        });
    }
    intent
}

fn system(
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
    show(ctx, &mut settings, &mut actions, |ui| widget(ui, form));
    Ok(())
}
