//! Running one shell command: `sh -c`, live line-by-line output, and a timeout that kills the
//! whole process group.
//!
//! The child is started in a new process group (`process_group(0)`), so the group id equals its
//! pid and every process it starts (`sh -c 'make'` → `make` → `cc`) belongs to that group unless
//! it deliberately leaves it. On timeout the group receives SIGTERM, then SIGKILL after a grace
//! period. Signals are sent with `rustix::process::kill_process_group`: the workspace forbids
//! `unsafe`, rustix wraps `kill(-pgid, sig)` safely, and it is already in the dependency tree
//! (through `tempfile`), so only its `process` feature is added — unlike `nix`, which would be a
//! second libc wrapper for the same call.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group};

use crate::report::Stream;

/// How long to keep reading output after the command exited while a background process it
/// started still holds the pipes open.
const DRAIN_AFTER_EXIT: Duration = Duration::from_millis(250);

/// How often the cancellation flag is looked at while a command is quiet.
const POLL: Duration = Duration::from_millis(100);

/// A command to run.
pub(crate) struct ShellCommand<'a> {
    /// The `sh -c` script.
    pub command: &'a str,
    /// Working directory.
    pub dir: &'a Path,
    /// Variables set on top of the inherited environment.
    pub env: &'a BTreeMap<String, String>,
    /// Kill the process group after this long.
    pub timeout: Duration,
    /// Between SIGTERM and SIGKILL on timeout.
    pub kill_grace: Duration,
    /// Positional parameters (`$1`, `$2`, ...) after `$0` = `name`.
    pub args: &'a [String],
    /// `$0` of the script (shown in shell error messages).
    pub name: &'a str,
    /// Bytes written to the command's standard input (`None`: /dev/null).
    pub stdin: Option<&'a [u8]>,
    /// When set to true (e.g. by the caller's Ctrl-C handler), the process group is killed as on
    /// a timeout. Needed because the command runs in its own process group, which does not
    /// receive the terminal's SIGINT.
    pub cancel: Option<&'a AtomicBool>,
}

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Exited with this code.
    Code(i32),
    /// Killed by this signal (not by us).
    Signal(i32),
    /// Ran past the timeout; the group was killed.
    TimedOut,
    /// The caller cancelled; the group was killed.
    Cancelled,
}

impl Exit {
    pub(crate) fn success(self) -> bool {
        self == Self::Code(0)
    }
}

enum Msg {
    Line(Stream, String),
    Eof,
    Exited(std::io::Result<ExitStatus>),
}

/// Run the command, calling `on_line` for every output line as it arrives.
pub(crate) fn run_shell(
    cmd: &ShellCommand<'_>,
    on_line: &mut dyn FnMut(Stream, &str),
) -> std::io::Result<(Exit, Duration)> {
    let start = Instant::now();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd.command)
        .arg(cmd.name)
        .args(cmd.args)
        .current_dir(cmd.dir)
        .envs(cmd.env)
        .stdin(if cmd.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = command.spawn()?;
    let group = Pid::from_child(&child);
    if let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), cmd.stdin) {
        let bytes = bytes.to_vec();
        follow(group, move || {
            use std::io::Write;
            // The command may exit without reading its input: a broken pipe is not an error.
            let _ = pipe.write_all(&bytes);
        })?;
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let mut readers = 0;
    if let Some(out) = child.stdout.take() {
        spawn_reader(group, out, Stream::Stdout, tx.clone())?;
        readers += 1;
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(group, err, Stream::Stderr, tx.clone())?;
        readers += 1;
    }
    {
        let tx = tx.clone();
        follow(group, move || {
            let status = child.wait();
            let _ = tx.send(Msg::Exited(status));
        })?;
    }
    drop(tx);

    let deadline = start + cmd.timeout;
    let mut eofs = 0;
    let mut exited: Option<std::io::Result<ExitStatus>> = None;
    let mut stopped: Option<Exit> = None;
    loop {
        if exited.is_some() && eofs >= readers {
            break;
        }
        if exited.is_none() {
            // Checked on every message too, so a command printing without pause still times
            // out and can be cancelled.
            let reason = if cmd.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
                Some(Exit::Cancelled)
            } else if Instant::now() >= deadline {
                Some(Exit::TimedOut)
            } else {
                None
            };
            if let Some(reason) = reason {
                stopped = Some(reason);
                exited = Some(kill_group(group, cmd.kill_grace, &rx, on_line));
                break;
            }
        }
        let wait = if exited.is_some() {
            DRAIN_AFTER_EXIT
        } else {
            deadline.saturating_duration_since(Instant::now()).min(POLL)
        };
        match rx.recv_timeout(wait) {
            Ok(Msg::Line(stream, line)) => on_line(stream, &line),
            Ok(Msg::Eof) => eofs += 1,
            Ok(Msg::Exited(status)) => exited = Some(status),
            Err(mpsc::RecvTimeoutError::Timeout) if exited.is_some() => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let duration = start.elapsed();
    if let Some(reason) = stopped {
        return Ok((reason, duration));
    }
    let status = match exited {
        Some(status) => status?,
        None => return Err(std::io::Error::other("the command's exit status was lost")),
    };
    let exit = match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(sig)) => Exit::Signal(sig),
        (None, None) => Exit::Code(-1),
    };
    Ok((exit, duration))
}

