//! Signing in under the workstation's identity mode: the operating-system account, a staff number and PIN (set at the first sign-in, locked after repeated wrong tries), or open mode for classroom demos; a known staff number is never renamed without asking.

use bevy::prelude::*;
use silent_slavery_results::attempt::Trainee;
use silent_slavery_results::identity::{
    self, IdentityMode, KnownTrainee, PinRefusal, PinState, check_identifier, check_new_pin,
    normalised_staff_number,
};
use silent_slavery_results::store::{Store, StoreError};

use super::session::BUSY_TRY_AGAIN;
use super::{DamagedStore, Results, Screen, Session, SimConfig, TraineeAction};

/// Where a sign-in has got to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SignInStage {
    /// The first step of the mode: the open form, the staff number for a PIN, or the
    /// operating-system account's greeting.
    #[default]
    Start,
    /// PIN mode: a known trainee types their PIN.
    EnterPin {
        /// Who, as recorded.
        trainee: Trainee,
    },
    /// PIN mode: a known trainee with no PIN yet sets one.
    SetPin {
        /// Who, as recorded.
        trainee: Trainee,
    },
    /// PIN mode: a new staff number: name, unit and a new PIN.
    Register {
        /// The staff number typed.
        staff_number: String,
    },
    /// A new staff number that looks like a recorded one (`04521` and `4521`).
    SimilarNumber {
        /// What was typed (with the name and unit, in open mode).
        typed: Trainee,
        /// The trainee on record under the similar number.
        recorded: Trainee,
    },
    /// Open mode: the staff number is recorded with another name or unit.
    ConfirmDetails {
        /// As recorded.
        recorded: Trainee,
        /// As typed.
        typed: Trainee,
    },
}

/// A step of signing in, sent by the sign-in screen (as [`TraineeAction::SignIn`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInAction {
    /// Open mode: the form.
    Open {
        /// Staff or collar number.
        staff_number: String,
        /// Name.
        name: String,
        /// Unit.
        unit: String,
    },
    /// Open mode, asked about a recorded staff number: sign in as recorded, or change the
    /// record to what was typed.
    ConfirmDetails {
        /// Change the record's name and unit to what was typed.
        update_record: bool,
    },
    /// A similar recorded staff number was offered: `true` to use it, `false` to keep the
    /// number as typed (a different person).
    UseRecordedNumber(bool),
    /// PIN mode: the staff number.
    StaffNumber(String),
    /// PIN mode: the PIN of a known trainee.
    Pin(String),
    /// PIN mode: a new PIN (twice), with name and unit for a new trainee.
    NewPin {
        /// The PIN.
        pin: String,
        /// Typed again.
        again: String,
        /// Name (new trainees).
        name: String,
        /// Unit (new trainees).
        unit: String,
    },
    /// Operating-system account: sign in, with name and unit the first time.
    Account {
        /// Name (first time).
        name: String,
        /// Unit (first time).
        unit: String,
    },
    /// Back to the first step.
    Restart,
}

/// The operating-system account the app runs under, when the identity mode uses it.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct OsAccount(pub Option<String>);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, act);
}

/// The staff number the workstation's account signs in as, or why it cannot.
pub fn account_staff_number(config: &SimConfig, account: &OsAccount) -> Result<String, String> {
    let IdentityMode::OsAccount { accounts, unmapped } = &config.identity else {
        return Err("this workstation does not sign in by its account".into());
    };
    let Some(name) = &account.0 else {
        return Err(
            "the name of this computer's account could not be read; ask your IT desk".into(),
        );
    };
    identity::staff_number_for_account(name, accounts, *unmapped).map_err(|e| e.to_string())
}

