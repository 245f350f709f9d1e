//! `search` and `info`: read-only questions to the registries.

use std::fmt::Write as _;

use ggen_core::Diagnostic as _;
use ggen_pack::PackId;
use ggen_pack::archive::{Limits, extract_archive};
use ggen_pack::index::{IndexLine, latest};
use ggen_pack::install::{Mode, RegistryHandle};
use ggen_pack::manifest::{Manifest, PackContents, parse_req};
use ggen_pack::resolve::{NoMatch, ResolveError};
use ggen_pack::search::{Rank, SearchQuery};
use ggen_pack::sign::{Verification, verify};
use serde_json::{Value, json};

use super::registries::Env;
use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

fn read_mode(ctx: &Ctx) -> Mode {
    if ctx.global.offline {
        Mode::Offline
    } else {
        Mode::Normal
    }
}

fn rank_name(r: Rank) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `ggen marketplace search`.
pub fn search(
    ctx: &Ctx,
    text: &str,
    category: Option<String>,
    keyword: Option<String>,
    limit: usize,
) -> Result<Report, CmdError> {
    let env = Env::load(ctx)?;
    let handles = env.handles(ctx, read_mode(ctx), None, None)?;
    // one more than asked, to tell whether there are more
    let query = SearchQuery {
        text: text.to_owned(),
        category,
        keyword,
        limit: Some(limit.saturating_add(1)),
        offset: 0,
    };
    let mut hits: Vec<(Rank, String, usize, ggen_pack::search::SearchEntry)> = Vec::new();
    for (i, h) in handles.iter().enumerate() {
        for hit in h.registry.search(&query).map_err(|e| CmdError::diag(&e))? {
            // the first registry that has a pack provides it
            if hits.iter().any(|(_, id, _, _)| id == hit.entry.id.as_str()) {
                continue;
            }
            hits.push((hit.rank, hit.entry.id.to_string(), i, hit.entry));
        }
    }
    hits.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let more = hits.len() > limit;
    hits.truncate(limit);

    let mut human = String::new();
    let width = hits.iter().map(|h| h.1.len()).max().unwrap_or(0);
    for (_, id, _, e) in &hits {
        let _ = writeln!(
            human,
            "{id:<width$}  {:<10} {}",
            e.vers.to_string(),
            e.description
        );
        if !e.keywords.is_empty() {
            let _ = writeln!(
                human,
                "{:<width$}  {:<10} keywords: {}",
                "",
                "",
                e.keywords.join(", ")
            );
        }
    }
    if hits.is_empty() {
        let _ = writeln!(
            human,
            "no packs match{}",
            if text.is_empty() {
                String::new()
            } else {
                format!(" `{text}`")
            }
        );
    } else if more {
        let _ = writeln!(
            human,
            "(more packs match; show them with --limit {})",
            limit.saturating_mul(2)
        );
    }
    let json_hits: Vec<Value> = hits
        .iter()
        .map(|(rank, id, reg, e)| {
            json!({
                "id": id,
                "version": e.vers.to_string(),
                "description": e.description,
                "keywords": e.keywords,
                "categories": e.categories,
                "license": e.license,
                "rank": rank_name(*rank),
                "registry": handles.get(*reg).map(|h| h.name.clone()),
            })
        })
        .collect();
    Ok(Report::new(
        human,
        json!({ "query": text, "packs": json_hits, "more": more }),
    ))
}

