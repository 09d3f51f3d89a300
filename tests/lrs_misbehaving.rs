//! Servers that are not quite an LRS: a web page or a redirect answering `sync` delivers nothing, and a `more` link to another server or round in a circle stops a read with an error and sends no credentials elsewhere.

#[path = "support/cli.rs"]
mod support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use support::{cli, record_attempt};

/// A request as the fake server saw it: method, path with query, whether it carried
/// credentials.
type Seen = Arc<Mutex<Vec<(String, String, bool)>>>;

/// Serves on 127.0.0.1 until the test ends, answering each request with what `answer` gives
/// for (method, path): (status line, extra headers, body).
fn serve(
    answer: impl Fn(&str, &str) -> (&'static str, String, String) + Send + 'static,
) -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("address").port();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let (mut length, mut credentials) = (0usize, false);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(n) = lower.strip_prefix("content-length:") {
                    length = n.trim().parse().unwrap_or(0);
                }
                credentials |= lower.starts_with("authorization:");
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut parts = request_line.split_whitespace();
            let method = parts.next().unwrap_or("").to_owned();
            let path = parts.next().unwrap_or("").to_owned();
            log.lock()
                .expect("log")
                .push((method.clone(), path.clone(), credentials));
            let (status, headers, body) = answer(&method, &path);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, seen)
}

fn store_with_an_attempt(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("results.sqlite3");
    record_attempt(
        &db,
        "roadside_minibus_dawn",
        Path::new("tests/scripts/roadside_minibus_dawn_best.txt"),
        0,
        "North",
    );
    db
}

fn pending(db: &Path) -> (i64, i64) {
    rusqlite::Connection::open(db)
        .expect("store")
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'pending') FROM xapi_outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts")
}

/// The arguments that point a command at the fake LRS on `port` as `user`, with a password file
/// in `dir` holding `password`.
fn lrs_at(port: u16, dir: &Path, user: &str, password: &str) -> Vec<std::ffi::OsString> {
    let file = dir.join("password");
    std::fs::write(&file, password).expect("written");
    vec![
        "--lrs".into(),
        format!("http://127.0.0.1:{port}/xAPI/").into(),
        "--user".into(),
        user.into(),
        "--password-file".into(),
        file.into(),
        "--home-page".into(),
        "https://learning.example.org".into(),
    ]
}

fn sync(db: &Path, dir: &Path, port: u16) -> std::process::Output {
    cli()
        .arg("sync")
        .args(lrs_at(port, dir, "sync", "secret\n"))
        .arg("--db")
        .arg(db)
        .output()
        .expect("runs")
}

#[test]
fn a_web_page_answering_200_is_not_a_delivery() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let (port, seen) = serve(|_, _| {
        (
            "200 OK",
            "Content-Type: text/html\r\n".into(),
            "<html><body>Please sign in to the proxy</body></html>".into(),
        )
    });
    let out = sync(&db, dir.path(), port);
    assert_eq!(out.status.code(), Some(1), "statements still wait");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("answered, but not as an xAPI LRS storing statements does"),
        "{said}"
    );
    let (queued, waiting) = pending(&db);
    assert!(queued > 0);
    assert_eq!(waiting, queued, "nothing was marked delivered");
    assert!(
        seen.lock()
            .expect("log")
            .iter()
            .all(|(m, _, _)| m == "POST")
    );
}

#[test]
fn a_redirect_is_not_followed_and_delivers_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let (elsewhere, seen_elsewhere) = serve(|_, _| ("200 OK", String::new(), "[\"an id\"]".into()));
    let (port, _) = serve(move |_, _| {
        (
            "302 Found",
            format!("Location: http://127.0.0.1:{elsewhere}/xAPI/statements\r\n"),
            String::new(),
        )
    });
    let out = sync(&db, dir.path(), port);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "the LRS address redirects to http://127.0.0.1:{elsewhere}/xAPI/statements"
        )),
        "{said}"
    );
    let (queued, waiting) = pending(&db);
    assert_eq!(waiting, queued);
    assert!(seen_elsewhere.lock().expect("log").is_empty());
}

