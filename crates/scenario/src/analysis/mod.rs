//! What can be worked out about a whole scenario or library: the state graph with best and worst scores, every path, coverage, the assessment audit, the catalogue as a reference, the step graph as a picture (SVG or DOT).

pub mod audit;
pub mod coverage;
pub mod dot;
pub mod paths;
pub mod picture;
pub mod reference;
pub mod states;
