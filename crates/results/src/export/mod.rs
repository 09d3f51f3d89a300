//! Exports for training leads, one module per format: attempts, decisions, Totara and Moodle CSVs, and the KPI report per unit (docs/exports.md). What every export shares is here: which attempts it covers, and why it failed.

mod attempts;
mod decisions;
mod kpi;
mod moodle;
mod totara;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use attempts::attempts_csv;
pub use decisions::decisions_csv;
pub use kpi::{KpiRow, kpi_csv};
pub use moodle::moodle_csv;
pub use totara::totara_csv;

use crate::attempt::AttemptRecord;
use crate::course::Course;
use crate::store::{Store, StoreError};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
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

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
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
pub(crate) fn selected_attempts(
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

/// Each trainee's standing in `course`: (staff number, name, unit, standing).
pub(crate) fn standings(
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
