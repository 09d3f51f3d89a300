//! xAPI 1.0.3 statements for a finished attempt, following cmi5's rules for the verbs it defines (docs/exports.md).
//!
//! The app is not launched by an LMS, so this is not a cmi5 session; but the statements use
//! cmi5's verbs, categories and result rules (cmi5 section 9.3) so an LRS report built for
//! cmi5 reads them. Statement ids are UUID v5 of the attempt id and the statement's place
//! in it: the same attempt always yields the same ids, so re-sending is idempotent.
//!
//! The statements carry everything the reports and exports read from a store, so that
//! they can be rebuilt from the LRS alone (docs/exports.md, "Reading from an LRS"): the
//! trainee's name (the actor's `name`, left out when pseudonymised) and unit
//! (`context.team`), how they were identified, and on the `passed` or `failed` statement the
//! whole score, the pass rule, the ending and every input with its events (result
//! extensions). The scenario version itself travels once, in a statement of its own
//! ([`version_statement`]).

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::attempt::{AttemptRecord, AttemptStatus, StoredInput, Trainee};
use crate::store::timestamp as stored_time;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::scenario::{Scenario, Step};

/// cmi5's category marking a statement as cmi5-defined (cmi5 section 9.6.2.1).
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// cmi5's category for statements that decide moveOn (cmi5 section 9.6.2.2).
pub const MOVEON_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// cmi5's session id extension (cmi5 section 9.6.3.1).
pub const SESSION_EXTENSION: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The language tag of every language map.
pub const LANGUAGE: &str = "en-GB";
/// The account name of the product itself, the actor of [`version_statement`]s.
pub const PRODUCT_ACCOUNT: &str = "silent-slavery-trainer";
/// The timestamp of every [`version_statement`]: the Unix epoch, as a version has no time
/// of its own and every workstation must make the same statement.
pub const VERSION_TIMESTAMP: &str = "1970-01-01T00:00:00Z";
/// The platform every statement names (`context.platform`).
pub const PLATFORM: &str = "Silent Slavery Trainer";

/// Where statements point and who they are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiConfig {
    /// The actor account's `homePage` (xAPI 4.1.2.1): the system that knows the staff numbers,
    /// e.g. `https://training.example.org`.
    pub home_page: String,
    /// Prefix of every activity and extension IRI, e.g.
    /// `https://training.example.org/silent-slavery`.
    pub activity_base: String,
    /// With a key, the account name is HMAC-SHA256(key, staff number) in hex instead of the
    /// staff number itself.
    pub pseudonymise_key: Option<Vec<u8>>,
}

/// Why the xAPI settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum XapiConfigError {
    /// No `homePage` for the actor's account (xAPI 4.1.2.1 requires one).
    #[error(
        "xAPI statements need the actor's homePage: give --home-page URL (your learning system's address) or set SILENT_SLAVERY_XAPI_HOME_PAGE"
    )]
    NoHomePage,
    /// The pseudonymisation key file cannot be read.
    #[error("reading the key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The pseudonymisation key file holds nothing.
    #[error("the key file {0} is empty")]
    EmptyKeyFile(std::path::PathBuf),
    /// The home page or activity base is not an address statements can carry (xAPI 4.1.2.1
    /// wants an IRL for `homePage`; activity ids are IRIs, xAPI 4.1.4.1).
    #[error("{setting} is {value:?}, which {fault}; {hint}")]
    BadAddress {
        /// `--home-page` or `--activity-base` (or their environment variables).
        setting: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        fault: &'static str,
        /// What to give instead.
        hint: &'static str,
    },
}

