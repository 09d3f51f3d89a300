//! Exports for training leads: attempts, decisions, Totara and Moodle CSVs, and the KPI report per unit (docs/exports.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use rusqlite::params;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalog::Catalog;
use crate::course::{Course, CourseStatus};
use crate::runner::{EffectKind, Event};
use crate::scenario::{Milestone, Step};
use crate::store::{AttemptRecord, AttemptStatus, Store, StoreError};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// SQLite failed while reading.
    #[error("reading the results store: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Writing the output failed.
    #[error("writing the export: {0}")]
    Csv(#[from] csv::Error),
    /// Writing the output failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Which attempts an export covers.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Only attempts started at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only attempts at this course's scenarios (and, for completion exports, this course).
    pub course: Option<&'a Course>,
    /// Only trainees of this unit.
    pub unit: Option<&'a str>,
}

impl Selection<'_> {
    /// Whether an attempt by a trainee of `unit` is selected.
    pub(crate) fn admits(&self, attempt: &AttemptRecord, unit: &str) -> bool {
        self.since.is_none_or(|since| attempt.started_at >= since)
            && self
                .course
                .is_none_or(|c| c.scenarios.contains(&attempt.scenario_id))
            && self.unit.is_none_or(|u| u == unit)
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// Totara's completion import date format: `YYYY-MM-DD` (choose "yyyy-mm-dd" in the upload
/// settings).
pub fn totara_date(at: OffsetDateTime) -> String {
    let date = at.date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Attempts with their trainee's unit, selected.
fn selected_attempts(
    store: &Store,
    selection: &Selection<'_>,
) -> Result<Vec<(AttemptRecord, String, String)>, ExportError> {
    let trainees: BTreeMap<String, (String, String)> = store
        .trainees()?
        .into_iter()
        .map(|t| (t.staff_number, (t.name, t.unit)))
        .collect();
    Ok(store
        .all_attempts()?
        .into_iter()
        .filter_map(|a| {
            let (name, unit) = trainees.get(&a.staff_number).cloned().unwrap_or_default();
            selection.admits(&a, &unit).then_some((a, name, unit))
        })
        .collect())
}

/// The `attempts` CSV: one row per attempt.
///
/// Columns: `attempt_id, staff_number, name, unit, scenario_id, scenario_version,
/// content_hash, seed, started_at, finished_at, duration_seconds, status, outcome, passed`,
/// then `<ruleset>_scaled, <ruleset>_raw, <ruleset>_max` for every ruleset of the catalogue,
/// then `critical_breaches` (rule ids joined with `;`). Times are RFC 3339 UTC; an
/// unfinished attempt has empty finish, duration, outcome, passed and score cells.
///
/// # Errors
/// [`ExportError`] when reading or writing fails.
pub fn attempts_csv(
    store: &Store,
    catalog: &Catalog,
    selection: &Selection<'_>,
    out: impl Write,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError> {
    let rulesets: Vec<&String> = catalog.rulesets.keys().collect();
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
        "attempt_id",
        "staff_number",
        "name",
        "unit",
        "scenario_id",
        "scenario_version",
        "content_hash",
        "seed",
        "started_at",
        "finished_at",
        "duration_seconds",
        "status",
        "outcome",
        "passed",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for r in &rulesets {
        header.extend([
            format!("{r}_scaled"),
            format!("{r}_raw"),
            format!("{r}_max"),
        ]);
    }
    header.push("critical_breaches".into());
    w.write_record(&header)?;
    let mut rows = 0;
    for (a, name, unit) in selected_attempts(store, selection)? {
        let mut record = vec![
            a.id.to_string(),
            a.staff_number.clone(),
            name,
            unit,
            a.scenario_id.clone(),
            a.scenario_version.to_string(),
            a.content_hash.clone(),
            a.seed.to_string(),
            rfc3339(a.started_at),
            a.finished_at.map(rfc3339).unwrap_or_default(),
            a.finished_at
                .map(|f| format!("{:.3}", (f - a.started_at).as_seconds_f64()))
                .unwrap_or_default(),
            match a.status {
                AttemptStatus::InProgress => "in_progress".into(),
                AttemptStatus::Finished => "finished".into(),
            },
            a.score
                .as_ref()
                .and_then(|s| s.outcome)
                .map(|o| format!("{o:?}"))
                .unwrap_or_default(),
            a.passed.map(|p| p.to_string()).unwrap_or_default(),
        ];
        let mut critical = BTreeSet::new();
        for ruleset in &rulesets {
            match a.score.as_ref().and_then(|s| s.ruleset(ruleset)) {
                Some(r) => {
                    record.extend([
                        format!("{:.4}", r.scaled),
                        r.raw.to_string(),
                        r.max.to_string(),
                    ]);
                    critical.extend(r.critical_breaches.iter().map(|b| b.rule.clone()));
                }
                None => record.extend([String::new(), String::new(), String::new()]),
            }
        }
        record.push(critical.into_iter().collect::<Vec<_>>().join(";"));
        w.write_record(&record)?;
        rows += 1;
        progress(rows);
    }
    w.flush()?;
    Ok(rows)
}

/// What one input did, in the `decisions` export's words. The store writes it with each
/// input (columns `option`, `upheld`, `breached`, `points` of `attempt_inputs`), so the
/// export copies columns instead of reading every input's events back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DecisionSummary {
    /// The option chosen; `None` for flags and continues.
    pub option: Option<String>,
    /// Rules upheld, `rule:points` joined with `;`, in event order.
    pub upheld: String,
    /// Rules breached, `rule:points` joined with `;`, critical ones marked `!`.
    pub breached: String,
    /// Net points under each ruleset, `ruleset:points` joined with `;`, by ruleset id.
    pub points: String,
}

impl DecisionSummary {
    /// The summary of an input (if it could be read) and the events it caused.
    pub(crate) fn of(input: Option<&crate::runner::Input>, events: &[Event]) -> DecisionSummary {
        let option = match input {
            Some(crate::runner::Input::Choose(o)) => Some(o.clone()),
            _ => None,
        };
        let (mut upheld, mut breached) = (Vec::new(), Vec::new());
        let mut points: BTreeMap<&str, i64> = BTreeMap::new();
        for e in events {
            if let Event::RuleEffect {
                rule,
                ruleset,
                effect,
                points: p,
                critical,
            } = e
            {
                let p = i64::from(*p);
                match effect {
                    EffectKind::Upheld => {
                        upheld.push(format!("{rule}:{p}"));
                        *points.entry(ruleset).or_default() += p;
                    }
                    EffectKind::Breached => {
                        breached.push(format!("{rule}:{p}{}", if *critical { "!" } else { "" }));
                        *points.entry(ruleset).or_default() -= p;
                    }
                }
            }
        }
        DecisionSummary {
            option,
            upheld: upheld.join(";"),
            breached: breached.join(";"),
            points: points
                .iter()
                .map(|(r, p)| format!("{r}:{p}"))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }
}

/// A stored timestamp (`YYYY-MM-DDTHH:MM:SS.mmmZ`, see [`crate::store::timestamp`]) in the
/// RFC 3339 form the exports use, which drops trailing zeros of the fraction. Reshaping
/// the text gives the same as parsing and formatting it, without the cost per row.
fn stored_to_rfc3339(stored: &str) -> String {
    match stored_shape(stored) {
        Some(fraction) if fraction.is_empty() => format!("{}Z", &stored[..19]),
        Some(fraction) => format!("{}.{fraction}Z", &stored[..19]),
        None => OffsetDateTime::parse(stored, &Rfc3339).map_or_else(|_| stored.to_owned(), rfc3339),
    }
}

/// The fraction digits, trailing zeros dropped, if `stored` is exactly a valid time in the
/// stored shape `YYYY-MM-DDTHH:MM:SS.mmmZ` (no leap second); `None` for anything else,
/// which then goes through the parser as before.
fn stored_shape(stored: &str) -> Option<&str> {
    let b = stored.as_bytes();
    let shaped = b.len() == 24
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b'T'
        && [13, 16].iter().all(|&i| b[i] == b':')
        && b[19] == b'.'
        && b[23] == b'Z'
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shaped {
        return None;
    }
    let number = |from: usize, to: usize| stored[from..to].parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(number(5, 7)?).ok()?).ok()?;
    let day = u8::try_from(number(8, 10)?).ok()?;
    time::Date::from_calendar_date(i32::from(number(0, 4)?), month, day).ok()?;
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    (hour < 24 && minute < 60 && second < 60).then(|| stored[20..23].trim_end_matches('0'))
}

/// Milliseconds as seconds with three decimals, as the `time_taken_seconds` column shows.
fn seconds_from_millis(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    format!("{sign}{}.{:03}", ms / 1000, ms % 1000)
}

/// The `decisions` CSV: one row per decision made, oldest attempt first.
///
/// Columns: `attempt_id`, `staff_number`, `scenario_id`, `scenario_version`, `seq` (the
/// input's number in the attempt), `step`, `option`, `upheld` (`rule:points` joined with
/// `;`), `breached` (the same, critical breaches marked `!`), `points` (net points of the
/// choice per ruleset, `ruleset:points`), `decided_at` (RFC 3339 UTC) and
/// `time_taken_seconds` (from the previous input or the attempt's start, three decimals).
///
/// # Errors
/// [`ExportError`] when reading or writing fails.
pub fn decisions_csv(
    store: &Store,
    selection: &Selection<'_>,
    out: impl Write,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError> {
    let mut w = csv::Writer::from_writer(out);
    let conn = store.connection();
    let mut stmt = conn.prepare(
        "SELECT i.attempt_id, a.staff_number, a.scenario_id, a.scenario_version, i.seq, i.step,
                i.option, i.upheld, i.breached, i.points, i.at, i.ms_since_previous
         FROM attempt_inputs i
         JOIN attempts a ON a.id = i.attempt_id
         JOIN trainees t ON t.staff_number = a.staff_number
         WHERE i.kind = 'choice'
           AND (?1 IS NULL OR a.started_at >= ?1) AND (?2 IS NULL OR t.unit = ?2)
         ORDER BY a.started_at, i.attempt_id, i.seq",
    )?;
    let since = selection.since.map(crate::store::timestamp);
    let mut rows = stmt.query(params![since, selection.unit])?;
    let mut written = 0u64;
    w.write_record([
        "attempt_id",
        "staff_number",
        "scenario_id",
        "scenario_version",
        "seq",
        "step",
        "option",
        "upheld",
        "breached",
        "points",
        "decided_at",
        "time_taken_seconds",
    ])?;
    while let Some(row) = rows.next()? {
        if let Some(course) = selection.course
            && !course.scenarios.contains(&row.get::<_, String>(2)?)
        {
            continue;
        }
        // Borrowed text straight from SQLite: a row is written without copying its fields.
        let text = |i: usize| -> Result<&str, rusqlite::Error> {
            match row.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(""),
                value => value.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e))
                }),
            }
        };
        let version: u32 = row.get(3)?;
        let seq: u32 = row.get(4)?;
        let decided_at = stored_to_rfc3339(text(10)?);
        let taken = row
            .get::<_, Option<i64>>(11)?
            .map(seconds_from_millis)
            .unwrap_or_default();
        w.write_record([
            text(0)?,
            text(1)?,
            text(2)?,
            &version.to_string(),
            &seq.to_string(),
            text(5)?,
            text(6)?,
            text(7)?,
            text(8)?,
            text(9)?,
            &decided_at,
            &taken,
        ])?;
        written += 1;
        if written.is_multiple_of(1024) {
            progress(written);
        }
    }
    progress(written);
    w.flush()?;
    Ok(written)
}

