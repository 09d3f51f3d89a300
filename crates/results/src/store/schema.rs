//! The store's schema, one migration per version, and the hook that fills columns added to rows recorded before them.

use rusqlite::{Transaction, params};
use silent_slavery_scenario::play::runner::{Event, Input};
use silent_slavery_scenario::play::summary::DecisionSummary;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Schema versions, oldest first. Never edit a released migration: add a new one.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // Who did it (docs/operations.md, "Identity"): how each attempt's trainee was identified
    // (NULL for attempts recorded before), trainees' PINs (a salted Argon2id hash, never the
    // PIN) with failed tries for the lockout, and what a trainee chose when the scenario of an
    // unfinished attempt had changed: finish the version started, or start again on the new
    // one (the new attempt's id kept beside the old).
    r#"
ALTER TABLE attempts ADD COLUMN identified_by TEXT
    CHECK (identified_by IN ('os_account', 'pin', 'open', 'command_line'));
ALTER TABLE attempts ADD COLUMN changed_version_choice TEXT
    CHECK (changed_version_choice IN ('finish_started', 'start_new'));
ALTER TABLE attempts ADD COLUMN changed_version_choice_at TEXT;
ALTER TABLE attempts ADD COLUMN restarted_as TEXT;
CREATE TABLE trainee_pins (
    staff_number  TEXT PRIMARY KEY NOT NULL REFERENCES trainees(staff_number),
    pin_hash      TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    failed_tries  INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
) STRICT;
"#,
    // Trainees an operator has said are different people, though their staff numbers or
    // names look alike (docs/operations.md, "Identity"): the LMS exports stop on look-alikes
    // nobody has reviewed, not on these. Each pair is kept once, the lower number first.
    r#"
CREATE TABLE distinct_trainees (
    staff_number  TEXT NOT NULL REFERENCES trainees(staff_number) ON DELETE CASCADE,
    other         TEXT NOT NULL REFERENCES trainees(staff_number) ON DELETE CASCADE,
    noted_at      TEXT NOT NULL,
    PRIMARY KEY (staff_number, other),
    CHECK (staff_number < other)
) STRICT;
"#,
    // Each trainee's display settings (text size, high contrast), so they follow the trainee
    // from workstation to workstation and never carry over to the next person at one.
    r#"
CREATE TABLE trainee_display (
    staff_number  TEXT PRIMARY KEY NOT NULL REFERENCES trainees(staff_number) ON DELETE CASCADE,
    text_scale    REAL NOT NULL CHECK (text_scale > 0.0 AND text_scale <= 4.0),
    high_contrast INTEGER NOT NULL CHECK (high_contrast IN (0, 1)),
    updated_at    TEXT NOT NULL
) STRICT;
"#,
];

/// Fills the decision summary columns of inputs recorded before they existed, from each
/// input's recorded events and times (the migration that adds the columns runs this once).
pub(super) fn backfill_decision_summaries(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
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
        let summary = DecisionSummary::of(input.as_ref(), &events);
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
pub(super) fn millis_between(earlier: &str, later: &str) -> Option<i64> {
    let earlier = OffsetDateTime::parse(earlier, &Rfc3339).ok()?;
    let later = OffsetDateTime::parse(later, &Rfc3339).ok()?;
    i64::try_from((later - earlier).whole_milliseconds()).ok()
}
