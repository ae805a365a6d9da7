//! RSA signing keys: generation, a self-signed certificate for `x5c`/`x5t`, the JWKS, and which key signs.

use crate::clock::{generalized_time, utc_time, UnixTime};
use crate::ids::{b64, b64url, random_bytes};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::fmt;
use std::sync::Arc;

/// Modulus size of the keys the tenant generates (Entra's keys are 2048-bit).
pub const KEY_BITS: usize = 2048;

/// How long the self-signed certificates are valid.
const CERT_VALIDITY_SECS: i64 = 5 * 365 * 24 * 3600;

/// Why a key could not be made, read or used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "signing key: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

impl KeyError {
    pub(crate) fn from_message(message: String) -> KeyError {
        KeyError(message)
    }
}

fn key_error(what: &str, e: impl fmt::Display) -> KeyError {
    KeyError(format!("{what}: {e}"))
}

/// An RSA key pair with its self-signed certificate. Cheap to clone; `Debug` shows the `kid` only.
#[derive(Clone)]
pub struct SigningKey {
    inner: Arc<KeyMaterial>,
}

struct KeyMaterial {
    /// Like Entra: the certificate's SHA-1 thumbprint, base64url (so `kid` equals `x5t`).
    kid: String,
    private_pkcs1_der: Vec<u8>,
    private_pkcs8_pem: String,
    public_spki_pem: String,
    n: Vec<u8>,
    e: Vec<u8>,
    certificate_der: Vec<u8>,
    created_at: UnixTime,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.inner.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a 2048-bit key and its certificate. Slow in debug builds (about a second): share the result.
    pub fn generate() -> Result<SigningKey, KeyError> {
        let created_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let private = rsa::PrivateKey::new(&mut getrandom::SysRng, KEY_BITS)
            .map_err(|e| key_error("generating an RSA key", e))?;
        SigningKey::from_private(private, created_at, None)
    }

    /// The key id, as published in the JWKS and put in token headers.
    pub fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// The public key as SubjectPublicKeyInfo PEM with `\n` line endings: the HMAC secret of the `alg_hs256_public_key`
    /// fault.
    pub fn public_key_pem(&self) -> &str {
        &self.inner.public_spki_pem
    }

    pub(crate) fn created_at(&self) -> UnixTime {
        self.inner.created_at
    }

    pub(crate) fn private_pkcs8_pem(&self) -> &str {
        &self.inner.private_pkcs8_pem
    }

    pub(crate) fn certificate_der(&self) -> &[u8] {
        &self.inner.certificate_der
    }

    pub(crate) fn encoding_key(&self) -> EncodingKey {
        EncodingKey::from_rsa_der(&self.inner.private_pkcs1_der)
    }

    /// The public key, to verify what this key signed.
    pub fn decoding_key(&self) -> DecodingKey {
        DecodingKey::from_rsa_raw_components(&self.inner.n, &self.inner.e)
    }

    /// Reads a key back from the state file: PKCS#8 PEM and the DER certificate.
    pub(crate) fn from_stored(
        private_pkcs8_pem: &str,
        certificate_der: Vec<u8>,
        created_at: UnixTime,
    ) -> Result<SigningKey, KeyError> {
        let private = rsa::PrivateKey::from_pkcs8_pem(private_pkcs8_pem)
            .map_err(|e| key_error("reading the stored private key", e))?;
        SigningKey::from_private(private, created_at, Some(certificate_der))
    }

