//! What the store keeps about trainees and attempts, as read back: a trainee, an attempt's record with its score and pass rule, each input with its events.

use serde::{Deserialize, Serialize};
use silent_slavery_scenario::play::runner::{Event, Input};
use silent_slavery_scenario::play::score::{AttemptScore, PassRule};
use time::OffsetDateTime;
use uuid::Uuid;

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
