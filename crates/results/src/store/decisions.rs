//! The decisions export's rows, read straight from the columns each input was recorded with, one row at a time.

use rusqlite::params;
use time::OffsetDateTime;

use super::{Store, StoreError, timestamp};

/// One choice a trainee made, as stored: text borrowed from SQLite for the length of the
/// callback, so a row is written out without copying its fields.
#[derive(Debug, Clone, Copy)]
pub struct DecisionRow<'a> {
    /// The attempt id.
    pub attempt_id: &'a str,
    /// The trainee's staff number.
    pub staff_number: &'a str,
    /// The scenario id.
    pub scenario_id: &'a str,
    /// The scenario version.
    pub scenario_version: u32,
    /// The input's number in the attempt.
    pub seq: u32,
    /// The decision.
    pub step: &'a str,
    /// The option chosen.
    pub option: &'a str,
    /// Rules upheld (`rule:points;...`).
    pub upheld: &'a str,
    /// Rules breached (`rule:points;...`, critical ones marked `!`).
    pub breached: &'a str,
    /// Net points per ruleset (`ruleset:points;...`).
    pub points: &'a str,
    /// When it was made (stored timestamp).
    pub at: &'a str,
    /// Milliseconds since the input before (or the attempt's start), if known.
    pub ms_since_previous: Option<i64>,
}

impl Store {
    /// Calls `each` with every choice of every attempt started at or after `since` (if
    /// given) by a trainee of `unit` (if given), in attempt start order then input order.
    /// Rows are read one at a time: memory does not grow with the store.
    ///
    /// # Errors
    /// When the store cannot be read, a row is damaged, or `each` fails (its error is
    /// passed on).
    pub fn for_each_decision<E: From<StoreError>>(
        &self,
        since: Option<OffsetDateTime>,
        unit: Option<&str>,
        mut each: impl FnMut(DecisionRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.attempt_id, a.staff_number, a.scenario_id, a.scenario_version, i.seq,
                        i.step, i.option, i.upheld, i.breached, i.points, i.at,
                        i.ms_since_previous
                 FROM attempt_inputs i
                 JOIN attempts a ON a.id = i.attempt_id
                 JOIN trainees t ON t.staff_number = a.staff_number
                 WHERE i.kind = 'choice'
                   AND (?1 IS NULL OR a.started_at >= ?1) AND (?2 IS NULL OR t.unit = ?2)
                 ORDER BY a.started_at, i.attempt_id, i.seq",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![since.map(timestamp), unit])
            .map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let text = |i: usize| -> Result<&str, StoreError> {
                match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Ok(""),
                    value => value.as_str().map_err(|e| {
                        StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
                            i,
                            value.data_type(),
                            Box::new(e),
                        ))
                    }),
                }
            };
            each(DecisionRow {
                attempt_id: text(0)?,
                staff_number: text(1)?,
                scenario_id: text(2)?,
                scenario_version: row.get(3).map_err(StoreError::from)?,
                seq: row.get(4).map_err(StoreError::from)?,
                step: text(5)?,
                option: text(6)?,
                upheld: text(7)?,
                breached: text(8)?,
                points: text(9)?,
                at: text(10)?,
                ms_since_previous: row.get(11).map_err(StoreError::from)?,
            })?;
        }
        Ok(())
    }
}
