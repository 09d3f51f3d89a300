//! The results store: trainees, attempts and every input of every attempt, in one SQLite file, durable before the app moves on.
//!
//! WAL journal, `synchronous=FULL` (a committed input survives power loss), a busy timeout,
//! and every write in a `BEGIN IMMEDIATE` transaction so two processes on one file wait for
//! each other instead of failing. The schema is migrated in code (`MIGRATIONS`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::catalog::Catalog;
use crate::library::LoadedScenario;
use crate::record::AttemptLog;
use crate::runner::{Event, Input, Runner};
use crate::scenario::Scenario;
use crate::score::{AttemptScore, PassRule, ScoreBounds};

/// Environment variable naming the store file, used when `--db` is not given.
pub const DB_ENV: &str = "SILENT_SLAVERY_DB";

/// Schema versions, oldest first. Never edit a released migration: add a new one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE trainees (
    staff_number TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
-- The exact scenario an attempt was played on, so resuming and scoring never depend on the
-- file as it is today.
CREATE TABLE scenario_versions (
    content_hash  TEXT PRIMARY KEY NOT NULL,
    scenario_id   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    scenario_json TEXT NOT NULL,
    bounds_json   TEXT NOT NULL,
    stored_at     TEXT NOT NULL
);
CREATE TABLE attempts (
    id               TEXT PRIMARY KEY NOT NULL,
    staff_number     TEXT NOT NULL REFERENCES trainees(staff_number),
    scenario_id      TEXT NOT NULL,
    scenario_version INTEGER NOT NULL,
    content_hash     TEXT NOT NULL REFERENCES scenario_versions(content_hash),
    rulesets         TEXT NOT NULL,
    pass_ruleset     TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('in_progress', 'finished')),
    ending           TEXT,
    outcome          TEXT,
    passed           INTEGER,
    score_json       TEXT
);
CREATE INDEX attempts_by_trainee ON attempts(staff_number, started_at);
CREATE TABLE attempt_inputs (
    attempt_id  TEXT NOT NULL REFERENCES attempts(id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('flag', 'unflag', 'choice', 'continue')),
    step        TEXT NOT NULL,
    input_json  TEXT NOT NULL,
    events_json TEXT NOT NULL,
    PRIMARY KEY (attempt_id, seq)
);
CREATE TABLE attempt_scores (
    attempt_id      TEXT NOT NULL REFERENCES attempts(id),
    ruleset         TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    raw             INTEGER NOT NULL,
    min             INTEGER NOT NULL,
    max             INTEGER NOT NULL,
    scaled          REAL NOT NULL,
    passed          INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, ruleset)
);
CREATE TABLE critical_breaches (
    attempt_id TEXT NOT NULL REFERENCES attempts(id),
    ruleset    TEXT NOT NULL,
    rule       TEXT NOT NULL,
    step       TEXT NOT NULL,
    option     TEXT NOT NULL
);
"#,
    r#"
-- xAPI statements of finished attempts waiting for, accepted by, or rejected by an LRS.
CREATE TABLE xapi_outbox (
    statement_id   TEXT PRIMARY KEY NOT NULL,
    attempt_id     TEXT NOT NULL REFERENCES attempts(id),
    seq            INTEGER NOT NULL,
    statement_json TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'rejected')),
    tries          INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX xapi_outbox_by_status ON xapi_outbox(status, created_at);
"#,
    // What each choice did, in the decisions export's words, written when the input is
    // recorded so the export reads columns instead of parsing every input's events
    // (docs/performance.md). Rows recorded before this migration are filled in by
    // `backfill_decision_summaries`.
    r#"
ALTER TABLE attempt_inputs ADD COLUMN option TEXT;
ALTER TABLE attempt_inputs ADD COLUMN upheld TEXT;
ALTER TABLE attempt_inputs ADD COLUMN breached TEXT;
ALTER TABLE attempt_inputs ADD COLUMN points TEXT;
ALTER TABLE attempt_inputs ADD COLUMN ms_since_previous INTEGER;
-- Queueing finished attempts asks which attempts have statements already.
CREATE INDEX xapi_outbox_by_attempt ON xapi_outbox(attempt_id);
"#,
    // The pass rule each attempt is judged by, stamped when it starts (docs/scoring.md).
    // Attempts started before it existed keep NULL: they are judged as they always were,
    // with no limit on red herrings flagged.
    r#"
