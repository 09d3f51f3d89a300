//! Test helper: records scripted attempts into a results store without end, printing each input as it is committed, so a test can kill it at any moment and check nothing committed was lost.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::record::Recorded;
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::library::load_file;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Event, Input, Runner};
use silent_slavery_scenario::play::script::{Playable, parse_script, play};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, scenario, script, seed] = args.as_slice() else {
        eprintln!("usage: record-soak DB SCENARIO_FILE SCRIPT_FILE SEED");
        return ExitCode::from(2);
    };
    match soak(db.into(), scenario.into(), script.into(), seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record-soak: {e}");
            ExitCode::from(1)
        }
    }
}

fn soak(db: PathBuf, scenario: PathBuf, script: PathBuf, seed: &str) -> Result<(), String> {
    let catalog = Arc::new(Catalog::embedded().map_err(|e| e.to_string())?);
    let scenario = Arc::new(load_file(&scenario, &catalog).map_err(|d| format!("{d:?}"))?);
    let text = std::fs::read_to_string(&script).map_err(|e| e.to_string())?;
    let script = parse_script(&text).map_err(|e| e.to_string())?;
    let seed: u64 = seed.parse().map_err(|_| format!("bad seed {seed}"))?;
    let store = Store::open(&db).map_err(|e| e.to_string())?;
    store
        .add_trainee(&Trainee {
            staff_number: "soak".into(),
            name: "Soak test".into(),
            unit: "Test".into(),
        })
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    for _ in 0..10_000 {
        let (mut attempt, _) = RecordedAttempt::start(
            &store,
            "soak",
            IdentifiedBy::CommandLine,
            Arc::clone(&scenario),
            Arc::clone(&catalog),
            seed,
        )
        .map_err(|e| e.to_string())?;
        writeln!(out, "started {}", attempt.id).map_err(|e| e.to_string())?;
        let id = attempt.id;
        let mut printing = Printing {
            inner: Recorded {
                attempt: &mut attempt,
                log: &store,
            },
            out: &mut out,
            id,
            seq: 0,
        };
        let mut events = Vec::new();
        play(&mut printing, &script, &mut events).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Records through `inner` and prints each input once it is committed.
struct Printing<'a, W: Write> {
    inner: Recorded<'a, Store>,
    out: &'a mut W,
    id: uuid::Uuid,
    seq: u32,
}

impl<W: Write> Playable for Printing<'_, W> {
    fn runner(&self) -> &Runner {
        self.inner.runner()
    }

    fn input(&mut self, input: &Input) -> Result<Vec<Event>, String> {
        let events = self.inner.input(input)?;
        // Printed only after the commit returned: what the test reads is on disk.
        writeln!(self.out, "committed {} {}", self.id, self.seq).map_err(|e| e.to_string())?;
        self.out.flush().map_err(|e| e.to_string())?;
        self.seq += 1;
        Ok(events)
    }
}
