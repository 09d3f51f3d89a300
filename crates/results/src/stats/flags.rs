//! The decisions item analysis flags for a trainer to look at, each with its reason in words (docs/statistics.md, "Flags").

use serde::Serialize;

use super::{
    DEAD_DISTRACTOR_REACHES, DecisionStats, EXTREME_FACILITY, MIN_ATTEMPTS,
    NEAR_ZERO_DISCRIMINATION,
};

/// Why a decision deserves a trainer's look. Each is data; [`Flag::reason`] says it in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// Trainees who do better on the rest of the scenario do worse here.
    NegativeDiscrimination {
        /// The discrimination index, below 0.
        discrimination: f64,
    },
    /// The decision hardly separates trainees who do well elsewhere from those who do not.
    NearZeroDiscrimination {
        /// The discrimination index, from 0 to [`NEAR_ZERO_DISCRIMINATION`].
        discrimination: f64,
    },
    /// A wrong option nobody chose although at least [`DEAD_DISTRACTOR_REACHES`] attempts
    /// reached the decision.
    DeadDistractor {
        /// The option.
        option: String,
        /// Attempts that reached the decision.
        reached: u64,
    },
    /// A wrong option was chosen more often than any best option.
    WrongOptionPreferred {
        /// The option.
        option: String,
        /// Its share of the choices, 0–1.
        share: f64,
        /// The most-chosen best option's share, 0–1.
        best_share: f64,
    },
    /// Almost everyone earns the best points here (facility at or above 1 − [`EXTREME_FACILITY`]).
    AlmostAllRight {
        /// The facility, 0–1.
        facility: f64,
    },
    /// Almost everyone earns the worst points here (facility at or below [`EXTREME_FACILITY`]).
    AlmostAllWrong {
        /// The facility, 0–1.
        facility: f64,
    },
}

impl Flag {
    /// The flag and its reason, in a sentence for a trainer.
    pub fn reason(&self) -> String {
        match self {
            Flag::NegativeDiscrimination { discrimination } => format!(
                "negative discrimination ({discrimination:.2}): trainees who do better on the rest of the scenario do worse here; check which option earns the points and whether the prompt misleads"
            ),
            Flag::NearZeroDiscrimination { discrimination } => format!(
                "near-zero discrimination ({discrimination:.2}, under {NEAR_ZERO_DISCRIMINATION:.2}): the choice here hardly depends on how well trainees do elsewhere, as if it were guessed"
            ),
            Flag::DeadDistractor { option, reached } => format!(
                "dead distractor: nobody chose `{option}` in {reached} attempts; it teaches nothing as written"
            ),
            Flag::WrongOptionPreferred {
                option,
                share,
                best_share,
            } => format!(
                "`{option}` (not the best) was chosen more often than the best option ({:.0}% against {:.0}%): a common mistake to teach, or a key that is wrong",
                share * 100.0,
                best_share * 100.0
            ),
            Flag::AlmostAllRight { facility } => format!(
                "almost everyone gets this right (facility {:.0}%): it does not test much",
                facility * 100.0
            ),
            Flag::AlmostAllWrong { facility } => format!(
                "almost everyone gets this wrong (facility {:.0}%): check the prompt, the options and the points",
                facility * 100.0
            ),
        }
    }
}

/// The flags a decision's figures raise, in the order [`Flag`] lists them. A flag whose
/// figure is missing (too few attempts) is not raised: the figure already says so.
pub(crate) fn flags(decision: &DecisionStats) -> Vec<Flag> {
    let mut out = Vec::new();
    if let Some(r) = decision.discrimination.value() {
        if r < 0.0 {
            out.push(Flag::NegativeDiscrimination { discrimination: r });
        } else if r < NEAR_ZERO_DISCRIMINATION {
            out.push(Flag::NearZeroDiscrimination { discrimination: r });
        }
    }
    if decision.reached >= DEAD_DISTRACTOR_REACHES {
        for o in decision.options.iter().filter(|o| !o.best && o.chosen == 0) {
            out.push(Flag::DeadDistractor {
                option: o.id.clone(),
                reached: decision.reached,
            });
        }
    }
    if decision.choices >= MIN_ATTEMPTS {
        let share = |chosen: u64| chosen as f64 / decision.choices as f64;
        let best = decision
            .options
            .iter()
            .filter(|o| o.best)
            .map(|o| o.chosen)
            .max()
            .unwrap_or(0);
        for o in decision
            .options
            .iter()
            .filter(|o| !o.best && o.chosen > best)
        {
            out.push(Flag::WrongOptionPreferred {
                option: o.id.clone(),
                share: share(o.chosen),
                best_share: share(best),
            });
        }
    }
    if let Some(f) = decision.facility.value() {
        if f >= 1.0 - EXTREME_FACILITY - 1e-9 {
            out.push(Flag::AlmostAllRight { facility: f });
        } else if f <= EXTREME_FACILITY + 1e-9 {
            out.push(Flag::AlmostAllWrong { facility: f });
        }
    }
    out
}
