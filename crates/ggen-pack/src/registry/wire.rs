//! The registry server's publish wire format (`PUT /api/v1/packs`), shared by the client here
//! and the server (`ggen-registry`). See `docs/registry-api.md`.
//!
//! Body (`Content-Type: application/vnd.ggen.publish.v1`):
//!
//! ```text
//! u32 little-endian  length of the metadata JSON
//! bytes              metadata JSON: the index line (`yanked` must be false)
//! u32 little-endian  length of the archive
//! bytes              the .tar.gz archive
//! ```
//!
//! Nothing may follow the archive.

use serde::{Deserialize, Serialize};

use super::RegistryError;
use crate::index::IndexLine;
use ggen_core::Location;

/// Media type of publish request bodies.
pub const PUBLISH_CONTENT_TYPE: &str = "application/vnd.ggen.publish.v1";

/// Encode a publish request body.
pub fn encode_publish(line: &IndexLine, archive: &[u8]) -> Result<Vec<u8>, RegistryError> {
    let json = line.to_json();
    let too_big = |what: &str| RegistryError::Malformed {
        what: "publish request",
        message: format!("{what} larger than 4 GiB"),
    };
    let jlen = u32::try_from(json.len()).map_err(|_| too_big("metadata"))?;
    let alen = u32::try_from(archive.len()).map_err(|_| too_big("archive"))?;
    let mut body = Vec::with_capacity(8 + json.len() + archive.len());
    body.extend_from_slice(&jlen.to_le_bytes());
    body.extend_from_slice(json.as_bytes());
    body.extend_from_slice(&alen.to_le_bytes());
    body.extend_from_slice(archive);
    Ok(body)
}

fn take<'a>(body: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], RegistryError> {
    if body.len() < n {
        return Err(RegistryError::Malformed {
            what: "publish request",
            message: format!("truncated {what}"),
        });
    }
    let (head, rest) = body.split_at(n);
    *body = rest;
    Ok(head)
}

fn take_len(body: &mut &[u8], what: &str) -> Result<usize, RegistryError> {
    let b = take(body, 4, what)?;
    let arr: [u8; 4] = b.try_into().map_err(|_| RegistryError::Malformed {
        what: "publish request",
        message: format!("truncated {what}"),
    })?;
    Ok(u32::from_le_bytes(arr) as usize)
}

/// Decode a publish request body into the index line and the archive bytes. The checksum is not
/// verified here (the server must compare it with the archive).
pub fn decode_publish(mut body: &[u8]) -> Result<(IndexLine, Vec<u8>), RegistryError> {
    let jlen = take_len(&mut body, "metadata length")?;
    let json = take(&mut body, jlen, "metadata")?;
    let json = std::str::from_utf8(json).map_err(|e| RegistryError::Malformed {
        what: "publish request",
        message: format!("metadata is not UTF-8: {e}"),
    })?;
    let line = IndexLine::parse(json, Location::file("<publish request>"))?;
    let alen = take_len(&mut body, "archive length")?;
    let archive = take(&mut body, alen, "archive")?.to_vec();
    if !body.is_empty() {
        return Err(RegistryError::Malformed {
            what: "publish request",
            message: format!("{} unexpected bytes after the archive", body.len()),
        });
    }
    Ok((line, archive))
}

/// The JSON error document of the registry server: `{"error":{"code":"…","message":"…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of a server error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code (`version-exists`, `checksum-mismatch`, `unauthorized`, ...).
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

/// Response of a successful publish: `{"id":"…","vers":"…","cksum":"sha256:…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishResponse {
    /// Pack id.
    pub id: String,
    /// Version.
    pub vers: String,
    /// Checksum the server recorded.
    pub cksum: String,
}

/// Response of `GET /api/v1/search`: `{"hits":[{"entry":{…},"rank":"prefix"}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Ranked hits.
    pub hits: Vec<crate::search::SearchHit>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::PackId;

    #[test]
    fn round_trip_and_truncation() {
        let line = IndexLine {
            id: PackId::parse("io.a.b").unwrap(),
            vers: semver::Version::new(1, 0, 0),
            deps: vec![],
            cksum: format!("sha256:{}", "0".repeat(64)),
            sig: vec![],
            yanked: false,
            ggen: None,
            description: "d".into(),
            keywords: vec![],
            categories: vec![],
            license: None,
        };
        let body = encode_publish(&line, b"archive-bytes").unwrap();
        let (l, a) = decode_publish(&body).unwrap();
        assert_eq!(l, line);
        assert_eq!(a, b"archive-bytes");
        for n in [0, 3, 10, body.len() - 1] {
            assert!(decode_publish(&body[..n]).is_err(), "{n}");
        }
        let mut extra = body.clone();
        extra.push(0);
        assert!(decode_publish(&extra).is_err());
    }
}
