//! The window and its egui screens: views built from the session, drawn by pure widgets, the trainee's intents sent back as messages.

mod idle;
mod screens;
mod settings;
pub mod views;
pub mod widgets;

use bevy::prelude::*;

pub use settings::DisplaySettings;

/// The egui screens, display settings and the idle fix; add it after `EguiPlugin`.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((settings::plugin, idle::plugin, screens::plugin));
    }
}
