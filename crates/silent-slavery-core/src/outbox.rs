//! The xAPI outbox: statements of finished attempts, queued in the store and sent to a learning record store until it accepts or rejects each one (docs/operations.md).
//!
//! Statement ids are fixed when a statement is created (UUID v5 of the attempt), so sending
//! again is idempotent. Sending goes in bounded batches; an LRS that refuses a batch because
//! one id already exists is answered statement by statement, and a statement it already
//! holds with the same content counts as delivered. A down, slow or 5xx-answering LRS is
//! retried with backoff and the statements stay queued; a 4xx rejection is kept with the
//! LRS's reason and reported, never dropped.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalog::Catalog;
use crate::export::{ExportError, Selection};
use crate::store::{AttemptStatus, Store, StoreError};
use crate::xapi::{XapiConfig, attempt_statements};

/// The xAPI version header every request carries (xAPI 1.0.3, Communication 6.2).
pub const XAPI_VERSION: &str = "1.0.3";
/// Most statements sent in one request.
pub const BATCH: usize = 50;

/// Builds the statements of finished attempts from the store, keeping each pinned scenario
/// version it reads.
struct StatementBuilder<'a> {
    store: &'a Store,
    catalog: &'a Catalog,
    config: &'a XapiConfig,
    scenarios: BTreeMap<String, crate::scenario::Scenario>,
}

impl StatementBuilder<'_> {
    fn statements(
        &mut self,
        attempt: &crate::store::AttemptRecord,
    ) -> Result<Vec<Value>, ExportError> {
        if !self.scenarios.contains_key(&attempt.content_hash) {
            let pinned = self.store.pinned_scenario(&attempt.content_hash)?;
            self.scenarios
                .insert(attempt.content_hash.clone(), pinned.scenario);
        }
        let inputs = self.store.inputs(attempt.id)?;
        let catalog = self.catalog;
        let ruleset_of = |rule: &str| catalog.rule(rule).map(|(set, _)| set.id.clone());
        Ok(attempt_statements(
            self.config,
            attempt,
            &self.scenarios[&attempt.content_hash],
            &inputs,
            &ruleset_of,
        ))
    }
}

/// The statements of the selected finished attempts, in attempt order.
///
/// # Errors
/// [`ExportError`] when the store cannot be read.
pub fn statements_for(
    store: &Store,
    catalog: &Catalog,
    config: &XapiConfig,
    selection: &Selection<'_>,
    mut progress: impl FnMut(u64),
) -> Result<Vec<Value>, ExportError> {
    let units: BTreeMap<String, String> = store
        .trainees()?
        .into_iter()
        .map(|t| (t.staff_number, t.unit))
        .collect();
    let mut builder = StatementBuilder {
        store,
        catalog,
        config,
        scenarios: BTreeMap::new(),
    };
    let mut out = Vec::new();
    for attempt in store.all_attempts()? {
        let unit = units.get(&attempt.staff_number).map_or("", String::as_str);
        if attempt.status != AttemptStatus::Finished || !selection.admits(&attempt, unit) {
            continue;
        }
        out.extend(builder.statements(&attempt)?);
        progress(out.len() as u64);
    }
    Ok(out)
}

