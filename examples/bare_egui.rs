//! The floor for startup time and memory: a bare bevy_egui window with one label, set up as the app is (scripts/measure-app.sh).

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy::winit::WinitSettings;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};

fn main() -> AppExit {
    App::new()
        // As in src/app.rs: reactive, one primary window of the same size, egui, a 2D camera.
        .insert_resource(WinitSettings::desktop_app())
        .insert_resource(ClearColor(Color::srgb(0.95, 0.95, 0.95)))
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: "bare egui".into(),
                resolution: WindowResolution::new(1280, 800),
                ..default()
            }),
            ..default()
        }))
        .add_plugins(EguiPlugin::default())
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn(Camera2d);
        })
        .add_systems(EguiPrimaryContextPass, label)
        .run()
}

/// One label in a central panel, drawn into a root `Ui` as the app's screens are.
fn label(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    // Startup measurements (scripts/measure-app.sh) look for this line.
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| info!("bare egui ready"));
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.label("Hello from a bare bevy_egui window.");
    });
    Ok(())
}
