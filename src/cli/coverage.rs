//! `silent-slavery coverage`: which rules and indicators each scenario exercises, each scenario's role, forms and outcomes, and what the library still lacks.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use silent_slavery_scenario::analysis::coverage::{Coverage, Gap, REQUIRED_DISTINCT_INDICATORS};
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{Format, FormatArg, LibraryArgs};
use super::print::{emit, emit_json};

/// Print which rules and indicators each scenario exercises.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub library: LibraryArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Prints the coverage matrix and the library's gaps; exit 1 on any gap or broken file.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let format = args.format.format;
    let report = args.library.load(catalog)?;
    let coverage = Coverage::of(&report.scenarios, catalog);
    let gaps = coverage.gaps(REQUIRED_DISTINCT_INDICATORS);
    let errors = report.error_count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "coverage": coverage,
                "distinct_indicators": coverage.distinct_indicators(),
                "gaps": gaps.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "scenario_errors": errors,
            });
            emit_json(&out)?;
        }
        Format::Text => emit(&text(&coverage, &gaps, errors)?)?,
    }
    Ok(if gaps.is_empty() && errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The coverage as text: each scenario's profile, rules and indicators by scenario, gaps.
fn text(coverage: &Coverage, gaps: &[Gap], errors: usize) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "Scenarios (role; forms of exploitation; outcomes its endings record):"
    )?;
    for (n, p) in coverage.profiles.iter().enumerate() {
        let forms: Vec<String> = p.forms.iter().map(|f| format!("{f:?}")).collect();
        let outcomes: Vec<&str> = p.outcomes.iter().map(|o| o.label()).collect();
        writeln!(
            out,
            "  {:>2} {:<30} {}; {}; {}",
            n + 1,
            p.id,
            p.role.label(),
            if forms.is_empty() {
                "—".to_owned()
            } else {
                forms.join(", ")
            },
            outcomes.join(", ")
        )?;
    }
    let header: String = (1..=coverage.scenarios.len())
        .map(|n| format!("{:>3}", n))
        .collect();
    writeln!(
        out,
        "\nRules x scenarios (+ upheld, - breached, * both, . neither; ~ not a trainee decision)\n{:<46}{header}",
        ""
    )?;
    let mut ruleset = "";
    for rule in &coverage.rules {
        if rule.ruleset != ruleset {
            ruleset = &rule.ruleset;
            writeln!(out, "{ruleset}")?;
        }
        let cells: String = coverage
            .scenarios
            .iter()
            .map(|id| {
                let cell = match (rule.upheld_in.contains(id), rule.breached_in.contains(id)) {
                    (true, true) => '*',
                    (true, false) => '+',
                    (false, true) => '-',
                    (false, false) => '.',
                };
                format!("{cell:>3}")
            })
            .collect();
        let mark = if rule.scored { ' ' } else { '~' };
        writeln!(out, "  {mark}{:<43}{cells}", rule.rule)?;
    }
    writeln!(
        out,
        "\nIndicators x scenarios (x shown): {} of {} distinct\n{:<46}{header}",
        coverage.distinct_indicators(),
        coverage.indicators.len(),
        ""
    )?;
    let mut category = "";
    for indicator in &coverage.indicators {
        if indicator.category != category {
            category = &indicator.category;
            writeln!(out, "{category}")?;
        }
        let cells: String = coverage
            .scenarios
            .iter()
            .map(|id| {
                format!(
                    "{:>3}",
                    if indicator.shown_in.contains(id) {
                        'x'
                    } else {
                        '.'
                    }
                )
            })
            .collect();
        writeln!(out, "   {:<43}{cells}", indicator.indicator)?;
    }
    if errors > 0 {
        writeln!(
            out,
            "\n{errors} scenario error(s): run `silent-slavery validate` for details"
        )?;
    }
    if gaps.is_empty() {
        writeln!(
            out,
            "\nCoverage complete: every scored rule upheld and breached in at least 2 scenarios, every difference from 2003 shown, {} indicators, police, immigration and social-care roles, a scenario that can end with no exploitation found.",
            coverage.distinct_indicators()
        )?;
    } else {
        writeln!(out, "\n{} gap(s):", gaps.len())?;
        for gap in gaps {
            writeln!(out, "  {gap}")?;
        }
    }
    Ok(out)
}
