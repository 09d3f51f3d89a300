//! `silent-slavery store`: an operator's check of the results store, and setting a damaged one aside (docs/operations.md).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use silent_slavery_results::store::{Store, StoreError};

use super::args::damaged_store_hint;
use super::print::emit;

/// Check the results store, or set a damaged one aside.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// What to do with the store.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Run SQLite's full integrity check and say what the store holds and how it is kept;
    /// exit 1 when the store is damaged.
    Check {
        /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Move a damaged store (with its log files) to a dated name beside it, so that a new,
    /// empty store starts at the next command or app start. A sound store is left alone.
    SetAside {
        /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

/// Checks or sets aside.
pub fn run(args: &Args) -> Result<ExitCode> {
    match &args.action {
        Action::Check { db } => check(db.as_deref()),
        Action::SetAside { db } => set_aside(db.as_deref()),
    }
}

fn check(db: Option<&std::path::Path>) -> Result<ExitCode> {
    let path = Store::resolve_path(db)?;
    if !path.exists() {
        bail!(
            "there is no results store at {} (check --db or SILENT_SLAVERY_DB)",
            path.display()
        );
    }
    let store = match Store::open_checked(&path) {
        Ok(store) => store,
        Err(e @ StoreError::DamagedFile { .. }) => {
            emit(&format!("{e}\n{}\n", damaged_store_hint(&path)))?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let integrity = store.integrity_check()?;
    if integrity != "ok" {
        emit(&format!(
            "the results store {} is damaged: {integrity}\n{}\n",
            path.display(),
            damaged_store_hint(&path)
        ))?;
        return Ok(ExitCode::from(1));
    }
    let (journal, synchronous) = store.durability()?;
    let c = store.contents()?;
    emit(&format!(
        "{}: sound (integrity check ok)\n  journal mode {journal}, synchronous {}\n  {} trainee(s), {} attempt(s) ({} finished)\n  xAPI statements: {} waiting, {} rejected; {} finished attempt(s) not yet queued (the next sync queues and sends them)\n",
        path.display(),
        match synchronous {
            0 => "OFF",
            1 => "NORMAL",
            2 => "FULL",
            _ => "EXTRA",
        },
        c.trainees,
        c.attempts,
        c.finished,
        c.statements_waiting,
        c.statements_rejected,
        c.finished_not_queued
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn set_aside(db: Option<&std::path::Path>) -> Result<ExitCode> {
    let path = Store::resolve_path(db)?;
    if !path.exists() {
        bail!(
            "there is no results store at {} (check --db or SILENT_SLAVERY_DB)",
            path.display()
        );
    }
    match Store::open_checked(&path) {
        Ok(store) if store.integrity_check()? == "ok" => bail!(
            "the results store {} is sound (its integrity check passes), so it was left where it is; only a damaged store is set aside",
            path.display()
        ),
        // Damaged: a full check found what the quick one at opening did not.
        Ok(store) => drop(store),
        Err(StoreError::DamagedFile { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let aside = Store::set_aside(&path)?;
    emit(&format!(
        "The damaged results store was moved to {}\nKeep it for your IT desk: `sqlite3 {} .recover` may get attempts back from it.\nA new, empty store starts at {} the next time the app or a command uses it.\n",
        aside.display(),
        aside.display(),
        path.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
