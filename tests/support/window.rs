//! The app binary in a real window for tests: a private Xvfb display, the app started on it with its own store and configuration, and keys, typing and screenshots through xdotool and imagemagick.
//!
//! Needs `Xvfb`, `xdotool` and imagemagick's `import` (CI installs them). Without them a test
//! says why and passes, except under CI, where their absence is a failure.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process stopped when dropped.
pub struct Killed(pub Child);

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

/// Whether Xvfb, xdotool and import are installed; under CI their absence fails the test.
pub fn tools_present() -> bool {
    let missing: Vec<&str> = ["Xvfb", "xdotool", "import"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {missing:?} (see .ci/run)"
    );
    eprintln!(
        "skipping the real-window test: {missing:?} not installed (apt-get install xvfb xdotool imagemagick mesa-vulkan-drivers)"
    );
    false
}

/// Writes a classroom workstation's configuration into `dir` (open sign-in: staff number,
/// name and unit typed, no PIN) and returns its path, for `SILENT_SLAVERY_WORKSTATION`.
pub fn open_workstation(dir: &Path) -> PathBuf {
    let file = dir.join("workstation.ron");
    std::fs::write(&file, "(identity: Open)").expect("workstation file");
    file
}

/// A private X display.
pub struct Display {
    /// `:N`.
    pub name: String,
    _xvfb: Killed,
}

impl Display {
    /// Starts Xvfb on a free display, 1280x900.
    pub fn start() -> Display {
        Display::start_sized(1280, 900)
    }

    /// Starts Xvfb on a free display with a screen `width` by `height` (the app fits its
    /// window to the screen, so this is the size the trainee's screens are laid out for).
    pub fn start_sized(width: u32, height: u32) -> Display {
        let screen = format!("{width}x{height}x24");
        // Xvfb picks a free display itself and writes its number on stdout: a display number
        // chosen here could collide with a stale lock left by an Xvfb that was killed.
        // -noreset: by default the server resets when its last client leaves, and refuses
        // connections while it does, so a window search ending just as the app connects made
        // the app's first connection (EGL's) fail on a loaded machine.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &screen,
                "-nolisten",
                "tcp",
                "-noreset",
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
        let xvfb = Killed(xvfb);
        let number = number.trim();
        assert!(
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
            "Xvfb did not start (it reported {number:?})"
        );
        Display {
            name: format!(":{number}"),
            _xvfb: xvfb,
        }
    }

    fn xdotool(&self, args: &[&str]) -> Vec<u8> {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.name)
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default()
    }

    /// Presses a key (xdotool's names: `Return`, `Tab`, `1`).
    pub fn key(&self, key: &str) {
        self.xdotool(&["key", key]);
        // Reactive rendering draws a frame per input: give each key its own frame.
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Fills a form: types each text into the focused field, then presses the key after it
    /// (`Tab` to the next field, `Return` to submit).
    pub fn fill_in(&self, fields: &[(&str, &str)]) {
        for (text, then) in fields {
            self.type_text(text);
            self.key(then);
        }
    }

    /// Types text into the focused field.
    pub fn type_text(&self, text: &str) {
        self.xdotool(&["type", "--delay", "80", text]);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Double-clicks the left button at (`x`, `y`), the clicks 80 ms apart.
    pub fn double_click(&self, x: u32, y: u32) {
        let (x, y) = (x.to_string(), y.to_string());
        self.xdotool(&[
            "mousemove",
            &x,
            &y,
            "click",
            "--repeat",
            "2",
            "--delay",
            "80",
            "1",
        ]);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Gives the keyboard focus to the root window, as when the trainee switches to another
    /// program: the app's window then sleeps in its unfocused mode.
    pub fn unfocus(&self) {
        let root = self.xdotool(&["search", "--maxdepth", "0", "--name", ""]);
        let root = String::from_utf8_lossy(&root);
        let root = root.lines().next().expect("the root window").to_owned();
        self.xdotool(&["windowfocus", "--sync", &root]);
        std::thread::sleep(Duration::from_millis(300));
        let focus = self.xdotool(&["getwindowfocus"]);
        assert_eq!(
            String::from_utf8_lossy(&focus).trim(),
            root,
            "the focus moved"
        );
    }

    /// Moves the pointer to (`x`, `y`) (out of the way of screenshots, say).
    pub fn xdotool_mousemove(&self, x: u32, y: u32) {
        self.xdotool(&["mousemove", &x.to_string(), &y.to_string()]);
    }

    /// Saves the whole screen as a PNG.
    pub fn screenshot(&self, to: &Path) {
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(to)
            .env("DISPLAY", &self.name)
            .status()
            .expect("import runs");
        assert!(status.success(), "screenshot {}", to.display());
    }
}

/// The app running on a display.
pub struct RunningApp {
    /// The process.
    pub process: Killed,
    /// Its standard error.
    pub log: PathBuf,
}

impl RunningApp {
    /// Starts the app binary from the repository root on `display` with the results store
    /// `db`, its configuration and data under `home`, and `env` besides; waits for its window
    /// and gives it the keyboard.
    pub fn start(display: &Display, db: &Path, home: &Path, env: &[(&str, &Path)]) -> RunningApp {
        let app = RunningApp::spawn(display, db, home, env);
        // Wait for the window, then give it the keyboard.
        let deadline = Instant::now() + Duration::from_secs(60);
        let window = loop {
            let found = display.xdotool(&["search", "--name", "Silent Slavery Trainer"]);
            if let Some(id) = String::from_utf8_lossy(&found).lines().next() {
                break id.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no window; the app's log:\n{}",
                app.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        };
        std::thread::sleep(Duration::from_secs(3));
        display.xdotool(&["windowfocus", "--sync", &window]);
        display.xdotool(&["mousemove", "5", "5"]);
        std::thread::sleep(Duration::from_millis(500));
        app
    }

    /// Starts the app as [`RunningApp::start`] does, without waiting for its window.
    pub fn spawn(display: &Display, db: &Path, home: &Path, env: &[(&str, &Path)]) -> RunningApp {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let log = home.join(format!("app-{}.log", std::process::id()));
        let log = (0..)
            .map(|n| home.join(format!("app-{n}.log")))
            .find(|p| !p.exists())
            .unwrap_or(log);
        let mut command = Command::new(env!("CARGO_BIN_EXE_silent-slavery"));
        command
            .current_dir(root)
            .env("DISPLAY", &display.name)
            .env("SILENT_SLAVERY_DB", db)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("SILENT_SLAVERY_WORKSTATION")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"));
        for (name, value) in env {
            command.env(name, value);
        }
        // A test run started with these signals ignored (nohup, `cargo test &`) would pass
        // that on; the app must see them as it does when started from a desktop.
        // SAFETY: the closure only calls signal(2), which is async-signal-safe.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    libc::signal(signal, libc::SIG_DFL);
                }
                Ok(())
            });
        }
        RunningApp {
            process: Killed(command.spawn().expect("the app starts")),
            log,
        }
    }

    /// What the app has written to standard error.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The app's process id.
    pub fn pid(&self) -> u32 {
        self.process.0.id()
    }
}

/// Whether the store at `db` records trainee `staff_number` within `secs` seconds (a sign-in
/// taken).
pub fn trainee_recorded(db: &Path, staff_number: &str, secs: u64) -> bool {
    wait_until(secs, || {
        silent_slavery_results::store::Store::open(db)
            .ok()
            .and_then(|s| s.trainee(staff_number).ok().flatten())
            .is_some()
    })
}

/// Polls `check` every 250 ms until it holds or `secs` pass; returns whether it held.
pub fn wait_until(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
