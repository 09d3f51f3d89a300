//! Signing in under each identity mode without a window: PINs set, checked and locked; a recorded staff number never renamed without asking; the computer's account; and every attempt stamped with how its trainee was identified.

use std::collections::BTreeMap;
use std::path::Path;

use bevy::prelude::*;
use silent_slavery::sim::{Screen, Session, SignInAction, SignInStage, TraineeAction};
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::identity::{IdentityMode, PinPolicy, UnmappedAccount};
use silent_slavery_results::store::Store;

#[path = "support/headless.rs"]
mod headless;
use headless::{Setup, app_from, screen, send};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn app(db: &Path, identity: IdentityMode, os_account: Option<&str>) -> App {
    app_from(
        root(),
        Setup {
            db: Some(db),
            author: false,
            identity,
            os_account,
        },
    )
}

fn pin_mode() -> IdentityMode {
    IdentityMode::StaffNumberAndPin(PinPolicy {
        min_digits: 4,
        max_failed_tries: 3,
        lockout_minutes: 15,
    })
}

fn sign(app: &mut App, action: SignInAction) {
    send(app, TraineeAction::SignIn(action));
}

fn session(app: &App) -> &Session {
    app.world().resource::<Session>()
}

fn notice(app: &App) -> String {
    session(app).notice.clone().unwrap_or_default()
}

fn signed_in(app: &App) -> Option<Trainee> {
    session(app).trainee.clone()
}

fn new_pin(pin: &str, again: &str, name: &str, unit: &str) -> SignInAction {
    SignInAction::NewPin {
        pin: pin.into(),
        again: again.into(),
        name: name.into(),
        unit: unit.into(),
    }
}

/// Starts a scenario and returns to the list, so an attempt is recorded.
fn start_an_attempt(app: &mut App) {
    send(app, TraineeAction::Open("nail_bar_visit".into()));
    send(app, TraineeAction::AcceptWarning);
    assert_eq!(screen(app), Screen::Playing);
    send(app, TraineeAction::Back);
}

/// The recorded trainee and how each of their attempts was identified, read back from the file.
fn recorded(db: &Path, staff_number: &str) -> (Option<Trainee>, Vec<Option<IdentifiedBy>>) {
    let store = Store::open(db).expect("store");
    let attempts = store.attempts_of(staff_number).expect("attempts");
    (
        store.trainee(staff_number).expect("trainee"),
        attempts.iter().map(|a| a.identified_by).collect(),
    )
}

#[test]
fn a_new_officer_sets_a_pin_at_the_first_sign_in_and_needs_it_the_next_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let mut app = app(&db, pin_mode(), None);

    sign(&mut app, SignInAction::StaffNumber("7730".into()));
    assert_eq!(
        session(&app).sign_in,
        SignInStage::Register {
            staff_number: "7730".into()
        }
    );
    // Refused PINs say why and record nothing.
    sign(&mut app, new_pin("4829", "4828", "B. Example", "Port Team"));
    assert_eq!(
        notice(&app),
        "That PIN will not do: the two PINs you typed are different."
    );
    sign(&mut app, new_pin("1234", "1234", "B. Example", "Port Team"));
    assert!(
        notice(&app).contains("not all the same or in a row"),
        "{}",
        notice(&app)
    );
    sign(&mut app, new_pin("4829", "4829", "  ", "Port Team"));
    assert!(notice(&app).starts_with("Your name"), "{}", notice(&app));
    assert_eq!(screen(&app), Screen::SignIn);
    assert_eq!(recorded(&db, "7730").0, None);

    sign(&mut app, new_pin("4829", "4829", "B. Example", "Port Team"));
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(session(&app).identified_by, Some(IdentifiedBy::Pin));
    start_an_attempt(&mut app);
    send(&mut app, TraineeAction::SignOut);

    // The next time the number leads to the PIN, and a wrong one is refused.
    sign(&mut app, SignInAction::StaffNumber("7730".into()));
    assert!(matches!(
        session(&app).sign_in,
        SignInStage::EnterPin { .. }
    ));
    sign(&mut app, SignInAction::Pin("4820".into()));
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(
        notice(&app).starts_with("That PIN is not right; 2 more tries"),
        "{}",
        notice(&app)
    );
    sign(&mut app, SignInAction::Pin("4829".into()));
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(signed_in(&app).map(|t| t.name), Some("B. Example".into()));

    let (trainee, identified) = recorded(&db, "7730");
    assert_eq!(
        trainee,
        Some(Trainee {
            staff_number: "7730".into(),
            name: "B. Example".into(),
            unit: "Port Team".into()
        })
    );
    assert_eq!(identified, vec![Some(IdentifiedBy::Pin)]);
    // Only a hash is kept.
    let hash: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT pin_hash FROM trainee_pins WHERE staff_number = '7730'",
            [],
            |r| r.get(0),
        )
        .expect("a PIN is set");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("4829"));
}

