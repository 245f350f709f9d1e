//! Semver resolution of pack requirements and their dependencies.
//!
//! One version per pack id. For each pack (in id order) the candidates are the versions that
//! satisfy every requirement on it, newest first — the locked version first when a lockfile pins
//! one that still satisfies them. Yanked versions are skipped unless the lockfile pins exactly
//! that version; pre-releases only match requirements that name a pre-release (semver crate
//! rules); versions whose `ggen` requirement excludes the running ggen are skipped. When a
//! choice leads to a conflict the resolver backtracks; when nothing works it reports the first
//! failure it met. A dependency cycle is an error naming the cycle. The result is deterministic.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ggen_core::Diagnostic;
use semver::{Version, VersionReq};

use crate::id::{PackId, suggestions};
use crate::index::IndexLine;
use crate::lockfile::{LockedPack, Lockfile};
use crate::registry::{Registry, RegistryError};

/// Most candidate versions tried before giving up.
pub const MAX_STEPS: usize = 100_000;

/// The versions of a pack a source offers, with the source string for the lockfile.
#[derive(Debug, Clone)]
pub struct Candidates {
    /// `registry+<location>`.
    pub source: String,
    /// Every published version (yanked included).
    pub lines: Vec<IndexLine>,
}

/// Where the resolver gets versions from.
pub trait VersionSource {
    /// The versions of `id`; `preferred_source` is the lockfile's source for it, if any. `None`
    /// when no registry knows the pack.
    fn versions(
        &self,
        id: &PackId,
        preferred_source: Option<&str>,
    ) -> Result<Option<Candidates>, RegistryError>;

    /// All known pack ids (for suggestions).
    fn known_ids(&self) -> Vec<String>;
}

/// Registries in priority order: the first that knows a pack provides it, except that the
/// registry matching the lockfile's source for a pack is asked first.
pub struct RegistrySet<'a> {
    registries: Vec<&'a dyn Registry>,
}

impl<'a> RegistrySet<'a> {
    /// Registries in priority order.
    pub fn new(registries: Vec<&'a dyn Registry>) -> Self {
        Self { registries }
    }
}

impl VersionSource for RegistrySet<'_> {
    fn versions(
        &self,
        id: &PackId,
        preferred_source: Option<&str>,
    ) -> Result<Option<Candidates>, RegistryError> {
        let preferred = self
            .registries
            .iter()
            .filter(|r| Some(r.source()) == preferred_source);
        let others = self
            .registries
            .iter()
            .filter(|r| Some(r.source()) != preferred_source);
        for r in preferred.chain(others) {
            if let Some(lines) = r.index(id)? {
                return Ok(Some(Candidates {
                    source: r.source().to_owned(),
                    lines,
                }));
            }
        }
        Ok(None)
    }

    fn known_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .registries
            .iter()
            .filter_map(|r| r.pack_ids().ok())
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Who asked for a pack.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requirer {
    /// The project (`ggen.toml [packs]` or the command line).
    Project,
    /// Another pack.
    Pack(PackId, Version),
}

impl fmt::Display for Requirer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Project => f.write_str("the project"),
            Self::Pack(id, v) => write!(f, "{id} {v}"),
        }
    }
}

/// Errors of resolution.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// A registry could not be read.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// No registry knows the pack.
    #[error(
        "unknown pack `{id}` (required by {required_by}){}",
        did_you_mean(suggestions)
    )]
    UnknownPack {
        /// The pack.
        id: String,
        /// Who required it.
        required_by: String,
        /// Close matches.
        suggestions: Vec<String>,
    },
    /// No version satisfies one requirement.
    #[error("{0}")]
    NoMatchingVersion(Box<NoMatch>),
    /// Requirements on one pack that no single version satisfies.
    #[error("conflicting requirements for {id}: {}", requirements.iter().map(|(who, req)| format!("{who} requires `{req}`")).collect::<Vec<_>>().join(", "))]
    Conflict {
        /// The pack.
        id: String,
        /// `(requirer, requirement)` pairs, at least two.
        requirements: Vec<(String, String)>,
    },
    /// A dependency cycle.
    #[error("dependency cycle: {}", cycle.join(" -> "))]
    Cycle {
        /// The packs in the cycle (`id version`), first repeated at the end.
        cycle: Vec<String>,
    },
    /// The search gave up.
    #[error("resolution gave up after {0} steps (too many conflicting versions)")]
    TooComplex(usize),
}

