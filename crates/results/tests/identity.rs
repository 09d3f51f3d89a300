//! Who a trainee is, in the store: identifiers checked, records never renamed silently, PINs hashed and locked after wrong tries, look-alike trainees found, merged or marked distinct, and the workstation configuration read.

use std::collections::BTreeMap;
use std::sync::Arc;

use silent_slavery_results::attempt::{DisplayPreferences, IdentifiedBy, Trainee};
use silent_slavery_results::identity::{
    AccountRefusal, DuplicateReason, IdentifierProblem, IdentityMode, PinPolicy, PinProblem,
    PinRefusal, PinState, UnmappedAccount, Workstation, WorkstationError, check_identifier,
    check_new_pin, hash_pin, normalised_staff_number, staff_number_for_account,
};
use silent_slavery_results::record::AttemptLog;
use silent_slavery_results::store::{Store, StoreError};
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::score::PassRule;
use time::{Duration, OffsetDateTime};

const FIXTURE: &str = include_str!("../../scenario/tests/fixtures/front_counter.ron");

fn trainee(staff_number: &str, name: &str, unit: &str) -> Trainee {
    Trainee {
        staff_number: staff_number.into(),
        name: name.into(),
        unit: unit.into(),
    }
}

#[test]
fn empty_padded_and_broken_identifiers_are_refused() {
    assert_eq!(check_identifier(""), Err(IdentifierProblem::Empty));
    assert_eq!(check_identifier("   "), Err(IdentifierProblem::Empty));
    assert_eq!(check_identifier(" PC-1042"), Err(IdentifierProblem::Padded));
    assert_eq!(
        check_identifier("PC\t1042"),
        Err(IdentifierProblem::ControlCharacter)
    );
    assert_eq!(
        check_identifier(&"9".repeat(65)),
        Err(IdentifierProblem::TooLong)
    );
    assert_eq!(check_identifier("PC-1042"), Ok(()));
    for formula in ["=HYPERLINK(\"http://x\")", "+44", "-1", "@SUM(A1)"] {
        assert_eq!(
            check_identifier(formula),
            Err(IdentifierProblem::FormulaStart),
            "{formula}"
        );
    }
    assert_eq!(check_identifier("A. Example-Smith"), Ok(()));
    assert_eq!(normalised_staff_number("PC-01042"), "pc1042");
    assert_eq!(normalised_staff_number("pc 1042"), "pc1042");
    assert_eq!(normalised_staff_number("00417"), "417");
    assert_eq!(normalised_staff_number("1000"), "1000");
}

#[test]
fn a_known_staff_number_with_another_name_is_refused_and_the_record_kept() {
    let store = Store::open_in_memory().expect("store");
    let first = trainee("PC-1042", "A. Example", "North Response");
    store.add_trainee(&first).expect("added");
    store
        .add_trainee(&first)
        .expect("the same again is no change");
    let second = trainee("PC-1042", "C. Other", "North Response");
    let refused = store.add_trainee(&second).expect_err("another name");
    assert!(
        matches!(refused, StoreError::TraineeDiffers { .. }),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        "staff number PC-1042 is recorded as A. Example (North Response), not C. Other (North Response); nothing was changed"
    );
    assert_eq!(store.trainee("PC-1042").expect("read"), Some(first));
    store.update_trainee(&second).expect("asked for");
    assert_eq!(store.trainee("PC-1042").expect("read"), Some(second));
}

#[test]
fn new_pins_must_be_digits_long_enough_not_obvious_and_typed_twice_alike() {
    let policy = PinPolicy::default();
    assert_eq!(
        check_new_pin("48a9", "48a9", &policy),
        Err(PinProblem::NotDigits)
    );
    assert_eq!(
        check_new_pin("482", "482", &policy),
        Err(PinProblem::TooShort(4))
    );
    assert_eq!(
        check_new_pin("7777", "7777", &policy),
        Err(PinProblem::TooEasy)
    );
    assert_eq!(
        check_new_pin("9876", "9876", &policy),
        Err(PinProblem::TooEasy)
    );
    assert_eq!(
        check_new_pin("4829", "4892", &policy),
        Err(PinProblem::Mismatch)
    );
    assert_eq!(
        check_new_pin(&"4".repeat(13), &"4".repeat(13), &policy),
        Err(PinProblem::TooLong)
    );
    assert_eq!(check_new_pin("4829", "4829", &policy), Ok(()));
}