ALTER TABLE attempts ADD COLUMN pass_rule TEXT;
"#,
];

/// Fills the decision summary columns of inputs recorded before they existed, from each
/// input's recorded events and times (the migration that adds the columns runs this once).
fn backfill_decision_summaries(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let mut read = tx.prepare(
        "SELECT i.rowid, i.at, i.input_json, i.events_json, a.started_at,
                LAG(i.at) OVER (PARTITION BY i.attempt_id ORDER BY i.seq)
         FROM attempt_inputs i JOIN attempts a ON a.id = i.attempt_id",
    )?;
    let mut write = tx.prepare(
        "UPDATE attempt_inputs SET option = ?2, upheld = ?3, breached = ?4, points = ?5,
             ms_since_previous = ?6
         WHERE rowid = ?1",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        // A damaged row keeps empty columns, as the export always showed it.
        let text = |i: usize| row.get_ref(i).ok().and_then(|v| v.as_str().ok());
        let at = text(1).unwrap_or_default().to_owned();
        let input: Option<Input> = text(2).and_then(|t| serde_json::from_str(t).ok());
        let events: Vec<Event> = text(3)
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let previous = text(5).or(text(4)).unwrap_or_default().to_owned();
        let summary = crate::export::DecisionSummary::of(input.as_ref(), &events);
        write.execute(params![
            rowid,
            summary.option,
            summary.upheld,
            summary.breached,
            summary.points,
            millis_between(&previous, &at)
        ])?;
    }
    Ok(())
}

/// Milliseconds from `earlier` to `later` (stored timestamps); `None` if either is damaged.
fn millis_between(earlier: &str, later: &str) -> Option<i64> {
    let earlier = OffsetDateTime::parse(earlier, &Rfc3339).ok()?;
    let later = OffsetDateTime::parse(later, &Rfc3339).ok()?;
    i64::try_from((later - earlier).whole_milliseconds()).ok()
}

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error("cannot open the results store at {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The folder for the file could not be created.
    #[error("cannot create the folder {path} for the results store: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is on a network filesystem, where SQLite's write-ahead log is unsafe.
    #[error(
        "the results store {path} is on a network filesystem ({fstype}), where SQLite's write-ahead log can corrupt it; put it on a local disk with --db PATH or {DB_ENV}"
    )]
    NetworkFilesystem {
        /// The file.
        path: PathBuf,
        /// The filesystem type, e.g. `nfs4`.
        fstype: String,
    },
    /// No platform data directory could be found for the default location.
    #[error(
        "no data directory is known for this user; give the results store a path with --db PATH or {DB_ENV}"
    )]
    NoDataDir,
    /// A migration failed.
    #[error("cannot bring the results store's schema up to date: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Any other SQLite error.
    #[error("results store error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// No such attempt.
    #[error("there is no attempt {0}")]
    UnknownAttempt(Uuid),
    /// No such trainee.
    #[error("there is no trainee with staff number {0}")]
    UnknownTrainee(String),
    /// An input for an attempt that has finished.
    #[error("attempt {0} has already finished")]
    AttemptFinished(Uuid),
    /// An input out of order (a second process wrote this attempt, or a bug).
    #[error("attempt {attempt} expected input {expected} but was given input {given}")]
    OutOfOrder {
        /// The attempt.
        attempt: Uuid,
        /// The next sequence number the store expects.
        expected: u32,
        /// The one given.
        given: u32,
    },
    /// Stored data that does not read back (hand-edited, or from a newer version).
    #[error("stored data for {what} is damaged: {detail}")]
    Damaged {
        /// What was being read.
        what: String,
        /// What is wrong with it.
        detail: String,
    },
}

/// A trainee: staff or collar number, name and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trainee {
    /// Staff or collar number: unique, the trainee's identifier everywhere.
    pub staff_number: String,
    /// Name as the trainee gave it.
    pub name: String,
    /// Unit, e.g. a team or station.
    pub unit: String,
}

/// Whether an attempt has finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Started, not yet at an ending: can be resumed.
    InProgress,
    /// Reached an ending and was scored.
    Finished,
}

