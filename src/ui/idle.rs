//! Keeps an idle window idle (bevy_egui 0.42 reports unchanged modifier keys every frame, which makes egui ask for another frame for ever), and awake while an answer waits for a busy store or the trainee's history is being read.

use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiContext, EguiInput, EguiPreUpdateSet, egui};

use crate::sim::{HistoryState, Session, TraineeHistory};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    )
    .add_systems(Last, wake_while_saving);
}

/// A reactive window sleeps until the next event; an answer waiting for a busy store must
/// be tried again on time even if the trainee touches nothing, and the spinner must turn.
fn wake_while_saving(
    session: Res<Session>,
    history: Res<TraineeHistory>,
    winit: Option<ResMut<WinitSettings>>,
) {
    let Some(mut winit) = winit else {
        return;
    };
    // A history read from the LRS in the background must show when it arrives, too.
    let waiting = session.saving.is_some() || history.state == HistoryState::Fetching;
    let wanted = if waiting {
        UpdateMode::reactive(Duration::from_millis(100))
    } else {
        WinitSettings::desktop_app().focused_mode
    };
    if winit.focused_mode != wanted {
        winit.focused_mode = wanted;
        winit.unfocused_mode = if waiting {
            wanted
        } else {
            WinitSettings::desktop_app().unfocused_mode
        };
    }
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
