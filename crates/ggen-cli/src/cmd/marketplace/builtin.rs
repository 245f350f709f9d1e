//! The built-in first-party registry: the repository's `marketplace/` directory, embedded in the
//! binary at build time (index lines with their checksums, archives, `search.json`, and the
//! registry's documented public key). It needs no network and no checkout, so
//! `ggen marketplace search` and `install` work offline on a fresh machine, and its packs are
//! trusted because their checksums are compiled in (their signatures are checked as well).
//!
//! When a pack is added to `marketplace/`, add its files to [`INDEX`] and [`ARCHIVES`]; the test
//! `builtin_registry_embeds_every_marketplace_pack` (tests/marketplace_builtin.rs) fails until
//! then.

use std::path::Path;

use ggen_pack::PackId;
use ggen_pack::index::{IndexLine, parse_index_file};
use ggen_pack::registry::{Registry, RegistryError};
use ggen_pack::search::{SearchFile, SearchHit, SearchIndex, SearchQuery};

/// The lockfile source of packs from the built-in registry (the same on every machine, so
/// `ggen.lock` files stay portable).
pub const SOURCE: &str = "registry+builtin:ggen";

/// The registry's name (its `config.json` name).
pub const NAME: &str = "ggen";

/// The registry's documented public key (see `marketplace/README.md`): a test-only key whose
/// private half is in the repository. The embedded checksums are what make the packs trustworthy.
pub const PUBLIC_KEY: &str =
    include_str!("../../../../../marketplace/keys/ed25519-96d3e3a3b178fe5e.pub");

/// `index/<id>` files.
const INDEX: &[(&str, &str)] = &[
    (
        "io.ggen.common-types",
        include_str!("../../../../../marketplace/index/io.ggen.common-types"),
    ),
    (
        "io.ggen.python-models",
        include_str!("../../../../../marketplace/index/io.ggen.python-models"),
    ),
    (
        "io.ggen.rust-models",
        include_str!("../../../../../marketplace/index/io.ggen.rust-models"),
    ),
    (
        "io.ggen.starter-python-lib",
        include_str!("../../../../../marketplace/index/io.ggen.starter-python-lib"),
    ),
    (
        "io.ggen.starter-rust-cli",
        include_str!("../../../../../marketplace/index/io.ggen.starter-rust-cli"),
    ),
    (
        "io.ggen.starter-rust-lib",
        include_str!("../../../../../marketplace/index/io.ggen.starter-rust-lib"),
    ),
    (
        "io.ggen.starter-rust-web",
        include_str!("../../../../../marketplace/index/io.ggen.starter-rust-web"),
    ),
    (
        "io.ggen.starter-typescript-lib",
        include_str!("../../../../../marketplace/index/io.ggen.starter-typescript-lib"),
    ),
    (
        "io.ggen.typescript-models",
        include_str!("../../../../../marketplace/index/io.ggen.typescript-models"),
    ),
];

/// `packs/<id>/<version>.tar.gz` archives.
const ARCHIVES: &[(&str, &str, &[u8])] = &[
    (
        "io.ggen.common-types",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.common-types/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.python-models",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.python-models/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.rust-models",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.rust-models/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.starter-python-lib",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.starter-python-lib/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.starter-rust-cli",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.starter-rust-cli/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.starter-rust-lib",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.starter-rust-lib/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.starter-rust-web",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.starter-rust-web/1.0.0.tar.gz"),
    ),
    (
        "io.ggen.starter-typescript-lib",
        "1.0.0",
        include_bytes!(
            "../../../../../marketplace/packs/io.ggen.starter-typescript-lib/1.0.0.tar.gz"
        ),
    ),
    (
        "io.ggen.typescript-models",
        "1.0.0",
        include_bytes!("../../../../../marketplace/packs/io.ggen.typescript-models/1.0.0.tar.gz"),
    ),
];

/// `search.json`.
const SEARCH: &str = include_str!("../../../../../marketplace/search.json");

/// The embedded registry.
#[derive(Debug, Default)]
pub struct Builtin;

impl Registry for Builtin {
    fn source(&self) -> &str {
        SOURCE
    }

    fn index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError> {
        let Some((_, text)) = INDEX.iter().find(|(i, _)| *i == id.as_str()) else {
            return Ok(None);
        };
        let file = Path::new("<built-in registry>/index").join(id.as_str());
        Ok(Some(parse_index_file(text, &file, id)?))
    }

    fn download(&self, id: &PackId, version: &semver::Version) -> Result<Vec<u8>, RegistryError> {
        let v = version.to_string();
        ARCHIVES
            .iter()
            .find(|(i, ver, _)| *i == id.as_str() && *ver == v)
            .map(|(_, _, bytes)| bytes.to_vec())
            .ok_or_else(|| RegistryError::NotFound {
                what: format!("<built-in registry>/packs/{id}/{v}.tar.gz"),
            })
    }

    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, RegistryError> {
        let file = SearchFile::parse(SEARCH, Path::new("<built-in registry>/search.json"))?;
        Ok(SearchIndex::new(file.packs).search(query))
    }

    fn pack_ids(&self) -> Result<Vec<String>, RegistryError> {
        Ok(INDEX.iter().map(|(i, _)| (*i).to_owned()).collect())
    }

    fn is_remote(&self) -> bool {
        false
    }
}