/// Close matches for an unknown pack id among the registries' packs.
pub(super) fn unknown_pack(id: &str, handles: &[RegistryHandle], required_by: &str) -> CmdError {
    let mut ids: Vec<String> = handles
        .iter()
        .filter_map(|h| h.registry.pack_ids().ok())
        .flatten()
        .collect();
    ids.sort();
    ids.dedup();
    let e = ResolveError::UnknownPack {
        id: id.to_owned(),
        required_by: required_by.to_owned(),
        suggestions: suggestions(id, ids.iter().map(String::as_str)),
    };
    let mut err = CmdError::diag(&e);
    if err.help.is_none() {
        err.help = Some("search for packs with `ggen marketplace search <words>`".into());
    }
    err
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// Up to three ids close to `wanted` (small edit distance, same short name, or containing it).
fn suggestions<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).max(2);
    let short = wanted.rsplit('.').next().unwrap_or(wanted);
    let mut scored: Vec<(usize, &str)> = candidates
        .filter(|c| *c != wanted)
        .filter_map(|c| {
            let d = edit_distance(wanted, c);
            let c_short = c.rsplit('.').next().unwrap_or(c);
            if d <= limit {
                Some((d, c))
            } else if c_short == short
                || c.contains(wanted)
                || (short.len() >= 3 && c_short.contains(short))
            {
                Some((limit + 1, c))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

/// The index line `info` shows: an exact version, the best match of a requirement, or the
/// latest version.
fn select<'a>(
    id: &PackId,
    lines: &'a [IndexLine],
    version: Option<&str>,
) -> Result<&'a IndexLine, CmdError> {
    let newest_first = |mut v: Vec<&'a IndexLine>| {
        v.sort_by(|a, b| b.vers.cmp(&a.vers));
        v
    };
    let Some(text) = version else {
        return latest(lines)
            .or_else(|| newest_first(lines.iter().collect()).first().copied())
            .ok_or_else(|| CmdError::new("unknown-pack", format!("{id} has no versions")));
    };
    if let Ok(exact) = semver::Version::parse(text.trim())
        && let Some(l) = lines.iter().find(|l| l.vers == exact)
    {
        return Ok(l);
    }
    let req = parse_req(text).map_err(|e| {
        CmdError::new(
            "bad-pack-request",
            format!("invalid version or requirement `{text}`: {e}"),
        )
    })?;
    let matching = newest_first(lines.iter().filter(|l| req.matches(&l.vers)).collect());
    if let Some(l) = matching.iter().find(|l| !l.yanked).or(matching.first()) {
        return Ok(l);
    }
    let available: Vec<String> = newest_first(lines.iter().filter(|l| !l.yanked).collect())
        .iter()
        .take(5)
        .map(|l| l.vers.to_string())
        .collect();
    Err(CmdError::diag(&ResolveError::NoMatchingVersion(Box::new(
        NoMatch {
            id: id.to_string(),
            req: text.to_owned(),
            required_by: "the command line".into(),
            available,
            yanked: Vec::new(),
            incompatible: Vec::new(),
        },
    ))))
}

/// The archive of a version from the cache (without modifying it) or its registry, verified
/// against the index checksum. `None` when it may not be fetched (offline, remote).
fn archive_bytes(
    env: &Env,
    ctx: &Ctx,
    h: &RegistryHandle,
    line: &IndexLine,
) -> Result<Option<Vec<u8>>, CmdError> {
    if let Ok(p) = env.cache.archive_path(&line.cksum)
        && let Ok(b) = std::fs::read(p)
        && ggen_core::hash::sha256_checksum(&b) == line.cksum
    {
        return Ok(Some(b));
    }
    if ctx.global.offline && h.registry.is_remote() {
        return Ok(None);
    }
    let bytes = h
        .registry
        .download(&line.id, &line.vers)
        .map_err(|e| CmdError::diag(&e))?;
    let actual = ggen_core::hash::sha256_checksum(&bytes);
    if actual != line.cksum {
        return Err(CmdError::new(
            "checksum-mismatch",
            format!(
                "checksum mismatch for {} {}: expected {}, actual {actual}",
                line.id, line.vers, line.cksum
            ),
        ));
    }
    Ok(Some(bytes))
}