/// Details of [`ResolveError::NoMatchingVersion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatch {
    /// The pack.
    pub id: String,
    /// The requirement.
    pub req: String,
    /// Who required it.
    pub required_by: String,
    /// Usable versions, newest first (at most five).
    pub available: Vec<String>,
    /// Matching versions that are yanked.
    pub yanked: Vec<String>,
    /// Matching versions that need another ggen version (`version (ggen req)`).
    pub incompatible: Vec<String>,
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no version of {} matches `{}` (required by {}){}",
            self.id,
            self.req,
            self.required_by,
            available_text(&self.available, &self.yanked, &self.incompatible)
        )
    }
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            s.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    }
}

fn available_text(available: &[String], yanked: &[String], incompatible: &[String]) -> String {
    let mut parts = Vec::new();
    if available.is_empty() {
        parts.push("no usable versions are published".to_owned());
    } else {
        parts.push(format!("available: {}", available.join(", ")));
    }
    if !yanked.is_empty() {
        parts.push(format!("yanked: {}", yanked.join(", ")));
    }
    if !incompatible.is_empty() {
        parts.push(format!("need another ggen: {}", incompatible.join(", ")));
    }
    format!("; {}", parts.join("; "))
}

impl Diagnostic for ResolveError {
    fn code(&self) -> &'static str {
        match self {
            Self::Registry(e) => e.code(),
            Self::UnknownPack { .. } => "unknown-pack",
            Self::NoMatchingVersion(_) => "no-matching-version",
            Self::Conflict { .. } => "version-conflict",
            Self::Cycle { .. } => "dependency-cycle",
            Self::TooComplex(_) => "resolution-too-complex",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::NoMatchingVersion(m) if !m.available.is_empty() => Some(format!(
                "require a published version, e.g. `^{}`",
                m.available.first().map(String::as_str).unwrap_or_default()
            )),
            Self::Conflict { .. } => Some(
                "relax one of the requirements so that a single version satisfies all of them"
                    .into(),
            ),
            Self::Cycle { .. } => Some("packs may not depend on each other in a cycle".into()),
            _ => None,
        }
    }
}

/// A resolved pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPack {
    /// The selected index line (version, checksum, signatures, dependencies).
    pub line: IndexLine,
    /// `registry+<location>` it comes from.
    pub source: String,
    /// Exact dependency versions.
    pub dependencies: Vec<(PackId, Version)>,
}

/// The resolved set, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    /// Resolved packs.
    pub packs: BTreeMap<PackId, ResolvedPack>,
}

impl Resolution {
    /// A lockfile for this resolution; `signed_by` gives the verified key ids of each pack.
    pub fn to_lockfile(&self, signed_by: impl Fn(&PackId) -> Vec<String>) -> Lockfile {
        let mut lock = Lockfile::new();
        for (id, p) in &self.packs {
            lock.insert(LockedPack {
                id: id.clone(),
                version: p.line.vers.clone(),
                source: p.source.clone(),
                checksum: p.line.cksum.clone(),
                signed_by: signed_by(id),
                dependencies: p.dependencies.clone(),
            });
        }
        lock
    }
}

/// What to resolve.
#[derive(Debug, Clone, Default)]
pub struct ResolveRequest<'a> {
    /// Root requirements (the project's `[packs]` plus anything being installed).
    pub root: BTreeMap<PackId, VersionReq>,
    /// The current lockfile, whose versions are preferred (and whose yanked versions remain
    /// allowed).
    pub locked: Option<&'a Lockfile>,
    /// Packs whose locked version must not be preferred (being updated).
    pub unlock: BTreeSet<PackId>,
    /// Unlock every pack.
    pub unlock_all: bool,
    /// The running ggen version, checked against each version's `ggen` requirement.
    pub ggen_version: Option<Version>,
}

#[derive(Clone, Default)]
struct State {
    selected: BTreeMap<PackId, (usize, Version)>,
    reqs: BTreeMap<PackId, Vec<(Requirer, VersionReq)>>,
}

struct Resolver<'r, 'a> {
    request: &'r ResolveRequest<'a>,
    source: &'r dyn VersionSource,
    fetched: RefCell<BTreeMap<PackId, Option<Candidates>>>,
    steps: usize,
    first_error: Option<ResolveError>,
}

enum Outcome {
    Done(State),
    Failed,
}

