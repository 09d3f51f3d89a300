//! The screens of the app as a Bevy state.

use bevy::prelude::*;

/// Which screen the trainee is on.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Staff number, name and unit.
    #[default]
    SignIn,
    /// The scenarios and the trainee's status in each.
    Home,
    /// A scenario's content warning, before it starts.
    ContentWarning,
    /// A scenario being played.
    Playing,
    /// The debrief of the attempt just finished.
    Debrief,
    /// Author preview: any step of any scenario, and every path's score.
    Author,
    /// The results store failed its check at start: what happened, and setting it aside.
    StoreDamaged,
    /// Author mode: the catalogue of rules and indicators, searchable.
    Catalogue,
    /// Author mode: a scenario's step graph as a picture.
    Graph,
    /// Statistics (author mode): item analysis of a scenario from the recorded attempts.
    Statistics,
    /// An unfinished attempt's scenario was edited since it started: finish the version
    /// started, or start again on the new one.
    ScenarioChanged,
}

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
}
