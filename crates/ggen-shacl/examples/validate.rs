//! Validate a data file against a shapes file and print the report.
//!
//! `cargo run --release -p ggen-shacl --example validate -- <data> <shapes> [text|json|turtle|summary] [--threads N] [--repeat N]`
//!
//! Exit code 0 when the data conforms, 1 when it does not, 2 on errors. Timings of loading and
//! of each validation run go to stderr (used for the side-by-side pySHACL comparison).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ggen_graph::{GraphBuilder, RdfSyntax};
use ggen_shacl::{Shapes, ValidationOptions, validate_with};

/// CPU time (user + system, all threads) of this process in seconds, from `/proc/self/stat`
/// (Linux; clock ticks assumed to be 1/100 s). `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take_flag = |name: &str| -> Result<Option<usize>, Box<dyn std::error::Error>> {
        match args.iter().position(|a| a == name) {
            Some(i) if i + 1 < args.len() => {
                let v = args.remove(i + 1).parse()?;
                args.remove(i);
                Ok(Some(v))
            }
            Some(_) => Err(format!("{name} needs a value").into()),
            None => Ok(None),
        }
    };
    let threads = take_flag("--threads")?;
    let repeat = take_flag("--repeat")?.unwrap_or(1).max(1);
    let (Some(data), Some(shapes)) = (args.first(), args.get(1)) else {
        return Err(
            "usage: validate <data> <shapes> [text|json|turtle|summary] [--threads N] [--repeat N]"
                .into(),
        );
    };
    let format = args.get(2).map_or("text", String::as_str);
    let t = Instant::now();
    let c = cpu_seconds();
    let mut b = GraphBuilder::new();
    b.add_file(Path::new(data), None)?;
    let data = b.build()?;
    let load = t.elapsed();
    let load_cpu = c
        .zip(cpu_seconds())
        .map(|(a, b)| format!(", {:.2} s CPU", b - a))
        .unwrap_or_default();
    let mut b = GraphBuilder::new();
    // `.shacl` files (as in schema.org's shapes) are Turtle.
    let syntax = RdfSyntax::from_path(Path::new(shapes)).unwrap_or(RdfSyntax::Turtle);
    b.add_file(Path::new(shapes), Some(syntax))?;
    let shapes = Shapes::from_graph(&b.build()?)?;
    let mut options = ValidationOptions::default();
    if let Some(n) = threads {
        options = options.with_threads(n);
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "loaded {} triples in {:.3} s wall{load_cpu}",
            data.len(),
            load.as_secs_f64()
        );
    }
    let mut report = None;
    for _ in 0..repeat {
        let t = Instant::now();
        let c = cpu_seconds();
        let r = validate_with(&data, &shapes, &options)?;
        let wall = t.elapsed().as_secs_f64();
        let cpu = c
            .zip(cpu_seconds())
            .map(|(a, b)| format!(", {:.2} s CPU", b - a))
            .unwrap_or_default();
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "validated in {wall:.3} s wall{cpu} ({} results)",
                r.results().len()
            );
        }
        report = Some(r);
    }
    let Some(report) = report else {
        return Ok(true);
    };
    let out = match format {
        "json" => report.to_json(),
        "turtle" => report.to_turtle()?,
        "summary" => format!(
            "conforms: {}, results: {}",
            report.conforms(),
            report.results().len()
        ),
        _ => report.to_text(),
    };
    #[allow(clippy::print_stdout)]
    {
        println!("{out}");
    }
    Ok(report.conforms())
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {e}");
            }
            ExitCode::from(2)
        }
    }
}
