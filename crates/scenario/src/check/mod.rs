//! Semantic checks on a parsed scenario: ids, references, the step graph, flags, and that good practice can pass.

use std::collections::{BTreeMap, BTreeSet};

// foldhash: the keys are the scenario's own ids, and SipHash was a large part of checking.
use foldhash::{HashMap, HashMapExt};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Problem, Severity};
use crate::locate::{PathSegment, ValuePath};
use crate::parse::ParsedScenario;
use crate::path;
use crate::scenario::{Scenario, Step};
use crate::score::ScoreBounds;
use crate::states::{self, Analysis};

/// Longest text field accepted, in characters. A long scene is about 2,000.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most steps accepted in one scenario.
pub const MAX_STEPS: usize = 20_000;

/// What validation found.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    /// Every problem found, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Best and worst achievable raw score per ruleset (empty when there were errors).
    pub bounds: BTreeMap<String, ScoreBounds>,
    /// The state-graph analysis (absent when there were errors before it).
    pub analysis: Option<Analysis>,
}

impl Validation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error)
    }
}

/// The closest of `candidates` to `found`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(found, c), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}

/// Runs every check on `parsed`.
pub fn validate(parsed: &ParsedScenario, catalog: &Catalog) -> Validation {
    let mut v = Checker {
        parsed,
        catalog,
        out: Vec::new(),
    };
    let s = &parsed.scenario;
    v.limits();
    v.id_syntax();
    v.metadata();
    let index = v.ids();
    v.references(&index);
    v.flags();
    // The graph checks read `next` links: with a dangling or ambiguous link they would only
    // echo that error as unreachable or dead-end steps.
    if !v.out.iter().any(|d| {
        matches!(
            d.problem,
            Problem::UnknownStep { .. } | Problem::DuplicateStepId { .. }
        )
    }) {
        v.graph(&index);
    }
    let mut validation = Validation::default();
    if !v.has_errors() {
        let analysis = states::analyse(s, catalog, states::DEFAULT_STATE_LIMIT);
        validation.bounds = analysis.bounds.clone();
        v.outcomes(&analysis);
        validation.analysis = Some(analysis);
    }
    let mut diagnostics = v.out;
    diagnostics.sort_by_key(|d| d.position);
    if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        validation.bounds.clear();
        validation.analysis = None;
    }
    validation.diagnostics = diagnostics;
    validation
}