/// The xAPI statements of every attempt in the store `db`, as `export --format xapi` writes them.
fn statements_of(db: &Path, dir: &Path) -> Vec<serde_json::Value> {
    let exported = dir.join("statements.json");
    let out = cli()
        .args(["export", "--format", "xapi", "--db"])
        .arg(db)
        .arg("--out")
        .arg(&exported)
        .args(["--home-page", "https://learning.example.org"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(&exported).expect("read")).expect("JSON")
}

/// A fake LRS whose every page is these statements, with no `more` link; its port.
fn lrs_holding(statements: &[serde_json::Value]) -> u16 {
    let page = serde_json::json!({ "statements": statements }).to_string();
    serve(move |_, _| {
        (
            "200 OK",
            "Content-Type: application/json\r\n".into(),
            page.clone(),
        )
    })
    .0
}

fn report_from(port: u16, dir: &Path) -> std::process::Output {
    cli()
        .arg("report")
        .args(lrs_at(port, dir, "lead", "secret\n"))
        .output()
        .expect("runs")
}

#[test]
fn a_more_link_to_another_server_is_not_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (thief, seen_by_thief) =
        serve(|_, _| ("200 OK", String::new(), "{\"statements\":[]}".into()));
    let (port, _) = serve(move |_, _| {
        (
            "200 OK",
            "Content-Type: application/json\r\n".into(),
            format!("{{\"statements\":[],\"more\":\"http://127.0.0.1:{thief}/steal\"}}"),
        )
    });
    let out = report_from(port, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("leads to another server than the LRS"),
        "{stderr}"
    );
    assert!(
        seen_by_thief.lock().expect("log").is_empty(),
        "no request, so no credentials, went elsewhere"
    );
}

#[test]
fn more_links_that_go_round_in_a_circle_stop_the_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (port, seen) = serve(|_, path| {
        let next = if path.ends_with("page=a") { "b" } else { "a" };
        (
            "200 OK",
            "Content-Type: application/json\r\n".into(),
            format!("{{\"statements\":[],\"more\":\"/xAPI/statements?page={next}\"}}"),
        )
    });
    let out = report_from(port, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("go round in a circle"), "{stderr}");
    assert!(seen.lock().expect("log").len() <= 4);
}