/// Each trainee's standing in `course`: (staff number, name, unit, standing).
fn standings(
    store: &Store,
    course: &Course,
    selection: &Selection<'_>,
) -> Result<Vec<(String, String, String, crate::course::CourseStanding)>, ExportError> {
    let mut out = Vec::new();
    for trainee in store.trainees()? {
        if selection.unit.is_some_and(|u| u != trainee.unit) {
            continue;
        }
        let attempts: Vec<AttemptRecord> = store
            .attempts_of(&trainee.staff_number)?
            .into_iter()
            .filter(|a| selection.since.is_none_or(|s| a.started_at >= s))
            .collect();
        out.push((
            trainee.staff_number,
            trainee.name,
            trainee.unit,
            course.standing(&attempts),
        ));
    }
    Ok(out)
}

/// The `totara` CSV: Totara's course completion upload, one row per trainee who completed
/// each course.
///
/// Columns `username, courseshortname, courseidnumber, completiondate, grade`: the staff
/// number is the username; the date is `YYYY-MM-DD`; the grade is the mean scaled score of
/// the counted attempts as a percentage with one decimal.
///
/// # Errors
/// [`ExportError`] when reading or writing fails.
pub fn totara_csv(
    store: &Store,
    courses: &[Course],
    selection: &Selection<'_>,
    out: impl Write,
) -> Result<u64, ExportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "username",
        "courseshortname",
        "courseidnumber",
        "completiondate",
        "grade",
    ])?;
    let mut rows = 0;
    for course in courses
        .iter()
        .filter(|c| selection.course.is_none_or(|s| s.id == c.id))
    {
        for (staff, _, _, standing) in standings(store, course, selection)? {
            if let (CourseStatus::Completed, Some(at)) = (standing.status, standing.completed_at) {
                w.write_record([
                    staff,
                    course.short_name.clone(),
                    course.id_number.clone().unwrap_or_default(),
                    totara_date(at),
                    standing
                        .grade
                        .map(|g| format!("{:.1}", g * 100.0))
                        .unwrap_or_default(),
                ])?;
                rows += 1;
            }
        }
    }
    w.flush()?;
    Ok(rows)
}

