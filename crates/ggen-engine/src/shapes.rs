//! SHACL validation of the graph before rendering (`[graph] shapes`, template `shape:`).

use std::path::Path;

use ggen_core::Location;
use ggen_graph::{Graph, GraphBuilder};

use crate::error::EngineError;
use crate::inputs::InputFile;

/// Validate `graph` against the shapes files. Violations stop the run with the report (focus
/// node, path, value, message, component, source shape); warnings and infos are returned so
/// the run can print them and continue.
pub fn validate(
    graph: &Graph,
    shapes: &[InputFile],
    file: &str,
    line: u64,
) -> Result<Vec<String>, EngineError> {
    if shapes.is_empty() {
        return Ok(Vec::new());
    }
    let _span = tracing::info_span!("validate", shapes = shapes.len()).entered();
    let mut b = GraphBuilder::new();
    for s in shapes {
        b.add_file_as(&s.abs, Path::new(&s.rel), None)?;
    }
    let shapes_graph = b.build()?;
    let parsed =
        ggen_shacl::Shapes::from_graph(&shapes_graph).map_err(|e| EngineError::InTemplate {
            location: ggen_core::Diagnostic::location(&e)
                .cloned()
                .unwrap_or_else(|| Location::line(file, line)),
            message: format!("invalid SHACL shapes: {e}"),
            code: "shacl-shapes",
        })?;
    let report = ggen_shacl::validate(graph, &parsed).map_err(|e| EngineError::InTemplate {
        location: Location::line(file, line),
        message: format!("SHACL validation failed: {e}"),
        code: "shacl-error",
    })?;
    let names: Vec<&str> = shapes.iter().map(|s| s.rel.as_str()).collect();
    if report.has_violations() {
        return Err(EngineError::ShaclViolation {
            location: Location::line(file, line),
            shapes: names.join(", "),
            report: report.to_text(),
        });
    }
    if report.conforms() {
        return Ok(Vec::new());
    }
    Ok(vec![format!(
        "{file}:{line}: SHACL ({}) reports warnings:\n{}",
        names.join(", "),
        report.to_text().trim_end()
    )])
}
