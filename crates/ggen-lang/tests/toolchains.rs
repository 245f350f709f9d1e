//! The identifiers, comments and doc comments are checked by the real compilers where they are
//! installed: `rustc` (Rust), `python3` (Python), `node` (JavaScript, for the TypeScript output)
//! and `javac` (Java). A missing tool skips its test with a message on stderr.
//!
//! Every non-ASCII character `ident` keeps is checked too, by compiling one identifier per
//! character.
//!
//! The texts include attempts to break out of the comment (`*/`, `"""`, U+2028, bare CR, Java
//! `\u` escapes) followed by something that is not valid code, so an escaping bug shows up as a
//! compile error.

// Test helpers outside `#[test]` functions may panic and print too (clippy.toml only covers
// the tests themselves).
#![allow(clippy::panic, clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ggen_lang::{Lang, reserved};

/// Identifier inputs beyond each language's reserved words.
const NAMES: &[&str] = &[
    "",
    "_",
    "__",
    "2fa",
    "hello world",
    "a-b.c",
    "r#type",
    "größe",
    "日本語",
    "🦀",
    "\u{301}e",
    "Ⅻ",
    "$ref",
    "__typename",
    "__init__",
    "user",
    "order",
    "select",
    "var",
    "record",
    "string",
    "int",
    "x\u{200d}y",
    "tab\there",
    "new\nline",
];

/// Comment and documentation texts.
const TEXTS: &[&str] = &[
    "A user.\n\nHas a name.",
    "ends */ syntax error (",
    "*/ syntax error (",
    "C:\\users\\u0041 \\u000a syntax error (",
    "\"\"\" syntax error ( \"\"\"",
    "trailing quote\"",
    "\"\"",
    "bare\rCR syntax error (",
    "line\u{2028}separator syntax error (",
    "para\u{2029}separator",
    "crlf\r\nlines\r\n",
    "tab\tand\u{0}nul\u{1b}esc",
    "\\",
    "/* nested",
    "  \n  indented\n\n",
    "\n",
    "x",
    "ünïcödé 🦀",
];

/// All identifier inputs for `lang`: [`NAMES`] plus its reserved words.
fn inputs(lang: Lang) -> Vec<&'static str> {
    NAMES.iter().chain(lang.reserved_words()).copied().collect()
}