/// The faults [`check_address`] finds, if any: `web` asks for an http(s) address with a
/// host; `base` for one that can be added to (no query or fragment).
fn address_fault(value: &str, web: bool, base: bool) -> Option<&'static str> {
    use iri_string::types::IriStr;
    if value.trim().is_empty() {
        return Some("is empty");
    }
    if value.trim() != value {
        return Some("has spaces around it");
    }
    let Ok(iri) = IriStr::new(value) else {
        return Some(
            "is not an absolute IRI (a scheme such as https:, then the address, with no spaces)",
        );
    };
    if web && !matches!(iri.scheme_str(), "http" | "https") {
        return Some("is not an http:// or https:// address");
    }
    if web && iri.authority_str().is_none_or(str::is_empty) {
        return Some("names no host");
    }
    if base && (iri.query().is_some() || iri.fragment().is_some()) {
        return Some(
            "has a query (?…) or a fragment (#…), and activity ids are made by adding to its end",
        );
    }
    None
}

/// Checks an address an operator gave for the statements before anything is queued.
fn check_address(
    setting: &'static str,
    value: &str,
    web: bool,
    base: bool,
    hint: &'static str,
) -> Result<(), XapiConfigError> {
    match address_fault(value, web, base) {
        None => Ok(()),
        Some(fault) => Err(XapiConfigError::BadAddress {
            setting,
            value: value.to_owned(),
            fault,
            hint,
        }),
    }
}

impl XapiConfig {
    /// The settings from what an operator gives (command-line options or environment):
    /// the `homePage` (required), the activity base (default `HOME_PAGE/silent-slavery`), and
    /// a file holding the key that pseudonymises staff numbers, if any (white space around
    /// the key is ignored).
    ///
    /// # Errors
    /// [`XapiConfigError`] when the home page is missing, when it or the activity base is not
    /// a usable address (the home page an http(s) address with a host, the activity base an
    /// absolute IRI with no query or fragment, neither with spaces around it:
    /// [`XapiConfigError::BadAddress`]), or when the key file cannot be read or is empty.
    pub fn from_settings(
        home_page: Option<String>,
        activity_base: Option<String>,
        pseudonymise_key_file: Option<&std::path::Path>,
    ) -> Result<XapiConfig, XapiConfigError> {
        let home_page = home_page.ok_or(XapiConfigError::NoHomePage)?;
        check_address(
            "the xAPI home page (--home-page, SILENT_SLAVERY_XAPI_HOME_PAGE)",
            &home_page,
            true,
            false,
            "give your learning system's address, e.g. https://lms.example.org",
        )?;
        if let Some(base) = &activity_base {
            check_address(
                "the activity base (--activity-base, SILENT_SLAVERY_XAPI_ACTIVITY_BASE)",
                base,
                false,
                true,
                "give an address your organisation controls, e.g. https://lms.example.org/silent-slavery",
            )?;
        }
        let pseudonymise_key = match pseudonymise_key_file {
            Some(path) => {
                let key = std::fs::read(path).map_err(|source| XapiConfigError::KeyFile {
                    path: path.to_path_buf(),
                    source,
                })?;
                if key.trim_ascii().is_empty() {
                    return Err(XapiConfigError::EmptyKeyFile(path.to_path_buf()));
                }
                Some(key.trim_ascii().to_vec())
            }
            None => None,
        };
        Ok(XapiConfig {
            activity_base: activity_base
                .unwrap_or_else(|| format!("{}/silent-slavery", home_page.trim_end_matches('/'))),
            home_page,
            pseudonymise_key,
        })
    }

    /// The account name for a staff number: itself, or its keyed hash.
    pub fn account_name(&self, staff_number: &str) -> String {
        use hmac::{Hmac, Mac};
        match &self.pseudonymise_key {
            None => staff_number.to_owned(),
            Some(key) => {
                // HMAC accepts keys of any length.
                let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
                mac.update(staff_number.as_bytes());
                format!("{:x}", mac.finalize().into_bytes())
            }
        }
    }

    fn iri(&self, path: &str) -> String {
        format!("{}/{path}", self.activity_base.trim_end_matches('/'))
    }

    /// The IRI of one of this product's extensions, `ACTIVITY_BASE/xapi/extensions/NAME`.
    pub fn extension(&self, name: &str) -> String {
        self.iri(&format!("xapi/extensions/{name}"))
    }

