//! `silent-slavery audit`: could a trainee who knows nothing pass? Guessing strategies over every path, random play, and the item-writing faults behind them (docs/authoring.md, "Fair options").

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use silent_slavery_scenario::analysis::audit;
use silent_slavery_scenario::load::diagnostic::{Diagnostic, Severity};
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{Format, FormatArg, LibraryArgs, read_text};
use super::print::{emit, emit_json};

/// Check that a trainee who knows nothing cannot pass.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub library: LibraryArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Audits the library and prints the report; exit 1 on any error-level finding.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let format = args.format.format;
    let report = args.library.load(catalog)?;
    let result = audit::audit(&report.scenarios, catalog);
    let mut diagnostics = report.diagnostics.clone();
    diagnostics.extend(result.diagnostics(read_text));
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "audit": result,
                "errors": errors,
                "warnings": diagnostics.len() - errors,
                "diagnostics": diagnostics.iter().map(|d| d.to_record()).collect::<Vec<_>>(),
            });
            emit_json(&out)?;
        }
        Format::Text => emit(&text(&result, &diagnostics, report.files.len(), errors)?)?,
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The audit as text: per scenario the strategies, random play and decisions; the
/// library's length cue and tell-tale words; then every finding.
fn text(
    result: &audit::LibraryAudit,
    diagnostics: &[Diagnostic],
    files: usize,
    errors: usize,
) -> Result<String> {
    let mut out = String::new();
    for s in &result.scenarios {
        writeln!(out, "{} ({})", s.id, s.file)?;
        writeln!(
            out,
            "  {:<56} {:>5} {:>6}  scaled",
            "Zero-knowledge play, every scene variant", "plays", "passed"
        )?;
        for strategy in &s.strategies {
            let range = strategy
                .scaled_range()
                .map(|(lo, hi)| {
                    if (hi - lo).abs() < 0.005 {
                        format!("{lo:.2}")
                    } else {
                        format!("{lo:.2}–{hi:.2}")
                    }
                })
                .unwrap_or_else(|| "—".to_owned());
            let more = if strategy.truncated { "+" } else { "" };
            let mark = if strategy.passed() > 0 { "  ERROR" } else { "" };
            writeln!(
                out,
                "    {:<54} {:>4}{more:1} {:>6}  {range}{mark}",
                strategy.label(),
                strategy.plays.len(),
                strategy.passed()
            )?;
        }
        writeln!(
            out,
            "  Random play (any option, each cue flagged with probability 1/2) passes with probability {}{:.4}% ({}){}",
            if s.random.exact { "" } else { "at most " },
            s.random.probability * 100.0,
            if s.random.exact {
                "exact"
            } else {
                "an upper bound: too large to work out exactly"
            },
            if s.random.probability > audit::RANDOM_PASS_LIMIT {
                "  ERROR"
            } else {
                ""
            }
        )?;
        writeln!(
            out,
            "  {:<28} {:>7}  {:<28} {:>9} {:>6} {:>8}  near miss",
            "Decision", "options", "best", "length", "ratio", "critical"
        )?;
        for d in &s.decisions {
            writeln!(
                out,
                "    {:<26} {:>7}  {:<28} {:>4} of {:<2} {:>6.2} {:>8}  {}",
                d.step,
                d.options,
                d.best.join(", "),
                d.best_length_rank,
                d.options,
                d.length_ratio,
                d.critical.len(),
                if d.near_misses.is_empty() {
                    "—".to_owned()
                } else {
                    d.near_misses.join(", ")
                }
            )?;
        }
        writeln!(out)?;
    }
    let l = &result.length;
    writeln!(
        out,
        "Library: {} scenario(s), {} decision(s)",
        result.scenarios.len(),
        l.decisions
    )?;
    writeln!(
        out,
        "  The best option is the longest in {} of {} decisions ({:.0}%); chance {:.0}%, limit {:.0}%{}",
        l.best_longest,
        l.decisions,
        l.share * 100.0,
        l.chance * 100.0,
        l.limit() * 100.0,
        if l.too_often() { "  ERROR" } else { "" }
    )?;
    writeln!(
        out,
        "  Decisions with a near miss (partial credit): {:.0}%",
        result.near_miss_share * 100.0
    )?;
    for in_best in [true, false] {
        let tells: Vec<&audit::Tell> = result
            .tells
            .iter()
            .filter(|t| t.in_best == in_best)
            .collect();
        writeln!(
            out,
            "  Words only {} options use (in {} or more decisions): {}",
            if in_best { "best" } else { "wrong" },
            audit::TELL_MIN_DECISIONS,
            if tells.is_empty() { "none" } else { "" }
        )?;
        for t in tells {
            let places: Vec<String> = t
                .places
                .iter()
                .map(|(s, d, o)| format!("{s}/{d}/{o}"))
                .collect();
            writeln!(
                out,
                "    \"{}\" in {} decisions: {}",
                t.term,
                t.decisions,
                places.join(", ")
            )?;
        }
    }
    if !diagnostics.is_empty() {
        writeln!(out)?;
        for d in diagnostics {
            writeln!(out, "{}\n", d.render())?;
        }
    }
    writeln!(
        out,
        "{files} file(s) audited: {errors} error(s), {} warning(s)",
        diagnostics.len() - errors
    )?;
    Ok(out)
}
