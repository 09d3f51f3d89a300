//! `silent-slavery graph`: a scenario's step graph as Graphviz DOT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use silent_slavery_scenario::analysis::dot;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::ScenarioArg;
use super::print::emit;

/// Write a scenario's step graph as Graphviz DOT.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Writes the graph to the file or standard output.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let loaded = args.scenario.load(catalog)?;
    let text = dot::to_dot(&loaded.scenario);
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
