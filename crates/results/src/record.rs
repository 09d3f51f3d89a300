//! Recorded attempts: a runner whose every input is written to an attempt log before the attempt moves on.

use std::sync::Arc;

use uuid::Uuid;

use crate::attempt::IdentifiedBy;

use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Event, Input, Runner, RunnerError};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use silent_slavery_scenario::play::script::Playable;

/// Where attempts are written: the results store implements it; the app writes through it.
pub trait AttemptLog {
    /// Why a write failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Records a new attempt by trainee `staff_number`, identified as `identified_by` says,
    /// at `scenario` with `seed`, pinning the scenario's content and stamping the `pass_rule`
    /// it will be judged by, and returns the attempt's id (a UUID, which xAPI exports use as
    /// the registration).
    ///
    /// # Errors
    /// When the write does not reach the disk.
    fn start_attempt(
        &self,
        staff_number: &str,
        identified_by: IdentifiedBy,
        scenario: &LoadedScenario,
        seed: u64,
        pass_rule: &PassRule,
    ) -> Result<Uuid, Self::Error>;

    /// Records input number `seq` (from 0) of an attempt, made at step `step`, with the
    /// events it produced, and, when it ended the attempt, the final score, all in one
    /// transaction.
    ///
    /// # Errors
    /// When the write does not reach the disk; nothing of this input is kept then.
    fn record_input(
        &self,
        attempt: Uuid,
        seq: u32,
        step: &str,
        input: &Input,
        events: &[Event],
        finished: Option<&AttemptScore>,
    ) -> Result<(), Self::Error>;
}

/// Why an input to a recorded attempt was not taken.
#[derive(Debug, thiserror::Error)]
pub enum RecordError<E: std::error::Error + 'static> {
    /// The runner refused it (it does not fit the current step).
    #[error(transparent)]
    Refused(#[from] RunnerError),
    /// The log could not write it; the attempt did not move on.
    #[error("the input could not be saved, so the attempt did not move on: {0}")]
    NotSaved(#[source] E),
}

/// An attempt being played and recorded.
#[derive(Debug, Clone)]
pub struct RecordedAttempt {
    /// The attempt's id.
    pub id: Uuid,
    runner: Runner,
    next_seq: u32,
}

impl RecordedAttempt {
    /// Starts and records a new attempt.
    ///
    /// # Errors
    /// [`RecordError::NotSaved`] when the attempt could not be recorded.
    pub fn start<L: AttemptLog>(
        log: &L,
        staff_number: &str,
        identified_by: IdentifiedBy,
        scenario: Arc<LoadedScenario>,
        catalog: Arc<Catalog>,
        seed: u64,
    ) -> Result<(RecordedAttempt, Vec<Event>), RecordError<L::Error>> {
        let (runner, events) = Runner::start(Arc::clone(&scenario), catalog, seed)?;
        let id = log
            .start_attempt(
                staff_number,
                identified_by,
                &scenario,
                seed,
                runner.pass_rule(),
            )
            .map_err(RecordError::NotSaved)?;
        Ok((
            RecordedAttempt {
                id,
                runner,
                next_seq: 0,
            },
            events,
        ))
    }

    /// Continues an attempt whose first `next_seq` inputs are already recorded and replayed
    /// into `runner` (see the store's resume).
    pub fn resumed(id: Uuid, runner: Runner, next_seq: u32) -> RecordedAttempt {
        RecordedAttempt {
            id,
            runner,
            next_seq,
        }
    }

    /// The runner, for views and scores.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Inputs recorded so far.
    pub fn inputs_recorded(&self) -> u32 {
        self.next_seq
    }

    /// Applies an input, writes it, and only then moves the attempt on.
    ///
    /// # Errors
    /// [`RecordError::Refused`] when the input does not fit (nothing is written);
    /// [`RecordError::NotSaved`] when the write failed (the attempt stays where it was, so the
    /// trainee can try again).
    pub fn apply<L: AttemptLog>(
        &mut self,
        log: &L,
        input: &Input,
    ) -> Result<Vec<Event>, RecordError<L::Error>> {
        let mut next = self.runner.clone();
        let events = next.apply(input)?;
        let score = next.is_finished().then(|| next.score());
        let step = self.runner.current_step();
        log.record_input(self.id, self.next_seq, step, input, &events, score.as_ref())
            .map_err(RecordError::NotSaved)?;
        self.runner = next;
        self.next_seq += 1;
        Ok(events)
    }
}

/// A recorded attempt with the log it writes to.
pub struct Recorded<'a, L: AttemptLog> {
    /// The attempt.
    pub attempt: &'a mut RecordedAttempt,
    /// Where its inputs go.
    pub log: &'a L,
}

/// A recorded attempt can be driven by a script, as `run --db` does.
impl<L: AttemptLog> Playable for Recorded<'_, L> {
    fn runner(&self) -> &Runner {
        self.attempt.runner()
    }

    fn input(&mut self, input: &Input) -> Result<Vec<Event>, String> {
        self.attempt
            .apply(self.log, input)
            .map_err(|e| e.to_string())
    }
}