/// SIGTERM the group, wait up to `grace` for the leader, then SIGKILL the whole group (also
/// when the leader already exited: grandchildren may ignore SIGTERM).
fn kill_group(
    group: Pid,
    grace: Duration,
    rx: &mpsc::Receiver<Msg>,
    on_line: &mut dyn FnMut(Stream, &str),
) -> std::io::Result<ExitStatus> {
    // ESRCH (group already gone) is fine: there is nothing left to kill.
    let _ = kill_process_group(group, Signal::TERM);
    let mut status = wait_exit(rx, grace, on_line);
    let _ = kill_process_group(group, Signal::KILL);
    if status.is_none() {
        status = wait_exit(rx, Duration::from_secs(10), on_line);
    }
    status.unwrap_or_else(|| Err(std::io::Error::other("process did not exit after SIGKILL")))
}

fn wait_exit(
    rx: &mpsc::Receiver<Msg>,
    limit: Duration,
    on_line: &mut dyn FnMut(Stream, &str),
) -> Option<std::io::Result<ExitStatus>> {
    let until = Instant::now() + limit;
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Msg::Line(stream, line)) => on_line(stream, &line),
            Ok(Msg::Eof) => {}
            Ok(Msg::Exited(status)) => return Some(status),
            Err(_) => return None,
        }
    }
}

/// Start a thread that follows the running command (feeds its input, reads its output, waits
/// for it). If the system refuses a thread, the command's process group is killed and an error
/// returned, rather than leaving a command nobody watches.
fn follow(group: Pid, f: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    match std::thread::Builder::new().spawn(f) {
        Ok(_) => Ok(()),
        Err(e) => {
            let _ = kill_process_group(group, Signal::KILL);
            Err(std::io::Error::other(format!(
                "could not start a thread to follow the command (it was stopped): {e}"
            )))
        }
    }
}

fn spawn_reader<R: Read + Send + 'static>(
    group: Pid,
    pipe: R,
    stream: Stream,
    tx: mpsc::Sender<Msg>,
) -> std::io::Result<()> {
    follow(group, move || {
        let mut reader = BufReader::new(pipe);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    while matches!(buf.last(), Some(b'\n' | b'\r')) {
                        buf.pop();
                    }
                    let line = String::from_utf8_lossy(&buf).into_owned();
                    if tx.send(Msg::Line(stream, line)).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = tx.send(Msg::Eof);
    })
}

