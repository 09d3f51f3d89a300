//! What item analysis reads (docs/statistics.md): finished attempts with their score under the deciding ruleset, and every choice of them with the attempt's total beside it, streamed one row at a time.

use rusqlite::types::ValueRef;
use rusqlite::{Row, params};
use silent_slavery_scenario::play::score::Scaled;
use time::OffsetDateTime;

use super::{Store, StoreError, timestamp};

/// Which attempts item analysis reads: every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct AttemptFilter<'a> {
    /// Only attempts started at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only attempts by trainees of this unit.
    pub unit: Option<&'a str>,
    /// Only attempts at these scenarios (ids); `None` for every scenario.
    pub scenarios: Option<&'a [String]>,
}

impl AttemptFilter<'_> {
    /// The SQL parameters `?1` (since), `?2` (unit) and `?3` (scenario ids as a JSON
    /// array) that [`FILTER_SQL`] reads.
    fn parameters(&self) -> (Option<String>, Option<&str>, Option<String>) {
        (
            self.since.map(timestamp),
            self.unit,
            self.scenarios.map(|ids| super::to_json(&ids)),
        )
    }
}

/// The filter's conditions on `attempts a` joined with `trainees t`.
const FILTER_SQL: &str = "(?1 IS NULL OR a.started_at >= ?1) AND (?2 IS NULL OR t.unit = ?2)
     AND (?3 IS NULL OR a.scenario_id IN (SELECT value FROM json_each(?3)))";

/// A finished attempt as item analysis reads it: text borrowed from SQLite for the length
/// of the callback.
#[derive(Debug, Clone, Copy)]
pub struct ScoredAttemptRow<'a> {
    /// The attempt id.
    pub attempt_id: &'a str,
    /// Content hash of the scenario version played.
    pub content_hash: &'a str,
    /// The ending reached.
    pub ending: &'a str,
    /// Whether it passed.
    pub passed: bool,
    /// Raw points under the deciding ruleset (decisions and identification).
    pub raw: i64,
    /// Scaled score under the deciding ruleset, 0–1, worked out from `raw` and the best
    /// achievable as everywhere else (`Scaled::of`), not read from the stored figure.
    pub scaled: f64,
    /// Milliseconds from start to finish, if both times read.
    pub duration_ms: Option<i64>,
    /// The score's identification part as JSON (cue ids flagged, missed, offered; see
    /// `silent_slavery_scenario::play::score::Identification`).
    pub identification: &'a str,
}

/// One choice of a finished attempt, with what analysis needs of the attempt beside it.
#[derive(Debug, Clone, Copy)]
pub struct ScoredChoiceRow<'a> {
    /// The attempt id.
    pub attempt_id: &'a str,
    /// Content hash of the scenario version played.
    pub content_hash: &'a str,
    /// The decision.
    pub step: &'a str,
    /// The option chosen.
    pub option: &'a str,
    /// Net points of the choice per ruleset (`ruleset:points;...`, as the decisions export).
    pub points: &'a str,
    /// Milliseconds the decision was on screen (since the input before), if known.
    pub ms_since_previous: Option<i64>,
    /// The attempt's raw points under the deciding ruleset.
    pub attempt_raw: i64,
}

/// Text of column `i`, empty for NULL.
fn text<'r>(row: &'r Row<'_>, i: usize) -> Result<&'r str, StoreError> {
    match row.get_ref(i)? {
        ValueRef::Null => Ok(""),
        value => value.as_str().map_err(|e| {
            StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
                i,
                value.data_type(),
                Box::new(e),
            ))
        }),
    }
}