#[test]
fn wrong_pins_lock_the_staff_number_even_against_the_right_pin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let mut app = app(&db, pin_mode(), None);
    sign(&mut app, SignInAction::StaffNumber("7730".into()));
    sign(&mut app, new_pin("4829", "4829", "B. Example", "Port Team"));
    send(&mut app, TraineeAction::SignOut);

    sign(&mut app, SignInAction::StaffNumber("7730".into()));
    for _ in 0..3 {
        sign(&mut app, SignInAction::Pin("0000".into()));
    }
    assert!(
        notice(&app).starts_with("Too many wrong PINs: this staff number is locked until "),
        "{}",
        notice(&app)
    );
    sign(&mut app, SignInAction::Pin("4829".into()));
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(
        notice(&app).starts_with("Too many wrong PINs"),
        "{}",
        notice(&app)
    );
    assert_eq!(signed_in(&app), None);

    // An operator's reset lets the officer choose a new PIN.
    Store::open(&db)
        .expect("store")
        .reset_pin("7730")
        .expect("reset");
    sign(&mut app, SignInAction::Restart);
    sign(&mut app, SignInAction::StaffNumber("7730".into()));
    assert!(matches!(session(&app).sign_in, SignInStage::SetPin { .. }));
    sign(&mut app, new_pin("5190", "5190", "", ""));
    assert_eq!(screen(&app), Screen::Home);
}

#[test]
fn a_staff_number_typed_with_a_leading_zero_is_offered_the_recorded_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let mut app = app(&db, pin_mode(), None);
    sign(&mut app, SignInAction::StaffNumber("4521".into()));
    sign(
        &mut app,
        new_pin("4829", "4829", "A. Example", "North Response"),
    );
    send(&mut app, TraineeAction::SignOut);

    sign(&mut app, SignInAction::StaffNumber("04521".into()));
    let SignInStage::SimilarNumber {
        recorded: offered, ..
    } = session(&app).sign_in.clone()
    else {
        panic!(
            "expected the similar number, got {:?}",
            session(&app).sign_in
        );
    };
    assert_eq!(offered.staff_number, "4521");
    sign(&mut app, SignInAction::UseRecordedNumber(true));
    assert!(
        matches!(&session(&app).sign_in, SignInStage::EnterPin { trainee } if trainee.staff_number == "4521"),
        "{:?}",
        session(&app).sign_in
    );
    sign(&mut app, SignInAction::Pin("4829".into()));
    assert_eq!(signed_in(&app).map(|t| t.staff_number), Some("4521".into()));
    assert_eq!(recorded(&db, "04521").0, None, "no second trainee was made");
}

#[test]
fn open_mode_asks_before_a_recorded_staff_number_gets_another_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let mut app = app(&db, IdentityMode::Open, None);
    let open = |name: &str, unit: &str| SignInAction::Open {
        staff_number: "4521".into(),
        name: name.into(),
        unit: unit.into(),
    };
    sign(&mut app, open("A. Example", "North Response"));
    start_an_attempt(&mut app);
    send(&mut app, TraineeAction::SignOut);

    sign(&mut app, open("C. Other", "South Response"));
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(matches!(
        session(&app).sign_in,
        SignInStage::ConfirmDetails { .. }
    ));
    sign(
        &mut app,
        SignInAction::ConfirmDetails {
            update_record: false,
        },
    );
    assert_eq!(signed_in(&app).map(|t| t.name), Some("A. Example".into()));
    assert_eq!(
        recorded(&db, "4521").0.map(|t| t.name),
        Some("A. Example".into())
    );
    send(&mut app, TraineeAction::SignOut);

    sign(&mut app, open("A. Example-Jones", "North Response"));
    sign(
        &mut app,
        SignInAction::ConfirmDetails {
            update_record: true,
        },
    );
    assert_eq!(screen(&app), Screen::Home);
    let (trainee, identified) = recorded(&db, "4521");
    assert_eq!(trainee.map(|t| t.name), Some("A. Example-Jones".into()));
    assert_eq!(identified, vec![Some(IdentifiedBy::Open)]);

    // A blank staff number is refused, not recorded.
    send(&mut app, TraineeAction::SignOut);
    sign(
        &mut app,
        SignInAction::Open {
            staff_number: "   ".into(),
            name: "Nobody".into(),
            unit: String::new(),
        },
    );
    assert_eq!(screen(&app), Screen::SignIn);
    assert!(
        notice(&app).starts_with("Your staff or collar number"),
        "{}",
        notice(&app)
    );
    let store = Store::open(&db).expect("store");
    assert_eq!(store.trainees().expect("trainees").len(), 1);
}

#[test]
fn the_computers_account_signs_in_as_its_mapped_staff_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let identity = IdentityMode::OsAccount {
        accounts: BTreeMap::from([("a.example".to_owned(), "4521".to_owned())]),
        unmapped: UnmappedAccount::Refuse,
    };
    let mut app = app(&db, identity.clone(), Some("a.example"));
    sign(
        &mut app,
        SignInAction::Account {
            name: "A. Example".into(),
            unit: "North Response".into(),
        },
    );
    assert_eq!(screen(&app), Screen::Home);
    assert_eq!(signed_in(&app).map(|t| t.staff_number), Some("4521".into()));
    start_an_attempt(&mut app);
    assert_eq!(recorded(&db, "4521").1, vec![Some(IdentifiedBy::OsAccount)]);

    // An account nobody mapped is refused, and nothing is recorded for it.
    drop(app);
    let mut stranger = headless::app_from(
        root(),
        Setup {
            db: Some(&db),
            author: false,
            identity,
            os_account: Some("visitor"),
        },
    );
    sign(
        &mut stranger,
        SignInAction::Account {
            name: "Visitor".into(),
            unit: String::new(),
        },
    );
    assert_eq!(screen(&stranger), Screen::SignIn);
    assert!(
        notice(&stranger).contains("visitor"),
        "{}",
        notice(&stranger)
    );
    assert_eq!(
        Store::open(&db)
            .expect("store")
            .trainees()
            .expect("trainees")
            .len(),
        1
    );
}
