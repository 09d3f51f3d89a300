//! The app binary in a real window under Xvfb (Mesa's software Vulkan), driven by keyboard with xdotool to the debrief and back to review it from the home screen (screenshots of the playing, debrief, home and review screens go to target/screenshots/), and closed by SIGTERM while its window sleeps or while it starts.
//!
//! Needs `Xvfb`, `xdotool` and imagemagick's `import` (CI installs them). Without them the
//! test says why and passes, except under CI, where their absence is a failure.

use std::path::Path;
use std::time::{Duration, Instant};

use silent_slavery_results::attempt::AttemptStatus;
use silent_slavery_results::store::Store;

#[path = "support/window.rs"]
mod window;
use window::{Display, RunningApp};

#[test]
fn a_trainee_plays_to_the_debrief_in_a_real_window() {
    if !window::tools_present() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    // A classroom workstation: open sign-in (the identity modes have their own test).
    let workstation = window::open_workstation(work.path());
    let display = Display::start();
    let app = RunningApp::start(
        &display,
        &db,
        work.path(),
        &[("SILENT_SLAVERY_WORKSTATION", &workstation)],
    );

    // Sign in: the staff number field has the focus.
    display.fill_in(&[
        ("4521", "Tab"),
        ("A. Example", "Tab"),
        ("North Response", "Return"),
    ]);
    std::thread::sleep(Duration::from_secs(1));
    // Scenario 01 (two digits: the library lists more than nine), past its content warning.
    display.key("0");
    display.key("1");
    std::thread::sleep(Duration::from_millis(500));
    display.key("Return");

    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let store = Store::open(&db).expect("the app's store");
    let mut playing_shot = false;
    let deadline = Instant::now() + Duration::from_secs(240);
    let keys = ["1", "Return", "2", "Return"];
    let mut pressed = 0usize;
    let finished = loop {
        // At a decision "1" or "2" chooses (one of them is open); Return moves past scenes,
        // identify steps and feedback. The store is read after every key, so the debrief is
        // photographed before the next Return leaves it.
        let key = keys[pressed % keys.len()];
        // Before a digit the screen may be a decision: photographed, and kept as the playing
        // screen if the digit turns out to have chosen an option.
        let candidate = shots.join("playing-candidate.png");
        let choices_before = choices(&store);
        if !playing_shot && key != "Return" {
            display.screenshot(&candidate);
        }
        display.key(key);
        pressed += 1;
        let attempts = store.attempts_of("4521").expect("read");
        let Some(attempt) = attempts.last() else {
            assert!(Instant::now() < deadline, "no attempt was recorded");
            continue;
        };
        if !playing_shot && key != "Return" && choices(&store) > choices_before {
            std::fs::rename(&candidate, shots.join("playing.png")).expect("keep the shot");
            playing_shot = true;
        }
        if attempt.status == AttemptStatus::Finished {
            break attempt.clone();
        }
        assert!(Instant::now() < deadline, "the attempt did not finish");
    };
    assert!(playing_shot, "a decision was on screen and photographed");
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shots.join("debrief.png"));

    // Waiting on the debrief with no input, the app stops updating: its CPU time barely
    // moves (a spinning loop on software Vulkan takes more than a whole core).
    let pid = app.pid();
    let cpu = || -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the app is running");
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks: f64 =
            fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
        ticks / 100.0
    };
    std::thread::sleep(Duration::from_secs(2));
    let before = cpu();
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu() - before;
    assert!(used < 0.3, "the idle app used {used:.2} s of CPU in 3 s");

    // Back home, the finished attempt is reviewed by keyboard: Tab past the display settings
    // (A−, A+, High contrast) and "Sign out" to "Review it" in the "Last played" line.
    display.key("Return");
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shots.join("home-last-played.png"));
    for _ in 0..5 {
        display.key("Tab");
    }
    display.key("space");
    let reviewing = format!("reviewing attempt {}", finished.id);
    assert!(
        window::wait_until(10, || app.log().contains(&reviewing)),
        "the finished attempt was not reviewed; the app's log:\n{}",
        app.log()
    );
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shots.join("review.png"));

    // From the store, not from pixels: the attempt reached an ending and was scored.
    assert_eq!(finished.scenario_id, "airport_minor_non_parent");
    assert!(finished.ending.is_some());
    assert!(finished.score.is_some());
    let inputs = store.inputs(finished.id).expect("inputs");
    assert!(inputs.iter().any(|i| matches!(
        i.input,
        silent_slavery_scenario::play::runner::Input::Choose(_)
    )));
    for shot in [
        "playing.png",
        "debrief.png",
        "home-last-played.png",
        "review.png",
    ] {
        let size = std::fs::metadata(shots.join(shot))
            .expect("screenshot saved")
            .len();
        assert!(size > 10_000, "{shot} is {size} bytes");
    }
}

