//! Reading finished attempts back from a learning record store: GET /statements page by page (`more` links), this product's statements kept, each attempt and scenario version rebuilt from them, other tools' statements and malformed ones counted, never fatal.
//!
//! xAPI 1.0.3 Communication 2.1.3: a GET of `statements` answers a StatementResult,
//! `{"statements": [...], "more": IRL}`, where `more` (relative to the LRS's address, or
//! empty) gives the next page. The statements [`super::statements`] makes carry everything
//! a store keeps: the `passed` or `failed` statement of an attempt holds the attempt (result
//! and context extensions, the actor's name, `context.team`), and a `defined` statement
//! holds each scenario version. Nothing else is needed to rebuild an attempt; the
//! `initialized`, `answered`, `completed` and `terminated` statements are counted and
//! passed over.
//!
//! Memory stays bounded whatever the LRS holds: one page at a time, rebuilt attempts written
//! to a store as they come, and an attempt read before its scenario version set aside in a
//! temporary file until the version comes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Seek, Write};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::bounds::ScoreBounds;
use silent_slavery_scenario::model::scenario::Scenario;
use silent_slavery_scenario::play::runner::{Event, Input};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::attempt::{
    AttemptRecord, AttemptStatus, IdentifiedBy, ImportedAttempt, StoredInput, Trainee,
};
use crate::store::{Store, StoreError};
use crate::xapi::outbox::{Backoff, Lrs, PageAnswer};
use crate::xapi::statements::{SESSION_EXTENSION, XapiConfig};

/// How many statements each page asks for (`limit`); an LRS may send fewer.
pub const PAGE_SIZE: usize = 500;
/// Empty pages in a row, each with a `more` link, after which a read stops with an error.
pub const MAX_EMPTY_PAGES_IN_A_ROW: u32 = 20;
/// How many malformed statements a [`ReadReport`] names (all are counted).
pub const EXAMPLES: usize = 10;

const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";

/// Why reading from an LRS stopped. Nothing half-read is ever given as a result.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No usable answer after every try: no connection, no answer in time, a 5xx, or a page
    /// cut short.
    #[error("the LRS at {endpoint} could not be read ({reason})")]
    Unavailable {
        /// The LRS's statements address.
        endpoint: String,
        /// The last failure.
        reason: String,
    },
    /// The LRS refused the query (4xx), e.g. wrong credentials or no read permission.
    #[error("the LRS at {endpoint} refused to give statements ({reason})")]
    Refused {
        /// The LRS's statements address.
        endpoint: String,
        /// Its answer.
        reason: String,
    },
    /// An answer that is not an xAPI StatementResult.
    #[error("the LRS at {endpoint} sent a page that is not an xAPI statement result ({reason})")]
    BadPage {
        /// The LRS's statements address.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store the attempts are rebuilt in failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The temporary file for attempts waiting for their scenario version failed.
    #[error("setting aside attempts read before their scenario version: {0}")]
    Spool(#[from] std::io::Error),
}

/// What a read found, statement by statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Pages read.
    pub pages: u64,
    /// Statements read.
    pub statements: u64,
    /// Finished attempts rebuilt.
    pub attempts: u64,
    /// Attempts read more than once (the same registration), kept once.
    pub repeated: u64,
    /// Scenario versions read.
    pub versions: u64,
    /// This product's statements that an attempt's verdict already carries (initialized,
    /// answered, completed, terminated).
    pub parts: u64,
    /// Statements of other tools (activities outside this product's activity base).
    pub foreign: u64,
    /// This product's statements that could not be read, all counted.
    pub malformed: u64,
    /// The first [`EXAMPLES`] of them: (statement id, why).
    pub malformed_examples: Vec<(String, String)>,
    /// Rebuilt attempts whose trainee is a pseudonym (no staff number, no name).
    pub pseudonymised: u64,
    /// Attempts whose trainee's name differs from one already read for the same staff
    /// number: perhaps two people on two workstations typed one number.
    pub names_differ: u64,
    /// The first [`EXAMPLES`] staff numbers of [`ReadReport::names_differ`]: (staff number,
    /// one name, another).
    pub names_differ_examples: Vec<(String, String, String)>,
}

