//! Silent Slavery Trainer's scenario engine: the scenario model, reading and checking scenario files, analysing them, and playing and scoring attempts. No Bevy, no SQLite, no HTTP.
//!
//! Data flows one way: a trainer's RON file is parsed ([`load`]) and checked ([`check`])
//! into a [`load::loaded::LoadedScenario`] (the [`library`] does both for files and
//! folders); [`analysis`] works out what holds over every path (best and worst scores,
//! coverage, the assessment audit); a [`play::runner::Runner`] plays it for one trainee,
//! turning inputs into events, and [`play::score`] scores the transcript per ruleset of the
//! [`model::catalog`].

#![warn(missing_docs)]

pub mod analysis;
pub mod check;
pub mod library;
pub mod load;
pub mod model;
pub mod play;