impl Resolver<'_, '_> {
    fn locked_version(&self, id: &PackId) -> Option<&LockedPack> {
        if self.request.unlock_all || self.request.unlock.contains(id) {
            return None;
        }
        self.request.locked.and_then(|l| l.get(id.as_str()))
    }

    fn candidates(&self, id: &PackId) -> Result<Option<Candidates>, ResolveError> {
        if let Some(c) = self.fetched.borrow().get(id) {
            return Ok(c.clone());
        }
        let pref = self
            .request
            .locked
            .and_then(|l| l.get(id.as_str()))
            .map(|l| l.source.as_str());
        let c = self.source.versions(id, pref)?;
        self.fetched.borrow_mut().insert(id.clone(), c.clone());
        Ok(c)
    }

    fn fail(&mut self, e: ResolveError) -> Outcome {
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
        Outcome::Failed
    }

    fn ggen_ok(&self, line: &IndexLine) -> bool {
        match (&line.ggen, &self.request.ggen_version) {
            (Some(req), Some(v)) => req.matches(v),
            _ => true,
        }
    }

    fn no_candidate_error(
        &self,
        id: &PackId,
        cands: &Candidates,
        reqs: &[(Requirer, VersionReq)],
        locked: Option<&Version>,
    ) -> ResolveError {
        let usable = |l: &IndexLine| (!l.yanked || locked == Some(&l.vers)) && self.ggen_ok(l);
        // A single requirement nothing satisfies?
        for (who, req) in reqs {
            if !cands
                .lines
                .iter()
                .any(|l| usable(l) && req.matches(&l.vers))
            {
                let mut available: Vec<&Version> = cands
                    .lines
                    .iter()
                    .filter(|l| usable(l))
                    .map(|l| &l.vers)
                    .collect();
                available.sort_by(|a, b| b.cmp(a));
                let matching = |l: &&IndexLine| req.matches(&l.vers);
                return ResolveError::NoMatchingVersion(Box::new(NoMatch {
                    id: id.to_string(),
                    req: req.to_string(),
                    required_by: who.to_string(),
                    available: available.iter().take(5).map(|v| v.to_string()).collect(),
                    yanked: cands
                        .lines
                        .iter()
                        .filter(matching)
                        .filter(|l| l.yanked)
                        .map(|l| l.vers.to_string())
                        .collect(),
                    incompatible: cands
                        .lines
                        .iter()
                        .filter(matching)
                        .filter(|l| !self.ggen_ok(l))
                        .map(|l| {
                            format!(
                                "{} (ggen {})",
                                l.vers,
                                l.ggen.as_ref().map(|g| g.to_string()).unwrap_or_default()
                            )
                        })
                        .collect(),
                }));
            }
        }
        let mut requirements: Vec<(String, String)> = reqs
            .iter()
            .map(|(w, r)| (w.to_string(), r.to_string()))
            .collect();
        requirements.sort();
        requirements.dedup();
        ResolveError::Conflict {
            id: id.to_string(),
            requirements,
        }
    }

