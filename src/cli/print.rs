//! Printing for people: writing to standard output, and the transcript and score of an attempt as text.

use anyhow::Result;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::Step;
use silent_slavery_scenario::play::runner::{EffectKind, Event};
use silent_slavery_scenario::play::score::AttemptScore;

/// Writes to standard output; a reader that went away (`| head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Pretty JSON with a line end, to standard output.
pub fn emit_json(value: &impl serde::Serialize) -> Result<()> {
    emit(&format!("{}\n", serde_json::to_string_pretty(value)?))
}

pub fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// The attempt event by event: each step, the variant each scene drew (of which), the
/// options in their order with the locked ones marked, flags, choices, effects, feedback.
pub fn transcript_text(loaded: &LoadedScenario, seed: u64, events: &[Event]) -> String {
    let s = &loaded.scenario;
    let mut out = format!(
        "{} (v{}, {})\n",
        s.title,
        s.version,
        &loaded.content_hash()[..12]
    );
    let drawn: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::VariantChosen { step, variant } => Some(format!("{step}={variant}")),
            _ => None,
        })
        .collect();
    if !drawn.is_empty() {
        out.push_str(&format!("Seed {seed} draws {}\n", drawn.join(", ")));
    }
    out.push('\n');
    // Flags as they stood at each event, to say which options were locked then.
    let mut flags = std::collections::BTreeSet::new();
    for event in events {
        let line = match event {
            Event::StepPresented { step, kind } => format!("[{step}] {kind:?}"),
            Event::VariantChosen { step, variant } => {
                let of = match s.step(step) {
                    Some(Step::Scene(scene)) => scene
                        .variants
                        .iter()
                        .map(|v| v.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => String::new(),
                };
                format!("  variant drawn: {variant} (of {of})")
            }
            Event::OptionsOrdered { step, order } => {
                let locked: Vec<String> = match s.step(step) {
                    Some(Step::Decision(d)) => order
                        .iter()
                        .filter_map(|id| d.options.iter().find(|o| &o.id == id))
                        .filter(|o| !o.is_unlocked(&flags))
                        .map(|o| match &o.locked_reason {
                            Some(reason) => format!("{} ({reason})", o.id),
                            None => o.id.clone(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if locked.is_empty() {
                    format!("  options: {}", order.join(", "))
                } else {
                    format!(
                        "  options: {}; locked: {}",
                        order.join(", "),
                        locked.join("; ")
                    )
                }
            }
            Event::CueFlagged { cue } => format!("  flag {cue}"),
            Event::CueUnflagged { cue } => format!("  unflag {cue}"),
            Event::OptionChosen { option, .. } => format!("  choose {option}"),
            Event::RuleEffect {
                rule,
                effect,
                points,
                critical,
                ..
            } => {
                let sign = if *effect == EffectKind::Upheld {
                    '+'
                } else {
                    '-'
                };
                let critical = if *critical { " CRITICAL" } else { "" };
                format!("    {sign}{points} {rule}{critical}")
            }
            Event::FlagSet { flag } => {
                flags.insert(flag.clone());
                format!("    sets {flag}")
            }
            Event::FeedbackShown { step, option } => {
                let feedback = match s.step(step) {
                    Some(Step::Decision(d)) => d
                        .options
                        .iter()
                        .find(|o| &o.id == option)
                        .map(|o| o.feedback.trim().to_owned())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                format!("  feedback: {feedback}")
            }
            Event::AttemptFinished { ending, outcome } => {
                format!("  ended at {ending}: {}", outcome.label())
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub fn score_text(loaded: &LoadedScenario, catalog: &Catalog, score: &AttemptScore) -> String {
    let mut out = String::from("\nScore\n");
    for r in &score.rulesets {
        let decides = if r.ruleset == score.pass_ruleset {
            " (decides pass/fail)"
        } else {
            ""
        };
        let verdict = if r.passed { "pass" } else { "fail" };
        out.push_str(&format!(
            "  {}{decides}: {} of {} points, scaled {}: {verdict}\n",
            r.ruleset,
            r.raw,
            r.max,
            r.scaled_score().fraction()
        ));
        for breach in &r.critical_breaches {
            let title = catalog
                .rule(&breach.rule)
                .map_or("", |(_, rule)| &rule.title);
            out.push_str(&format!(
                "    critical breach of {} ({title}) at {}: {}\n",
                breach.rule, breach.step, breach.option
            ));
        }
    }
    let id = &score.identification;
    out.push_str(&format!(
        "  identification: recall {:.2}, precision {:.2}, {} point(s); missed: {}; red herrings flagged: {}\n",
        id.recall,
        id.precision,
        id.points,
        list_or_none(&id.missed_indicators),
        list_or_none(&id.red_herrings_flagged)
    ));
    let result = match (score.outcome, score.passed) {
        (None, _) => "not finished".to_owned(),
        (Some(o), true) => format!("PASSED ({})", o.label()),
        (Some(o), false) => format!("FAILED ({})", o.label()),
    };
    out.push_str(&format!(
        "Result: {result} — scenario {} v{}\n",
        loaded.scenario.id, loaded.scenario.version
    ));
    // Each condition of passing with the attempt's figure and the threshold, so a failed
    // attempt says which condition failed.
    for condition in score.pass_conditions() {
        out.push_str(&format!("  {condition}\n"));
    }
    out
}

/// What reading attempts from an LRS found, for standard error: what was rebuilt, and the
/// statements left out (other tools', malformed ones with the first reasons).
pub fn lrs_read_summary(
    endpoint: &str,
    report: &silent_slavery_results::xapi::read::ReadReport,
) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "read {} statement(s) in {} page(s) from {endpoint}: {} finished attempt(s), {} scenario version(s)\n",
        report.statements, report.pages, report.attempts, report.versions
    );
    if report.foreign > 0 {
        let _ = writeln!(
            out,
            "  {} statement(s) of other tools left out",
            report.foreign
        );
    }
    if report.repeated > 0 {
        let _ = writeln!(
            out,
            "  {} attempt(s) read twice, kept once",
            report.repeated
        );
    }
    if report.malformed > 0 {
        let _ = writeln!(
            out,
            "  {} statement(s) of this product could not be read and are left out:",
            report.malformed
        );
        for (id, why) in &report.malformed_examples {
            let _ = writeln!(out, "    {id}: {why}");
        }
        if report.malformed > report.malformed_examples.len() as u64 {
            let _ = writeln!(
                out,
                "    … and {} more",
                report.malformed - report.malformed_examples.len() as u64
            );
        }
    }
    if report.pseudonymised > 0 {
        let _ = writeln!(
            out,
            "  {} attempt(s) were sent pseudonymised: their trainees have no staff number or name here, so the totara and moodle uploads cannot match them to learners",
            report.pseudonymised
        );
    }
    if report.names_differ > 0 {
        let _ = writeln!(
            out,
            "warning: {} attempt(s) carry another name than an earlier attempt with the same staff number; the reports use the latest name and unit, but these may be two people:",
            report.names_differ
        );
        for (staff, one, other) in &report.names_differ_examples {
            let _ = writeln!(out, "    {staff}: {one:?} and {other:?}");
        }
        let _ = writeln!(
            out,
            "  check with `silent-slavery trainee list` on the workstations; the totara and moodle exports stop until then (--allow-possible-duplicates writes them anyway)"
        );
    }
    // An empty report looks like a course nobody took; say why it may be empty instead.
    if report.statements == 0 {
        out.push_str(
            "warning: the LRS gave this user no statements at all: if the workstations have synced, check that this user may read the statements the workstations' user wrote (some LRSs let a user read only its own)\n",
        );
    } else if report.attempts == 0 && report.versions == 0 && report.foreign == report.statements {
        out.push_str(
            "warning: every statement read belongs to another product: check that --home-page and --activity-base are the ones the workstations send with\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use silent_slavery_results::xapi::read::ReadReport;

    use super::lrs_read_summary;

    #[test]
    fn a_read_that_found_nothing_of_ours_says_what_to_check() {
        let nothing = lrs_read_summary("http://lrs/", &ReadReport::default());
        assert!(nothing.contains("warning: the LRS gave this user no statements at all"));
        let foreign = ReadReport {
            pages: 1,
            statements: 85,
            foreign: 85,
            ..ReadReport::default()
        };
        let foreign = lrs_read_summary("http://lrs/", &foreign);
        assert!(foreign.contains("85 statement(s) of other tools left out"));
        assert!(foreign.contains("check that --home-page and --activity-base"));
        let ours = ReadReport {
            pages: 1,
            statements: 86,
            foreign: 85,
            versions: 1,
            ..ReadReport::default()
        };
        assert!(!lrs_read_summary("http://lrs/", &ours).contains("warning"));
    }
}
