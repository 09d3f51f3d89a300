//! The `kpi` CSV: per unit, what 2003 recommendation 8 asks chief constables to track: staff trained, investigations opened, victims identified and referred.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde::Serialize;
use silent_slavery_scenario::model::scenario::{Milestone, Step};
use silent_slavery_scenario::play::runner::Event;

use super::{ExportError, Selection};
use crate::attempt::{AttemptRecord, AttemptStatus};
use crate::course::{Course, CourseStatus};
use crate::store::Store;

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
    let mut scenarios: BTreeMap<String, silent_slavery_scenario::model::scenario::Scenario> =
        BTreeMap::new();
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
    scenario: &silent_slavery_scenario::model::scenario::Scenario,
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
