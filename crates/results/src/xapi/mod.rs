//! xAPI 1.0.3 for learning record stores: the statements an attempt makes (cmi5 conventions), the outbox that sends them, and reading attempts back from an LRS.

pub mod outbox;
pub mod read;
pub mod statements;
