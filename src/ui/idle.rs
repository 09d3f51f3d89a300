//! Keeps an idle window idle: bevy_egui 0.42 reports unchanged modifier keys every frame, which makes egui ask for another frame for ever.

use bevy::prelude::*;
use bevy_egui::{EguiContext, EguiInput, EguiPreUpdateSet, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

/// Removes a `ModifiersChanged` event that repeats the modifiers egui already has; real
/// changes, clicks and keys still reach egui and redraw at once. Remove with an upgrade
/// past bevy_egui 0.42, which fixed this (it needs Bevy 0.20).
fn drop_unchanged_modifiers(mut contexts: Query<(&mut EguiContext, &mut EguiInput)>) {
    for (mut context, mut input) in &mut contexts {
        let current = context.get_mut().input(|i| i.modifiers);
        input
            .events
            .retain(|e| !matches!(e, egui::Event::ModifiersChanged(m) if *m == current));
    }
}