/// Queues the statements of every finished attempt not yet queued. Returns how many
/// statements were added.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or written.
pub fn queue_finished_attempts(
    store: &Store,
    catalog: &Catalog,
    config: &XapiConfig,
) -> Result<usize, ExportError> {
    let conn = store.connection();
    let queued: std::collections::BTreeSet<String> = conn
        .prepare("SELECT DISTINCT attempt_id FROM xapi_outbox")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut builder = StatementBuilder {
        store,
        catalog,
        config,
        scenarios: BTreeMap::new(),
    };
    let mut added = 0;
    for attempt in store.all_attempts()? {
        if attempt.status != AttemptStatus::Finished || queued.contains(&attempt.id.to_string()) {
            continue;
        }
        let statements = builder.statements(&attempt)?;
        let now = now();
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        for (seq, statement) in statements.iter().enumerate() {
            let id = statement["id"].as_str().unwrap_or_default();
            added += tx.execute(
                "INSERT OR IGNORE INTO xapi_outbox
                 (statement_id, attempt_id, seq, statement_json, status, tries, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
                params![id, attempt.id.to_string(), seq as i64, statement.to_string(), now],
            )?;
        }
        tx.commit()?;
    }
    Ok(added)
}

fn now() -> String {
    crate::store::timestamp(OffsetDateTime::now_utc())
}

/// How to reach a learning record store.
#[derive(Clone)]
pub struct Lrs {
    endpoint: String,
    authorization: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Lrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The credentials are never printed.
        f.debug_struct("Lrs")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Why a sync stopped early.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// SQLite failed.
    #[error("results store error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Building the statements failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The LRS address is not usable.
    #[error("the LRS address {0} is not an http:// or https:// URL")]
    BadEndpoint(String),
    /// The LRS address has a user or password in it.
    #[error(
        "the LRS address must not contain a user or password; give them with --user and --password-file"
    )]
    CredentialsInUrl,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Statements queued from newly finished attempts.
    pub queued: usize,
    /// Statements the LRS accepted (or already held with the same content) in this run.
    pub delivered: usize,
    /// Statements the LRS rejected in this run, with its reason: (statement id, reason).
    pub rejected: Vec<(String, String)>,
    /// Statements still waiting because the LRS could not be reached or answered 5xx.
    pub pending: usize,
    /// The last transport or server error, if the LRS could not take everything.
    pub last_error: Option<String>,
}

/// Retry policy for an LRS that is down, slow or answering 5xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Tries per batch in one sync.
    pub tries: u32,
    /// Wait before the second try; doubled for each further one.
    pub first_wait: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            tries: 4,
            first_wait: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
        }
    }
}

enum Answer {
    Ok,
    Conflict(String),
    Rejected(String),
    Unavailable(String),
}

impl Lrs {
    /// An LRS at `endpoint` (its xAPI base, e.g. `https://lrs.example.org/xAPI/`), with
    /// HTTP basic authentication.
    ///
    /// # Errors
    /// [`SyncError::BadEndpoint`] unless it is an http(s) URL. Credentials written into the
    /// URL itself are refused too, so they cannot leak into messages.
    pub fn new(
        endpoint: &str,
        user: &str,
        password: &str,
        backoff: Backoff,
    ) -> Result<Lrs, SyncError> {
        let trimmed = endpoint.trim();
        let scheme_ok = trimmed.starts_with("http://") || trimmed.starts_with("https://");
        let host_part = trimmed.split("://").nth(1).unwrap_or("");
        if host_part.split('/').next().unwrap_or("").contains('@') {
            return Err(SyncError::CredentialsInUrl);
        }
        if !scheme_ok {
            return Err(SyncError::BadEndpoint(trimmed.to_owned()));
        }
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(backoff.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Lrs {
            endpoint: format!("{}/statements", trimmed.trim_end_matches('/')),
            authorization: format!("Basic {credentials}"),
            agent,
        })
    }