/// The `moodle` CSV: a gradebook import, one row per trainee.
///
/// Columns: `idnumber` (the staff number, matched to Moodle's user ID number) then one
/// column per course, headed with its short name, holding the grade as a percentage with
/// one decimal: the mean over the course's required scenarios, a scenario with no finished
/// attempt counting 0; empty when the trainee has not started the course.
///
/// # Errors
/// [`ExportError`] when reading or writing fails.
pub fn moodle_csv(
    store: &Store,
    courses: &[Course],
    selection: &Selection<'_>,
    out: impl Write,
) -> Result<u64, ExportError> {
    let courses: Vec<&Course> = courses
        .iter()
        .filter(|c| selection.course.is_none_or(|s| s.id == c.id))
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["idnumber".to_owned()];
    header.extend(courses.iter().map(|c| c.short_name.clone()));
    w.write_record(&header)?;
    let mut grades: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, course) in courses.iter().enumerate() {
        for (staff, _, _, standing) in standings(store, course, selection)? {
            let row = grades
                .entry(staff)
                .or_insert_with(|| vec![String::new(); courses.len()]);
            row[n] = standing
                .grade
                .map(|g| format!("{:.1}", g * 100.0))
                .unwrap_or_default();
        }
    }
    let mut rows = 0;
    for (staff, cells) in grades {
        let mut record = vec![staff];
        record.extend(cells);
        w.write_record(&record)?;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}

