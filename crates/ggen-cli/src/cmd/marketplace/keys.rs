//! Publisher keys: `keygen`, `sign`, and finding the signing key for `publish`.

use std::path::{Path, PathBuf};

use ggen_pack::archive::{Limits, build_archive_with, read_archive};
use ggen_pack::manifest::{LEGACY_MANIFEST_FILE, MANIFEST_FILE, Manifest};
use ggen_pack::sign::SecretKey;
use serde_json::json;

use super::registries::Env;
use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

/// Default file name of the publisher key in the configuration directory.
pub const DEFAULT_KEY_FILE: &str = "publisher.key";

/// Expand a leading `~/` with `$HOME`; a relative path from config.toml is relative to the
/// configuration file's directory.
fn config_path(env: &Env, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    if p.is_relative() {
        let base = env
            .dirs
            .config_file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        return base.join(p);
    }
    p.to_path_buf()
}

/// The signing key: `--key FILE`, else `[publish] key` of config.toml. `None` when neither is
/// given.
pub fn signing_key(
    env: &Env,
    key: Option<PathBuf>,
) -> Result<Option<(SecretKey, PathBuf)>, CmdError> {
    let path = match key {
        Some(k) => k,
        None => match &env.config.publish_key {
            Some(p) => config_path(env, p),
            None => return Ok(None),
        },
    };
    let k = SecretKey::load(&path).map_err(|e| CmdError::diag(&e))?;
    Ok(Some((k, path)))
}

/// `ggen marketplace keygen`.
pub fn keygen(ctx: &Ctx, out: Option<PathBuf>, force: bool) -> Result<Report, CmdError> {
    let env = Env::load(ctx)?;
    let path = out.unwrap_or_else(|| env.dirs.config_dir.join(DEFAULT_KEY_FILE));
    let key = SecretKey::generate().map_err(|e| CmdError::diag(&e))?;
    key.write(&path, force).map_err(|e| CmdError::diag(&e))?;
    let public = key.public_key();
    let human = format!(
        "wrote {} (mode 0600; keep it secret)\nkey id:     {}\npublic key: {}\n\nto sign with it, add to {}:\n  [publish]\n  key = \"{}\"\nconsumers trust it with `trusted_keys = [\"{}\"]` in their [[registry]] entry\n",
        path.display(),
        public.key_id(),
        public.to_base64_spki(),
        env.dirs.config_file.display(),
        path.display(),
        public.to_base64_spki(),
    );
    Ok(Report::new(
        human,
        json!({
            "path": path.display().to_string(),
            "key_id": public.key_id(),
            "public_key": public.to_base64_spki(),
        }),
    ))
}

/// The archive bytes of a pack directory (built deterministically) or an archive file.
pub fn archive_of(path: &Path) -> Result<Vec<u8>, CmdError> {
    if path.is_dir() {
        build_archive_with(path, &Limits::default()).map_err(|e| CmdError::diag(&e))
    } else {
        std::fs::read(path).map_err(|e| CmdError::new("io", format!("{}: {e}", path.display())))
    }
}

/// The manifest inside an archive.
pub fn manifest_of(bytes: &[u8], origin: &Path) -> Result<Manifest, CmdError> {
    let files = read_archive(bytes, &Limits::default()).map_err(|e| CmdError::diag(&e))?;
    for name in [MANIFEST_FILE, LEGACY_MANIFEST_FILE] {
        if let Some(f) = files.iter().find(|f| f.path == name) {
            return Manifest::from_archive_file(name, &f.data, origin)
                .map_err(|e| CmdError::diag(&e));
        }
    }
    Err(CmdError::new(
        "manifest-not-found",
        format!(
            "{}: no {MANIFEST_FILE} at the archive root",
            origin.display()
        ),
    ))
}

/// `ggen marketplace sign`: the signature entry of an index line for a pack.
pub fn sign(ctx: &Ctx, path: &Path, key: Option<PathBuf>) -> Result<Report, CmdError> {
    let env = Env::load(ctx)?;
    let Some((secret, key_path)) = signing_key(&env, key)? else {
        return Err(CmdError {
            help: Some(
                "create one with `ggen marketplace keygen`, then pass --key or set [publish] key in config.toml"
                    .into(),
            ),
            ..CmdError::new("no-key", "no signing key: pass --key FILE or set [publish] key")
        });
    };
    let bytes = archive_of(path)?;
    let m = manifest_of(&bytes, path)?;
    let cksum = ggen_core::hash::sha256_checksum(&bytes);
    let sig = secret.sign(m.id.as_str(), &m.version.to_string(), &cksum);
    let sig_json = serde_json::to_value(&sig).unwrap_or_default();
    let human = format!(
        "{} {}\nchecksum:  {cksum}\nsigned by: {} ({})\nsignature: {}\n",
        m.id,
        m.version,
        sig.key,
        key_path.display(),
        serde_json::to_string(&sig_json).unwrap_or_default()
    );
    Ok(Report::new(
        human,
        json!({
            "id": m.id.to_string(),
            "version": m.version.to_string(),
            "checksum": cksum,
            "signature": sig_json,
        }),
    ))
}
