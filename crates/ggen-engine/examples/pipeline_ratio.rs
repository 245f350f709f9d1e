//! Paired comparison of ggen's end-to-end generation with the minimal hand-written pipeline
//! (the same data, query and template as `benches/pipeline.rs`): each round runs one after
//! the other, alternating which goes first, so that a change in the machine's speed affects
//! both sides of a pair. Prints the medians, the median of the per-round ratios, and the
//! process's CPU time per side (ggen uses more than one core for large inputs). By default
//! the runs follow each other directly, as in `cargo bench`; `PAUSE=sleep` sleeps and
//! `PAUSE=spin` spins on one core before each run (50 ms, 2 s at 1M triples), which shows how
//! much the machine's idle state costs (a cold start, as a one-off `ggen project gen` has).
//!
//! `TMPDIR=/dev/shm cargo run --release -p ggen-engine --example pipeline_ratio -- [N] [rounds]`
//! (N = 280 classes ≈ 10k triples by default, 28000 ≈ 1M triples).
//!
//! Other modes: `MODE=phases` prints the median time of each of ggen's phases beside the
//! minimal pipeline and oxigraph's load alone; `MODE=load` compares ggen's graph loading with
//! oxigraph's (wall and CPU time); both pause `PHASE_SLEEP_MS` (5) before each run.
//! `MODE=ggen` runs only ggen, `rounds` times (for a profiler).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

#[path = "../benches/support/pipeline_common.rs"]
mod common;

use std::time::Instant;

use common::{clean, fixture, minimal_run, ws};
use ggen_engine::{GenOptions, NoProgress};

/// User + system CPU time of this process so far, in seconds (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn pause(ms: u64) {
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

/// `MODE=load`: ggen's graph loading against oxigraph's `load_from_reader`, wall and CPU time.
fn load_only(f: &common::Fixture, rounds: usize, sleep: u64) {
    let w = ws(&f.root);
    let (mut gw, mut ow, mut gc, mut oc) = (Vec::new(), Vec::new(), 0.0, 0.0);
    for _ in 0..rounds {
        pause(sleep);
        let (t, c) = (Instant::now(), cpu_seconds());
        let g = ggen_engine::load_graph(&w, &NoProgress).unwrap();
        gw.push(t.elapsed().as_secs_f64() * 1e3);
        gc += cpu_seconds() - c;
        drop(g);
        pause(sleep);
        let (t, c) = (Instant::now(), cpu_seconds());
        let store = oxigraph::store::Store::new().unwrap();
        store
            .load_from_reader(oxigraph::io::RdfFormat::Turtle, f.ttl.as_bytes())
            .unwrap();
        ow.push(t.elapsed().as_secs_f64() * 1e3);
        oc += cpu_seconds() - c;
        drop(store);
    }
    let r = rounds as f64;
    println!(
        "ggen load {:.2} ms wall, {:.2} ms CPU; oxigraph {:.2} ms wall, {:.2} ms CPU",
        median(&mut gw),
        gc / r * 1e3,
        median(&mut ow),
        oc / r * 1e3
    );
}