/// One stored attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptRecord {
    /// The attempt id (UUID).
    pub id: Uuid,
    /// The trainee's staff number.
    pub staff_number: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: u32,
    /// Content hash of the scenario as played.
    pub content_hash: String,
    /// Rulesets scored against.
    pub rulesets: Vec<String>,
    /// The deciding ruleset.
    pub pass_ruleset: String,
    /// The attempt's seed.
    pub seed: u64,
    /// Start time, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// End time, UTC, once finished.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// In progress or finished.
    pub status: AttemptStatus,
    /// The ending reached.
    pub ending: Option<String>,
    /// Whether it passed (finished attempts only).
    pub passed: Option<bool>,
    /// The full score (finished attempts only).
    pub score: Option<AttemptScore>,
    /// The pass rule stamped when the attempt started; `None` for attempts started before
    /// rules were stamped, which are judged with no limit on red herrings.
    pub pass_rule: Option<PassRule>,
}

/// One stored input with the events it produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredInput {
    /// Its number in the attempt, from 0.
    pub seq: u32,
    /// When it was made, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The step it was made at.
    pub step: String,
    /// The input.
    pub input: Input,
    /// The events it produced.
    pub events: Vec<Event>,
}

/// An attempt brought back from the store, replayed to where it stopped.
#[derive(Debug)]
pub struct Resumed {
    /// The attempt.
    pub record: AttemptRecord,
    /// The runner, at the step after the last recorded input.
    pub runner: Runner,
    /// All events so far, in order (the start, then each input's).
    pub events: Vec<Event>,
    /// Inputs already recorded (the next input's sequence number).
    pub next_seq: u32,
}

/// The results store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

fn now() -> OffsetDateTime {
    // Milliseconds are precision enough for durations and keep exported times short.
    let at = OffsetDateTime::now_utc();
    at.replace_millisecond(at.millisecond()).unwrap_or(at)
}

