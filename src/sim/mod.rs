//! Everything the app does without a window: scenario assets and courses, screens, the trainee's session and its recording, and their history from other workstations.

mod courses;
mod damaged_store;
mod history;
mod library;
mod screen;
mod session;
mod sign_in;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::model::catalog::Catalog;

pub use courses::Courses;
pub use damaged_store::{DamagedStore, OpenedResults, open_results};
pub use history::{HistorySource, HistoryState, TraineeHistory};
pub use library::{LibraryEntry, ScenarioAsset, ScenarioLibrary, asset_plugin};
pub use screen::Screen;
pub use session::{
    APP_BUSY_TIMEOUT, BUSY_SAVING, BUSY_TRY_AGAIN, ChangedScenario, FinishedAttempt, PendingSave,
    Session, StartAgainPending, TraineeAction,
};
pub use sign_in::{OsAccount, SignInAction, SignInStage, account_staff_number};

/// Where the app finds its scenarios and keeps its results.
#[derive(Resource, Clone)]
pub struct SimConfig {
    /// The asset root (the folder `scenarios/` is in), as given to Bevy's `AssetPlugin`.
    pub asset_root: PathBuf,
    /// The scenarios folder, relative to the asset root.
    pub scenarios: PathBuf,
    /// Whether trainers' tools (the author preview, which shows every path's score and
    /// which cues are red herrings) are on. Off for trainees: it would give the answers away.
    pub author: bool,
    /// How trainees are identified (the workstation configuration; docs/operations.md,
    /// "Identity").
    pub identity: silent_slavery_results::identity::IdentityMode,
}

/// The results store the session writes every input to.
#[derive(Resource)]
pub struct Results(pub Mutex<Store>);

/// The indicator and ruleset catalogue.
#[derive(Resource, Clone)]
pub struct CatalogResource(pub Arc<Catalog>);

/// The headless part of the app: add it after `AssetPlugin` and `StatesPlugin` (or
/// `DefaultPlugins`), with [`SimConfig`] and [`Results`] inserted.
pub struct SimPlugin;

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            screen::plugin,
            library::plugin,
            courses::plugin,
            session::plugin,
            damaged_store::plugin,
            history::plugin,
            sign_in::plugin,
        ));
    }
}