/// Quote `s` for a POSIX shell (single quotes; `'` becomes `'\''`). Plain words stay as they
/// are, so scripts and messages remain readable.
pub(crate) fn sh_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Keeps the last `capacity` lines.
#[derive(Debug, Clone)]
pub(crate) struct Tail {
    capacity: usize,
    lines: std::collections::VecDeque<String>,
}

impl Tail {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            lines: std::collections::VecDeque::new(),
        }
    }

    pub(crate) fn push(&mut self, line: &str) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
        }
        self.lines.push_back(line.to_owned());
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.lines.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(command: &str, timeout: Duration) -> (Exit, Vec<(Stream, String)>) {
        let dir = tempfile::tempdir().unwrap();
        let env = BTreeMap::from([("GREETING".to_string(), "hi".to_string())]);
        let mut lines = Vec::new();
        let (exit, _) = run_shell(
            &ShellCommand {
                command,
                dir: dir.path(),
                env: &env,
                timeout,
                kill_grace: Duration::from_millis(200),
                args: &["one".to_string()],
                name: "test",
                stdin: Some(b"from stdin\n"),
                cancel: None,
            },
            &mut |s, l| lines.push((s, l.to_owned())),
        )
        .unwrap();
        (exit, lines)
    }

    #[test]
    fn streams_lines_and_exit_codes() {
        let (exit, lines) = run(
            "echo $GREETING; echo oops >&2; exit 3",
            Duration::from_secs(20),
        );
        assert_eq!(exit, Exit::Code(3));
        assert!(lines.contains(&(Stream::Stdout, "hi".into())));
        assert!(lines.contains(&(Stream::Stderr, "oops".into())));
    }

    #[test]
    fn positional_args_and_stdin() {
        let (exit, lines) = run("echo \"$0 $1\"; cat", Duration::from_secs(20));
        assert_eq!(exit, Exit::Code(0));
        assert_eq!(
            lines,
            vec![
                (Stream::Stdout, "test one".into()),
                (Stream::Stdout, "from stdin".into())
            ]
        );
    }

    #[test]
    fn background_process_holding_pipes_does_not_block() {
        let (exit, lines) = run("sleep 5 & echo started", Duration::from_secs(20));
        assert_eq!(exit, Exit::Code(0));
        assert_eq!(lines, vec![(Stream::Stdout, "started".into())]);
    }

    #[test]
    fn timeout_kills() {
        let (exit, _) = run("sleep 30", Duration::from_millis(300));
        assert_eq!(exit, Exit::TimedOut);
    }

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("/usr/bin/ggen"), "/usr/bin/ggen");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(sh_quote(""), "''");
        let (exit, lines) = run(
            &format!("printf '%s\\n' {}", sh_quote("it's $HOME")),
            Duration::from_secs(20),
        );
        assert_eq!(exit, Exit::Code(0));
        assert_eq!(lines, vec![(Stream::Stdout, "it's $HOME".into())]);
    }

    #[test]
    fn chatty_command_still_times_out() {
        let (exit, lines) = run("while :; do echo spam; done", Duration::from_millis(300));
        assert_eq!(exit, Exit::TimedOut);
        assert!(!lines.is_empty());
    }

    #[test]
    fn cancellation_kills_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = AtomicBool::new(false);
        let env = BTreeMap::new();
        let (exit, _) = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(200));
                cancel.store(true, Ordering::SeqCst);
            });
            run_shell(
                &ShellCommand {
                    command: "sleep 30",
                    dir: dir.path(),
                    env: &env,
                    timeout: Duration::from_secs(60),
                    kill_grace: Duration::from_millis(200),
                    args: &[],
                    name: "t",
                    stdin: None,
                    cancel: Some(&cancel),
                },
                &mut |_, _| {},
            )
            .unwrap()
        });
        assert_eq!(exit, Exit::Cancelled);
    }

    #[test]
    fn tail_keeps_last_lines() {
        let mut t = Tail::new(2);
        for l in ["a", "b", "c"] {
            t.push(l);
        }
        assert_eq!(t.into_vec(), vec!["b", "c"]);
    }
}