/// How times are stored: RFC 3339, UTC, always three decimals, so that text order is time
/// order (exports compare them in SQL).
pub fn timestamp(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    // Formatting a UTC time with this description cannot fail.
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

fn parse_time(what: &str, text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| StoreError::Damaged {
        what: what.to_owned(),
        detail: format!("bad timestamp {text:?}: {e}"),
    })
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Damaged {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Our own types serialise without failing: plain structs, strings and numbers.
    serde_json::to_string(value).unwrap_or_default()
}

impl Store {
    /// The default store file: `results.sqlite3` in the platform data directory
    /// (`~/.local/share/silent-slavery-trainer/` on Linux).
    ///
    /// # Errors
    /// [`StoreError::NoDataDir`] when the platform has none for this user.
    pub fn default_path() -> Result<PathBuf, StoreError> {
        directories::ProjectDirs::from("uk.org", "Silent Slavery", "silent-slavery-trainer")
            .map(|dirs| dirs.data_dir().join("results.sqlite3"))
            .ok_or(StoreError::NoDataDir)
    }

    /// The store file to use: `explicit` (from `--db`), else `$SILENT_SLAVERY_DB`, else
    /// [`Store::default_path`].
    ///
    /// # Errors
    /// As [`Store::default_path`].
    pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf, StoreError> {
        if let Some(path) = explicit {
            return Ok(path.to_path_buf());
        }
        match std::env::var_os(DB_ENV) {
            Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
            _ => Store::default_path(),
        }
    }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// # Errors
    /// [`StoreError`] when the folder cannot be created, the file is on a network
    /// filesystem, or SQLite cannot open or migrate it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        if let Some(fstype) = network_filesystem(dir) {
            return Err(StoreError::NetworkFilesystem {
                path: path.to_path_buf(),
                fstype,
            });
        }
        let new = !path.exists();
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        // The store holds names and staff numbers: readable by its owner only.
        #[cfg(unix)]
        if new {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
                |source| StoreError::CreateDir {
                    path: path.to_path_buf(),
                    source,
                },
            )?;
        }
        Store::configure(conn, Some(path.to_path_buf()))
    }

    /// A store in memory, for tests and previews; nothing is kept.
    ///
    /// # Errors
    /// Only if SQLite itself fails.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::configure(Connection::open_in_memory()?, None)
    }

    fn configure(mut conn: Connection, path: Option<PathBuf>) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let migrations = MIGRATIONS
            .iter()
            .enumerate()
            .map(|(n, sql)| {
                if n == 2 {
                    M::up_with_hook(sql, backfill_decision_summaries)
                } else {
                    M::up(sql)
                }
            })
            .collect();
        Migrations::new(migrations).to_latest(&mut conn)?;
        Ok(Store { conn, path })
    }

    /// The file this store writes, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The underlying connection, for exports and reports that read.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn write(&self) -> Result<Transaction<'_>, StoreError> {
        // IMMEDIATE takes the write lock at the start, so a second process waits out the
        // busy timeout instead of failing mid-transaction with SQLITE_BUSY.
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    /// Adds a trainee or updates their name and unit.
    ///
    /// # Errors
    /// When the write fails.
    pub fn upsert_trainee(&self, trainee: &Trainee) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO trainees (staff_number, name, unit, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(staff_number) DO UPDATE SET name = excluded.name, unit = excluded.unit",
            params![
                trainee.staff_number,
                trainee.name,
                trainee.unit,
                timestamp(now())
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A trainee by staff number.
    ///
    /// # Errors
    /// When the read fails.
    pub fn trainee(&self, staff_number: &str) -> Result<Option<Trainee>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT staff_number, name, unit FROM trainees WHERE staff_number = ?1",
                [staff_number],
                |r| {
                    Ok(Trainee {
                        staff_number: r.get(0)?,
                        name: r.get(1)?,
                        unit: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every trainee, by staff number.
    ///
    /// # Errors
    /// When the read fails.
    pub fn trainees(&self) -> Result<Vec<Trainee>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT staff_number, name, unit FROM trainees ORDER BY staff_number")?;
        let rows = stmt.query_map([], |r| {
            Ok(Trainee {
                staff_number: r.get(0)?,
                name: r.get(1)?,
                unit: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starts an attempt at an explicit time (tests and imports); see [`AttemptLog`].
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`], or when the write fails.
    pub fn start_attempt_at(
        &self,
        staff_number: &str,
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
        tx.execute(
            "INSERT INTO attempts (id, staff_number, scenario_id, scenario_version, content_hash,
                 rulesets, pass_ruleset, seed, started_at, status, pass_rule)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'in_progress', ?10)",
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
                to_json(pass_rule)
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
        let at_text = timestamp(at);
        let summary = crate::export::DecisionSummary::of(Some(input), events);
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
                millis_between(&previous_at, &at_text)
            ],
        )?;
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
                    score.outcome.map(|o| format!("{o:?}")),
                    score.passed,
                    to_json(score)
                ],
            )?;
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
                    a.ending, a.passed, a.score_json, a.pass_rule
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

    /// Unfinished attempts of a trainee, newest first (what "resume" offers).
    ///
    /// # Errors
    /// When the read fails.
    pub fn unfinished(&self, staff_number: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let mut all = self.attempts_of(staff_number)?;
        all.retain(|a| a.status == AttemptStatus::InProgress);
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
}

impl AttemptLog for Store {
    type Error = StoreError;

    fn start_attempt(
        &self,
        staff_number: &str,
        scenario: &LoadedScenario,
        seed: u64,
        pass_rule: &PassRule,
    ) -> Result<Uuid, StoreError> {
        self.start_attempt_at(staff_number, scenario, seed, pass_rule, now())
    }

    fn record_input(
        &self,
        attempt: Uuid,
        seq: u32,
        step: &str,
        input: &Input,
        events: &[Event],
        finished: Option<&AttemptScore>,
    ) -> Result<(), StoreError> {
        self.record_input_at(attempt, seq, step, input, events, finished, now())
    }
}

/// The filesystem type of `dir` if it is a network filesystem (Linux: from
/// `/proc/self/mountinfo`); `None` elsewhere or when it cannot tell.
pub fn network_filesystem(dir: &Path) -> Option<String> {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afs",
        "ceph",
        "glusterfs",
        "9p",
        "fuse.sshfs",
        "lustre",
        "gpfs",
        "ncpfs",
    ];
    let dir = dir.canonicalize().ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(mount), Some(fstype)) = (fields.get(4), fields.get(dash + 1)) else {
            continue;
        };
        let mount = mount.replace("\\040", " ");
        if dir.starts_with(&mount) && best.as_ref().is_none_or(|(len, _)| mount.len() >= *len) {
            best = Some((mount.len(), (*fstype).to_owned()));
        }
    }
    best.map(|(_, fstype)| fstype)
        .filter(|fstype| NETWORK.contains(&fstype.as_str()))
}
