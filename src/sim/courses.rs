//! The courses the scenarios belong to (`courses/*.ron` beside them), loaded once at start: the home screen names the course and shows the trainee's progress in each.

use bevy::prelude::*;
use silent_slavery_results::course::{Course, load_courses};

use super::SimConfig;

/// The courses found beside the scenarios, in file order; empty when there are none. A
/// course file with problems is left out and its diagnostics logged (`silent-slavery
/// validate` and `report` show them to trainers).
#[derive(Resource, Debug, Clone, Default)]
pub struct Courses(pub Vec<Course>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Courses>().add_systems(Startup, load);
}

fn load(config: Res<SimConfig>, mut courses: ResMut<Courses>) {
    let dir = config.asset_root.join(&config.scenarios).join("courses");
    let (found, problems) = load_courses(&dir);
    for problem in problems {
        warn!("{}", problem.render());
    }
    courses.0 = found;
}