struct Checker<'a> {
    parsed: &'a ParsedScenario,
    catalog: &'a Catalog,
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn report(&mut self, path: ValuePath, problem: Problem) {
        let d = self.parsed.diagnostic(&path, problem);
        self.out.push(d);
    }

    /// Reports at `needle` inside the value at `path` (e.g. a marker inside a text), or at
    /// the value's start when the source spells it differently.
    fn report_within(&mut self, path: &[PathSegment], needle: &str, problem: Problem) {
        let text = &self.parsed.text;
        let start = self.parsed.locator().find(path);
        let offset = crate::locate::offset_of(text, start);
        let position = text[offset..].find(needle).map_or(start, |i| {
            crate::locate::Position::of_offset(text, offset + i)
        });
        self.out
            .push(Diagnostic::new(&self.parsed.file, text, position, problem));
    }

    fn has_errors(&self) -> bool {
        self.out.iter().any(|d| d.severity() == Severity::Error)
    }

    fn scenario(&self) -> &'a Scenario {
        &self.parsed.scenario
    }

    fn limits(&mut self) {
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
    fn id_syntax(&mut self) {
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

    fn metadata(&mut self) {
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

    /// Unique ids; returns step id → index of its first definition.
    fn ids(&mut self) -> HashMap<&'a str, usize> {
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
            match step {
                Step::Scene(scene) => {
                    let mut variant_ids = BTreeSet::new();
                    let mut cue_paths: Vec<(ValuePath, &str)> = scene
                        .cues
                        .iter()
                        .enumerate()
                        .map(|(j, c)| (path!["steps", i, "cues", j, "id"], c.id.as_str()))
                        .collect();
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
        }
        steps
    }

    fn references(&mut self, index: &HashMap<&'a str, usize>) {
        let s = self.scenario();
        let step_ids: Vec<&str> = s.steps.iter().map(Step::id).collect();
        let unknown_step = |next: &str| Problem::UnknownStep {
            next: next.to_owned(),
            suggestion: suggest(next, step_ids.iter().copied()),
        };
        if !index.contains_key(s.start.as_str()) {
            self.report(path!["start"], unknown_step(&s.start));
        }
        let catalog = self.catalog;
        for (i, step) in s.steps.iter().enumerate() {
            for (next, rel) in step.successors() {
                if !index.contains_key(next) {
                    let mut p = path!["steps", i];
                    p.extend(rel);
                    self.report(p, unknown_step(next));
                }
            }
            match step {
                Step::Scene(scene) => {
                    let mut cue_lists: Vec<(ValuePath, &[crate::scenario::Cue])> =
                        vec![(path!["steps", i, "cues"], &scene.cues)];
                    for (k, variant) in scene.variants.iter().enumerate() {
                        cue_lists.push((path!["steps", i, "variants", k, "cues"], &variant.cues));
                    }
                    for (base, cues) in cue_lists {
                        for (j, cue) in cues.iter().enumerate() {
                            if self.catalog.cue_tag(&cue.indicator).is_none() {
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
                    // A marker may name the scene's own cues; a variant's text may also name
                    // that variant's cues, which are shown only with it.
                    let own: BTreeSet<&str> = scene.cues.iter().map(|c| c.id.as_str()).collect();
                    let mut texts =
                        vec![(path!["steps", i, "text"], scene.text.as_str(), own.clone())];
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
                        for marker in cue_markers(text) {
                            if !allowed.contains(marker) {
                                let problem = Problem::UnknownCueMarker {
                                    marker: marker.to_owned(),
                                    step: scene.id.clone(),
                                };
                                self.report_within(&p, &format!("{{{marker}}}"), problem);
                            }
                        }
                    }
                }
                Step::Decision(decision) => {
                    let mut scored = false;
                    for (j, option) in decision.options.iter().enumerate() {
                        for (k, effect) in option.effects.iter().enumerate() {
                            let p = || path!["steps", i, "options", j, "effects", k, "rule"];
                            match self.catalog.rule(effect.rule()) {
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
                                    if !s.rulesets.contains(&ruleset.id) {
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
                Step::Identify(_) | Step::Ending(_) => {}
            }
        }
    }

    fn flags(&mut self) {
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
                    },
                );
            }
        }
    }

    fn graph(&mut self, index: &HashMap<&'a str, usize>) {
        let s = self.scenario();
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..s.steps.len()).map(|i| graph.add_node(i)).collect();
        for (i, step) in s.steps.iter().enumerate() {
            for (next, _) in step.successors() {
                if let Some(&j) = index.get(next) {
                    graph.update_edge(nodes[i], nodes[j], ());
                }
            }
        }
        let Some(&start) = index.get(s.start.as_str()) else {
            return;
        };
        let mut reachable = vec![false; s.steps.len()];
        let mut dfs = Dfs::new(&graph, nodes[start]);
        while let Some(n) = dfs.next(&graph) {
            reachable[graph[n]] = true;
        }
        let mut ends = vec![false; s.steps.len()];
        let reversed = Reversed(&graph);
        let mut dfs = Dfs::empty(reversed);
        for (i, step) in s.steps.iter().enumerate() {
            if matches!(step, Step::Ending(_)) {
                dfs.move_to(nodes[i]);
                while let Some(n) = dfs.next(reversed) {
                    ends[graph[n]] = true;
                }
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if !reachable[i] && index.get(step.id()) == Some(&i) {
                self.report(
                    path!["steps", i, "id"],
                    Problem::UnreachableStep {
                        id: step.id().to_owned(),
                        start: s.start.clone(),
                    },
                );
            }
        }
        let mut in_trap_cycle = vec![false; s.steps.len()];
        for component in petgraph::algo::tarjan_scc(&graph) {
            let looped = component.len() > 1 || graph.contains_edge(component[0], component[0]);
            let mut members: Vec<usize> = component.iter().map(|n| graph[*n]).collect();
            members.sort_unstable();
            if looped && members.iter().all(|&m| !ends[m] && reachable[m]) {
                for &m in &members {
                    in_trap_cycle[m] = true;
                }
                self.report(
                    path!["steps", members[0], "id"],
                    Problem::CycleWithNoExit {
                        steps: members
                            .iter()
                            .map(|&m| s.steps[m].id().to_owned())
                            .collect(),
                    },
                );
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if reachable[i] && !ends[i] && !in_trap_cycle[i] {
                self.report(
                    path!["steps", i, "id"],
                    Problem::NoWayToEnding {
                        id: step.id().to_owned(),
                    },
                );
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if !(reachable[i] && matches!(step, Step::Identify(_))) {
                continue;
            }
            let mut dfs = Dfs::new(reversed, nodes[i]);
            let mut cues_before = false;
            while let Some(n) = dfs.next(reversed) {
                let j = graph[n];
                if j == i || !reachable[j] {
                    continue;
                }
                if let Step::Scene(scene) = &s.steps[j] {
                    cues_before |=
                        !scene.cues.is_empty() || scene.variants.iter().any(|v| !v.cues.is_empty());
                }
            }
            if !cues_before {
                self.report(
                    path!["steps", i, "id"],
                    Problem::IdentifyWithoutCues {
                        step: step.id().to_owned(),
                    },
                );
            }
        }
    }

    fn outcomes(&mut self, analysis: &Analysis) {
        let s = self.scenario();
        if analysis.truncated {
            self.report(
                path!["steps"],
                Problem::TooManyStates {
                    limit: states::DEFAULT_STATE_LIMIT,
                },
            );
            return;
        }
        for (step, flags) in &analysis.locked_decisions {
            if let Some(i) = s.step_index(step) {
                self.report(
                    path!["steps", i, "options"],
                    Problem::AllOptionsLocked {
                        step: step.clone(),
                        flags: flags.clone(),
                    },
                );
            }
        }
        for (step, flags) in &analysis.traps {
            if let Some(i) = s.step_index(step) {
                self.report(
                    path!["steps", i, "id"],
                    Problem::TrapWithFlags {
                        step: step.clone(),
                        flags: flags.clone(),
                    },
                );
            }
        }
        for (step, option) in &analysis.loops_with_points {
            if let Some(i) = s.step_index(step)
                && let Step::Decision(d) = &s.steps[i]
                && let Some(j) = d.options.iter().position(|o| &o.id == option)
            {
                self.report(
                    path!["steps", i, "options", j, "id"],
                    Problem::LoopWithPoints {
                        step: step.clone(),
                        option: option.clone(),
                    },
                );
            }
        }
        if !analysis.locked_decisions.is_empty() || !analysis.traps.is_empty() {
            return;
        }
        let max = analysis.bounds.get(&s.pass_ruleset).map_or(0, |b| b.max);
        let deciding_rules_named = s.steps.iter().any(|step| match step {
            Step::Decision(d) => d.options.iter().flat_map(|o| o.effects.iter()).any(|e| {
                self.catalog
                    .rule(e.rule())
                    .is_some_and(|(set, _)| set.id == s.pass_ruleset)
            }),
            _ => false,
        });
        if !deciding_rules_named || max <= 0 {
            self.report(
                path!["pass_ruleset"],
                Problem::RulesetNotScored {
                    ruleset: s.pass_ruleset.clone(),
                },
            );
            return;
        }
        // With perfect identification (recall 1), a path passes when it has no critical
        // breach and reaches the mastery share of the maximum.
        let best = analysis
            .best_without_critical
            .get(&s.pass_ruleset)
            .copied()
            .flatten();
        let passes = best.is_some_and(|b| b as f64 + 1e-9 >= s.mastery_score * max as f64);
        if !passes {
            self.report(
                path!["pass_ruleset"],
                Problem::NoPassingPath {
                    ruleset: s.pass_ruleset.clone(),
                    best: best.unwrap_or(0),
                    max,
                    mastery: s.mastery_score,
                },
            );
        }
    }
}

/// Whether `id` is a valid id: lower-case ASCII letters, digits, `_` and `-`, starting with
/// a letter or digit, at most 100 characters.
pub fn is_valid_id(id: &str) -> bool {
    id.len() <= 100
        && id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `{cue_id}` markers in a text.
pub fn cue_markers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let inner = &after[..close];
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                {
                    out.push(inner);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

/// Every authored text field with its path.
/// Calls `each` with every text of the scenario and a way to make its path: paths are
/// built only for the texts a check reports, as almost none are.
fn text_fields<'s>(s: &'s Scenario, mut each: impl FnMut(&'s str, &dyn Fn() -> ValuePath)) {
    each(&s.id, &|| path!["id"]);
    each(&s.title, &|| path!["title"]);
    each(&s.summary, &|| path!["summary"]);
    each(&s.setting, &|| path!["setting"]);
    if let Some(w) = &s.content_warning {
        each(w, &|| path!["content_warning"]);
    }
    for (i, step) in s.steps.iter().enumerate() {
        each(step.id(), &|| path!["steps", i, "id"]);
        match step {
            Step::Scene(scene) => {
                each(&scene.text, &|| path!["steps", i, "text"]);
                if let Some(sp) = &scene.speaker {
                    each(sp, &|| path!["steps", i, "speaker"]);
                }
                for (j, c) in scene.cues.iter().enumerate() {
                    each(&c.text, &|| path!["steps", i, "cues", j, "text"]);
                }
                for (k, v) in scene.variants.iter().enumerate() {
                    each(&v.text, &|| path!["steps", i, "variants", k, "text"]);
                    for (j, c) in v.cues.iter().enumerate() {
                        each(&c.text, &|| {
                            path!["steps", i, "variants", k, "cues", j, "text"]
                        });
                    }
                }
            }
            Step::Identify(x) => each(&x.prompt, &|| path!["steps", i, "prompt"]),
            Step::Decision(d) => {
                each(&d.prompt, &|| path!["steps", i, "prompt"]);
                for (j, o) in d.options.iter().enumerate() {
                    each(&o.text, &|| path!["steps", i, "options", j, "text"]);
                    each(&o.feedback, &|| path!["steps", i, "options", j, "feedback"]);
                    if let Some(r) = &o.locked_reason {
                        each(r, &|| path!["steps", i, "options", j, "locked_reason"]);
                    }
                }
            }
            Step::Ending(e) => {
                each(&e.title, &|| path!["steps", i, "title"]);
                each(&e.text, &|| path!["steps", i, "text"]);
            }
        }
    }
}
