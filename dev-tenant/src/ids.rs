//! Random identifiers, codes and encodings: GUIDs, opaque tokens, one-time passcodes, base64url.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// `n` bytes from the operating system's random source.
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    // Without a random source nothing the tenant issues would be safe to hand out: stop here.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    bytes
}

/// An opaque, unguessable token: 32 random bytes, base64url.
pub(crate) fn opaque() -> String {
    b64url(&random_bytes(32))
}

/// A random (version 4) GUID, lower case, as Entra writes them.
pub(crate) fn guid() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// An 8-digit one-time passcode, uniformly drawn.
pub(crate) fn otp_code() -> String {
    const RANGE: u32 = 100_000_000;
    // Reject the top partial range so that every code is equally likely.
    let limit = u32::MAX - u32::MAX % RANGE;
    loop {
        let b = random_bytes(4);
        let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if n < limit {
            return format!("{:08}", n % RANGE);
        }
    }
}

/// A whole number drawn uniformly from `min..=max` (`min` ≤ `max`).
pub(crate) fn uniform(min: u64, max: u64) -> u64 {
    let Some(range) = (max - min).checked_add(1) else {
        return u64_from(&random_bytes(8));
    };
    // Reject the top partial range so that every value is equally likely.
    let limit = u64::MAX - u64::MAX % range;
    loop {
        let n = u64_from(&random_bytes(8));
        if n < limit {
            return min + n % range;
        }
    }
}

fn u64_from(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| n << 8 | u64::from(b))
}

/// An opaque string shaped like Entra's `aio` claim: standard base64 of random bytes.
pub(crate) fn aio() -> String {
    b64(&random_bytes(66))
}

/// An opaque string shaped like Entra's `rh` claim: `0.A` and base64url characters.
pub(crate) fn rh() -> String {
    format!("0.A{}", b64url(&random_bytes(48)))
}

/// base64url without padding (RFC 7515 §2).
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// base64 with padding (for `x5c`).
pub(crate) fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes base64 with padding.
pub(crate) fn from_b64(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_version_4_and_lower_case() {
        let g = guid();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"), "{g}");
        assert_eq!(g, g.to_lowercase());
    }

    #[test]
    fn uniform_draws_stay_in_range_and_cover_it() {
        let drawn: std::collections::BTreeSet<u64> = (0..200).map(|_| uniform(5, 8)).collect();
        assert_eq!(drawn, (5..=8).collect());
        assert_eq!(uniform(3, 3), 3);
        let _ = uniform(0, u64::MAX);
    }

    #[test]
    fn otp_codes_have_eight_digits() {
        for _ in 0..50 {
            let code = otp_code();
            assert_eq!(code.len(), 8);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
