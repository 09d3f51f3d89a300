//! Semantic checks on a parsed scenario: ids, references, the step graph, flags, and that good practice can pass.

mod flags;
mod graph;
mod ids;
mod limits;
mod outcomes;
mod references;

use std::collections::BTreeMap;

use crate::analysis::states::{self, Analysis};
use crate::load::diagnostic::{Diagnostic, Problem, Severity};
use crate::load::parse::ParsedScenario;
use crate::model::bounds::ScoreBounds;
use crate::model::catalog::Catalog;
use crate::model::path::{PathSegment, ValuePath};
use crate::model::scenario::{Scenario, Step};
use crate::path;

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

/// One scenario being checked: each pass (one module each) adds what it finds to `out`.
pub(super) struct Checker<'a> {
    parsed: &'a ParsedScenario,
    catalog: &'a Catalog,
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub(super) fn report(&mut self, path: ValuePath, problem: Problem) {
        let d = self.parsed.diagnostic(&path, problem);
        self.out.push(d);
    }

    /// Reports at `needle` inside the value at `path` (e.g. a marker inside a text), or at
    /// the value's start when the source spells it differently.
    pub(super) fn report_within(&mut self, path: &[PathSegment], needle: &str, problem: Problem) {
        let text = &self.parsed.text;
        let start = self.parsed.locator().find(path);
        let offset = crate::load::locate::offset_of(text, start);
        let position = text[offset..].find(needle).map_or(start, |i| {
            crate::load::locate::Position::of_offset(text, offset + i)
        });
        self.out
            .push(Diagnostic::new(&self.parsed.file, text, position, problem));
    }

    pub(super) fn has_errors(&self) -> bool {
        self.out.iter().any(|d| d.severity() == Severity::Error)
    }

    pub(super) fn scenario(&self) -> &'a Scenario {
        &self.parsed.scenario
    }
}

/// Every authored text field with its path.
/// Calls `each` with every text of the scenario and a way to make its path: paths are
/// built only for the texts a check reports, as almost none are.
pub(super) fn text_fields<'s>(
    s: &'s Scenario,
    mut each: impl FnMut(&'s str, &dyn Fn() -> ValuePath),
) {
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
                for (j, c) in d.cues.iter().enumerate() {
                    each(&c.text, &|| path!["steps", i, "cues", j, "text"]);
                }
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
