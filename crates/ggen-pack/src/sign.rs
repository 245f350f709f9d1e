//! Ed25519 publisher signatures.
//!
//! A publisher signs the message `ggen-pack-v1\n<id>\n<version>\n<cksum>` (UTF-8, no trailing
//! newline). The key id is `ed25519:` followed by the first 16 hex digits of the SHA-256 of the
//! 32-byte public key. Verification only ever uses keys the caller trusts (from the user's
//! configuration); the key id carried in a signature only selects which trusted key to try.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use ggen_core::{Diagnostic, Location};
use serde::{Deserialize, Serialize};

/// First line of every signed message.
pub const SIGNATURE_DOMAIN: &str = "ggen-pack-v1";
/// The `alg` value of Ed25519 signatures.
pub const ED25519: &str = "ed25519";

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (0 unused bits) } followed by the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// One signature as stored in an index line: `{"alg":"ed25519","key":"ed25519:…","value":"<base64>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSignature {
    /// Algorithm (`ed25519`).
    pub alg: String,
    /// Key id of the signing key (a hint; verification uses trusted keys only).
    pub key: String,
    /// Base64 signature bytes.
    pub value: String,
}

/// Errors about keys and signatures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A key file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key could not be parsed.
    #[error("{}invalid {what}: {message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
    InvalidKey {
        /// What was being parsed (`trusted key`, `private key`, ...).
        what: &'static str,
        /// Why it was refused.
        message: String,
        /// Where, when it came from a file.
        location: Option<Location>,
    },
    /// A private key file is readable by other users.
    #[error("{}: private key file is accessible by other users (mode {mode:o})", path.display())]
    KeyPermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The key file exists and overwriting was not requested.
    #[error("{}: a key file exists already", path.display())]
    KeyExists {
        /// The key file.
        path: PathBuf,
    },
    /// A signature by a trusted key does not verify: the pack or its index entry was altered.
    #[error(
        "signature of {id} {version} by trusted key {key} does not verify: the archive checksum or index entry has been tampered with"
    )]
    BadSignature {
        /// Pack id.
        id: String,
        /// Pack version.
        version: String,
        /// The trusted key id.
        key: String,
    },
    /// The operating system could not provide random bytes.
    #[error("cannot generate a key: {0}")]
    Random(String),
}

impl Diagnostic for SignError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "key-io",
            Self::InvalidKey { .. } => "key-invalid",
            Self::KeyPermissions { .. } => "key-permissions",
            Self::KeyExists { .. } => "key-exists",
            Self::BadSignature { .. } => "signature-invalid",
            Self::Random(_) => "key-random",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::InvalidKey { location, .. } => location.as_ref(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::KeyPermissions { path, .. } => Some(format!("chmod 600 {}", path.display())),
            Self::KeyExists { .. } => Some("choose another --out file".into()),
            _ => None,
        }
    }
}

/// The message signed for a pack version.
pub fn signing_message(id: &str, version: &str, cksum: &str) -> String {
    format!("{SIGNATURE_DOMAIN}\n{id}\n{version}\n{cksum}")
}

/// Key id of a public key: `ed25519:<first 16 hex of sha256(key)>`.
pub fn key_id_of(key: &VerifyingKey) -> String {
    let hex = ggen_core::hash::sha256_hex(key.as_bytes());
    format!("ed25519:{}", hex.get(..16).unwrap_or(&hex))
}

/// A publisher's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parse base64 of either the raw 32-byte key or its SPKI DER encoding (`MCowBQYDK2VwAyEA…`).
    pub fn parse(text: &str) -> Result<Self, SignError> {
        let invalid = |message: String| SignError::InvalidKey {
            what: "public key",
            message,
            location: None,
        };
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| invalid(format!("not base64: {e}")))?;
        let raw: [u8; 32] = match bytes.len() {
            32 => bytes
                .as_slice()
                .try_into()
                .map_err(|_| invalid("bad length".into()))?,
            44 => {
                let (prefix, key) = bytes.split_at(12);
                if prefix != SPKI_PREFIX {
                    return Err(invalid(
                        "SPKI DER that is not an Ed25519 public key (expected OID 1.3.101.112)"
                            .into(),
                    ));
                }
                key.try_into().map_err(|_| invalid("bad length".into()))?
            }
            n => {
                return Err(invalid(format!(
                    "{n} bytes; expected a 32-byte raw key or a 44-byte SPKI DER key"
                )));
            }
        };
        VerifyingKey::from_bytes(&raw)
            .map(Self)
            .map_err(|e| invalid(format!("not a valid Ed25519 point: {e}")))
    }

    /// The key id `ed25519:<16 hex>`.
    pub fn key_id(&self) -> String {
        key_id_of(&self.0)
    }

    /// Base64 of the raw 32 bytes.
    pub fn to_base64_raw(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// Base64 of the SPKI DER encoding (the form shown in configuration examples).
    pub fn to_base64_spki(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.0.as_bytes());
        B64.encode(der)
    }

    /// Verify `sig` over `message` with `verify_strict`.
    fn verify(&self, message: &[u8], sig: &Signature) -> bool {
        self.0.verify_strict(message, sig).is_ok()
    }
}