impl ReadReport {
    fn malformed(&mut self, statement: &Value, why: String) {
        self.malformed += 1;
        if self.malformed_examples.len() < EXAMPLES {
            let id = statement["id"].as_str().unwrap_or("(no id)").to_owned();
            self.malformed_examples.push((id, why));
        }
    }
}

/// What one statement is to a reader.
#[derive(Debug)]
pub enum Found {
    /// A scenario version ([`super::statements::version_statement`]).
    Version(Box<LoadedScenario>),
    /// A finished attempt, from its `passed` or `failed` statement.
    Attempt(Box<ImportedAttempt>),
    /// Another statement of an attempt (what it says, the verdict carries too).
    Part,
    /// Not this product's.
    Foreign,
}

/// An input as the verdict's `inputs` extension carries it.
#[derive(Deserialize)]
struct CarriedInput {
    seq: u32,
    at: String,
    step: String,
    input: Input,
    events: Vec<Event>,
}

/// A StatementResult (xAPI 1.0.3 Data 2.5).
#[derive(Deserialize)]
struct StatementResult {
    statements: Vec<Value>,
    #[serde(default)]
    more: Option<String>,
}

/// `value` read as `T`, or why not, naming `what`.
fn read<'v, T: Deserialize<'v>>(value: &'v Value, what: &str) -> Result<T, String> {
    if value.is_null() {
        return Err(format!("no {what}"));
    }
    T::deserialize(value).map_err(|e| format!("{what}: {e}"))
}

fn time_of(value: &Value, what: &str) -> Result<OffsetDateTime, String> {
    let text: &str = read(value, what)?;
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("{what} {text:?}: {e}"))
}

/// What `statement` is, given the settings it was made with: a scenario version, a
/// finished attempt, another of this product's statements, or a foreign one.
///
/// A statement is this product's when its object is under `ACTIVITY_BASE/scenarios/` or
/// its verb is this product's `defined`.
///
/// # Errors
/// Why one of this product's statements cannot be read (an earlier version's verdict that
/// does not carry the attempt, a missing or mistyped field).
pub fn classify(config: &XapiConfig, statement: &Value) -> Result<Found, String> {
    let object = statement["object"]["id"].as_str().unwrap_or_default();
    let verb = statement["verb"]["id"].as_str().unwrap_or_default();
    let scenarios = config.scenario_activity("");
    let Some(path) = object.strip_prefix(&scenarios) else {
        return Ok(if verb == config.defined_verb() {
            Found::Version(Box::new(version_of(config, statement)?))
        } else {
            Found::Foreign
        });
    };
    if verb == config.defined_verb() {
        return Ok(Found::Version(Box::new(version_of(config, statement)?)));
    }
    if (verb == PASSED || verb == FAILED) && !path.is_empty() && !path.contains('/') {
        return Ok(Found::Attempt(Box::new(attempt_of(
            config, statement, path,
        )?)));
    }
    Ok(Found::Part)
}

fn version_of(config: &XapiConfig, statement: &Value) -> Result<LoadedScenario, String> {
    let definition = &statement["object"]["definition"]["extensions"];
    let scenario: Scenario = read(&definition[config.extension("scenario")], "scenario")?;
    let bounds: BTreeMap<String, ScoreBounds> = read(
        &definition[config.extension("score-bounds")],
        "score bounds",
    )?;
    let hash: String = read(
        &statement["context"]["extensions"][config.extension("content-hash")],
        "content hash",
    )?;
    if statement["object"]["id"].as_str() != Some(&config.version_activity(&scenario.id, &hash)) {
        return Err("its activity is not the version it holds".into());
    }
    // Anyone who may write to the LRS could post a "version" with other points under a real
    // version's hash; the hash is of the scenario itself, so it is checked, not trusted.
    if silent_slavery_scenario::load::loaded::content_hash(&scenario) != hash {
        return Err(
            "its scenario does not have the content hash it claims (it was changed after it was recorded)"
                .into(),
        );
    }
    Ok(LoadedScenario::with_hash(
        format!("(version {} from the LRS)", &hash[..hash.len().min(12)]),
        scenario,
        hash,
        bounds,
        Vec::new(),
    ))
}

