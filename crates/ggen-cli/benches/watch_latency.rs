//! Watch-mode latency: from saving an input to the regenerated file being on disk, measured
//! from outside, on the real `ggen project watch` process.
//!
//! The fixture is the pipeline benchmark's synthetic ontology (280 OWL classes with a label, a
//! comment, a superclass and 8 datatype properties: 10 360 triples, one Turtle file) with two
//! templates: `struct.rs.tmpl` (one file per class, 280 outputs, one SELECT with GROUP BY) and
//! `summary.txt.tmpl` (one output, one COUNT query). For each scenario the harness saves the
//! file the way editors do (write a temporary file, rename it over the original), then polls
//! (every 0.2 ms) until the expected content is on disk, and waits for the watcher's cycle line
//! before the next run:
//!
//! - `ontology`: one class's comment changes; waits for that class's file;
//! - `template (1 output)`: `summary.txt.tmpl` changes; waits for `summary.txt`;
//! - `template (280 outputs)`: `struct.rs.tmpl` changes; waits for the last of its 280 files.
//!
//! Run: `cargo bench -p ggen-cli --bench watch_latency [-- --runs 30 --debounce 30]`
//! (numbers in docs/benchmarks.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const CLASSES: usize = 280;

#[path = "../../ggen-engine/benches/support/synthetic.rs"]
mod synthetic;

fn struct_template(version: usize) -> String {
    synthetic::struct_template(&format!("// template version {version}\n"))
}

fn summary_template(version: usize) -> String {
    format!(
        "---\nto: summary.txt\nsparql:\n  n: \"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a owl:Class }}\"\n---\nversion {version}: {{{{ sparql_results.n[0].n }}}} classes\n"
    )
}

fn ontology(n: usize, edited: Option<(usize, usize)>) -> String {
    synthetic::ontology(n, |i| match edited {
        Some((k, run)) if k == i => format!("Class number {i}, edit {run}."),
        _ => format!("Class number {i} of the benchmark."),
    })
}

/// Save like an editor: a temporary file renamed over the original.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("swp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    // nearest rank
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct Series {
    name: &'static str,
    outside: Vec<f64>,
    inside: Vec<f64>,
    /// (load, render, plan, apply) ms inside ggen
    stages: Vec<[f64; 4]>,
    load_before: String,
    load_after: String,
}

fn next_cycle(rx: &Receiver<String>) -> serde_json::Value {
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no cycle line within 60 s");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["ok"], true, "cycle failed: {line}");
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let runs = arg("--runs", 20);
    let debounce = arg("--debounce", 30);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("ontology")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("ontology/bench.ttl"), ontology(CLASSES, None)).unwrap();
    std::fs::write(
        root.join("ggen.toml"),
        "[project]\nname = \"bench\"\n[graph]\nsources = [\"ontology/*.ttl\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("templates/struct.rs.tmpl"), struct_template(0)).unwrap();
    std::fs::write(root.join("templates/summary.txt.tmpl"), summary_template(0)).unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ggen"))
        .current_dir(&root)
        .env("HOME", home.path())
        .env("GGEN_CONFIG_DIR", home.path().join("config"))
        .env("GGEN_CACHE_DIR", home.path().join("cache"))
        .args([
            "--json",
            "project",
            "watch",
            "--debounce",
            &debounce.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let first = next_cycle(&rx);
    let triples = {
        let r: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(".ggen/receipt.json")).unwrap(),
        )
        .unwrap();
        r["graph"]["triples"].as_u64().unwrap_or(0)
    };
    eprintln!(
        "fixture: {triples} triples, {} outputs; first cycle {} ms",
        first["counts"]["create"], first["elapsed_ms"]
    );
    let mut outputs: Vec<String> = (0..CLASSES)
        .map(|i| format!("generated/src/C{i}.rs"))
        .collect();
    outputs.sort();
    let last_output = root.join(outputs.last().unwrap());

    let mut all = Vec::new();
    for scenario in ["ontology", "template (1 output)", "template (280 outputs)"] {
        let mut s = Series {
            name: scenario,
            outside: Vec::new(),
            inside: Vec::new(),
            stages: Vec::new(),
            load_before: load(),
            load_after: String::new(),
        };
        for run in 1..=runs {
            let (file, text, wait_for, expect): (_, String, std::path::PathBuf, String) =
                match scenario {
                    "ontology" => {
                        let k = (run * 37) % CLASSES;
                        (
                            root.join("ontology/bench.ttl"),
                            ontology(CLASSES, Some((k, run))),
                            root.join(format!("generated/src/C{k}.rs")),
                            format!("edit {run}."),
                        )
                    }
                    "template (1 output)" => (
                        root.join("templates/summary.txt.tmpl"),
                        summary_template(run),
                        root.join("generated/summary.txt"),
                        format!("version {run}:"),
                    ),
                    _ => (
                        root.join("templates/struct.rs.tmpl"),
                        struct_template(run),
                        last_output.clone(),
                        format!("template version {run}\n"),
                    ),
                };
            // let the previous cycle's events settle
            std::thread::sleep(Duration::from_millis(150));
            let t0 = Instant::now();
            save(&file, &text);
            loop {
                if std::fs::read_to_string(&wait_for).is_ok_and(|t| t.contains(&expect)) {
                    break;
                }
                assert!(
                    t0.elapsed() < Duration::from_secs(30),
                    "{scenario}: no regeneration"
                );
                std::thread::sleep(Duration::from_micros(200));
            }
            let outside = t0.elapsed().as_secs_f64() * 1000.0;
            let c = next_cycle(&rx);
            s.outside.push(outside);
            s.inside.push(c["elapsed_ms"].as_f64().unwrap_or(f64::NAN));
            let t = &c["timings"];
            let ms = |k: &str| t[k].as_f64().unwrap_or(f64::NAN);
            s.stages.push([
                ms("load_ms"),
                ms("render_ms"),
                ms("plan_ms"),
                ms("apply_ms"),
            ]);
        }
        s.load_after = load();
        all.push(s);
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();

    println!(
        "ggen project watch --debounce {debounce}; {triples} triples; {runs} runs per scenario; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "| scenario | save → on disk, median | p90 | min | max | cycle (inside ggen), median | p90 | load avg before → after |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for s in &mut all {
        s.outside.sort_by(f64::total_cmp);
        s.inside.sort_by(f64::total_cmp);
        println!(
            "| {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} → {} |",
            s.name,
            percentile(&s.outside, 50.0),
            percentile(&s.outside, 90.0),
            s.outside[0],
            s.outside[s.outside.len() - 1],
            percentile(&s.inside, 50.0),
            percentile(&s.inside, 90.0),
            s.load_before,
            s.load_after
        );
    }
    println!();
    println!("Median time per stage inside ggen (ms):");
    println!();
    println!(
        "| scenario | load graph | render | plan (compare with disk) | apply (write, baseline, receipt) |"
    );
    println!("|---|---|---|---|---|");
    for s in &all {
        let med = |i: usize| {
            let mut v: Vec<f64> = s.stages.iter().map(|st| st[i]).collect();
            v.sort_by(f64::total_cmp);
            percentile(&v, 50.0)
        };
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            s.name,
            med(0),
            med(1),
            med(2),
            med(3)
        );
    }
}
