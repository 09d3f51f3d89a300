//! The `attempts` CSV: one row per attempt, with its score under every ruleset.

use std::collections::BTreeSet;
use std::io::Write;

use silent_slavery_scenario::model::catalog::Catalog;

use super::{ExportError, Selection, rfc3339, selected_attempts};
use crate::attempt::AttemptStatus;
use crate::store::Store;

/// The `attempts` CSV: one row per attempt.
///
/// Columns: `attempt_id, staff_number, name, unit, scenario_id, scenario_version,
/// content_hash, seed, started_at, finished_at, duration_seconds, status, outcome, passed`,
/// then `<ruleset>_scaled, <ruleset>_raw, <ruleset>_max` for every ruleset of the catalogue,
/// then `critical_breaches` (rule ids joined with `;`) and `identified_by` (`os_account`,
/// `pin`, `open` or `command_line`; empty for attempts recorded before it was kept). Times
/// are RFC 3339 UTC; an
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
    header.push("identified_by".into());
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
                        r.scaled_score().fraction(),
                        r.raw.to_string(),
                        r.max.to_string(),
                    ]);
                    critical.extend(r.critical_breaches.iter().map(|b| b.rule.clone()));
                }
                None => record.extend([String::new(), String::new(), String::new()]),
            }
        }
        record.push(critical.into_iter().collect::<Vec<_>>().join(";"));
        record.push(
            a.identified_by
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        );
        w.write_record(&record)?;
        rows += 1;
        progress(rows);
    }
    w.flush()?;
    Ok(rows)
}
