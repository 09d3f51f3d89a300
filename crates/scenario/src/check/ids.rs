//! Ids unique where they must be: steps, options, cues and variants.

use std::collections::BTreeSet;

// foldhash: the keys are the scenario's own ids, and SipHash was a large part of checking.
use foldhash::{HashMap, HashMapExt};

use super::Checker;
use crate::load::diagnostic::Problem;
use crate::model::path::ValuePath;
use crate::model::scenario::Step;
use crate::path;

impl<'a> Checker<'a> {
    /// Unique ids; returns step id → index of its first definition.
    pub(super) fn ids(&mut self) -> HashMap<&'a str, usize> {
        let s = self.scenario();
        let mut steps: HashMap<&'a str, usize> = HashMap::new();
        let mut cues: HashMap<&'a str, ValuePath> = HashMap::new();
        for (i, step) in s.steps.iter().enumerate() {
            if let Some(&first) = steps.get(step.id()) {
                let first_line = self
                    .parsed
                    .locator()
                    .find(&path!["steps", first, "id"])
                    .line;
                self.report(
                    path!["steps", i, "id"],
                    Problem::DuplicateStepId {
                        id: step.id().to_owned(),
                        first_line,
                    },
                );
            } else {
                steps.insert(step.id(), i);
            }
            let own_cues: &[crate::model::scenario::Cue] = match step {
                Step::Scene(scene) => &scene.cues,
                Step::Decision(decision) => &decision.cues,
                Step::Identify(_) | Step::Ending(_) => &[],
            };
            let mut cue_paths: Vec<(ValuePath, &str)> = own_cues
                .iter()
                .enumerate()
                .map(|(j, c)| (path!["steps", i, "cues", j, "id"], c.id.as_str()))
                .collect();
            match step {
                Step::Scene(scene) => {
                    let mut variant_ids = BTreeSet::new();
                    for (k, variant) in scene.variants.iter().enumerate() {
                        if !variant_ids.insert(variant.id.as_str()) {
                            self.report(
                                path!["steps", i, "variants", k, "id"],
                                Problem::DuplicateVariantId {
                                    step: scene.id.clone(),
                                    id: variant.id.clone(),
                                },
                            );
                        }
                        cue_paths.extend(variant.cues.iter().enumerate().map(|(j, c)| {
                            (
                                path!["steps", i, "variants", k, "cues", j, "id"],
                                c.id.as_str(),
                            )
                        }));
                    }
                }
                Step::Decision(decision) => {
                    if decision.options.len() < 2 {
                        self.report(
                            path!["steps", i, "options"],
                            Problem::TooFewOptions {
                                step: decision.id.clone(),
                                count: decision.options.len(),
                            },
                        );
                    }
                    let mut seen = BTreeSet::new();
                    for (j, option) in decision.options.iter().enumerate() {
                        if !seen.insert(option.id.as_str()) {
                            self.report(
                                path!["steps", i, "options", j, "id"],
                                Problem::DuplicateOptionId {
                                    step: decision.id.clone(),
                                    id: option.id.clone(),
                                },
                            );
                        }
                    }
                }
                Step::Identify(_) | Step::Ending(_) => {}
            }
            for (p, id) in cue_paths {
                if let Some(first) = cues.get(id) {
                    let first_line = self.parsed.locator().find(first).line;
                    self.report(
                        p,
                        Problem::DuplicateCueId {
                            id: id.to_owned(),
                            first_line,
                        },
                    );
                } else {
                    cues.insert(id, p);
                }
            }
        }
        steps
    }
}
