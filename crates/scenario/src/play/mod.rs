//! Playing one attempt: the runner, scoring it against the rulesets, scripted attempts, the summary of each input, and each choice beside a better one for the debrief.

pub mod review;
pub mod runner;
pub mod score;
pub mod script;
pub mod summary;
