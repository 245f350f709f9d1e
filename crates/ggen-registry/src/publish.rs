//! Validation of publish requests, with ggen-pack's own code: the wire framing
//! ([`ggen_pack::registry::wire::decode_publish`]), id and version rules, the checksum, the
//! fail-closed archive reader and the manifest comparison ([`ggen_pack::registry::check_publish`])
//! and Ed25519 verification ([`ggen_pack::sign::verify`]). Nothing here touches the database or
//! the storage: a request is stored only after all of it passed.

use axum::http::StatusCode;
use base64::Engine as _;
use ggen_core::Diagnostic;
use ggen_pack::PackId;
use ggen_pack::archive::Limits;
use ggen_pack::index::IndexLine;
use ggen_pack::registry::RegistryError;
use ggen_pack::registry::wire::decode_publish;
use ggen_pack::sign::{ED25519, SignError, TrustedKeys, Verification, verify};
use semver::Version;

use crate::error::ApiError;

/// A decoded publish request (framing and metadata checked, archive not yet).
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The index line.
    pub line: IndexLine,
    /// The archive bytes.
    pub archive: Vec<u8>,
}

fn metadata_json(body: &[u8]) -> Option<&[u8]> {
    let len = body.get(..4)?;
    let n = u32::from_le_bytes(len.try_into().ok()?) as usize;
    body.get(4..4usize.checked_add(n)?)
}

/// Decode the body: framing, then the metadata's `id` (reverse-DNS rule, no path tricks) and
/// `vers` (semver) with specific error codes, then the whole index line.
pub fn decode(body: &[u8]) -> Result<Decoded, ApiError> {
    if let Some(json) = metadata_json(body)
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(json)
    {
        if let Some(id) = v.get("id").and_then(|i| i.as_str())
            && let Err(e) = PackId::parse(id)
        {
            return Err(ApiError::bad_request("invalid-id", e.to_string()));
        }
        if let Some(vers) = v.get("vers").and_then(|i| i.as_str())
            && let Err(e) = Version::parse(vers)
        {
            return Err(ApiError::bad_request(
                "invalid-version",
                format!("invalid version `{vers}`: {e} (expected semver, e.g. 1.2.0)"),
            ));
        }
    }
    let (line, archive) = decode_publish(body).map_err(|e| match e {
        RegistryError::Index(e) => ApiError::bad_request("invalid-metadata", e.to_string()),
        other => ApiError::bad_request("invalid-request", other.to_string()),
    })?;
    Ok(Decoded { line, archive })
}

fn check_signature_shapes(line: &IndexLine) -> Result<(), ApiError> {
    for s in &line.sig {
        let bad = |why: &str| {
            ApiError::bad_request(
                "signature-invalid",
                format!("signature by `{}`: {why}", s.key),
            )
        };
        if s.alg != ED25519 {
            return Err(ApiError::bad_request(
                "signature-invalid",
                format!(
                    "unsupported signature algorithm `{}` (this server accepts ed25519)",
                    s.alg
                ),
            ));
        }
        let hex = s.key.strip_prefix("ed25519:").unwrap_or_default();
        if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("the key id must be `ed25519:` and 16 hex digits"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&s.value)
            .map_err(|_| bad("the value is not base64"))?;
        if bytes.len() != 64 {
            return Err(bad("an Ed25519 signature has 64 bytes"));
        }
    }
    Ok(())
}

/// Check a decoded request: checksum, archive (fail-closed reader, limits), manifest against
/// metadata, signatures (well-formed; every signature by a registered key must verify; with
/// `require_signature`, at least one must be by a registered key).
pub fn verify_request(
    d: &Decoded,
    limits: &Limits,
    known: &TrustedKeys,
    require_signature: bool,
) -> Result<(), ApiError> {
    let line = &d.line;
    let actual = ggen_core::hash::sha256_checksum(&d.archive);
    if actual != line.cksum {
        return Err(ApiError::bad_request(
            "checksum-mismatch",
            format!(
                "the archive's checksum is {actual} but the metadata says {}",
                line.cksum
            ),
        ));
    }
    ggen_pack::registry::check_publish(&d.archive, line, limits).map_err(|e| match e {
        RegistryError::Malformed { message, .. } => {
            ApiError::bad_request("metadata-mismatch", message)
        }
        RegistryError::Archive(a) => {
            let status = if a.code() == "archive-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            ApiError::new(status, a.code(), a.to_string())
        }
        other => ApiError::bad_request(other.code(), other.to_string()),
    })?;
    check_signature_shapes(line)?;
    let vers = line.vers.to_string();
    match verify(line.id.as_str(), &vers, &line.cksum, &line.sig, known) {
        Err(SignError::BadSignature { key, .. }) => Err(ApiError::bad_request(
            "signature-invalid",
            format!(
                "the signature by registered key {key} does not verify for {} {vers} with checksum {}",
                line.id, line.cksum
            ),
        )),
        Err(e) => Err(ApiError::bad_request("signature-invalid", e.to_string())),
        Ok(Verification::Verified(_)) => Ok(()),
        Ok(Verification::Unsigned | Verification::Untrusted(_)) if require_signature => {
            Err(ApiError::bad_request(
                "signature-required",
                "this registry requires a signature by a registered publisher key",
            ))
        }
        Ok(_) => Ok(()),
    }
}
