//! The test LRS harness shared by the LRS tests: Ralph started on 127.0.0.1 (tests/support/README.md), attempts recorded along scored paths, and the xAPI settings they use.
// Each test crate that includes this file uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use silent_slavery_results::attempt::IdentifiedBy;
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::statements::XapiConfig;
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Input, View};

pub const USER: &str = "trainer-sync";
pub const PASSWORD: &str = "correct horse battery staple";

pub fn tools() -> PathBuf {
    std::env::var_os("SILENT_SLAVERY_TOOLS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/silent-slavery-tools"))
        })
        .unwrap_or_default()
}

/// Whether Ralph and the validator are installed; under CI their absence fails the test.
pub fn lrs_available() -> bool {
    let ralph = tools().join("ralph-venv/bin/ralph");
    let validator = tools().join("xapi-validation/node_modules/@learninglocker/xapi-validation");
    let ok = ralph.exists()
        && validator.exists()
        && Command::new("node").arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install the test LRS: bash tests/support/install-lrs.sh"
        );
        eprintln!(
            "skipping the LRS round trip: run `bash tests/support/install-lrs.sh` to install Ralph and the xAPI validator"
        );
    }
    ok
}

/// A Ralph server on a free local port, stopped when dropped.
pub struct Ralph {
    child: Child,
    /// The port Ralph listens on, on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
}

impl Ralph {
    pub fn start(dir: &Path) -> Ralph {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Ralph::start_on(dir, port)
    }

    pub fn start_on(dir: &Path, port: u16) -> Ralph {
        Ralph::start_with(dir, port, None)
    }

    /// A Ralph that sends up to `limit` statements a page (Ralph's default is 100), as an LRS
    /// in service would: the scale bench's pages then match the reader's `limit`.
    #[allow(dead_code)]
    pub fn start_paged(dir: &Path, limit: usize) -> Ralph {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Ralph::start_with(dir, port, Some(limit))
    }

    fn start_with(dir: &Path, port: u16, page_limit: Option<usize>) -> Ralph {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let log = std::fs::File::create(dir.with_extension("log")).expect("log file");
        let mut server = Command::new("bash");
        if let Some(limit) = page_limit {
            server.env("SILENT_SLAVERY_RALPH_PAGE_LIMIT", limit.to_string());
        }
        let child = server
            .arg(root.join("tests/support/ralph-server.sh"))
            .arg(dir)
            .arg(port.to_string())
            .arg(USER)
            .arg(PASSWORD)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starts Ralph");
        let ralph = Ralph {
            child,
            port,
            dir: dir.to_path_buf(),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .http_status_as_error(false)
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = agent
                .get(&format!("http://127.0.0.1:{port}/__heartbeat__"))
                .call()
                .is_ok_and(|r| r.status().as_u16() == 200);
            if ready {
                return ralph;
            }
            assert!(
                Instant::now() < deadline,
                "Ralph did not start; its log: {}",
                std::fs::read_to_string(dir.with_extension("log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/xAPI/", self.port)
    }

    /// Statements the LRS holds for a registration.
    pub fn statements(&self, registration: &str) -> Vec<Value> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        use base64::Engine as _;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
        );
        let mut response = agent
            .get(&format!(
                "{}statements?registration={registration}&limit=500",
                self.endpoint()
            ))
            .header("Authorization", &auth)
            .header("X-Experience-API-Version", "1.0.3")
            .call()
            .expect("reads back");
        let body: Value =
            serde_json::from_str(&response.body_mut().read_to_string().expect("body"))
                .expect("JSON");
        body["statements"].as_array().cloned().unwrap_or_default()
    }

    /// Every statement record Ralph has written, in storage order: the append backend's
    /// `fs_lrs.jsonl` holds one JSON statement a line, so a duplicate shows as a second line.
    pub fn stored(&self) -> Vec<Value> {
        let file = self.dir.join("fs_lrs.jsonl");
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            // Nothing stored yet: Ralph creates the file on its first write.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => panic!("reading {}: {e}", file.display()),
        };
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).expect("one JSON statement a line"))
            .collect()
    }

    pub fn stop(mut self) -> PathBuf {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dir.clone()
    }
}