fn act(
    mut actions: MessageReader<TraineeAction>,
    mut session: ResMut<Session>,
    results: Res<Results>,
    config: Res<SimConfig>,
    account: Option<Res<OsAccount>>,
    mut next: ResMut<NextState<Screen>>,
    damaged: Option<Res<DamagedStore>>,
) {
    // Read even while the store is damaged, so a sign-in made then is dropped, not acted on
    // once the store has been set aside.
    if damaged.is_some() {
        actions.clear();
        return;
    }
    let Ok(store) = results.0.lock() else {
        session.notice = Some("The results store is unavailable; restart the app.".into());
        return;
    };
    for action in actions.read() {
        let TraineeAction::SignIn(action) = action else {
            continue;
        };
        let outcome = step(&mut session, &store, &config, account.as_deref(), action);
        match outcome {
            Ok(Some((trainee, by))) => {
                *session = Session {
                    trainee: Some(trainee),
                    identified_by: Some(by),
                    ..Session::default()
                };
                next.set(Screen::Home);
            }
            Ok(None) => {}
            Err(Refusal::Busy) => session.notice = Some(BUSY_TRY_AGAIN.into()),
            Err(Refusal::Said(message)) => session.notice = Some(message),
        }
    }
}

/// Why a step did not go through.
enum Refusal {
    /// The store was busy.
    Busy,
    /// Anything else, in words for the trainee.
    Said(String),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        if e.is_busy() {
            Refusal::Busy
        } else {
            Refusal::Said(format!("Could not sign in: {e}"))
        }
    }
}

/// What the trainee typed, checked; the message names the field.
fn checked(field: &str, value: &str, required: bool) -> Result<(), Refusal> {
    if !required && value.is_empty() {
        return Ok(());
    }
    check_identifier(value).map_err(|problem| Refusal::Said(format!("Your {field} {problem}.")))
}

type SignedIn = Option<(Trainee, silent_slavery_results::attempt::IdentifiedBy)>;

