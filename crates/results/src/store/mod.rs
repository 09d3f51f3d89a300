//! The results store: trainees, attempts and every input of every attempt, in one SQLite file, durable before the app moves on.
//!
//! A new store gets the WAL journal (an operator's later choice of journal mode is kept;
//! docs/operations.md), `synchronous=FULL` (a committed input survives power loss), a busy
//! timeout, and every write in a `BEGIN IMMEDIATE` transaction so two processes on one file
//! wait for each other instead of failing. A file that fails SQLite's quick check when opened
//! for writing, or that SQLite calls malformed, is reported as damaged, never written, and can
//! be set aside to a dated name. The schema is migrated in code (`MIGRATIONS`).

mod attempts;
mod changed;
mod decisions;
mod import;
mod outbox;
mod schema;
mod stats;
mod trainees;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::play::runner::{Event, Input, Runner};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

pub use attempts::{LastActivity, StoreContents};
pub use decisions::DecisionRow;
pub use outbox::{OutboxCursor, OutboxStatus, PendingStatement};
pub use stats::{AttemptFilter, ScoredAttemptRow, ScoredChoiceRow};

use crate::attempt::{AttemptRecord, IdentifiedBy};
use crate::record::AttemptLog;
use schema::{MIGRATIONS, backfill_decision_summaries};

/// Environment variable naming the store file, used when `--db` is not given.
pub const DB_ENV: &str = "SILENT_SLAVERY_DB";

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
    /// The file is not a sound SQLite database: it failed SQLite's quick check, or SQLite
    /// calls it malformed or not a database. Nothing is written to it.
    #[error("the results store {path} is damaged: {detail}")]
    DamagedFile {
        /// The file.
        path: PathBuf,
        /// What SQLite found, e.g. "database disk image is malformed".
        detail: String,
    },
    /// Another program held the store's write lock for longer than the busy timeout.
    #[error(
        "the results store is busy: another program (a report, an export, a sync or a backup) is writing to it"
    )]
    Busy,
    /// Any other SQLite error.
    #[error("results store error: {0}")]
    Sql(rusqlite::Error),
    /// No such attempt.
    #[error("there is no attempt {0}")]
    UnknownAttempt(Uuid),
    /// No such trainee.
    #[error("there is no trainee with staff number {0}")]
    UnknownTrainee(String),
    /// A trainee named twice where two are needed.
    #[error("staff number {0} was given twice; name two different trainees")]
    SameTrainee(String),
    /// A staff number recorded under another name or unit: nothing is renamed silently.
    #[error(
        "staff number {} is recorded as {} ({}), not {} ({}); nothing was changed",
        recorded.staff_number, recorded.name, recorded.unit, given.name, given.unit
    )]
    TraineeDiffers {
        /// As recorded.
        recorded: crate::attempt::Trainee,
        /// As given now.
        given: crate::attempt::Trainee,
    },
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

/// Whether SQLite gave up waiting for another connection's lock.
fn busy(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode;
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if busy(&e) {
            StoreError::Busy
        } else {
            StoreError::Sql(e)
        }
    }
}

impl StoreError {
    /// Whether waiting and trying again may succeed (the store was busy).
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Busy => true,
            StoreError::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => {
                busy(err)
            }
            _ => false,
        }
    }
}

