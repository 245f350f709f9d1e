//! `graph diff`.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{InputArgs, load_files};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report, exit};

/// `graph diff`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first graph (the "before").
    pub a: PathBuf,
    /// The second graph (the "after").
    pub b: PathBuf,
    /// Input options (for both files).
    #[command(flatten)]
    pub input: InputArgs,
}

/// `ggen graph diff`: exit 0 when isomorphic, 1 when the graphs differ.
pub fn run(ctx: &Ctx, a: &DiffArgs) -> Result<Report, CmdError> {
    let ga = load_files(ctx, std::slice::from_ref(&a.a), &a.input)?;
    let gb = load_files(ctx, std::slice::from_ref(&a.b), &a.input)?;
    let d = ggen_graph::diff(&ga, &gb)?;
    let (na, nb) = (shown(&a.a), shown(&a.b));
    let mut human = String::new();
    if d.is_isomorphic() {
        human.push_str(&format!(
            "isomorphic: {na} and {nb} hold the same {} triples (canonical sha256 {})\n",
            ga.len(),
            ga.canonical_sha256()
        ));
    } else {
        human.push_str(&format!("--- {na}\n+++ {nb}\n"));
        for l in &d.removed {
            human.push_str(&format!("- {l}\n"));
        }
        for l in &d.added {
            human.push_str(&format!("+ {l}\n"));
        }
        if !d.removed_groups.is_empty() || !d.added_groups.is_empty() {
            human.push_str(
                "blank-node groups (triples connected through blank nodes; labels are local to each group):\n",
            );
            for (sign, groups) in [("-", &d.removed_groups), ("+", &d.added_groups)] {
                for g in groups {
                    human.push_str(&format!("{sign} {{\n"));
                    for l in &g.quads {
                        human.push_str(&format!("{sign}   {l}\n"));
                    }
                    human.push_str(&format!("{sign} }}\n"));
                }
            }
        }
        human.push_str(&format!(
            "{} triple(s) removed, {} added, {} unchanged\n",
            d.removed_quads(),
            d.added_quads(),
            d.unchanged
        ));
    }
    let doc = json!({
        "a": na,
        "b": nb,
        "isomorphic": d.is_isomorphic(),
        "removed": d.removed,
        "added": d.added,
        "removed_groups": d.removed_groups.iter().map(|g| &g.quads).collect::<Vec<_>>(),
        "added_groups": d.added_groups.iter().map(|g| &g.quads).collect::<Vec<_>>(),
        "counts": {
            "removed": d.removed_quads(),
            "added": d.added_quads(),
            "unchanged": d.unchanged,
        },
    });
    let code = if d.is_isomorphic() {
        exit::OK
    } else {
        exit::CHECK_FAILED
    };
    Ok(Report::new(human, doc).with_exit(code))
}
