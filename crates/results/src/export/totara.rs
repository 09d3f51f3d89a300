//! The `totara` CSV: Totara's course completion upload, one row per trainee who completed each course.

use std::io::Write;

use super::{ExportError, Selection, standings, totara_date};
use crate::course::{Course, CourseStatus};
use crate::store::Store;

/// The `totara` CSV: Totara's course completion upload, one row per trainee who completed
/// each course.
///
/// Columns `username, courseshortname, courseidnumber, completiondate, grade`: the staff
/// number is the username; the date is `YYYY-MM-DD`; the grade is the mean scaled score of
/// the counted attempts as a percentage with two decimals ([`Scaled::percent`]; choose
/// "Percentage" for the grade in Totara's upload settings).
///
/// [`Scaled::percent`]: silent_slavery_scenario::play::score::Scaled::percent
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
                    standing.grade.map(|g| g.percent()).unwrap_or_default(),
                ])?;
                rows += 1;
            }
        }
    }
    w.flush()?;
    Ok(rows)
}
