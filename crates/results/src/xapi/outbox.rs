//! The xAPI outbox: statements of finished attempts, queued in the store and sent to a learning record store until it accepts or rejects each one (docs/operations.md).
//!
//! Statement ids are fixed when a statement is created (UUID v5 of the attempt), so sending
//! again is idempotent. Sending goes in bounded batches, read from the queue one at a time
//! so memory does not grow with the queue; an LRS that refuses a batch because one id
//! already exists is answered statement by statement, and a statement it already holds with
//! the same content counts as delivered. A down, slow or 5xx-answering LRS is retried with
//! backoff and the statements stay queued; a 4xx rejection is kept with the LRS's reason and
//! reported, never dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::attempt::{AttemptStatus, Trainee};
use crate::export::{ExportError, Selection};
use crate::store::{OutboxCursor, OutboxStatus, PendingStatement, Store, StoreError};
use crate::xapi::statements::{XapiConfig, attempt_statements, version_statement};
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;

/// The xAPI version header every request carries (xAPI 1.0.3, Communication 6.2).
pub const XAPI_VERSION: &str = "1.0.3";
/// Most statements sent in one request.
pub const BATCH: usize = 50;

/// Builds the statements of finished attempts from the store, keeping each pinned scenario
/// version and trainee it reads, and the scenario versions whose statement it has made.
struct StatementBuilder<'a> {
    store: &'a Store,
    catalog: &'a Catalog,
    config: &'a XapiConfig,
    scenarios: BTreeMap<String, LoadedScenario>,
    trainees: BTreeMap<String, Trainee>,
    versions_made: BTreeSet<String>,
}

impl<'a> StatementBuilder<'a> {
    fn new(store: &'a Store, catalog: &'a Catalog, config: &'a XapiConfig) -> Self {
        StatementBuilder {
            store,
            catalog,
            config,
            scenarios: BTreeMap::new(),
            trainees: BTreeMap::new(),
            versions_made: BTreeSet::new(),
        }
    }

    /// The attempt's statements, led by its scenario version's statement the first time
    /// this builder meets that version.
    fn statements(
        &mut self,
        attempt: &crate::attempt::AttemptRecord,
    ) -> Result<Vec<Value>, ExportError> {
        if !self.scenarios.contains_key(&attempt.content_hash) {
            let pinned = self.store.pinned_scenario(&attempt.content_hash)?;
            self.scenarios.insert(attempt.content_hash.clone(), pinned);
        }
        if !self.trainees.contains_key(&attempt.staff_number) {
            // An attempt always has its trainee (a foreign key); a damaged store without one
            // still gets statements, with no name or unit.
            let trainee = self
                .store
                .trainee(&attempt.staff_number)?
                .unwrap_or_else(|| Trainee {
                    staff_number: attempt.staff_number.clone(),
                    name: String::new(),
                    unit: String::new(),
                });
            self.trainees.insert(attempt.staff_number.clone(), trainee);
        }
        let inputs = self.store.inputs(attempt.id)?;
        let catalog = self.catalog;
        let ruleset_of = |rule: &str| catalog.rule(rule).map(|(set, _)| set.id.clone());
        let scenario = &self.scenarios[&attempt.content_hash];
        let mut out = Vec::new();
        if attempt.status == AttemptStatus::Finished
            && self.versions_made.insert(attempt.content_hash.clone())
        {
            out.push(version_statement(self.config, scenario));
        }
        out.extend(attempt_statements(
            self.config,
            &self.trainees[&attempt.staff_number],
            attempt,
            &scenario.scenario,
            &inputs,
            &ruleset_of,
        ));
        Ok(out)
    }
}

/// The statements of the selected finished attempts, in attempt order, each scenario
/// version's statement ([`version_statement`]) before the first attempt played on it.
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
    let mut builder = StatementBuilder::new(store, catalog, config);
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

