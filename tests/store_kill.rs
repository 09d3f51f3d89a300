//! A process recording attempts is killed with SIGKILL at 50 random moments: no committed input is lost, the store stays intact, and the interrupted attempt resumes to the same score.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use silent_slavery_results::attempt::AttemptStatus;
use silent_slavery_results::record::Recorded;
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::library::load_file;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Runner;
use silent_slavery_scenario::play::script;
use uuid::Uuid;

const SCENARIO: &str = "scenarios/roadside_minibus_dawn.ron";
const SCRIPT: &str = "tests/scripts/roadside_minibus_dawn_best.txt";

/// A small deterministic generator (xorshift) so the kill points vary but the test repeats.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn killing_the_recorder_loses_no_committed_input() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenario = Arc::new(load_file(&root.join(SCENARIO), &catalog).expect("valid"));
    let script = script::parse_script(&std::fs::read_to_string(root.join(SCRIPT)).expect("script"))
        .expect("parses");

    // The score of an uninterrupted attempt, to compare resumed ones with.
    let uninterrupted = {
        let (mut runner, mut events) =
            Runner::start(Arc::clone(&scenario), Arc::clone(&catalog), 0).expect("starts");
        script::play(&mut runner, &script, &mut events).expect("plays");
        runner.score()
    };

    let mut committed: BTreeMap<Uuid, u32> = BTreeMap::new();
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..50 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_record-soak"))
            .arg(&db)
            .arg(root.join(SCENARIO))
            .arg(root.join(SCRIPT))
            .arg("0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts the recorder");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Kill after a random number of committed inputs: anywhere inside an attempt, or
        // between attempts.
        let target = 1 + next(&mut rng) % 45;
        let mut seen = 0;
        while seen < target {
            let Some(Ok(line)) = lines.next() else {
                panic!("round {round}: the recorder stopped early");
            };
            if let Some(rest) = line.strip_prefix("committed ") {
                let (id, seq) = rest.split_once(' ').expect("id and seq");
                let id = Uuid::parse_str(id).expect("uuid");
                let seq: u32 = seq.parse().expect("seq");
                committed.insert(id, seq);
                seen += 1;
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    let store = Store::open(&db).expect("reopens after 50 kills");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    for (id, last_seq) in &committed {
        let inputs = store.inputs(*id).expect("inputs");
        assert!(
            inputs.len() as u32 > *last_seq,
            "attempt {id}: input {last_seq} was reported committed but only {} are stored",
            inputs.len()
        );
        assert_eq!(
            inputs.iter().map(|i| i.seq).collect::<Vec<_>>(),
            (0..inputs.len() as u32).collect::<Vec<_>>(),
            "no gaps"
        );
    }

    // Every interrupted attempt resumes and finishes with the uninterrupted score.
    let unfinished = store.unfinished("soak").expect("list");
    assert!(!unfinished.is_empty(), "some kill landed mid-attempt");
    for record in unfinished {
        let resumed = store
            .resume(record.id, Arc::clone(&catalog))
            .expect("resumes");
        let mut attempt = RecordedAttempt::resumed(record.id, resumed.runner, resumed.next_seq);
        let done = resumed.next_seq as usize;
        // Make the rest of the script's inputs: those the killed process had not yet made.
        let all_inputs = full_inputs(&scenario, &catalog, &script);
        for input in &all_inputs[done..] {
            let mut recorded = Recorded {
                attempt: &mut attempt,
                log: &store,
            };
            script::Playable::input(&mut recorded, input).expect("continues");
        }
        let after = store.attempt(record.id).expect("stored");
        assert_eq!(after.status, AttemptStatus::Finished);
        assert_eq!(after.score.as_ref(), Some(&uninterrupted));
    }
}

/// Every input the script makes, with the automatic continues spelled out.
fn full_inputs(
    scenario: &Arc<silent_slavery_scenario::load::loaded::LoadedScenario>,
    catalog: &Arc<Catalog>,
    script: &script::Script,
) -> Vec<silent_slavery_scenario::play::runner::Input> {
    struct Capture {
        runner: Runner,
        inputs: Vec<silent_slavery_scenario::play::runner::Input>,
    }
    impl script::Playable for Capture {
        fn runner(&self) -> &Runner {
            &self.runner
        }
        fn input(
            &mut self,
            input: &silent_slavery_scenario::play::runner::Input,
        ) -> Result<Vec<silent_slavery_scenario::play::runner::Event>, String> {
            self.inputs.push(input.clone());
            self.runner.apply(input).map_err(|e| e.to_string())
        }
    }
    let (runner, _) = Runner::start(Arc::clone(scenario), Arc::clone(catalog), 0).expect("starts");
    let mut capture = Capture {
        runner,
        inputs: Vec::new(),
    };
    script::play(&mut capture, script, &mut Vec::new()).expect("plays");
    capture.inputs
}
