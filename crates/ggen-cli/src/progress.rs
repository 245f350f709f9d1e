//! Progress bars on stderr (indicatif), shown only on a terminal and never under --json/--quiet.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::GlobalArgs;

/// An indicatif-backed [`ggen_engine::Progress`].
pub struct Bar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    /// A bar that draws only when it makes sense.
    pub fn new(global: &GlobalArgs) -> Self {
        let enabled =
            !global.json && !global.quiet && !global.no_progress && std::io::stderr().is_terminal();
        Self {
            enabled,
            bar: Mutex::new(None),
        }
    }
}

impl ggen_engine::Progress for Bar {
    fn begin(&self, stage: &str, len: Option<u64>) {
        if !self.enabled {
            return;
        }
        let pb = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg:>8} [{bar:30}] {pos}/{len} {elapsed}")
        {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(stage.to_owned());
        // Only appear when the stage lasts long enough to matter.
        pb.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut b) = self.bar.lock() {
            *b = Some(pb);
        }
    }

    fn inc(&self, n: u64) {
        if let Ok(b) = self.bar.lock()
            && let Some(pb) = b.as_ref()
        {
            pb.inc(n);
        }
    }

    fn end(&self) {
        if let Ok(mut b) = self.bar.lock()
            && let Some(pb) = b.take()
        {
            pb.finish_and_clear();
        }
    }
}
