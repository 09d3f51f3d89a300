//! Builds and runs the desktop app: Bevy's window, egui, the simulation and the screens.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy::winit::WinitSettings;
use bevy_egui::EguiPlugin;

use crate::sim::{CatalogResource, SimConfig, SimPlugin};
use crate::ui::{DisplaySettings, UiPlugin};

/// How the app is started.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// The scenarios folder (Bevy's asset root; course definitions are in its `courses/`).
    pub asset_root: PathBuf,
    /// The results store file.
    pub db: PathBuf,
    /// The display settings file (`None`: not remembered).
    pub settings_file: Option<PathBuf>,
    /// Trainers' tools on (`--author`).
    pub author: bool,
    /// The indicator and ruleset catalogue (the built-in one, or `--catalog DIR`), loaded
    /// once and shared with everything that scores.
    pub catalog: std::sync::Arc<silent_slavery_scenario::model::catalog::Catalog>,
    /// Send results to a learning record store in the background, if configured.
    pub lrs: Option<BackgroundSync>,
    /// How trainees are identified (the workstation configuration).
    pub identity: silent_slavery_results::identity::IdentityMode,
    /// The operating-system account the app runs under, if it could be read.
    pub os_account: Option<String>,
}

/// A learning record store the app sends statements to while it runs.
#[derive(Debug, Clone)]
pub struct BackgroundSync {
    /// Who statements are about and where their activities live.
    pub config: silent_slavery_results::xapi::statements::XapiConfig,
    /// The LRS.
    pub lrs: silent_slavery_results::xapi::outbox::Lrs,
    /// Time between rounds.
    pub interval: std::time::Duration,
}

/// Opens the window, drawing with `renderer` ([`crate::graphics::choose`]), and runs until
/// it is closed.
///
/// # Errors
/// When the results store cannot be opened; the message says why and where.
pub fn run(
    options: AppOptions,
    renderer: crate::graphics::Renderer,
) -> Result<AppExit, silent_slavery_results::store::StoreError> {
    let opened = crate::sim::open_results(&options.db)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sender = options.lrs.clone().map(|sync| {
        silent_slavery_results::xapi::outbox::spawn_background_sync(
            options.db.clone(),
            std::sync::Arc::clone(&options.catalog),
            sync.config,
            sync.lrs,
            silent_slavery_results::xapi::outbox::Backoff::default(),
            sync.interval,
            std::sync::Arc::clone(&stop),
            |round| match round {
                Ok(r) if r.rejected.is_empty() && r.last_error.is_none() => {
                    info!("LRS sync: {} delivered, {} waiting", r.delivered, r.pending)
                }
                Ok(r) => warn!(
                    "LRS sync: {} delivered, {} rejected, {} waiting; {}",
                    r.delivered,
                    r.rejected.len(),
                    r.pending,
                    r.last_error.unwrap_or_default()
                ),
                Err(e) => warn!("LRS sync failed: {e}"),
            },
        )
    });
    let mut app = App::new();
    if renderer.egl_on_x11 {
        app.insert_resource(crate::graphics::EglOnX11);
    }
    app.insert_resource(SimConfig {
        asset_root: options.asset_root.clone(),
        scenarios: PathBuf::from("."),
        author: options.author,
        identity: options.identity,
    })
    .insert_resource(crate::sim::OsAccount(options.os_account));
    match opened {
        crate::sim::OpenedResults::Sound(results) => {
            app.insert_resource(results);
        }
        crate::sim::OpenedResults::Damaged(results, damaged) => {
            app.insert_resource(results).insert_resource(damaged);
        }
    }
    // The LRS the app sends to is also where a trainee's results from other workstations
    // are read at sign-in.
    if let Some(sync) = &options.lrs {
        app.insert_resource(crate::sim::HistorySource::new(
            sync.lrs.clone(),
            sync.config.clone(),
        ));
    }
    app.insert_resource(CatalogResource(options.catalog))
        .insert_resource(DisplaySettings::load(options.settings_file))
        // Reactive: an idle workstation waiting for a click draws nothing.
        .insert_resource(WinitSettings::desktop_app())
        .insert_resource(ClearColor(Color::srgb(0.95, 0.95, 0.95)))
        .add_plugins(
            DefaultPlugins
                .build()
                // Replaced by crate::shutdown, which also wakes a sleeping window.
                .disable::<bevy::app::TerminalCtrlCHandlerPlugin>()
                .set(WindowPlugin {
                    primary_window: Some(Window {
                        title: "Silent Slavery Trainer".into(),
                        // A size every screen can show; resized to the monitor once it
                        // is known (src/ui/window.rs).
                        resolution: WindowResolution::new(
                            crate::ui::window::SMALLEST.x as u32,
                            crate::ui::window::SMALLEST.y as u32,
                        ),
                        position: bevy::window::WindowPosition::Centered(
                            bevy::window::MonitorSelection::Primary,
                        ),
                        resize_constraints: bevy::window::WindowResizeConstraints {
                            min_width: crate::ui::window::SMALLEST.x,
                            min_height: crate::ui::window::SMALLEST.y,
                            ..default()
                        },
                        ..default()
                    }),
                    ..default()
                })
                .set(crate::sim::asset_plugin(
                    &options.asset_root,
                    options.author,
                ))
                .set(bevy::render::RenderPlugin {
                    render_creation: renderer.creation,
                    ..default()
                }),
        )
        .add_plugins((
            EguiPlugin::default(),
            crate::graphics::plugin,
            crate::shutdown::plugin,
        ))
        .add_plugins((SimPlugin, UiPlugin))
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn(Camera2d);
        });
    let exit = app.run();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(sender) = sender {
        let _ = sender.join();
    }
    Ok(exit)
}
