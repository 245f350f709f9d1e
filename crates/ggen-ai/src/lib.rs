//! LLM assistance for ggen that is validated, not trusted.
//!
//! - [`Provider`]: one trait for chat models, with [`OpenAi`] (any OpenAI-compatible server),
//!   [`Anthropic`], [`Ollama`] and the offline, scripted [`MockProvider`]. [`build_provider`]
//!   makes one from [`AiSettings`], which [`config::resolve`] reads from the config file's `[ai]`
//!   section, the environment and command-line flags.
//! - [`ontology::generate_ontology`]: asks for Turtle, parses and checks it (labels, domains,
//!   ranges, declared prefixes, SHACL shapes) and sends the concrete problems back for repair.
//! - [`sparql::sparql`]: drafts a query grounded in a graph's vocabulary, checks that it parses
//!   and runs, repairs it otherwise.
//! - [`generate::generate`]: drafts a template (checked by `template lint`) or code.
//! - [`chat::Chat`]: a conversation whose every request carries the whole history.
//! - [`analyze::analyze`]: findings about a file or project, and ontology suggestions.
//!
//! The library never prints; API keys never appear in `Debug` output, errors or logs.

pub mod analyze;
pub mod chat;
pub mod config;
mod error;
pub mod extract;
pub mod generate;
mod message;
pub mod ontology;
mod prompts;
pub mod provider;
pub mod repair;
mod secret;
pub mod sparql;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::{AiSettings, Overrides, ProviderKind, RetryPolicy};
pub use error::AiError;
pub use message::{Completion, Message, Role, Usage};
pub use provider::{Anthropic, MockProvider, Ollama, OpenAi, Provider, build_provider};
pub use secret::ApiKey;

#[cfg(test)]
mod tests {
    /// ureq-proto logs raw request bytes (the Authorization header included) at trace level
    /// through `log`; ggen-ai turns on `log`'s `max_level_debug` so those records do not exist.
    #[test]
    fn trace_level_log_records_are_compiled_out() {
        assert!(log::STATIC_MAX_LEVEL <= log::LevelFilter::Debug);
    }
}
