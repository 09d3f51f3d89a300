//! `silent-slavery graph`: a scenario's step graph as a picture, SVG (no install needed) or Graphviz DOT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;
use silent_slavery_scenario::analysis::dot;
use silent_slavery_scenario::analysis::picture::StepPicture;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::ScenarioArg;
use super::print::emit;

/// How the picture is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// SVG: open it in any web browser.
    Svg,
    /// Graphviz DOT text, for `dot -Tsvg`.
    Dot,
}

/// Write a scenario's step graph as SVG or Graphviz DOT.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
    pub format: GraphFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Writes the picture to the file or standard output.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let loaded = args.scenario.load(catalog)?;
    let picture = StepPicture::of(&loaded.scenario, catalog);
    let text = match args.format {
        GraphFormat::Svg => picture.to_svg()?,
        GraphFormat::Dot => dot::to_dot(&picture),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
