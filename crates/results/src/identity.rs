//! Who a trainee is: the workstation's identity mode, staff numbers checked and compared, PINs hashed and checked with a lockout, and trainees who may be one person twice.
//!
//! A completion record is evidence about a person, so how they were identified is chosen per
//! deployment in the workstation configuration (docs/operations.md, "Identity") and stamped
//! on every attempt ([`IdentifiedBy`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::attempt::{IdentifiedBy, Trainee};
use crate::store::{Store, StoreError};

/// Environment variable naming the workstation configuration file.
pub const WORKSTATION_ENV: &str = "SILENT_SLAVERY_WORKSTATION";

/// A workstation's configuration, from `workstation.ron` (docs/operations.md, "Identity").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workstation {
    /// How trainees are identified.
    #[serde(default)]
    pub identity: IdentityMode,
}

/// How the app identifies the trainee at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityMode {
    /// The operating-system account signed in to the workstation is the trainee.
    OsAccount {
        /// Account name to staff number, for accounts whose name is not the staff number.
        #[serde(default)]
        accounts: BTreeMap<String, String>,
        /// What an account missing from `accounts` means.
        #[serde(default)]
        unmapped: UnmappedAccount,
    },
    /// A staff number and a PIN the trainee sets at their first sign-in.
    StaffNumberAndPin(#[serde(default)] PinPolicy),
    /// A staff number typed with nothing to check it: for classroom demonstrations only;
    /// every attempt is marked `open`.
    Open,
}

impl Default for IdentityMode {
    /// A staff number and PIN: meaningful with no configuration at all.
    fn default() -> IdentityMode {
        IdentityMode::StaffNumberAndPin(PinPolicy::default())
    }
}

impl IdentityMode {
    /// What attempts started under this mode are stamped with.
    pub fn identified_by(&self) -> IdentifiedBy {
        match self {
            IdentityMode::OsAccount { .. } => IdentifiedBy::OsAccount,
            IdentityMode::StaffNumberAndPin(_) => IdentifiedBy::Pin,
            IdentityMode::Open => IdentifiedBy::Open,
        }
    }
}

/// An operating-system account that is not in the mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UnmappedAccount {
    /// Its name is the staff number.
    #[default]
    AccountName,
    /// It may not sign in.
    Refuse,
}

/// PIN rules and the lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PinPolicy {
    /// Fewest digits a PIN may have.
    pub min_digits: u8,
    /// Wrong PINs in a row before the staff number is locked.
    pub max_failed_tries: u32,
    /// How long a lock lasts, in minutes.
    pub lockout_minutes: u32,
}

impl Default for PinPolicy {
    fn default() -> PinPolicy {
        PinPolicy {
            min_digits: 4,
            max_failed_tries: 5,
            lockout_minutes: 15,
        }
    }
}

/// Why a workstation configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WorkstationError {
    /// The file cannot be read.
    #[error("reading the workstation configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error(
        "the workstation configuration {path}:{line}:{column}: {message} (docs/operations.md, \"Identity\")"
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A staff number in the account mapping is not a usable identifier.
    #[error(
        "the workstation configuration {path}: account {account:?} maps to {staff_number:?}, which {problem}"
    )]
    BadMapping {
        /// The file.
        path: PathBuf,
        /// The account.
        account: String,
        /// The staff number written.
        staff_number: String,
        /// What is wrong with it.
        problem: IdentifierProblem,
    },
}

