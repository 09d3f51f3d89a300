//! Trainees, attempts and their inputs: starting and recording attempts, reading them back, and resuming one exactly where it stopped.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::bounds::ScoreBounds;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::Scenario;
use silent_slavery_scenario::play::runner::{Event, Input, Runner};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use silent_slavery_scenario::play::summary::DecisionSummary;
use time::OffsetDateTime;
use uuid::Uuid;

use super::schema::millis_between;
use super::{Resumed, Store, StoreError, from_json, parse_time, timestamp, to_json};
use crate::attempt::{AttemptRecord, AttemptStatus, IdentifiedBy, StoredInput};

impl Store {
    /// Starts an attempt at an explicit time (tests and imports); see [`AttemptLog`].
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`], or when the write fails.
    pub fn start_attempt_at(
        &self,
        staff_number: &str,
        identified_by: IdentifiedBy,
        scenario: &LoadedScenario,
        seed: u64,
        pass_rule: &PassRule,
        at: OffsetDateTime,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let s = &scenario.scenario;
        let tx = self.write()?;
        let known: bool = tx
            .query_row(
                "SELECT 1 FROM trainees WHERE staff_number = ?1",
                [staff_number],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !known {
            return Err(StoreError::UnknownTrainee(staff_number.to_owned()));
        }
        insert_version(&tx, scenario, at)?;
        tx.execute(
            "INSERT INTO attempts (id, staff_number, scenario_id, scenario_version, content_hash,
                 rulesets, pass_ruleset, seed, started_at, status, pass_rule, identified_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'in_progress', ?10, ?11)",
            params![
                id.to_string(),
                staff_number,
                s.id,
                s.version,
                scenario.content_hash(),
                to_json(&s.rulesets),
                s.pass_ruleset,
                // SQLite integers are signed: the seed's 64 bits are kept as they are.
                seed as i64,
                timestamp(at),
                to_json(pass_rule),
                identified_by.as_str()
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records an input at an explicit time; see [`AttemptLog::record_input`].
    ///
    /// # Errors
    /// [`StoreError::UnknownAttempt`], [`StoreError::AttemptFinished`],
    /// [`StoreError::OutOfOrder`], or when the write fails.
    pub fn record_input_at(
        &self,
        attempt: Uuid,
        seq: u32,
        step: &str,
        input: &Input,
        events: &[Event],
        finished: Option<&AttemptScore>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        let id = attempt.to_string();
        let attempt_row: Option<(String, String)> = tx
            .query_row(
                "SELECT status, started_at FROM attempts WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let started_at = match attempt_row {
            None => return Err(StoreError::UnknownAttempt(attempt)),
            Some((status, _)) if status == "finished" => {
                return Err(StoreError::AttemptFinished(attempt));
            }
            Some((_, started_at)) => started_at,
        };
        let expected: u32 = tx.query_row(
            "SELECT COUNT(*) FROM attempt_inputs WHERE attempt_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        if seq != expected {
            return Err(StoreError::OutOfOrder {
                attempt,
                expected,
                given: seq,
            });
        }
        // A damaged store may lack the input before: the time taken is then left empty.
        let previous_at: String = if seq == 0 {
            started_at
        } else {
            tx.query_row(
                "SELECT at FROM attempt_inputs WHERE attempt_id = ?1 AND seq = ?2",
                params![id, seq - 1],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default()
        };
        insert_input(&tx, &id, seq, &previous_at, at, step, input, events)?;
        if let Some(score) = finished {
            let ending = events.iter().find_map(|e| match e {
                Event::AttemptFinished { ending, .. } => Some(ending.clone()),
                _ => None,
            });
            tx.execute(
                "UPDATE attempts SET status = 'finished', finished_at = ?2, ending = ?3,
                     outcome = ?4, passed = ?5, score_json = ?6 WHERE id = ?1",
                params![
                    id,
                    timestamp(at),
                    ending,
                    outcome_text(score),
                    score.passed,
                    to_json(score)
                ],
            )?;
            insert_scores(&tx, &id, score)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One attempt.
    ///
    /// # Errors
    /// [`StoreError::UnknownAttempt`], or damaged rows.
    pub fn attempt(&self, attempt: Uuid) -> Result<AttemptRecord, StoreError> {
        self.attempts_where("a.id = ?1", &[&attempt.to_string()])?
            .pop()
            .ok_or(StoreError::UnknownAttempt(attempt))
    }

    /// A trainee's attempts, oldest first.
    ///
    /// # Errors
    /// When the read fails or rows are damaged.
    pub fn attempts_of(&self, staff_number: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        self.attempts_where("a.staff_number = ?1", &[&staff_number])
    }

    /// Every attempt, oldest first.
    ///
    /// # Errors
    /// When the read fails or rows are damaged.
    pub fn all_attempts(&self) -> Result<Vec<AttemptRecord>, StoreError> {
        self.attempts_where("1 = 1", &[])
    }

    fn attempts_where(
        &self,
        condition: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<AttemptRecord>, StoreError> {
        let sql = format!(
            "SELECT a.id, a.staff_number, a.scenario_id, a.scenario_version, a.content_hash,
                    a.rulesets, a.pass_ruleset, a.seed, a.started_at, a.finished_at, a.status,
                    a.ending, a.passed, a.score_json, a.pass_rule, a.identified_by
             FROM attempts a WHERE {condition} ORDER BY a.started_at, a.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        type Row = (
            String,
            String,
            String,
            u32,
            String,
            String,
            String,
            i64,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<bool>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map(args, |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                    r.get(13)?,
                    r.get(14)?,
                    r.get(15)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|row| {
                let what = format!("attempt {}", row.0);
                Ok(AttemptRecord {
                    id: Uuid::parse_str(&row.0).map_err(|e| StoreError::Damaged {
                        what: what.clone(),
                        detail: e.to_string(),
                    })?,
                    staff_number: row.1,
                    scenario_id: row.2,
                    scenario_version: row.3,
                    content_hash: row.4,
                    rulesets: from_json(&what, &row.5)?,
                    pass_ruleset: row.6,
                    seed: row.7 as u64,
                    started_at: parse_time(&what, &row.8)?,
                    finished_at: row.9.as_deref().map(|t| parse_time(&what, t)).transpose()?,
                    status: if row.10 == "finished" {
                        AttemptStatus::Finished
                    } else {
                        AttemptStatus::InProgress
                    },
                    ending: row.11,
                    passed: row.12,
                    score: row.13.as_deref().map(|s| from_json(&what, s)).transpose()?,
                    pass_rule: row.14.as_deref().map(|s| from_json(&what, s)).transpose()?,
                    identified_by: row
                        .15
                        .as_deref()
                        .map(|s| {
                            IdentifiedBy::parse(s).ok_or_else(|| StoreError::Damaged {
                                what: what.clone(),
                                detail: format!("unknown identification {s:?}"),
                            })
                        })
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The inputs of an attempt, in order.
    ///
    /// # Errors
    /// When the read fails or rows are damaged.
    pub fn inputs(&self, attempt: Uuid) -> Result<Vec<StoredInput>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, step, input_json, events_json FROM attempt_inputs
             WHERE attempt_id = ?1 ORDER BY seq",
        )?;
        let rows: Vec<(u32, String, String, String, String)> = stmt
            .query_map([attempt.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(seq, at, step, input, events)| {
                let what = format!("input {seq} of attempt {attempt}");
                Ok(StoredInput {
                    seq,
                    at: parse_time(&what, &at)?,
                    step,
                    input: from_json(&what, &input)?,
                    events: from_json(&what, &events)?,
                })
            })
            .collect()
    }

    /// Where a trainee was last: their attempt touched most recently (started, answered or
    /// finished), with when and how many inputs it holds; `None` before their first
    /// attempt. Read from the attempts and their inputs, so it survives a restart or a
    /// crash and needs nothing kept on the workstation.
    ///
    /// # Errors
    /// When the read fails or a time is damaged.
    pub fn last_activity(&self, staff_number: &str) -> Result<Option<LastActivity>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.started_at, a.finished_at, MAX(i.at), COUNT(i.seq)
             FROM attempts a LEFT JOIN attempt_inputs i ON i.attempt_id = a.id
             WHERE a.staff_number = ?1 GROUP BY a.id ORDER BY a.started_at, a.id",
        )?;
        type Row = (String, String, Option<String>, Option<String>, u32);
        let rows: Vec<Row> = stmt
            .query_map([staff_number], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut last: Option<LastActivity> = None;
        for (id, started, finished, input, inputs) in rows {
            let what = format!("attempt {id}");
            let attempt = Uuid::parse_str(&id).map_err(|e| StoreError::Damaged {
                what: what.clone(),
                detail: e.to_string(),
            })?;
            let mut at = parse_time(&what, &started)?;
            for later in [finished, input].into_iter().flatten() {
                at = at.max(parse_time(&what, &later)?);
            }
            // Ties (two attempts in the same instant) go to the later-started, as listed.
            if last.as_ref().is_none_or(|l| at >= l.at) {
                last = Some(LastActivity {
                    attempt,
                    at,
                    inputs,
                });
            }
        }
        Ok(last)
    }

    /// The scenario exactly as an attempt was played on it.
    ///
    /// # Errors
    /// When the version is not stored or its row is damaged.
    pub fn pinned_scenario(&self, content_hash: &str) -> Result<LoadedScenario, StoreError> {
        let what = format!("scenario version {content_hash}");
        let (json, bounds): (String, String) = self
            .conn
            .query_row(
                "SELECT scenario_json, bounds_json FROM scenario_versions WHERE content_hash = ?1",
                [content_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::Damaged {
                what: what.clone(),
                detail: "not stored".into(),
            })?;
        let scenario: Scenario = from_json(&what, &json)?;
        let bounds: BTreeMap<String, ScoreBounds> = from_json(&what, &bounds)?;
        Ok(LoadedScenario::with_hash(
            format!(
                "(stored version {})",
                &content_hash[..content_hash.len().min(12)]
            ),
            scenario,
            content_hash.to_owned(),
            bounds,
            Vec::new(),
        ))
    }

    /// Brings back an unfinished attempt: the pinned scenario, the same seed, and every
    /// recorded input replayed through a new runner.
    ///
    /// # Errors
    /// [`StoreError::AttemptFinished`]; [`StoreError::Damaged`] when a recorded input no
    /// longer replays to the events recorded with it.
    pub fn resume(&self, attempt: Uuid, catalog: Arc<Catalog>) -> Result<Resumed, StoreError> {
        let record = self.attempt(attempt)?;
        if record.status == AttemptStatus::Finished {
            return Err(StoreError::AttemptFinished(attempt));
        }
        self.replay_record(record, catalog)
    }

    /// Brings back any attempt, finished or not, as it was played: the pinned scenario, the
    /// same seed, and every recorded input replayed through a new runner. For reviewing a
    /// finished attempt: its verdict is the score stored with it (`record.score`), not the
    /// runner's, so a later change of catalogue or rule never changes what it shows.
    ///
    /// # Errors
    /// [`StoreError::UnknownAttempt`]; [`StoreError::Damaged`] when the pinned scenario is
    /// missing or a recorded input no longer replays to the events recorded with it.
    pub fn replay(&self, attempt: Uuid, catalog: Arc<Catalog>) -> Result<Resumed, StoreError> {
        let record = self.attempt(attempt)?;
        self.replay_record(record, catalog)
    }

    fn replay_record(
        &self,
        record: AttemptRecord,
        catalog: Arc<Catalog>,
    ) -> Result<Resumed, StoreError> {
        let attempt = record.id;
        let scenario = Arc::new(self.pinned_scenario(&record.content_hash)?);
        let damaged = |detail: String| StoreError::Damaged {
            what: format!("attempt {attempt}"),
            detail,
        };
        let pass_rule = record
            .pass_rule
            .unwrap_or_else(|| PassRule::before_red_herring_limit(&scenario.scenario));
        let (runner, mut events) =
            Runner::start(scenario, catalog, record.seed).map_err(|e| damaged(e.to_string()))?;
        let mut runner = runner.with_pass_rule(pass_rule);
        let inputs = self.inputs(attempt)?;
        for stored in &inputs {
            let replayed = runner
                .apply(&stored.input)
                .map_err(|e| damaged(format!("input {} no longer applies: {e}", stored.seq)))?;
            if replayed != stored.events {
                return Err(damaged(format!(
                    "input {} replays differently from how it was recorded",
                    stored.seq
                )));
            }
            events.extend(replayed);
        }
        Ok(Resumed {
            next_seq: inputs.len() as u32,
            record,
            runner,
            events,
        })
    }

    /// Unfinished attempts of a trainee, newest first (what "resume" offers); an attempt its
    /// trainee started again on a changed scenario is not among them.
    ///
    /// # Errors
    /// When the read fails.
    pub fn unfinished(&self, staff_number: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let mut all = self.attempts_of(staff_number)?;
        let replaced = self.replaced_attempts(staff_number)?;
        all.retain(|a| a.status == AttemptStatus::InProgress && !replaced.contains(&a.id));
        all.reverse();
        Ok(all)
    }

    /// `PRAGMA integrity_check`: `ok`, or SQLite's list of problems.
    ///
    /// # Errors
    /// When the check cannot run.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// How much the store holds, for an operator's check.
    ///
    /// # Errors
    /// When the read fails.
    pub fn contents(&self) -> Result<StoreContents, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM trainees),
                    (SELECT COUNT(*) FROM attempts),
                    (SELECT COUNT(*) FROM attempts WHERE status = 'finished'),
                    (SELECT COUNT(*) FROM xapi_outbox WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM xapi_outbox WHERE status = 'rejected'),
                    (SELECT COUNT(*) FROM attempts a WHERE a.status = 'finished'
                       AND NOT EXISTS (SELECT 1 FROM xapi_outbox o WHERE o.attempt_id = a.id))",
            [],
            |r| {
                Ok(StoreContents {
                    trainees: r.get(0)?,
                    attempts: r.get(1)?,
                    finished: r.get(2)?,
                    statements_waiting: r.get(3)?,
                    statements_rejected: r.get(4)?,
                    finished_not_queued: r.get(5)?,
                })
            },
        )?)
    }
}

/// A trainee's most recently touched attempt ([`Store::last_activity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastActivity {
    /// The attempt.
    pub attempt: Uuid,
    /// When it was last touched, UTC: its newest input, its end, or its start.
    pub at: OffsetDateTime,
    /// Inputs it holds.
    pub inputs: u32,
}

/// How much a store holds ([`Store::contents`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreContents {
    /// Trainees.
    pub trainees: i64,
    /// Attempts, finished or not.
    pub attempts: i64,
    /// Finished attempts.
    pub finished: i64,
    /// xAPI statements waiting to be sent.
    pub statements_waiting: i64,
    /// xAPI statements the LRS rejected.
    pub statements_rejected: i64,
    /// Finished attempts whose statements no sync has queued yet (the next `sync`, or the
    /// app's background sync, queues and sends them).
    pub finished_not_queued: i64,
}

