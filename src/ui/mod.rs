//! The window and its egui screens: one module per screen (view model, builder, pure widget, system), what they share, input, the display settings, the theme, the window fitted to the screen, and the idle fix.

pub mod frame;
mod idle;
pub mod input;
pub mod intent;
pub mod screens;
pub mod settings;
pub mod theme;
pub mod window;

use bevy::prelude::*;

pub use settings::DisplaySettings;

/// The egui screens, display settings and the idle fix; add it after `EguiPlugin`.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            settings::plugin,
            window::plugin,
            idle::plugin,
            input::plugin,
            frame::plugin,
            screens::plugin,
        ));
    }
}
