//! Argument groups several subcommands share (declared once, flattened in), and loading what they name: scenario folders, one scenario, the results store, courses.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use silent_slavery_results::course::{self, Course};
use silent_slavery_results::store::{Store, StoreError};
use silent_slavery_results::xapi::statements::XapiConfig;
use silent_slavery_scenario::library::{self, LoadReport};
use silent_slavery_scenario::load::diagnostic::{Problem, Severity};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{Role, RoleGroup};
use time::OffsetDateTime;

/// Text for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Text,
    /// JSON for tools.
    Json,
}

/// `--format text|json`.
#[derive(Debug, clap::Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Text for people, JSON for tools, CSV for a spreadsheet (one table at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Text for people.
    Text,
    /// JSON for tools.
    Json,
    /// CSV for a spreadsheet.
    Csv,
}

/// `--format text|json|csv`, for commands whose output is tables.
#[derive(Debug, clap::Args)]
pub struct TableFormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

/// Which attempts a command reads: `--since`, `--course`, `--unit`.
#[derive(Debug, clap::Args)]
pub struct SelectionArgs {
    /// Only attempts started on or after this date (`YYYY-MM-DD`, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only this course: attempts at its scenarios (the totara, moodle and kpi exports
    /// report its completion).
    #[arg(long)]
    pub course: Option<String>,
    /// Only trainees of this unit.
    #[arg(long)]
    pub unit: Option<String>,
}

impl SelectionArgs {
    /// `--since` as a time, if given.
    pub fn since(&self) -> Result<Option<OffsetDateTime>> {
        self.since.as_deref().map(parse_since).transpose()
    }
}

/// Scenario files and folders to read.
#[derive(Debug, clap::Args)]
pub struct LibraryArgs {
    /// Files or directories (default: scenarios/).
    pub paths: Vec<PathBuf>,
}

