//! References resolve: every `next` to a step, every cue to a catalogue id, every `{marker}` to a cue it may place, every effect to a scored rule.

use std::collections::BTreeSet;

// foldhash: the keys are the scenario's own ids, and SipHash was a large part of checking.
use foldhash::HashMap;

use super::Checker;
use crate::load::diagnostic::{MarkerFound, Problem};
use crate::model::ids::{cue_markers, suggest};
use crate::model::path::{PathSegment, ValuePath};
use crate::model::scenario::{Cue, Decision, Scene, Step};

/// Where each cue id is first written: (step index, variant id if in a variant).
type CueOwners<'a> = HashMap<&'a str, (usize, Option<&'a str>)>;
use crate::path;

impl<'a> Checker<'a> {
    pub(super) fn references(&mut self, index: &HashMap<&'a str, usize>) {
        self.step_links(index);
        let mut owners: CueOwners<'a> = HashMap::default();
        for (i, step) in self.scenario().steps.iter().enumerate() {
            let own: &[Cue] = match step {
                Step::Scene(scene) => {
                    for v in &scene.variants {
                        for c in &v.cues {
                            owners.entry(c.id.as_str()).or_insert((i, Some(&v.id)));
                        }
                    }
                    &scene.cues
                }
                Step::Decision(decision) => &decision.cues,
                Step::Identify(_) | Step::Ending(_) => &[],
            };
            for c in own {
                owners.entry(c.id.as_str()).or_insert((i, None));
            }
        }
        for (i, step) in self.scenario().steps.iter().enumerate() {
            match step {
                Step::Scene(scene) => {
                    let mut lists: Vec<(ValuePath, &[Cue])> =
                        vec![(path!["steps", i, "cues"], &scene.cues)];
                    for (k, variant) in scene.variants.iter().enumerate() {
                        lists.push((path!["steps", i, "variants", k, "cues"], &variant.cues));
                    }
                    self.cue_tags(lists);
                    self.cue_markers(i, scene, &owners);
                }
                Step::Decision(decision) => {
                    self.cue_tags(vec![(path!["steps", i, "cues"], &decision.cues)]);
                    let own: Vec<&str> = decision.cues.iter().map(|c| c.id.as_str()).collect();
                    self.markers_in(
                        i,
                        path!["steps", i, "prompt"],
                        &decision.prompt,
                        &own,
                        &owners,
                    );
                    self.effect_rules(i, decision);
                }
                Step::Identify(_) | Step::Ending(_) => {}
            }
        }
    }

    /// `start` and every `next` name a step.
    fn step_links(&mut self, index: &HashMap<&'a str, usize>) {
        let s = self.scenario();
        let step_ids: Vec<&str> = s.steps.iter().map(Step::id).collect();
        let unknown_step = |next: &str| Problem::UnknownStep {
            next: next.to_owned(),
            suggestion: suggest(next, step_ids.iter().copied()),
            steps: step_ids.iter().map(|id| (*id).to_owned()).collect(),
        };
        if !index.contains_key(s.start.as_str()) {
            self.report(path!["start"], unknown_step(&s.start));
        }
        for (i, step) in s.steps.iter().enumerate() {
            for (next, rel) in step.successors() {
                if !index.contains_key(next) {
                    let mut p = path!["steps", i];
                    p.extend(rel);
                    self.report(p, unknown_step(next));
                }
            }
        }
    }

    /// Every cue of these lists (a step's own, a variant's) is tagged with a catalogue id.
    fn cue_tags(&mut self, cue_lists: Vec<(ValuePath, &[Cue])>) {
        let catalog = self.catalog;
        for (base, cues) in cue_lists {
            for (j, cue) in cues.iter().enumerate() {
                if catalog.cue_tag(&cue.indicator).is_none() {
                    let mut p = base.clone();
                    p.extend([PathSegment::Index(j), PathSegment::field("indicator")]);
                    self.report(
                        p,
                        Problem::UnknownIndicator {
                            id: cue.indicator.clone(),
                            suggestion: suggest(&cue.indicator, catalog.tag_ids()),
                        },
                    );
                }
            }
        }
    }

    /// Every `{marker}` in scene number `i` names a cue it may place: the scene's text its
    /// own cues, a variant's text also that variant's cues (shown only with it); and every
    /// variant can be drawn.
    fn cue_markers(&mut self, i: usize, scene: &'a Scene, owners: &CueOwners<'a>) {
        let own: Vec<&str> = scene.cues.iter().map(|c| c.id.as_str()).collect();
        let mut texts = vec![(path!["steps", i, "text"], scene.text.as_str(), own.clone())];
        for (k, variant) in scene.variants.iter().enumerate() {
            if variant.weight == 0 {
                self.report(
                    path!["steps", i, "variants", k, "weight"],
                    Problem::ZeroWeightVariant {
                        variant: variant.id.clone(),
                    },
                );
            }
            let mut allowed = own.clone();
            allowed.extend(variant.cues.iter().map(|c| c.id.as_str()));
            texts.push((
                path!["steps", i, "variants", k, "text"],
                &variant.text,
                allowed,
            ));
        }
        for (p, text, allowed) in texts {
            self.markers_in(i, p, text, &allowed, owners);
        }
    }

    /// Every `{marker}` in `text` (at `p`, in step number `i`) names one of `allowed`;
    /// otherwise the report says where that cue is, which says what to do.
    fn markers_in(
        &mut self,
        i: usize,
        p: ValuePath,
        text: &str,
        allowed: &[&str],
        owners: &CueOwners<'a>,
    ) {
        let steps = &self.scenario().steps;
        let set: BTreeSet<&str> = allowed.iter().copied().collect();
        for marker in cue_markers(text) {
            if set.contains(marker) {
                continue;
            }
            let found = match owners.get(marker) {
                Some(&(j, Some(variant))) if j == i => MarkerFound::InVariant(variant.to_owned()),
                Some(&(j, _)) if j != i => MarkerFound::InStep(steps[j].id().to_owned()),
                _ => MarkerFound::Nowhere {
                    suggestion: suggest(marker, allowed.iter().copied()),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                },
            };
            let problem = Problem::UnknownCueMarker {
                marker: marker.to_owned(),
                step: steps[i].id().to_owned(),
                found,
            };
            self.report_within(&p, &format!("{{{marker}}}"), problem);
        }
    }

    /// Every effect of decision number `i` names a scored rule of a ruleset the scenario is
    /// scored against, and some option of the decision is scored.
    fn effect_rules(&mut self, i: usize, decision: &'a Decision) {
        let rulesets = &self.scenario().rulesets;
        let catalog = self.catalog;
        let mut scored = false;
        for (j, option) in decision.options.iter().enumerate() {
            for (k, effect) in option.effects.iter().enumerate() {
                let p = || path!["steps", i, "options", j, "effects", k, "rule"];
                match catalog.rule(effect.rule()) {
                    None => self.report(
                        p(),
                        Problem::UnknownRule {
                            id: effect.rule().to_owned(),
                            suggestion: suggest(effect.rule(), catalog.rule_ids()),
                        },
                    ),
                    Some((_, rule)) if !rule.scored => self.report(
                        p(),
                        Problem::UnscoredRule {
                            rule: rule.id.clone(),
                        },
                    ),
                    Some((ruleset, _)) => {
                        scored = true;
                        if !rulesets.contains(&ruleset.id) {
                            self.report(
                                p(),
                                Problem::RuleOutsideScenarioRulesets {
                                    rule: effect.rule().to_owned(),
                                    ruleset: ruleset.id.clone(),
                                },
                            );
                        }
                    }
                }
            }
        }
        if !scored && decision.options.len() >= 2 {
            self.report(
                path!["steps", i, "options"],
                Problem::AllOptionsUnscored {
                    step: decision.id.clone(),
                },
            );
        }
    }
}
