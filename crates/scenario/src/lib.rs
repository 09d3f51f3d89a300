//! Silent Slavery Trainer's core: scenario model, parsing, validation, runner and scoring, with no Bevy in it.
//!
//! Data flows one way: a trainer's RON file is parsed ([`parse`]) and checked ([`validate`])
//! into a [`library::LoadedScenario`]; a [`runner::Runner`] plays it for one trainee, turning
//! inputs into [`runner::Event`]s; [`score`] turns the transcript into a score per ruleset of
//! the [`catalog`].

#![warn(missing_docs)]

pub mod audit;
pub mod catalog;
pub mod course;
pub mod coverage;
pub mod diagnostic;
pub mod explore;
pub mod export;
pub mod graph;
pub mod library;
pub mod locate;
pub mod outbox;
pub mod parse;
pub mod record;
pub mod runner;
pub mod scenario;
pub mod score;
pub mod script;
pub mod states;
pub mod store;
pub mod validate;
pub mod xapi;
