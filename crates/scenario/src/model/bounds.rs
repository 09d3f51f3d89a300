//! The best and worst raw score a scenario allows under one ruleset: what every score is scaled against.

use serde::{Deserialize, Serialize};

/// Lowest and highest raw score achievable under one ruleset over all paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreBounds {
    /// Worst: every breach on the worst path and every red herring flagged, no indicator.
    pub min: i64,
    /// Best: the best path with every true indicator flagged and no red herring.
    pub max: i64,
}
