//! The screens, one module each: its view model, the function that builds it, the pure egui widget that draws it (tested with egui_kittest), and the system that runs it in its state.

pub mod author;
pub mod catalogue;
pub mod content_warning;
pub mod debrief;
pub mod graph;
pub mod home;
pub mod playing;
pub mod scenario_changed;
pub mod sign_in;
pub mod stats;
pub mod store_damaged;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((
        sign_in::plugin,
        home::plugin,
        content_warning::plugin,
        playing::plugin,
        debrief::plugin,
        author::plugin,
        store_damaged::plugin,
        catalogue::plugin,
        graph::plugin,
        stats::plugin,
        scenario_changed::plugin,
    ));
}