fn attempt_of(
    config: &XapiConfig,
    statement: &Value,
    scenario_id: &str,
) -> Result<ImportedAttempt, String> {
    let context = &statement["context"]["extensions"];
    let detail = &statement["result"]["extensions"];
    if detail.get(config.extension("score")).is_none() {
        return Err(
            "a verdict that does not carry the attempt (made by a version before 2026-12); export it from its workstation's store instead".into(),
        );
    }
    let id: Uuid = read(&statement["context"]["registration"], "registration")?;
    let session: String = read(&context[SESSION_EXTENSION], "session id")?;
    if session != id.to_string() {
        return Err("its session id is not its registration".into());
    }
    let staff_number: String = read(&statement["actor"]["account"]["name"], "account name")?;
    let name: Option<String> = read(&statement["actor"]["name"], "name").ok();
    let unit: Option<String> = read(&statement["context"]["team"]["name"], "team").ok();
    // Reports print these and CSV cells hold them: a control character could forge a line,
    // and a leading `=` a formula in the lead's spreadsheet; sign-in refuses both.
    for (what, text) in [
        ("account name", Some(&staff_number)),
        ("name", name.as_ref()),
        ("team", unit.as_ref()),
    ] {
        if text.is_some_and(|t| t.chars().any(char::is_control)) {
            return Err(format!("its {what} holds a control character"));
        }
        if text.is_some_and(|t| crate::identity::starts_like_a_formula(t)) {
            return Err(format!(
                "its {what} starts like a spreadsheet formula (=, +, - or @)"
            ));
        }
    }
    let ext = |name: &str| &context[config.extension(name)];
    let out = |name: &str| &detail[config.extension(name)];
    let seed: String = read(ext("seed"), "seed")?;
    let identified_by: Option<String> = read(ext("identified-by"), "identified-by").ok();
    let identified_by = identified_by
        .map(|text| {
            IdentifiedBy::parse(&text).ok_or_else(|| format!("unknown identification {text:?}"))
        })
        .transpose()?;
    let score: AttemptScore = read(out("score"), "score")?;
    let pass_rule: Option<PassRule> = match out("pass-rule") {
        Value::Null => None,
        rule => Some(read(rule, "pass rule")?),
    };
    let carried: Vec<CarriedInput> = read(out("inputs"), "inputs")?;
    let mut inputs = Vec::with_capacity(carried.len());
    for (n, input) in carried.into_iter().enumerate() {
        if input.seq as usize != n {
            return Err(format!("input {n} is numbered {}", input.seq));
        }
        inputs.push(StoredInput {
            seq: input.seq,
            at: time_of(&Value::String(input.at), &format!("time of input {n}"))?,
            step: input.step,
            input: input.input,
            events: input.events,
        });
    }
    let record = AttemptRecord {
        id,
        staff_number: staff_number.clone(),
        scenario_id: scenario_id.to_owned(),
        scenario_version: read(ext("scenario-version"), "scenario version")?,
        content_hash: read(ext("content-hash"), "content hash")?,
        rulesets: read(ext("rulesets"), "rulesets")?,
        pass_ruleset: read(ext("pass-ruleset"), "pass ruleset")?,
        seed: seed.parse().map_err(|e| format!("seed {seed:?}: {e}"))?,
        started_at: time_of(out("started"), "start time")?,
        finished_at: Some(time_of(out("finished"), "finish time")?),
        status: AttemptStatus::Finished,
        ending: read(out("ending"), "ending").ok(),
        passed: Some(score.passed),
        score: Some(score),
        pass_rule,
        identified_by,
    };
    Ok(ImportedAttempt {
        trainee: Trainee {
            staff_number,
            name: name.unwrap_or_default(),
            unit: unit.unwrap_or_default(),
        },
        record,
        inputs,
    })
}

