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

/// One decision as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRow {
    /// The attempt.
    pub attempt_id: String,
    /// The trainee.
    pub staff_number: String,
    /// The scenario.
    pub scenario_id: String,
    /// Its version.
    pub scenario_version: u32,
    /// Input number in the attempt.
    pub seq: u32,
    /// The decision step.
    pub step: String,
    /// The option chosen.
    pub option: String,
    /// Rules upheld, `rule:points` joined with `;`.
    pub upheld: String,
    /// Rules breached, `rule:points` joined with `;` (critical ones marked `!`).
    pub breached: String,
    /// Net points of this choice under each ruleset, `ruleset:points` joined with `;`.
    pub points: String,
    /// When it was chosen, RFC 3339 UTC.
    pub decided_at: String,
    /// Seconds from the previous input (or the attempt's start) to this choice.
    pub time_taken_seconds: String,
}

/// The `decisions` CSV: one row per decision made.
///
/// Columns as [`DecisionRow`]'s fields, in order.
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
    // The window gives each input the time of the input before it (or the attempt's start),
    // so time taken needs no second pass.
    let mut stmt = conn.prepare(
        "SELECT i.attempt_id, a.staff_number, a.scenario_id, a.scenario_version, i.seq, i.step,
                i.input_json, i.events_json, i.at,
                COALESCE(LAG(i.at) OVER (PARTITION BY i.attempt_id ORDER BY i.seq), a.started_at),
                t.unit, a.started_at, i.kind
         FROM attempt_inputs i
         JOIN attempts a ON a.id = i.attempt_id
         JOIN trainees t ON t.staff_number = a.staff_number
         WHERE (?1 IS NULL OR a.started_at >= ?1) AND (?2 IS NULL OR t.unit = ?2)
         ORDER BY a.started_at, i.attempt_id, i.seq",
    )?;
    let since = selection.since.map(crate::store::timestamp);
    let mut rows = stmt.query(params![since, selection.unit])?;
    let mut written = 0u64;
    let mut header_done = false;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(12)?;
        if kind != "choice" {
            continue;
        }
        let scenario_id: String = row.get(2)?;
        if let Some(course) = selection.course
            && !course.scenarios.contains(&scenario_id)
        {
            continue;
        }
        let input_json: String = row.get(6)?;
        let events: Vec<Event> =
            serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default();
        let option = serde_json::from_str::<crate::runner::Input>(&input_json)
            .ok()
            .and_then(|i| match i {
                crate::runner::Input::Choose(o) => Some(o),
                _ => None,
            })
            .unwrap_or_default();
        let (mut upheld, mut breached) = (Vec::new(), Vec::new());
        let mut points: BTreeMap<String, i64> = BTreeMap::new();
        for e in &events {
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
                        *points.entry(ruleset.clone()).or_default() += p;
                    }
                    EffectKind::Breached => {
                        breached.push(format!("{rule}:{p}{}", if *critical { "!" } else { "" }));
                        *points.entry(ruleset.clone()).or_default() -= p;
                    }
                }
            }
        }
        let at: String = row.get(8)?;
        let before: String = row.get(9)?;
        let (at_time, before_time) = (
            OffsetDateTime::parse(&at, &Rfc3339),
            OffsetDateTime::parse(&before, &Rfc3339),
        );
        let taken = match (&at_time, &before_time) {
            (Ok(a), Ok(b)) => format!("{:.3}", (*a - *b).as_seconds_f64()),
            _ => String::new(),
        };
        let at = at_time.map(rfc3339).unwrap_or(at);
        let record = DecisionRow {
            attempt_id: row.get(0)?,
            staff_number: row.get(1)?,
            scenario_id,
            scenario_version: row.get(3)?,
            seq: row.get(4)?,
            step: row.get(5)?,
            option,
            upheld: upheld.join(";"),
            breached: breached.join(";"),
            points: points
                .iter()
                .map(|(r, p)| format!("{r}:{p}"))
                .collect::<Vec<_>>()
                .join(";"),
            decided_at: at,
            time_taken_seconds: taken,
        };
        header_done = true;
        w.serialize(&record)?;
        written += 1;
        if written % 1024 == 0 {
            progress(written);
        }
    }
    if !header_done {
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