/// Every identifier `lang.ident` makes that keeps a non-ASCII character, from each character
/// of the Basic Multilingual Plane and a sample of the others, alone and after an `a`.
fn unicode_idents(lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = ('\u{80}'..='\u{FFFF}')
        .chain(('\u{10000}'..='\u{10FFFF}').step_by(97))
        .flat_map(|c| [c.to_string(), format!("a{c}")])
        .map(|input| lang.ident(&input))
        .filter(|id| !id.is_ascii())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Run `program` with `args` in `dir`; `None` (with a message) when it is not installed, a
/// panic with its output when it fails.
fn run(program: &str, args: &[&str], dir: &Path) -> Option<()> {
    match Command::new(program).args(args).current_dir(dir).output() {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            eprintln!("SKIPPED: `{program}` is not installed");
            None
        }
        Err(e) => panic!("cannot run {program}: {e}"),
        Ok(out) => {
            assert!(
                out.status.success(),
                "{program} {args:?} failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Some(())
        }
    }
}

#[test]
fn rustc_accepts_identifiers_comments_and_docs() {
    let lang = Lang::Rust;
    let mut src = String::from(
        "#![allow(dead_code, unused, non_camel_case_types, non_snake_case, \
         non_upper_case_globals, uncommon_codepoints, mixed_script_confusables, \
         confusable_idents)]\n",
    );
    for (i, name) in inputs(lang).into_iter().enumerate() {
        let id = lang.ident(name);
        src.push_str(&format!(
            "mod m{i} {{ pub struct {id} {{ pub {id}: u8 }} \
             pub fn f() {{ let {id} = 0u8; let _ = {id}; }} }}\n"
        ));
    }
    let unicode = unicode_idents(lang);
    assert!(unicode.len() > 20_000, "{}", unicode.len());
    src.push_str("pub fn unicode() {\n");
    for id in &unicode {
        src.push_str(&format!("    let {id} = 0u8;\n"));
    }
    src.push_str("}\n");
    for (i, text) in TEXTS.iter().enumerate() {
        src.push_str(&format!(
            "{}\npub struct D{i};\n{}\npub struct C{i};\n",
            lang.doc(text),
            lang.comment(text)
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("check.rs"), src).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    run(
        &rustc,
        &[
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "-o",
            "check.rmeta",
            "check.rs",
        ],
        dir.path(),
    );
}

/// The value a Python docstring made by `doc` must have: the lines of `text` joined by `\n`,
/// plus a final `\n` when there are several (the closing quotes get their own line).
fn expected_docstring(text: &str) -> String {
    let normalized = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let body = normalized.strip_suffix('\n').unwrap_or(&normalized);
    if body.contains('\n') {
        format!("{body}\n")
    } else {
        body.to_owned()
    }
}

#[test]
fn python_accepts_identifiers_comments_and_docstrings() {
    let lang = Lang::Python;
    let mut idents: Vec<String> = inputs(lang).into_iter().map(|n| lang.ident(n)).collect();
    idents.extend(unicode_idents(lang));
    let docs: Vec<(String, String)> = TEXTS
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| (expected_docstring(t), lang.doc(t)))
        .collect();
    let comments: Vec<String> = TEXTS.iter().map(|t| lang.comment(t)).collect();
    let data = serde_json::json!({ "idents": idents, "docs": docs, "comments": comments });
    let script = r#"
import ast, json, keyword, sys
data = json.load(open("data.json", encoding="utf-8"))
for name in data["idents"]:
    assert name.isidentifier() and not keyword.iskeyword(name), repr(name)
    compile(f"{name} = 1\nprint({name})\n", "<ident>", "exec")
for expected, literal in data["docs"]:
    module = ast.parse(literal + "\n")
    value = ast.get_docstring(module, clean=False)
    assert value is not None and len(module.body) == 1, repr(literal)
    value = value.replace("\r\n", "\n")
    assert value == expected, (literal, value, expected)
for text in data["comments"]:
    module = ast.parse(text + "\npass\n")
    assert len(module.body) == 1, repr(text)
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.json"), data.to_string()).unwrap();
    std::fs::write(dir.path().join("check.py"), script).unwrap();
    run("python3", &["check.py"], dir.path());
}

#[test]
fn node_accepts_typescript_identifiers_comments_and_docs() {
    let lang = Lang::TypeScript;
    let mut src = String::new();
    for name in inputs(lang) {
        let id = lang.ident(name);
        src.push_str(&format!("{{ let {id} = 0; void {id}; }}\n"));
    }
    for id in unicode_idents(lang) {
        src.push_str(&format!("{{ let {id} = 0; }}\n"));
    }
    for (i, text) in TEXTS.iter().enumerate() {
        src.push_str(&format!(
            "{}\nexport const d{i} = 0;\n{}\nexport const c{i} = 0;\n",
            lang.doc(text),
            lang.comment(text)
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("check.mjs"), src).unwrap();
    run("node", &["--check", "check.mjs"], dir.path());
}

#[test]
fn javac_accepts_identifiers_comments_and_docs() {
    let lang = Lang::Java;
    let mut src = String::from("public class Check {\n");
    for (i, name) in inputs(lang).into_iter().enumerate() {
        let id = lang.ident(name);
        src.push_str(&format!(
            "  static class N{i} {{ int {id} = 0; void m() {{ int {id} = 1; }} }}\n"
        ));
    }
    for (i, text) in TEXTS.iter().enumerate() {
        src.push_str(&format!(
            "{}\n  int d{i};\n{}\n  int c{i};\n",
            lang.doc(text),
            lang.comment(text)
        ));
    }
    src.push_str("}\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Check.java"), src).unwrap();
    run(
        "javac",
        &["-encoding", "UTF-8", "-d", ".", "Check.java"],
        dir.path(),
    );
}

#[test]
fn reserved_lists_are_the_ones_checked_here() {
    // The compiler checks above run over every reserved word of their language.
    for lang in [Lang::Rust, Lang::Python, Lang::TypeScript, Lang::Java] {
        assert!(inputs(lang).len() > NAMES.len());
    }
    assert_eq!(Lang::Rust.reserved_words(), reserved::RUST);
}

/// A PostgreSQL binary from `PATH` or `/usr/lib/postgresql/*/bin`.
fn pg_bin(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin").join(name))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    })
}

/// `program`, run as the `postgres` user when we are root (PostgreSQL refuses to run as root).
fn pg_command(program: &Path, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

#[test]
fn postgres_agrees_on_reserved_words_and_accepts_identifiers_and_comments() {
    let (Some(initdb), Some(postgres)) = (pg_bin("initdb"), pg_bin("postgres")) else {
        eprintln!("SKIPPED: PostgreSQL's `initdb`/`postgres` are not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let chown = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status();
        if !chown.is_ok_and(|s| s.success()) {
            eprintln!("SKIPPED: running as root and cannot hand the data directory to `postgres`");
            return;
        }
    }
    let data = dir.path().join("data");
    let init = pg_command(&initdb, root)
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );

    let lang = Lang::Sql;
    // Single-user mode reads one statement per line.
    let mut sql = String::from(
        "select 'KW:' || word from pg_get_keywords() where catcode in ('R', 'T') order by 1;\n",
    );
    let columns: BTreeSet<String> = inputs(lang).into_iter().map(|n| lang.ident(n)).collect();
    let columns: Vec<String> = columns.into_iter().map(|c| format!("{c} int")).collect();
    sql.push_str(&format!("create table t ({});\n", columns.join(", ")));
    for text in TEXTS {
        let c = lang.comment(text).replace("\r\n", "\n");
        sql.push_str(&format!("{c}\nselect 1;\n"));
    }
    let mut child = pg_command(&postgres, root)
        .args(["--single", "-D"])
        .arg(&data)
        .arg("postgres")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("ERROR") && !stdout.contains("ERROR"),
        "postgres rejected the SQL:\n{stderr}\n{stdout}\n--- input ---\n{sql}"
    );

    let server: BTreeSet<String> = stdout
        .lines()
        .filter_map(|l| l.split_once("\"KW:")?.1.split_once('"'))
        .map(|(word, _)| word.to_owned())
        .collect();
    assert!(server.len() > 90, "{stdout}");
    let ours: BTreeSet<String> = reserved::SQL.iter().map(|w| (*w).to_owned()).collect();
    let missing: Vec<&String> = server.difference(&ours).collect();
    assert!(
        missing.is_empty(),
        "reserved in PostgreSQL but not listed: {missing:?}"
    );
    // `system_user` became reserved in PostgreSQL 16; older servers do not list it.
    let extra: Vec<&String> = ours.difference(&server).collect();
    assert!(
        extra.iter().all(|w| *w == "system_user"),
        "listed but not reserved in this PostgreSQL: {extra:?}"
    );
}