impl Workstation {
    /// The configuration in force: the file `$SILENT_SLAVERY_WORKSTATION` names, else
    /// `workstation.ron` in the platform's configuration folder for this program, else the
    /// defaults. Returns where it came from (`None`: defaults).
    ///
    /// # Errors
    /// [`WorkstationError`] when a file exists but cannot be read or is invalid: a
    /// workstation never falls back to a weaker identity mode because its file is broken.
    pub fn load() -> Result<(Workstation, Option<PathBuf>), WorkstationError> {
        let named = std::env::var_os(WORKSTATION_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        let default =
            directories::ProjectDirs::from("uk.org", "Silent Slavery", "silent-slavery-trainer")
                .map(|dirs| dirs.config_dir().join("workstation.ron"));
        match named.or(default.filter(|p| p.exists())) {
            Some(path) => Ok((Workstation::from_file(&path)?, Some(path))),
            None => Ok((Workstation::default(), None)),
        }
    }

    /// Reads a configuration file.
    ///
    /// # Errors
    /// [`WorkstationError`] when it cannot be read, is not valid RON for this structure, or
    /// maps an account to an unusable staff number.
    pub fn from_file(path: &Path) -> Result<Workstation, WorkstationError> {
        let text = std::fs::read_to_string(path).map_err(|source| WorkstationError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let workstation: Workstation = silent_slavery_scenario::model::ron::ron_options()
            .from_str(body)
            .map_err(|e| WorkstationError::Invalid {
                path: path.to_path_buf(),
                line: e.span.start.line.max(1),
                column: e.span.start.col.max(1),
                message: e.code.to_string(),
            })?;
        if let IdentityMode::OsAccount { accounts, .. } = &workstation.identity {
            for (account, staff_number) in accounts {
                if let Err(problem) = check_identifier(staff_number) {
                    return Err(WorkstationError::BadMapping {
                        path: path.to_path_buf(),
                        account: account.clone(),
                        staff_number: staff_number.clone(),
                        problem,
                    });
                }
            }
        }
        Ok(workstation)
    }
}

/// What is wrong with a staff number (or a name) as an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierProblem {
    /// Nothing, or only spaces.
    #[error("is empty")]
    Empty,
    /// Spaces at either end (a learning system would see another identifier).
    #[error("has spaces at its start or end")]
    Padded,
    /// A line break, tab or other control character.
    #[error("holds a line break, tab or other control character")]
    ControlCharacter,
    /// Longer than anyone's staff number.
    #[error("is longer than 64 characters")]
    TooLong,
    /// Starts with `=`, `+`, `-` or `@`: a spreadsheet opening an export would take the cell
    /// for a formula and run it (OWASP, "CSV Injection"). No name, unit or staff number
    /// needs to.
    #[error("starts with =, +, - or @, which a spreadsheet would run as a formula")]
    FormulaStart,
}

/// Whether a spreadsheet would read `text`, alone in a cell, as a formula.
pub fn starts_like_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@'])
}

/// Checks a staff number (or a name, or a unit) as typed: refused when empty or only spaces,
/// with spaces around it, with control characters, over 64 characters, or starting like a
/// spreadsheet formula ([`IdentifierProblem::FormulaStart`]).
///
/// # Errors
/// The [`IdentifierProblem`].
pub fn check_identifier(text: &str) -> Result<(), IdentifierProblem> {
    if text.trim().is_empty() {
        Err(IdentifierProblem::Empty)
    } else if text.trim() != text {
        Err(IdentifierProblem::Padded)
    } else if text.chars().any(char::is_control) {
        Err(IdentifierProblem::ControlCharacter)
    } else if text.chars().count() > 64 {
        Err(IdentifierProblem::TooLong)
    } else if starts_like_a_formula(text) {
        Err(IdentifierProblem::FormulaStart)
    } else {
        Ok(())
    }
}

/// A staff number as learning systems tend to compare it: lower case, without spaces or
/// punctuation, and without leading zeros on its digits (`PC-01042`, `pc 1042` and
/// `PC1042` are all `pc1042`; Totara's and Excel's handling of `00417` makes it `417`).
pub fn normalised_staff_number(staff_number: &str) -> String {
    let compact: String = staff_number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let mut out = String::with_capacity(compact.len());
    let mut in_number = false;
    let mut pending_zeros = 0;
    for c in compact.chars() {
        if c.is_ascii_digit() {
            if c == '0' && !in_number {
                pending_zeros += 1;
                continue;
            }
            in_number = true;
            pending_zeros = 0;
            out.push(c);
        } else {
            if pending_zeros > 0 {
                out.push('0');
            }
            pending_zeros = 0;
            in_number = false;
            out.push(c);
        }
    }
    if pending_zeros > 0 {
        out.push('0');
    }
    out
}

/// A name as people compare it: case and spacing ignored.
fn normalised_name(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why some trainees may be one person recorded twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// Their staff numbers are the same once spaces, punctuation, case and leading zeros are
    /// ignored.
    SameStaffNumber,
    /// Different staff numbers, the same name.
    SameName,
}

/// Trainees who may be the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PossibleDuplicate {
    /// Why.
    pub reason: DuplicateReason,
    /// The trainees, by staff number.
    pub trainees: Vec<Trainee>,
}

