//! Unit tests of the make.toml model.

use super::*;

fn parse(text: &str) -> Result<MakeFile> {
    MakeFile::parse(text, Path::new("make.toml"), true)
}

#[test]
fn v25_file_parses() {
    let text = r#"
[project]
name = "my-app"
type = "webapp"
version = "1.0.0"
description = "My app"

[workspace.frontend]
path = "apps/web"
framework = "next"

[lifecycle.dev]
description = "Start dev server"
command = "npm run dev"
watch = true
port = 3000

[lifecycle.build]
commands = ["echo a", "echo b"]
outputs = ["dist/"]
cache = true
workspaces = ["frontend"]
parallel = true

[lifecycle.test]
command = "npm test"

[hooks]
before_build = ["test"]
after_build = ["dev"]
before_deploy = ["test"]
on_error = "echo failed"
"#;
    let m = parse(text).unwrap();
    assert_eq!(m.project.as_ref().unwrap().name, "my-app");
    assert_eq!(m.phases["build"].commands, vec!["echo a", "echo b"]);
    assert_eq!(
        m.phases["build"].targets,
        PhaseTargets::Workspaces(vec!["frontend".into()])
    );
    assert_eq!(m.phases["dev"].port, Some(3000));
    assert_eq!(m.hooks.before["build"], vec!["test"]);
    assert_eq!(m.workspaces["frontend"].dir, PathBuf::from("apps/web"));
    let msgs: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        msgs.iter().any(|w| w.contains("on_error is not supported")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|w| w.contains("no phase `deploy`")),
        "{msgs:?}"
    );
}

#[test]
fn unknown_keys_are_warnings_with_positions() {
    let m = parse("[project]\nname = \"x\"\n\n[lifecycle.build]\ncomand = \"make\"\n").unwrap();
    assert_eq!(m.warnings.len(), 1);
    assert_eq!(m.warnings[0].location.to_string(), "make.toml:5:1");
    assert!(m.warnings[0].message.contains("unknown key `comand`"));
}

#[test]
fn syntax_and_type_errors_have_positions() {
    let e = parse("[project]\nname = \"x\"\n[lifecycle.build\n").unwrap_err();
    assert!(e.to_string().starts_with("make.toml:3:"), "{e}");
    let e = parse("[project]\nname = \"x\"\n[lifecycle.build]\nparallel = \"yes\"\n").unwrap_err();
    assert!(e.to_string().starts_with("make.toml:4:12"), "{e}");
}

#[test]
fn missing_project_is_an_error_for_root_files_only() {
    let text = "[lifecycle.build]\ncommand = \"make\"\n";
    let e = parse(text).unwrap_err();
    assert!(e.to_string().contains("missing [project]"), "{e}");
    assert!(MakeFile::parse(text, Path::new("w/make.toml"), false).is_ok());
}

#[test]
fn semantic_errors_name_positions() {
    let e =
        parse("[project]\nname = \"x\"\n[lifecycle.build]\ndepends_on = [\"gen\"]\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "make.toml:4:15: unknown phase `gen` (referenced by depends_on of `build`)"
    );
    let e =
        parse("[project]\nname = \"x\"\n[lifecycle.build]\ncommand = \"a\"\ncommands = [\"b\"]\n")
            .unwrap_err();
    assert!(
        e.to_string().contains("both `command` and `commands`"),
        "{e}"
    );
    let e = parse("[project]\nname = \"x\"\n[lifecycle.build]\ntimeout = \"10 parsecs\"\n")
        .unwrap_err();
    assert!(e.to_string().starts_with("make.toml:4:11:"), "{e}");
    let e = parse("[project]\nname = \"x\"\n[workspace.w]\npath = \"../elsewhere\"\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "make.toml:4:8: workspace `w` path `../elsewhere` is outside the project root"
    );
    let e = parse("[project]\nname = \"x\"\n[workspace.w]\npath = \"/abs\"\n").unwrap_err();
    assert!(e.to_string().contains("outside the project root"));
    let e = parse("[project]\nname = \"x\"\n[lifecycle.b]\ninputs = [\"../x/**\"]\n").unwrap_err();
    assert!(e.to_string().starts_with("make.toml:4:11:"), "{e}");
    let e = parse("[project]\nname = \"x\"\n[lifecycle.b]\nworkspaces = [\"nope\"]\n").unwrap_err();
    assert!(e.to_string().contains("unknown workspace `nope`"), "{e}");
    let e = parse("[project]\nname = \"x\"\n[hooks]\nbefore_all = [\"nope\"]\n").unwrap_err();
    assert!(
        e.to_string().contains("referenced by hooks.before_all"),
        "{e}"
    );
}

#[test]
fn cycles_are_named() {
    let text = "[project]\nname = \"x\"\n\
        [lifecycle.a]\ndepends_on = [\"b\"]\n\
        [lifecycle.b]\ndepends_on = [\"c\"]\n\
        [lifecycle.c]\ndepends_on = [\"a\"]\n";
    let e = parse(text).unwrap_err();
    assert!(matches!(e, Error::Cycle { .. }));
    assert_eq!(
        e.to_string(),
        "make.toml:8:1: dependency cycle: a -> b -> c -> a"
    );

    let text = "[project]\nname = \"x\"\n\
        [lifecycle.a]\ncommand = \"true\"\n\
        [lifecycle.b]\ndepends_on = [\"a\"]\n\
        [hooks]\nbefore_a = [\"b\"]\n";
    let e = parse(text).unwrap_err();
    assert!(
        e.to_string().ends_with("dependency cycle: a -> b -> a"),
        "{e}"
    );

    let e = parse("[project]\nname = \"x\"\n[lifecycle.a]\ndepends_on = [\"a\"]\n").unwrap_err();
    assert!(e.to_string().ends_with("dependency cycle: a -> a"), "{e}");
}

#[test]
fn env_values_may_be_scalars() {
    let m = parse(
        "[project]\nname = \"x\"\n[env.prod]\nvars = { LEVEL = 3, DEBUG = false, NAME = \"p\" }\n",
    )
    .unwrap();
    let vars = &m.environments["prod"].vars;
    assert_eq!(vars["LEVEL"], "3");
    assert_eq!(vars["DEBUG"], "false");
    assert_eq!(vars["NAME"], "p");
}
