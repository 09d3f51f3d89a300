//! The `moodle` CSV: a gradebook import, one row per trainee and one column per course.

use std::collections::BTreeMap;
use std::io::Write;

use super::{ExportError, Selection, standings};
use crate::course::Course;
use crate::store::Store;

/// The `moodle` CSV: a gradebook import, one row per trainee.
///
/// Columns: `idnumber` (the staff number, matched to Moodle's user ID number) then one
/// column per course, headed with its short name, holding the grade as a percentage with
/// two decimals: the mean over the course's required scenarios, a scenario with no finished
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
            row[n] = standing.grade.map(|g| g.percent()).unwrap_or_default();
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