/// Which statements to ask the LRS for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadFilter {
    /// Only this trainee's statements (the `agent` filter; the staff number, pseudonymised
    /// as the settings say).
    pub staff_number: Option<String>,
}

/// Reads every page of statements the filter asks for, in the order the LRS gives them,
/// passing each page's statements to `each`. Returns how many pages were read.
///
/// # Errors
/// [`ReadError`] when a page cannot be had after the tries `backoff` allows, or is not a
/// statement result, or `each` fails.
fn each_page(
    lrs: &Lrs,
    config: &XapiConfig,
    filter: &ReadFilter,
    backoff: Backoff,
    mut each: impl FnMut(Vec<Value>) -> Result<(), ReadError>,
) -> Result<u64, ReadError> {
    let endpoint = lrs.statements_url().to_owned();
    let limit = PAGE_SIZE.to_string();
    let agent = filter.staff_number.as_ref().map(|staff| {
        serde_json::json!({
            "objectType": "Agent",
            "account": { "homePage": config.home_page, "name": config.account_name(staff) },
        })
        .to_string()
    });
    let mut query: Vec<(&str, &str)> = vec![("limit", &limit)];
    if let Some(agent) = &agent {
        query.push(("agent", agent));
    }
    let mut url = endpoint.clone();
    let mut pages = 0;
    // Pages already asked for, and empty pages in a row: a `more` chain that goes round in a
    // circle, or runs on with nothing in it, would otherwise never end.
    let mut seen = std::collections::HashSet::new();
    let mut empty_in_a_row = 0;
    loop {
        let asked: &[(&str, &str)] = if pages == 0 { &query } else { &[] };
        let text = fetch(lrs, &url, asked, backoff, &endpoint)?;
        let page: StatementResult =
            serde_json::from_str(&text).map_err(|e| ReadError::BadPage {
                endpoint: endpoint.clone(),
                reason: e.to_string(),
            })?;
        drop(text);
        pages += 1;
        empty_in_a_row = if page.statements.is_empty() {
            empty_in_a_row + 1
        } else {
            0
        };
        each(page.statements)?;
        let Some(more) = page.more.filter(|m| !m.trim().is_empty()) else {
            return Ok(pages);
        };
        let next = resolve(&endpoint, more.trim()).map_err(|reason| ReadError::BadPage {
            endpoint: endpoint.clone(),
            reason,
        })?;
        if next == url {
            return Err(ReadError::BadPage {
                endpoint,
                reason: "its `more` link points at the same page again".into(),
            });
        }
        if empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW {
            return Err(ReadError::BadPage {
                endpoint,
                reason: format!(
                    "it sent {empty_in_a_row} empty pages in a row, each with a `more` link"
                ),
            });
        }
        seen.insert(std::mem::replace(&mut url, next));
        if seen.contains(&url) {
            return Err(ReadError::BadPage {
                endpoint,
                reason: format!("its `more` links go round in a circle, back to {url}"),
            });
        }
    }
}

/// One page's text, trying again with back-off while the LRS is unavailable.
fn fetch(
    lrs: &Lrs,
    url: &str,
    query: &[(&str, &str)],
    backoff: Backoff,
    endpoint: &str,
) -> Result<String, ReadError> {
    let mut wait = backoff.first_wait;
    let mut tries = 0;
    loop {
        tries += 1;
        match lrs.get_page(url, query) {
            PageAnswer::Page(text) => return Ok(text),
            PageAnswer::Refused(reason) => {
                return Err(ReadError::Refused {
                    endpoint: endpoint.to_owned(),
                    reason,
                });
            }
            PageAnswer::Unavailable(reason) if tries >= backoff.tries.max(1) => {
                return Err(ReadError::Unavailable {
                    endpoint: endpoint.to_owned(),
                    reason,
                });
            }
            PageAnswer::Unavailable(_) => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(8));
            }
        }
    }
}

