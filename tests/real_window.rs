//! The app binary in a real window under Xvfb (Mesa's software Vulkan), driven by keyboard with xdotool to the debrief; screenshots of the playing and debrief screens go to target/screenshots/.
//!
//! Needs `Xvfb`, `xdotool` and imagemagick's `import` (CI installs them). Without them the
//! test says why and passes, except under CI, where their absence is a failure.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use silent_slavery_results::attempt::AttemptStatus;
use silent_slavery_results::store::Store;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // SIGTERM first, so Xvfb removes its lock and socket files; SIGKILL if it lingers.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn xdotool(display: &str, args: &[&str]) {
    let _ = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status();
}

fn key(display: &str, key: &str) {
    xdotool(display, &["key", key]);
    // Reactive rendering draws a frame per input: give each key its own frame.
    std::thread::sleep(Duration::from_millis(300));
}

fn screenshot(display: &str, to: &Path) {
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(to)
        .env("DISPLAY", display)
        .status()
        .expect("import runs");
    assert!(status.success(), "screenshot {}", to.display());
}

#[test]
fn a_trainee_plays_to_the_debrief_in_a_real_window() {
    let missing: Vec<&str> = ["Xvfb", "xdotool", "import"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install {missing:?} (see .ci/run)"
        );
        eprintln!(
            "skipping the real-window test: {missing:?} not installed (apt-get install xvfb xdotool imagemagick mesa-vulkan-drivers)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    // Xvfb picks a free display itself and writes its number on stdout: a display number
    // chosen here could collide with a stale lock left by an Xvfb that was killed.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let mut number = String::new();
    if let Some(out) = xvfb.stdout.take() {
        use std::io::BufRead;
        let _ = std::io::BufReader::new(out).read_line(&mut number);
    }
    let _xvfb = Killed(xvfb);
    let number = number.trim();
    assert!(
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        "Xvfb did not start (it reported {number:?})"
    );
    let display = format!(":{number}");
    let log = std::fs::File::create(work.path().join("app.log")).expect("log");
    let _app = Killed(
        Command::new(env!("CARGO_BIN_EXE_silent-slavery"))
            .current_dir(root)
            .env("DISPLAY", &display)
            .env("SILENT_SLAVERY_DB", &db)
            .env("XDG_CONFIG_HOME", work.path().join("config"))
            .env("XDG_DATA_HOME", work.path().join("data"))
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the app starts"),
    );
    // Wait for the window, then give it the keyboard.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = Command::new("xdotool")
            .args(["search", "--name", "Silent Slavery Trainer"])
            .env("DISPLAY", &display)
            .output()
            .is_ok_and(|o| !o.stdout.is_empty());
        if found {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no window; the app's log:\n{}",
            std::fs::read_to_string(work.path().join("app.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    std::thread::sleep(Duration::from_secs(3));
    let window = String::from_utf8(
        Command::new("xdotool")
            .args(["search", "--name", "Silent Slavery Trainer"])
            .env("DISPLAY", &display)
            .output()
            .expect("xdotool")
            .stdout,
    )
    .expect("utf-8");
    let window = window.lines().next().expect("a window id").to_owned();
    xdotool(&display, &["windowfocus", "--sync", &window]);
    xdotool(&display, &["mousemove", "5", "5"]);
    std::thread::sleep(Duration::from_millis(500));

    // Sign in: the staff number field has the focus.
    for (text, then) in [
        ("4521", "Tab"),
        ("A. Example", "Tab"),
        ("North Response", "Return"),
    ] {
        xdotool(&display, &["type", "--delay", "80", text]);
        std::thread::sleep(Duration::from_millis(300));
        key(&display, then);
    }
    std::thread::sleep(Duration::from_secs(1));
    // Scenario 1, past its content warning.
    key(&display, "1");
    std::thread::sleep(Duration::from_millis(500));
    key(&display, "Return");

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
        key(&display, keys[pressed % keys.len()]);
        pressed += 1;
        let attempts = store.attempts_of("4521").expect("read");
        let Some(attempt) = attempts.last() else {
            assert!(Instant::now() < deadline, "no attempt was recorded");
            continue;
        };
        if !playing_shot
            && store.inputs(attempt.id).expect("read").iter().any(|i| {
                matches!(
                    i.input,
                    silent_slavery_scenario::play::runner::Input::Choose(_)
                )
            })
        {
            screenshot(&display, &shots.join("playing.png"));
            playing_shot = true;
        }
        if attempt.status == AttemptStatus::Finished {
            break attempt.clone();
        }
        assert!(Instant::now() < deadline, "the attempt did not finish");
    };
    std::thread::sleep(Duration::from_secs(1));
    screenshot(&display, &shots.join("debrief.png"));

    // Waiting on the debrief with no input, the app stops updating: its CPU time barely
    // moves (a spinning loop on software Vulkan takes more than a whole core).
    let pid = _app.0.id();
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

    // From the store, not from pixels: the attempt reached an ending and was scored.
    assert_eq!(finished.scenario_id, "airport_minor_non_parent");
    assert!(finished.ending.is_some());
    assert!(finished.score.is_some());
    let inputs = store.inputs(finished.id).expect("inputs");
    assert!(inputs.iter().any(|i| matches!(
        i.input,
        silent_slavery_scenario::play::runner::Input::Choose(_)
    )));
    for shot in ["playing.png", "debrief.png"] {
        let size = std::fs::metadata(shots.join(shot))
            .expect("screenshot saved")
            .len();
        assert!(size > 10_000, "{shot} is {size} bytes");
    }
}
