//! Write the benchmark data and shapes to files (for comparing with other SHACL engines).
//!
//! `cargo run --release -p ggen-shacl --example gen_bench_data -- <out-dir> <triples>...`
//! writes `<out-dir>/shapes.ttl` and `<out-dir>/data-<triples>.nt` for each size.

#[path = "../benches/support/datagen.rs"]
mod datagen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((dir, sizes)) = args.split_first() else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("usage: gen_bench_data <out-dir> <triples>...");
        }
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let write = |name: &str, text: &str| -> Result<(), String> {
        ggen_core::fs::write_atomic(&dir.join(name), text.as_bytes())
            .map_err(|e| format!("{name}: {e}"))
    };
    let mut result = write("shapes.ttl", datagen::SHAPES_TTL);
    for size in sizes {
        let Ok(triples) = size.parse::<usize>() else {
            result = Err(format!("not a number: {size}"));
            break;
        };
        let people = datagen::people_for(triples);
        let data = datagen::data_ntriples(people);
        let lines = data.lines().count();
        result = result.and_then(|()| write(&format!("data-{triples}.nt"), &data));
        #[allow(clippy::print_stdout)]
        {
            println!(
                "data-{triples}.nt: {people} people, {lines} triples, {} expected results",
                datagen::expected_results(people)
            );
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {e}");
            }
            ExitCode::from(1)
        }
    }
}
