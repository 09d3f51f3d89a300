//! What trainees chose when an unfinished attempt's scenario had changed since it started: finish the version started, or start again on the new one.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Store, StoreError, parse_time, timestamp};
use crate::attempt::{ChangedVersionChoice, ChangedVersionRecord};

impl Store {
    /// Records what the trainee chose for `attempt` at `at`, with the new attempt when they
    /// started again. The first choice stands: returns `false` (and changes nothing) when one
    /// was recorded already.
    ///
    /// # Errors
    /// [`StoreError::UnknownAttempt`], or when the write fails.
    pub fn record_changed_version_choice(
        &self,
        attempt: Uuid,
        choice: ChangedVersionChoice,
        restarted_as: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let tx = self.write()?;
        let known: Option<Option<String>> = tx
            .query_row(
                "SELECT changed_version_choice FROM attempts WHERE id = ?1",
                [attempt.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match known {
            None => return Err(StoreError::UnknownAttempt(attempt)),
            Some(Some(_)) => return Ok(false),
            Some(None) => {}
        }
        tx.execute(
            "UPDATE attempts SET changed_version_choice = ?2, changed_version_choice_at = ?3,
                 restarted_as = ?4
             WHERE id = ?1",
            params![
                attempt.to_string(),
                choice.as_str(),
                timestamp(at),
                restarted_as.map(|u| u.to_string())
            ],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// What was chosen for `attempt`, if its scenario changed while it was unfinished.
    ///
    /// # Errors
    /// [`StoreError::UnknownAttempt`], [`StoreError::Damaged`] for a value this program did
    /// not write, or when the read fails.
    pub fn changed_version_choice(
        &self,
        attempt: Uuid,
    ) -> Result<Option<ChangedVersionRecord>, StoreError> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT changed_version_choice, changed_version_choice_at, restarted_as
                 FROM attempts WHERE id = ?1",
                [attempt.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((choice, at, restarted_as)) = row else {
            return Err(StoreError::UnknownAttempt(attempt));
        };
        let (Some(choice), Some(at)) = (choice, at) else {
            return Ok(None);
        };
        let what = format!("attempt {attempt}");
        let damaged = |detail: String| StoreError::Damaged {
            what: what.clone(),
            detail,
        };
        Ok(Some(ChangedVersionRecord {
            choice: ChangedVersionChoice::parse(&choice)
                .ok_or_else(|| damaged(format!("unknown changed-version choice {choice:?}")))?,
            at: parse_time(&what, &at)?,
            restarted_as: restarted_as
                .map(|u| {
                    Uuid::parse_str(&u)
                        .map_err(|_| damaged(format!("restarted_as {u:?} is not a UUID")))
                })
                .transpose()?,
        }))
    }

    /// Attempts of `staff_number` left for a new version of their scenario.
    pub(super) fn replaced_attempts(
        &self,
        staff_number: &str,
    ) -> Result<std::collections::BTreeSet<Uuid>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM attempts WHERE staff_number = ?1 AND changed_version_choice = 'start_new'",
        )?;
        let ids = stmt
            .query_map([staff_number], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect())
    }
}