impl Store {
    /// How many finished attempts `filter` selects.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn count_finished_attempts(&self, filter: &AttemptFilter<'_>) -> Result<u64, StoreError> {
        let (since, unit, scenarios) = filter.parameters();
        let sql = format!(
            "SELECT COUNT(*) FROM attempts a JOIN trainees t ON t.staff_number = a.staff_number
             WHERE a.status = 'finished' AND {FILTER_SQL}"
        );
        let count: i64 = self
            .conn
            .query_row(&sql, params![since, unit, scenarios], |r| r.get(0))?;
        Ok(count.unsigned_abs())
    }

    /// Unfinished attempts `filter` selects, per scenario version: (content hash, scenario
    /// id, scenario version, count), by content hash.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn unfinished_by_version(
        &self,
        filter: &AttemptFilter<'_>,
    ) -> Result<Vec<(String, String, u32, u64)>, StoreError> {
        let (since, unit, scenarios) = filter.parameters();
        let sql = format!(
            "SELECT a.content_hash, a.scenario_id, a.scenario_version, COUNT(*)
             FROM attempts a JOIN trainees t ON t.staff_number = a.staff_number
             WHERE a.status = 'in_progress' AND {FILTER_SQL}
             GROUP BY a.content_hash ORDER BY a.content_hash"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![since, unit, scenarios], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, i64>(3)?.unsigned_abs(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Calls `each` with every finished attempt `filter` selects, in no particular order.
    /// Rows are read one at a time: memory does not grow with the store.
    ///
    /// # Errors
    /// When the store cannot be read, a row is damaged (a finished attempt without its
    /// score under the deciding ruleset is left out, as the exports leave it), or `each`
    /// fails (its error is passed on).
    pub fn for_each_scored_attempt<E: From<StoreError>>(
        &self,
        filter: &AttemptFilter<'_>,
        mut each: impl FnMut(ScoredAttemptRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let (since, unit, scenarios) = filter.parameters();
        // SQLite works out the duration and picks the identification out of the score's
        // JSON, so no row is parsed whole here.
        let sql = format!(
            "SELECT a.id, a.content_hash, a.ending, a.passed, s.raw, s.max,
                    CAST(ROUND((julianday(a.finished_at) - julianday(a.started_at)) * 86400000.0)
                         AS INTEGER),
                    json_extract(a.score_json, '$.identification')
             FROM attempts a
             JOIN trainees t ON t.staff_number = a.staff_number
             JOIN attempt_scores s ON s.attempt_id = a.id AND s.ruleset = a.pass_ruleset
             WHERE a.status = 'finished' AND {FILTER_SQL}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![since, unit, scenarios])
            .map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(ScoredAttemptRow {
                attempt_id: text(row, 0)?,
                content_hash: text(row, 1)?,
                ending: text(row, 2)?,
                passed: row
                    .get::<_, Option<bool>>(3)
                    .map_err(StoreError::from)?
                    .unwrap_or(false),
                raw: row.get(4).map_err(StoreError::from)?,
                scaled: Scaled::of(
                    row.get(4).map_err(StoreError::from)?,
                    row.get(5).map_err(StoreError::from)?,
                )
                .as_f64(),
                duration_ms: row.get(6).map_err(StoreError::from)?,
                identification: text(row, 7)?,
            })?;
        }
        Ok(())
    }

    /// Calls `each` with every choice of every finished attempt `filter` selects, the
    /// choices of one attempt together and in the order they were made. Rows are read one
    /// at a time: memory does not grow with the store.
    ///
    /// # Errors
    /// When the store cannot be read, a row is damaged, or `each` fails (its error is
    /// passed on).
    pub fn for_each_scored_choice<E: From<StoreError>>(
        &self,
        filter: &AttemptFilter<'_>,
        mut each: impl FnMut(ScoredChoiceRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let (since, unit, scenarios) = filter.parameters();
        // Ordered by the attempt's id, SQLite walks the selected attempts and reads each
        // one's inputs by the primary key: a narrow selection reads only its own inputs.
        let sql = format!(
            "SELECT i.attempt_id, a.content_hash, i.step, i.option, i.points,
                    i.ms_since_previous, s.raw
             FROM attempts a
             JOIN trainees t ON t.staff_number = a.staff_number
             JOIN attempt_scores s ON s.attempt_id = a.id AND s.ruleset = a.pass_ruleset
             JOIN attempt_inputs i ON i.attempt_id = a.id
             WHERE a.status = 'finished' AND i.kind = 'choice' AND {FILTER_SQL}
             ORDER BY a.id, i.seq"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![since, unit, scenarios])
            .map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(ScoredChoiceRow {
                attempt_id: text(row, 0)?,
                content_hash: text(row, 1)?,
                step: text(row, 2)?,
                option: text(row, 3)?,
                points: text(row, 4)?,
                ms_since_previous: row.get(5).map_err(StoreError::from)?,
                attempt_raw: row.get(6).map_err(StoreError::from)?,
            })?;
        }
        Ok(())
    }
}
