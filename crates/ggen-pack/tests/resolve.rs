//! Resolution: semver ordering, pre-releases, yanked versions, diamonds, cycles, conflicts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use ggen_pack::PackId;
use ggen_pack::index::{IndexDep, IndexLine};
use ggen_pack::lockfile::{LockedPack, Lockfile};
use ggen_pack::registry::RegistryError;
use ggen_pack::resolve::{Candidates, ResolveError, ResolveRequest, VersionSource, resolve};
use semver::{Version, VersionReq};

#[derive(Default)]
struct Mem {
    packs: BTreeMap<String, Vec<IndexLine>>,
}

impl Mem {
    fn add(&mut self, id: &str, vers: &str, deps: &[(&str, &str)]) -> &mut IndexLine {
        let line = IndexLine {
            id: PackId::parse(id).unwrap(),
            vers: Version::parse(vers).unwrap(),
            deps: deps
                .iter()
                .map(|(i, r)| IndexDep {
                    id: PackId::parse(i).unwrap(),
                    req: VersionReq::parse(r).unwrap(),
                })
                .collect(),
            cksum: format!(
                "sha256:{}",
                ggen_core::hash::sha256_hex(format!("{id}@{vers}"))
            ),
            sig: vec![],
            yanked: false,
            ggen: None,
            description: String::new(),
            keywords: vec![],
            categories: vec![],
            license: None,
        };
        let list = self.packs.entry(id.to_owned()).or_default();
        list.push(line);
        list.last_mut().unwrap()
    }
}

impl VersionSource for Mem {
    fn versions(&self, id: &PackId, _: Option<&str>) -> Result<Option<Candidates>, RegistryError> {
        Ok(self.packs.get(id.as_str()).map(|lines| Candidates {
            source: "registry+mem".into(),
            lines: lines.clone(),
        }))
    }

    fn known_ids(&self) -> Vec<String> {
        self.packs.keys().cloned().collect()
    }
}

fn root(reqs: &[(&str, &str)]) -> ResolveRequest<'static> {
    ResolveRequest {
        root: reqs
            .iter()
            .map(|(i, r)| (PackId::parse(i).unwrap(), VersionReq::parse(r).unwrap()))
            .collect(),
        ..ResolveRequest::default()
    }
}

fn versions(res: &ggen_pack::resolve::Resolution) -> Vec<String> {
    res.packs
        .iter()
        .map(|(id, p)| format!("{id} {}", p.line.vers))
        .collect()
}

#[test]
fn semver_ordering_not_string_ordering() {
    let mut m = Mem::default();
    for v in ["1.9.0", "1.10.0", "1.2.0"] {
        m.add("io.t.a", v, &[]);
    }
    let r = resolve(&root(&[("io.t.a", "*")]), &m).unwrap();
    assert_eq!(versions(&r), vec!["io.t.a 1.10.0"]);
    let r = resolve(&root(&[("io.t.a", "<1.10")]), &m).unwrap();
    assert_eq!(versions(&r), vec!["io.t.a 1.9.0"]);
}

#[test]
fn prereleases_only_when_asked() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[]);
    m.add("io.t.a", "2.0.0-beta.1", &[]);
    m.add("io.t.a", "2.0.0-alpha", &[]);
    let r = resolve(&root(&[("io.t.a", "*")]), &m).unwrap();
    assert_eq!(versions(&r), vec!["io.t.a 1.0.0"]);
    let r = resolve(&root(&[("io.t.a", ">=2.0.0-alpha")]), &m).unwrap();
    assert_eq!(versions(&r), vec!["io.t.a 2.0.0-beta.1"]);
    // only pre-releases published and none asked for: a clear error listing them
    let mut only_pre = Mem::default();
    only_pre.add("io.t.b", "1.0.0-rc.1", &[]);
    let e = resolve(&root(&[("io.t.b", "^1")]), &only_pre).unwrap_err();
    assert!(matches!(e, ResolveError::NoMatchingVersion(_)), "{e}");
    assert!(e.to_string().contains("available: 1.0.0-rc.1"), "{e}");
}