impl Drop for Ralph {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Plays `scenario` with `seed`, following a path that passes (or, with `fail`, one with
/// a critical breach), recording every input.
pub fn record_path(
    store: &Store,
    catalog: &Arc<Catalog>,
    scenario: &Arc<LoadedScenario>,
    seed: u64,
    fail: bool,
) {
    record_path_as(store, "4521", catalog, scenario, seed, fail);
}

/// As [`record_path`], for the trainee with staff number `staff` (already in the store).
pub fn record_path_as(
    store: &Store,
    staff: &str,
    catalog: &Arc<Catalog>,
    scenario: &Arc<LoadedScenario>,
    seed: u64,
    fail: bool,
) {
    let walk = explore::explore(&scenario.scenario, catalog, explore::DEFAULT_PATH_LIMIT);
    let scored = explore::scored_paths(&scenario.scenario, catalog, &scenario.bounds, &walk);
    let wanted: Vec<_> = scored
        .iter()
        .filter(|p| {
            if fail {
                p.score
                    .rulesets
                    .iter()
                    .any(|r| !r.critical_breaches.is_empty())
            } else {
                p.score.passed
            }
        })
        .map(|p| p.transcript.clone())
        .collect();
    let (mut attempt, _) = RecordedAttempt::start(
        store,
        staff,
        IdentifiedBy::CommandLine,
        Arc::clone(scenario),
        Arc::clone(catalog),
        seed,
    )
    .expect("starts");
    loop {
        let runner = attempt.runner();
        if runner.is_finished() {
            break;
        }
        let done = runner.transcript();
        let input = match runner.view() {
            View::Identify { cues, .. } => {
                // Flag every true indicator on screen once, then move on.
                let path = wanted
                    .iter()
                    .find(|p| p.variants.starts_with(&done.variants))
                    .expect("a path for these variants");
                match cues
                    .iter()
                    .find(|c| !c.flagged && path.flagged_cues.contains(&c.cue.id))
                {
                    Some(c) => Input::Flag(c.cue.id.clone()),
                    None => Input::Continue,
                }
            }
            View::Decision { step, .. } => {
                let path = wanted
                    .iter()
                    .find(|p| {
                        p.variants.starts_with(&done.variants)
                            && p.choices.starts_with(&done.choices)
                    })
                    .expect("a path continuing this attempt");
                let (at, option) = path.choices[done.choices.len()].clone();
                assert_eq!(at, step.id, "the path's next decision is this one");
                Input::Choose(option)
            }
            _ => Input::Continue,
        };
        attempt.apply(store, &input).expect("recorded");
    }
}

/// A results store at `db` with one trainee (staff number 4521), and the shipped scenarios
/// (templates left out).
pub fn store_with_shipped(db: &Path) -> (Arc<Catalog>, Store, Vec<Arc<LoadedScenario>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
    let library = silent_slavery_scenario::library::load_paths(&[root.join("scenarios")], &catalog);
    let store = Store::open(db).expect("store");
    store
        .add_trainee(&silent_slavery_results::attempt::Trainee {
            staff_number: "4521".into(),
            name: "A. Example".into(),
            unit: "North Response".into(),
        })
        .expect("trainee");
    let shipped = library
        .scenarios
        .iter()
        .filter(|s| !s.file.contains("/_"))
        .map(|s| Arc::new(s.clone()))
        .collect();
    (catalog, store, shipped)
}

pub fn config() -> XapiConfig {
    XapiConfig {
        home_page: "https://lms.example.org".into(),
        activity_base: "https://lms.example.org/silent-slavery".into(),
        pseudonymise_key: None,
    }
}
