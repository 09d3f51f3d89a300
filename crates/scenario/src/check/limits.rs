//! Limits and the shape of the heading: text lengths, step count, id syntax, shares and rulesets.

use super::{Checker, MAX_STEPS, MAX_TEXT_CHARS, text_fields};
use crate::load::diagnostic::Problem;
use crate::model::ids::is_valid_id;
use crate::model::path::ValuePath;
use crate::model::scenario::Step;
use crate::path;

impl<'a> Checker<'a> {
    pub(super) fn limits(&mut self) {
        let s = self.scenario();
        if s.steps.len() > MAX_STEPS {
            let steps = s.steps.len();
            self.report(
                path!["steps"],
                Problem::TooManySteps {
                    steps,
                    limit: MAX_STEPS,
                },
            );
        }
        let mut long: Vec<(ValuePath, usize)> = Vec::new();
        text_fields(s, |text, path| {
            // A text no longer in bytes than the limit cannot be longer in characters.
            if text.len() > MAX_TEXT_CHARS {
                let chars = text.chars().count();
                if chars > MAX_TEXT_CHARS {
                    long.push((path(), chars));
                }
            }
        });
        for (p, chars) in long {
            self.report(
                p,
                Problem::TextTooLong {
                    chars,
                    limit: MAX_TEXT_CHARS,
                },
            );
        }
    }

    /// Ids are written in scripts, exports and IRIs: keep them to a safe alphabet.
    pub(super) fn id_syntax(&mut self) {
        let s = self.scenario();
        // Paths are made only for the ids reported.
        let mut check = |id: &str, path: &dyn Fn() -> ValuePath| {
            if !is_valid_id(id) {
                self.report(path(), Problem::InvalidId { id: id.to_owned() });
            }
        };
        check(&s.id, &|| path!["id"]);
        for (i, step) in s.steps.iter().enumerate() {
            check(step.id(), &|| path!["steps", i, "id"]);
            match step {
                Step::Scene(scene) => {
                    for (j, c) in scene.cues.iter().enumerate() {
                        check(&c.id, &|| path!["steps", i, "cues", j, "id"]);
                    }
                    for (k, v) in scene.variants.iter().enumerate() {
                        check(&v.id, &|| path!["steps", i, "variants", k, "id"]);
                        for (j, c) in v.cues.iter().enumerate() {
                            check(&c.id, &|| path!["steps", i, "variants", k, "cues", j, "id"]);
                        }
                    }
                }
                Step::Decision(d) => {
                    for (j, c) in d.cues.iter().enumerate() {
                        check(&c.id, &|| path!["steps", i, "cues", j, "id"]);
                    }
                    for (j, o) in d.options.iter().enumerate() {
                        check(&o.id, &|| path!["steps", i, "options", j, "id"]);
                        for (n, f) in o.sets.iter().enumerate() {
                            check(f, &|| path!["steps", i, "options", j, "sets", n]);
                        }
                    }
                }
                Step::Identify(_) | Step::Ending(_) => {}
            }
        }
    }

    pub(super) fn metadata(&mut self) {
        let s = self.scenario();
        for (field, value) in [
            ("mastery_score", s.mastery_score),
            ("min_identification_recall", s.min_identification_recall),
        ] {
            if !(0.0..=1.0).contains(&value) {
                self.report(path![field], Problem::ShareOutOfRange { field, value });
            }
        }
        let known: Vec<String> = self.catalog.rulesets.keys().cloned().collect();
        for (i, id) in s.rulesets.iter().enumerate() {
            // A ruleset listed twice would be scored, exported and reported twice.
            if s.rulesets[..i].contains(id) {
                self.report(
                    path!["rulesets", i],
                    Problem::DuplicateRuleset { id: id.clone() },
                );
            }
            if !self.catalog.rulesets.contains_key(id) {
                self.report(
                    path!["rulesets", i],
                    Problem::UnknownRuleset {
                        id: id.clone(),
                        known: known.clone(),
                    },
                );
            }
        }
        if !s.rulesets.contains(&s.pass_ruleset) {
            // Point at what the author wrote: `pass_ruleset` if present, else `rulesets`.
            let written = ["pass_ruleset", "rulesets"]
                .into_iter()
                .find(|f| self.parsed.locator().get(&path![*f]).is_some())
                .unwrap_or("pass_ruleset");
            self.report(
                path![written],
                Problem::PassRulesetNotScored {
                    id: s.pass_ruleset.clone(),
                },
            );
        }
    }
}
