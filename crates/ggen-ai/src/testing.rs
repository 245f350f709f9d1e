//! A scripted HTTP server on 127.0.0.1 for tests (feature `testing`): it answers each request
//! with the next scripted [`Reply`] and records what it received, so tests can speak each
//! provider's wire format without the internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body, sent at once with a `Content-Length` (unless `chunks` is non-empty).
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// A streamed body: pieces written one by one (each after its pause), then the connection
    /// is closed.
    pub chunks: Vec<(Duration, Vec<u8>)>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::text(status, &value.to_string()).header("content-type", "application/json")
    }

    /// A text answer.
    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            chunks: Vec::new(),
        }
    }

    /// A server-sent event stream: each item is sent as `data: <item>\n\n` (items that already
    /// start with `event:`, `data:` or `:` (a comment) are sent as they are, followed by a blank
    /// line).
    pub fn sse(events: &[&str]) -> Self {
        let chunks = events
            .iter()
            .map(|e| {
                let text =
                    if e.starts_with("event:") || e.starts_with("data:") || e.starts_with(':') {
                        format!("{e}\n\n")
                    } else {
                        format!("data: {e}\n\n")
                    };
                (Duration::from_millis(5), text.into_bytes())
            })
            .collect();
        Self {
            chunks,
            ..Self::text(200, "")
        }
        .header("content-type", "text/event-stream")
    }

    /// A newline-delimited JSON stream.
    pub fn ndjson(lines: &[serde_json::Value]) -> Self {
        let chunks = lines
            .iter()
            .map(|l| (Duration::from_millis(5), format!("{l}\n").into_bytes()))
            .collect();
        Self {
            chunks,
            ..Self::text(200, "")
        }
        .header("content-type", "application/x-ndjson")
    }

    /// Add a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answer after a pause.
    #[must_use]
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers (names lowercased), in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The server. Dropping it stops it.
#[derive(Debug)]
pub struct ScriptedServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Start on 127.0.0.1 with a free port. Requests beyond the script get HTTP 500
    /// `{"error":{"message":"no scripted reply left"}}`.
    pub fn start(replies: Vec<Reply>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let queue = Arc::new(Mutex::new(std::collections::VecDeque::from(replies)));
        let (reqs, stopping) = (requests.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (reqs, queue) = (reqs.clone(), queue.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &reqs, &queue);
                });
            }
        });
        Ok(Self {
            addr,
            requests,
            stop,
            handle: Some(handle),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

type Queue = Mutex<std::collections::VecDeque<Reply>>;

fn serve(conn: TcpStream, reqs: &Mutex<Vec<Recorded>>, queue: &Queue) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    if method.is_empty() {
        return Ok(());
    }
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if let Some(n) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        reader.read_exact(&mut body)?;
    } else if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            if size == 0 {
                line.clear();
                reader.read_line(&mut line)?;
                break;
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            line.clear();
            reader.read_line(&mut line)?;
        }
    }
    let reply = {
        let mut r = reqs.lock().map_err(|_| std::io::Error::other("poisoned"))?;
        r.push(Recorded {
            method,
            path,
            headers,
            body,
        });
        queue
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .pop_front()
    };
    let reply = reply.unwrap_or_else(|| {
        Reply::json(
            500,
            &serde_json::json!({ "error": { "message": "no scripted reply left" } }),
        )
    });
    std::thread::sleep(reply.delay);
    let mut out = conn;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nconnection: close\r\n",
        reply.status,
        reason(reply.status)
    );
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if reply.chunks.is_empty() {
        head.push_str(&format!("content-length: {}\r\n\r\n", reply.body.len()));
        out.write_all(head.as_bytes())?;
        out.write_all(&reply.body)?;
    } else {
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.flush()?;
        for (pause, chunk) in &reply.chunks {
            std::thread::sleep(*pause);
            out.write_all(chunk)?;
            out.flush()?;
        }
    }
    out.flush()?;
    let _ = out.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
