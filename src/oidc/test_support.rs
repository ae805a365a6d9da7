//! Test fixtures made in code: one RSA key pair per test binary, tokens minted and verified with
//! jsonwebtoken's rust_crypto, and a guard proving the app path never calls a crypto provider.

use std::cell::Cell;
use std::sync::OnceLock;

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::crypto::{CryptoProvider, KeyUtils};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, Jwk, JwkSet, PublicKeyUse, RSAKeyParameters, RSAKeyType,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::Value;

use super::id_token::{SignatureJob, SignatureOutcome};
use super::values::b64url;

/// The operating system RNG (getrandom) as a `rand_core` 0.10 RNG, for RSA key generation.
struct OsRng;

impl rsa::rand_core::TryRng for OsRng {
    type Error = getrandom::Error;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        getrandom::fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        getrandom::fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst)
    }
}

impl rsa::rand_core::TryCryptoRng for OsRng {}

/// The test signing key: private half for minting, public `n`/`e` (base64url) for the JWKS.
pub struct TestKey {
    pub encoding: EncodingKey,
    pub n: String,
    pub e: String,
    /// The public modulus bytes, used as an HMAC secret in the key-confusion test.
    pub n_bytes: Vec<u8>,
}

/// One 2048-bit key pair for the whole test binary (RSA key generation is slow in debug builds).
pub fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        install_guarded_provider();
        let private = rsa::PrivateKey::new(&mut OsRng, 2048).expect("RSA key generation");
        let der = private.to_pkcs1_der().expect("PKCS#1 DER");
        let n_bytes = private.n_bytes().to_vec();
        TestKey {
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            n: b64url(&n_bytes),
            e: b64url(&private.e_bytes()),
            n_bytes,
        }
    })
}

/// The test key as a JWK with this `kid` (`use: sig`, `kty: RSA`).
pub fn test_jwk(kid: Option<&str>) -> Jwk {
    let key = test_key();
    Jwk {
        common: CommonParameters {
            public_key_use: Some(PublicKeyUse::Signature),
            key_id: kid.map(str::to_owned),
            ..CommonParameters::default()
        },
        algorithm: AlgorithmParameters::RSA(RSAKeyParameters {
            key_type: RSAKeyType::RSA,
            n: key.n.clone(),
            e: key.e.clone(),
        }),
    }
}

/// A JWKS holding the test key under each of these `kid`s.
pub fn test_jwks(kids: &[Option<&str>]) -> JwkSet {
    JwkSet {
        keys: kids.iter().map(|kid| test_jwk(*kid)).collect(),
    }
}

/// Signs `claims` with the test key, RS256, with this `kid`.
pub fn mint_rs256(kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &test_key().encoding).expect("minting a test token")
}

/// Signs `claims` with the test key, RS256, under exactly this JOSE header (members jsonwebtoken cannot write).
pub fn mint_rs256_with_header(header: &Value, claims: &Value) -> String {
    let signing_input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &test_key().encoding,
        Algorithm::RS256,
    )
    .expect("signing a test token");
    format!("{signing_input}.{signature}")
}

/// Signs `claims` with HS256 using the RSA public modulus as the HMAC secret (key confusion).
pub fn mint_hs256_with_public_key(kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    let secret = EncodingKey::from_secret(&test_key().n_bytes).expect("HMAC key");
    jsonwebtoken::encode(&header, claims, &secret).expect("minting an HS256 token")
}

/// An unsigned `alg: none` token.
pub fn mint_alg_none(kid: Option<&str>, claims: &Value) -> String {
    let header = match kid {
        Some(kid) => serde_json::json!({"alg": "none", "typ": "JWT", "kid": kid}),
        None => serde_json::json!({"alg": "none", "typ": "JWT"}),
    };
    format!(
        "{}.{}.",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    )
}

/// What the browser does with Web Crypto, done here with jsonwebtoken's rust_crypto: verify the
/// extracted signature over the extracted signing input with the extracted JWK's `n`/`e`.
pub fn verify_like_the_browser(job: &SignatureJob) -> SignatureOutcome {
    let key = job.key();
    let decoding = match DecodingKey::from_rsa_components(&key.n, &key.e) {
        Ok(decoding) => decoding,
        Err(e) => return SignatureOutcome::Error(e.to_string()),
    };
    let signature = b64url(job.signature());
    match jsonwebtoken::crypto::verify(&signature, job.signing_input(), &decoding, Algorithm::RS256)
    {
        Ok(true) => SignatureOutcome::Verified,
        Ok(false) => SignatureOutcome::Invalid,
        Err(e) => SignatureOutcome::Error(e.to_string()),
    }
}

thread_local! {
    static PROVIDER_FORBIDDEN: Cell<bool> = const { Cell::new(false) };
}

fn guard() {
    if PROVIDER_FORBIDDEN.with(Cell::get) {
        panic!("the app path called jsonwebtoken's CryptoProvider, which the wasm build lacks");
    }
}

/// rust_crypto, except that it panics on a thread that called [`without_crypto_provider`].
static GUARDED_PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: |alg, key| {
        guard();
        (DEFAULT_PROVIDER.signer_factory)(alg, key)
    },
    verifier_factory: |alg, key| {
        guard();
        (DEFAULT_PROVIDER.verifier_factory)(alg, key)
    },
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: |der| {
            guard();
            (DEFAULT_PROVIDER
                .key_utils
                .rsa_pub_components_from_private_key)(der)
        },
        rsa_pub_components_from_public_key: |der| {
            guard();
            (DEFAULT_PROVIDER
                .key_utils
                .rsa_pub_components_from_public_key)(der)
        },
        ec_pub_components_from_private_key: |der, alg| {
            guard();
            (DEFAULT_PROVIDER
                .key_utils
                .ec_pub_components_from_private_key)(der, alg)
        },
        ed_pub_components_from_private_key: |der, curve| {
            guard();
            (DEFAULT_PROVIDER
                .key_utils
                .ed_pub_components_from_private_key)(der, curve)
        },
        compute_digest: |data, hash| {
            guard();
            (DEFAULT_PROVIDER.key_utils.compute_digest)(data, hash)
        },
    },
};

/// Installs the guarded provider as the process default (before anything uses a provider).
pub fn install_guarded_provider() {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    INSTALLED.get_or_init(|| GUARDED_PROVIDER.install_default().is_ok());
}

/// Runs `f` on this thread with every jsonwebtoken provider call turned into a panic.
pub fn without_crypto_provider<T>(f: impl FnOnce() -> T) -> T {
    install_guarded_provider();
    let installed =
        CryptoProvider::try_get_default().is_some_and(|p| std::ptr::eq(p, &GUARDED_PROVIDER));
    assert!(
        installed,
        "another provider was installed first; the guard cannot prove anything"
    );
    PROVIDER_FORBIDDEN.with(|f| f.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    PROVIDER_FORBIDDEN.with(|f| f.set(false));
    match result {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