    fn solve(&mut self, state: State) -> Result<Outcome, ResolveError> {
        // next undecided pack, in id order
        let Some(id) = state
            .reqs
            .keys()
            .find(|id| !state.selected.contains_key(*id))
            .cloned()
        else {
            return Ok(Outcome::Done(state));
        };
        let reqs = state.reqs.get(&id).cloned().unwrap_or_default();
        let Some(cands) = self.candidates(&id)? else {
            let required_by = reqs
                .first()
                .map(|(w, _)| w.to_string())
                .unwrap_or_else(|| Requirer::Project.to_string());
            let known = self.source.known_ids();
            let e = ResolveError::UnknownPack {
                suggestions: suggestions(id.as_str(), known.iter().map(String::as_str)),
                id: id.to_string(),
                required_by,
            };
            return Ok(self.fail(e));
        };
        let locked = self.locked_version(&id).map(|l| l.version.clone());
        let mut order: Vec<usize> = (0..cands.lines.len())
            .filter(|&i| {
                cands.lines.get(i).is_some_and(|l| {
                    (!l.yanked || locked.as_ref() == Some(&l.vers))
                        && self.ggen_ok(l)
                        && reqs.iter().all(|(_, r)| r.matches(&l.vers))
                })
            })
            .collect();
        order.sort_by(|&a, &b| {
            let (va, vb) = match (cands.lines.get(a), cands.lines.get(b)) {
                (Some(x), Some(y)) => (&x.vers, &y.vers),
                _ => return std::cmp::Ordering::Equal,
            };
            let la = locked.as_ref() == Some(va);
            let lb = locked.as_ref() == Some(vb);
            lb.cmp(&la).then_with(|| vb.cmp(va))
        });
        if order.is_empty() {
            let e = self.no_candidate_error(&id, &cands, &reqs, locked.as_ref());
            return Ok(self.fail(e));
        }
        'candidates: for i in order {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                return Err(ResolveError::TooComplex(MAX_STEPS));
            }
            let Some(line) = cands.lines.get(i) else {
                continue;
            };
            let mut next = state.clone();
            next.selected.insert(id.clone(), (i, line.vers.clone()));
            let me = Requirer::Pack(id.clone(), line.vers.clone());
            for dep in &line.deps {
                let list = next.reqs.entry(dep.id.clone()).or_default();
                list.push((me.clone(), dep.req.clone()));
                // an already selected dependency must satisfy the new requirement
                if let Some((_, v)) = next.selected.get(&dep.id)
                    && !dep.req.matches(v)
                {
                    let mut requirements: Vec<(String, String)> = list
                        .iter()
                        .map(|(w, r)| (w.to_string(), r.to_string()))
                        .collect();
                    requirements.sort();
                    requirements.dedup();
                    self.fail(ResolveError::Conflict {
                        id: dep.id.to_string(),
                        requirements,
                    });
                    continue 'candidates;
                }
            }
            if let Outcome::Done(s) = self.solve(next)? {
                return Ok(Outcome::Done(s));
            }
        }
        Ok(Outcome::Failed)
    }
}

/// Resolve `request` against `source`.
pub fn resolve(
    request: &ResolveRequest<'_>,
    source: &dyn VersionSource,
) -> Result<Resolution, ResolveError> {
    let mut state = State::default();
    for (id, req) in &request.root {
        state
            .reqs
            .entry(id.clone())
            .or_default()
            .push((Requirer::Project, req.clone()));
    }
    let mut r = Resolver {
        request,
        source,
        fetched: RefCell::new(BTreeMap::new()),
        steps: 0,
        first_error: None,
    };
    let state = match r.solve(state)? {
        Outcome::Done(s) => s,
        Outcome::Failed => {
            return Err(r
                .first_error
                .take()
                .unwrap_or(ResolveError::TooComplex(r.steps)));
        }
    };
    let fetched = r.fetched.into_inner();
    let mut packs = BTreeMap::new();
    for (id, (i, _)) in &state.selected {
        let Some(Some(c)) = fetched.get(id) else {
            continue;
        };
        let Some(line) = c.lines.get(*i) else {
            continue;
        };
        let mut dependencies: Vec<(PackId, Version)> = line
            .deps
            .iter()
            .filter_map(|d| {
                state
                    .selected
                    .get(&d.id)
                    .map(|(_, v)| (d.id.clone(), v.clone()))
            })
            .collect();
        dependencies.sort();
        packs.insert(
            id.clone(),
            ResolvedPack {
                line: line.clone(),
                source: c.source.clone(),
                dependencies,
            },
        );
    }
    let res = Resolution { packs };
    if let Some(cycle) = find_cycle(&res) {
        return Err(ResolveError::Cycle { cycle });
    }
    Ok(res)
}

/// The first dependency cycle (in id order), as `id version` names with the first repeated.
fn find_cycle(res: &Resolution) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        id: &PackId,
        res: &Resolution,
        marks: &mut BTreeMap<PackId, Mark>,
        stack: &mut Vec<PackId>,
    ) -> Option<Vec<String>> {
        match marks.get(id) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|s| s == id)?;
                let name = |p: &PackId| {
                    res.packs
                        .get(p)
                        .map(|r| format!("{p} {}", r.line.vers))
                        .unwrap_or_else(|| p.to_string())
                };
                let mut cycle: Vec<String> = stack.get(start..)?.iter().map(name).collect();
                cycle.push(name(id));
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(id.clone(), Mark::Open);
        stack.push(id.clone());
        if let Some(p) = res.packs.get(id) {
            for (dep, _) in &p.dependencies {
                if let Some(c) = visit(dep, res, marks, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        marks.insert(id.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for id in res.packs.keys() {
        let mut stack = Vec::new();
        if let Some(c) = visit(id, res, &mut marks, &mut stack) {
            return Some(c);
        }
    }
    None
}