#[test]
fn wrong_pins_lock_the_number_until_the_lock_runs_out() {
    let store = Store::open_in_memory().expect("store");
    store
        .add_trainee(&trainee("7730", "B. Example", "Port Team"))
        .expect("added");
    assert!(matches!(store.pin_state("7730"), Ok(PinState::NoPinYet(_))));
    assert!(matches!(store.pin_state("9999"), Ok(PinState::NewTrainee)));
    let policy = PinPolicy {
        min_digits: 4,
        max_failed_tries: 3,
        lockout_minutes: 15,
    };
    let start = OffsetDateTime::now_utc();
    let hash = hash_pin("4829").expect("hash");
    assert!(hash.starts_with("$argon2id$"));
    assert_ne!(
        hash,
        hash_pin("4829").expect("hash"),
        "each hash has its own salt"
    );
    store.set_pin("7730", &hash, start).expect("set");
    assert!(matches!(store.pin_state("7730"), Ok(PinState::HasPin(_))));

    assert!(matches!(
        store.check_pin("7730", "0000", &policy, start),
        Err(PinRefusal::Wrong { tries_left: 2 })
    ));
    // A right PIN clears the count.
    store
        .check_pin("7730", "4829", &policy, start)
        .expect("right");
    for left in [2, 1] {
        assert!(matches!(
            store.check_pin("7730", "0000", &policy, start),
            Err(PinRefusal::Wrong { tries_left }) if tries_left == left
        ));
    }
    assert!(matches!(
        store.check_pin("7730", "0000", &policy, start),
        Err(PinRefusal::Locked { .. })
    ));
    assert!(matches!(
        store.check_pin("7730", "4829", &policy, start + Duration::minutes(14)),
        Err(PinRefusal::Locked { .. })
    ));
    store
        .check_pin("7730", "4829", &policy, start + Duration::minutes(16))
        .expect("the lock has run out");

    assert!(store.reset_pin("7730").expect("reset"));
    assert!(matches!(store.pin_state("7730"), Ok(PinState::NoPinYet(_))));
    assert!(matches!(
        store.check_pin("7730", "4829", &policy, start),
        Err(PinRefusal::NoPin)
    ));
}

