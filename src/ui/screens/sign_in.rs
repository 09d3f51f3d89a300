//! The sign-in screen under the workstation's identity mode: the computer's account, a staff number and PIN, or the open demo form; with the questions asked before a record is changed.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_results::attempt::Trainee;
use silent_slavery_results::identity::IdentityMode;

use crate::sim::{
    OsAccount, Results, Screen, Session, SignInAction, SignInStage, SimConfig, TraineeAction,
    account_staff_number,
};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::SignIn)).after(Chrome),
    );
}

/// How this workstation signs trainees in, as the screen needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInMode {
    /// Staff number, name and unit, unchecked (classroom demos).
    Open,
    /// Staff number and PIN.
    Pin {
        /// Fewest digits a new PIN may have.
        min_digits: u8,
    },
    /// The computer's account.
    Account {
        /// The account's name, if it could be read.
        account: Option<String>,
        /// The staff number it signs in as, or why it cannot.
        staff_number: Result<String, String>,
        /// The trainee on record under that number, if any.
        recorded: Option<Trainee>,
    },
}

/// What the sign-in screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInView {
    /// The mode.
    pub mode: SignInMode,
    /// Where the sign-in has got to.
    pub stage: SignInStage,
    /// Why the last step was refused.
    pub problem: Option<String>,
}

/// The fields typed so far (kept between frames by the caller; cleared on every arrival).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInForm {
    /// Staff or collar number.
    pub staff_number: String,
    /// Name.
    pub name: String,
    /// Unit (remembered per workstation).
    pub unit: String,
    /// PIN.
    pub pin: String,
    /// PIN again (setting one).
    pub pin_again: String,
}

/// The view for a session under a configuration.
pub fn view(
    session: &Session,
    config: &SimConfig,
    account: Option<&OsAccount>,
    recorded: impl Fn(&str) -> Option<Trainee>,
) -> SignInView {
    let mode = match &config.identity {
        IdentityMode::Open => SignInMode::Open,
        IdentityMode::StaffNumberAndPin(policy) => SignInMode::Pin {
            min_digits: policy.min_digits,
        },
        IdentityMode::OsAccount { .. } => {
            let account = account.cloned().unwrap_or(OsAccount(None));
            let staff_number = account_staff_number(config, &account);
            SignInMode::Account {
                recorded: staff_number.as_deref().ok().and_then(&recorded),
                account: account.0,
                staff_number,
            }
        }
    };
    SignInView {
        mode,
        stage: session.sign_in.clone(),
        problem: session.notice.clone(),
    }
}

fn heading(ui: &mut egui::Ui, line: &str) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading("Silent Slavery Trainer");
        ui.label(line);
        ui.add_space(16.0);
    });
}

/// A labelled single-line field in a two-column grid; `secret` hides what is typed.
fn field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    secret: bool,
) -> egui::Response {
    ui.label(label);
    let mut output = egui::TextEdit::singleline(value)
        .hint_text(hint)
        .password(secret)
        .show(ui);
    // A field filled in advance (the unit this workstation last saw, what was typed a step
    // ago) is selected on arrival, so typing replaces it rather than running on after it.
    if output.response.response.gained_focus() && !value.is_empty() {
        let all = egui::text::CCursorRange::two(
            egui::text::CCursor::new(0),
            egui::text::CCursor::new(value.chars().count()),
        );
        output.state.cursor.set_char_range(Some(all));
        output.state.store(ui.ctx(), output.response.response.id);
    }
    ui.end_row();
    output.response.response
}

fn staff_number_field(ui: &mut egui::Ui, value: &mut String) -> egui::Response {
    field(ui, "Staff or collar number", value, "e.g. 4521", false)
}

/// Focus the first field when nothing has the focus yet.
fn focus_first(ui: &egui::Ui, first: &egui::Response) {
    if !first.has_focus() && ui.memory(|m| m.focused().is_none()) {
        first.request_focus();
    }
}