/// A publisher's private key.
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.key_id())
    }
}

impl SecretKey {
    /// A new random key from the operating system's random source.
    pub fn generate() -> Result<Self, SignError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| SignError::Random(e.to_string()))?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// A key from its 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(seed))
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The key id.
    pub fn key_id(&self) -> String {
        key_id_of(&self.0.verifying_key())
    }

    /// Sign a pack version.
    pub fn sign(&self, id: &str, version: &str, cksum: &str) -> PackSignature {
        let sig = self.0.sign(signing_message(id, version, cksum).as_bytes());
        PackSignature {
            alg: ED25519.into(),
            key: self.key_id(),
            value: B64.encode(sig.to_bytes()),
        }
    }

    /// The key file text: comment lines and the base64 seed.
    pub fn to_file_text(&self) -> String {
        let public = self.public_key();
        format!(
            "# ggen publisher key (Ed25519). KEEP THIS FILE SECRET.\n# key id: {}\n# public key: {}\n{}\n",
            public.key_id(),
            public.to_base64_spki(),
            B64.encode(self.0.to_bytes())
        )
    }

    /// Parse key file text (comment lines starting with `#` are ignored). `file` names it in errors.
    pub fn from_file_text(text: &str, file: &Path) -> Result<Self, SignError> {
        let mut found = None;
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let location = Some(Location::line(file, n as u64 + 1));
            if found.is_some() {
                return Err(SignError::InvalidKey {
                    what: "private key",
                    message: "more than one key line".into(),
                    location,
                });
            }
            let bytes = B64.decode(t).map_err(|e| SignError::InvalidKey {
                what: "private key",
                message: format!("not base64: {e}"),
                location: location.clone(),
            })?;
            let seed: [u8; 32] =
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| SignError::InvalidKey {
                        what: "private key",
                        message: format!("{} bytes; expected a 32-byte Ed25519 seed", bytes.len()),
                        location,
                    })?;
            found = Some(Self::from_seed(&seed));
        }
        found.ok_or_else(|| SignError::InvalidKey {
            what: "private key",
            message: "no key in file".into(),
            location: Some(Location::file(file)),
        })
    }

    /// Read a private key file. On Unix the file must not be accessible by group or others.
    pub fn load(path: &Path) -> Result<Self, SignError> {
        let io = |source| SignError::Io {
            path: path.to_owned(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(SignError::KeyPermissions {
                    path: path.to_owned(),
                    mode,
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::from_file_text(&text, path)
    }

    /// Write the key file atomically with mode 0600 (the temporary file is created 0600, so the
    /// secret is never readable by others, not even briefly). Refuses to replace an existing
    /// file unless `overwrite`.
    pub fn write(&self, path: &Path, overwrite: bool) -> Result<(), SignError> {
        let io = |source| SignError::Io {
            path: path.to_owned(),
            source,
        };
        if !overwrite && path.exists() {
            return Err(SignError::KeyExists {
                path: path.to_owned(),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".ggen-key-")
            .tempfile_in(&dir)
            .map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io)?;
        }
        std::io::Write::write_all(&mut tmp, self.to_file_text().as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        if overwrite {
            tmp.persist(path).map_err(|e| io(e.error))?;
        } else {
            tmp.persist_noclobber(path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    SignError::KeyExists {
                        path: path.to_owned(),
                    }
                } else {
                    io(e.error)
                }
            })?;
        }
        Ok(())
    }
}

/// The set of keys a user trusts, by key id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: BTreeMap<String, PublicKey>,
}

impl TrustedKeys {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a key.
    pub fn insert(&mut self, key: PublicKey) {
        self.keys.insert(key.key_id(), key);
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The trusted key ids, sorted.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }
}

impl FromIterator<PublicKey> for TrustedKeys {
    fn from_iter<I: IntoIterator<Item = PublicKey>>(iter: I) -> Self {
        let mut t = Self::new();
        for k in iter {
            t.insert(k);
        }
        t
    }
}

/// The outcome of checking a pack version's signatures against trusted keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// At least one signature by a trusted key verified; these are the verified key ids, sorted.
    Verified(Vec<String>),
    /// The pack carries no Ed25519 signature.
    Unsigned,
    /// Signatures exist but none is by a trusted key; these are the key ids they claim, sorted.
    Untrusted(Vec<String>),
}