    /// The activity id of a scenario, `ACTIVITY_BASE/scenarios/ID`.
    pub fn scenario_activity(&self, scenario_id: &str) -> String {
        self.iri(&format!("scenarios/{scenario_id}"))
    }

    /// The activity id of one version of a scenario,
    /// `ACTIVITY_BASE/scenarios/ID/versions/CONTENT_HASH`.
    pub fn version_activity(&self, scenario_id: &str, content_hash: &str) -> String {
        self.iri(&format!("scenarios/{scenario_id}/versions/{content_hash}"))
    }

    /// The verb of [`version_statement`]s, `ACTIVITY_BASE/xapi/verbs/defined`.
    pub fn defined_verb(&self) -> String {
        self.iri("xapi/verbs/defined")
    }

    /// Whether statements name trainees by a keyed hash instead of their staff number.
    pub fn pseudonymised(&self) -> bool {
        self.pseudonymise_key.is_some()
    }
}

/// The id of the statement that carries a scenario version ([`version_statement`]): UUID v5
/// (URL namespace) of the version's activity id, so every workstation makes the same one and
/// a reader can ask the LRS for it directly.
pub fn version_statement_id(config: &XapiConfig, scenario_id: &str, content_hash: &str) -> String {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        config
            .version_activity(scenario_id, content_hash)
            .as_bytes(),
    )
    .to_string()
}

/// The statement that carries one scenario version exactly as attempts were played on it:
/// the product (an account named [`PRODUCT_ACCOUNT`]) `defined` the activity
/// `ACTIVITY_BASE/scenarios/ID/versions/CONTENT_HASH`, whose definition's extensions hold
/// the scenario (`…/xapi/extensions/scenario`) and its best and worst scores per ruleset
/// (`…/xapi/extensions/score-bounds`), as the store pins them.
///
/// Every workstation that played the version makes the same statement under the same id
/// ([`version_statement_id`]), so the copies after the first are the same statement and an
/// LRS keeps one. Its timestamp is therefore fixed, [`VERSION_TIMESTAMP`]: left out, the LRS
/// would set it to the time of each copy (xAPI 1.0.3 Data 2.4.7), and an LRS that compares
/// timestamps (Ralph does) would take every re-send for a different statement (409).
pub fn version_statement(config: &XapiConfig, scenario: &LoadedScenario) -> Value {
    let s = &scenario.scenario;
    let hash = scenario.content_hash();
    json!({
        "id": version_statement_id(config, &s.id, hash),
        "actor": {
            "objectType": "Agent",
            "name": PLATFORM,
            "account": { "homePage": config.home_page, "name": PRODUCT_ACCOUNT },
        },
        "verb": {
            "id": config.defined_verb(),
            "display": { LANGUAGE: "defined" },
        },
        "object": {
            "objectType": "Activity",
            "id": config.version_activity(&s.id, hash),
            "definition": {
                "name": { LANGUAGE: format!("{}, version {}", s.title, s.version) },
                "type": "http://adlnet.gov/expapi/activities/simulation",
                "extensions": {
                    config.extension("scenario"): s,
                    config.extension("score-bounds"): scenario.bounds,
                },
            },
        },
        "timestamp": VERSION_TIMESTAMP,
        "context": {
            "language": LANGUAGE,
            "platform": PLATFORM,
            "contextActivities": { "parent": [{ "id": config.scenario_activity(&s.id) }] },
            "extensions": {
                config.extension("scenario-version"): s.version,
                config.extension("content-hash"): hash,
            },
        },
    })
}