/// Manifest and file lists of an archive (extracted into a temporary directory that is removed
/// again).
fn archive_details(bytes: &[u8], cksum: &str) -> Result<(Manifest, PackContents), CmdError> {
    let hex = cksum.strip_prefix("sha256:").unwrap_or(cksum);
    let dir = std::env::temp_dir().join(format!(
        "ggen-info-{}-{}",
        std::process::id(),
        hex.get(..12).unwrap_or(hex)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let result = (|| {
        extract_archive(bytes, &dir, &Limits::default()).map_err(|e| CmdError::diag(&e))?;
        let m = Manifest::load_dir(&dir).map_err(|e| CmdError::diag(&e))?;
        let c = m.contents(&dir).map_err(|e| CmdError::diag(&e))?;
        Ok((m, c))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// `ggen marketplace info`.
pub fn info(ctx: &Ctx, spec: &str) -> Result<Report, CmdError> {
    let (id_text, version) = match spec.split_once('@') {
        Some((i, v)) => (i, Some(v)),
        None => (spec, None),
    };
    let id = PackId::parse(id_text.trim())
        .map_err(|e| CmdError::new("bad-pack-request", format!("invalid pack `{spec}`: {e}")))?;
    let env = Env::load(ctx)?;
    let project = ctx.project_root().ok();
    let handles = env.handles(ctx, read_mode(ctx), project.as_deref(), None)?;
    let mut found = None;
    for h in &handles {
        if let Some(lines) = h.registry.index(&id).map_err(|e| CmdError::diag(&e))? {
            found = Some((h, lines));
            break;
        }
    }
    let Some((h, lines)) = found else {
        return Err(unknown_pack(id.as_str(), &handles, "the command line"));
    };
    let line = select(&id, &lines, version)?;
    let trust = match verify(
        line.id.as_str(),
        &line.vers.to_string(),
        &line.cksum,
        &line.sig,
        &h.trusted_keys,
    ) {
        Ok(Verification::Verified(k)) => ("verified", k),
        Ok(Verification::Untrusted(k)) => ("untrusted", k),
        Ok(Verification::Unsigned) => ("unsigned", Vec::new()),
        Err(e) => {
            ctx.warn(&e.to_string());
            (e.code(), Vec::new())
        }
    };
    let details = match archive_bytes(&env, ctx, h, line)? {
        Some(b) => Some(archive_details(&b, &line.cksum)?),
        None => None,
    };

    let mut versions: Vec<&IndexLine> = lines.iter().collect();
    versions.sort_by(|a, b| b.vers.cmp(&a.vers));
    let mut human = String::new();
    let _ = writeln!(
        human,
        "{} {}{}  (registry {})",
        line.id,
        line.vers,
        if line.yanked { " (yanked)" } else { "" },
        h.name
    );
    if !line.description.is_empty() {
        let _ = writeln!(human, "  {}", line.description);
    }
    let mut field = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = writeln!(human, "  {k:<13} {v}");
        }
    };
    field("license", line.license.clone().unwrap_or_default());
    field("keywords", line.keywords.join(", "));
    field("categories", line.categories.join(", "));
    field(
        "ggen",
        line.ggen
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    if let Some((m, _)) = &details {
        field("authors", m.authors.join(", "));
        field("homepage", m.homepage.clone().unwrap_or_default());
        field("repository", m.repository.clone().unwrap_or_default());
    }
    field(
        "dependencies",
        line.deps
            .iter()
            .map(|d| format!("{} {}", d.id, d.req))
            .collect::<Vec<_>>()
            .join(", "),
    );
    field("checksum", line.cksum.clone());
    let sig_keys: Vec<String> = line.sig.iter().map(|s| s.key.clone()).collect();
    field(
        "signatures",
        if sig_keys.is_empty() {
            "none".to_owned()
        } else {
            format!("{} ({})", sig_keys.join(", "), trust.0)
        },
    );
    if let Some((m, c)) = &details {
        field("templates", c.templates.join(", "));
        field("partials", c.partials.join(", "));
        field("graph sources", c.graph_sources.join(", "));
        field("shapes", c.graph_shapes.join(", "));
        field(
            "vars",
            m.vars
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    field(
        "versions",
        versions
            .iter()
            .map(|l| format!("{}{}", l.vers, if l.yanked { " (yanked)" } else { "" }))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if details.is_none() {
        human.push_str("  (files and authors unavailable: the archive is not cached and --offline was given)\n");
    }

    let doc = json!({
        "id": line.id.to_string(),
        "version": line.vers.to_string(),
        "yanked": line.yanked,
        "registry": h.name,
        "source": h.registry.source(),
        "description": line.description,
        "license": line.license,
        "keywords": line.keywords,
        "categories": line.categories,
        "ggen": line.ggen.as_ref().map(ToString::to_string),
        "dependencies": line.deps.iter().map(|d| json!({"id": d.id.to_string(), "req": d.req.to_string()})).collect::<Vec<_>>(),
        "checksum": line.cksum,
        "signatures": line.sig.iter().map(|s| json!({"alg": s.alg, "key": s.key})).collect::<Vec<_>>(),
        "signature_status": trust.0,
        "verified_keys": trust.1,
        "versions": versions.iter().map(|l| json!({"version": l.vers.to_string(), "yanked": l.yanked})).collect::<Vec<_>>(),
        "manifest": details.as_ref().map(|(m, _)| json!({
            "authors": m.authors,
            "homepage": m.homepage,
            "repository": m.repository,
            "vars": m.vars,
        })),
        "files": details.as_ref().map(|(_, c)| c),
    });
    Ok(Report::new(human, doc))
}
