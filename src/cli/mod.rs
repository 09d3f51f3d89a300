//! The `silent-slavery` command line: one module per subcommand (its arguments and what it does), the argument groups they share, and the printers.

mod args;
mod audit;
mod catalog;
mod coverage;
mod export;
mod graph;
mod new;
mod paths;
mod print;
mod report;
mod run;
mod stats;
mod store;
mod sync;
mod trainee;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use silent_slavery_scenario::model::catalog::Catalog;

/// Silent Slavery Trainer: scenario tools for trainers.
#[derive(Debug, Parser)]
#[command(name = "silent-slavery", version, about)]
pub struct Cli {
    /// Catalogue directory (indicators.ron and ruleset files) to use instead of the
    /// catalogue built into the program.
    #[arg(long, global = true, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// The results store the app records to (default: $SILENT_SLAVERY_DB, else the platform
    /// data directory).
    #[arg(long, value_name = "PATH", id = "app_db")]
    db: Option<PathBuf>,
    /// The scenarios folder the app plays, course definitions in its `courses/` (default:
    /// `scenarios/` in the current folder, else beside the program).
    #[arg(
        long,
        value_name = "DIR",
        id = "app_scenarios",
        env = "SILENT_SLAVERY_SCENARIOS"
    )]
    scenarios: Option<PathBuf>,
    /// Start the app with trainers' tools: the author preview (every step, every path's
    /// score). Not for trainees: it shows the answers.
    #[arg(long)]
    author: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files and report every problem as file:line:col.
    Validate(validate::Args),
    /// Check that a trainee who knows nothing cannot pass: guessing strategies worked out over
    /// every path, the chance that random play passes, the length and wording of right and
    /// wrong options; exit 1 on any error-level finding (docs/authoring.md, "Fair options").
    Audit(audit::Args),
    /// Play a scripted attempt headlessly and print the transcript and score.
    Run(run::Args),
    /// Who has completed each course, who is in progress and who has not started.
    Report(report::Args),
    /// Export results for a learning system or a KPI report (see docs/exports.md).
    Export(export::Args),
    /// Item analysis from the recorded attempts: per scenario version, decision, option and
    /// cue (facility, discrimination, shares, detection rates), with the decisions to look
    /// at flagged (see docs/statistics.md).
    Stats(stats::Args),
    /// Send the xAPI statements of finished attempts to a learning record store; exit 1 while
    /// any statement is still waiting or was rejected.
    Sync(sync::Args),
    /// List every path through a scenario with its score per ruleset; exit 1 when a path
    /// passes with a critical breach or without upholding a critical rule at stake.
    Paths(paths::Args),
    /// Print which rules and indicators each scenario exercises; exit 1 when the library
    /// leaves a scored rule upheld or breached in fewer than two scenarios, a then-and-now
    /// difference unshown, fewer than 60 indicators shown, a role group unplayed, or no
    /// scenario that can end with no exploitation found.
    Coverage(coverage::Args),
    /// Draw a scenario's step graph as SVG (open it in a web browser), or write it as
    /// Graphviz DOT.
    Graph(graph::Args),
    /// Check the results store (`store check`), or set a damaged one aside to a dated name
    /// (`store set-aside`).
    Store(store::Args),
    /// Show the rules and indicators scenarios refer to: what each rule asks, what upholding
    /// and breaching it look like and its partner in the other ruleset; each indicator's
    /// weight, definition and sources; the scenarios that use each.
    Catalog(catalog::Args),
    /// Write a starter scenario for a role that validates, with rules suggested for it.
    New(new::Args),
    /// Trainee records: list them with any that may be one person twice, reset a forgotten
    /// PIN, merge a duplicate, mark look-alikes as different people.
    Trainee(trainee::Args),
}

/// Runs the command line, or the app when no subcommand is given; errors are printed by
/// `main`. The catalogue is loaded once here and passed to whatever runs.
///
/// # Errors
/// Anything that stops the command: unreadable files, an unknown scenario id, a bad script.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let catalog = match &cli.catalog {
        Some(dir) => Catalog::from_dir(dir),
        None => Catalog::embedded(),
    }
    .context("loading the catalogue")?;
    let Some(command) = cli.command else {
        return crate::launch::run_app(
            Arc::new(catalog),
            cli.db.as_deref(),
            cli.scenarios.as_deref(),
            cli.author,
        );
    };
    match command {
        Command::Validate(args) => validate::run(&args, &catalog),
        Command::Audit(args) => audit::run(&args, &catalog),
        Command::Run(args) => run::run(&args, catalog),
        Command::Report(args) => report::run(&args),
        Command::Export(args) => export::run(&args, &catalog),
        Command::Stats(args) => stats::run(&args, &catalog),
        Command::Sync(args) => sync::run(&args, &catalog),
        Command::Paths(args) => paths::run(&args, &catalog),
        Command::Coverage(args) => coverage::run(&args, &catalog),
        Command::Graph(args) => graph::run(&args, &catalog),
        Command::Store(args) => store::run(&args),
        Command::Catalog(args) => catalog::run(&args, &catalog),
        Command::New(args) => new::run(&args, &catalog),
        Command::Trainee(args) => trainee::run(&args),
    }
}