impl LibraryArgs {
    /// Loads the scenarios under the paths (default `scenarios/`), refusing paths that do
    /// not exist.
    pub fn load(&self, catalog: &Catalog) -> Result<LoadReport> {
        let mut paths = self.paths.clone();
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
}

/// Where scenarios named by id are looked up.
#[derive(Debug, clap::Args)]
pub struct ScenariosDir {
    /// Where scenarios are looked up by id.
    #[arg(long, default_value = "scenarios", value_name = "DIR")]
    pub scenarios: PathBuf,
}

impl ScenariosDir {
    /// Loads one scenario by id from the folder, or from a file path; a broken scenario's
    /// diagnostics become the error.
    pub fn find(&self, catalog: &Catalog, id: &str) -> Result<LoadedScenario> {
        find_scenario(catalog, &self.scenarios, id)
    }
}

/// One scenario, by id or file, for the commands that take it as their argument.
#[derive(Debug, clap::Args)]
pub struct ScenarioArg {
    /// Scenario id (or path to a scenario file).
    pub scenario: String,
    #[command(flatten)]
    pub dir: ScenariosDir,
}

impl ScenarioArg {
    /// The scenario, loaded and checked.
    pub fn load(&self, catalog: &Catalog) -> Result<LoadedScenario> {
        self.dir.find(catalog, &self.scenario)
    }
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
    // An id two files share is refused rather than one of them picked in silence.
    if let Some(twice) = report.diagnostics.iter().find_map(|d| match &d.problem {
        Problem::DuplicateScenarioId { id: dup, other } if dup == id => {
            Some(format!("{other} and {}", d.file))
        }
        _ => None,
    }) {
        bail!(
            "scenario id `{id}` is defined in two files, {twice}: give one of them a new id (its file name without .ron), or name the file instead of the id"
        );
    }
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
            "no scenario `{id}` in {}; give one of the known ids: {} (or the path of a .ron file)",
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

/// Where the results store and course definitions are.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Where course definitions are read from.
    #[arg(long, default_value = "scenarios/courses", value_name = "DIR")]
    pub courses: PathBuf,
}

/// Who xAPI statements are about and where their activities live.
#[derive(Debug, clap::Args)]
pub struct XapiArgs {
    /// The actor account's homePage: your learning system's address.
    #[arg(long, env = "SILENT_SLAVERY_XAPI_HOME_PAGE", value_name = "URL")]
    pub home_page: Option<String>,
    /// Prefix of activity IRIs (default: HOME_PAGE/silent-slavery).
    #[arg(long, env = "SILENT_SLAVERY_XAPI_ACTIVITY_BASE", value_name = "URL")]
    pub activity_base: Option<String>,
    /// Replace staff numbers with a keyed hash (HMAC-SHA256) using the key in this file.
    #[arg(long, value_name = "KEY_FILE")]
    pub pseudonymise: Option<PathBuf>,
}

impl XapiArgs {
    /// The statements' configuration.
    pub fn config(&self) -> Result<XapiConfig> {
        Ok(XapiConfig::from_settings(
            self.home_page.clone(),
            self.activity_base.clone(),
            self.pseudonymise.as_deref(),
        )?)
    }
}

/// Reading the attempts from a learning record store instead of a results store.
#[derive(Debug, clap::Args)]
pub struct LrsSourceArgs {
    /// Read the attempts from this learning record store's xAPI endpoint instead of a
    /// results store (docs/operations.md, "Many workstations"); needs --user,
    /// --password-file and --home-page.
    #[arg(long, value_name = "URL", conflicts_with = "db")]
    pub lrs: Option<String>,
    /// The LRS user, with --lrs (HTTP basic authentication).
    #[arg(long, env = "SILENT_SLAVERY_LRS_USER")]
    pub user: Option<String>,
    /// A file holding the LRS password, with --lrs.
    #[arg(long, env = "SILENT_SLAVERY_LRS_PASSWORD_FILE", value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// Which statements are this product's when reading from an LRS (report and stats; export
/// has them in [`XapiArgs`]).
#[derive(Debug, clap::Args)]
pub struct ActivityArgs {
    /// With --lrs: the actors' account homePage the statements were sent with.
    #[arg(long, env = "SILENT_SLAVERY_XAPI_HOME_PAGE", value_name = "URL")]
    pub home_page: Option<String>,
    /// With --lrs: the prefix of the statements' activity IRIs (default:
    /// HOME_PAGE/silent-slavery).
    #[arg(long, env = "SILENT_SLAVERY_XAPI_ACTIVITY_BASE", value_name = "URL")]
    pub activity_base: Option<String>,
}

/// Where a report, export or item analysis reads the attempts: a results store, or a
/// scratch store rebuilt from an LRS (deleted when this is dropped).
pub struct Source {
    /// The store to read.
    pub store: Store,
    /// Read from an LRS: attempts whose trainee's name differs from an earlier attempt's
    /// with the same staff number
    /// ([`silent_slavery_results::xapi::read::ReadReport::names_differ`]); 0 from a results store.
    pub names_differ: u64,
    // Dropped after the store: the scratch store's folder.
    _scratch: Option<tempfile::TempDir>,
}

impl Source {
    /// Warns on standard error when `--unit` names a unit no trainee in the source belongs
    /// to, listing the units there are: units are matched exactly, and a mistyped one would
    /// otherwise give an empty report or upload with no word of why. A unit with nobody in
    /// it yet is not an error, so the command goes on.
    ///
    /// # Errors
    /// When the trainees cannot be read.
    pub fn warn_unknown_unit(&self, unit: Option<&str>) -> Result<()> {
        let Some(unit) = unit else {
            return Ok(());
        };
        let units: std::collections::BTreeSet<String> =
            self.store.trainees()?.into_iter().map(|t| t.unit).collect();
        if !units.contains(unit) {
            // The likeliest slip: the same name in another case or with other spacing.
            let squashed = |u: &str| {
                u.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            let meant = units.iter().find(|u| squashed(u) == squashed(unit));
            const LISTED: usize = 20;
            let mut known: Vec<String> = units
                .iter()
                .take(LISTED)
                .map(|u| format!("{u:?}"))
                .collect();
            if units.len() > LISTED {
                known.push(format!("and {} more", units.len() - LISTED));
            }
            eprintln!(
                "warning: no trainee here belongs to unit {unit:?} (units are matched exactly); {}",
                match meant {
                    Some(meant) => format!("did you mean {meant:?}?"),
                    None if known.is_empty() => "there are no trainees at all".to_owned(),
                    None => format!("the units are: {}", known.join(", ")),
                }
            );
        }
        Ok(())
    }
}

/// Opens the store a report reads: the results store (`--db`), or with `--lrs`, every
/// finished attempt the LRS holds, read page by page into a scratch store with a progress
/// bar, and a summary of what was read (foreign and malformed statements) on standard error.
pub fn open_source(
    store: &StoreArgs,
    lrs: &LrsSourceArgs,
    home_page: Option<String>,
    activity_base: Option<String>,
) -> Result<Source> {
    use silent_slavery_results::xapi::outbox::{Backoff, Lrs};
    use silent_slavery_results::xapi::read;
    let Some(endpoint) = &lrs.lrs else {
        // Typed on the command line (not from a workstation's environment, which the app's
        // sync uses), they mean the operator meant the LRS: reading the local store instead
        // would give a partial report that looks whole.
        let typed = |given: bool, env: &str| given && std::env::var_os(env).is_none();
        if typed(lrs.user.is_some(), "SILENT_SLAVERY_LRS_USER")
            || typed(
                lrs.password_file.is_some(),
                "SILENT_SLAVERY_LRS_PASSWORD_FILE",
            )
        {
            bail!(
                "--user and --password-file are for reading an LRS: add --lrs URL, or leave them out to read the results store"
            );
        }
        return Ok(Source {
            store: open_existing_store(store.db.as_deref(), StoreUse::Read)?,
            names_differ: 0,
            _scratch: None,
        });
    };
    let Some(user) = &lrs.user else {
        bail!("--lrs needs the LRS user: give --user or set SILENT_SLAVERY_LRS_USER");
    };
    let Some(password_file) = &lrs.password_file else {
        bail!(
            "--lrs needs the LRS password: give --password-file FILE or set SILENT_SLAVERY_LRS_PASSWORD_FILE"
        );
    };
    let config = XapiConfig::from_settings(home_page, activity_base, None)?;
    let password = std::fs::read_to_string(password_file)
        .with_context(|| format!("reading the password file {}", password_file.display()))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let backoff = Backoff::default();
    let client = Lrs::new(endpoint, user, password, backoff)?;
    let scratch = tempfile::Builder::new()
        .prefix("silent-slavery-lrs-")
        .tempdir()
        .context("creating a temporary folder for the attempts read from the LRS")?;
    // Interrupted (Ctrl-C, a kill), the read must not leave trainees' names and staff numbers
    // behind in the temporary folder: the handler removes it before the program ends.
    let scratch_path = scratch.path().to_path_buf();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&scratch_path);
        eprintln!("interrupted: nothing was written");
        std::process::exit(130);
    }) {
        eprintln!("warning: an interrupted read may leave its temporary copy behind: {e}");
    }
    let rebuilt = Store::open_scratch(&scratch.path().join("from-lrs.sqlite3"))?;
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} reading the LRS: {msg} ({elapsed})")
    {
        bar.set_style(style);
    }
    let report = read::import_from_lrs(
        &client,
        &config,
        &read::ReadFilter::default(),
        &rebuilt,
        backoff,
        |so_far| {
            bar.set_message(format!(
                "{} statement(s), {} attempt(s)",
                so_far.statements, so_far.attempts
            ));
            bar.tick();
        },
    );
    bar.finish_and_clear();
    let report = report.with_context(|| {
        format!("reading attempts from the LRS {endpoint} (nothing was written)")
    })?;
    eprint!("{}", super::print::lrs_read_summary(endpoint, &report));
    Ok(Source {
        store: rebuilt,
        names_differ: report.names_differ,
        _scratch: Some(scratch),
    })
}