/// An ISO 8601 duration with at most two decimals of seconds, e.g. `PT1H2M3.25S`
/// (xAPI 4.1.5.1 recommends bounded precision).
pub fn iso_duration(seconds: f64) -> String {
    let centis = (seconds.max(0.0) * 100.0).round() as u64;
    let (hours, rest) = (centis / 360_000, centis % 360_000);
    let (minutes, rest) = (rest / 6_000, rest % 6_000);
    let (whole, frac) = (rest / 100, rest % 100);
    let mut out = String::from("PT");
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if frac > 0 {
        let frac = format!("{frac:02}");
        out.push_str(&format!("{whole}.{}S", frac.trim_end_matches('0')));
    } else if whole > 0 || (hours == 0 && minutes == 0) {
        out.push_str(&format!("{whole}S"));
    }
    out
}

fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn verb(name: &str) -> Value {
    json!({
        "id": format!("http://adlnet.gov/expapi/verbs/{name}"),
        "display": { LANGUAGE: name },
    })
}

/// The id of the option a decision's correct response names: the one with the most net
/// points under `ruleset` (the first of equals).
fn best_option<'a>(
    decision: &'a silent_slavery_scenario::model::scenario::Decision,
    ruleset_of: &dyn Fn(&str) -> Option<String>,
    ruleset: &str,
) -> Option<&'a str> {
    decision
        .options
        .iter()
        .map(|o| {
            let points: i64 = o
                .effects
                .iter()
                .filter(|e| ruleset_of(e.rule()).as_deref() == Some(ruleset))
                .map(|e| e.signed_points())
                .sum();
            (points, o)
        })
        .fold(
            None::<(
                i64,
                &silent_slavery_scenario::model::scenario::DecisionOption,
            )>,
            |best, (p, o)| match best {
                Some((bp, _)) if bp >= p => best,
                _ => Some((p, o)),
            },
        )
        .map(|(_, o)| o.id.as_str())
}

/// The statements of one finished attempt, in order: initialized, one answered per
/// decision, completed, passed or failed, terminated. An unfinished attempt yields none
/// (it has nothing to report yet).
///
/// `trainee` gives the name (the actor's `name`, unless pseudonymised) and the unit
/// (`context.team`, an identified Group whose account is the unit under the home page).
/// `ruleset_of` maps a rule id to its ruleset id (from the catalogue).
pub fn attempt_statements(
    config: &XapiConfig,
    trainee: &Trainee,
    attempt: &AttemptRecord,
    scenario: &Scenario,
    inputs: &[StoredInput],
    ruleset_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<Value> {
    let (Some(finished_at), Some(score), AttemptStatus::Finished) =
        (attempt.finished_at, attempt.score.as_ref(), attempt.status)
    else {
        return Vec::new();
    };
    let b = Builder::new(config, trainee, attempt, scenario);
    let mut out = vec![b.initialized()];
    let mut previous = attempt.started_at;
    for input in inputs {
        out.extend(b.answered(input, previous, ruleset_of));
        previous = input.at;
    }
    let duration = (finished_at - attempt.started_at).as_seconds_f64();
    out.push(b.completed(finished_at, duration));
    out.extend(b.verdict(score, finished_at, duration, inputs));
    out.push(b.terminated(finished_at, duration));
    out
}

/// What every statement of one attempt shares: who, which activity, its context.
struct Builder<'a> {
    config: &'a XapiConfig,
    attempt: &'a AttemptRecord,
    scenario: &'a Scenario,
    actor: Value,
    activity: Value,
    extensions: Value,
    team: Option<Value>,
}