/// Check `sigs` for pack `id` `version` with checksum `cksum` against `trusted`.
///
/// A signature whose claimed key id is trusted but which does not verify under that trusted key
/// is an error ([`SignError::BadSignature`]): the data was tampered with. Signatures of other
/// algorithms are ignored.
pub fn verify(
    id: &str,
    version: &str,
    cksum: &str,
    sigs: &[PackSignature],
    trusted: &TrustedKeys,
) -> Result<Verification, SignError> {
    let message = signing_message(id, version, cksum);
    let mut verified = Vec::new();
    let mut untrusted = Vec::new();
    let mut any = false;
    for s in sigs.iter().filter(|s| s.alg == ED25519) {
        any = true;
        let Some(key) = trusted.keys.get(&s.key) else {
            untrusted.push(s.key.clone());
            continue;
        };
        let bad = || SignError::BadSignature {
            id: id.to_owned(),
            version: version.to_owned(),
            key: s.key.clone(),
        };
        let bytes = B64.decode(&s.value).map_err(|_| bad())?;
        let sig = Signature::from_slice(&bytes).map_err(|_| bad())?;
        if !key.verify(message.as_bytes(), &sig) {
            return Err(bad());
        }
        verified.push(s.key.clone());
    }
    verified.sort();
    verified.dedup();
    untrusted.sort();
    untrusted.dedup();
    Ok(if !verified.is_empty() {
        Verification::Verified(verified)
    } else if any {
        Verification::Untrusted(untrusted)
    } else {
        Verification::Unsigned
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CK: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn sign_and_verify_with_trusted_key_only() {
        let k = SecretKey::from_seed(&[7; 32]);
        let sig = k.sign("io.a.b", "1.0.0", CK);
        assert_eq!(sig.key, k.key_id());
        assert!(sig.key.starts_with("ed25519:") && sig.key.len() == 8 + 16);
        let trusted: TrustedKeys = [k.public_key()].into_iter().collect();
        assert_eq!(
            verify("io.a.b", "1.0.0", CK, std::slice::from_ref(&sig), &trusted).unwrap(),
            Verification::Verified(vec![k.key_id()])
        );
        // not trusted → Untrusted, even though the signature is valid
        assert_eq!(
            verify(
                "io.a.b",
                "1.0.0",
                CK,
                std::slice::from_ref(&sig),
                &TrustedKeys::new()
            )
            .unwrap(),
            Verification::Untrusted(vec![k.key_id()])
        );
        assert_eq!(
            verify("io.a.b", "1.0.0", CK, &[], &trusted).unwrap(),
            Verification::Unsigned
        );
        // a changed checksum or version fails hard
        let other = CK.replace("sha256:0", "sha256:1");
        assert!(matches!(
            verify(
                "io.a.b",
                "1.0.0",
                &other,
                std::slice::from_ref(&sig),
                &trusted
            ),
            Err(SignError::BadSignature { .. })
        ));
        assert!(verify("io.a.b", "1.0.1", CK, &[sig], &trusted).is_err());
    }

    #[test]
    fn attacker_key_claiming_a_trusted_id_fails() {
        let good = SecretKey::from_seed(&[1; 32]);
        let evil = SecretKey::from_seed(&[2; 32]);
        let mut sig = evil.sign("io.a.b", "1.0.0", CK);
        sig.key = good.key_id();
        let trusted: TrustedKeys = [good.public_key()].into_iter().collect();
        assert!(matches!(
            verify("io.a.b", "1.0.0", CK, &[sig], &trusted),
            Err(SignError::BadSignature { .. })
        ));
    }

    #[test]
    fn key_formats() {
        let k = SecretKey::from_seed(&[9; 32]).public_key();
        let spki = k.to_base64_spki();
        assert!(spki.starts_with("MCowBQYDK2VwAyEA"), "{spki}");
        assert_eq!(PublicKey::parse(&spki).unwrap(), k);
        assert_eq!(PublicKey::parse(&k.to_base64_raw()).unwrap(), k);
        assert!(PublicKey::parse("not base64!").is_err());
        assert!(PublicKey::parse(&B64.encode([1u8; 20])).is_err());
        let mut bad = B64.decode(&spki).unwrap();
        bad[8] = 0x71; // OID 1.3.101.113 (Ed448)
        assert!(PublicKey::parse(&B64.encode(bad)).is_err());
    }

    #[test]
    fn key_id_is_sha256_prefix() {
        let k = SecretKey::from_seed(&[3; 32]).public_key();
        let raw = B64.decode(k.to_base64_raw()).unwrap();
        let expected = format!("ed25519:{}", &ggen_core::hash::sha256_hex(raw)[..16]);
        assert_eq!(k.key_id(), expected);
    }

    #[test]
    fn key_file_round_trip_and_mode() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("keys/publisher.key");
        let k = SecretKey::generate().unwrap();
        k.write(&p, false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let back = SecretKey::load(&p).unwrap();
        assert_eq!(back.key_id(), k.key_id());
        assert!(matches!(
            k.write(&p, false),
            Err(SignError::KeyExists { .. })
        ));
        k.write(&p, true).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                SecretKey::load(&p),
                Err(SignError::KeyPermissions { .. })
            ));
        }
        let e = SecretKey::from_file_text("# c\nAAAA\n", Path::new("k")).unwrap_err();
        assert_eq!(e.location().unwrap().line, Some(2));
    }
}
