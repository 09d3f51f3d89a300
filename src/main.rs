//! Entry point of the `silent-slavery` program: the desktop app with no arguments, the command line with a subcommand.

mod cli;
mod launch;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
