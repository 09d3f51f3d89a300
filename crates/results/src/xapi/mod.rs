//! xAPI 1.0.3 for learning record stores: the statements an attempt makes (cmi5 conventions), and the outbox that sends them.

pub mod outbox;
pub mod statements;
