//! What can be worked out about a whole scenario or library: the state graph with best and worst scores, every path, coverage, the assessment audit, the step graph as DOT.

pub mod audit;
pub mod coverage;
pub mod dot;
pub mod paths;
pub mod states;
