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
    if args.xapi.pseudonymise.is_some() && format != ExportFormat::Xapi {
        bail!(
            "--pseudonymise applies to --format xapi only: the CSV formats name trainees by staff number so a learning system can match them (docs/exports.md)"
        );
    }
    let target = output_target(args)?;
    let courses = load_courses(&args.store.courses, course)?;
    let since = args.selection.since()?;
    // Read whole before the output file is created: an LRS that fails leaves no file.
    let source = open_source(
        &args.store,
        &args.lrs,
        args.xapi.home_page.clone(),
        args.xapi.activity_base.clone(),
    )?;
    source.warn_unknown_unit(unit)?;
    let store = &source.store;
    if matches!(format, ExportFormat::Totara | ExportFormat::Moodle)
        && !args.allow_possible_duplicates
    {
        refuse_possible_duplicates(store, unit)?;
        if source.names_differ > 0 {
            bail!(
                "not written: {} attempt(s) read from the LRS carry another name than an earlier one with the same staff number (listed above), so the upload could give one person's completion to another; check them with `silent-slavery trainee list` on the workstations, or write it anyway with --allow-possible-duplicates",
                source.names_differ
            );
        }
    }
    let selection = export::Selection {
        since,
        course: course.and_then(|id| courses.iter().find(|c| c.id == id)),
        unit,
    };
    let mut file = target.create()?;
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
    target.finish(file)?;
    let unit = if format == ExportFormat::Xapi {
        "statement(s)"
    } else {
        "row(s)"
    };
    eprintln!("{rows} {unit} written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Where an export goes, worked out before anything is read.
enum OutputTarget {
    /// A regular file (or none yet): written beside it and renamed over it at the end, so a
    /// failed export leaves no half file. The path is the link's target when `--out` is one.
    Replace {
        path: PathBuf,
        /// The permissions of the file replaced, kept.
        permissions: Option<std::fs::Permissions>,
    },
    /// Something that is not a regular file (a pipe, a terminal, /dev/stdout): written to
    /// directly, never replaced.
    Stream(PathBuf),
}

/// The file being written ([`OutputTarget::create`]).
enum Output {
    Temporary(tempfile::NamedTempFile),
    Stream(std::fs::File),
}

impl Output {
    fn as_file_mut(&mut self) -> &mut std::fs::File {
        match self {
            Output::Temporary(file) => file.as_file_mut(),
            Output::Stream(file) => file,
        }
    }
}

impl OutputTarget {
    fn create(&self) -> Result<Output> {
        match self {
            OutputTarget::Replace { path, .. } => {
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                Ok(Output::Temporary(
                    tempfile::NamedTempFile::new_in(dir)
                        .with_context(|| format!("creating a file in {}", dir.display()))?,
                ))
            }
            OutputTarget::Stream(path) => Ok(Output::Stream(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("opening {} to write", path.display()))?,
            )),
        }
    }

    fn finish(&self, output: Output) -> Result<()> {
        match (self, output) {
            (OutputTarget::Replace { path, permissions }, Output::Temporary(file)) => {
                if let Some(permissions) = permissions {
                    file.as_file()
                        .set_permissions(permissions.clone())
                        .with_context(|| format!("writing {}", path.display()))?;
                }
                file.persist(path)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            (_, Output::Stream(mut file)) => file.flush()?,
            (OutputTarget::Stream(_), Output::Temporary(_)) => {}
        }
        Ok(())
    }
}

/// Checks `--out` before anything is read: it must not be a folder, a read-only file, or a
/// file the product keeps (the results store and its journal, the pseudonymisation key, the
/// LRS password file), which an export would destroy.
///
/// # Errors
/// Any of those, or a folder for it that does not exist.
fn output_target(args: &Args) -> Result<OutputTarget> {
    let out = args.out.as_path();
    let resolved = match std::fs::canonicalize(out) {
        Ok(path) => path,
        Err(_) => {
            let parent = out
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let Some(name) = out.file_name() else {
                bail!("--out {} names no file", out.display());
            };
            let parent = std::fs::canonicalize(parent).with_context(|| {
                format!(
                    "--out {}: the folder {} does not exist",
                    out.display(),
                    parent.display()
                )
            })?;
            parent.join(name)
        }
    };
    let mut kept: Vec<(PathBuf, &str)> = Vec::new();
    if args.lrs.lrs.is_none()
        && let Ok(db) = Store::resolve_path(args.store.db.as_deref())
    {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            kept.push((PathBuf::from(name), "the results store"));
        }
    }
    if let Some(key) = &args.xapi.pseudonymise {
        kept.push((key.clone(), "the pseudonymisation key"));
    }
    if let Some(password) = &args.lrs.password_file {
        kept.push((password.clone(), "the LRS password file"));
    }
    for (path, what) in &kept {
        let same = std::fs::canonicalize(path).is_ok_and(|p| p == resolved)
            || (!path.exists() && std::path::absolute(path).is_ok_and(|p| p == resolved));
        if same {
            bail!(
                "--out {} is {what}: the export would overwrite it; choose another file",
                out.display()
            );
        }
    }
    match std::fs::metadata(&resolved) {
        Ok(meta) if meta.is_dir() => bail!(
            "--out {} is a folder: give a file name, e.g. {}",
            out.display(),
            out.join("export.csv").display()
        ),
        Ok(meta) if meta.is_file() => {
            if meta.permissions().readonly() {
                bail!(
                    "--out {} is read-only: the export will not replace it",
                    out.display()
                );
            }
            Ok(OutputTarget::Replace {
                path: resolved,
                permissions: Some(meta.permissions()),
            })
        }
        Ok(_) => Ok(OutputTarget::Stream(resolved)),
        Err(_) => Ok(OutputTarget::Replace {
            path: resolved,
            permissions: None,
        }),
    }
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
