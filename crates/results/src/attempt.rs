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

/// How a trainee likes the screen, kept with them so the next person at the workstation does
/// not inherit it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DisplayPreferences {
    /// Text and widget scale: 1.0 is the toolkit's size; the app offers 0.8–2.0.
    pub text_scale: f32,
    /// The high-contrast theme.
    pub high_contrast: bool,
}

/// How the trainee of an attempt was identified when it started (docs/operations.md,
/// "Identity"): what a completion record can claim about who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifiedBy {
    /// The operating-system account signed in to the workstation, mapped to a staff number.
    OsAccount,
    /// A staff number and the PIN its trainee set.
    Pin,
    /// A staff number typed with nothing to check it (open mode, for classroom demos).
    Open,
    /// Recorded by an operator from the command line (`run --db --trainee`).
    CommandLine,
}

impl IdentifiedBy {
    /// The stored and exported name: `os_account`, `pin`, `open` or `command_line`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifiedBy::OsAccount => "os_account",
            IdentifiedBy::Pin => "pin",
            IdentifiedBy::Open => "open",
            IdentifiedBy::CommandLine => "command_line",
        }
    }

    /// The value [`IdentifiedBy::as_str`] gives, back; `None` for anything else.
    pub fn parse(text: &str) -> Option<IdentifiedBy> {
        [
            IdentifiedBy::OsAccount,
            IdentifiedBy::Pin,
            IdentifiedBy::Open,
            IdentifiedBy::CommandLine,
        ]
        .into_iter()
        .find(|i| i.as_str() == text)
    }
}

/// What a trainee chose on resuming an attempt whose scenario had changed since it started
/// (docs/operations.md, "Edited scenarios").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangedVersionChoice {
    /// Finish on the version started (it is scored on that version).
    FinishStarted,
    /// Start again on the new version (the old attempt stays, unfinished and no longer
    /// offered).
    StartNew,
}

impl ChangedVersionChoice {
    /// The stored name: `finish_started` or `start_new`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangedVersionChoice::FinishStarted => "finish_started",
            ChangedVersionChoice::StartNew => "start_new",
        }
    }

    /// The value [`ChangedVersionChoice::as_str`] gives, back.
    pub fn parse(text: &str) -> Option<ChangedVersionChoice> {
        [
            ChangedVersionChoice::FinishStarted,
            ChangedVersionChoice::StartNew,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }
}

/// A recorded [`ChangedVersionChoice`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedVersionRecord {
    /// What was chosen.
    pub choice: ChangedVersionChoice,
    /// When, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The attempt started on the new version, for [`ChangedVersionChoice::StartNew`].
    pub restarted_as: Option<Uuid>,
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
    /// How the trainee was identified; `None` for attempts recorded before this was kept.
    pub identified_by: Option<IdentifiedBy>,
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

/// A finished attempt as another record holds it (statements read back from a learning
/// record store), to be imported into a store: who, the attempt, and every input.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedAttempt {
    /// The trainee, with the name and unit the record gives.
    pub trainee: Trainee,
    /// The attempt, finished.
    pub record: AttemptRecord,
    /// Its inputs, in order.
    pub inputs: Vec<StoredInput>,
}