/// `MODE=phases`: medians of ggen's phases (from the plan's timings) beside the minimal
/// pipeline and oxigraph's load alone, each run after a pause of `sleep` ms.
fn phases(f: &common::Fixture, rounds: usize, sleep: u64) {
    let out = f.root.join("minimal");
    let names = [
        "workspace",
        "resolve",
        "load",
        "render",
        "plan",
        "apply",
        "ggen total",
        "minimal",
        "min. load",
    ];
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    for _ in 0..rounds {
        pause(sleep);
        let t = Instant::now();
        let store = oxigraph::store::Store::new().unwrap();
        store
            .load_from_reader(oxigraph::io::RdfFormat::Turtle, f.ttl.as_bytes())
            .unwrap();
        cols[8].push(ms(t));
        drop(store);
        let _ = std::fs::remove_dir_all(&out);
        pause(sleep);
        let t = Instant::now();
        minimal_run(f, &out);
        cols[7].push(ms(t));
        clean(&f.root);
        pause(sleep);
        let t = Instant::now();
        let w = ws(&f.root);
        let tw = ms(t);
        let plan = ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap();
        let tp = ms(t);
        ggen_engine::apply(&w, &plan).unwrap();
        let ta = ms(t);
        let tm = &plan.timings;
        let row = [
            tw,
            tm.resolve_ms,
            tm.load_ms,
            tm.render_ms,
            tm.plan_ms,
            ta - tp,
            ta,
        ];
        for (c, v) in cols.iter_mut().zip(row) {
            c.push(v);
        }
    }
    for (name, c) in names.iter().zip(cols.iter_mut()) {
        println!("{name:>10}: {:.2} ms", median(c));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(280, |s| s.parse().unwrap());
    let rounds: usize = args
        .next()
        .map_or(if n > 1000 { 5 } else { 40 }, |s| s.parse().unwrap());
    let pause = std::env::var("PAUSE").ok();
    let f = fixture(n);
    let out = f.root.join("minimal");
    let ggen_run = || {
        let w = ws(&f.root);
        let plan = ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap();
        ggen_engine::apply(&w, &plan).unwrap();
    };
    let sleep: u64 = std::env::var("PHASE_SLEEP_MS")
        .ok()
        .map_or(5, |v| v.parse().unwrap());
    match std::env::var("MODE").as_deref() {
        Ok("load") => return load_only(&f, rounds, sleep),
        Ok("phases") => return phases(&f, rounds, sleep),
        Ok("ggen") => {
            // Only ggen's runs, e.g. under `perf record`.
            for _ in 0..rounds {
                clean(&f.root);
                ggen_run();
            }
            return;
        }
        _ => {}
    }
    // Warm up both.
    clean(&f.root);
    ggen_run();
    let _ = std::fs::remove_dir_all(&out);
    minimal_run(&f, &out);
    let (mut g, mut m, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut g_cpu, mut m_cpu) = (0.0, 0.0);
    for round in 0..rounds {
        // A pause before each run, so that what a run left to background threads (ggen frees
        // its graph on one) has finished and cannot slow the next run down.
        let settle = || {
            let d = std::time::Duration::from_millis(if n > 1000 { 2000 } else { 50 });
            match pause.as_deref() {
                Some("spin") => {
                    let t = Instant::now();
                    while t.elapsed() < d {
                        std::hint::spin_loop();
                    }
                }
                Some("sleep") => std::thread::sleep(d),
                _ => {}
            }
        };
        let mut time_ggen = || {
            clean(&f.root);
            settle();
            let (t, c) = (Instant::now(), cpu_seconds());
            ggen_run();
            g_cpu += cpu_seconds() - c;
            t.elapsed().as_secs_f64()
        };
        let mut time_minimal = || {
            let _ = std::fs::remove_dir_all(&out);
            settle();
            let (t, c) = (Instant::now(), cpu_seconds());
            minimal_run(&f, &out);
            m_cpu += cpu_seconds() - c;
            t.elapsed().as_secs_f64()
        };
        let (a, b) = if round % 2 == 0 {
            let a = time_ggen();
            (a, time_minimal())
        } else {
            let b = time_minimal();
            (time_ggen(), b)
        };
        g.push(a);
        m.push(b);
        ratios.push(a / b);
    }
    let r = rounds as f64;
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "N = {n} ({} triples), {rounds} rounds\nggen end to end: median {:.2} ms, CPU {:.2} ms per run\nminimal pipeline: median {:.2} ms, CPU {:.2} ms per run\nratio: median of per-round ratios {:.3}; ratio of medians {:.3}; per-round ratios from {:.3} to {:.3}",
        n * 36,
        median(&mut g) * 1e3,
        g_cpu / r * 1e3,
        median(&mut m) * 1e3,
        m_cpu / r * 1e3,
        median(&mut ratios),
        median(&mut g.clone()) / median(&mut m.clone()),
        sorted.first().unwrap(),
        sorted.last().unwrap(),
    );
}
