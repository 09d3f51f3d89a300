//! `silent-slavery paths`: every path through a scenario with its score per ruleset, and the counts that must be zero.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use silent_slavery_scenario::analysis::paths::{self, PathReport};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{Format, FormatArg, ScenarioArg};
use super::print::{emit, emit_json};

/// List every path through a scenario with its score per ruleset.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Lists and scores every path; exit 1 when a path passes with a critical breach or without
/// upholding a critical rule at stake (a content error the author must fix).
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let loaded = args.scenario.load(catalog)?;
    let report = paths::report(&loaded, catalog);
    match args.format.format {
        Format::Json => emit_json(&serde_json::json!({
            "scenario": loaded.scenario.id,
            "version": loaded.scenario.version,
            "content_hash": loaded.content_hash(),
            "bounds": loaded.bounds,
            "truncated": report.truncated,
            "paths": report.paths,
            "summary": report.summary,
        }))?,
        Format::Text => emit(&text(&loaded, &report)?)?,
    }
    Ok(if report.summary.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Every path with its scores and the summary line.
fn text(loaded: &LoadedScenario, report: &PathReport) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "{} — {} path(s){}; identification assumed perfect (every true indicator flagged, no red herring)\n",
        loaded.scenario.id,
        report.paths.len(),
        if report.truncated {
            " (stopped at the limit)"
        } else {
            ""
        }
    )?;
    for (n, p) in report.paths.iter().enumerate() {
        let verdict = if p.score.passed { "PASS" } else { "fail" };
        let variants: Vec<String> = p
            .transcript
            .variants
            .iter()
            .map(|(scene, v)| format!("{scene}={v}"))
            .collect();
        writeln!(
            out,
            "{:>3}. {verdict}  {}{}",
            n + 1,
            p.route(),
            if variants.is_empty() {
                String::new()
            } else {
                format!("  [{}]", variants.join(", "))
            }
        )?;
        for r in &p.score.rulesets {
            let critical = if r.critical_breaches.is_empty() {
                String::new()
            } else {
                let rules: Vec<&str> = r
                    .critical_breaches
                    .iter()
                    .map(|b| b.rule.as_str())
                    .collect();
                format!("  critical: {}", rules.join(", "))
            };
            writeln!(
                out,
                "       {:<22} {:>4} / {:<4} {}{critical}",
                r.ruleset,
                r.raw,
                r.max,
                r.scaled_score().fraction()
            )?;
        }
        if p.passes_without_upholding_critical_rules() {
            writeln!(
                out,
                "       passes without upholding critical rule(s): {}",
                p.critical_rules_not_upheld.join(", ")
            )?;
        }
    }
    writeln!(out, "\n{}", report.summary)?;
    Ok(out)
}