/// Queues the statements of every finished attempt not yet queued, each scenario version's
/// statement with the first attempt played on it (a version queued before is left as it
/// is). Returns how many statements were added.
///
/// # Errors
/// [`ExportError`] when the store cannot be read or written.
pub fn queue_finished_attempts(
    store: &Store,
    catalog: &Catalog,
    config: &XapiConfig,
) -> Result<usize, ExportError> {
    let mut builder = StatementBuilder::new(store, catalog, config);
    let mut added = 0;
    for id in store.attempts_not_queued()? {
        let attempt = store.attempt(id)?;
        let statements: Vec<(String, String)> = builder
            .statements(&attempt)?
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or_default().to_owned(),
                    s.to_string(),
                )
            })
            .collect();
        added += store.queue_statements(attempt.id, &statements)?;
    }
    Ok(added)
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
    /// The user or password cannot be sent as they are.
    #[error("{0}")]
    BadCredentials(String),
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

/// The most one page of statements read from an LRS may hold: 64 MiB.
pub(crate) const PAGE_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// What one GET of a page of statements got ([`Lrs::get_page`]).
pub(crate) enum PageAnswer {
    /// The body of a 2xx answer.
    Page(String),
    /// A 4xx answer: the request itself is refused (credentials, address, query).
    Refused(String),
    /// No usable answer now: no connection, a timeout, a 5xx, a body cut short.
    Unavailable(String),
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
        let Ok(iri) = iri_string::types::UriAbsoluteStr::new(trimmed) else {
            return Err(SyncError::BadEndpoint(trimmed.to_owned()));
        };
        let authority = iri.authority_components();
        if authority.as_ref().is_some_and(|a| a.userinfo().is_some()) {
            return Err(SyncError::CredentialsInUrl);
        }
        if !matches!(iri.scheme_str(), "http" | "https")
            || authority.is_none_or(|a| a.host().is_empty())
        {
            return Err(SyncError::BadEndpoint(trimmed.to_owned()));
        }
        // HTTP basic authentication cannot carry a user with a colon, and an empty user or
        // password is a setting left out, not one to send.
        if user.trim().is_empty() || user.contains(':') {
            return Err(SyncError::BadCredentials(format!(
                "the LRS user {user:?} is empty or holds a colon, which HTTP basic authentication cannot send"
            )));
        }
        if password.is_empty() {
            return Err(SyncError::BadCredentials(
                "the LRS password is empty: check the password file".into(),
            ));
        }
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(backoff.timeout))
            .http_status_as_error(false)
            // A redirected POST arrives as a GET (whose 200 would pass for a delivery), and a
            // redirect elsewhere would take the credentials along: the address must be the LRS's.
            .max_redirects(0)
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
                let moved_to = redirect_target(&response);
                let text = response.body_mut().read_to_string().unwrap_or_default();
                let reason = format!(
                    "HTTP {status}: {}",
                    text.chars().take(2000).collect::<String>()
                );
                match status {
                    // xAPI 1.0.3 (Communication 2.1.2): a POST is answered with the ids of
                    // the statements stored (some LRSs, Ralph among them, answer 204 when it
                    // held them all already), a PUT with 204 and no body. Any other 2xx is
                    // not an LRS storing them (a web page, a proxy's login page).
                    200..=299 if method == "POST" => {
                        if status == 204 && text.trim().is_empty()
                            || serde_json::from_str::<Vec<String>>(&text).is_ok()
                        {
                            Answer::Ok
                        } else {
                            Answer::Unavailable(not_an_lrs(&self.endpoint, &reason))
                        }
                    }
                    200..=299 if status == 204 || text.trim().is_empty() => Answer::Ok,
                    200..=299 => Answer::Unavailable(not_an_lrs(&self.endpoint, &reason)),
                    300..=399 => Answer::Unavailable(redirected(status, moved_to)),
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

    /// The endpoint's `statements` resource (`…/xAPI/statements`).
    pub(crate) fn statements_url(&self) -> &str {
        &self.endpoint
    }

    /// One GET of a statement result page at `url` with `query` pairs added (encoded by
    /// ureq): the body as text when the LRS answers 2xx. A 4xx answer (credentials, a
    /// query it refuses) is [`PageAnswer::Refused`] and not worth trying again; no
    /// connection, no answer in time, a 5xx or a body cut short is
    /// [`PageAnswer::Unavailable`].
    pub(crate) fn get_page(&self, url: &str, query: &[(&str, &str)]) -> PageAnswer {
        let request = self
            .agent
            .get(url)
            .query_pairs(query.iter().copied())
            .header("Authorization", &self.authorization)
            .header("X-Experience-API-Version", XAPI_VERSION);
        match request.call() {
            Err(e) => PageAnswer::Unavailable(e.to_string()),
            Ok(mut response) => {
                let status = response.status().as_u16();
                let moved_to = redirect_target(&response);
                // A page is read whole, but never more than this: a statement result is
                // bounded by the LRS's page size, and anything bigger is not one.
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(PAGE_LIMIT_BYTES)
                    .read_to_string();
                match (status, body) {
                    (200..=299, Ok(text)) => PageAnswer::Page(text),
                    (200..=299, Err(e)) => {
                        PageAnswer::Unavailable(format!("the page was cut short: {e}"))
                    }
                    (300..=399, _) => PageAnswer::Refused(redirected(status, moved_to)),
                    (_, body) => {
                        let text = body.unwrap_or_default();
                        let reason = format!(
                            "HTTP {status}: {}",
                            text.chars().take(2000).collect::<String>()
                        );
                        if (400..500).contains(&status) && status != 408 && status != 429 {
                            PageAnswer::Refused(reason)
                        } else {
                            PageAnswer::Unavailable(reason)
                        }
                    }
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
    // The queue is read a page at a time, so memory does not grow with it. The cursor moves
    // past every row read whatever became of it, so a row left pending is not read again in
    // this sync.
    let mut after: Option<OutboxCursor> = None;
    loop {
        let page = store.pending_statements(after.as_ref(), BATCH)?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.cursor.clone());
        let batch = readable(store, page, &mut report)?;
        if batch.is_empty() {
            continue;
        }
        if send_batch(store, lrs, backoff, &batch, &mut report)? == Sent::Stop {
            break;
        }
    }
    report.pending = store.pending_count()?;
    Ok(report)
}

/// The statements of a page that are JSON. A row that is not cannot be sent; it is kept,
/// marked rejected with the reason, rather than sent as something else or counted as
/// delivered.
fn readable(
    store: &Store,
    page: Vec<PendingStatement>,
    report: &mut SyncReport,
) -> Result<Vec<(String, Value)>, SyncError> {
    let mut batch = Vec::with_capacity(page.len());
    for row in page {
        match serde_json::from_str::<Value>(&row.json) {
            Ok(statement) => batch.push((row.id, statement)),
            Err(e) => {
                let reason = format!("the queued statement is not valid JSON: {e}");
                store.record_send_tries(&[&row.id], Some(OutboxStatus::Rejected), Some(&reason))?;
                report.rejected.push((row.id, reason));
            }
        }
    }
    Ok(batch)
}

/// Whether to go on with the next page after a batch.
#[derive(Debug, PartialEq, Eq)]
enum Sent {
    /// Go on.
    Next,
    /// The LRS is not taking anything now: leave the rest for the next sync.
    Stop,
}

/// Sends one batch, retrying with back-off while the LRS is unavailable; on a conflict or a
/// rejection, sends its statements one at a time to find which.
fn send_batch(
    store: &Store,
    lrs: &Lrs,
    backoff: Backoff,
    batch: &[(String, Value)],
    report: &mut SyncReport,
) -> Result<Sent, SyncError> {
    let ids: Vec<&str> = batch.iter().map(|(id, _)| id.as_str()).collect();
    let body = Value::Array(batch.iter().map(|(_, s)| s.clone()).collect()).to_string();
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
            // One transaction a batch: one synchronous write to disk, not one a statement.
            store.record_send_tries(&ids, Some(OutboxStatus::Delivered), None)?;
            report.delivered += batch.len();
            Ok(Sent::Next)
        }
        Answer::Unavailable(reason) => {
            store.record_send_tries(&ids, None, Some(&reason))?;
            report.last_error = Some(reason);
            Ok(Sent::Stop)
        }
        // One statement in the batch is known already, or one is bad: find out which,
        // one statement at a time.
        Answer::Conflict(_) | Answer::Rejected(_) => {
            for (id, statement) in batch {
                let single = lrs.send(
                    "PUT",
                    Some(&format!("statementId={id}")),
                    Some(statement.to_string()),
                );
                let rejected = match single {
                    Answer::Ok => None,
                    Answer::Conflict(reason) => (!lrs
                        .fetch(id)
                        .is_some_and(|held| same_statement(statement, &held)))
                    .then_some(reason),
                    Answer::Rejected(reason) => Some(reason),
                    Answer::Unavailable(reason) => {
                        report.last_error = Some(reason);
                        return Ok(Sent::Stop);
                    }
                };
                match rejected {
                    None => {
                        store.record_send_tries(&[id], Some(OutboxStatus::Delivered), None)?;
                        report.delivered += 1;
                    }
                    Some(reason) => {
                        store.record_send_tries(
                            &[id],
                            Some(OutboxStatus::Rejected),
                            Some(&reason),
                        )?;
                        report.rejected.push((id.clone(), reason));
                    }
                }
            }
            Ok(Sent::Next)
        }
    }
}

/// Puts rejected statements back in the queue (after the cause was fixed at the LRS, for
/// example). Returns how many.
///
/// # Errors
/// When the store cannot be written.
pub fn retry_rejected(store: &Store) -> Result<usize, SyncError> {
    Ok(store.requeue_rejected()?)
}

/// Statements the LRS rejected, with its reasons: (statement id, attempt id, reason).
///
/// # Errors
/// When the store cannot be read.
pub fn rejected(store: &Store) -> Result<Vec<(String, String, String)>, SyncError> {
    Ok(store.rejected_statements()?)
}

/// The outbox row of a statement: (status, tries, last error), for reports and tests.
///
/// # Errors
/// When the store cannot be read.
pub fn status_of(
    store: &Store,
    statement_id: &str,
) -> Result<Option<(String, u32, Option<String>)>, SyncError> {
    Ok(store.statement_status(statement_id)?)
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

/// Where a 3xx answer points, for the message.
fn redirect_target(response: &ureq::http::Response<ureq::Body>) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
}

/// Why a redirect is not followed, and what to do.
fn redirected(status: u16, to: Option<String>) -> String {
    format!(
        "HTTP {status}: the LRS address redirects{}; give the address it redirects to (redirects are not followed: the statements and credentials go only to the address given)",
        to.map(|t| format!(" to {t}")).unwrap_or_default()
    )
}

/// Why a 2xx answer that is not an LRS's does not count as delivered.
fn not_an_lrs(endpoint: &str, reason: &str) -> String {
    format!(
        "{endpoint} answered, but not as an xAPI LRS storing statements does (with their ids), so nothing counts as delivered; check the LRS address ({reason})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;
    use std::io::{BufRead, BufReader, Read, Write};

    /// An in-memory store whose outbox takes rows without attempts: these tests are about
    /// the queue alone, so the foreign key to `attempts` is switched off.
    fn bare_store() -> Store {
        let store = Store::open_in_memory().expect("store");
        store
            .connection()
            .pragma_update(None, "foreign_keys", "OFF")
            .expect("pragma");
        store
    }

    fn enqueue(store: &Store, id: &str, json: &str, status: &str, created_at: &str) {
        store
            .connection()
            .execute(
                "INSERT INTO xapi_outbox
                 (statement_id, attempt_id, seq, statement_json, status, tries, created_at, updated_at)
                 VALUES (?1, 'a', 0, ?2, ?3, 0, ?4, ?4)",
                params![id, json, status, created_at],
            )
            .expect("insert");
    }

    #[test]
    fn pages_cover_the_pending_queue_once_oldest_first() {
        let store = bare_store();
        let mut expected = Vec::new();
        // More than two pages queued at one instant, some delivered rows among them, rows
        // queued earlier but inserted later, and a later instant.
        for n in 0..(2 * BATCH + 13) {
            let id = format!("t1-{n:03}");
            let status = if n % 7 == 3 { "delivered" } else { "pending" };
            enqueue(&store, &id, "{}", status, "2026-11-29T10:00:01.000Z");
            if status == "pending" {
                expected.push(id);
            }
        }
        for n in 0..5 {
            let id = format!("t0-{n}");
            enqueue(&store, &id, "{}", "pending", "2026-11-29T10:00:00.000Z");
            expected.insert(n, id);
        }
        for n in 0..(BATCH + 1) {
            let id = format!("t2-{n:03}");
            enqueue(&store, &id, "{}", "pending", "2026-11-29T10:00:02.000Z");
            expected.push(id);
        }
        let mut read = Vec::new();
        let mut after = None;
        for pages in 0.. {
            // A cursor that re-reads rows would go round for ever; fail instead.
            assert!(pages <= expected.len() / BATCH + 1, "read so far: {read:?}");
            let page = store
                .pending_statements(after.as_ref(), BATCH)
                .expect("page");
            assert!(page.len() <= BATCH);
            let Some(last) = page.last() else { break };
            after = Some(last.cursor.clone());
            read.extend(page.into_iter().map(|row| row.id));
        }
        assert_eq!(read, expected);
    }

    /// A local server answering 200 to every request, keeping each request body.
    fn accepting_lrs() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&bodies);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_ok()
                    && let Ok(value) = serde_json::from_slice(&body)
                {
                    kept.lock().expect("bodies").push(value);
                }
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]",
                );
            }
        });
        (format!("http://127.0.0.1:{port}/xAPI/"), bodies)
    }

    #[test]
    fn a_queued_statement_that_is_not_json_is_rejected_not_sent() {
        let store = bare_store();
        for n in 0..3 {
            let json = format!(r#"{{"id":"s{n}"}}"#);
            enqueue(
                &store,
                &format!("s{n}"),
                &json,
                "pending",
                "2026-11-29T10:00:00Z",
            );
        }
        enqueue(
            &store,
            "broken",
            "{\"id\":",
            "pending",
            "2026-11-29T10:00:00Z",
        );
        let (endpoint, bodies) = accepting_lrs();
        let backoff = Backoff {
            tries: 1,
            first_wait: Duration::ZERO,
            timeout: Duration::from_secs(5),
        };
        let lrs = Lrs::new(&endpoint, "u", "p", backoff).expect("lrs");
        let config = XapiConfig {
            home_page: "https://lms.example.org".into(),
            activity_base: "https://lms.example.org/silent-slavery".into(),
            pseudonymise_key: None,
        };
        let catalog = Catalog::embedded().expect("catalogue");
        let report = sync(&store, &catalog, &config, &lrs, backoff).expect("sync");
        assert_eq!((report.delivered, report.pending), (3, 0), "{report:?}");
        assert_eq!(report.rejected.len(), 1, "{report:?}");
        assert_eq!(report.rejected[0].0, "broken");
        assert!(report.rejected[0].1.contains("not valid JSON"));
        let (status, _, _) = status_of(&store, "broken").expect("row").expect("kept");
        assert_eq!(status, "rejected");
        let sent = bodies.lock().expect("bodies").clone();
        assert_eq!(
            sent,
            vec![serde_json::json!([{"id": "s0"}, {"id": "s1"}, {"id": "s2"}])]
        );
    }
}
