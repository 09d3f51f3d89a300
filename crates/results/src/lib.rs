//! Silent Slavery Trainer's results: who the trainee is, every attempt recorded durably in SQLite as it is played, courses and completion, exports for learning systems (CSV for Totara and Moodle, a KPI report, xAPI), item analysis of the scenarios from the attempts, and the outbox that sends xAPI statements to a learning record store.
//!
//! It depends on the scenario engine (`silent_slavery_scenario`) and nothing depends on it
//! but the app and the command line. Every SQL statement lives in [`store`].

#![warn(missing_docs)]

pub mod attempt;
pub mod course;
pub mod export;
pub mod identity;
pub mod record;
pub mod stats;
pub mod store;
pub mod xapi;
