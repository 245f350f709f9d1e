//! `ggen ai chat`: one turn per `--message` (or stdin), or a line-edited session.

use std::io::{IsTerminal, Read};
use std::path::Path;

use ggen_ai::Provider;
use ggen_ai::chat::Chat;
use rustyline::error::ReadlineError;
use serde_json::json;

use super::ai_err;
use crate::cmd::Ctx;
use crate::output::{CmdError, Report, eprint_line, print_stdout};

const REPL_HELP: &str = "commands: /reset (forget the conversation), /save FILE (Markdown, or JSON for .json), /exit (or Ctrl-D)";

/// Run `ggen ai chat`.
pub fn run(
    ctx: &Ctx,
    provider: &dyn Provider,
    interactive: bool,
    messages: &[String],
) -> Result<Report, CmdError> {
    if interactive {
        if ctx.global.json {
            return Err(CmdError::new(
                "usage",
                "--interactive cannot be combined with --json (use --message)",
            ));
        }
        return repl(provider);
    }
    let mut messages = messages.to_vec();
    if messages.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(CmdError::new(
                "usage",
                "give a message with --message TEXT (or on stdin), or start a session with --interactive",
            ));
        }
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        if s.trim().is_empty() {
            return Err(CmdError::new("usage", "the message on stdin is empty"));
        }
        messages.push(s);
    }
    let mut chat = Chat::new();
    for (i, m) in messages.iter().enumerate() {
        if ctx.global.json {
            chat.send(provider, m, None).map_err(ai_err)?;
        } else {
            if i > 0 {
                print_stdout("\n");
            }
            let mut print = |piece: &str| print_stdout(piece);
            let c = chat.send(provider, m, Some(&mut print)).map_err(ai_err)?;
            if !c.content.ends_with('\n') {
                print_stdout("\n");
            }
        }
    }
    let turns: Vec<serde_json::Value> = chat
        .history()
        .chunks(2)
        .map(|pair| {
            json!({
                "user": pair.first().map(|m| m.content.as_str()),
                "assistant": pair.get(1).map(|m| m.content.as_str()),
            })
        })
        .collect();
    Ok(Report::new(
        String::new(),
        json!({ "provider": provider.kind(), "model": provider.model(), "turns": turns }),
    ))
}

/// The line-edited session. Answers stream to stdout; notes go to stderr.
fn repl(provider: &dyn Provider) -> Result<Report, CmdError> {
    let mut rl = rustyline::DefaultEditor::new()
        .map_err(|e| CmdError::new("io", format!("cannot start the line editor: {e}")))?;
    let mut chat = Chat::new();
    eprint_line(&format!(
        "ggen ai chat with {} ({}); {REPL_HELP}",
        provider.kind(),
        provider.model()
    ));
    loop {
        let line = match rl.readline("ai> ") {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(CmdError::new("io", format!("cannot read input: {e}"))),
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(text);
        match text
            .split_once(' ')
            .map_or((text, ""), |(c, r)| (c, r.trim()))
        {
            ("/exit" | "/quit", _) => break,
            ("/reset", _) => {
                chat.reset();
                eprint_line("conversation cleared");
            }
            ("/save", "") => eprint_line("usage: /save FILE"),
            ("/save", file) => match chat.save(Path::new(file)) {
                Ok(()) => eprint_line(&format!(
                    "saved {} messages to {file}",
                    chat.history().len()
                )),
                Err(e) => eprint_line(&format!("error: {e}")),
            },
            ("/help", _) => eprint_line(REPL_HELP),
            (cmd, _) if cmd.starts_with('/') => {
                eprint_line(&format!("unknown command {cmd}; {REPL_HELP}"));
            }
            _ => {
                let mut print = |piece: &str| print_stdout(piece);
                match chat.send(provider, text, Some(&mut print)) {
                    Ok(c) => {
                        if !c.content.ends_with('\n') {
                            print_stdout("\n");
                        }
                    }
                    Err(e) => {
                        let e = ai_err(e);
                        eprint_line(&format!("error: {}", e.message));
                        if let Some(h) = e.help {
                            eprint_line(&format!("  help: {h}"));
                        }
                    }
                }
            }
        }
    }
    Ok(Report::new(
        String::new(),
        json!({ "turns": chat.history().len() / 2 }),
    ))
}
