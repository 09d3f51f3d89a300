//! The `silent-slavery` command line: validate, run, paths and graph, printing the core's results as text or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use silent_slavery_core::audit;
use silent_slavery_core::catalog::Catalog;
use silent_slavery_core::course::{self, Course, CourseStatus};
use silent_slavery_core::coverage::{Coverage, Gap, REQUIRED_DISTINCT_INDICATORS};
use silent_slavery_core::diagnostic::Severity;
use silent_slavery_core::explore;
use silent_slavery_core::export;
use silent_slavery_core::library::{self, LoadReport, LoadedScenario};
use silent_slavery_core::outbox;
use silent_slavery_core::record::RecordedAttempt;
use silent_slavery_core::runner::{EffectKind, Event, Runner};
use silent_slavery_core::scenario::Step;
use silent_slavery_core::score::AttemptScore;
use silent_slavery_core::script;
use silent_slavery_core::store::{Store, Trainee};
use silent_slavery_core::xapi::XapiConfig;
use std::io::Write as _;
use time::OffsetDateTime;

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
    /// Start the app with trainers' tools: the author preview (every step, every path's
    /// score). Not for trainees: it shows the answers.
    #[arg(long)]
    author: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Starts the desktop app on the scenarios in the current folder (or beside the program).
fn run_app(db: Option<&Path>, author: bool) -> Result<ExitCode> {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set): the app needs a desktop session; the command line works without one (silent-slavery --help)"
        );
    }
    plain_graphics_failures();
    let db = Store::resolve_path(db)?;
    // The app reads scenarios/ from the current folder, as the README's command runs it;
    // installed elsewhere, it looks beside the program.
    let base = if Path::new("scenarios").is_dir() {
        std::env::current_dir()?
    } else {
        std::env::current_exe()?
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    // The scenarios folder is the asset root, so the file watcher (feature `dev`) watches
    // it alone, not the whole repository.
    let asset_root = base.join("scenarios");
    let exit = silent_slavery::app::run(silent_slavery::app::AppOptions {
        asset_root,
        db,
        settings_file: silent_slavery::ui::DisplaySettings::default_file(),
        author,
        lrs: background_sync()?,
    })
    .context("starting the app")?;
    Ok(match exit {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    })
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files and report every problem as file:line:col.
    Validate {
        /// Files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check that a trainee who knows nothing cannot pass: guessing strategies worked out over
    /// every path, the chance that random play passes, the length and wording of right and
    /// wrong options; exit 1 on any error-level finding (docs/authoring.md, "Fair options").
    Audit {
        /// Files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Play a scripted attempt headlessly and print the transcript and score.
    Run {
        /// Scenario id (or path to a scenario file).
        #[arg(long)]
        scenario: String,
        /// Seed for the attempt's randomness (variants, option order).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Script of inputs, one a line: `flag CUE`, `unflag CUE`, `choose OPTION`, `continue`.
        #[arg(long, value_name = "FILE")]
        choices: PathBuf,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Record the attempt in the results store at this file, exactly as the app would.
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Staff number of the trainee the attempt is recorded for (with --db).
        #[arg(long, value_name = "STAFF_NUMBER", requires = "db")]
        trainee: Option<String>,
        /// The trainee's name, to add or update them (with --trainee).
        #[arg(long, requires = "trainee")]
        name: Option<String>,
        /// The trainee's unit, to add or update them (with --trainee).
        #[arg(long, requires = "trainee")]
        unit: Option<String>,
    },
    /// Who has completed each course, who is in progress and who has not started.
    Report {
        /// Only this course.
        #[arg(long)]
        course: Option<String>,
        /// Only trainees of this unit.
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Export results for a learning system or a KPI report (see docs/exports.md).
    Export {
        /// What to export.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write (written whole or not at all).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only attempts started on or after this date (`YYYY-MM-DD`, UTC) or time (RFC 3339).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only this course (its scenarios; for totara/moodle/kpi, its completion).
        #[arg(long)]
        course: Option<String>,
        /// Only trainees of this unit.
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        xapi: XapiArgs,
    },
    /// Send the xAPI statements of finished attempts to a learning record store; exit 1 while
    /// any statement is still waiting or was rejected.
    Sync {
        /// The LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/
        #[arg(long, env = "SILENT_SLAVERY_LRS", value_name = "URL")]
        lrs: String,
        /// The LRS user (HTTP basic authentication).
        #[arg(long, env = "SILENT_SLAVERY_LRS_USER")]
        user: String,
        /// A file holding the LRS password (never given on the command line, never logged).
        #[arg(long, env = "SILENT_SLAVERY_LRS_PASSWORD_FILE", value_name = "FILE")]
        password_file: PathBuf,
        /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Put statements the LRS rejected before back in the queue and send them again.
        #[arg(long)]
        retry_rejected: bool,
        #[command(flatten)]
        xapi: XapiArgs,
    },
    /// List every path through a scenario with its score per ruleset; exit 1 when a path
    /// passes with a critical breach or without upholding a critical rule at stake.
    Paths {
        /// Scenario id (or path to a scenario file).
        scenario: String,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print which rules and indicators each scenario exercises; exit 1 when the library
    /// leaves a scored rule never upheld or never breached, a then-and-now difference unshown,
    /// or fewer than 60 indicators shown.
    Coverage {
        /// Files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a scenario's step graph as Graphviz DOT.
    Graph {
        /// Scenario id (or path to a scenario file).
        scenario: String,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Where the results store and course definitions are.
#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Where course definitions are read from.
    #[arg(long, default_value = "scenarios/courses", value_name = "DIR")]
    courses: PathBuf,
}

/// Who xAPI statements are about and where their activities live.
#[derive(Debug, clap::Args)]
struct XapiArgs {
    /// The actor account's homePage: your learning system's address.
    #[arg(long, env = "SILENT_SLAVERY_XAPI_HOME_PAGE", value_name = "URL")]
    home_page: Option<String>,
    /// Prefix of activity IRIs (default: HOME_PAGE/silent-slavery).
    #[arg(long, env = "SILENT_SLAVERY_XAPI_ACTIVITY_BASE", value_name = "URL")]
    activity_base: Option<String>,
    /// Replace staff numbers with a keyed hash (HMAC-SHA256) using the key in this file.
    #[arg(long, value_name = "KEY_FILE")]
    pseudonymise: Option<PathBuf>,
}

impl XapiArgs {
    fn config(&self) -> Result<XapiConfig> {
        let Some(home_page) = self.home_page.clone() else {
            bail!(
                "xAPI statements need the actor's homePage: give --home-page URL (your learning system's address) or set SILENT_SLAVERY_XAPI_HOME_PAGE"
            );
        };
        let pseudonymise_key = match &self.pseudonymise {
            Some(path) => {
                let key = std::fs::read(path)
                    .with_context(|| format!("reading the key file {}", path.display()))?;
                if key.trim_ascii().is_empty() {
                    bail!("the key file {} is empty", path.display());
                }
                Some(key.trim_ascii().to_vec())
            }
            None => None,
        };
        Ok(XapiConfig {
            activity_base: self
                .activity_base
                .clone()
                .unwrap_or_else(|| format!("{}/silent-slavery", home_page.trim_end_matches('/'))),
            home_page,
            pseudonymise_key,
        })
    }
}

/// Export formats (docs/exports.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs the command line; errors are printed by `main`.
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
        return run_app(cli.db.as_deref(), cli.author);
    };
    match command {
        Command::Validate { paths, format } => validate(&catalog, paths, format),
        Command::Audit { paths, format } => audit(&catalog, paths, format),
        Command::Run {
            scenario,
            seed,
            choices,
            scenarios,
            format,
            db,
            trainee,
            name,
            unit,
        } => {
            let record = match (db, trainee) {
                (Some(db), Some(staff_number)) => Some(RecordTo {
                    db,
                    staff_number,
                    name,
                    unit,
                }),
                (Some(_), None) => {
                    bail!("--db records the attempt for a trainee: give --trainee STAFF_NUMBER")
                }
                _ => None,
            };
            run_script(
                catalog, &scenarios, &scenario, seed, &choices, format, record,
            )
        }
        Command::Report {
            course,
            unit,
            store,
            format,
        } => report(&store, course.as_deref(), unit.as_deref(), format),
        Command::Sync {
            lrs,
            user,
            password_file,
            db,
            retry_rejected,
            xapi,
        } => sync(
            &catalog,
            &lrs,
            &user,
            &password_file,
            db.as_deref(),
            retry_rejected,
            &xapi,
        ),
        Command::Export {
            format,
            out,
            since,
            course,
            unit,
            store,
            xapi,
        } => export(
            &catalog,
            &store,
            &xapi,
            format,
            &out,
            since.as_deref(),
            course.as_deref(),
            unit.as_deref(),
        ),
        Command::Paths {
            scenario,
            scenarios,
            format,
        } => paths(&catalog, &scenarios, &scenario, format),
        Command::Coverage { paths, format } => coverage(&catalog, paths, format),
        Command::Graph {
            scenario,
            scenarios,
            out,
        } => {
            let loaded = find_scenario(&catalog, &scenarios, &scenario)?;
            let dot = silent_slavery_core::graph::to_dot(&loaded.scenario);
            match out {
                Some(path) => std::fs::write(&path, dot)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => emit(&dot)?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads the scenarios under `paths` (default `scenarios/`), refusing paths that do not exist.
fn load_library(catalog: &Catalog, mut paths: Vec<PathBuf>) -> Result<LoadReport> {
    if paths.is_empty() {
        paths.push(PathBuf::from("scenarios"));
    }
    for path in &paths {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }
    Ok(library::load_paths(&paths, catalog))
}

fn validate(catalog: &Catalog, paths: Vec<PathBuf>, format: Format) -> Result<ExitCode> {
    let mut report = load_library(catalog, paths)?;
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
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
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

/// A scenario file's text, for placing findings at line and column.
fn read_text(file: &str) -> Option<String> {
    std::fs::read_to_string(file).ok()
}

fn audit(catalog: &Catalog, paths: Vec<PathBuf>, format: Format) -> Result<ExitCode> {
    let report = load_library(catalog, paths)?;
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
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => emit(&audit_text(
            &result,
            &diagnostics,
            report.files.len(),
            errors,
        )?)?,
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn audit_text(
    result: &audit::LibraryAudit,
    diagnostics: &[silent_slavery_core::diagnostic::Diagnostic],
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

/// Loads one scenario by id from `dir`, or from a file path; a broken scenario's
/// diagnostics become the error.
fn find_scenario(catalog: &Catalog, dir: &Path, id: &str) -> Result<LoadedScenario> {
    let as_path = Path::new(id);
    let report: LoadReport = if as_path.extension().is_some_and(|e| e == "ron") {
        library::load_paths(&[as_path.to_path_buf()], catalog)
    } else {
        library::load_paths(&[dir.to_path_buf()], catalog)
    };
    if let Some(found) = report
        .scenarios
        .iter()
        .find(|s| s.scenario.id == id || Path::new(&s.file) == as_path)
    {
        return Ok(found.clone());
    }
    let broken: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| d.render())
        .collect();
    if broken.is_empty() {
        let known: Vec<&str> = report
            .scenarios
            .iter()
            .map(|s| s.scenario.id.as_str())
            .collect();
        bail!(
            "no scenario `{id}` in {}; known: {}",
            dir.display(),
            known.join(", ")
        );
    }
    bail!(
        "no valid scenario `{id}` in {}; these files have errors:\n{}",
        dir.display(),
        broken.join("\n\n")
    )
}

/// The LRS the app sends to in the background, when SILENT_SLAVERY_LRS,
/// SILENT_SLAVERY_LRS_USER, SILENT_SLAVERY_LRS_PASSWORD_FILE and
/// SILENT_SLAVERY_XAPI_HOME_PAGE are all set (docs/operations.md).
fn background_sync() -> Result<Option<silent_slavery::app::BackgroundSync>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(endpoint) = var("SILENT_SLAVERY_LRS") else {
        return Ok(None);
    };
    let (Some(user), Some(password_file), Some(home_page)) = (
        var("SILENT_SLAVERY_LRS_USER"),
        var("SILENT_SLAVERY_LRS_PASSWORD_FILE"),
        var("SILENT_SLAVERY_XAPI_HOME_PAGE"),
    ) else {
        bail!(
            "SILENT_SLAVERY_LRS is set: set SILENT_SLAVERY_LRS_USER, SILENT_SLAVERY_LRS_PASSWORD_FILE and SILENT_SLAVERY_XAPI_HOME_PAGE too"
        );
    };
    let password = std::fs::read_to_string(&password_file)
        .with_context(|| format!("reading the password file {password_file}"))?;
    let config = XapiArgs {
        home_page: Some(home_page),
        activity_base: var("SILENT_SLAVERY_XAPI_ACTIVITY_BASE"),
        pseudonymise: var("SILENT_SLAVERY_XAPI_PSEUDONYMISE_KEY_FILE").map(PathBuf::from),
    }
    .config()?;
    let minutes: u64 = var("SILENT_SLAVERY_LRS_SYNC_MINUTES")
        .and_then(|m| m.parse().ok())
        .unwrap_or(5);
    Ok(Some(silent_slavery::app::BackgroundSync {
        config,
        lrs: outbox::Lrs::new(
            &endpoint,
            &user,
            password.trim_end_matches(['\r', '\n']),
            outbox::Backoff::default(),
        )?,
        interval: std::time::Duration::from_secs(minutes.max(1) * 60),
    }))
}

/// Turns the renderer's panics on a machine with no usable graphics into a plain message:
/// a trainee or their IT desk should read what to install, not a backtrace.
fn plain_graphics_failures() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Unable to find a GPU")
            || message.contains("Failed to build event loop")
        {
            eprintln!(
                "error: the app could not start its graphics: no usable graphics adapter or display was found.\n\
                 On a workstation without a GPU, install Mesa's software drivers (Debian and Ubuntu: mesa-vulkan-drivers).\n\
                 The command line works without graphics: silent-slavery --help"
            );
            std::process::exit(3);
        }
        default(info);
    }));
}

/// Where `run --db` records the attempt.
struct RecordTo {
    db: PathBuf,
    staff_number: String,
    name: Option<String>,
    unit: Option<String>,
}

fn open_store(db: Option<&Path>) -> Result<Store> {
    let path = Store::resolve_path(db)?;
    Store::open(&path).with_context(|| format!("opening the results store {}", path.display()))
}

/// Opens a store that must already exist: reading a mistyped path would otherwise create an
/// empty store and report nothing.
fn open_existing_store(db: Option<&Path>) -> Result<Store> {
    let path = Store::resolve_path(db)?;
    if !path.exists() {
        bail!(
            "there is no results store at {} (check --db or SILENT_SLAVERY_DB)",
            path.display()
        );
    }
    Store::open(&path).with_context(|| format!("opening the results store {}", path.display()))
}

fn run_script(
    catalog: Catalog,
    dir: &Path,
    id: &str,
    seed: u64,
    choices: &Path,
    format: Format,
    record: Option<RecordTo>,
) -> Result<ExitCode> {
    let loaded = Arc::new(find_scenario(&catalog, dir, id)?);
    let text = std::fs::read_to_string(choices)
        .with_context(|| format!("reading {}", choices.display()))?;
    let script =
        script::parse_script(&text).with_context(|| format!("in {}", choices.display()))?;
    let catalog = Arc::new(catalog);
    let mut attempt_id = None;
    let (runner, events, played) = match record {
        None => {
            let (mut runner, mut events) =
                Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), seed)?;
            let played = script::play(&mut runner, &script, &mut events);
            (runner, events, played)
        }
        Some(to) => {
            let store = open_store(Some(&to.db))?;
            match (to.name, to.unit, store.trainee(&to.staff_number)?) {
                (Some(name), Some(unit), _) => store.upsert_trainee(&Trainee {
                    staff_number: to.staff_number.clone(),
                    name,
                    unit,
                })?,
                (None, None, Some(_)) => {}
                (name, unit, existing) => {
                    let Some(existing) = existing else {
                        bail!(
                            "trainee {} is not in the store: give --name and --unit to add them",
                            to.staff_number
                        );
                    };
                    store.upsert_trainee(&Trainee {
                        staff_number: to.staff_number.clone(),
                        name: name.unwrap_or(existing.name),
                        unit: unit.unwrap_or(existing.unit),
                    })?;
                }
            }
            let (mut attempt, mut events) = RecordedAttempt::start(
                &store,
                &to.staff_number,
                Arc::clone(&loaded),
                Arc::clone(&catalog),
                seed,
            )?;
            attempt_id = Some(attempt.id);
            let played = script::play(
                &mut script::Recorded {
                    attempt: &mut attempt,
                    log: &store,
                },
                &script,
                &mut events,
            );
            (attempt.runner().clone(), events, played)
        }
    };
    let score = runner.score();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "scenario": loaded.scenario.id,
                "version": loaded.scenario.version,
                "content_hash": loaded.content_hash(),
                "seed": seed,
                "attempt_id": attempt_id,
                "finished": runner.is_finished(),
                "error": played.as_ref().err().map(ToString::to_string),
                "events": events,
                "score": score,
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => {
            emit(&transcript_text(&loaded, &events))?;
            emit(&score_text(&loaded, &catalog, &score))?;
            if let Some(id) = attempt_id {
                emit(&format!("Recorded as attempt {id}\n"))?;
            }
        }
    }
    if let Err(e) = played {
        bail!("{}: {e}", choices.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn load_courses(dir: &Path, only: Option<&str>) -> Result<Vec<Course>> {
    let (courses, problems) = course::load_courses(dir);
    if !problems.is_empty() {
        let rendered: Vec<String> = problems.iter().map(|d| d.render()).collect();
        bail!("course definitions have errors:\n{}", rendered.join("\n\n"));
    }
    match only {
        None => Ok(courses),
        Some(id) => {
            let known: Vec<String> = courses.iter().map(|c| c.id.clone()).collect();
            let found: Vec<Course> = courses.into_iter().filter(|c| c.id == id).collect();
            if found.is_empty() {
                bail!(
                    "no course `{id}` in {}; known: {}",
                    dir.display(),
                    known.join(", ")
                );
            }
            Ok(found)
        }
    }
}

fn report(
    store_args: &StoreArgs,
    course: Option<&str>,
    unit: Option<&str>,
    format: Format,
) -> Result<ExitCode> {
    let courses = load_courses(&store_args.courses, course)?;
    let store = open_existing_store(store_args.db.as_deref())?;
    let trainees: Vec<Trainee> = store
        .trainees()?
        .into_iter()
        .filter(|t| unit.is_none_or(|u| u == t.unit))
        .collect();
    let mut json_courses = Vec::new();
    let mut out = String::new();
    for c in &courses {
        let mut rows = Vec::new();
        for t in &trainees {
            let standing = c.standing(&store.attempts_of(&t.staff_number)?);
            rows.push((t, standing));
        }
        if format == Format::Json {
            json_courses.push(serde_json::json!({
                "course": c.id,
                "title": c.title,
                "trainees": rows.iter().map(|(t, s)| serde_json::json!({
                    "staff_number": t.staff_number,
                    "name": t.name,
                    "unit": t.unit,
                    "status": s.status,
                    "completed_at": s.completed_at.map(export::totara_date),
                    "scenarios_done": s.scenarios.iter().filter(|x| x.done).count(),
                    "scenarios_required": s.scenarios.len(),
                    "grade": s.grade,
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        writeln!(
            out,
            "{} ({}): {} required scenario(s), moveOn {:?}",
            c.title,
            c.id,
            c.scenarios.len(),
            c.move_on
        )?;
        for (label, status) in [
            ("Completed", CourseStatus::Completed),
            ("In progress", CourseStatus::InProgress),
            ("Not started", CourseStatus::NotStarted),
        ] {
            let group: Vec<_> = rows.iter().filter(|(_, s)| s.status == status).collect();
            writeln!(out, "  {label}: {}", group.len())?;
            for (t, s) in group {
                let done = s.scenarios.iter().filter(|x| x.done).count();
                let detail = match status {
                    CourseStatus::Completed => format!(
                        "completed {}, grade {:.0}%",
                        s.completed_at.map(export::totara_date).unwrap_or_default(),
                        s.grade.unwrap_or(0.0) * 100.0
                    ),
                    CourseStatus::InProgress => {
                        let last = s
                            .scenarios
                            .iter()
                            .filter_map(|x| x.counted.as_ref().and_then(|a| a.finished_at))
                            .max()
                            .map(export::totara_date)
                            .map(|d| format!(", last finished {d}"))
                            .unwrap_or_else(|| ", none finished yet".into());
                        format!("{done} of {} done{last}", s.scenarios.len())
                    }
                    CourseStatus::NotStarted => String::new(),
                };
                writeln!(
                    out,
                    "    {:<12} {:<24} {:<20} {detail}",
                    t.staff_number, t.name, t.unit
                )?;
            }
        }
        writeln!(out)?;
    }
    if format == Format::Json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&json_courses)?
        ))?;
    } else {
        emit(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn sync(
    catalog: &Catalog,
    lrs: &str,
    user: &str,
    password_file: &Path,
    db: Option<&Path>,
    retry_rejected: bool,
    xapi: &XapiArgs,
) -> Result<ExitCode> {
    let config = xapi.config()?;
    let password = std::fs::read_to_string(password_file)
        .with_context(|| format!("reading the password file {}", password_file.display()))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let backoff = outbox::Backoff::default();
    let lrs = outbox::Lrs::new(lrs, user, password, backoff)?;
    let store = open_existing_store(db)?;
    if retry_rejected {
        let n = outbox::retry_rejected(&store)?;
        eprintln!("{n} rejected statement(s) queued again");
    }
    let report = outbox::sync(&store, catalog, &config, &lrs, backoff)?;
    let mut out = format!(
        "queued {}, delivered {}, rejected {}, still waiting {}\n",
        report.queued,
        report.delivered,
        report.rejected.len(),
        report.pending
    );
    for (id, reason) in &report.rejected {
        writeln!(out, "  rejected {id}: {reason}")?;
    }
    let all_rejected = outbox::rejected(&store)?;
    if all_rejected.len() > report.rejected.len() {
        writeln!(
            out,
            "  {} statement(s) rejected in earlier syncs are kept in the store; see docs/operations.md",
            all_rejected.len() - report.rejected.len()
        )?;
    }
    if let Some(error) = &report.last_error {
        writeln!(out, "  the LRS could not take everything: {error}")?;
    }
    emit(&out)?;
    Ok(if report.pending == 0 && all_rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
fn parse_since(text: &str) -> Result<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).with_context(|| {
        format!("--since {text}: give a date as YYYY-MM-DD or a time as RFC 3339")
    })?;
    Ok(date.midnight().assume_utc())
}

#[allow(clippy::too_many_arguments)]
fn export(
    catalog: &Catalog,
    store_args: &StoreArgs,
    xapi_args: &XapiArgs,
    format: ExportFormat,
    out: &Path,
    since: Option<&str>,
    course: Option<&str>,
    unit: Option<&str>,
) -> Result<ExitCode> {
    let xapi_config = match format {
        ExportFormat::Xapi => Some(xapi_args.config()?),
        _ => None,
    };
    let courses = load_courses(&store_args.courses, course)?;
    let store = open_existing_store(store_args.db.as_deref())?;
    let since = since.map(parse_since).transpose()?;
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
                export::attempts_csv(&store, catalog, &selection, w, progress)?
            }
            ExportFormat::Decisions => export::decisions_csv(&store, &selection, w, progress)?,
            ExportFormat::Totara => export::totara_csv(&store, &courses, &selection, w)?,
            ExportFormat::Moodle => export::moodle_csv(&store, &courses, &selection, w)?,
            ExportFormat::Kpi => export::kpi_csv(&store, &courses, &selection, w)?.len() as u64,
            ExportFormat::Xapi => {
                let config = xapi_config.as_ref().context("xAPI configuration")?;
                let statements =
                    outbox::statements_for(&store, catalog, config, &selection, progress)?;
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

fn transcript_text(loaded: &LoadedScenario, events: &[Event]) -> String {
    let s = &loaded.scenario;
    let mut out = format!(
        "{} (v{}, {})\n\n",
        s.title,
        s.version,
        &loaded.content_hash()[..12]
    );
    for event in events {
        let line = match event {
            Event::StepPresented { step, kind } => format!("[{step}] {kind:?}"),
            Event::VariantChosen { variant, .. } => format!("  variant: {variant}"),
            Event::OptionsOrdered { order, .. } => format!("  options: {}", order.join(", ")),
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
            Event::FlagSet { flag } => format!("    sets {flag}"),
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

fn score_text(loaded: &LoadedScenario, catalog: &Catalog, score: &AttemptScore) -> String {
    let mut out = String::from("\nScore\n");
    for r in &score.rulesets {
        let decides = if r.ruleset == score.pass_ruleset {
            " (decides pass/fail)"
        } else {
            ""
        };
        let verdict = if r.passed { "pass" } else { "fail" };
        out.push_str(&format!(
            "  {}{decides}: {} of {} points, scaled {:.2}: {verdict}\n",
            r.ruleset, r.raw, r.max, r.scaled
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

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
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

fn coverage(catalog: &Catalog, paths: Vec<PathBuf>, format: Format) -> Result<ExitCode> {
    let report = load_library(catalog, paths)?;
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
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => emit(&coverage_text(&coverage, &gaps, errors)?)?,
    }
    Ok(if gaps.is_empty() && errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn coverage_text(coverage: &Coverage, gaps: &[Gap], errors: usize) -> Result<String> {
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

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn paths(catalog: &Catalog, dir: &Path, id: &str, format: Format) -> Result<ExitCode> {
    let loaded = find_scenario(catalog, dir, id)?;
    let s = &loaded.scenario;
    let exploration = explore::explore(s, catalog, explore::DEFAULT_PATH_LIMIT);
    let scored = explore::scored_paths(s, catalog, &loaded.bounds, &exploration);
    let passing = scored.iter().filter(|p| p.score.passed).count();
    let critical_passing = scored
        .iter()
        .filter(|p| {
            p.score.passed
                && p.score
                    .rulesets
                    .iter()
                    .any(|r| !r.critical_breaches.is_empty())
        })
        .count();
    let passing_missing_critical = scored
        .iter()
        .filter(|p| p.score.passed && !p.critical_rules_not_upheld.is_empty())
        .count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "scenario": s.id,
                "version": s.version,
                "content_hash": loaded.content_hash(),
                "bounds": loaded.bounds,
                "truncated": exploration.truncated,
                "paths": scored,
                "summary": {
                    "paths": scored.len(),
                    "passing": passing,
                    "passing_with_critical_breach": critical_passing,
                    "passing_without_upholding_critical_rules": passing_missing_critical,
                },
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => {
            let mut out = String::new();
            writeln!(
                out,
                "{} — {} path(s){}; identification assumed perfect (every true indicator flagged, no red herring)\n",
                s.id,
                scored.len(),
                if exploration.truncated {
                    " (stopped at the limit)"
                } else {
                    ""
                }
            )?;
            for (n, p) in scored.iter().enumerate() {
                let verdict = if p.score.passed { "PASS" } else { "fail" };
                let choices: Vec<&str> = p
                    .transcript
                    .choices
                    .iter()
                    .map(|(_, o)| o.as_str())
                    .collect();
                let variants: Vec<String> = p
                    .transcript
                    .variants
                    .iter()
                    .map(|(scene, v)| format!("{scene}={v}"))
                    .collect();
                writeln!(
                    out,
                    "{:>3}. {verdict}  {} -> {}{}",
                    n + 1,
                    choices.join(" > "),
                    p.transcript.ending.as_deref().unwrap_or("?"),
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
                        "       {:<22} {:>4} / {:<4} {:.2}{critical}",
                        r.ruleset, r.raw, r.max, r.scaled
                    )?;
                }
                if p.score.passed && !p.critical_rules_not_upheld.is_empty() {
                    writeln!(
                        out,
                        "       passes without upholding critical rule(s): {}",
                        p.critical_rules_not_upheld.join(", ")
                    )?;
                }
            }
            writeln!(
                out,
                "\n{} path(s), {passing} pass; passing with a critical breach: {critical_passing}; passing without upholding the critical rules at stake: {passing_missing_critical}",
                scored.len()
            )?;
            emit(&out)?;
        }
    }
    // A path that passes but should not is a content error the author must fix.
    Ok(if critical_passing + passing_missing_critical > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