/// What SQLite says when a file is damaged, if `e` is that.
fn damage(e: &rusqlite::Error) -> Option<String> {
    use rusqlite::ErrorCode;
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
    .then(|| e.to_string())
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

pub(crate) fn now() -> OffsetDateTime {
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

pub(crate) fn parse_time(what: &str, text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| StoreError::Damaged {
        what: what.to_owned(),
        detail: format!("bad timestamp {text:?}: {e}"),
    })
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Damaged {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
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

    /// Opens (creating if needed) the store at `path` and brings its schema up to date; a
    /// file SQLite calls malformed or not a database is [`StoreError::DamagedFile`]. For
    /// reading: a store about to take new attempts is opened with [`Store::open_checked`].
    ///
    /// # Errors
    /// [`StoreError`] when the folder cannot be created, the file is on a network
    /// filesystem or damaged, or SQLite cannot open or migrate it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, false)
    }

    /// As [`Store::open`], after SQLite's quick check of the whole file, so damage is
    /// found before anything is written on top of it. The check reads every page: about
    /// 3 seconds for 100,000 attempts (docs/performance.md), milliseconds for a
    /// workstation's store.
    ///
    /// # Errors
    /// As [`Store::open`]; [`StoreError::DamagedFile`] when the check finds a problem.
    pub fn open_checked(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, true)
    }

    fn open_with(path: &Path, check: bool) -> Result<Store, StoreError> {
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
        // An empty file is what SQLite makes of a path before the first write: new too.
        let new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
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
        let damaged = |detail: String| StoreError::DamagedFile {
            path: path.to_path_buf(),
            detail,
        };
        conn.busy_timeout(Duration::from_secs(10))?;
        if check && !new {
            Store::quick_check(&conn)
                .map_err(|e| match e {
                    StoreError::Sql(e) => damage(&e).map_or(StoreError::Sql(e), damaged),
                    other => other,
                })?
                .map_or(Ok(()), |detail| Err(damaged(detail)))?;
        }
        Store::configure(conn, Some(path.to_path_buf()), new).map_err(|e| match e {
            StoreError::Sql(e) => damage(&e).map_or(StoreError::Sql(e), damaged),
            StoreError::Migration(rusqlite_migration::Error::RusqliteError { query, err }) => {
                damage(&err).map_or(
                    StoreError::Migration(rusqlite_migration::Error::RusqliteError { query, err }),
                    damaged,
                )
            }
            other => other,
        })
    }

    /// SQLite's quick check of the whole file: `None` when sound, else what it found (the
    /// first few problems, joined).
    fn quick_check(conn: &Connection) -> Result<Option<String>, StoreError> {
        let mut statement = conn.prepare("PRAGMA quick_check(5)")?;
        let found: Vec<String> = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok((found != ["ok"]).then(|| found.join("; ")))
    }

    /// Moves a damaged store file (with its write-ahead log and shared-memory files) aside
    /// to a dated name beside it, `results.damaged-2026-12-03T101500Z.sqlite3`, so that a new
    /// store can start at `path` while the old one is kept for recovery. Returns the new name
    /// of the store file.
    ///
    /// # Errors
    /// [`StoreError::CreateDir`] when a file cannot be renamed (nothing is left half-moved:
    /// the log is moved first and put back if the store file cannot follow).
    pub fn set_aside(path: &Path) -> Result<PathBuf, StoreError> {
        let format =
            time::macros::format_description!("[year]-[month]-[day]T[hour][minute][second]Z");
        let stamp = OffsetDateTime::now_utc()
            .format(&format)
            .unwrap_or_else(|_| "undated".into());
        let stem = path
            .file_stem()
            .map_or_else(|| "results".into(), |s| s.to_string_lossy().into_owned());
        let extension = path
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut target = dir.join(format!("{stem}.damaged-{stamp}{extension}"));
        let mut n = 1;
        while target.exists() {
            n += 1;
            target = dir.join(format!("{stem}.damaged-{stamp}-{n}{extension}"));
        }
        let with_suffix = |p: &Path, suffix: &str| {
            let mut name = p.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        let rename = |from: &Path, to: &Path| {
            std::fs::rename(from, to).map_err(|source| StoreError::CreateDir {
                path: from.to_path_buf(),
                source,
            })
        };
        // The log may hold committed attempts: it moves with the file, keeping its pairing.
        let mut moved = Vec::new();
        for suffix in ["-wal", "-shm"] {
            let from = with_suffix(path, suffix);
            if from.exists() {
                let to = with_suffix(&target, suffix);
                rename(&from, &to)?;
                moved.push((from, to));
            }
        }
        if let Err(e) = rename(path, &target) {
            for (from, to) in moved {
                let _ = std::fs::rename(to, from);
            }
            return Err(e);
        }
        Ok(target)
    }

    /// A store in memory, for tests and previews; nothing is kept.
    ///
    /// # Errors
    /// Only if SQLite itself fails.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::configure(Connection::open_in_memory()?, None, true)
    }

    /// How long a write waits for another program's lock before failing with
    /// [`StoreError::Busy`]: 10 seconds unless changed. The app waits less and tries again
    /// later, so its screen never freezes.
    ///
    /// # Errors
    /// Only if SQLite itself fails.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), StoreError> {
        Ok(self.conn.busy_timeout(timeout)?)
    }

    fn configure(
        mut conn: Connection,
        path: Option<PathBuf>,
        new: bool,
    ) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(10))?;
        // WAL lets reports and exports read while the app writes. It is persistent in the
        // file, so it is set once, on a new store: an operator who chose another journal mode
        // for an existing store (docs/operations.md) keeps it.
        if new {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
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

    /// How this connection keeps the data safe, as SQLite reports it: the journal mode
    /// (`wal`) and the synchronous level (2 is `FULL`: a committed input survives power loss).
    ///
    /// # Errors
    /// Only if SQLite itself fails.
    pub fn durability(&self) -> Result<(String, i64), StoreError> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let sync: i64 = self
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        Ok((mode, sync))
    }

    /// The underlying connection, for this crate's own tests of raw rows: everything else
    /// goes through the store's methods.
    #[cfg(test)]
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn write(&self) -> Result<Transaction<'_>, StoreError> {
        // IMMEDIATE takes the write lock at the start, so a second process waits out the
        // busy timeout instead of failing mid-transaction with SQLITE_BUSY.
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }
}

impl AttemptLog for Store {
    type Error = StoreError;

    fn start_attempt(
        &self,
        staff_number: &str,
        identified_by: IdentifiedBy,
        scenario: &LoadedScenario,
        seed: u64,
        pass_rule: &PassRule,
    ) -> Result<Uuid, StoreError> {
        self.start_attempt_at(
            staff_number,
            identified_by,
            scenario,
            seed,
            pass_rule,
            now(),
        )
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
