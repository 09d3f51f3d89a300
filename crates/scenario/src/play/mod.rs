//! Playing one attempt: the runner, scoring it against the rulesets, scripted attempts, and the summary of each input.

pub mod runner;
pub mod score;
pub mod script;
pub mod summary;
