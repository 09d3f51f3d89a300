//! One figure of the item analysis: a number, or why there is none (too few attempts, or nothing to measure), with the words the command line and the app both print.

use serde::Serialize;

/// A figure, or why there is no meaningful number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// The figure: a share 0–1, a correlation −1–1, or seconds, as the field says.
    Value(f64),
    /// Fewer attempts (or choices, or offers) than the figure needs to mean anything.
    TooFew {
        /// How many there were.
        have: u64,
        /// How many it needs ([`super::MIN_ATTEMPTS`] or
        /// [`super::MIN_ATTEMPTS_FOR_CORRELATION`]).
        need: u64,
    },
    /// Enough attempts, but the figure does not exist for them.
    Undefined(Undefined),
}

/// Why a figure does not exist although there were enough attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// Every attempt earned the same points at this decision: nothing to correlate.
    SamePointsHere,
    /// Every attempt had the same score on everything else: nothing to correlate.
    SameScoreElsewhere,
    /// Every option earns the same points under the deciding ruleset: nothing to get right.
    OptionsEqual,
    /// No times were recorded.
    NoTimes,
}

impl Undefined {
    /// A few words for a table cell.
    pub fn label(self) -> &'static str {
        match self {
            Undefined::SamePointsHere => "same points",
            Undefined::SameScoreElsewhere => "same rest",
            Undefined::OptionsEqual => "options equal",
            Undefined::NoTimes => "no times",
        }
    }

    /// What it means, in a sentence.
    pub fn explain(self) -> &'static str {
        match self {
            Undefined::SamePointsHere => {
                "every attempt that reached it earned the same points here, so nothing separates them"
            }
            Undefined::SameScoreElsewhere => {
                "every attempt that reached it scored the same on everything else"
            }
            Undefined::OptionsEqual => {
                "every option earns the same points under the deciding ruleset"
            }
            Undefined::NoTimes => "no times were recorded",
        }
    }
}

impl Figure {
    /// `Value(value)` when `have` reaches `need`, else [`Figure::TooFew`].
    pub fn at_least(have: u64, need: u64, value: impl FnOnce() -> Figure) -> Figure {
        if have < need {
            Figure::TooFew { have, need }
        } else {
            value()
        }
    }

    /// The number, if there is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(*v),
            _ => None,
        }
    }

    fn or_words(&self, number: impl FnOnce(f64) -> String) -> String {
        match self {
            Figure::Value(v) => number(*v),
            Figure::TooFew { have, need } => format!("too few ({have}/{need})"),
            Figure::Undefined(why) => why.label().to_owned(),
        }
    }

    /// A share as a whole percentage ("68%"), or why there is none.
    pub fn percent(&self) -> String {
        self.or_words(|v| format!("{:.0}%", v * 100.0))
    }

    /// A correlation or ratio with two decimals ("0.42", "-0.05"), or why there is none.
    pub fn decimal(&self) -> String {
        self.or_words(|v| format!("{v:.2}"))
    }

    /// Seconds as "8.4 s" under a minute, "4 min 05 s" from a minute, or why there are none.
    pub fn seconds(&self) -> String {
        self.or_words(|v| {
            if v < 59.95 {
                format!("{v:.1} s")
            } else {
                let whole = v.round() as u64;
                format!("{} min {:02} s", whole / 60, whole % 60)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_print_a_number_or_say_why_not() {
        assert_eq!(Figure::Value(0.675).percent(), "68%");
        assert_eq!(Figure::Value(-0.049).decimal(), "-0.05");
        assert_eq!(Figure::Value(8.44).seconds(), "8.4 s");
        assert_eq!(Figure::Value(59.96).seconds(), "1 min 00 s");
        assert_eq!(Figure::Value(245.2).seconds(), "4 min 05 s");
        assert_eq!(
            Figure::TooFew { have: 3, need: 30 }.decimal(),
            "too few (3/30)"
        );
        assert_eq!(
            Figure::Undefined(Undefined::SamePointsHere).percent(),
            "same points"
        );
        assert_eq!(
            Figure::at_least(9, 10, || Figure::Value(1.0)),
            Figure::TooFew { have: 9, need: 10 }
        );
        assert_eq!(
            Figure::at_least(10, 10, || Figure::Value(1.0)),
            Figure::Value(1.0)
        );
    }
}
