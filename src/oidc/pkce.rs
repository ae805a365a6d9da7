//! PKCE (RFC 7636) with the S256 method only. The browser hashes with Web Crypto:
//! `subtle.digest("SHA-256", verifier.ascii_bytes())`, then `CodeChallenge::from_sha256_digest`.

use std::fmt;

use super::values::{b64url, random_32_bytes, RandomnessUnavailable};

/// The only challenge method this app sends (RFC 7636 §4.2; `plain` is never used).
pub const CODE_CHALLENGE_METHOD: &str = "S256";

/// Why a PKCE value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkceError {
    /// RFC 7636 §4.1: the verifier is 43 to 128 characters.
    VerifierLength { found: usize },
    /// RFC 7636 §4.1: only unreserved characters `[A-Z] [a-z] [0-9] - . _ ~`.
    VerifierCharacter { position: usize },
    /// RFC 7636 §4.2: the S256 challenge is the base64url of a 32-byte SHA-256 digest.
    DigestLength { found: usize },
}

impl fmt::Display for PkceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerifierLength { found } => write!(
                f,
                "PKCE code verifier must be 43 to 128 characters (RFC 7636 §4.1), found {found}: \
                 start the sign-in again"
            ),
            Self::VerifierCharacter { position } => write!(
                f,
                "PKCE code verifier has a character outside [A-Za-z0-9-._~] at position \
                 {position} (RFC 7636 §4.1): start the sign-in again"
            ),
            Self::DigestLength { found } => write!(
                f,
                "SHA-256 digest must be 32 bytes, found {found}: hash with \
                 subtle.digest(\"SHA-256\", ...)"
            ),
        }
    }
}

impl std::error::Error for PkceError {}

/// The PKCE code verifier (RFC 7636 §4.1). `Debug` and `Display` never print it.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// 32 CSPRNG bytes, base64url without padding: 43 characters (RFC 7636 §4.1).
    pub fn generate() -> Result<Self, RandomnessUnavailable> {
        Ok(Self::from_bytes(random_32_bytes()?))
    }

    /// The verifier for 32 given random bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(b64url(&bytes))
    }

    /// A verifier restored from session storage, checked against RFC 7636 §4.1.
    pub fn parse(value: &str) -> Result<Self, PkceError> {
        let found = value.len();
        if !(43..=128).contains(&found) {
            return Err(PkceError::VerifierLength { found });
        }
        let unreserved = |c: u8| c.is_ascii_alphanumeric() || b"-._~".contains(&c);
        match value.bytes().position(|c| !unreserved(c)) {
            Some(position) => Err(PkceError::VerifierCharacter { position }),
            None => Ok(Self(value.to_owned())),
        }
    }

    /// The ASCII bytes to hash with SHA-256 (RFC 7636 §4.2: `SHA256(ASCII(code_verifier))`).
    pub fn ascii_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The verifier itself: only for the token request.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeVerifier(<redacted, {} chars>)", self.0.len())
    }
}

impl fmt::Display for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The S256 code challenge: `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
#[derive(Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// The challenge from the SHA-256 digest of `verifier.ascii_bytes()` (32 bytes).
    pub fn from_sha256_digest(digest: &[u8]) -> Result<Self, PkceError> {
        match digest.len() {
            32 => Ok(Self(b64url(digest))),
            found => Err(PkceError::DigestLength { found }),
        }
    }

    /// The challenge as sent in `code_challenge`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Always `S256`.
    pub fn method(&self) -> &'static str {
        CODE_CHALLENGE_METHOD
    }
}

impl fmt::Debug for CodeChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeChallenge({:?})", self.0)
    }
}

impl fmt::Display for CodeChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn challenge_for(verifier: &CodeVerifier) -> CodeChallenge {
        let digest = Sha256::digest(verifier.ascii_bytes());
        CodeChallenge::from_sha256_digest(&digest).unwrap()
    }

    #[test]
    fn challenge_matches_rfc_7636_appendix_b_vector() {
        let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(
            challenge_for(&verifier).as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_from_appendix_b_octets_is_the_appendix_b_verifier() {
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(
            CodeVerifier::from_bytes(octets).secret(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn generated_verifier_is_43_unreserved_chars_and_fresh_each_time() {
        let a = CodeVerifier::generate().unwrap();
        let b = CodeVerifier::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.secret().len(), 43);
        assert_eq!(CodeVerifier::parse(a.secret()), Ok(a));
    }

    #[test]
    fn challenge_rejects_a_digest_that_is_not_32_bytes() {
        assert_eq!(
            CodeChallenge::from_sha256_digest(&[0; 20]),
            Err(PkceError::DigestLength { found: 20 })
        );
    }

    #[test]
    fn parse_rejects_short_long_and_reserved_character_verifiers() {
        assert_eq!(
            CodeVerifier::parse("short"),
            Err(PkceError::VerifierLength { found: 5 })
        );
        assert_eq!(
            CodeVerifier::parse(&"a".repeat(129)),
            Err(PkceError::VerifierLength { found: 129 })
        );
        let with_plus = format!("{}+", "a".repeat(43));
        assert_eq!(
            CodeVerifier::parse(&with_plus),
            Err(PkceError::VerifierCharacter { position: 43 })
        );
    }

    #[test]
    fn verifier_debug_and_display_never_print_it() {
        let verifier = CodeVerifier::from_bytes([7; 32]);
        let shown = format!("{verifier:?} {verifier}");
        assert!(!shown.contains(verifier.secret()), "{shown}");
    }

    #[test]
    fn a_verifier_restored_from_storage_is_checked_again() {
        let verifier = CodeVerifier::from_bytes([9; 32]);
        assert_eq!(CodeVerifier::parse(verifier.secret()), Ok(verifier));
        assert!(CodeVerifier::parse("too-short").is_err());
    }
}
