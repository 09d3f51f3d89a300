//! Scenario files as Bevy assets: a loader that runs the core's parser and validator, and the library of what loaded and what is broken, kept up to date on reload.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;
use silent_slavery_scenario::library::{load_bytes_beside, scenario_files};
use silent_slavery_scenario::load::diagnostic::{Diagnostic, Problem};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::load::locate::Position;
use silent_slavery_scenario::model::catalog::Catalog;

use super::{CatalogResource, SimConfig};

/// A scenario file as loaded: playable, or its diagnostics. A broken file is still an asset,
/// so it never fails the app and is listed with what is wrong.
#[derive(Asset, TypePath, Debug)]
pub struct ScenarioAsset {
    /// The file, relative to the asset root.
    pub file: String,
    /// The scenario, or every problem found.
    pub loaded: Result<Arc<LoadedScenario>, Vec<Diagnostic>>,
}

/// Loads `.ron` scenario files through `silent_slavery_scenario::library::load_bytes_beside`,
/// looking for each scene image beside the file under the asset root.
#[derive(TypePath)]
pub struct ScenarioLoader {
    catalog: Arc<Catalog>,
    /// The asset root on disk (`SimConfig::asset_root`).
    root: std::path::PathBuf,
}

impl AssetLoader for ScenarioLoader {
    type Asset = ScenarioAsset;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<ScenarioAsset, std::io::Error> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let file = load_context.path().to_string();
        let folder = self.root.join(
            load_context
                .path()
                .path()
                .parent()
                .unwrap_or(std::path::Path::new("")),
        );
        let loaded = load_bytes_beside(&file, &bytes, &self.catalog, &|image| {
            folder.join(image).is_file()
        })
        .map(Arc::new);
        Ok(ScenarioAsset { file, loaded })
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// What one scenario file is now.
#[derive(Debug, Clone)]
pub enum LibraryEntry {
    /// Not loaded yet.
    Loading,
    /// Playable.
    Ready(Arc<LoadedScenario>),
    /// Broken: every problem found.
    Broken(Vec<Diagnostic>),
}

/// Every scenario file, by file name, and the handles that keep them loaded.
#[derive(Resource, Default)]
pub struct ScenarioLibrary {
    /// Entries by file (relative to the asset root), sorted.
    pub entries: BTreeMap<String, LibraryEntry>,
    handles: Vec<Handle<ScenarioAsset>>,
}

impl ScenarioLibrary {
    /// Playable scenarios, in file order, leaving out templates (`_*.ron`) and any second
    /// file with the same id.
    pub fn playable(&self) -> Vec<Arc<LoadedScenario>> {
        let mut seen = std::collections::BTreeSet::new();
        self.entries
            .iter()
            .filter(|(file, _)| !silent_slavery_scenario::analysis::coverage::is_template(file))
            .filter_map(|(_, e)| match e {
                LibraryEntry::Ready(s) if seen.insert(s.scenario.id.clone()) => Some(Arc::clone(s)),
                _ => None,
            })
            .collect()
    }

    /// A playable scenario by id.
    pub fn scenario(&self, id: &str) -> Option<Arc<LoadedScenario>> {
        self.playable().into_iter().find(|s| s.scenario.id == id)
    }

    /// Every diagnostic of every broken file.
    pub fn problems(&self) -> Vec<&Diagnostic> {
        self.entries
            .values()
            .filter_map(|e| match e {
                LibraryEntry::Broken(d) => Some(d.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Whether every file has finished loading (or failing).
    pub fn settled(&self) -> bool {
        !self
            .entries
            .values()
            .any(|e| matches!(e, LibraryEntry::Loading))
    }
}

/// Bevy's asset plugin as the app sets it: scenario files read from `asset_root`, and, when
/// trainers' tools are on (`--author`), watched so a saved file reloads while the app runs, in
/// any build (bevy's `file_watcher` is compiled in; trainees' runs do not watch).
pub fn asset_plugin(asset_root: &std::path::Path, author: bool) -> AssetPlugin {
    AssetPlugin {
        file_path: asset_root.to_string_lossy().into_owned(),
        watch_for_changes_override: Some(author),
        ..default()
    }
}

pub(super) fn plugin(app: &mut App) {
    let catalog = match app.world().get_resource::<CatalogResource>() {
        Some(c) => Arc::clone(&c.0),
        None => {
            // The embedded catalogue is checked by the test suite, so this does not fail.
            let catalog =
                Arc::new(Catalog::embedded().unwrap_or_else(|e| panic!("embedded catalogue: {e}")));
            app.insert_resource(CatalogResource(Arc::clone(&catalog)));
            catalog
        }
    };
    let root = app
        .world()
        .get_resource::<SimConfig>()
        .map(|c| c.asset_root.clone())
        .unwrap_or_default();
    app.init_asset::<ScenarioAsset>()
        .register_asset_loader(ScenarioLoader { catalog, root })
        .init_resource::<ScenarioLibrary>()
        .add_systems(Startup, load_scenarios)
        .add_systems(PreUpdate, (track_loaded, track_failed));
}

fn load_scenarios(
    config: Res<SimConfig>,
    server: Res<AssetServer>,
    mut library: ResMut<ScenarioLibrary>,
) {
    let folder = config.asset_root.join(&config.scenarios);
    for file in scenario_files(&folder) {
        let Ok(relative) = file.strip_prefix(&config.asset_root) else {
            continue;
        };
        let name = relative.to_string_lossy().replace('\\', "/");
        library
            .handles
            .push(server.load::<ScenarioAsset>(name.clone()));
        library.entries.insert(name, LibraryEntry::Loading);
    }
}

/// Keeps the library in step with the assets: a file that is edited and saved is reloaded
/// (the file watcher runs with `--author`: [`asset_plugin`]), fixed or broken.
fn track_loaded(
    mut events: MessageReader<AssetEvent<ScenarioAsset>>,
    assets: Res<Assets<ScenarioAsset>>,
    mut library: ResMut<ScenarioLibrary>,
) {
    for event in events.read() {
        if let AssetEvent::Added { id } | AssetEvent::Modified { id } = event
            && let Some(asset) = assets.get(*id)
        {
            let entry = match &asset.loaded {
                Ok(s) => LibraryEntry::Ready(Arc::clone(s)),
                Err(d) => LibraryEntry::Broken(d.clone()),
            };
            library.entries.insert(asset.file.clone(), entry);
        }
    }
}

fn track_failed(
    mut failures: MessageReader<bevy::asset::AssetLoadFailedEvent<ScenarioAsset>>,
    mut library: ResMut<ScenarioLibrary>,
) {
    for failure in failures.read() {
        let file = failure.path.to_string();
        let problem = Problem::Unreadable {
            message: failure.error.to_string(),
        };
        library.entries.insert(
            file.clone(),
            LibraryEntry::Broken(vec![Diagnostic::new(&file, "", Position::START, problem)]),
        );
    }
}
