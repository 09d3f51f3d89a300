//! The front_counter fixture and its scripted paths, shared by the results crate's tests.

#![allow(dead_code)]

use silent_slavery_scenario::play::runner::Input;

/// The scenario the tests play.
pub const FIXTURE: &str = include_str!("../../../scenario/tests/fixtures/front_counter.ron");

/// Best path with seed 2 (variant `injured`).
pub const BEST: &[&str] = &[
    "continue",
    "flag no_papers",
    "flag hand",
    "continue",
    "choose private_room",
    "continue",
    "choose refer",
    "continue",
];
/// Status check first, then the helpline: fails, misses `hand`.
pub const POOR: &[&str] = &[
    "continue",
    "flag no_papers",
    "continue",
    "choose status_check",
    "continue",
    "choose phone_helpline",
    "continue",
];
/// Sends him away: a critical breach.
pub const CRITICAL: &[&str] = &["continue", "continue", "choose come_back", "continue"];

/// One script line (`continue`, `flag CUE`, `choose OPTION`) as an input.
pub fn input(line: &str) -> Input {
    match line.split_once(' ') {
        Some(("flag", cue)) => Input::Flag(cue.into()),
        Some(("choose", option)) => Input::Choose(option.into()),
        _ => Input::Continue,
    }
}