/// Opens (creating if needed) a store to record to, after checking it is sound.
pub fn open_store(db: Option<&Path>) -> Result<Store> {
    let path = Store::resolve_path(db)?;
    open_at(&path, StoreUse::Write)
}

/// What a command does with the store: a store about to be written is checked whole first
/// (SQLite's quick check), so nothing is written on top of damage; reading skips the check,
/// which takes seconds on a large store (docs/performance.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreUse {
    /// Reports and exports.
    Read,
    /// Recording and syncing.
    Write,
}

/// What an operator can do about a damaged store at `path`.
pub fn damaged_store_hint(path: &Path) -> String {
    format!(
        "Nothing was written to it. Set it aside with `silent-slavery store set-aside --db {}`: it is renamed to a dated name beside it and kept for recovery, and a new, empty store starts at the next command.",
        path.display()
    )
}

fn open_at(path: &Path, use_: StoreUse) -> Result<Store> {
    let opened = match use_ {
        StoreUse::Read => Store::open(path),
        StoreUse::Write => Store::open_checked(path),
    };
    match opened {
        Ok(store) => Ok(store),
        Err(e @ StoreError::DamagedFile { .. }) => bail!("{e}\n{}", damaged_store_hint(path)),
        Err(e) => Err(e).with_context(|| format!("opening the results store {}", path.display())),
    }
}

/// Opens a store that must already exist: reading a mistyped path would otherwise create an
/// empty store and report nothing.
pub fn open_existing_store(db: Option<&Path>, use_: StoreUse) -> Result<Store> {
    let path = Store::resolve_path(db)?;
    if !path.exists() {
        bail!(
            "there is no results store at {} (check --db or SILENT_SLAVERY_DB)",
            path.display()
        );
    }
    open_at(&path, use_)
}

pub fn load_courses(dir: &Path, only: Option<&str>) -> Result<Vec<Course>> {
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

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<OffsetDateTime> {
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

/// A scenario file's text, for placing findings at line and column.
pub fn read_text(file: &str) -> Option<String> {
    std::fs::read_to_string(file).ok()
}

/// A role as written in a scenario file (`BorderForceOfficer`), in any case and with or
/// without `-` or `_` (`border-force-officer`), or a group word: `police` (a response
/// officer), `immigration` (an immigration officer), `social-care` (a social worker).
pub fn parse_role(text: &str) -> Result<Role> {
    let key: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let group = match key.as_str() {
        "police" => Some(Role::PoliceResponseOfficer),
        "immigration" => Some(Role::ImmigrationOfficer),
        "socialcare" | "social" => Some(Role::SocialWorker),
        _ => None,
    };
    if let Some(role) = group {
        return Ok(role);
    }
    if let Some(role) = Role::ALL
        .into_iter()
        .find(|r| format!("{r:?}").to_lowercase() == key)
    {
        return Ok(role);
    }
    let names: Vec<String> = Role::ALL.iter().map(|r| format!("{r:?}")).collect();
    bail!(
        "`{text}` is not a role: write `police`, `immigration` or `social-care`, or one of {}",
        names.join(", ")
    )
}

/// The group of a role written as for [`parse_role`].
pub fn parse_role_group(text: &str) -> Result<RoleGroup> {
    Ok(parse_role(text)?.group())
}