impl<'a> Builder<'a> {
    fn new(
        config: &'a XapiConfig,
        trainee: &Trainee,
        attempt: &'a AttemptRecord,
        scenario: &'a Scenario,
    ) -> Self {
        let mut actor = json!({
            "objectType": "Agent",
            "account": {
                "homePage": config.home_page,
                "name": config.account_name(&attempt.staff_number),
            },
        });
        // A name beside a keyed hash would undo the pseudonymisation.
        if !config.pseudonymised() && !trainee.name.is_empty() {
            actor["name"] = Value::String(trainee.name.clone());
        }
        let mut extensions = json!({
            config.extension("scenario-version"): attempt.scenario_version,
            config.extension("content-hash"): attempt.content_hash,
            config.extension("rulesets"): attempt.rulesets,
            config.extension("pass-ruleset"): attempt.pass_ruleset,
            config.extension("seed"): attempt.seed.to_string(),
            SESSION_EXTENSION: attempt.id.to_string(),
        });
        if let Some(identified_by) = attempt.identified_by {
            extensions[config.extension("identified-by")] = json!(identified_by.as_str());
        }
        if config.pseudonymised() {
            extensions[config.extension("pseudonymised")] = json!(true);
        }
        let team = (!trainee.unit.is_empty()).then(|| {
            json!({
                "objectType": "Group",
                "name": trainee.unit,
                "account": { "homePage": config.home_page, "name": trainee.unit },
            })
        });
        Builder {
            actor,
            activity: json!({
                "objectType": "Activity",
                "id": config.scenario_activity(&scenario.id),
                "definition": {
                    "name": { LANGUAGE: scenario.title },
                    "description": { LANGUAGE: scenario.summary },
                    "type": "http://adlnet.gov/expapi/activities/simulation",
                },
            }),
            extensions,
            team,
            config,
            attempt,
            scenario,
        }
    }

    /// A statement id fixed by the attempt and the statement's name (UUID v5), so sending
    /// again is idempotent.
    fn id(&self, name: &str) -> String {
        Uuid::new_v5(&self.attempt.id, name.as_bytes()).to_string()
    }

    /// The context: registration, language, extensions, and the cmi5 categories and the
    /// parent activity where a statement needs them.
    fn context(&self, categories: &[&str], parent: bool) -> Value {
        let mut activities = serde_json::Map::new();
        if !categories.is_empty() {
            activities.insert(
                "category".into(),
                Value::Array(categories.iter().map(|c| json!({ "id": c })).collect()),
            );
        }
        if parent {
            activities.insert("parent".into(), json!([{ "id": self.activity["id"] }]));
        }
        let mut context = json!({
            "registration": self.attempt.id.to_string(),
            "language": LANGUAGE,
            "platform": PLATFORM,
            "extensions": self.extensions,
        });
        if let Some(team) = &self.team {
            context["team"] = team.clone();
        }
        if !activities.is_empty() {
            context["contextActivities"] = Value::Object(activities);
        }
        context
    }

    fn initialized(&self) -> Value {
        json!({
            "id": self.id("initialized"),
            "actor": self.actor,
            "verb": verb("initialized"),
            "object": self.activity,
            "context": self.context(&[CMI5_CATEGORY], false),
            "timestamp": timestamp(self.attempt.started_at),
        })
    }

