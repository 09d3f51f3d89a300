//! Input in a real window under Xvfb at 1366x768 and 1024x600: a double click acts once, two digits open a scenario beyond 9, Tab scrolls a hidden focused widget into view, Page Down and the arrows scroll, "Done flagging" with nothing flagged asks first, and a finished attempt opens for review from the home screen.
//!
//! Needs `Xvfb`, `xdotool` and imagemagick (CI installs them). Without them the test says why
//! and passes, except under CI, where their absence is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use silent_slavery_results::attempt::{AttemptRecord, AttemptStatus};
use silent_slavery_results::store::Store;
use silent_slavery_scenario::play::runner::Input;

#[path = "support/window.rs"]
mod window;
use window::{Display, RunningApp, wait_until};

/// Scenario 12 in the library (sorted by file): the home screen lists more than nine, so it
/// takes two digits, `1` then `2`.
const TWELFTH: &str = "live_in_domestic_worker";

/// A screen size, where on it the playing screen's text column starts, and where the first
/// option of the scenario's first decision is (options are shuffled, but the first box starts
/// in the same place).
struct Size {
    width: u32,
    height: u32,
    text_left: u32,
    first_option: (u32, u32),
}

const SIZES: [Size; 2] = [
    Size {
        width: 1366,
        height: 768,
        text_left: 388,
        first_option: (600, 238),
    },
    Size {
        width: 1024,
        height: 600,
        text_left: 216,
        first_option: (500, 222),
    },
];

#[test]
fn input_acts_as_the_trainee_meant_at_two_screen_sizes() {
    if !window::tools_present() {
        return;
    }
    for size in &SIZES {
        at_size(size);
    }
}

fn at_size(size: &Size) {
    let tag = format!("{}x{}", size.width, size.height);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let shot = |name: &str| shots.join(format!("input-{tag}-{name}.png"));
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    let workstation = window::open_workstation(work.path());
    let display = Display::start_sized(size.width, size.height);
    let app = RunningApp::start(
        &display,
        &db,
        work.path(),
        &[("SILENT_SLAVERY_WORKSTATION", &workstation)],
    );
    display.fill_in(&[
        ("4521", "Tab"),
        ("A. Example", "Tab"),
        ("North Response", "Return"),
    ]);
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("home"));
    let store = Store::open(&db).expect("the app's store");

    // (c) Tab goes through the home screen's buttons (the display settings, then each
    // scenario's); one below the fold scrolls into view. A focus ring moving changes a few
    // rows; a scroll shifts most of the screen.
    let mut before = shot("home");
    let mut scrolled = false;
    for n in 1..=60 {
        display.key("Tab");
        let now = shot(&format!("home-tab-{n}"));
        display.screenshot(&now);
        if rows_changed(&before, &now) > size.height / 3 {
            scrolled = true;
            break;
        }
        before = now;
    }
    assert!(scrolled, "{tag}: 60 Tabs never scrolled the home screen");
    // Escape only takes the focus (a focused button would take the Enter that later keys
    // need), and Home goes back to the top: the screen is as it was.
    display.key("Escape");
    display.key("Home");
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(&shot("home-again"));
    assert!(
        rows_changed(&shot("home"), &shot("home-again")) < 5,
        "{tag}: Escape and Home did not bring back the home screen's top"
    );

    // (b) Two digits open scenario 12, past its content warning.
    display.key("1");
    display.key("2");
    std::thread::sleep(Duration::from_millis(500));
    display.key("Return");
    assert!(
        wait_until(30, || !attempts(&store).is_empty()),
        "{tag}: no attempt started; the app's log:\n{}",
        app.log()
    );
    let attempt = attempts(&store).remove(0);
    assert_eq!(
        attempt.scenario_id, TWELFTH,
        "{tag}: 1 then 2 opened another"
    );
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("scene"));

    // (a) The opening scene scrolled to its end, its "Continue" double-clicked: it goes on
    // once, and the second click, landing on the identify step's underlined passage (a cue
    // the click would flag), does nothing there.
    display.key("End");
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(&shot("scene-end"));
    let (top, bottom) = last_button_rows(&shot("scene-end"), size.text_left + 3)
        .unwrap_or_else(|| panic!("{tag}: no Continue button at the scene's end"));
    display.double_click(size.text_left + 40, (top + bottom) / 2);
    std::thread::sleep(Duration::from_secs(2));
    display.xdotool_mousemove(5, 5);
    assert_eq!(
        inputs(&store, &attempt),
        vec![Input::Continue],
        "{tag}: a double click on Continue"
    );
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("identify"));

    // (e) "Done flagging" with nothing flagged: the first Enter asks, records nothing.
    display.key("Return");
    std::thread::sleep(Duration::from_secs(2));
    display.screenshot(&shot("identify-asking"));
    assert_eq!(
        inputs(&store, &attempt),
        vec![Input::Continue],
        "{tag}: the first Enter with nothing flagged went on"
    );
    assert!(
        rows_changed(&shot("identify"), &shot("identify-asking")) > 0,
        "{tag}: the question did not show"
    );
    // The second goes on without flags.
    display.key("Return");
    assert!(
        wait_until(10, || inputs(&store, &attempt).len() == 2),
        "{tag}: the second Enter did not go on"
    );
    assert_eq!(inputs(&store, &attempt)[1], Input::Continue);
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("decision"));

    // (a) again: a double click on the first option chooses it once; the second click does
    // not act on the feedback that follows.
    let (x, y) = size.first_option;
    display.double_click(x, y);
    std::thread::sleep(Duration::from_secs(2));
    display.xdotool_mousemove(5, 5);
    display.screenshot(&shot("after-double-click"));
    let after = inputs(&store, &attempt);
    assert_eq!(after.len(), 3, "{tag}: a double click gave {after:?}");
    assert!(
        matches!(after[2], Input::Choose(_)),
        "{tag}: the double click did not choose: {after:?}"
    );

    // Played on to an ending by keyboard.
    let keys = ["1", "Return", "2", "Return"];
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut pressed = 0usize;
    let finished = loop {
        display.key(keys[pressed % keys.len()]);
        pressed += 1;
        let now = attempts(&store).remove(0);
        if now.status == AttemptStatus::Finished {
            break now;
        }
        assert!(
            Instant::now() < deadline,
            "{tag}: the attempt did not finish"
        );
    };
    std::thread::sleep(Duration::from_secs(2));
    display.screenshot(&shot("debrief-top"));

    // (d) Page Down and the down arrow each show more of the long debrief.
    display.key("Next");
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(&shot("debrief-page-down"));
    assert!(
        rows_changed(&shot("debrief-top"), &shot("debrief-page-down")) > size.height / 3,
        "{tag}: Page Down did not scroll"
    );
    display.key("Down");
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(&shot("debrief-down"));
    assert!(
        rows_changed(&shot("debrief-page-down"), &shot("debrief-down")) > size.height / 3,
        "{tag}: the down arrow did not scroll"
    );

    // (f) Home, and the finished attempt reviewed from its "Last played" line (Tab past the
    // display settings and "Sign out" to "Review it"); reviewing records nothing.
    let recorded = inputs(&store, &finished);
    display.key("Return");
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("home-last-played"));
    for _ in 0..5 {
        display.key("Tab");
    }
    display.key("space");
    let reviewing = format!("reviewing attempt {}", finished.id);
    assert!(
        wait_until(10, || app.log().contains(&reviewing)),
        "{tag}: the finished attempt was not reviewed; the app's log:\n{}",
        app.log()
    );
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot(&shot("review"));
    assert!(
        rows_changed(&shot("home-last-played"), &shot("review")) > size.height / 3,
        "{tag}: the review did not show"
    );
    assert_eq!(attempts(&store).len(), 1, "{tag}: reviewing started one");
    assert_eq!(
        inputs(&store, &finished),
        recorded,
        "{tag}: reviewing recorded"
    );
}

