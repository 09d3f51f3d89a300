//! `silent-slavery trainee`: an operator's tools for trainee records: list them with any that look like one person twice, reset a forgotten PIN, merge a duplicate, mark look-alikes as different people (docs/operations.md, "Identity").

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::args::{StoreUse, open_existing_store};
use super::print::emit;

/// Trainee records: list, reset a PIN, merge, mark distinct.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The results store (default: $SILENT_SLAVERY_DB, else the platform data directory).
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub action: Action,
}

/// What to do with trainee records.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Every trainee with their attempts and whether a PIN is set, then any who may be one
    /// person recorded twice; exit 1 when there are such look-alikes.
    List,
    /// Remove a trainee's PIN (forgotten, or locked after wrong tries): they choose a new one
    /// at their next sign-in. Check who is asking first: whoever signs in next with this staff
    /// number sets the PIN.
    ResetPin {
        /// The trainee's staff number.
        staff_number: String,
    },
    /// One person recorded under two staff numbers: move every attempt of FROM to INTO and
    /// remove FROM.
    Merge {
        /// The staff number to remove.
        #[arg(long)]
        from: String,
        /// The staff number to keep.
        #[arg(long)]
        into: String,
    },
    /// Two trainees who look alike (the same name, or numbers that differ only in zeros or
    /// punctuation) are different people: stop naming them as possible duplicates.
    Distinct {
        /// One staff number.
        staff_number: String,
        /// The other.
        other: String,
    },
}

/// Lists, resets, merges or marks.
pub fn run(args: &Args) -> Result<ExitCode> {
    let store = open_existing_store(
        args.db.as_deref(),
        match args.action {
            Action::List => StoreUse::Read,
            _ => StoreUse::Write,
        },
    )?;
    match &args.action {
        Action::List => {
            let mut out = String::new();
            for t in store.trainees()? {
                let attempts = store.attempts_of(&t.staff_number)?.len();
                let pin = if store.pin_state(&t.staff_number)?.has_pin() {
                    "PIN set"
                } else {
                    "no PIN"
                };
                writeln!(
                    out,
                    "{:<12} {:<24} {:<20} {attempts:>3} attempt(s), {pin}",
                    t.staff_number, t.name, t.unit
                )?;
            }
            let duplicates = store.possible_duplicates()?;
            if !duplicates.is_empty() {
                writeln!(out, "\nPossibly one person recorded twice:")?;
                for d in &duplicates {
                    writeln!(out, "  {d}")?;
                }
                writeln!(out, "{}", super::report::DUPLICATES_HINT)?;
            }
            emit(&out)?;
            Ok(if duplicates.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Action::ResetPin { staff_number } => {
            if store.trainee(staff_number)?.is_none() {
                anyhow::bail!("there is no trainee with staff number {staff_number}");
            }
            if store.reset_pin(staff_number)? {
                eprintln!(
                    "PIN removed for {staff_number}: they choose a new one at their next sign-in"
                );
            } else {
                eprintln!("{staff_number} had no PIN set; nothing changed");
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Merge { from, into } => {
            let moved = store
                .merge_trainees(from, into)
                .with_context(|| format!("merging {from} into {into}"))?;
            eprintln!("{moved} attempt(s) moved from {from} to {into}; {from} removed");
            Ok(ExitCode::SUCCESS)
        }
        Action::Distinct {
            staff_number,
            other,
        } => {
            store.mark_distinct(staff_number, other)?;
            eprintln!(
                "{staff_number} and {other} are recorded as different people; they are no longer named as possible duplicates"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