/// A `more` IRL resolved against the LRS's statements address (RFC 3986 section 5.2).
fn resolve(endpoint: &str, more: &str) -> Result<String, String> {
    use iri_string::types::{UriAbsoluteStr, UriReferenceStr};
    let base = UriAbsoluteStr::new(endpoint).map_err(|e| format!("{endpoint}: {e}"))?;
    let reference =
        UriReferenceStr::new(more).map_err(|e| format!("its `more` link {more:?}: {e}"))?;
    let next = reference.resolve_against(base).to_string();
    let origin = |iri: &str| {
        UriAbsoluteStr::new(iri).ok().map(|u| {
            (
                u.scheme_str().to_ascii_lowercase(),
                u.authority_str().map(str::to_ascii_lowercase),
            )
        })
    };
    // The credentials go with every page: only ever to the LRS the operator named.
    if origin(&next) != origin(endpoint) {
        return Err(format!(
            "its `more` link {more:?} leads to another server than the LRS; it is not followed, so the credentials go only to the address given"
        ));
    }
    Ok(next)
}

/// Rebuilds attempts in a store from statements given one at a time, in any order: an
/// attempt that comes before its scenario version waits in a temporary file until
/// [`Importer::finish`].
pub struct Importer<'a> {
    store: &'a Store,
    config: &'a XapiConfig,
    waiting: Option<std::fs::File>,
    report: ReadReport,
}

impl<'a> Importer<'a> {
    /// An importer writing into `store` (a new, scratch store: [`Store::open_scratch`]),
    /// recognising statements made with `config`.
    pub fn new(store: &'a Store, config: &'a XapiConfig) -> Importer<'a> {
        Importer {
            store,
            config,
            waiting: None,
            report: ReadReport::default(),
        }
    }

    /// What has been read so far.
    pub fn report(&self) -> &ReadReport {
        &self.report
    }

    /// Takes one statement: a version is pinned, an attempt written (or set aside until its
    /// version comes), anything else counted.
    ///
    /// # Errors
    /// When the store or the temporary file fails.
    pub fn take(&mut self, statement: Value) -> Result<(), ReadError> {
        self.report.statements += 1;
        match classify(self.config, &statement) {
            Ok(Found::Version(scenario)) => {
                self.report.versions += 1;
                self.store.import_version(&scenario)?;
            }
            Ok(Found::Attempt(attempt)) => {
                if self.store.has_version(&attempt.record.content_hash)? {
                    self.import(&statement, &attempt)?;
                } else {
                    let file = match &mut self.waiting {
                        Some(file) => file,
                        None => self.waiting.insert(tempfile::tempfile()?),
                    };
                    serde_json::to_writer(&mut *file, &statement).map_err(std::io::Error::from)?;
                    file.write_all(b"\n")?;
                }
            }
            Ok(Found::Part) => self.report.parts += 1,
            Ok(Found::Foreign) => self.report.foreign += 1,
            Err(why) => self.report.malformed(&statement, why),
        }
        Ok(())
    }

    /// Writes the attempts set aside, now that every version has been read; one whose
    /// version never came is counted malformed. Returns the report.
    ///
    /// # Errors
    /// When the store or the temporary file fails.
    pub fn finish(mut self) -> Result<ReadReport, ReadError> {
        if let Some(mut file) = self.waiting.take() {
            file.flush()?;
            file.rewind()?;
            for line in BufReader::new(file).lines() {
                let statement: Value =
                    serde_json::from_str(&line?).map_err(std::io::Error::from)?;
                if let Ok(Found::Attempt(attempt)) = classify(self.config, &statement) {
                    if self.store.has_version(&attempt.record.content_hash)? {
                        self.import(&statement, &attempt)?;
                    } else {
                        let why = format!(
                            "the statement of its scenario version ({}) is not in the LRS",
                            attempt.record.content_hash
                        );
                        self.report.malformed(&statement, why);
                    }
                }
            }
        }
        Ok(self.report)
    }

    fn import(&mut self, statement: &Value, attempt: &ImportedAttempt) -> Result<(), ReadError> {
        let staff = &attempt.trainee.staff_number;
        let known = self.store.trainee(staff)?;
        if let Some(known) = known
            && !known.name.is_empty()
            && !attempt.trainee.name.is_empty()
            && known.name != attempt.trainee.name
        {
            let repeat = self
                .report
                .names_differ_examples
                .iter()
                .any(|(s, _, _)| s == staff);
            self.report.names_differ += 1;
            if !repeat && self.report.names_differ_examples.len() < EXAMPLES {
                self.report.names_differ_examples.push((
                    staff.clone(),
                    known.name,
                    attempt.trainee.name.clone(),
                ));
            }
        }
        if self.store.import_attempt(attempt)? {
            self.report.attempts += 1;
            let flag = &statement["context"]["extensions"][self.config.extension("pseudonymised")];
            if flag == true {
                self.report.pseudonymised += 1;
            }
        } else {
            self.report.repeated += 1;
        }
        Ok(())
    }
}