/// One unit's row of the KPI report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiRow {
    /// The unit.
    pub unit: String,
    /// Trainees in the unit.
    pub staff: u64,
    /// Trainees who completed the course.
    pub staff_completed: u64,
    /// Finished attempts.
    pub attempts: u64,
    /// Finished attempts in which the trainee identified the person as a potential victim
    /// (identification recall at or over the scenario's minimum) and made the right referral.
    pub attempts_identified_and_referred: u64,
    /// Finished attempts in which the trainee opened an investigation.
    pub attempts_investigation_opened: u64,
    /// Finished attempts with a critical breach.
    pub attempts_with_critical_error: u64,
    /// The indicators most often present and missed: `indicator:times` joined with `;`, top
    /// five.
    pub most_missed_indicators: String,
}

/// The `kpi` CSV: per unit, what 2003 recommendation 8 asks chief constables to track.
///
/// Columns as [`KpiRow`]'s fields. `course` decides "completed"; without one, a trainee
/// counts as completed when they passed every required scenario of every course given.
///
/// # Errors
/// [`ExportError`] when reading or writing fails.
pub fn kpi_csv(
    store: &Store,
    courses: &[Course],
    selection: &Selection<'_>,
    out: impl Write,
) -> Result<Vec<KpiRow>, ExportError> {
    let courses: Vec<&Course> = courses
        .iter()
        .filter(|c| selection.course.is_none_or(|s| s.id == c.id))
        .collect();
    let mut units: BTreeMap<String, KpiRow> = BTreeMap::new();
    let mut missed: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut scenarios: BTreeMap<String, crate::scenario::Scenario> = BTreeMap::new();
    for trainee in store.trainees()? {
        if selection.unit.is_some_and(|u| u != trainee.unit) {
            continue;
        }
        let row = units.entry(trainee.unit.clone()).or_insert_with(|| KpiRow {
            unit: trainee.unit.clone(),
            staff: 0,
            staff_completed: 0,
            attempts: 0,
            attempts_identified_and_referred: 0,
            attempts_investigation_opened: 0,
            attempts_with_critical_error: 0,
            most_missed_indicators: String::new(),
        });
        row.staff += 1;
        let attempts: Vec<AttemptRecord> = store
            .attempts_of(&trainee.staff_number)?
            .into_iter()
            .filter(|a| selection.admits(a, &trainee.unit))
            .collect();
        if !courses.is_empty()
            && courses
                .iter()
                .all(|c| c.standing(&attempts).status == CourseStatus::Completed)
        {
            row.staff_completed += 1;
        }
        for a in attempts
            .iter()
            .filter(|a| a.status == AttemptStatus::Finished)
        {
            row.attempts += 1;
            let Some(score) = &a.score else { continue };
            if score
                .rulesets
                .iter()
                .any(|r| !r.critical_breaches.is_empty())
            {
                row.attempts_with_critical_error += 1;
            }
            if !scenarios.contains_key(&a.content_hash) {
                let pinned = store.pinned_scenario(&a.content_hash)?;
                scenarios.insert(a.content_hash.clone(), pinned.scenario);
            }
            let scenario = &scenarios[&a.content_hash];
            let milestones = milestones(scenario, store, a)?;
            if milestones.contains(&Milestone::RightReferral)
                && score.identification.recall + 1e-9 >= score.min_identification_recall
            {
                row.attempts_identified_and_referred += 1;
            }
            if milestones.contains(&Milestone::InvestigationOpened) {
                row.attempts_investigation_opened += 1;
            }
            let unit_missed = missed.entry(trainee.unit.clone()).or_default();
            for cue in &score.identification.missed_indicators {
                if let Some(c) = scenario.cue(cue) {
                    *unit_missed.entry(c.indicator.clone()).or_default() += 1;
                }
            }
        }
    }
    let mut w = csv::Writer::from_writer(out);
    let mut out_rows = Vec::new();
    for (unit, mut row) in units {
        if let Some(counts) = missed.get(&unit) {
            let mut ranked: Vec<(&String, &u64)> = counts.iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            row.most_missed_indicators = ranked
                .iter()
                .take(5)
                .map(|(i, n)| format!("{i}:{n}"))
                .collect::<Vec<_>>()
                .join(";");
        }
        w.serialize(&row)?;
        out_rows.push(row);
    }
    if out_rows.is_empty() {
        w.write_record([
            "unit",
            "staff",
            "staff_completed",
            "attempts",
            "attempts_identified_and_referred",
            "attempts_investigation_opened",
            "attempts_with_critical_error",
            "most_missed_indicators",
        ])?;
    }
    w.flush()?;
    Ok(out_rows)
}