    fn from_private(
        private: rsa::PrivateKey,
        created_at: UnixTime,
        certificate_der: Option<Vec<u8>>,
    ) -> Result<SigningKey, KeyError> {
        let public = private.to_public_key();
        let private_pkcs1_der = private
            .to_pkcs1_der()
            .map_err(|e| key_error("encoding the private key", e))?
            .as_bytes()
            .to_vec();
        let private_pkcs8_pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| key_error("encoding the private key", e))?
            .to_string();
        let public_spki_pem = public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| key_error("encoding the public key", e))?;
        let spki_der = public
            .to_public_key_der()
            .map_err(|e| key_error("encoding the public key", e))?
            .as_bytes()
            .to_vec();
        let signing = EncodingKey::from_rsa_der(&private_pkcs1_der);
        let certificate_der = match certificate_der {
            Some(der) => der,
            None => self_signed_certificate(&spki_der, &signing, created_at)?,
        };
        let kid = b64url(&Sha1::digest(&certificate_der));
        Ok(SigningKey {
            inner: Arc::new(KeyMaterial {
                kid,
                private_pkcs1_der,
                private_pkcs8_pem,
                public_spki_pem,
                n: public.n_bytes().to_vec(),
                e: public.e_bytes().to_vec(),
                certificate_der,
                created_at,
            }),
        })
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid`: for test fixtures of other crates.
    pub fn sign_rs256(&self, claims: &Value) -> Result<String, KeyError> {
        let mut header = jsonwebtoken::Header::new(Algorithm::RS256);
        header.kid = Some(self.inner.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding_key())
            .map_err(|e| key_error("signing a JWT", e))
    }

    /// The JWK the JWKS publishes, shaped like Entra's.
    pub fn jwk(&self, issuer: &str) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.inner.kid,
            "x5t": self.inner.kid,
            "n": b64url(&self.inner.n),
            "e": b64url(&self.inner.e),
            "x5c": [b64(&self.inner.certificate_der)],
            "issuer": issuer,
        })
    }
}

/// Which keys the JWKS publishes, which one signs, and the extra keys the faults need.
#[derive(Debug)]
pub(crate) struct KeyRing {
    /// Published keys; the first signs.
    published: Vec<SigningKey>,
    /// Keys not published yet, for the faults and for rotation.
    spares: Vec<SigningKey>,
    /// A key that is never published (`unpublished_signing_key`, `unknown_kid`).
    never_published: Option<SigningKey>,
    /// Keys that will be published once the JWKS has been fetched `n` more times without them.
    withheld: Vec<(SigningKey, u32)>,
}

impl KeyRing {
    pub(crate) fn new(published: Vec<SigningKey>, spares: Vec<SigningKey>) -> KeyRing {
        KeyRing {
            published,
            spares,
            never_published: None,
            withheld: Vec::new(),
        }
    }

    /// The key that signs tokens.
    pub(crate) fn active(&self) -> Option<&SigningKey> {
        self.published.first()
    }

    pub(crate) fn published(&self) -> &[SigningKey] {
        &self.published
    }

    /// Publishes `key` without making it the signing key.
    pub(crate) fn publish_extra(&mut self, key: SigningKey) {
        self.published.push(key);
    }

    pub(crate) fn take_spare(&mut self) -> Option<SigningKey> {
        if self.spares.is_empty() {
            None
        } else {
            Some(self.spares.remove(0))
        }
    }

    pub(crate) fn has_spare(&self) -> bool {
        !self.spares.is_empty()
    }

    pub(crate) fn add_spare(&mut self, key: SigningKey) {
        self.spares.push(key);
    }

    pub(crate) fn never_published(&self) -> Option<&SigningKey> {
        self.never_published.as_ref()
    }

    pub(crate) fn set_never_published(&mut self, key: SigningKey) {
        self.never_published = Some(key);
    }

    /// Withholds `key` from the next `fetches` JWKS responses, then publishes it.
    pub(crate) fn withhold(&mut self, key: SigningKey, fetches: u32) {
        self.withheld.push((key, fetches));
    }

    /// One JWKS fetch: publishes the withheld keys whose wait is over, and returns the keys to list.
    pub(crate) fn fetch(&mut self) -> Vec<SigningKey> {
        let mut still_withheld = Vec::new();
        for (key, left) in std::mem::take(&mut self.withheld) {
            if left == 0 {
                self.published.push(key);
            } else {
                still_withheld.push((key, left - 1));
            }
        }
        self.withheld = still_withheld;
        self.published.clone()
    }

    /// The keys a token signed by this tenant may have been signed with (for `id_token_hint`, userinfo).
    pub(crate) fn verification_keys(&self) -> Vec<SigningKey> {
        let withheld = self.withheld.iter().map(|(k, _)| k.clone());
        self.published.iter().cloned().chain(withheld).collect()
    }
}

/// The JWKS document.
pub(crate) fn jwks(keys: &[SigningKey], issuer: &str) -> Value {
    json!({ "keys": keys.iter().map(|k| k.jwk(issuer)).collect::<Vec<_>>() })
}

/// Signs `message` with RSASSA-PKCS1-v1_5 SHA-256.
pub(crate) fn rs256(message: &[u8], key: &EncodingKey) -> Result<Vec<u8>, KeyError> {
    let signature = jsonwebtoken::crypto::sign(message, key, Algorithm::RS256)
        .map_err(|e| key_error("signing", e))?;
    base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, signature)
        .map_err(|e| key_error("decoding a signature", e))
}

/// A minimal self-signed X.509 v3 certificate (RFC 5280 §4.1) over `spki_der`, so that the JWKS can carry `x5c` and
/// `x5t` as Entra's does.
fn self_signed_certificate(
    spki_der: &[u8],
    key: &EncodingKey,
    created_at: UnixTime,
) -> Result<Vec<u8>, KeyError> {
    // sha256WithRSAEncryption (1.2.840.113549.1.1.11), parameters NULL.
    let algorithm = der::sequence(&[
        der::tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        ),
        der::tlv(0x05, &[]),
    ]);
    // CN (2.5.4.3) as a UTF8String.
    let name = der::sequence(&[der::tlv(
        0x31,
        &der::sequence(&[
            der::tlv(0x06, &[0x55, 0x04, 0x03]),
            der::tlv(0x0c, b"dev-tenant token signing"),
        ]),
    )]);
    let mut serial = random_bytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let time = |t: UnixTime| match utc_time(t) {
        Some(s) => der::tlv(0x17, s.as_bytes()),
        None => der::tlv(0x18, generalized_time(t).as_bytes()),
    };
    let tbs = der::sequence(&[
        der::tlv(0xa0, &der::tlv(0x02, &[0x02])),
        der::tlv(0x02, &serial),
        algorithm.clone(),
        name.clone(),
        der::sequence(&[time(created_at), time(created_at + CERT_VALIDITY_SECS)]),
        name,
        spki_der.to_vec(),
    ]);
    let signature = rs256(&tbs, key)?;
    let mut bit_string = vec![0u8];
    bit_string.extend_from_slice(&signature);
    Ok(der::sequence(&[
        tbs,
        algorithm,
        der::tlv(0x03, &bit_string),
    ]))
}

/// Just enough DER to write a certificate.
mod der {
    pub(super) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend_from_slice(&bytes);
        }
        out.extend_from_slice(content);
        out
    }

    pub(super) fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &items.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::der::tlv;

    #[test]
    fn der_lengths_use_the_long_form_past_127_bytes() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 0x02, 1, 2]);
        let long = tlv(0x04, &[0u8; 200]);
        assert_eq!(&long[..3], &[0x04, 0x81, 200]);
        let longer = tlv(0x04, &[0u8; 300]);
        assert_eq!(&longer[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }
}
