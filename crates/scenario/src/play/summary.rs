//! What one input did, summed up as the decisions export shows it: the option chosen, the rules upheld and breached, the net points per ruleset.

use std::collections::BTreeMap;

use crate::play::runner::{EffectKind, Event, Input};

/// What one input did, in the `decisions` export's words. The results store writes it with
/// each input (columns `option`, `upheld`, `breached`, `points` of `attempt_inputs`), so the
/// export copies columns instead of reading every input's events back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionSummary {
    /// The option chosen; `None` for flags and continues.
    pub option: Option<String>,
    /// Rules upheld, `rule:points` joined with `;`, in event order.
    pub upheld: String,
    /// Rules breached, `rule:points` joined with `;`, critical ones marked `!`.
    pub breached: String,
    /// Net points under each ruleset, `ruleset:points` joined with `;`, by ruleset id.
    pub points: String,
}

impl DecisionSummary {
    /// The summary of an input (if it could be read) and the events it caused.
    pub fn of(input: Option<&Input>, events: &[Event]) -> DecisionSummary {
        let option = match input {
            Some(Input::Choose(o)) => Some(o.clone()),
            _ => None,
        };
        let (mut upheld, mut breached) = (Vec::new(), Vec::new());
        let mut points: BTreeMap<&str, i64> = BTreeMap::new();
        for e in events {
            if let Event::RuleEffect {
                rule,
                ruleset,
                effect,
                points: p,
                critical,
            } = e
            {
                let p = i64::from(*p);
                match effect {
                    EffectKind::Upheld => {
                        upheld.push(format!("{rule}:{p}"));
                        *points.entry(ruleset).or_default() += p;
                    }
                    EffectKind::Breached => {
                        breached.push(format!("{rule}:{p}{}", if *critical { "!" } else { "" }));
                        *points.entry(ruleset).or_default() -= p;
                    }
                }
            }
        }
        DecisionSummary {
            option,
            upheld: upheld.join(";"),
            breached: breached.join(";"),
            points: points
                .iter()
                .map(|(r, p)| format!("{r}:{p}"))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }
}
