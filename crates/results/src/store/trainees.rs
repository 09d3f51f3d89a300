//! Trainees in the store: added, never renamed without being asked to, look-alikes found, merged when one person was recorded twice or marked distinct, and their PINs (hashes only) with the count of wrong tries.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{Store, StoreError, now, parse_time, timestamp};
use crate::attempt::{DisplayPreferences, Trainee};
use crate::identity::{PossibleDuplicate, possible_duplicates};

/// A trainee's stored PIN: its hash and the lockout count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PinRecord {
    /// Argon2id PHC string.
    pub hash: String,
    /// Wrong PINs in a row.
    pub failed_tries: u32,
    /// Locked until then, after too many.
    pub locked_until: Option<OffsetDateTime>,
}

impl Store {
    /// Adds a trainee; a staff number already recorded with the same name and unit is left
    /// as it is.
    ///
    /// # Errors
    /// [`StoreError::TraineeDiffers`] when the staff number is recorded with another name or
    /// unit (nothing is changed: [`Store::update_trainee`] changes it, when the person or an
    /// operator has said so); or when the write fails.
    pub fn add_trainee(&self, trainee: &Trainee) -> Result<(), StoreError> {
        let tx = self.write()?;
        let recorded = trainee_in(&tx, &trainee.staff_number)?;
        match recorded {
            Some(recorded) if recorded == *trainee => return Ok(()),
            Some(recorded) => {
                return Err(StoreError::TraineeDiffers {
                    recorded,
                    given: trainee.clone(),
                });
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO trainees (staff_number, name, unit, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                trainee.staff_number,
                trainee.name,
                trainee.unit,
                timestamp(now())
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Changes a known trainee's name and unit, as they or an operator asked.
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`], or when the write fails.
    pub fn update_trainee(&self, trainee: &Trainee) -> Result<(), StoreError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE trainees SET name = ?2, unit = ?3 WHERE staff_number = ?1",
            params![trainee.staff_number, trainee.name, trainee.unit],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownTrainee(trainee.staff_number.clone()));
        }
        tx.commit()?;
        Ok(())
    }

    /// A trainee by staff number.
    ///
    /// # Errors
    /// When the read fails.
    pub fn trainee(&self, staff_number: &str) -> Result<Option<Trainee>, StoreError> {
        trainee_in(&self.conn, staff_number)
    }

    /// Every trainee, by staff number.
    ///
    /// # Errors
    /// When the read fails.
    pub fn trainees(&self) -> Result<Vec<Trainee>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT staff_number, name, unit FROM trainees ORDER BY staff_number")?;
        let rows = stmt.query_map([], |r| {
            Ok(Trainee {
                staff_number: r.get(0)?,
                name: r.get(1)?,
                unit: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Moves every attempt of `from` to `into` and removes `from` (one person recorded under
    /// two staff numbers). `from`'s PIN goes with it; `into` keeps its own.
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`] for either, or when the write fails.
    pub fn merge_trainees(&self, from: &str, into: &str) -> Result<u64, StoreError> {
        let tx = self.write()?;
        for staff in [from, into] {
            if trainee_in(&tx, staff)?.is_none() {
                return Err(StoreError::UnknownTrainee(staff.to_owned()));
            }
        }
        let moved = tx.execute(
            "UPDATE attempts SET staff_number = ?2 WHERE staff_number = ?1",
            params![from, into],
        )?;
        tx.execute("DELETE FROM trainee_pins WHERE staff_number = ?1", [from])?;
        // `into` keeps the display settings it chose.
        tx.execute(
            "DELETE FROM trainee_display WHERE staff_number = ?1",
            [from],
        )?;
        tx.execute(
            "DELETE FROM distinct_trainees WHERE staff_number = ?1 OR other = ?1",
            [from],
        )?;
        tx.execute("DELETE FROM trainees WHERE staff_number = ?1", [from])?;
        tx.commit()?;
        Ok(moved as u64)
    }

    /// A trainee's display settings, if they have ever changed or been given any.
    ///
    /// # Errors
    /// When the read fails.
    pub fn display_preferences(
        &self,
        staff_number: &str,
    ) -> Result<Option<DisplayPreferences>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT text_scale, high_contrast FROM trainee_display WHERE staff_number = ?1",
                [staff_number],
                |row| {
                    Ok(DisplayPreferences {
                        // Stored as SQLite's REAL (f64); the app's scale is an f32.
                        text_scale: row.get::<_, f64>(0)? as f32,
                        high_contrast: row.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Keeps a trainee's display settings, replacing what was kept.
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`], or when the write fails (a scale of zero, below, or
    /// above 4 is refused by the table).
    pub fn set_display_preferences(
        &self,
        staff_number: &str,
        preferences: &DisplayPreferences,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        if trainee_in(&tx, staff_number)?.is_none() {
            return Err(StoreError::UnknownTrainee(staff_number.to_owned()));
        }
        tx.execute(
            "INSERT INTO trainee_display (staff_number, text_scale, high_contrast, updated_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (staff_number) DO UPDATE SET text_scale = ?2, high_contrast = ?3,
                 updated_at = ?4",
            params![
                staff_number,
                f64::from(preferences.text_scale),
                preferences.high_contrast,
                timestamp(now())
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Notes that two recorded trainees who look alike are different people, so
    /// [`Store::possible_duplicates`] no longer names them together.
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`] for either, [`StoreError::SameTrainee`] when both are
    /// one staff number, or when the write fails.
    pub fn mark_distinct(&self, one: &str, other: &str) -> Result<(), StoreError> {
        if one == other {
            return Err(StoreError::SameTrainee(one.to_owned()));
        }
        let tx = self.write()?;
        for staff in [one, other] {
            if trainee_in(&tx, staff)?.is_none() {
                return Err(StoreError::UnknownTrainee(staff.to_owned()));
            }
        }
        let (low, high) = if one < other {
            (one, other)
        } else {
            (other, one)
        };
        tx.execute(
            "INSERT OR IGNORE INTO distinct_trainees (staff_number, other, noted_at)
             VALUES (?1, ?2, ?3)",
            params![low, high, timestamp(now())],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Groups of trainees who may be one person recorded twice
    /// ([`crate::identity::possible_duplicates`]), leaving out groups whose every pair an
    /// operator has marked distinct ([`Store::mark_distinct`]).
    ///
    /// # Errors
    /// When the read fails.
    pub fn possible_duplicates(&self) -> Result<Vec<PossibleDuplicate>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT staff_number, other FROM distinct_trainees")?;
        let distinct: BTreeSet<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let marked = |a: &str, b: &str| {
            let pair = if a < b { (a, b) } else { (b, a) };
            distinct.contains(&(pair.0.to_owned(), pair.1.to_owned()))
        };
        Ok(possible_duplicates(&self.trainees()?)
            .into_iter()
            .filter(|group| {
                group.trainees.iter().enumerate().any(|(i, a)| {
                    group.trainees[i + 1..]
                        .iter()
                        .any(|b| !marked(&a.staff_number, &b.staff_number))
                })
            })
            .collect())
    }

    /// Sets a trainee's PIN (its hash) at `at`, clearing any lock.
    ///
    /// # Errors
    /// [`StoreError::UnknownTrainee`], or when the write fails.
    pub fn set_pin(
        &self,
        staff_number: &str,
        hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        if trainee_in(&tx, staff_number)?.is_none() {
            return Err(StoreError::UnknownTrainee(staff_number.to_owned()));
        }
        tx.execute(
            "INSERT INTO trainee_pins (staff_number, pin_hash, set_at, failed_tries, locked_until)
             VALUES (?1, ?2, ?3, 0, NULL)
             ON CONFLICT(staff_number) DO UPDATE SET pin_hash = excluded.pin_hash,
                 set_at = excluded.set_at, failed_tries = 0, locked_until = NULL",
            params![staff_number, hash, timestamp(at)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a trainee's PIN, so they set a new one at their next sign-in (a forgotten PIN,
    /// or a lock an operator lifts). Returns whether there was one.
    ///
    /// # Errors
    /// When the write fails.
    pub fn reset_pin(&self, staff_number: &str) -> Result<bool, StoreError> {
        let tx = self.write()?;
        let removed = tx.execute(
            "DELETE FROM trainee_pins WHERE staff_number = ?1",
            [staff_number],
        )?;
        tx.commit()?;
        Ok(removed > 0)
    }

    pub(crate) fn pin_record(&self, staff_number: &str) -> Result<Option<PinRecord>, StoreError> {
        let row: Option<(String, u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT pin_hash, failed_tries, locked_until FROM trainee_pins WHERE staff_number = ?1",
                [staff_number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(hash, failed_tries, locked_until)| {
            Ok(PinRecord {
                hash,
                failed_tries,
                locked_until: locked_until
                    .as_deref()
                    .map(|t| parse_time(&format!("the PIN lock of {staff_number}"), t))
                    .transpose()?,
            })
        })
        .transpose()
    }

    pub(crate) fn set_pin_failures(
        &self,
        staff_number: &str,
        failed_tries: u32,
        locked_until: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE trainee_pins SET failed_tries = ?2, locked_until = ?3 WHERE staff_number = ?1",
            params![staff_number, failed_tries, locked_until.map(timestamp)],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn trainee_in(
    conn: &rusqlite::Connection,
    staff_number: &str,
) -> Result<Option<Trainee>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT staff_number, name, unit FROM trainees WHERE staff_number = ?1",
            [staff_number],
            |r| {
                Ok(Trainee {
                    staff_number: r.get(0)?,
                    name: r.get(1)?,
                    unit: r.get(2)?,
                })
            },
        )
        .optional()?)
}