    /// `answered` for an input that chose an option (none for flags and continues), with
    /// the best option under the deciding ruleset as the correct response.
    fn answered(
        &self,
        input: &StoredInput,
        previous: time::OffsetDateTime,
        ruleset_of: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Value> {
        let (step, option) = input.events.iter().find_map(|e| match e {
            silent_slavery_scenario::play::runner::Event::OptionChosen { step, option } => {
                Some((step, option))
            }
            _ => None,
        })?;
        let Some(Step::Decision(decision)) = self.scenario.step(step) else {
            return None;
        };
        let correct = best_option(decision, ruleset_of, &self.attempt.pass_ruleset);
        let mut definition = json!({
            "name": { LANGUAGE: format!("{}: {}", self.scenario.title, decision.id) },
            "description": { LANGUAGE: decision.prompt },
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "choices": decision.options.iter().map(|o| json!({
                "id": o.id,
                "description": { LANGUAGE: o.text },
            })).collect::<Vec<_>>(),
        });
        if let Some(correct) = correct {
            definition["correctResponsesPattern"] = json!([correct]);
        }
        Some(json!({
            "id": self.id(&format!("answered:{}", input.seq)),
            "actor": self.actor,
            "verb": verb("answered"),
            "object": {
                "objectType": "Activity",
                "id": self.config.iri(&format!("scenarios/{}/decisions/{}", self.scenario.id, decision.id)),
                "definition": definition,
            },
            "result": {
                "response": option,
                "success": correct == Some(option.as_str()),
                "duration": iso_duration((input.at - previous).as_seconds_f64()),
            },
            "context": self.context(&[], true),
            "timestamp": timestamp(input.at),
        }))
    }

    fn completed(&self, finished_at: time::OffsetDateTime, duration: f64) -> Value {
        json!({
            "id": self.id("completed"),
            "actor": self.actor,
            "verb": verb("completed"),
            "object": self.activity,
            "result": { "completion": true, "duration": iso_duration(duration) },
            "context": self.context(&[CMI5_CATEGORY, MOVEON_CATEGORY], false),
            "timestamp": timestamp(finished_at),
        })
    }

    /// `passed` or `failed` with the score under the deciding ruleset, and, as result
    /// extensions, what the store keeps of the attempt: its start and finish as stored, the
    /// ending, the whole score (every ruleset, critical breaches, identification), the pass
    /// rule and every input with its events.
    fn verdict(
        &self,
        score: &silent_slavery_scenario::play::score::AttemptScore,
        finished_at: time::OffsetDateTime,
        duration: f64,
        inputs: &[StoredInput],
    ) -> Option<Value> {
        let r = score.ruleset(&score.pass_ruleset)?;
        let raw = r.raw.clamp(r.min, r.max);
        // The same scaled score the trainee saw and every CSV shows: a negative total is 0
        // (xAPI allows −1 to 1; cmi5 compares it with a mastery score of 0–1), while `raw`
        // keeps the signed points between `min` and `max`.
        let scaled = r.scaled_score();
        let passed = self.attempt.passed == Some(true);
        let extension = |name: &str| self.config.extension(name);
        let mut detail = json!({
            extension("started"): stored_time(self.attempt.started_at),
            extension("finished"): stored_time(finished_at),
            extension("score"): score,
            extension("inputs"): inputs.iter().map(|i| json!({
                "seq": i.seq,
                "at": stored_time(i.at),
                "step": i.step,
                "input": i.input,
                "events": i.events,
            })).collect::<Vec<_>>(),
        });
        if let Some(ending) = &self.attempt.ending {
            detail[extension("ending")] = json!(ending);
        }
        if let Some(pass_rule) = &self.attempt.pass_rule {
            detail[extension("pass-rule")] = json!(pass_rule);
        }
        Some(json!({
            "id": self.id(if passed { "passed" } else { "failed" }),
            "actor": self.actor,
            "verb": verb(if passed { "passed" } else { "failed" }),
            "object": self.activity,
            "result": {
                "score": {
                    "scaled": scaled.as_f64(),
                    "raw": raw,
                    "min": r.min,
                    "max": r.max,
                },
                "success": passed,
                "completion": true,
                "duration": iso_duration(duration),
                "extensions": detail,
            },
            "context": self.context(&[CMI5_CATEGORY, MOVEON_CATEGORY], false),
            "timestamp": timestamp(finished_at),
        }))
    }

    fn terminated(&self, finished_at: time::OffsetDateTime, duration: f64) -> Value {
        json!({
            "id": self.id("terminated"),
            "actor": self.actor,
            "verb": verb("terminated"),
            "object": self.activity,
            "result": { "duration": iso_duration(duration) },
            "context": self.context(&[CMI5_CATEGORY], false),
            "timestamp": timestamp(finished_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::iso_duration;

    #[test]
    fn durations_are_iso_8601_with_bounded_precision() {
        assert_eq!(iso_duration(0.0), "PT0S");
        assert_eq!(iso_duration(90.25), "PT1M30.25S");
        assert_eq!(iso_duration(3600.0), "PT1H");
        assert_eq!(iso_duration(3723.456), "PT1H2M3.46S");
        assert_eq!(iso_duration(12.5), "PT12.5S");
        assert_eq!(iso_duration(-3.0), "PT0S");
    }
}
