//! `silent-slavery validate`: every problem in the scenario files at file:line:col, the audit's findings among them as warnings.

use std::process::ExitCode;

use anyhow::Result;
use silent_slavery_scenario::analysis::audit;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{Format, FormatArg, LibraryArgs, read_text};
use super::print::emit_json;

/// Check scenario files and report every problem as file:line:col.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub library: LibraryArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Checks the files and prints every problem at file:line:col; exit 1 on any error.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let format = args.format.format;
    let mut report = args.library.load(catalog)?;
    // The audit's findings are shown too, as warnings: a scenario that plays is never
    // refused for them here.
    let findings = audit::audit(&report.scenarios, catalog).diagnostics(read_text);
    report
        .diagnostics
        .extend(findings.into_iter().map(|d| d.as_warning()));
    let errors = report.error_count();
    match format {
        Format::Json => {
            let records: Vec<_> = report.diagnostics.iter().map(|d| d.to_record()).collect();
            let out = serde_json::json!({
                "files": report.files,
                "scenarios": report.scenarios.iter().map(|s| serde_json::json!({
                    "id": s.scenario.id,
                    "file": s.file,
                    "version": s.scenario.version,
                    "content_hash": s.content_hash(),
                    "bounds": s.bounds,
                })).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": report.diagnostics.len() - errors,
                "diagnostics": records,
            });
            emit_json(&out)?;
        }
        Format::Text => {
            for d in &report.diagnostics {
                eprintln!("{}\n", d.render());
            }
            let warnings = report.diagnostics.len() - errors;
            eprintln!(
                "{} file(s) checked: {} scenario(s) valid, {errors} error(s), {warnings} warning(s)",
                report.files.len(),
                report.scenarios.len()
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
