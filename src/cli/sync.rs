//! `silent-slavery sync`: sends the xAPI statements of finished attempts to a learning record store (docs/operations.md).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use silent_slavery_results::xapi::outbox;
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{StoreUse, XapiArgs, open_existing_store};
use super::print::emit;

/// Send the xAPI statements of finished attempts to a learning record store.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/
    #[arg(long, env = "SILENT_SLAVERY_LRS", value_name = "URL")]
    pub lrs: String,
    /// The LRS user (HTTP basic authentication).
    #[arg(long, env = "SILENT_SLAVERY_LRS_USER")]
    pub user: String,
    /// A file holding the LRS password (never given on the command line, never logged).
    #[arg(long, env = "SILENT_SLAVERY_LRS_PASSWORD_FILE", value_name = "FILE")]
    pub password_file: PathBuf,
    /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Put statements the LRS rejected before back in the queue and send them again.
    #[arg(long)]
    pub retry_rejected: bool,
    #[command(flatten)]
    pub xapi: XapiArgs,
}

/// Queues and sends; exit 1 while any statement is still waiting or was rejected.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let password_file = &args.password_file;
    let config = args.xapi.config()?;
    let password = std::fs::read_to_string(password_file)
        .with_context(|| format!("reading the password file {}", password_file.display()))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let backoff = outbox::Backoff::default();
    let lrs = outbox::Lrs::new(&args.lrs, &args.user, password, backoff)?;
    let store = open_existing_store(args.db.as_deref(), StoreUse::Write)?;
    if args.retry_rejected {
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