/// One step: `Some` once someone is signed in.
fn step(
    session: &mut Session,
    store: &Store,
    config: &SimConfig,
    account: Option<&OsAccount>,
    action: &SignInAction,
) -> Result<SignedIn, Refusal> {
    let by = config.identity.identified_by();
    session.notice = None;
    match (&config.identity, action) {
        (_, SignInAction::Restart) => {
            session.sign_in = SignInStage::Start;
            Ok(None)
        }
        (
            IdentityMode::Open,
            SignInAction::Open {
                staff_number,
                name,
                unit,
            },
        ) => {
            checked("staff or collar number", staff_number, true)?;
            checked("name", name, true)?;
            checked("unit", unit, false)?;
            let typed = Trainee {
                staff_number: staff_number.clone(),
                name: name.clone(),
                unit: unit.clone(),
            };
            match identity::compare_with_record(store, &typed)? {
                KnownTrainee::Same => Ok(Some((typed, by))),
                KnownTrainee::Differs { recorded } => {
                    session.sign_in = SignInStage::ConfirmDetails { recorded, typed };
                    Ok(None)
                }
                KnownTrainee::New => match similar(store, staff_number)? {
                    Some(recorded) => {
                        session.sign_in = SignInStage::SimilarNumber { typed, recorded };
                        Ok(None)
                    }
                    None => {
                        store.add_trainee(&typed)?;
                        Ok(Some((typed, by)))
                    }
                },
            }
        }
        (IdentityMode::Open, SignInAction::ConfirmDetails { update_record }) => {
            let SignInStage::ConfirmDetails { recorded, typed } = session.sign_in.clone() else {
                return Ok(None);
            };
            if *update_record {
                store.update_trainee(&typed)?;
                Ok(Some((typed, by)))
            } else {
                Ok(Some((recorded, by)))
            }
        }
        (_, SignInAction::UseRecordedNumber(use_recorded)) => {
            let SignInStage::SimilarNumber { typed, recorded } = session.sign_in.clone() else {
                return Ok(None);
            };
            match (&config.identity, *use_recorded) {
                // The recorded number is theirs: sign in as it would have been typed.
                (IdentityMode::Open, true) => {
                    session.sign_in = SignInStage::Start;
                    step(
                        session,
                        store,
                        config,
                        account,
                        &SignInAction::Open {
                            staff_number: recorded.staff_number,
                            name: typed.name,
                            unit: typed.unit,
                        },
                    )
                }
                (IdentityMode::Open, false) => {
                    store.add_trainee(&typed)?;
                    Ok(Some((typed, by)))
                }
                (_, true) => {
                    session.sign_in = SignInStage::Start;
                    pin_start(session, store, &recorded.staff_number, false)
                }
                (_, false) => pin_start(session, store, &typed.staff_number, false),
            }
        }
        (IdentityMode::StaffNumberAndPin(_), SignInAction::StaffNumber(staff_number)) => {
            checked("staff or collar number", staff_number, true)?;
            pin_start(session, store, staff_number, true)
        }
        (IdentityMode::StaffNumberAndPin(policy), SignInAction::Pin(pin)) => {
            let SignInStage::EnterPin { trainee } = session.sign_in.clone() else {
                return Ok(None);
            };
            let now = time::OffsetDateTime::now_utc();
            match store.check_pin(&trainee.staff_number, pin, policy, now) {
                Ok(()) => Ok(Some((trainee, by))),
                Err(PinRefusal::Store(e)) => Err(e.into()),
                Err(refusal) => Err(Refusal::Said(sentence(&refusal.to_string()))),
            }
        }
        (
            IdentityMode::StaffNumberAndPin(policy),
            SignInAction::NewPin {
                pin,
                again,
                name,
                unit,
            },
        ) => {
            let trainee = match session.sign_in.clone() {
                SignInStage::SetPin { trainee } => trainee,
                SignInStage::Register { staff_number } => {
                    checked("name", name, true)?;
                    checked("unit", unit, false)?;
                    Trainee {
                        staff_number,
                        name: name.clone(),
                        unit: unit.clone(),
                    }
                }
                _ => return Ok(None),
            };
            check_new_pin(pin, again, policy)
                .map_err(|p| Refusal::Said(sentence(&format!("That PIN will not do: {p}"))))?;
            let hash = identity::hash_pin(pin)?;
            if matches!(session.sign_in, SignInStage::Register { .. }) {
                store.add_trainee(&trainee)?;
            }
            store.set_pin(
                &trainee.staff_number,
                &hash,
                time::OffsetDateTime::now_utc(),
            )?;
            Ok(Some((trainee, by)))
        }
        (IdentityMode::OsAccount { .. }, SignInAction::Account { name, unit }) => {
            let staff_number = account_staff_number(config, account.unwrap_or(&OsAccount(None)))
                .map_err(|e| Refusal::Said(sentence(&e)))?;
            match store.trainee(&staff_number)? {
                Some(trainee) => Ok(Some((trainee, by))),
                None => {
                    checked("name", name, true)?;
                    checked("unit", unit, false)?;
                    let trainee = Trainee {
                        staff_number,
                        name: name.clone(),
                        unit: unit.clone(),
                    };
                    store.add_trainee(&trainee)?;
                    Ok(Some((trainee, by)))
                }
            }
        }
        // An action from another mode's screen (a stale click): nothing happens.
        _ => Ok(None),
    }
}

/// PIN mode: what a staff number leads to.
fn pin_start(
    session: &mut Session,
    store: &Store,
    staff_number: &str,
    offer_similar: bool,
) -> Result<SignedIn, Refusal> {
    session.sign_in = match store.pin_state(staff_number)? {
        PinState::HasPin(trainee) => SignInStage::EnterPin { trainee },
        PinState::NoPinYet(trainee) => SignInStage::SetPin { trainee },
        PinState::NewTrainee => match offer_similar.then(|| similar(store, staff_number)) {
            Some(Ok(Some(recorded))) => SignInStage::SimilarNumber {
                typed: Trainee {
                    staff_number: staff_number.to_owned(),
                    name: String::new(),
                    unit: String::new(),
                },
                recorded,
            },
            Some(Err(e)) => return Err(e.into()),
            _ => SignInStage::Register {
                staff_number: staff_number.to_owned(),
            },
        },
    };
    Ok(None)
}

/// A recorded trainee whose staff number is `staff_number` written differently.
fn similar(store: &Store, staff_number: &str) -> Result<Option<Trainee>, StoreError> {
    let wanted = normalised_staff_number(staff_number);
    Ok(store.trainees()?.into_iter().find(|t| {
        t.staff_number != staff_number && normalised_staff_number(&t.staff_number) == wanted
    }))
}

/// A message with a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