#[test]
fn yanked_skipped_unless_locked() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[]);
    m.add("io.t.a", "1.1.0", &[]).yanked = true;
    let r = resolve(&root(&[("io.t.a", "^1")]), &m).unwrap();
    assert_eq!(versions(&r), vec!["io.t.a 1.0.0"]);

    let mut lock = Lockfile::new();
    lock.insert(LockedPack {
        id: PackId::parse("io.t.a").unwrap(),
        version: Version::new(1, 1, 0),
        source: "registry+mem".into(),
        checksum: m.packs["io.t.a"][1].cksum.clone(),
        signed_by: vec![],
        dependencies: vec![],
    });
    let req = ResolveRequest {
        locked: Some(&lock),
        ..root(&[("io.t.a", "^1")])
    };
    let r = resolve(&req, &m).unwrap();
    assert_eq!(
        versions(&r),
        vec!["io.t.a 1.1.0"],
        "the locked yanked version stays"
    );
    // updating (unlocking) moves off the yanked version
    let req = ResolveRequest {
        locked: Some(&lock),
        unlock_all: true,
        ..root(&[("io.t.a", "^1")])
    };
    assert_eq!(versions(&resolve(&req, &m).unwrap()), vec!["io.t.a 1.0.0"]);
    // a yanked-only match is explained
    let e = resolve(&root(&[("io.t.a", "=1.1.0")]), &m).unwrap_err();
    assert!(e.to_string().contains("yanked: 1.1.0"), "{e}");
}

#[test]
fn locked_version_preferred_over_newer() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[]);
    m.add("io.t.a", "1.5.0", &[]);
    let mut lock = Lockfile::new();
    lock.insert(LockedPack {
        id: PackId::parse("io.t.a").unwrap(),
        version: Version::new(1, 0, 0),
        source: "registry+mem".into(),
        checksum: m.packs["io.t.a"][0].cksum.clone(),
        signed_by: vec![],
        dependencies: vec![],
    });
    let req = ResolveRequest {
        locked: Some(&lock),
        ..root(&[("io.t.a", "^1")])
    };
    assert_eq!(versions(&resolve(&req, &m).unwrap()), vec!["io.t.a 1.0.0"]);
}

#[test]
fn diamond_dependencies_share_one_version() {
    let mut m = Mem::default();
    m.add(
        "io.t.app",
        "1.0.0",
        &[("io.t.left", "^1"), ("io.t.right", "^1")],
    );
    m.add("io.t.left", "1.0.0", &[("io.t.base", ">=1.2, <2")]);
    m.add("io.t.right", "1.0.0", &[("io.t.base", "^1.0")]);
    for v in ["1.0.0", "1.2.0", "1.3.0", "2.0.0"] {
        m.add("io.t.base", v, &[]);
    }
    let r = resolve(&root(&[("io.t.app", "^1")]), &m).unwrap();
    assert_eq!(
        versions(&r),
        vec![
            "io.t.app 1.0.0",
            "io.t.base 1.3.0",
            "io.t.left 1.0.0",
            "io.t.right 1.0.0"
        ]
    );
    let app = &r.packs["io.t.app"];
    assert_eq!(app.dependencies.len(), 2);
    assert_eq!(
        r.packs["io.t.left"].dependencies,
        vec![(PackId::parse("io.t.base").unwrap(), Version::new(1, 3, 0))]
    );
}

#[test]
fn backtracks_to_an_older_version_that_fits() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[("io.t.c", "^1")]);
    m.add("io.t.a", "2.0.0", &[("io.t.c", "^2")]);
    m.add("io.t.b", "1.0.0", &[("io.t.c", "^1")]);
    m.add("io.t.c", "1.0.0", &[]);
    m.add("io.t.c", "2.0.0", &[]);
    let r = resolve(&root(&[("io.t.a", "*"), ("io.t.b", "*")]), &m).unwrap();
    assert_eq!(
        versions(&r),
        vec!["io.t.a 1.0.0", "io.t.b 1.0.0", "io.t.c 1.0.0"]
    );
}

#[test]
fn cycle_is_named() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[("io.t.b", "^1")]);
    m.add("io.t.b", "1.0.0", &[("io.t.c", "^1")]);
    m.add("io.t.c", "1.0.0", &[("io.t.a", "^1")]);
    let e = resolve(&root(&[("io.t.a", "^1")]), &m).unwrap_err();
    assert_eq!(
        e.to_string(),
        "dependency cycle: io.t.a 1.0.0 -> io.t.b 1.0.0 -> io.t.c 1.0.0 -> io.t.a 1.0.0"
    );
}

