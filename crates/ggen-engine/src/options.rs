//! Options of a generation run.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Options of one run (from the command line).
#[derive(Debug, Clone, Default)]
pub struct GenOptions {
    /// Overwrite files edited by hand since the last generation.
    pub force: bool,
    /// Allow `sh_before`/`sh_after`.
    pub allow_shell: bool,
    /// Allow `to:` paths outside the output root.
    pub allow_outside_root: bool,
    /// Unknown frontmatter keys are errors instead of warnings.
    pub strict: bool,
    /// Run the `[output] format` formatters.
    pub format: bool,
    /// Merge policy for every template (`--merge`), over the templates' `merge:` and `force:`.
    pub merge: Option<ggen_template::frontmatter::MergePolicy>,
    /// Only templates whose name matches one of these globs (empty: all).
    pub only: Vec<String>,
    only_set: Option<GlobSet>,
}

impl GenOptions {
    /// Set `only` globs (template paths relative to the project root, e.g. `templates/rust/*`).
    pub fn with_only(mut self, only: Vec<String>) -> Result<Self, String> {
        if only.is_empty() {
            return Ok(self);
        }
        let mut b = GlobSetBuilder::new();
        for g in &only {
            b.add(Glob::new(g).map_err(|e| format!("invalid --only glob `{g}`: {e}"))?);
            // A bare file or directory name selects what is below it too.
            if let Ok(g2) = Glob::new(&format!("{}/**", g.trim_end_matches('/'))) {
                b.add(g2);
            }
        }
        self.only_set = Some(b.build().map_err(|e| e.to_string())?);
        self.only = only;
        Ok(self)
    }

    /// Whether the template named `rel` is selected.
    pub fn selects(&self, rel: &str) -> bool {
        self.only_set.as_ref().is_none_or(|s| s.is_match(rel))
    }
}
