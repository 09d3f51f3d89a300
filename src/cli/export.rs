//! `silent-slavery export`: results for a learning system or a KPI report, written whole or not at all (docs/exports.md).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use silent_slavery_results::export;
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::outbox;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{LrsSourceArgs, SelectionArgs, StoreArgs, XapiArgs, load_courses, open_source};

/// Export formats (docs/exports.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One row per attempt.
    Attempts,
    /// One row per decision.
    Decisions,
    /// Totara course completion upload.
    Totara,
    /// Moodle gradebook import.
    Moodle,
    /// Per-unit KPIs (2003 recommendation 8).
    Kpi,
    /// xAPI 1.0.3 statements, as a JSON array.
    Xapi,
}

/// Export results for a learning system or a KPI report (see docs/exports.md).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub lrs: LrsSourceArgs,
    #[command(flatten)]
    pub xapi: XapiArgs,
    /// Write a Totara or Moodle file even when some trainees may be one person recorded twice
    /// (by default the export stops and names them: see `silent-slavery trainee`).
    #[arg(long)]
    pub allow_possible_duplicates: bool,
}

/// Writes the export whole, or not at all.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let (format, out) = (args.format, args.out.as_path());
    let (course, unit) = (
        args.selection.course.as_deref(),
        args.selection.unit.as_deref(),
    );
    let xapi_config = match format {
        ExportFormat::Xapi => Some(args.xapi.config()?),
        _ => None,
    };
    let courses = load_courses(&args.store.courses, course)?;
    let since = args.selection.since()?;
    // Read whole before the output file is created: an LRS that fails leaves no file.
    let source = open_source(
        &args.store,
        &args.lrs,
        args.xapi.home_page.clone(),
        args.xapi.activity_base.clone(),
    )?;
    let store = &source.store;
    if matches!(format, ExportFormat::Totara | ExportFormat::Moodle)
        && !args.allow_possible_duplicates
    {
        refuse_possible_duplicates(store, unit)?;
    }
    let selection = export::Selection {
        since,
        course: course.and_then(|id| courses.iter().find(|c| c.id == id)),
        unit,
    };
    // Write beside the target and rename at the end, so a failed export leaves no half file.
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let bar = indicatif::ProgressBar::new_spinner().with_message("rows written");
    let progress = |n: u64| bar.set_position(n);
    let rows = {
        let w = std::io::BufWriter::new(file.as_file_mut());
        match format {
            ExportFormat::Attempts => {
                export::attempts_csv(store, catalog, &selection, w, progress)?
            }
            ExportFormat::Decisions => export::decisions_csv(store, &selection, w, progress)?,
            ExportFormat::Totara => export::totara_csv(store, &courses, &selection, w)?,
            ExportFormat::Moodle => export::moodle_csv(store, &courses, &selection, w)?,
            ExportFormat::Kpi => export::kpi_csv(store, &courses, &selection, w)?.len() as u64,
            ExportFormat::Xapi => {
                let config = xapi_config.as_ref().context("xAPI configuration")?;
                let statements =
                    outbox::statements_for(store, catalog, config, &selection, progress)?;
                let mut w = w;
                serde_json::to_writer_pretty(&mut w, &statements)?;
                w.write_all(b"\n")?;
                w.flush()?;
                statements.len() as u64
            }
        }
    };
    bar.finish_and_clear();
    file.persist(out)
        .with_context(|| format!("writing {}", out.display()))?;
    let unit = if format == ExportFormat::Xapi {
        "statement(s)"
    } else {
        "row(s)"
    };
    eprintln!("{rows} {unit} written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Stops a learning-system export when trainees in it may be one person recorded twice: the
/// learning system would hold two people's records for one, or one completion for two.
fn refuse_possible_duplicates(store: &Store, unit: Option<&str>) -> Result<()> {
    let duplicates: Vec<String> = store
        .possible_duplicates()?
        .into_iter()
        .filter(|d| d.trainees.iter().any(|t| unit.is_none_or(|u| u == t.unit)))
        .map(|d| format!("  {d}"))
        .collect();
    if duplicates.is_empty() {
        return Ok(());
    }
    bail!(
        "nothing was written: these rows may be one person recorded twice:\n{}\n{} Or, to write the file as it is, add --allow-possible-duplicates.",
        duplicates.join("\n"),
        super::report::DUPLICATES_HINT
    )
}
