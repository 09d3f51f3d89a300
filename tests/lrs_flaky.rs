//! Sync through a slow and flapping connection to a real LRS (Ralph behind a fault-injecting proxy): repeated syncs converge, and the LRS ends up holding every queued statement exactly once, as queued, with none rejected.
//!
//! Needs `bash tests/support/install-lrs.sh`; without it the test says so and passes,
//! except under CI (`CI=true`), where a missing LRS is a failure.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use silent_slavery_results::xapi::outbox::{self, BATCH, Backoff, Lrs};

#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/ralph.rs"]
mod ralph;

use fault_proxy::{Fault, FaultProxy};
use ralph::{PASSWORD, Ralph, USER, config, lrs_available, record_path, store_with_shipped};

/// The client's timeout for one request.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Most syncs the queue may take to drain: each gets at least one batch through the
/// schedule below, so this is several times what is needed.
const ROUNDS: usize = 40;

/// Every fault, in a cycle of twelve connections, one request each. With three tries a
/// batch, the shipped scenarios' statements (380 of them today) meet it like this: connection 0 delivers a batch; the next batch
/// fails on 1–3, so that sync gives up, though Ralph has stored it (late from 1, and from 3
/// whose answer was dropped); the next sync delivers it again on 4 and more on 5 and 7;
/// the batch after fails on 8–10 without reaching Ralph, so a client that took a failure
/// for a delivery would lose it; and so on, round the cycle.
fn schedule() -> Vec<Fault> {
    vec![
        Fault::Pass,
        // Past the client's timeout: it gives up, and the request reaches Ralph later anyway.
        Fault::Delay(TIMEOUT + Duration::from_secs(1)),
        Fault::Close,
        // Ralph stores the batch; the client hears nothing and must send it again.
        Fault::DropResponse,
        // Slow, but within the timeout.
        Fault::Delay(Duration::from_millis(300)),
        // The status line arrives, the rest does not.
        Fault::CutBody,
        // Not even a whole status line.
        Fault::CutHead,
        Fault::Pass,
        Fault::Close,
        Fault::Close,
        Fault::Close,
        Fault::Pass,
    ]
}

#[test]
fn sync_through_a_flapping_lrs_delivers_everything_exactly_once() {
    if !lrs_available() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let (catalog, store, shipped) = store_with_shipped(&work.path().join("results.sqlite3"));
    for seed in 0..3 {
        for scenario in &shipped {
            record_path(&store, &catalog, scenario, seed, false);
        }
    }
    record_path(&store, &catalog, &shipped[0], 99, true);
    let queued = outbox::queue_finished_attempts(&store, &catalog, &config()).expect("queued");
    assert!(
        queued >= 5 * BATCH,
        "enough statements for several batches: {queued}"
    );
    let sent: BTreeMap<String, Value> = // A second connection to the same file: the store's SQL stays behind its methods.
    rusqlite::Connection::open(store.path().expect("a file store"))
        .expect("opens")
        .prepare("SELECT statement_id, statement_json FROM xapi_outbox")
        .expect("query")
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("rows")
        .map(|row| {
            let (id, json) = row.expect("row");
            (id, serde_json::from_str(&json).expect("queued JSON"))
        })
        .collect();
    assert_eq!(sent.len(), queued);

    let ralph = Ralph::start(&work.path().join("lrs"));
    let proxy = FaultProxy::start(ralph.port, schedule());
    let backoff = Backoff {
        tries: 3,
        first_wait: Duration::from_millis(20),
        timeout: TIMEOUT,
    };
    let lrs = Lrs::new(&proxy.endpoint(), USER, PASSWORD, backoff).expect("lrs");
    let mut rounds = Vec::new();
    loop {
        let report = outbox::sync(&store, &catalog, &config(), &lrs, backoff).expect("sync");
        let done = report.pending == 0;
        rounds.push(report);
        if done {
            break;
        }
        assert!(
            rounds.len() < ROUNDS,
            "still waiting after {ROUNDS} syncs: {rounds:#?}"
        );
    }
    // Requests held back past the client's timeout are still on their way to Ralph; what it
    // ends up with includes them.
    proxy.wait_quiet(Duration::from_secs(30));

    // The proxy did make every fault, on batches of statements, and went round its whole
    // cycle.
    let seen = proxy.seen();
    assert!(seen.len() >= schedule().len(), "{seen:#?}");
    assert!(
        seen.iter().all(|s| s.error.is_none()),
        "the proxy itself failed: {seen:#?}"
    );
    for fault in schedule() {
        assert!(
            seen.iter()
                .any(|s| s.fault == fault
                    && (fault == Fault::Close || s.request.starts_with("POST "))),
            "no batch met {fault:?}: {seen:#?}"
        );
    }
    assert!(
        seen.iter()
            .any(|s| s.fault == Fault::DropResponse && s.status == Some(200)),
        "Ralph never stored a batch whose answer was lost: {seen:#?}"
    );
    assert!(
        rounds.iter().any(|r| r.last_error.is_some()),
        "no sync gave up on the LRS: {rounds:#?}"
    );

    // The outbox: everything delivered, each statement once, nothing rejected.
    assert!(rounds.iter().all(|r| r.rejected.is_empty()), "{rounds:#?}");
    assert_eq!(
        rounds.iter().map(|r| r.delivered).sum::<usize>(),
        queued,
        "each statement counted delivered once: {rounds:#?}"
    );
    for id in sent.keys() {
        let (status, _, _) = outbox::status_of(&store, id).expect("row").expect("kept");
        assert_eq!(status, "delivered", "{id}");
    }

    // Ralph, read directly: every record it wrote, so a duplicate would be a second line.
    let stored = ralph.stored();
    let mut held: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for record in &stored {
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        held.entry(id).or_default().push(record);
    }
    let extra: Vec<&String> = held.keys().filter(|id| !sent.contains_key(*id)).collect();
    assert!(
        extra.is_empty(),
        "Ralph holds statements never queued: {extra:?}"
    );
    for (id, statement) in &sent {
        let copies = held.get(id).map_or(&[][..], Vec::as_slice);
        assert_eq!(copies.len(), 1, "Ralph holds {id} {} time(s)", copies.len());
        assert!(
            outbox::same_statement(statement, copies[0]),
            "queued {statement:#}\nheld {:#}",
            copies[0]
        );
    }
    assert_eq!(stored.len(), queued);
    // And through its API, per attempt, as a learning system would read them.
    for attempt in store.all_attempts().expect("attempts") {
        let registration = attempt.id.to_string();
        let expected = sent
            .values()
            .filter(|s| s["context"]["registration"] == registration.as_str())
            .count();
        assert_eq!(
            ralph.statements(&registration).len(),
            expected,
            "{registration}"
        );
    }
}
