//! `ggen project watch`, run as a child process: regeneration after ontology and template
//! edits, only the edited template's outputs rewritten, invalid edits survived, no
//! self-triggering, Ctrl-C.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

const ONTOLOGY: &str = "@prefix ex: <http://example.org/w#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\nex:A rdfs:label \"Alpha\" .\nex:B rdfs:label \"Beta\" .\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn project(dir: &Path) {
    write(
        dir,
        "ggen.toml",
        "[project]\nname = \"w\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[vars]\ngreeting = \"hello\"\n",
    );
    write(dir, "ontology/model.ttl", ONTOLOGY);
    write(
        dir,
        "templates/labels.txt.tmpl",
        "---\nto: labels.txt\nsparql:\n  l: \"SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l\"\n---\n{% for r in sparql_results.l %}{{ r.l }}\n{% endfor %}",
    );
    write(
        dir,
        "templates/static.txt.tmpl",
        "---\nto: static.txt\n---\n{{ greeting }} v1\n",
    );
}

/// A running `ggen project watch` with its stdout lines.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    stderr: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(dir: &Path, home: &Path, args: &[&str]) -> Watch {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("ggen"))
            .current_dir(dir)
            .env("HOME", home)
            .env("GGEN_CONFIG_DIR", home.join("config"))
            .env("GGEN_CACHE_DIR", home.join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("GGEN_LOG")
            .args(["project", "watch"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines() {
                let Ok(l) = l else { break };
                if etx.send(l).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            stderr,
            seen: Vec::new(),
        }
    }

    /// The next stdout line within `timeout`.
    fn line(&mut self, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(l) => {
                self.seen.push(l.clone());
                l
            }
            Err(e) => {
                let err: Vec<String> = self.stderr.try_iter().collect();
                panic!(
                    "no line from `ggen project watch` within {timeout:?} ({e:?}); stdout so far:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    err.join("\n")
                )
            }
        }
    }

    /// The next cycle (a JSON line).
    fn cycle(&mut self) -> Value {
        let l = self.line(Duration::from_secs(20));
        serde_json::from_str(&l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))
    }

    /// Assert that no stdout line arrives within `d`.
    fn quiet_for(&mut self, d: Duration) {
        match self.lines.recv_timeout(d) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(l) => panic!("unexpected cycle: {l}"),
            Err(e) => panic!("watch ended: {e:?}"),
        }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Send SIGINT and wait for the exit; returns (success, rest of stdout).
    fn interrupt(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        let st = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(st.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "watch did not stop after SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut rest = String::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            rest.push_str(&l);
            rest.push('\n');
        }
        (status.success(), rest)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(path: &Path, within: Duration, pred: impl Fn(&str) -> bool) -> Duration {
    let t0 = Instant::now();
    loop {
        if std::fs::read_to_string(path).is_ok_and(|t| pred(&t)) {
            return t0.elapsed();
        }
        assert!(
            t0.elapsed() < within,
            "{} did not change as expected within {within:?} (now: {:?})",
            path.display(),
            std::fs::read_to_string(path).ok()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn mtime(p: &PathBuf) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn watch_regenerates_incrementally_survives_errors_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    project(&root);
    let labels = root.join("generated/labels.txt");
    let stat = root.join("generated/static.txt");
    let mut w = Watch::start(&root, home.path(), &["--json", "--debounce", "30"]);

    // 1. the first cycle generates everything
    let c = w.cycle();
    assert_eq!(c["cycle"], 1, "{c}");
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(
        strs(&c["written"]),
        ["generated/labels.txt", "generated/static.txt"]
    );
    assert_eq!(std::fs::read_to_string(&labels).unwrap(), "Alpha\nBeta\n");

    // 2. an ontology edit regenerates within 2 s; only the file that depends on it is written
    let static_mtime = mtime(&stat);
    write(
        &root,
        "ontology/model.ttl",
        &ONTOLOGY.replace("Beta", "Gamma"),
    );
    let took = wait_for(&labels, Duration::from_secs(2), |t| t.contains("Gamma"));
    let c = w.cycle();
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(strs(&c["changed"]), ["ontology/model.ttl"]);
    assert_eq!(strs(&c["written"]), ["generated/labels.txt"], "{c}");
    assert_eq!(c["graph_loaded"], true, "{c}");
    assert_eq!(std::fs::read_to_string(&labels).unwrap(), "Alpha\nGamma\n");
    assert_eq!(mtime(&stat), static_mtime, "static.txt was rewritten");
    eprintln!("ontology edit → labels.txt regenerated after {took:?}");

    // 3. a template edit: only that template is rendered and its output rewritten; the graph
    //    is reused
    let labels_mtime = mtime(&labels);
    write(
        &root,
        "templates/static.txt.tmpl",
        "---\nto: static.txt\n---\n{{ greeting }} v2\n",
    );
    wait_for(&stat, Duration::from_secs(2), |t| t == "hello v2\n");
    let c = w.cycle();
    assert_eq!(strs(&c["changed"]), ["templates/static.txt.tmpl"]);
    assert_eq!(strs(&c["written"]), ["generated/static.txt"], "{c}");
    assert_eq!(c["graph_loaded"], false, "{c}");
    assert_eq!(c["templates_rendered"], 1, "{c}");
    assert_eq!(c["templates_reused"], 1, "{c}");
    assert_eq!(mtime(&labels), labels_mtime, "labels.txt was rewritten");

    // 4. invalid Turtle: the error is reported (file and line), the watch keeps running,
    //    nothing is written
    write(
        &root,
        "ontology/model.ttl",
        "@prefix ex: <http://example.org/w#> .\nex:A ex:b \"unterminated .\n",
    );
    let c = w.cycle();
    assert_eq!(c["ok"], false, "{c}");
    assert_eq!(c["error"]["file"], "ontology/model.ttl", "{c}");
    assert!(c["error"]["line"].as_u64().is_some(), "{c}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(w.running(), "watch exited after an invalid edit");
    assert_eq!(std::fs::read_to_string(&labels).unwrap(), "Alpha\nGamma\n");

    // 5. a valid fix regenerates
    write(
        &root,
        "ontology/model.ttl",
        &ONTOLOGY.replace("Beta", "Delta"),
    );
    wait_for(&labels, Duration::from_secs(2), |t| t.contains("Delta"));
    let c = w.cycle();
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(strs(&c["written"]), ["generated/labels.txt"], "{c}");

    // 6. ggen.toml is an input too (a variable changes the static output)
    std::fs::write(
        root.join("ggen.toml"),
        std::fs::read_to_string(root.join("ggen.toml"))
            .unwrap()
            .replace("hello", "hi"),
    )
    .unwrap();
    wait_for(&stat, Duration::from_secs(2), |t| t == "hi v2\n");
    let c = w.cycle();
    assert_eq!(strs(&c["changed"]), ["ggen.toml"], "{c}");
    assert_eq!(strs(&c["written"]), ["generated/static.txt"], "{c}");

    // 7. its own writes (outputs, receipt) never trigger a cycle; neither do files that are
    //    not inputs, nor a save that does not change the content
    std::fs::write(root.join("notes.txt"), "not an input").unwrap();
    std::fs::write(
        root.join("ontology/model.ttl"),
        ONTOLOGY.replace("Beta", "Delta"),
    )
    .unwrap();
    w.quiet_for(Duration::from_millis(800));

    // 8. Ctrl-C stops cleanly
    let (ok, rest) = w.interrupt();
    assert!(ok, "watch did not exit 0 after SIGINT; stdout: {rest}");
    let docs: Vec<Value> = serde_json::Deserializer::from_str(&rest)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap();
    let last = docs.last().unwrap();
    assert_eq!(last["stopped"], true, "{rest}");
    assert_eq!(last["cycles"], 6, "{rest}");
    assert_eq!(last["failed"], 1, "{rest}");
}

#[test]
fn watch_prints_one_human_line_per_cycle_and_picks_up_new_templates() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    project(&root);
    let mut w = Watch::start(&root, home.path(), &[]);
    let l = w.line(Duration::from_secs(20));
    assert!(l.starts_with("#1 start: 2 create"), "{l}");
    assert!(l.contains("graph loaded, 2 templates rendered"), "{l}");

    // a new template file in a template directory
    write(
        &root,
        "templates/new.txt.tmpl",
        "---\nto: new.txt\n---\nnew\n",
    );
    let l = w.line(Duration::from_secs(20));
    assert!(
        l.starts_with("#2 templates/new.txt.tmpl: 1 create, 2 unchanged"),
        "{l}"
    );
    assert!(
        l.contains("graph reused, 1 template rendered, 2 reused"),
        "{l}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("generated/new.txt")).unwrap(),
        "new\n"
    );

    // an invalid template: one error line, then the fix
    write(
        &root,
        "templates/new.txt.tmpl",
        "---\nto: new.txt\n---\n{{ nope }}\n",
    );
    let l = w.line(Duration::from_secs(20));
    assert!(l.starts_with("#3 templates/new.txt.tmpl: error: "), "{l}");
    assert!(l.contains("nope"), "{l}");
    assert!(l.ends_with("still watching"), "{l}");
    write(
        &root,
        "templates/new.txt.tmpl",
        "---\nto: new.txt\n---\nnewer\n",
    );
    let l = w.line(Duration::from_secs(20));
    assert!(
        l.starts_with("#4 templates/new.txt.tmpl: 2 unchanged, 1 update"),
        "{l}"
    );

    let (ok, rest) = w.interrupt();
    assert!(ok);
    assert!(
        rest.contains("stopped watching after 4 cycles (1 failed)"),
        "{rest}"
    );
}

#[test]
fn watch_outside_a_project_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let o = common::ggen(dir.path(), home.path())
        .args(["--json", "project", "watch"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = common::json(&o);
    assert_eq!(doc["ok"], false);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no ggen.toml")
    );
}
