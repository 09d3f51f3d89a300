//! Finished attempts read back from another record (a learning record store) written into a store exactly as they were recorded: scenario version, trainee, attempt, inputs and scores.

use rusqlite::{OptionalExtension, params};
use silent_slavery_scenario::load::loaded::LoadedScenario;

use super::attempts::{insert_input, insert_scores, insert_version, outcome_text};
use super::{Store, StoreError, now, timestamp, to_json};
use crate::attempt::{AttemptStatus, ImportedAttempt};

impl Store {
    /// Whether the scenario version with this content hash is pinned in the store.
    ///
    /// # Errors
    /// When the read fails.
    pub fn has_version(&self, content_hash: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM scenario_versions WHERE content_hash = ?1",
                [content_hash],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false))
    }

    /// Pins a scenario version read from another record (kept as it is when already
    /// pinned: a content hash names one version).
    ///
    /// # Errors
    /// When the write fails.
    pub fn import_version(&self, scenario: &LoadedScenario) -> Result<(), StoreError> {
        let tx = self.write()?;
        insert_version(&tx, scenario, now())?;
        tx.commit()?;
        Ok(())
    }

    /// Writes a finished attempt read from another record as it was recorded: the same id,
    /// times, inputs with their events, decision summaries and scores, so every report and
    /// export reads it as if it had been played here. Its scenario version must be pinned
    /// first ([`Store::import_version`]). The trainee is added, or given the name and unit of
    /// this attempt when it finished after every attempt of theirs already in the store (so
    /// the latest record of a transfer wins, whatever order attempts arrive in).
    ///
    /// Returns `false`, changing nothing, when the store holds the attempt already.
    ///
    /// # Errors
    /// [`StoreError::Damaged`] when the attempt is not finished or its scenario version is
    /// not pinned; or when the write fails.
    pub fn import_attempt(&self, attempt: &ImportedAttempt) -> Result<bool, StoreError> {
        let record = &attempt.record;
        let damaged = |detail: &str| StoreError::Damaged {
            what: format!("attempt {} being imported", record.id),
            detail: detail.to_owned(),
        };
        let (Some(finished_at), Some(score), AttemptStatus::Finished) =
            (record.finished_at, record.score.as_ref(), record.status)
        else {
            return Err(damaged("it has not finished"));
        };
        let id = record.id.to_string();
        let tx = self.write()?;
        let held: bool = tx
            .query_row("SELECT 1 FROM attempts WHERE id = ?1", [&id], |_| Ok(true))
            .optional()?
            .unwrap_or(false);
        if held {
            return Ok(false);
        }
        let pinned: bool = tx
            .query_row(
                "SELECT 1 FROM scenario_versions WHERE content_hash = ?1",
                [&record.content_hash],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !pinned {
            return Err(damaged(&format!(
                "its scenario version {} is not pinned",
                record.content_hash
            )));
        }
        let latest: Option<String> = tx.query_row(
            "SELECT MAX(finished_at) FROM attempts WHERE staff_number = ?1",
            [&attempt.trainee.staff_number],
            |r| r.get(0),
        )?;
        let finished_text = timestamp(finished_at);
        // Stored times are fixed-width UTC text, so text order is time order.
        let newest = latest.is_none_or(|latest| finished_text >= latest);
        tx.execute(
            "INSERT INTO trainees (staff_number, name, unit, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(staff_number) DO UPDATE SET name = excluded.name, unit = excluded.unit
             WHERE ?5",
            params![
                attempt.trainee.staff_number,
                attempt.trainee.name,
                attempt.trainee.unit,
                timestamp(record.started_at),
                newest
            ],
        )?;
        let started_text = timestamp(record.started_at);
        tx.execute(
            "INSERT INTO attempts (id, staff_number, scenario_id, scenario_version, content_hash,
                 rulesets, pass_ruleset, seed, started_at, status, pass_rule, identified_by,
                 finished_at, ending, outcome, passed, score_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'finished', ?10, ?11, ?12, ?13, ?14,
                 ?15, ?16)",
            params![
                id,
                record.staff_number,
                record.scenario_id,
                record.scenario_version,
                record.content_hash,
                to_json(&record.rulesets),
                record.pass_ruleset,
                // SQLite integers are signed: the seed's 64 bits are kept as they are.
                record.seed as i64,
                started_text,
                record.pass_rule.as_ref().map(to_json),
                record.identified_by.map(|i| i.as_str()),
                finished_text,
                record.ending,
                outcome_text(score),
                score.passed,
                to_json(score)
            ],
        )?;
        let mut previous_at = started_text;
        for input in &attempt.inputs {
            insert_input(
                &tx,
                &id,
                input.seq,
                &previous_at,
                input.at,
                &input.step,
                &input.input,
                &input.events,
            )?;
            previous_at = timestamp(input.at);
        }
        insert_scores(&tx, &id, score)?;
        tx.commit()?;
        Ok(true)
    }

    /// Opens (creating) a throwaway store at `path` for attempts rebuilt from another
    /// record: as [`Store::open`], without waiting for the disk on each commit (a crash
    /// loses only what can be read again).
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_scratch(path: &std::path::Path) -> Result<Store, StoreError> {
        let store = Store::open(path)?;
        store.conn.pragma_update(None, "synchronous", "OFF")?;
        Ok(store)
    }
}