/// A session ending (logout, shutdown, an operator's `kill`) sends SIGTERM. A reactive window
/// that is not focused sleeps up to a minute between events; the app must still close on
/// time (its records are committed as they are made), not wait for the minute and be killed.
#[test]
fn sigterm_closes_a_sleeping_window_promptly() {
    if !window::tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let display = Display::start();
    let (db, mut app) = classroom_app(&display, work.path(), RunningApp::start);
    display.fill_in(&[("4521", "Tab"), ("A. Example", "Tab"), ("North", "Return")]);
    let signed_in = window::trainee_recorded(&db, "4521", 20);
    assert!(signed_in, "the sign-in was not taken:\n{}", app.log());
    display.unfocus();
    std::thread::sleep(Duration::from_secs(1));

    // Without the wake-up it takes the rest of the unfocused minute.
    assert_eq!(
        terminate(&mut app),
        Some(130),
        "the app's log:\n{}",
        app.log()
    );
}

/// A signal while the app is still starting (its graphics, its window) is not the signal's
/// default death (exit status 143) but the same clean exit, once the app can make it.
#[test]
fn sigterm_during_start_up_gives_the_same_clean_exit() {
    if !window::tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let display = Display::start();
    let (_, mut app) = classroom_app(&display, work.path(), RunningApp::spawn);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        terminate(&mut app),
        Some(130),
        "the app's log:\n{}",
        app.log()
    );
}

/// The app on `display` with a fresh store and an open-sign-in workstation under `work`,
/// started by `start` ([`RunningApp::start`] or [`RunningApp::spawn`]); returns the store's path.
fn classroom_app(
    display: &Display,
    work: &Path,
    start: fn(&Display, &Path, &Path, &[(&str, &Path)]) -> RunningApp,
) -> (std::path::PathBuf, RunningApp) {
    let db = work.join("results.sqlite3");
    let workstation = window::open_workstation(work);
    let app = start(
        display,
        &db,
        work,
        &[("SILENT_SLAVERY_WORKSTATION", &workstation)],
    );
    (db, app)
}

/// Sends SIGTERM and waits up to 20 s for the app to end; returns its exit code (`None`:
/// killed by a signal).
fn terminate(app: &mut RunningApp) -> Option<i32> {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(exit) = app.process.0.try_wait().expect("wait") {
            return exit.code();
        }
        assert!(
            Instant::now() < deadline,
            "still running 20 s after SIGTERM; the app's log:\n{}",
            app.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How many options trainee 4521 has chosen, over all their attempts.
fn choices(store: &silent_slavery_results::store::Store) -> usize {
    store
        .attempts_of("4521")
        .expect("read")
        .iter()
        .map(|a| {
            store
                .inputs(a.id)
                .expect("read")
                .iter()
                .filter(|i| {
                    matches!(
                        i.input,
                        silent_slavery_scenario::play::runner::Input::Choose(_)
                    )
                })
                .count()
        })
        .sum()
}