#[test]
fn conflict_names_both_requirers() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[("io.t.c", "^1")]);
    m.add("io.t.b", "1.0.0", &[("io.t.c", "^2")]);
    m.add("io.t.c", "1.0.0", &[]);
    m.add("io.t.c", "2.0.0", &[]);
    let e = resolve(&root(&[("io.t.a", "^1"), ("io.t.b", "^1")]), &m).unwrap_err();
    assert!(matches!(e, ResolveError::Conflict { .. }), "{e}");
    let s = e.to_string();
    assert!(s.contains("conflicting requirements for io.t.c"), "{s}");
    assert!(s.contains("io.t.a 1.0.0 requires `^1`"), "{s}");
    assert!(s.contains("io.t.b 1.0.0 requires `^2`"), "{s}");
}

#[test]
fn root_and_dependency_conflict() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[("io.t.c", "^1")]);
    m.add("io.t.c", "1.0.0", &[]);
    m.add("io.t.c", "2.0.0", &[]);
    let e = resolve(&root(&[("io.t.a", "^1"), ("io.t.c", "^2")]), &m).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("the project requires `^2`"), "{s}");
    assert!(s.contains("io.t.a 1.0.0 requires `^1`"), "{s}");
}

#[test]
fn unknown_pack_and_version_suggest_close_matches() {
    let mut m = Mem::default();
    m.add("io.ggen.rust-models", "1.0.0", &[]);
    m.add("io.ggen.rust-models", "1.1.0", &[]);
    m.add("io.ggen.sql-ddl", "1.0.0", &[]);
    let e = resolve(&root(&[("io.ggen.rust-model", "*")]), &m).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown pack `io.ggen.rust-model` (required by the project); did you mean `io.ggen.rust-models`?"
    );
    let e = resolve(&root(&[("io.ggen.rust-models", "^3")]), &m).unwrap_err();
    assert!(
        e.to_string().contains("no version of io.ggen.rust-models matches `^3` (required by the project); available: 1.1.0, 1.0.0"),
        "{e}"
    );
    // a missing dependency names its requirer
    m.add("io.ggen.x", "1.0.0", &[("io.ggen.sql-dd", "^1")]);
    let e = resolve(&root(&[("io.ggen.x", "*")]), &m).unwrap_err();
    assert!(e.to_string().contains("required by io.ggen.x 1.0.0"), "{e}");
    assert!(e.to_string().contains("io.ggen.sql-ddl"), "{e}");
}

#[test]
fn ggen_compatibility_is_checked() {
    let mut m = Mem::default();
    m.add("io.t.a", "1.0.0", &[]).ggen = Some(VersionReq::parse(">=0.1, <2").unwrap());
    m.add("io.t.a", "2.0.0", &[]).ggen = Some(VersionReq::parse(">=3").unwrap());
    let req = ResolveRequest {
        ggen_version: Some(Version::new(0, 1, 0)),
        ..root(&[("io.t.a", "*")])
    };
    assert_eq!(versions(&resolve(&req, &m).unwrap()), vec!["io.t.a 1.0.0"]);
    let req = ResolveRequest {
        ggen_version: Some(Version::new(0, 1, 0)),
        ..root(&[("io.t.a", "^2")])
    };
    let e = resolve(&req, &m).unwrap_err();
    assert!(
        e.to_string()
            .contains("need another ggen: 2.0.0 (ggen >=3)"),
        "{e}"
    );
}

#[test]
fn deterministic_output() {
    let mut m = Mem::default();
    for i in 0..20 {
        m.add(&format!("io.t.p{i:02}"), "1.0.0", &[("io.t.base", "^1")]);
    }
    m.add("io.t.base", "1.0.0", &[]);
    let reqs: Vec<(String, &str)> = (0..20).map(|i| (format!("io.t.p{i:02}"), "*")).collect();
    let pairs: Vec<(&str, &str)> = reqs.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let a = resolve(&root(&pairs), &m).unwrap();
    let mut rev = pairs.clone();
    rev.reverse();
    let b = resolve(&root(&rev), &m).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.to_lockfile(|_| vec![]).to_toml(),
        b.to_lockfile(|_| vec![]).to_toml()
    );
}