    fn send(&self, method: &str, query: Option<&str>, body: Option<String>) -> Answer {
        let url = match query {
            Some(q) => format!("{}?{q}", self.endpoint),
            None => self.endpoint.clone(),
        };
        let result = match (method, body) {
            ("PUT", Some(body)) => self
                .agent
                .put(&url)
                .header("Authorization", &self.authorization)
                .header("X-Experience-API-Version", XAPI_VERSION)
                .header("Content-Type", "application/json")
                .send(body),
            (_, Some(body)) => self
                .agent
                .post(&url)
                .header("Authorization", &self.authorization)
                .header("X-Experience-API-Version", XAPI_VERSION)
                .header("Content-Type", "application/json")
                .send(body),
            (_, None) => self
                .agent
                .get(&url)
                .header("Authorization", &self.authorization)
                .header("X-Experience-API-Version", XAPI_VERSION)
                .call(),
        };
        match result {
            Err(e) => Answer::Unavailable(e.to_string()),
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                let reason = format!(
                    "HTTP {status}: {}",
                    text.chars().take(2000).collect::<String>()
                );
                match status {
                    200..=299 => Answer::Ok,
                    409 => Answer::Conflict(reason),
                    // About the statements themselves: malformed, unprocessable, too large.
                    400 | 413 | 422 => Answer::Rejected(reason),
                    // About the connection (credentials, address, rate): nothing is wrong with
                    // the statements, so they stay queued.
                    _ => Answer::Unavailable(reason),
                }
            }
        }
    }

    /// The statement the LRS holds with this id, if any.
    fn fetch(&self, id: &str) -> Option<Value> {
        let url = format!("{}?statementId={id}", self.endpoint);
        let mut response = self
            .agent
            .get(&url)
            .header("Authorization", &self.authorization)
            .header("X-Experience-API-Version", XAPI_VERSION)
            .call()
            .ok()?;
        if response.status().as_u16() != 200 {
            return None;
        }
        let text = response.body_mut().read_to_string().ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        // xAPI answers a statementId query with the bare statement; some LRSs (Ralph) wrap
        // it in a statement result as for any other query.
        match value.get("statements") {
            Some(Value::Array(list)) => list.first().cloned(),
            Some(_) => None,
            None => Some(value),
        }
    }
}

/// Whether a statement read back from an LRS is the one sent: the LRS adds `stored`,
/// `authority` and `version`, and may normalise the timestamp's form.
pub fn same_statement(sent: &Value, held: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(map) = v.as_object_mut() {
            for key in ["stored", "authority", "version", "timestamp"] {
                map.remove(key);
            }
        }
        v
    };
    let time = |v: &Value| {
        v["timestamp"]
            .as_str()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
    };
    strip(sent) == strip(held) && time(sent) == time(held)
}

/// Queues new statements, then sends every pending one.
///
/// # Errors
/// [`SyncError`] when the store fails; problems with the LRS are reported in the
/// [`SyncReport`] instead, and the statements stay queued.
pub fn sync(
    store: &Store,
    catalog: &Catalog,
    config: &XapiConfig,
    lrs: &Lrs,
    backoff: Backoff,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport {
        queued: queue_finished_attempts(store, catalog, config)?,
        ..SyncReport::default()
    };
    let conn = store.connection();
    let pending: Vec<(String, String)> = conn
        .prepare(
            "SELECT statement_id, statement_json FROM xapi_outbox WHERE status = 'pending'
             ORDER BY created_at, attempt_id, seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mark = |id: &str, status: &str, error: Option<&str>| -> Result<(), SyncError> {
        conn.execute(
            "UPDATE xapi_outbox SET status = ?2, tries = tries + 1, last_error = ?3, updated_at = ?4
             WHERE statement_id = ?1",
            params![id, status, error, now()],
        )?;
        Ok(())
    };
    'batches: for batch in pending.chunks(BATCH) {
        let statements: Vec<Value> = batch
            .iter()
            .filter_map(|(_, json)| serde_json::from_str(json).ok())
            .collect();
        let body = Value::Array(statements.clone()).to_string();
        let mut wait = backoff.first_wait;
        let mut answer = lrs.send("POST", None, Some(body.clone()));
        for _ in 1..backoff.tries {
            if !matches!(answer, Answer::Unavailable(_)) {
                break;
            }
            std::thread::sleep(wait);
            wait *= 2;
            answer = lrs.send("POST", None, Some(body.clone()));
        }
        match answer {
            Answer::Ok => {
                for (id, _) in batch {
                    mark(id, "delivered", None)?;
                    report.delivered += 1;
                }
            }
            Answer::Unavailable(reason) => {
                for (id, _) in batch {
                    conn.execute(
                        "UPDATE xapi_outbox SET tries = tries + 1, last_error = ?2, updated_at = ?3
                         WHERE statement_id = ?1",
                        params![id, reason, now()],
                    )?;
                }
                report.last_error = Some(reason);
                // The LRS is not taking anything now: leave the rest for the next sync.
                break 'batches;
            }
            // One statement in the batch is known already, or one is bad: find out which,
            // one statement at a time.
            Answer::Conflict(_) | Answer::Rejected(_) => {
                for ((id, _), statement) in batch.iter().zip(&statements) {
                    let single = lrs.send(
                        "PUT",
                        Some(&format!("statementId={id}")),
                        Some(statement.to_string()),
                    );
                    match single {
                        Answer::Ok => {
                            mark(id, "delivered", None)?;
                            report.delivered += 1;
                        }
                        Answer::Conflict(reason) => {
                            if lrs
                                .fetch(id)
                                .is_some_and(|held| same_statement(statement, &held))
                            {
                                mark(id, "delivered", None)?;
                                report.delivered += 1;
                            } else {
                                mark(id, "rejected", Some(&reason))?;
                                report.rejected.push((id.clone(), reason));
                            }
                        }
                        Answer::Rejected(reason) => {
                            mark(id, "rejected", Some(&reason))?;
                            report.rejected.push((id.clone(), reason));
                        }
                        Answer::Unavailable(reason) => {
                            report.last_error = Some(reason);
                            break 'batches;
                        }
                    }
                }
            }
        }
    }
    let pending: i64 = conn.query_row(
        "SELECT COUNT(*) FROM xapi_outbox WHERE status = 'pending'",
        [],
        |r| r.get(0),
    )?;
    report.pending = usize::try_from(pending).unwrap_or(0);
    Ok(report)
}