#[test]
fn an_empty_password_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (port, seen) = serve(|_, _| ("200 OK", String::new(), "{\"statements\":[]}".into()));
    let out = cli()
        .arg("report")
        .args(lrs_at(port, dir.path(), "lead", "\n"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the LRS password is empty"), "{stderr}");
    assert!(seen.lock().expect("log").is_empty());
}

/// A name that would forge a line of a report (control characters) or run in the lead's
/// spreadsheet (a formula) is not read: the attempt is left out and counted.
#[test]
fn a_name_with_control_characters_or_a_formula_from_the_lrs_is_left_out() {
    for (name, shown, said) in [
        (
            "A. Example\n  Completed: 99\u{1b}[2J",
            "Completed: 99",
            "its name holds a control character",
        ),
        (
            "=HYPERLINK(\"http://x\",\"A. Example\")",
            "HYPERLINK",
            "its name starts like a spreadsheet formula (=, +, - or @)",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = store_with_an_attempt(dir.path());
        let mut statements = statements_of(&db, dir.path());
        for statement in &mut statements {
            if statement["actor"]["name"].is_string() {
                statement["actor"]["name"] = name.into();
            }
        }
        let port = lrs_holding(&statements);
        let out = report_from(port, dir.path());
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{stderr}");
        assert!(stderr.contains("0 finished attempt(s)"), "{stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(shown));
    }
}

#[test]
fn one_staff_number_with_two_names_on_two_workstations_is_named_and_stops_the_upload() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = store_with_an_attempt(dir.path());
    let second = dir.path().join("second.sqlite3");
    let out = cli()
        .args(["run", "--scenario", "roadside_minibus_dawn", "--seed", "0"])
        .args([
            "--choices",
            "tests/scripts/roadside_minibus_dawn_best.txt",
            "--db",
        ])
        .arg(&second)
        .args([
            "--trainee",
            "4521",
            "--name",
            "Z. Other Person",
            "--unit",
            "Airport",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut statements = statements_of(&first, dir.path());
    statements.extend(statements_of(&second, dir.path()));
    let port = lrs_holding(&statements);
    let out = report_from(port, dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: 1 attempt(s) carry another name than an earlier attempt with the same staff number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4521: \"A. Example\" and \"Z. Other Person\""),
        "{stderr}"
    );

    let upload = dir.path().join("moodle.csv");
    let out = cli()
        .args(["export", "--format", "moodle", "--out"])
        .arg(&upload)
        .args(lrs_at(port, dir.path(), "lead", "secret\n"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("not written: 1 attempt(s) read from the LRS")
    );
    assert!(!upload.exists());
}

#[cfg(unix)]
#[test]
fn an_interrupted_read_leaves_no_copy_of_the_trainees_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    // An LRS that takes the connection and never answers: the read is under way when stopped.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let temporary = dir.path().join("tmp");
    std::fs::create_dir(&temporary).expect("dir");
    let mut report = std::process::Command::new(env!("CARGO_BIN_EXE_silent-slavery"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TMPDIR", &temporary)
        .arg("report")
        .args(lrs_at(port, dir.path(), "lead", "secret\n"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(&temporary)
        .expect("read")
        .next()
        .is_none()
    {
        assert!(std::time::Instant::now() < deadline, "the read never began");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &report.id().to_string()])
        .status()
        .expect("kill");
    assert!(interrupted.success());
    let status = report.wait().expect("ends");
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(&temporary)
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_scenario_version_changed_after_it_was_recorded_is_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let mut statements = statements_of(&db, dir.path());
    let mut tampered = 0;
    for statement in &mut statements {
        let Some(extensions) = statement["object"]["definition"]["extensions"].as_object_mut()
        else {
            continue;
        };
        for (key, value) in extensions.iter_mut() {
            if key.ends_with("/scenario") && value["title"].is_string() {
                value["title"] = "A title someone changed".into();
                tampered += 1;
            }
        }
    }
    assert_eq!(tampered, 1, "one scenario version among the statements");
    let port = lrs_holding(&statements);
    let out = report_from(port, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("its scenario does not have the content hash it claims"),
        "{stderr}"
    );
    assert!(
        stderr.contains("0 finished attempt(s), 0 scenario version(s)"),
        "{stderr}"
    );
}

#[test]
fn lrs_credentials_typed_without_lrs_are_refused_not_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = store_with_an_attempt(dir.path());
    let password = dir.path().join("password");
    std::fs::write(&password, "secret\n").expect("written");
    // Typed: the lead meant the LRS, and the local store alone would look like the whole force.
    for extra in [&["--user", "lead"][..], &["--password-file"]] {
        let mut command = cli();
        command
            .arg("report")
            .args(extra)
            .env_remove("SILENT_SLAVERY_LRS_USER")
            .env_remove("SILENT_SLAVERY_LRS_PASSWORD_FILE");
        if extra == ["--password-file"] {
            command.arg(&password);
        }
        let out = command.arg("--db").arg(&db).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(
                "--user and --password-file are for reading an LRS: add --lrs URL, or leave them out to read the results store"
            ),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // From a workstation's environment (set for the app's sync) they do not stop a local report.
    let out = cli()
        .arg("report")
        .env("SILENT_SLAVERY_LRS_USER", "sync")
        .env("SILENT_SLAVERY_LRS_PASSWORD_FILE", &password)
        .arg("--db")
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
