//! The first-party registry `marketplace/`: it is exactly what its sources build to, its packs
//! install with verified signatures, and their templates generate Rust models from an ontology
//! with the real generation engine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_pack::archive::Limits;
use ggen_pack::install::{InstallOptions, InstalledPack, PackRequest};
use ggen_pack::registry::DirRegistry;
use ggen_pack::sign::{PublicKey, SecretKey};
use support::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn test_only_key() -> SecretKey {
    let p = repo().join("crates/ggen-pack/tests/fixtures/marketplace-test-only.key");
    SecretKey::from_file_text(&std::fs::read_to_string(&p).unwrap(), &p).unwrap()
}

/// The documented public key of the marketplace (marketplace/README.md).
const MARKETPLACE_KEY: &str = "MCowBQYDK2VwAyEAwZzAy7to3K3QPW5690F9Msw1g07c73FdLuEaRMPMmP8=";

fn registry_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (rel, _) in tree_hashes(root) {
        // sources and docs are inputs; `.lock` is the registry's writer lock
        if rel.starts_with("sources/")
            || ["README.md", ".lock", ".gitignore"].contains(&rel.as_str())
        {
            continue;
        }
        out.insert(rel.clone(), std::fs::read(root.join(&rel)).unwrap());
    }
    out
}

#[test]
fn committed_registry_is_fresh() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("registry");
    ggen_pack::registry::build_registry(
        &repo().join("marketplace/sources"),
        &out,
        "ggen",
        Some(&test_only_key()),
        &Limits::default(),
    )
    .unwrap();
    let fresh = registry_files(&out);
    let committed = registry_files(&repo().join("marketplace"));
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&committed), names(&fresh), "file sets differ");
    for (p, data) in &fresh {
        assert!(
            committed[p] == *data,
            "marketplace/{p} is stale: run `cargo run -p ggen-pack --example build_marketplace`"
        );
    }
    assert_eq!(
        test_only_key().public_key(),
        PublicKey::parse(MARKETPLACE_KEY).unwrap(),
        "the documented public key is the one that signs"
    );
}

/// Template and source files of an installed pack, as the engine takes them.
fn pack_input(p: &InstalledPack) -> ggen_engine::PackInput {
    let (m, c) = p.contents().unwrap();
    let files = |rels: &[String]| {
        rels.iter()
            .map(|rel| ggen_engine::InputFile {
                abs: p.dir.join(rel),
                rel: format!("{}/{rel}", m.id),
            })
            .collect::<Vec<_>>()
    };
    assert!(c.partials.is_empty() || m.id.as_str() == "io.ggen.common-types");
    ggen_engine::PackInput {
        id: m.id.to_string(),
        version: m.version.to_string(),
        checksum: p.locked.checksum.clone(),
        root: p.dir.clone(),
        templates: files(&c.templates),
        sources: files(&c.graph_sources),
        vars: m
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap()))
            .collect(),
    }
}

#[test]
fn first_party_packs_install_and_generate_rust_models() {
    let t = tempfile::tempdir().unwrap();
    // a project with the shop example's ontology and no templates of its own
    let project = t.path().join("project");
    std::fs::create_dir_all(project.join("ontology")).unwrap();
    for f in ["shop.ttl", "properties.ttl", "shapes.ttl"] {
        std::fs::copy(
            repo().join("examples/shop/ontology").join(f),
            project.join("ontology").join(f),
        )
        .unwrap();
    }
    std::fs::write(
        project.join("ggen.toml"),
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[output]\ndir = \"generated\"\n\n[types.rust]\n\"xsd:decimal\" = \"f64\"\n\"xsd:date\" = \"String\"\n\"xsd:dateTime\" = \"String\"\n",
    )
    .unwrap();

    // install from the committed registry, trusting only the documented key
    let trusted = PublicKey::parse(MARKETPLACE_KEY).unwrap();
    let handle = ggen_pack::install::RegistryHandle {
        name: "ggen".into(),
        registry: Box::new(
            DirRegistry::open(&repo().join("marketplace").to_string_lossy()).unwrap(),
        ),
        trusted_keys: [trusted.clone()].into_iter().collect(),
        require_signatures: true,
    };
    let inst = ggen_pack::install::Installer::new(
        vec![handle],
        ggen_pack::cache::Cache::new(t.path().join("cache")),
        &project,
        InstallOptions {
            ggen_version: Some(semver::Version::parse(ggen_engine::VERSION).unwrap()),
            ..InstallOptions::default()
        },
    );
    let report = inst
        .install(&[PackRequest::parse("io.ggen.rust-models").unwrap()])
        .unwrap();
    assert_eq!(report.packs.len(), 2);
    for p in &report.packs {
        assert_eq!(p.locked.signed_by, vec![trusted.key_id()]);
    }
    let manifest = std::fs::read_to_string(project.join("ggen.toml")).unwrap();
    assert!(
        manifest.contains("\"io.ggen.rust-models\" = \"^1.0.0\""),
        "{manifest}"
    );

    // generate with the engine, the packs' templates and vars
    let mut ws = ggen_engine::Workspace::from_project(&project, &BTreeMap::new()).unwrap();
    for p in &report.packs {
        let input = pack_input(p);
        for (k, v) in &input.vars {
            ws.vars.entry(k.clone()).or_insert_with(|| v.clone());
        }
        ws.packs.push(input);
    }
    let plan = ggen_engine::plan(
        &ws,
        &ggen_engine::GenOptions::default(),
        &ggen_engine::NoProgress,
    )
    .unwrap();
    let outputs: BTreeMap<String, String> = plan
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.content.clone().unwrap_or_default()))
        .collect();
    let paths: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert!(paths.contains(&"generated/src/models/mod.rs"), "{paths:?}");
    assert!(
        paths.contains(&"generated/src/models/customer.rs"),
        "{paths:?}"
    );
    let customer = &outputs["generated/src/models/customer.rs"];
    assert!(customer.contains("pub struct Customer {"), "{customer}");
    assert!(customer.contains("pub id: String,"), "{customer}");
    let modrs = &outputs["generated/src/models/mod.rs"];
    assert!(
        modrs.contains("pub mod customer;\npub use customer::Customer;"),
        "{modrs}"
    );
    // every module declared in mod.rs is generated
    for line in modrs.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
        let m = line.trim_end_matches(';');
        assert!(
            outputs.contains_key(&format!("generated/src/models/{m}.rs")),
            "mod.rs declares {m} but no file is generated: {paths:?}"
        );
    }
    // inherited fields are flattened, enums are used, cardinalities are applied
    let physical = &outputs["generated/src/models/physical_product.rs"];
    assert!(physical.contains("pub product_name: String,"), "{physical}");
    assert!(physical.contains("pub weight_grams: i32,"), "{physical}");
    assert!(
        physical.contains("pub in_category: Vec<String>,"),
        "{physical}"
    );
    assert!(
        physical.contains("pub description: Option<String>,"),
        "{physical}"
    );
    let payment = &outputs["generated/src/models/payment.rs"];
    assert!(payment.contains("use super::PaymentMethod;"), "{payment}");
    assert!(payment.contains("pub method: PaymentMethod,"), "{payment}");
    let method = &outputs["generated/src/models/payment_method.rs"];
    assert!(
        method.contains(
            "pub const ALL: [Self; 3] = [Self::BankTransfer, Self::Card, Self::Invoice];"
        ),
        "{method}"
    );
}
