//! The validate-and-repair loop shared by ontology, SPARQL and template drafting: ask, check the
//! answer, and when it fails send the concrete problems back, up to a number of rounds.

use serde::Serialize;

use crate::error::AiError;
use crate::message::Message;
use crate::provider::Provider;

/// Rounds when none are configured.
pub const DEFAULT_MAX_ROUNDS: u32 = 3;

/// One concrete problem with a model's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A stable code (`turtle-syntax`, `undefined-prefix`, `class-without-label`, …).
    pub code: String,
    /// What is wrong, naming the element.
    pub message: String,
    /// 1-based line within the extracted code, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

impl Problem {
    /// A problem without a position.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// Attach a position.
    #[must_use]
    pub fn at(mut self, line: Option<u64>, column: Option<u64>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => {
                write!(f, "line {l}, column {c}: {} [{}]", self.message, self.code)
            }
            (Some(l), None) => write!(f, "line {l}: {} [{}]", self.message, self.code),
            _ => write!(f, "{} [{}]", self.message, self.code),
        }
    }
}

/// One round: the reply's hash and the problems found in it (none for the accepted round).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    /// 1-based round number.
    pub round: u32,
    /// SHA-256 of the model's reply.
    pub reply_sha256: String,
    /// Problems found (empty when the answer passed).
    pub errors: Vec<Problem>,
}

/// The result of a loop.
#[derive(Debug)]
pub(crate) struct LoopOutcome<T> {
    /// The accepted value, if a round passed.
    pub value: Option<T>,
    /// Every round.
    pub rounds: Vec<Round>,
}

/// Problems as a bulleted list (for prompts and messages).
pub fn bullet_list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("- {p}\n")).collect()
}

/// Run the loop: `messages` is the initial conversation; `check` validates a reply; `repair`
/// words the follow-up request from the problems. Provider errors end the loop with an error.
pub(crate) fn run<T>(
    provider: &dyn Provider,
    mut messages: Vec<Message>,
    max_rounds: u32,
    mut check: impl FnMut(&str) -> Result<T, Vec<Problem>>,
    repair: impl Fn(&[Problem]) -> String,
) -> Result<LoopOutcome<T>, AiError> {
    if max_rounds == 0 {
        return Err(AiError::InvalidOption(
            "--max-rounds must be at least 1".into(),
        ));
    }
    let mut rounds = Vec::new();
    for round in 1..=max_rounds {
        let _span = tracing::info_span!("ai_round", round).entered();
        let reply = provider.complete(&messages)?.content;
        let reply_sha256 = ggen_core::hash::sha256_hex(reply.as_bytes());
        match check(&reply) {
            Ok(value) => {
                tracing::info!(round, "answer accepted");
                rounds.push(Round {
                    round,
                    reply_sha256,
                    errors: Vec::new(),
                });
                return Ok(LoopOutcome {
                    value: Some(value),
                    rounds,
                });
            }
            Err(problems) => {
                tracing::info!(round, problems = problems.len(), "answer rejected");
                let follow_up = repair(&problems);
                rounds.push(Round {
                    round,
                    reply_sha256,
                    errors: problems,
                });
                messages.push(Message::assistant(reply));
                messages.push(Message::user(follow_up));
            }
        }
    }
    Ok(LoopOutcome {
        value: None,
        rounds,
    })
}