/// Milestones reached in an attempt: those of every option chosen.
fn milestones(
    scenario: &crate::scenario::Scenario,
    store: &Store,
    attempt: &AttemptRecord,
) -> Result<BTreeSet<Milestone>, ExportError> {
    let mut out = BTreeSet::new();
    for input in store.inputs(attempt.id)? {
        for event in &input.events {
            if let Event::OptionChosen { step, option } = event
                && let Some(Step::Decision(d)) = scenario.step(step)
                && let Some(o) = d.options.iter().find(|o| &o.id == option)
            {
                out.extend(o.counts_as.iter().copied());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshaped_stored_times_match_parsing_and_formatting() {
        let base = time::macros::datetime!(2026-11-03 09:00:59 UTC);
        for ms in 0..1000 {
            let at = base + time::Duration::milliseconds(ms);
            let stored = crate::store::timestamp(at);
            assert_eq!(stored_to_rfc3339(&stored), rfc3339(at), "{stored}");
        }
        // Text in another shape (written by hand, say) still goes through the parser.
        assert_eq!(
            stored_to_rfc3339("2026-11-03T10:00:00.5+01:00"),
            "2026-11-03T10:00:00.5+01:00"
        );
        assert_eq!(stored_to_rfc3339("not a time"), "not a time");
        // Stored-length texts that are not stored times read as the parser reads them.
        for odd in [
            "2026-11-03 09:00:00.000Z",
            "2026-06-30T23:59:60.000Z",
            "2026-02-30T25:00:00.000Z",
            "2026-13-03T09:00:00.500Z",
        ] {
            let parsed =
                OffsetDateTime::parse(odd, &Rfc3339).map_or_else(|_| odd.to_owned(), rfc3339);
            assert_eq!(stored_to_rfc3339(odd), parsed, "{odd}");
        }
    }

    #[test]
    fn milliseconds_show_as_seconds_with_three_decimals() {
        for ms in (-5_000..5_000).chain([86_400_123, i64::MIN + 1, i64::MAX]) {
            let expected = if ms.unsigned_abs() < 1 << 50 {
                format!("{:.3}", ms as f64 / 1000.0)
            } else {
                continue;
            };
            assert_eq!(seconds_from_millis(ms), expected, "{ms}");
        }
        assert_eq!(seconds_from_millis(i64::MIN), "-9223372036854775.808");
    }
}
