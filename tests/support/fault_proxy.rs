//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for tests: each connection it accepts gets the fault its number picks from a fixed schedule (delay, close, drop or cut the response), so a client can be tested against a slow or flapping server without randomness.
// Each test crate that includes this file uses a different part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request and the whole response.
    Pass,
    /// Hold the request this long, then forward it and the response. Longer than the
    /// client's timeout, the client gives up but the server still gets the request, late.
    Delay(Duration),
    /// Close the connection at once, forwarding nothing.
    Close,
    /// Forward the request, wait for the whole response, then close without sending any of
    /// it: the server has done the work, the client sees a failure.
    DropResponse,
    /// Forward the request and send back only half of the response's status line and
    /// headers.
    CutHead,
    /// Forward the request and send back the response's head and half its body.
    CutBody,
}

/// One connection the proxy handled.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The connection's number, from 0, in the order accepted.
    pub n: usize,
    /// What was done to it.
    pub fault: Fault,
    /// The request line (`POST /xAPI/statements HTTP/1.1`), empty when the request was not
    /// read.
    pub request: String,
    /// The server's status code, when the request reached it.
    pub status: Option<u16>,
    /// What went wrong inside the proxy itself (not a fault it was told to make).
    pub error: Option<String>,
}

/// The proxy; it stops accepting when dropped.
pub struct FaultProxy {
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    in_flight: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy to `127.0.0.1:upstream` that treats connection `n` with
    /// `schedule[n % schedule.len()]`.
    pub fn start(upstream: u16, schedule: Vec<Fault>) -> FaultProxy {
        assert!(!schedule.is_empty(), "a schedule of at least one fault");
        let listener = TcpListener::bind("127.0.0.1:0").expect("the proxy binds");
        let port = listener.local_addr().expect("its address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (seen, in_flight, stop) =
                (Arc::clone(&seen), Arc::clone(&in_flight), Arc::clone(&stop));
            std::thread::spawn(move || {
                for (n, client) in listener.incoming().enumerate() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let fault = schedule[n % schedule.len()];
                    // Counted before the thread starts, so a caller waiting for quiet never
                    // misses a connection that was accepted but not yet running.
                    in_flight.fetch_add(1, Ordering::SeqCst);
                    let (seen, in_flight) = (Arc::clone(&seen), Arc::clone(&in_flight));
                    std::thread::spawn(move || {
                        let record = handle(n, client, upstream, fault);
                        seen.lock().expect("the proxy log").push(record);
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            })
        };
        FaultProxy {
            port,
            seen,
            in_flight,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// The xAPI endpoint of a Ralph behind the proxy.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/xAPI/", self.port)
    }

    /// Waits until every connection accepted so far is finished, including requests held
    /// back after their client gave up, so what reaches the server is complete.
    pub fn wait_quiet(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.in_flight.load(Ordering::SeqCst) > 0 {
            assert!(
                Instant::now() < deadline,
                "the proxy still has connections open after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every connection handled so far, in the order accepted.
    pub fn seen(&self) -> Vec<Seen> {
        let mut seen = self.seen.lock().expect("the proxy log").clone();
        seen.sort_by_key(|s| s.n);
        seen
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn handle(n: usize, mut client: TcpStream, upstream: u16, fault: Fault) -> Seen {
    let mut seen = Seen {
        n,
        fault,
        request: String::new(),
        status: None,
        error: None,
    };
    if fault == Fault::Close {
        return seen;
    }
    match exchange(&mut client, upstream, fault, &mut seen) {
        Ok(()) => {}
        Err(e) => seen.error = Some(e),
    }
    let _ = client.shutdown(Shutdown::Both);
    seen
}

fn exchange(
    client: &mut TcpStream,
    upstream: u16,
    fault: Fault,
    seen: &mut Seen,
) -> Result<(), String> {
    let io = |what: &str| {
        let what = what.to_owned();
        move |e: std::io::Error| format!("{what}: {e}")
    };
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(io("client timeout"))?;
    let (head, body) = read_request(client)?;
    seen.request = head.lines().next().unwrap_or_default().to_owned();
    if let Fault::Delay(wait) = fault {
        std::thread::sleep(wait);
    }
    // One request per connection: the server closes after answering, so the response ends
    // where the stream does and every request the client makes is a new, numbered connection.
    let mut server = TcpStream::connect(("127.0.0.1", upstream)).map_err(io("connect"))?;
    server
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(io("server timeout"))?;
    server
        .write_all(with_connection_close(&head).as_bytes())
        .and_then(|()| server.write_all(&body))
        .map_err(io("forwarding the request"))?;
    let mut response = Vec::new();
    server
        .read_to_end(&mut response)
        .map_err(io("reading the response"))?;
    let split = find(&response, b"\r\n\r\n")
        .map(|at| at + 4)
        .ok_or("the response has no end of head")?;
    let head = String::from_utf8_lossy(&response[..split]);
    seen.status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok());
    // The client must not keep the connection for another request either.
    let head = with_connection_close(&head);
    let body = &response[split..];
    let sent: Vec<u8> = match fault {
        Fault::Pass | Fault::Delay(_) => [head.as_bytes(), body].concat(),
        Fault::DropResponse | Fault::Close => Vec::new(),
        Fault::CutHead => head.as_bytes()[..head.len() / 2].to_vec(),
        Fault::CutBody => [head.as_bytes(), &body[..body.len() / 2]].concat(),
    };
    // After a long delay the client has gone: failing to answer it is the point.
    let _ = client.write_all(&sent);
    Ok(())
}

/// The request's head (up to and with the blank line) and its body, by Content-Length.
fn read_request(client: &mut TcpStream) -> Result<(String, Vec<u8>), String> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        if let Some(at) = find(&data, b"\r\n\r\n") {
            break at + 4;
        }
        let got = client
            .read(&mut chunk)
            .map_err(|e| format!("reading the request: {e}"))?;
        if got == 0 {
            return Err("the client closed before the end of the request head".into());
        }
        data.extend_from_slice(&chunk[..got]);
    };
    let head = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut length = 0;
    for line in head.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") {
            return Err(format!("the proxy does not handle {line}"));
        }
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().map_err(|e| format!("{line}: {e}"))?;
        }
    }
    let mut body = data[split..].to_vec();
    while body.len() < length {
        let got = client
            .read(&mut chunk)
            .map_err(|e| format!("reading the request body: {e}"))?;
        if got == 0 {
            return Err("the client closed before the end of the request body".into());
        }
        body.extend_from_slice(&chunk[..got]);
    }
    Ok((head, body))
}

/// `head` (an HTTP head ending in a blank line) with any Connection header replaced by
/// `Connection: close`.
fn with_connection_close(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