/// Trainee 4521's attempts.
fn attempts(store: &Store) -> Vec<AttemptRecord> {
    store.attempts_of("4521").expect("read")
}

/// What `attempt` has recorded, in order.
fn inputs(store: &Store, attempt: &AttemptRecord) -> Vec<Input> {
    store
        .inputs(attempt.id)
        .expect("read")
        .into_iter()
        .map(|i| i.input)
        .collect()
}

/// How many pixel rows differ between two screenshots of the same size (imagemagick: the
/// difference, thresholded, averaged down to one grey pixel per row).
fn rows_changed(a: &PathBuf, b: &PathBuf) -> u32 {
    let height = Command::new("identify")
        .args(["-format", "%h"])
        .arg(a)
        .output()
        .expect("imagemagick's identify runs");
    let height = String::from_utf8_lossy(&height.stdout).trim().to_owned();
    let out = Command::new("convert")
        .arg(a)
        .arg(b)
        .args([
            "-compose",
            "difference",
            "-composite",
            "-colorspace",
            "gray",
            "-threshold",
            "0",
            "-scale",
            &format!("1x{height}!"),
            "-depth",
            "16",
            "gray:-",
        ])
        .output()
        .expect("imagemagick's convert runs");
    assert!(out.status.success(), "convert failed on {}", a.display());
    // 16 bits a row, so that one changed pixel in a wide row still averages above zero.
    out.stdout
        .chunks(2)
        .filter(|row| row.iter().any(|&v| v > 0))
        .count() as u32
}

/// The rows (top, bottom) of the lowest button crossing column `x` of a screenshot: the
/// lowest run of at least 12 rows in a button's grey fill (226 on the light theme).
fn last_button_rows(shot: &PathBuf, x: u32) -> Option<(u32, u32)> {
    let out = Command::new("convert")
        .arg(shot)
        .args(["-crop", &format!("1x10000+{x}+0"), "-depth", "8", "gray:-"])
        .output()
        .expect("imagemagick's convert runs");
    let mut found = None;
    let mut run_start = None;
    for (y, &v) in out.stdout.iter().chain([&0u8]).enumerate() {
        let fill = (222..=230).contains(&v);
        match (fill, run_start) {
            (true, None) => run_start = Some(y as u32),
            (false, Some(start)) => {
                if y as u32 - start >= 12 {
                    found = Some((start, y as u32 - 1));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    found
}
