//! The app without a window for tests: MinimalPlugins, assets from a folder, the results store as the app opens it, and the simulation driven by messages.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Mutex;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use silent_slavery::sim::{
    OpenedResults, OsAccount, Results, ScenarioLibrary, Screen, SimConfig, SimPlugin,
    TraineeAction, open_results,
};
use silent_slavery_results::identity::IdentityMode;
use silent_slavery_results::store::Store;

/// How a test app is set up.
pub struct Setup<'a> {
    /// The store file (`None`: a store in memory).
    pub db: Option<&'a Path>,
    /// Trainers' tools on.
    pub author: bool,
    /// The workstation's identity mode.
    pub identity: IdentityMode,
    /// The operating-system account the app runs under.
    pub os_account: Option<&'a str>,
}

/// The app over the scenarios under `root/scenarios` and the store `db`, in open mode
/// (classroom demonstrations: no PIN), with trainers' tools on.
pub fn app(root: &Path, db: &Path) -> App {
    app_from(
        root,
        Setup {
            db: Some(db),
            author: true,
            identity: IdentityMode::Open,
            os_account: None,
        },
    )
}

/// The app as `setup` says, with every scenario loaded.
pub fn app_from(root: &Path, setup: Setup<'_>) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        // As the app sets it: files watched for edits when trainers' tools are on.
        silent_slavery::sim::asset_plugin(root, setup.author),
        StatesPlugin,
    ))
    .insert_resource(SimConfig {
        asset_root: root.to_path_buf(),
        scenarios: "scenarios".into(),
        author: setup.author,
        identity: setup.identity,
    })
    .insert_resource(OsAccount(setup.os_account.map(str::to_owned)));
    match setup.db {
        // As the app does: a damaged store is told about, not an error.
        Some(db) => match open_results(db).expect("store") {
            OpenedResults::Sound(results) => {
                app.insert_resource(results);
            }
            OpenedResults::Damaged(results, damaged) => {
                app.insert_resource(results).insert_resource(damaged);
            }
        },
        None => {
            app.insert_resource(Results(Mutex::new(
                Store::open_in_memory().expect("store in memory"),
            )));
        }
    }
    app.add_plugins(SimPlugin);
    // Load every scenario (bounded: a hang is a failure, not a stuck test).
    for _ in 0..2000 {
        app.update();
        let library = app.world().resource::<ScenarioLibrary>();
        if !library.entries.is_empty() && library.settled() {
            return app;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("scenarios did not load");
}

/// Sends one action and lets the app act on it.
pub fn send(app: &mut App, action: TraineeAction) {
    app.world_mut().write_message(action);
    // One update for the session to act, one for the state change to apply.
    app.update();
    app.update();
}

/// The screen on show.
pub fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}