#[test]
fn look_alike_trainees_are_named_until_merged_or_marked_distinct() {
    let store = Store::open_in_memory().expect("store");
    for t in [
        trainee("4521", "A. Example", "North Response"),
        trainee("04521", "A. Example", "North Response"),
        trainee("6001", "J. Smith", "Port Team"),
        trainee("6002", "j.  smith", "Roads Policing"),
        trainee("7000", "Someone Else", "Port Team"),
    ] {
        store.add_trainee(&t).expect("added");
    }
    let found = store.possible_duplicates().expect("read");
    let described: Vec<(DuplicateReason, Vec<&str>)> = found
        .iter()
        .map(|d| {
            (
                d.reason,
                d.trainees.iter().map(|t| t.staff_number.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        described,
        vec![
            (DuplicateReason::SameStaffNumber, vec!["04521", "4521"]),
            (DuplicateReason::SameName, vec!["04521", "4521"]),
            (DuplicateReason::SameName, vec!["6001", "6002"]),
        ]
    );
    assert_eq!(
        found[2].to_string(),
        "6001 (J. Smith, Port Team) and 6002 (j.  smith, Roads Policing): the same name under different staff numbers"
    );

    // Two officers who share a name: marked once, no longer named.
    store.mark_distinct("6002", "6001").expect("marked");
    assert!(matches!(
        store.mark_distinct("6001", "6001"),
        Err(StoreError::SameTrainee(_))
    ));
    assert!(matches!(
        store.mark_distinct("6001", "nobody"),
        Err(StoreError::UnknownTrainee(_))
    ));

    // One officer recorded twice: the attempts move, the extra record goes.
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let scenario = load_bytes("front_counter.ron", FIXTURE.as_bytes(), &catalog).expect("valid");
    let started = store
        .start_attempt(
            "04521",
            IdentifiedBy::Pin,
            &scenario,
            3,
            &PassRule::of(&scenario.scenario),
        )
        .expect("started");
    assert_eq!(store.merge_trainees("04521", "4521").expect("merged"), 1);
    assert_eq!(store.trainee("04521").expect("read"), None);
    assert_eq!(
        store
            .attempts_of("4521")
            .expect("read")
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        vec![started]
    );
    assert_eq!(store.possible_duplicates().expect("read"), vec![]);
}

#[test]
fn a_workstation_file_chooses_the_mode_and_a_broken_one_is_refused_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workstation.ron");
    std::fs::write(
        &file,
        r#"(identity: OsAccount(accounts: {"a.example": "4521"}, unmapped: Refuse))"#,
    )
    .expect("write");
    let read = Workstation::from_file(&file).expect("valid");
    let IdentityMode::OsAccount { accounts, unmapped } = &read.identity else {
        panic!("{read:?}");
    };
    assert_eq!(read.identity.identified_by(), IdentifiedBy::OsAccount);
    assert_eq!(
        staff_number_for_account("a.example", accounts, *unmapped),
        Ok("4521".into())
    );
    assert_eq!(
        staff_number_for_account("visitor", accounts, *unmapped),
        Err(AccountRefusal::NotMapped("visitor".into()))
    );
    assert_eq!(
        staff_number_for_account(" x", &BTreeMap::new(), UnmappedAccount::AccountName),
        Err(AccountRefusal::BadName(IdentifierProblem::Padded))
    );

    std::fs::write(&file, "(identity: StaffNumberAndPin(min_digts: 6))").expect("write");
    let broken = Workstation::from_file(&file).expect_err("misspelt field");
    let WorkstationError::Invalid {
        line,
        column,
        message,
        ..
    } = &broken
    else {
        panic!("{broken:?}");
    };
    assert_eq!((*line, *column), (1, 30));
    assert!(message.contains("min_digts"), "{message}");

    std::fs::write(
        &file,
        r#"(identity: OsAccount(accounts: {"a.example": " 4521"}))"#,
    )
    .expect("write");
    assert!(matches!(
        Workstation::from_file(&file),
        Err(WorkstationError::BadMapping { .. })
    ));
    // No file, no configuration: a staff number and PIN.
    assert_eq!(
        Workstation::default().identity,
        IdentityMode::StaffNumberAndPin(PinPolicy::default())
    );
}

#[test]
fn display_settings_are_kept_with_the_trainee_and_go_when_merged_away() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let store = Store::open(&db).expect("store");
    let first = trainee("PC-1042", "A. Example", "North Response");
    let second = trainee("PC-2001", "B. Example", "North Response");
    store.add_trainee(&first).expect("added");
    store.add_trainee(&second).expect("added");
    assert_eq!(store.display_preferences("PC-1042").expect("read"), None);

    let large = DisplayPreferences {
        text_scale: 1.7,
        high_contrast: true,
    };
    store
        .set_display_preferences("PC-1042", &large)
        .expect("kept");
    let small = DisplayPreferences {
        text_scale: 0.8,
        high_contrast: false,
    };
    store
        .set_display_preferences("PC-2001", &small)
        .expect("kept");
    // Changed again: one row per trainee, the latest values.
    let larger = DisplayPreferences {
        text_scale: 2.0,
        high_contrast: true,
    };
    store
        .set_display_preferences("PC-1042", &larger)
        .expect("kept");

    let raw = rusqlite::Connection::open(&db).expect("raw");
    let rows: Vec<(String, f64, i64)> = raw
        .prepare(
            "SELECT staff_number, text_scale, high_contrast FROM trainee_display
             ORDER BY staff_number",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        rows,
        vec![
            ("PC-1042".to_owned(), 2.0, 1),
            ("PC-2001".to_owned(), f64::from(0.8_f32), 0)
        ]
    );
    assert_eq!(
        store.display_preferences("PC-1042").expect("read"),
        Some(larger)
    );

    assert!(matches!(
        store.set_display_preferences("PC-9999", &small),
        Err(StoreError::UnknownTrainee(_))
    ));
    let zero = DisplayPreferences {
        text_scale: 0.0,
        high_contrast: false,
    };
    assert!(
        store.set_display_preferences("PC-1042", &zero).is_err(),
        "a zero scale is refused"
    );

    // Merged away: the one kept keeps its own settings; the other's row goes with it.
    store.merge_trainees("PC-2001", "PC-1042").expect("merged");
    assert_eq!(
        store.display_preferences("PC-1042").expect("read"),
        Some(larger)
    );
    let left: i64 = raw
        .query_row("SELECT COUNT(*) FROM trainee_display", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 1);
}