/// The sign-in screen. Enter submits the step on screen; Escape goes back a step.
pub fn widget(ui: &mut egui::Ui, view: &SignInView, form: &mut SignInForm) -> Option<Intent> {
    let mut intent = None;
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
    let back = |ui: &mut egui::Ui, intent: &mut Option<Intent>| {
        if ui.button("Back").clicked() || escape {
            *intent = Some(Intent::SignIn(SignInAction::Restart));
        }
    };
    match (&view.mode, &view.stage) {
        (_, SignInStage::ConfirmDetails { recorded, typed }) => {
            heading(ui, "Is this you?");
            ui.label(format!(
                "Staff number {} is recorded as {} ({}). You typed {} ({}).",
                recorded.staff_number,
                recorded.name,
                or_none(&recorded.unit),
                typed.name,
                or_none(&typed.unit)
            ));
            ui.label("Records are never changed without asking: another person's results could end up under your name.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button(format!("I am {}: sign in as recorded", recorded.name))
                    .clicked()
                {
                    intent = Some(Intent::SignIn(SignInAction::ConfirmDetails {
                        update_record: false,
                    }));
                }
                if ui
                    .button(format!(
                        "Change the record to {} ({})",
                        typed.name,
                        or_none(&typed.unit)
                    ))
                    .clicked()
                {
                    intent = Some(Intent::SignIn(SignInAction::ConfirmDetails {
                        update_record: true,
                    }));
                }
                back(ui, &mut intent);
            });
        }
        (_, SignInStage::SimilarNumber { typed, recorded }) => {
            heading(ui, "Is this your staff number?");
            ui.label(format!(
                "You typed {}. Staff number {} ({}, {}) is already recorded, and learning systems may treat the two as one.",
                typed.staff_number,
                recorded.staff_number,
                recorded.name,
                or_none(&recorded.unit)
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button(format!("Yes: {} is my number", recorded.staff_number))
                    .clicked()
                {
                    intent = Some(Intent::SignIn(SignInAction::UseRecordedNumber(true)));
                }
                if ui
                    .button(format!(
                        "No: {} is mine, and I am someone else",
                        typed.staff_number
                    ))
                    .clicked()
                {
                    intent = Some(Intent::SignIn(SignInAction::UseRecordedNumber(false)));
                }
                back(ui, &mut intent);
            });
        }
        (SignInMode::Open, _) => {
            heading(ui, "Sign in to play the scenarios and see your results.");
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "Demonstration mode: sign-in is not checked, and results are marked as not verified.",
            );
            ui.add_space(8.0);
            egui::Grid::new("sign_in_open")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let first = staff_number_field(ui, &mut form.staff_number);
                    field(ui, "Name", &mut form.name, "", false);
                    field(ui, "Unit", &mut form.unit, "e.g. North Response", false);
                    focus_first(ui, &first);
                });
            if ui.button("Sign in").clicked() || enter {
                intent = Some(Intent::SignIn(SignInAction::Open {
                    staff_number: form.staff_number.trim().to_owned(),
                    name: form.name.trim().to_owned(),
                    unit: form.unit.trim().to_owned(),
                }));
            }
        }
        (SignInMode::Pin { .. }, SignInStage::Start) => {
            heading(ui, "Sign in with your staff or collar number and your PIN.");
            egui::Grid::new("sign_in_number")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let first = staff_number_field(ui, &mut form.staff_number);
                    focus_first(ui, &first);
                });
            if ui.button("Next").clicked() || enter {
                intent = Some(Intent::SignIn(SignInAction::StaffNumber(
                    form.staff_number.trim().to_owned(),
                )));
            }
        }
        (SignInMode::Pin { .. }, SignInStage::EnterPin { trainee }) => {
            heading(ui, &format!("{} ({})", trainee.name, trainee.staff_number));
            egui::Grid::new("sign_in_pin")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let first = field(ui, "PIN", &mut form.pin, "", true);
                    focus_first(ui, &first);
                });
            ui.horizontal(|ui| {
                if ui.button("Sign in").clicked() || enter {
                    intent = Some(Intent::SignIn(SignInAction::Pin(std::mem::take(
                        &mut form.pin,
                    ))));
                }
                back(ui, &mut intent);
            });
        }
        (SignInMode::Pin { min_digits }, SignInStage::SetPin { trainee }) => {
            heading(ui, &format!("{} ({})", trainee.name, trainee.staff_number));
            ui.label(format!(
                "If this is you, choose a PIN of at least {min_digits} digits. You will type it each time you sign in; keep it to yourself. If this is not you, go back and check the staff number."
            ));
            ui.add_space(8.0);
            new_pin(ui, form, false, enter, &mut intent);
            back(ui, &mut intent);
        }
        (SignInMode::Pin { min_digits }, SignInStage::Register { staff_number }) => {
            heading(ui, &format!("Staff number {staff_number} is new here"));
            ui.label(format!(
                "Give your name and unit, and choose a PIN of at least {min_digits} digits. You will type it each time you sign in; keep it to yourself."
            ));
            ui.add_space(8.0);
            new_pin(ui, form, true, enter, &mut intent);
            back(ui, &mut intent);
        }
        (
            SignInMode::Account {
                account,
                staff_number,
                recorded,
            },
            _,
        ) => {
            heading(ui, "Sign in with this computer's account.");
            match staff_number {
                Err(why) => {
                    ui.colored_label(ui.visuals().error_fg_color, why);
                }
                Ok(staff_number) => {
                    ui.label(format!(
                        "You are signed in to this computer as {} (staff number {staff_number}).",
                        account.as_deref().unwrap_or("?")
                    ));
                    ui.add_space(8.0);
                    match recorded {
                        Some(trainee) => {
                            if ui.button(format!("Continue as {}", trainee.name)).clicked() || enter
                            {
                                intent = Some(Intent::SignIn(SignInAction::Account {
                                    name: String::new(),
                                    unit: String::new(),
                                }));
                            }
                        }
                        None => {
                            ui.label("This is your first time here: give your name and unit.");
                            egui::Grid::new("sign_in_account")
                                .num_columns(2)
                                .spacing([12.0, 8.0])
                                .show(ui, |ui| {
                                    let first = field(ui, "Name", &mut form.name, "", false);
                                    field(ui, "Unit", &mut form.unit, "e.g. North Response", false);
                                    focus_first(ui, &first);
                                });
                            if ui.button("Start").clicked() || enter {
                                intent = Some(Intent::SignIn(SignInAction::Account {
                                    name: form.name.trim().to_owned(),
                                    unit: form.unit.trim().to_owned(),
                                }));
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(problem) = &view.problem {
        ui.add_space(8.0);
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    intent
}

/// The fields for a new PIN (and name and unit for a new trainee).
fn new_pin(
    ui: &mut egui::Ui,
    form: &mut SignInForm,
    with_details: bool,
    enter: bool,
    intent: &mut Option<Intent>,
) {
    egui::Grid::new("sign_in_new_pin")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let first = if with_details {
                let first = field(ui, "Name", &mut form.name, "", false);
                field(ui, "Unit", &mut form.unit, "e.g. North Response", false);
                first
            } else {
                field(ui, "New PIN", &mut form.pin, "digits only", true)
            };
            if with_details {
                field(ui, "New PIN", &mut form.pin, "digits only", true);
            }
            field(ui, "The PIN again", &mut form.pin_again, "", true);
            focus_first(ui, &first);
        });
    if ui.button("Set my PIN and sign in").clicked() || enter {
        *intent = Some(Intent::SignIn(SignInAction::NewPin {
            pin: std::mem::take(&mut form.pin),
            again: std::mem::take(&mut form.pin_again),
            name: form.name.trim().to_owned(),
            unit: form.unit.trim().to_owned(),
        }));
    }
}

fn or_none(unit: &str) -> &str {
    if unit.is_empty() { "no unit" } else { unit }
}

#[allow(clippy::too_many_arguments)]
fn system(
    mut contexts: EguiContexts,
    mut form: Local<Option<SignInForm>>,
    mut stage_seen: Local<SignInStage>,
    screen: Res<State<Screen>>,
    session: Res<Session>,
    config: Res<SimConfig>,
    account: Option<Res<OsAccount>>,
    results: Res<Results>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // A fresh form on every arrival: the next trainee at a shared workstation must not find
    // the last one's number and name waiting. A new step keeps what was typed but the PINs.
    if screen.is_changed() {
        *form = None;
    }
    if *stage_seen != session.sign_in {
        if let Some(form) = form.as_mut() {
            form.pin.clear();
            form.pin_again.clear();
        }
        *stage_seen = session.sign_in.clone();
    }
    let form = form.get_or_insert_with(|| SignInForm {
        unit: settings.unit.clone(),
        ..SignInForm::default()
    });
    let view = {
        let store = results.0.lock().ok();
        view(&session, &config, account.as_deref(), |staff| {
            store.as_ref().and_then(|s| s.trainee(staff).ok().flatten())
        })
    };
    // Startup measurements (scripts/measure-app.sh) look for this line.
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| info!("sign-in screen ready"));
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new("sign in"),
        |ui| widget(ui, &view, form),
    );
    Ok(())
}
