//! Flags tested are flags some option sets.

use std::collections::BTreeSet;

use super::Checker;
use crate::load::diagnostic::Problem;
use crate::model::path::ValuePath;
use crate::model::scenario::Step;
use crate::path;

impl<'a> Checker<'a> {
    pub(super) fn flags(&mut self) {
        let s = self.scenario();
        let set: BTreeSet<&str> = s
            .steps
            .iter()
            .filter_map(|st| match st {
                Step::Decision(d) => Some(d),
                _ => None,
            })
            .flat_map(|d| d.options.iter().flat_map(|o| o.sets.iter()))
            .map(String::as_str)
            .collect();
        let mut tested: Vec<(ValuePath, &str)> = Vec::new();
        for (i, step) in s.steps.iter().enumerate() {
            let routes = match step {
                Step::Scene(x) => &x.next_when[..],
                Step::Identify(x) => &x.next_when[..],
                _ => &[],
            };
            for (k, r) in routes.iter().enumerate() {
                for (field, list) in [("flags", &r.flags), ("not_flags", &r.not_flags)] {
                    for (n, f) in list.iter().enumerate() {
                        tested.push((path!["steps", i, "next_when", k, field, n], f));
                    }
                }
            }
            if let Step::Decision(d) = step {
                for (j, o) in d.options.iter().enumerate() {
                    for (field, list) in
                        [("requires", &o.requires), ("requires_not", &o.requires_not)]
                    {
                        for (n, f) in list.iter().enumerate() {
                            tested.push((path!["steps", i, "options", j, field, n], f));
                        }
                    }
                }
            }
        }
        for (p, flag) in tested {
            if !set.contains(flag) {
                self.report(
                    p,
                    Problem::FlagNeverSet {
                        flag: flag.to_owned(),
                        suggestion: crate::model::ids::suggest(flag, set.iter().copied()),
                    },
                );
            }
        }
    }
}