/// Reads every finished attempt of this product the LRS holds into `store` (a new,
/// scratch store: [`Store::open_scratch`]), with the scenario versions they were played on,
/// so that every report and export reads them as from a workstation's store. Statements of
/// other tools and malformed ones are counted in the report, never fatal. `progress` gets
/// the running report after each page.
///
/// # Errors
/// [`ReadError`] when the LRS cannot be read to the end; what was written to `store` is
/// then incomplete and must not be used.
pub fn import_from_lrs(
    lrs: &Lrs,
    config: &XapiConfig,
    filter: &ReadFilter,
    store: &Store,
    backoff: Backoff,
    mut progress: impl FnMut(&ReadReport),
) -> Result<ReadReport, ReadError> {
    let mut importer = Importer::new(store, config);
    let mut read_pages = 0;
    let pages = each_page(lrs, config, filter, backoff, |statements| {
        for statement in statements {
            importer.take(statement)?;
        }
        read_pages += 1;
        progress(&ReadReport {
            pages: read_pages,
            ..importer.report().clone()
        });
        Ok(())
    })?;
    let mut report = importer.finish()?;
    report.pages = pages;
    Ok(report)
}

/// One trainee's finished attempts as the LRS holds them (the `agent` filter), for the
/// app's home screen on any workstation: the records only, newest last as the LRS stored
/// them, each attempt once. Malformed statements are counted in the report.
///
/// # Errors
/// [`ReadError`] when the LRS cannot be read to the end.
pub fn history_from_lrs(
    lrs: &Lrs,
    config: &XapiConfig,
    staff_number: &str,
    backoff: Backoff,
) -> Result<(Vec<AttemptRecord>, ReadReport), ReadError> {
    let filter = ReadFilter {
        staff_number: Some(staff_number.to_owned()),
    };
    let mut report = ReadReport::default();
    let mut attempts: BTreeMap<Uuid, AttemptRecord> = BTreeMap::new();
    report.pages = each_page(lrs, config, &filter, backoff, |statements| {
        for statement in statements {
            report.statements += 1;
            match classify(config, &statement) {
                Ok(Found::Attempt(attempt)) => {
                    let record = attempt.record;
                    if attempts.contains_key(&record.id) {
                        report.repeated += 1;
                    } else {
                        report.attempts += 1;
                        attempts.insert(record.id, record);
                    }
                }
                Ok(Found::Version(_)) => report.versions += 1,
                Ok(Found::Part) => report.parts += 1,
                Ok(Found::Foreign) => report.foreign += 1,
                Err(why) => report.malformed(&statement, why),
            }
        }
        Ok(())
    })?;
    let mut attempts: Vec<AttemptRecord> = attempts.into_values().collect();
    attempts.sort_by(|a, b| (a.started_at, a.id).cmp(&(b.started_at, b.id)));
    Ok((attempts, report))
}
