//! Signing in through a real window under Xvfb, by keyboard: with no workstation configuration a new officer sets a PIN, a wrong PIN is refused and counted, the right one signs in; a workstation that signs in by the computer's account needs no staff number typed. Every attempt is stamped with how its trainee was identified.

use std::path::Path;

use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::store::Store;

#[path = "support/window.rs"]
mod window;
use window::{Display, RunningApp, wait_until};

/// Opens scenario 01 from the home screen past its content warning (two digits: the library
/// lists more than nine), and waits for the attempt `staff_number` starts there.
fn start_scenario_one(display: &Display, db: &Path, staff_number: &str) -> Option<IdentifiedBy> {
    std::thread::sleep(std::time::Duration::from_secs(1));
    display.key("0");
    display.key("1");
    std::thread::sleep(std::time::Duration::from_millis(500));
    display.key("Return");
    let store = Store::open(db).expect("the app's store");
    let mut identified = None;
    wait_until(30, || {
        identified = store
            .attempts_of(staff_number)
            .ok()
            .and_then(|a| a.last().map(|a| a.identified_by));
        identified.is_some()
    });
    identified.flatten()
}

fn failed_tries(db: &Path, staff_number: &str) -> Option<u32> {
    rusqlite::Connection::open(db)
        .ok()?
        .query_row(
            "SELECT failed_tries FROM trainee_pins WHERE staff_number = ?1",
            [staff_number],
            |r| r.get(0),
        )
        .ok()
}

#[test]
fn officers_sign_in_with_a_pin_or_the_computers_account_in_a_real_window() {
    if !window::tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let display = Display::start();

    // No workstation configuration: staff number and PIN. A new number registers.
    {
        let app = RunningApp::start(&display, &db, work.path(), &[]);
        display.type_text("7730");
        display.key("Return");
        std::thread::sleep(std::time::Duration::from_secs(1));
        display.fill_in(&[
            ("B. Example", "Tab"),
            ("Port Team", "Tab"),
            ("4829", "Tab"),
            ("4829", "Return"),
        ]);
        assert_eq!(
            start_scenario_one(&display, &db, "7730"),
            Some(IdentifiedBy::Pin),
            "the app's log:\n{}",
            app.log()
        );
        let store = Store::open(&db).expect("store");
        assert_eq!(
            store.trainee("7730").expect("read"),
            Some(Trainee {
                staff_number: "7730".into(),
                name: "B. Example".into(),
                unit: "Port Team".into()
            })
        );
        assert!(store.pin_state("7730").expect("read").has_pin());
    }

    // The next start: the number, a wrong PIN (refused and counted), then the right one.
    {
        let app = RunningApp::start(&display, &db, work.path(), &[]);
        display.type_text("7730");
        display.key("Return");
        std::thread::sleep(std::time::Duration::from_secs(1));
        display.type_text("1111");
        display.key("Return");
        assert!(
            wait_until(10, || failed_tries(&db, "7730") == Some(1)),
            "the wrong PIN was not counted; the app's log:\n{}",
            app.log()
        );
        std::thread::sleep(std::time::Duration::from_secs(1));
        display.screenshot(&shots.join("sign-in-wrong-pin.png"));
        display.type_text("4829");
        display.key("Return");
        assert!(
            wait_until(10, || failed_tries(&db, "7730") == Some(0)),
            "the right PIN did not sign in; the app's log:\n{}",
            app.log()
        );
        std::thread::sleep(std::time::Duration::from_secs(1));
        display.screenshot(&shots.join("home-after-pin.png"));
    }

    // A workstation that signs in by the computer's account, mapped to a staff number.
    let account = whoami::username().expect("the test's account name");
    let workstation = work.path().join("workstation.ron");
    std::fs::write(
        &workstation,
        format!("(identity: OsAccount(accounts: {{{account:?}: \"5150\"}}, unmapped: Refuse))"),
    )
    .expect("workstation file");
    {
        let app = RunningApp::start(
            &display,
            &db,
            work.path(),
            &[("SILENT_SLAVERY_WORKSTATION", &workstation)],
        );
        std::thread::sleep(std::time::Duration::from_secs(1));
        display.screenshot(&shots.join("sign-in-account.png"));
        // The first time: name and unit only.
        display.fill_in(&[("D. Example", "Tab"), ("Custody", "Return")]);
        assert_eq!(
            start_scenario_one(&display, &db, "5150"),
            Some(IdentifiedBy::OsAccount),
            "the app's log:\n{}",
            app.log()
        );
        assert_eq!(
            Store::open(&db)
                .expect("store")
                .trainee("5150")
                .expect("read")
                .map(|t| t.name),
            Some("D. Example".into())
        );
    }
}
