//! Reading a scenario file: parsing its text, finding line and column of any value, the diagnostics reported at them, and the loaded scenario that results.

pub mod diagnostic;
pub mod loaded;
pub mod locate;
pub mod parse;
pub mod schema;
