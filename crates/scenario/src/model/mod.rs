//! The scenario model: what a trainer writes (scenario, steps, cues, options), the catalogue it refers to, where a value sits in it, and the score bounds it allows.

pub mod bounds;
pub mod catalog;
pub mod ids;
pub mod path;
pub mod ron;
pub mod scenario;
