//! A results store that failed its check when the app started: nothing is written to it, the screen says so, and it is set aside only once the trainee or operator has read that.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bevy::prelude::*;
use silent_slavery_results::store::{Store, StoreError};

use super::{Results, Screen, Session, TraineeAction};

/// The store file that failed its check, and what SQLite found.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct DamagedStore {
    /// The file.
    pub path: PathBuf,
    /// What SQLite found.
    pub detail: String,
    /// Why setting it aside failed, if it did.
    pub problem: Option<String>,
}

/// The app's results store, or a damaged one to tell the trainee about.
pub enum OpenedResults {
    /// The store opened and passed its check.
    Sound(Results),
    /// The store failed its check: the app runs on an empty store in memory, which nothing
    /// writes to (every screen but the one about the damage is closed), until it is set aside.
    Damaged(Results, DamagedStore),
}

/// Opens the app's results store at `db`; a damaged file is reported, not an error.
///
/// # Errors
/// [`StoreError`] for anything else that stops the store opening (no folder, a network
/// filesystem, permissions).
pub fn open_results(db: &Path) -> Result<OpenedResults, StoreError> {
    match Store::open_checked(db) {
        Ok(store) => Ok(OpenedResults::Sound(Results(Mutex::new(store)))),
        Err(StoreError::DamagedFile { path, detail }) => Ok(OpenedResults::Damaged(
            Results(Mutex::new(Store::open_in_memory()?)),
            DamagedStore {
                path,
                detail,
                problem: None,
            },
        )),
        Err(e) => Err(e),
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, show_first)
        .add_systems(Update, act.run_if(resource_exists::<DamagedStore>));
}

/// The damage is the first thing on screen.
fn show_first(damaged: Option<Res<DamagedStore>>, mut next: ResMut<NextState<Screen>>) {
    if damaged.is_some() {
        next.set(Screen::StoreDamaged);
    }
}

fn act(
    mut actions: MessageReader<TraineeAction>,
    mut damaged: ResMut<DamagedStore>,
    results: Res<Results>,
    mut session: ResMut<Session>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
) {
    for action in actions.read() {
        match action {
            TraineeAction::SetAsideStore => match set_aside(&damaged.path, &results) {
                Ok(aside) => {
                    *session = Session {
                        notice: Some(format!(
                            "The damaged results store was moved to {}. Keep it for your IT desk: attempts may be recovered from it. A new, empty store has started.",
                            aside.display()
                        )),
                        ..Session::default()
                    };
                    commands.remove_resource::<DamagedStore>();
                    next.set(Screen::SignIn);
                }
                Err(e) => damaged.problem = Some(e.to_string()),
            },
            TraineeAction::Quit => {
                exit.write(AppExit::Success);
            }
            _ => {}
        }
    }
}

/// Moves the damaged file aside and puts a new store in its place.
fn set_aside(path: &Path, results: &Results) -> Result<PathBuf, StoreError> {
    let aside = Store::set_aside(path)?;
    let store = Store::open_checked(path)?;
    store.set_busy_timeout(super::session::APP_BUSY_TIMEOUT)?;
    if let Ok(mut slot) = results.0.lock() {
        *slot = store;
    }
    Ok(aside)
}