impl std::fmt::Display for PossibleDuplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who: Vec<String> = self
            .trainees
            .iter()
            .map(|t| format!("{} ({}, {})", t.staff_number, t.name, t.unit))
            .collect();
        let why = match self.reason {
            DuplicateReason::SameStaffNumber => "the same staff number written differently",
            DuplicateReason::SameName => "the same name under different staff numbers",
        };
        write!(f, "{}: {why}", who.join(" and "))
    }
}

/// Groups of trainees who may be one person: the same staff number once normalised
/// ([`normalised_staff_number`]), or the same name under different numbers.
pub fn possible_duplicates(trainees: &[Trainee]) -> Vec<PossibleDuplicate> {
    let mut by_number: BTreeMap<String, Vec<&Trainee>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, Vec<&Trainee>> = BTreeMap::new();
    for t in trainees {
        by_number
            .entry(normalised_staff_number(&t.staff_number))
            .or_default()
            .push(t);
        by_name.entry(normalised_name(&t.name)).or_default().push(t);
    }
    let mut found = Vec::new();
    for (reason, groups) in [
        (DuplicateReason::SameStaffNumber, by_number),
        (DuplicateReason::SameName, by_name),
    ] {
        found.extend(
            groups
                .into_values()
                .filter(|g| g.len() > 1)
                .map(|g| PossibleDuplicate {
                    reason,
                    trainees: g.into_iter().cloned().collect(),
                }),
        );
    }
    found
}

/// What is wrong with a PIN a trainee chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinProblem {
    /// Characters other than digits.
    #[error("use digits only")]
    NotDigits,
    /// Too short.
    #[error("use at least {0} digits")]
    TooShort(u8),
    /// Longer than 12 digits.
    #[error("use at most 12 digits")]
    TooLong,
    /// One digit repeated, or a straight run up or down (`1111`, `1234`, `9876`).
    #[error("choose digits that are not all the same or in a row, like 1111 or 1234")]
    TooEasy,
    /// The two entries differ.
    #[error("the two PINs you typed are different")]
    Mismatch,
}

/// Checks a new PIN and its repetition against the policy.
///
/// # Errors
/// The [`PinProblem`].
pub fn check_new_pin(pin: &str, again: &str, policy: &PinPolicy) -> Result<(), PinProblem> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    if pin.len() < usize::from(policy.min_digits) {
        return Err(PinProblem::TooShort(policy.min_digits));
    }
    if pin.len() > 12 {
        return Err(PinProblem::TooLong);
    }
    let digits: Vec<i16> = pin.bytes().map(|b| i16::from(b - b'0')).collect();
    let steps: Vec<i16> = digits.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.iter().all(|s| *s == 0)
        || steps.iter().all(|s| *s == 1)
        || steps.iter().all(|s| *s == -1)
    {
        return Err(PinProblem::TooEasy);
    }
    if pin != again {
        return Err(PinProblem::Mismatch);
    }
    Ok(())
}

/// A PIN as stored: an Argon2id hash in PHC string form with its own random salt.
///
/// # Errors
/// [`StoreError::Damaged`] only if the hasher itself fails.
pub fn hash_pin(pin: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Damaged {
            what: "a new PIN".into(),
            detail: e.to_string(),
        })
}

/// Whether `pin` matches a stored hash (false for a hash that does not parse).
fn pin_matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok()
    })
}

/// Where a staff number stands for PIN sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinState {
    /// No trainee has this staff number: a new trainee gives name, unit and a new PIN.
    NewTrainee,
    /// A known trainee with no PIN yet (recorded before PINs, from the command line, or
    /// after an operator reset it): they set one now.
    NoPinYet(Trainee),
    /// A known trainee with a PIN.
    HasPin(Trainee),
}

/// Why a PIN sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum PinRefusal {
    /// The PIN is wrong; `tries_left` before the lock.
    #[error("that PIN is not right; {tries_left} more tr{} before this staff number is locked for a while", if *tries_left == 1 { "y" } else { "ies" })]
    Wrong {
        /// Wrong PINs still allowed.
        tries_left: u32,
    },
    /// Too many wrong PINs: locked until then.
    #[error(
        "too many wrong PINs: this staff number is locked until {until} UTC; ask your trainer if you have forgotten your PIN"
    )]
    Locked {
        /// When the lock ends, `HH:MM`.
        until: String,
    },
    /// No PIN is set for this staff number.
    #[error("no PIN is set for this staff number yet")]
    NoPin,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PinState {
    /// Whether a PIN is set.
    pub fn has_pin(&self) -> bool {
        matches!(self, PinState::HasPin(_))
    }
}