/// How the `outcome` column holds a score's outcome.
pub(super) fn outcome_text(score: &AttemptScore) -> Option<String> {
    score.outcome.map(|o| format!("{o:?}"))
}

/// Writes input `seq` of attempt `id`, made at `at` after the input (or start) stored as
/// `previous_at`, with the decision summary the exports read.
#[allow(clippy::too_many_arguments)]
pub(super) fn insert_input(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    seq: u32,
    previous_at: &str,
    at: OffsetDateTime,
    step: &str,
    input: &Input,
    events: &[Event],
) -> Result<(), StoreError> {
    let at_text = timestamp(at);
    let summary = DecisionSummary::of(Some(input), events);
    let kind = match input {
        Input::Flag(_) => "flag",
        Input::Unflag(_) => "unflag",
        Input::Choose(_) => "choice",
        Input::Continue => "continue",
    };
    tx.execute(
        "INSERT INTO attempt_inputs (attempt_id, seq, at, kind, step, input_json, events_json,
             option, upheld, breached, points, ms_since_previous)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            seq,
            at_text,
            kind,
            step,
            to_json(input),
            to_json(&events),
            summary.option,
            summary.upheld,
            summary.breached,
            summary.points,
            millis_between(previous_at, &at_text)
        ],
    )?;
    Ok(())
}

/// Writes a finished attempt's score per ruleset and its critical breaches.
pub(super) fn insert_scores(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    score: &AttemptScore,
) -> Result<(), StoreError> {
    for r in &score.rulesets {
        tx.execute(
            "INSERT INTO attempt_scores (attempt_id, ruleset, ruleset_version, raw, min, max, scaled, passed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, r.ruleset, r.ruleset_version, r.raw, r.min, r.max, r.scaled, r.passed],
        )?;
        for b in &r.critical_breaches {
            tx.execute(
                "INSERT INTO critical_breaches (attempt_id, ruleset, rule, step, option)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, r.ruleset, b.rule, b.step, b.option],
            )?;
        }
    }
    Ok(())
}

/// Pins a scenario version (kept as it is when already pinned).
pub(super) fn insert_version(
    tx: &rusqlite::Transaction<'_>,
    scenario: &LoadedScenario,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let s = &scenario.scenario;
    tx.execute(
        "INSERT OR IGNORE INTO scenario_versions
         (content_hash, scenario_id, version, scenario_json, bounds_json, stored_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            scenario.content_hash(),
            s.id,
            s.version,
            to_json(s),
            to_json(&scenario.bounds),
            timestamp(at)
        ],
    )?;
    Ok(())
}
