//! xAPI 1.0.3 statements for a finished attempt, following cmi5's rules for the verbs it defines (docs/exports.md).
//!
//! The app is not launched by an LMS, so this is not a cmi5 session; but the statements use
//! cmi5's verbs, categories and result rules (cmi5 section 9.3) so an LRS report built for
//! cmi5 reads them. Statement ids are UUID v5 of the attempt id and the statement's place
//! in it: the same attempt always yields the same ids, so re-sending is idempotent.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::scenario::{Scenario, Step};
use crate::store::{AttemptRecord, AttemptStatus, StoredInput};

/// cmi5's category marking a statement as cmi5-defined (cmi5 section 9.6.2.1).
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// cmi5's category for statements that decide moveOn (cmi5 section 9.6.2.2).
pub const MOVEON_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// cmi5's session id extension (cmi5 section 9.6.3.1).
pub const SESSION_EXTENSION: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The language tag of every language map.
pub const LANGUAGE: &str = "en-GB";

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

impl XapiConfig {
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
    decision: &'a crate::scenario::Decision,
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
            None::<(i64, &crate::scenario::DecisionOption)>,
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
/// `ruleset_of` maps a rule id to its ruleset id (from the catalogue).
pub fn attempt_statements(
    config: &XapiConfig,
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
    let statement_id = |name: &str| Uuid::new_v5(&attempt.id, name.as_bytes()).to_string();
    let actor = json!({
        "objectType": "Agent",
        "account": {
            "homePage": config.home_page,
            "name": config.account_name(&attempt.staff_number),
        },
    });
    let scenario_activity = json!({
        "objectType": "Activity",
        "id": config.iri(&format!("scenarios/{}", scenario.id)),
        "definition": {
            "name": { LANGUAGE: scenario.title },
            "description": { LANGUAGE: scenario.summary },
            "type": "http://adlnet.gov/expapi/activities/simulation",
        },
    });
    let extensions = json!({
        config.iri("xapi/extensions/scenario-version"): attempt.scenario_version,
        config.iri("xapi/extensions/content-hash"): attempt.content_hash,
        config.iri("xapi/extensions/rulesets"): attempt.rulesets,
        config.iri("xapi/extensions/pass-ruleset"): attempt.pass_ruleset,
        config.iri("xapi/extensions/seed"): attempt.seed.to_string(),
        SESSION_EXTENSION: attempt.id.to_string(),
    });
    let context = |categories: &[&str], parent: bool| {
        let mut activities = serde_json::Map::new();
        if !categories.is_empty() {
            activities.insert(
                "category".into(),
                Value::Array(categories.iter().map(|c| json!({ "id": c })).collect()),
            );
        }
        if parent {
            activities.insert("parent".into(), json!([{ "id": scenario_activity["id"] }]));
        }
        let mut context = json!({
            "registration": attempt.id.to_string(),
            "language": LANGUAGE,
            "platform": "Silent Slavery Trainer",
            "extensions": extensions,
        });
        if !activities.is_empty() {
            context["contextActivities"] = Value::Object(activities);
        }
        context
    };
    let duration = (finished_at - attempt.started_at).as_seconds_f64();
    let mut out = vec![json!({
        "id": statement_id("initialized"),
        "actor": actor,
        "verb": verb("initialized"),
        "object": scenario_activity,
        "context": context(&[CMI5_CATEGORY], false),
        "timestamp": timestamp(attempt.started_at),
    })];
    let mut previous = attempt.started_at;
    for input in inputs {
        let chosen = input.events.iter().find_map(|e| match e {
            crate::runner::Event::OptionChosen { step, option } => Some((step, option)),
            _ => None,
        });
        if let Some((step, option)) = chosen
            && let Some(Step::Decision(decision)) = scenario.step(step)
        {
            let correct = best_option(decision, ruleset_of, &attempt.pass_ruleset);
            let mut definition = json!({
                "name": { LANGUAGE: format!("{}: {}", scenario.title, decision.id) },
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
            out.push(json!({
                "id": statement_id(&format!("answered:{}", input.seq)),
                "actor": actor,
                "verb": verb("answered"),
                "object": {
                    "objectType": "Activity",
                    "id": config.iri(&format!("scenarios/{}/decisions/{}", scenario.id, decision.id)),
                    "definition": definition,
                },
                "result": {
                    "response": option,
                    "success": correct == Some(option.as_str()),
                    "duration": iso_duration((input.at - previous).as_seconds_f64()),
                },
                "context": context(&[], true),
                "timestamp": timestamp(input.at),
            }));
        }
        previous = input.at;
    }
    out.push(json!({
        "id": statement_id("completed"),
        "actor": actor,
        "verb": verb("completed"),
        "object": scenario_activity,
        "result": { "completion": true, "duration": iso_duration(duration) },
        "context": context(&[CMI5_CATEGORY, MOVEON_CATEGORY], false),
        "timestamp": timestamp(finished_at),
    }));
    if let Some(r) = score.ruleset(&score.pass_ruleset) {
        let raw = r.raw.clamp(r.min, r.max);
        // xAPI's scaled is raw ÷ max (it may be negative); the trainee's own scaled score
        // is clamped at 0. Both agree whenever raw ≥ 0.
        let scaled = if r.max > 0 {
            (raw as f64 / r.max as f64).clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let passed = attempt.passed == Some(true);
        out.push(json!({
            "id": statement_id(if passed { "passed" } else { "failed" }),
            "actor": actor,
            "verb": verb(if passed { "passed" } else { "failed" }),
            "object": scenario_activity,
            "result": {
                "score": {
                    "scaled": (scaled * 10_000.0).round() / 10_000.0,
                    "raw": raw,
                    "min": r.min,
                    "max": r.max,
                },
                "success": passed,
                "completion": true,
                "duration": iso_duration(duration),
            },
            "context": context(&[CMI5_CATEGORY, MOVEON_CATEGORY], false),
            "timestamp": timestamp(finished_at),
        }));
    }
    out.push(json!({
        "id": statement_id("terminated"),
        "actor": actor,
        "verb": verb("terminated"),
        "object": scenario_activity,
        "result": { "duration": iso_duration(duration) },
        "context": context(&[CMI5_CATEGORY], false),
        "timestamp": timestamp(finished_at),
    }));
    out
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