impl Store {
    /// Where `staff_number` stands for PIN sign-in.
    ///
    /// # Errors
    /// When the read fails.
    pub fn pin_state(&self, staff_number: &str) -> Result<PinState, StoreError> {
        let Some(trainee) = self.trainee(staff_number)? else {
            return Ok(PinState::NewTrainee);
        };
        Ok(match self.pin_record(staff_number)? {
            Some(_) => PinState::HasPin(trainee),
            None => PinState::NoPinYet(trainee),
        })
    }

    /// Checks a PIN at `now`, counting a wrong one towards the lock and clearing the count
    /// on success.
    ///
    /// # Errors
    /// [`PinRefusal`]: wrong (with tries left), locked (until when), no PIN, or the store.
    pub fn check_pin(
        &self,
        staff_number: &str,
        pin: &str,
        policy: &PinPolicy,
        now: OffsetDateTime,
    ) -> Result<(), PinRefusal> {
        let record = self.pin_record(staff_number)?.ok_or(PinRefusal::NoPin)?;
        if let Some(until) = record.locked_until.filter(|u| *u > now) {
            return Err(PinRefusal::Locked {
                until: clock(until),
            });
        }
        if pin_matches(pin, &record.hash) {
            self.set_pin_failures(staff_number, 0, None)?;
            return Ok(());
        }
        // A lock that has run out starts the count again.
        let failed = if record.locked_until.is_some() {
            1
        } else {
            record.failed_tries + 1
        };
        if failed >= policy.max_failed_tries {
            let until = now + Duration::minutes(i64::from(policy.lockout_minutes));
            self.set_pin_failures(staff_number, failed, Some(until))?;
            return Err(PinRefusal::Locked {
                until: clock(until),
            });
        }
        self.set_pin_failures(staff_number, failed, None)?;
        Err(PinRefusal::Wrong {
            tries_left: policy.max_failed_tries - failed,
        })
    }
}

/// `HH:MM` of a UTC time.
fn clock(at: OffsetDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// How a trainee signing in compares with the trainee on record under the same number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KnownTrainee {
    /// No trainee has this number yet.
    New,
    /// On record with the same name and unit.
    Same,
    /// On record with another name or unit: never changed without asking.
    Differs {
        /// As recorded.
        recorded: Trainee,
    },
}

/// Compares what was typed with the trainee on record.
///
/// # Errors
/// When the read fails.
pub fn compare_with_record(store: &Store, typed: &Trainee) -> Result<KnownTrainee, StoreError> {
    Ok(match store.trainee(&typed.staff_number)? {
        None => KnownTrainee::New,
        Some(recorded) if recorded == *typed => KnownTrainee::Same,
        Some(recorded) => KnownTrainee::Differs { recorded },
    })
}

/// The staff number an operating-system account signs in as, under `mode`'s mapping.
///
/// # Errors
/// The account's name when the mapping refuses unmapped accounts, or an
/// [`IdentifierProblem`] when the account name cannot be a staff number.
pub fn staff_number_for_account(
    account: &str,
    accounts: &BTreeMap<String, String>,
    unmapped: UnmappedAccount,
) -> Result<String, AccountRefusal> {
    match (accounts.get(account), unmapped) {
        (Some(staff), _) => Ok(staff.clone()),
        (None, UnmappedAccount::Refuse) => Err(AccountRefusal::NotMapped(account.to_owned())),
        (None, UnmappedAccount::AccountName) => {
            check_identifier(account).map_err(AccountRefusal::BadName)?;
            Ok(account.to_owned())
        }
    }
}

/// Why an operating-system account cannot sign in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRefusal {
    /// This workstation lists the accounts that may sign in, and this one is not listed.
    #[error(
        "the account {0:?} is not set up for training on this workstation; ask your trainer or IT desk"
    )]
    NotMapped(String),
    /// The account name cannot serve as a staff number.
    #[error(
        "this computer's account name {0}, so it cannot be used as a staff number; ask your IT desk to map it"
    )]
    BadName(IdentifierProblem),
}
