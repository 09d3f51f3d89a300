//! The `decisions` CSV: one row per choice, copied from the columns each input was recorded with, streamed row by row.

use std::io::Write;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{ExportError, Selection, rfc3339};
use crate::store::Store;

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
    let mut written = 0u64;
    store.for_each_decision(selection.since, selection.unit, |row| {
        if let Some(course) = selection.course
            && !course.scenarios.iter().any(|s| s == row.scenario_id)
        {
            return Ok(());
        }
        let decided_at = stored_to_rfc3339(row.at);
        let taken = row
            .ms_since_previous
            .map(seconds_from_millis)
            .unwrap_or_default();
        w.write_record([
            row.attempt_id,
            row.staff_number,
            row.scenario_id,
            &row.scenario_version.to_string(),
            &row.seq.to_string(),
            row.step,
            row.option,
            row.upheld,
            row.breached,
            row.points,
            &decided_at,
            &taken,
        ])?;
        written += 1;
        if written.is_multiple_of(1024) {
            progress(written);
        }
        Ok::<(), ExportError>(())
    })?;
    progress(written);
    w.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::super::rfc3339;
    use super::*;
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

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
