//! Load one input once, for profiling (`valgrind --tool=callgrind`) and timing the loaders of
//! `benches/load.rs` outside divan.
//!
//! `cargo run --release -p ggen-graph --example load_once -- <mode> <input>`
//!
//! mode: `parse` (parse only), `oxigraph` (`Store::load_from_slice`), `bulk` (oxigraph's bulk
//! loader), `ggen` (`GraphBuilder::add_bytes` + `build`).
//! input: a file (syntax from its extension), `gen:<triples>` or `genb:<triples>` (generated
//! N-Triples without / with blank nodes, see `benches/support/gen.rs`).

#[path = "../benches/support/gen.rs"]
mod datagen;

use std::path::Path;
use std::process::ExitCode;

use ggen_graph::{GraphBuilder, RdfSyntax};
use oxigraph::io::RdfParser;
use oxigraph::store::Store;

fn run(mode: &str, input: &str) -> Result<usize, String> {
    let (bytes, syntax) = if let Some(n) = input.strip_prefix("gen:") {
        let n: usize = n.parse().map_err(|e| format!("{input}: {e}"))?;
        (
            datagen::ntriples(n, false).into_bytes(),
            RdfSyntax::NTriples,
        )
    } else if let Some(n) = input.strip_prefix("genb:") {
        let n: usize = n.parse().map_err(|e| format!("{input}: {e}"))?;
        (datagen::ntriples(n, true).into_bytes(), RdfSyntax::NTriples)
    } else {
        let syntax = RdfSyntax::from_path(Path::new(input))
            .ok_or_else(|| format!("{input}: unknown extension"))?;
        (
            std::fs::read(input).map_err(|e| format!("{input}: {e}"))?,
            syntax,
        )
    };
    match mode {
        "parse" => {
            let mut n = 0;
            for q in RdfParser::from_format(syntax.to_format())
                .rename_blank_nodes()
                .for_slice(&bytes)
            {
                q.map_err(|e| e.to_string())?;
                n += 1;
            }
            Ok(n)
        }
        "oxigraph" => {
            let store = Store::new().map_err(|e| e.to_string())?;
            store
                .load_from_slice(syntax.to_format(), &bytes)
                .map_err(|e| e.to_string())?;
            store.len().map_err(|e| e.to_string())
        }
        "bulk" => {
            let store = Store::new().map_err(|e| e.to_string())?;
            let mut loader = store.bulk_loader();
            loader
                .load_from_slice(syntax.to_format(), &bytes)
                .map_err(|e| e.to_string())?;
            loader.commit().map_err(|e| e.to_string())?;
            store.len().map_err(|e| e.to_string())
        }
        "ggen" => {
            let mut b = GraphBuilder::new();
            b.add_bytes(Path::new(input), &bytes, syntax)
                .map_err(|e| e.to_string())?;
            let g = b.build().map_err(|e| e.to_string())?;
            Ok(g.len())
        }
        other => Err(format!("unknown mode {other}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(input)) = (args.first(), args.get(1)) else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("usage: load_once <parse|oxigraph|bulk|ggen> <file|gen:N|genb:N>");
        }
        return ExitCode::from(2);
    };
    match run(mode, input) {
        Ok(n) => {
            #[allow(clippy::print_stdout)]
            {
                println!("{n} quads");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
