//! The round trip to a real learning record store (Ralph on 127.0.0.1): every statement the exporter makes for the shipped scenarios is valid and accepted, reads back as sent, re-sending is idempotent, and a down or rejecting LRS loses nothing.
//!
//! Needs `bash tests/support/install-lrs.sh`; without it the test says so and passes,
//! except under CI (`CI=true`), where a missing LRS is a failure.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use silent_slavery_results::xapi::outbox::{self, Backoff, Lrs};

#[path = "support/ralph.rs"]
mod ralph;

use ralph::{PASSWORD, Ralph, USER, config, lrs_available, record_path, store_with_shipped};

fn quick() -> Backoff {
    Backoff {
        tries: 2,
        first_wait: Duration::from_millis(100),
        timeout: Duration::from_secs(10),
    }
}

#[test]
fn statements_round_trip_through_a_real_lrs() {
    if !lrs_available() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    let (catalog, store, shipped) = store_with_shipped(&db);
    assert!(shipped.len() >= 10);
    for (n, scenario) in shipped.iter().enumerate() {
        record_path(&store, &catalog, scenario, n as u64, false);
    }
    record_path(&store, &catalog, &shipped[0], 99, true);

    // Every statement is valid by the conformance-tested validator.
    let statements =
        outbox::statements_for(&store, &catalog, &config(), &Default::default(), |_| {})
            .expect("statements");
    let file = work.path().join("statements.json");
    std::fs::write(&file, serde_json::to_vec(&statements).expect("json")).expect("write");
    let validated = Command::new("node")
        .arg(root.join("tests/support/xapi-validate.js"))
        .stdin(std::fs::File::open(&file).expect("open"))
        .output()
        .expect("node runs");
    assert_eq!(
        validated.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&validated.stderr)
    );
    let problems: Value = serde_json::from_slice(&validated.stdout).expect("validator JSON");
    assert_eq!(problems, serde_json::json!([]), "validator problems");

    // The command line sends them all; Ralph's answer is the second validator.
    let lrs_dir = work.path().join("lrs");
    let ralph = Ralph::start(&lrs_dir);
    let password_file = work.path().join("password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_silent-slavery"))
        .args([
            "sync",
            "--lrs",
            &ralph.endpoint(),
            "--user",
            USER,
            "--password-file",
        ])
        .arg(&password_file)
        .arg("--db")
        .arg(&db)
        .args(["--home-page", "https://lms.example.org"])
        .output()
        .expect("sync runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "queued {0}, delivered {0}, rejected 0, still waiting 0",
            statements.len()
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
        "credentials never printed"
    );

    // What the LRS holds is what was sent.
    for attempt in store.all_attempts().expect("attempts") {
        let sent: Vec<&Value> = statements
            .iter()
            .filter(|s| s["context"]["registration"] == attempt.id.to_string())
            .collect();
        let held = ralph.statements(&attempt.id.to_string());
        assert_eq!(held.len(), sent.len(), "attempt {}", attempt.id);
        for s in sent {
            let back = held.iter().find(|h| h["id"] == s["id"]).expect("held");
            assert!(outbox::same_statement(s, back), "sent {s:#}\nheld {back:#}");
        }
    }

    // Sending everything again changes nothing at the LRS and counts as delivered.
    // A second connection to the same file: the store's SQL stays behind its methods.
    rusqlite::Connection::open(store.path().expect("a file store"))
        .expect("opens")
        .execute("UPDATE xapi_outbox SET status = 'pending'", [])
        .expect("requeue");
    let lrs = Lrs::new(&ralph.endpoint(), USER, PASSWORD, quick()).expect("lrs");
    let again = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert_eq!(
        (again.delivered, again.rejected.len(), again.pending),
        (statements.len(), 0, 0)
    );
    let first = store.all_attempts().expect("attempts")[0].id.to_string();
    assert_eq!(
        ralph.statements(&first).len(),
        statements
            .iter()
            .filter(|s| s["context"]["registration"] == first)
            .count(),
        "no duplicates"
    );

    // A statement the LRS refuses is kept with its reason and reported, never dropped.
    let bad_id = "7f1a3c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b";
    // A second connection to the same file: the store's SQL stays behind its methods.
    rusqlite::Connection::open(store.path().expect("a file store"))
        .expect("opens")
        .execute(
            "INSERT INTO xapi_outbox (statement_id, attempt_id, seq, statement_json, status, tries, created_at, updated_at)
             VALUES (?1, ?2, 99, ?3, 'pending', 0, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z')",
            rusqlite::params![
                bad_id,
                first,
                serde_json::json!({"id": bad_id, "verb": {"id": "not a verb"}, "object": {"id": "https://lms.example.org/x"}}).to_string()
            ],
        )
        .expect("insert");
    let rejected = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert_eq!(rejected.rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected.rejected[0].0, bad_id);
    assert!(
        rejected.rejected[0].1.starts_with("HTTP 4"),
        "{}",
        rejected.rejected[0].1
    );
    let (status, _, error) = outbox::status_of(&store, bad_id)
        .expect("row")
        .expect("kept");
    assert_eq!(status, "rejected");
    assert!(error.is_some_and(|e| e.starts_with("HTTP 4")));

    // A different statement under an id the LRS already holds is a conflict: rejected.
    let held_id = statements[0]["id"].as_str().expect("id").to_owned();
    let mut changed = statements[0].clone();
    changed["timestamp"] = Value::String("2020-01-01T00:00:00Z".into());
    // A second connection to the same file: the store's SQL stays behind its methods.
    rusqlite::Connection::open(store.path().expect("a file store"))
        .expect("opens")
        .execute(
            "UPDATE xapi_outbox SET status = 'pending', statement_json = ?2 WHERE statement_id = ?1",
            rusqlite::params![held_id, changed.to_string()],
        )
        .expect("update");
    let conflict = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert!(
        conflict.rejected.iter().any(|(id, _)| id == &held_id),
        "{conflict:?}"
    );

    // The LRS goes down: new statements wait in the outbox with the error, then go when it
    // is back, once each.
    let port = ralph.port;
    let lrs_dir = ralph.stop();
    record_path(&store, &catalog, &shipped[1], 7, false);
    let down = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert!(down.pending > 0 && down.delivered == 0, "{down:?}");
    assert!(down.last_error.is_some());
    let ralph = Ralph::start_on(&lrs_dir, port);
    let back = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert_eq!(
        (back.pending, back.delivered),
        (0, down.pending),
        "{back:?}"
    );
    let newest = store
        .all_attempts()
        .expect("attempts")
        .last()
        .expect("one")
        .id
        .to_string();
    let sent = outbox::statements_for(&store, &catalog, &config(), &Default::default(), |_| {})
        .expect("statements")
        .into_iter()
        .filter(|s| s["context"]["registration"] == newest)
        .count();
    assert_eq!(ralph.statements(&newest).len(), sent);

    // A wrong password says nothing about the statements: they stay queued, not rejected.
    record_path(&store, &catalog, &shipped[2], 11, false);
    let wrong = Lrs::new(&ralph.endpoint(), USER, "not the password", quick()).expect("lrs");
    let refused = outbox::sync(&store, &catalog, &config(), &wrong, quick()).expect("sync");
    assert!(refused.rejected.is_empty(), "{refused:?}");
    assert!(refused.pending > 0 && refused.delivered == 0, "{refused:?}");
    assert!(
        refused
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("HTTP 401")),
        "{refused:?}"
    );
    let fixed = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert_eq!((fixed.pending, fixed.delivered), (0, refused.pending));

    // The app's background sender delivers a new attempt without anyone running sync.
    record_path(&store, &catalog, &shipped[3], 13, false);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let rounds = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&rounds);
    let sender = outbox::spawn_background_sync(
        db.clone(),
        Arc::clone(&catalog),
        config(),
        lrs.clone(),
        quick(),
        Duration::from_millis(200),
        Arc::clone(&stop),
        move |round| seen.lock().expect("rounds").push(round.map(|r| r.pending)),
    );
    let newest = store
        .all_attempts()
        .expect("attempts")
        .last()
        .expect("one")
        .id
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ralph.statements(&newest).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the background sender delivered nothing: {:?}",
            rounds.lock().expect("rounds")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.join().expect("the sender stops");
    assert!(rounds.lock().expect("rounds").iter().all(Result::is_ok));

    // Rejected statements go again on request, and are rejected again for the same reason.
    let again = outbox::retry_rejected(&store).expect("requeue");
    assert_eq!(again, 2, "the malformed one and the conflicting one");
    let resent = outbox::sync(&store, &catalog, &config(), &lrs, quick()).expect("sync");
    assert_eq!(resent.rejected.len(), 2, "{resent:?}");
}
