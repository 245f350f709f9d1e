//! The HTML page in a real headless browser: Debian's `chromium` driven by `chromedriver` over
//! the W3C WebDriver protocol (a tiny client on ureq). Load `/`, page through the results,
//! search, open a pack, see its versions (the yanked one marked), and check that pack text is
//! shown as text (a `<script>` in a description does not run). Skips visibly when chromium or
//! chromedriver is missing, unless `GGEN_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_bin(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .chain([
                PathBuf::from("/usr/bin"),
                PathBuf::from("/usr/lib/chromium"),
            ])
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        loop {
            if let Ok(mut r) = agent.get(&format!("{base}/status")).call()
                && r.body_mut().read_json::<Value>().unwrap()["value"]["ready"] == true
            {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let mut d = Self {
            child,
            base,
            session: String::new(),
            agent,
        };
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned();
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self
                .agent
                .post(&url)
                .send_json(b.unwrap_or_else(|| json!({}))),
        }
        .unwrap();
        let v: Value = resp.body_mut().read_json().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn goto(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({ "url": url })));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        self.call(
            "POST",
            &self.s("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[ELEMENT].as_str().unwrap().to_owned())
        .collect()
    }

    fn text(&self, el: &str) -> String {
        self.call("GET", &self.s(&format!("/element/{el}/text")), None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn attr(&self, el: &str, name: &str) -> Value {
        self.call(
            "GET",
            &self.s(&format!("/element/{el}/attribute/{name}")),
            None,
        )
    }

    fn click(&self, el: &str) {
        self.call("POST", &self.s(&format!("/element/{el}/click")), None);
    }

    fn type_into(&self, el: &str, text: &str) {
        self.call("POST", &self.s(&format!("/element/{el}/clear")), None);
        self.call(
            "POST",
            &self.s(&format!("/element/{el}/value")),
            Some(json!({ "text": text })),
        );
    }

    /// Wait until `css` matches an element whose text satisfies `ok`; return it.
    fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            if let Some(el) = self.find_all(css).into_iter().next() {
                last = self.text(&el);
                if ok(&last) {
                    return el;
                }
            }
            if start.elapsed() > Duration::from_secs(20) {
                let error = self
                    .find_all("#error")
                    .pop()
                    .map(|e| self.text(&e))
                    .unwrap_or_default();
                let source = self.call("GET", &self.s("/source"), None);
                panic!(
                    "timed out waiting for {css}: last text {last:?}, error {error:?}\n{source}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn search_and_browse_in_headless_chromium() {
    let chromium = find_bin(&["chromium", "chromium-browser"]);
    let driver = find_bin(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, driver) else {
        if std::env::var("GGEN_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GGEN_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed");
        }
        println!(
            "SKIPPED: search_and_browse_in_headless_chromium: chromium/chromedriver not installed"
        );
        eprintln!(
            "SKIPPED: search_and_browse_in_headless_chromium: chromium/chromedriver not installed"
        );
        return;
    };
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*", "yank:*"]);
    for n in 0..24 {
        let b = pack(t.path(), &format!("io.ui.pack{n:02}"), "0.1.0", None);
        assert_eq!(publish_raw(&s, Some(&tok), &body(&b)).status, 200);
    }
    for v in ["1.0.0", "1.1.0"] {
        let dir = write_pack(t.path(), "io.ui.models", v, &[]);
        let m = dir.join("ggen-pack.toml");
        let text = std::fs::read_to_string(&m).unwrap().replace(
            "description = \"Test pack models\"",
            "description = \"Serde models <script>document.title='pwned'</script>\"",
        );
        std::fs::write(&m, text).unwrap();
        assert_eq!(
            publish_raw(&s, Some(&tok), &body(&build(&dir, None))).status,
            200
        );
    }
    let r = request(
        "DELETE",
        &format!("{}/packs/io.ui.models/1.1.0/yank", s.api()),
        &[("authorization", &format!("Bearer {tok}"))],
        None,
    );
    assert_eq!(r.status, 200);

    let d = Driver::start(&chromium, &chromedriver, &t.path().join("profile"));
    // the landing page lists every pack, 20 per page
    d.goto(&s.url);
    d.wait_text("#summary", |t| t == "25 packs");
    assert_eq!(d.find_all("#results li.hit").len(), 20);
    d.wait_text("#page", |t| t == "page 1 of 2");
    let next = d.find_all("#next").pop().unwrap();
    d.click(&next);
    d.wait_text("#page", |t| t == "page 2 of 2");
    assert_eq!(d.find_all("#results li.hit").len(), 5);

    // search
    let q = d.find_all("#q").pop().unwrap();
    d.type_into(&q, "serde");
    let button = d.find_all("#search-button").pop().unwrap();
    d.click(&button);
    d.wait_text("#summary", |t| t == "1 pack");
    let link = d.wait_text("#results li.hit a.pack-link", |t| t == "io.ui.models");
    let hit = d.find_all("#results li.hit .vers").pop().unwrap();
    assert_eq!(
        d.text(&hit).trim(),
        "1.0.0",
        "the yanked 1.1.0 is not the latest"
    );
    let desc = d.find_all("#results li.hit .description").pop().unwrap();
    assert!(d.text(&desc).contains("<script>"), "shown as text");

    // open the pack: its versions, newest first, the yanked one marked
    d.click(&link);
    d.wait_text("#pack-title", |t| t == "io.ui.models");
    let rows = d.find_all("#versions tbody tr.version");
    assert_eq!(rows.len(), 2);
    assert_eq!(d.attr(&rows[0], "data-version"), "1.1.0");
    assert!(
        d.attr(&rows[0], "class")
            .as_str()
            .unwrap()
            .contains("yanked")
    );
    assert!(d.text(&rows[0]).contains("yanked"));
    assert_eq!(d.attr(&rows[1], "data-version"), "1.0.0");
    assert!(
        !d.attr(&rows[1], "class")
            .as_str()
            .unwrap()
            .contains("yanked")
    );
    let install = d.find_all("#install").pop().unwrap();
    assert_eq!(
        d.text(&install),
        "ggen marketplace install io.ui.models@1.0.0"
    );
    let title = d.call("GET", &d.s("/title"), None);
    assert_eq!(title, "ggen registry", "no script from pack data ran");
    // the download link serves the archive
    let dl = d.find_all("#versions a.download").pop().unwrap();
    let href = d.attr(&dl, "href");
    assert!(
        href.as_str()
            .unwrap()
            .ends_with("/packs/io.ui.models/1.0.0.tar.gz"),
        "{href}"
    );
}