/// Puts rejected statements back in the queue (after the cause was fixed at the LRS, for
/// example). Returns how many.
///
/// # Errors
/// When the store cannot be written.
pub fn retry_rejected(store: &Store) -> Result<usize, SyncError> {
    Ok(store.connection().execute(
        "UPDATE xapi_outbox SET status = 'pending', updated_at = ?1 WHERE status = 'rejected'",
        [now()],
    )?)
}

/// Statements the LRS rejected, with its reasons: (statement id, attempt id, reason).
///
/// # Errors
/// When the store cannot be read.
pub fn rejected(store: &Store) -> Result<Vec<(String, String, String)>, SyncError> {
    Ok(store
        .connection()
        .prepare(
            "SELECT statement_id, attempt_id, COALESCE(last_error, '') FROM xapi_outbox
             WHERE status = 'rejected' ORDER BY updated_at",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?)
}

/// The outbox row of a statement: (status, tries, last error), for reports and tests.
///
/// # Errors
/// When the store cannot be read.
pub fn status_of(
    store: &Store,
    statement_id: &str,
) -> Result<Option<(String, u32, Option<String>)>, SyncError> {
    Ok(store
        .connection()
        .query_row(
            "SELECT status, tries, last_error FROM xapi_outbox WHERE statement_id = ?1",
            [statement_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Sends statements in the background: every `interval`, opens its own connection to the
/// store at `db` and runs [`sync`], until `stop` is set. What each round did is passed to
/// `report` (for the app's log; it never contains the credentials). The app runs this so a
/// workstation's results reach the LRS without anyone running `sync`.
pub fn spawn_background_sync(
    db: std::path::PathBuf,
    catalog: std::sync::Arc<Catalog>,
    config: XapiConfig,
    lrs: Lrs,
    backoff: Backoff,
    interval: Duration,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    report: impl Fn(Result<SyncReport, String>) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        use std::sync::atomic::Ordering;
        while !stop.load(Ordering::Relaxed) {
            let round = Store::open(&db)
                .map_err(|e| e.to_string())
                .and_then(|store| {
                    sync(&store, &catalog, &config, &lrs, backoff).map_err(|e| e.to_string())
                });
            report(round);
            // Sleep in short steps so stopping is prompt.
            let until = std::time::Instant::now() + interval;
            while std::time::Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    })
}
