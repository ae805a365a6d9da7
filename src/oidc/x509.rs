//! The validity dates of a JWK's `x5c` certificate (RFC 7517 §4.7): a DER walk to
//! `tbsCertificate.validity` (RFC 5280 §4.1) and nothing else. The certificate is only shown: its
//! signature, chain and extensions are not checked, and the app verifies tokens with `n` and `e`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// `notBefore` and `notAfter`, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: i64,
    pub not_after: i64,
}

/// Why no validity was read: the part of the certificate that was not as RFC 5280 §4.1 shapes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotACertificate(pub &'static str);

impl fmt::Display for NotACertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x5c[0] is not a DER X.509 certificate: {}", self.0)
    }
}

impl std::error::Error for NotACertificate {}

/// The validity of the first `x5c` entry: standard base64 (with padding) of a DER certificate.
pub fn x5c_validity(x5c: &str) -> Result<Validity, NotACertificate> {
    let der = STANDARD
        .decode(x5c.trim())
        .map_err(|_| NotACertificate("not base64 (RFC 7517 §4.7)"))?;
    certificate_validity(&der)
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
/// `[0] EXPLICIT Version` of `tbsCertificate`.
const VERSION: u8 = 0xa0;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// RFC 5280 §4.1: `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
/// serialNumber, signature, issuer, validity SEQUENCE { notBefore, notAfter }, … }, … }`.
pub fn certificate_validity(der: &[u8]) -> Result<Validity, NotACertificate> {
    let (certificate, _) = expect(der, SEQUENCE, "the certificate")?;
    let (tbs, _) = expect(certificate, SEQUENCE, "tbsCertificate")?;
    let mut rest = tbs;
    if rest.first() == Some(&VERSION) {
        rest = tlv(rest)?.2;
    }
    rest = expect(rest, INTEGER, "serialNumber")?.1;
    rest = expect(rest, SEQUENCE, "the signature algorithm")?.1;
    rest = expect(rest, SEQUENCE, "the issuer")?.1;
    let (validity, _) = expect(rest, SEQUENCE, "validity")?;
    let (not_before, rest) = time(validity)?;
    let (not_after, _) = time(rest)?;
    Ok(Validity {
        not_before,
        not_after,
    })
}

/// The content of the element of type `tag` at the start of `input`, and what follows it.
fn expect<'a>(
    input: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), NotACertificate> {
    match tlv(input)? {
        (found, content, rest) if found == tag => Ok((content, rest)),
        _ => Err(NotACertificate(what)),
    }
}

/// Tag, content and rest; definite lengths only, as DER requires (X.690 §10.1).
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), NotACertificate> {
    let truncated = NotACertificate("truncated");
    let (&tag, after_tag) = input.split_first().ok_or(truncated)?;
    let (&first, mut rest) = after_tag.split_first().ok_or(truncated)?;
    let len = match first {
        0..=0x7f => usize::from(first),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            let (bytes, after) = rest.split_at_checked(count).ok_or(truncated)?;
            rest = after;
            bytes.iter().fold(0, |len, b| (len << 8) | usize::from(*b))
        }
        _ => return Err(NotACertificate("a length DER does not allow")),
    };
    let (content, after) = rest.split_at_checked(len).ok_or(truncated)?;
    Ok((tag, content, after))
}

/// RFC 5280 §4.1.2.5: UTCTime `YYMMDDHHMMSSZ` (YY under 50 is 20YY) or GeneralizedTime
/// `YYYYMMDDHHMMSSZ`, always in UTC with seconds.
fn time(input: &[u8]) -> Result<(i64, &[u8]), NotACertificate> {
    let (tag, content, rest) = tlv(input)?;
    let bad = NotACertificate("a validity time not in RFC 5280 §4.1.2.5 form");
    let (digits, century) = match (tag, content.len()) {
        (UTC_TIME, 13) => (&content[..12], None),
        (GENERALIZED_TIME, 15) => (&content[..14], Some(())),
        _ => return Err(bad),
    };
    if content.last() != Some(&b'Z') || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    let number = |at: usize| i64::from(digits[at] - b'0') * 10 + i64::from(digits[at + 1] - b'0');
    let (year, at) = match century {
        Some(()) => (number(0) * 100 + number(2), 4),
        None if number(0) < 50 => (2000 + number(0), 2),
        None => (1900 + number(0), 2),
    };
    let (month, day) = (number(at), number(at + 2));
    let (hour, minute, second) = (number(at + 4), number(at + 6), number(at + 8));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return Err(bad);
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Ok((secs, rest))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dev tenant's signing certificate, as its JWKS publishes it in `x5c` (it is valid for
    /// five years from the key's creation, written as UTCTime).
    #[test]
    fn reads_the_validity_of_the_dev_tenant_certificate() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap();
        let key = dev_tenant::SigningKey::generate().unwrap();
        let jwk = key.jwk("https://issuer.example/v2.0");
        let x5c = jwk["x5c"][0].as_str().unwrap();
        let validity = x5c_validity(x5c).unwrap();
        assert!(
            (before..=before + 60).contains(&validity.not_before),
            "{validity:?} created at {before}"
        );
        assert_eq!(validity.not_after - validity.not_before, 5 * 365 * 86_400);
    }

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n @ 0..=0x7f => out.push(n as u8),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    /// A certificate shaped like RFC 5280 §4.1 up to its validity; `version` adds `[0]`.
    fn certificate(not_before: Vec<u8>, not_after: Vec<u8>, version: bool) -> Vec<u8> {
        let mut tbs = Vec::new();
        if version {
            tbs.extend(der(VERSION, &der(INTEGER, &[2])));
        }
        tbs.extend(der(INTEGER, &[0x40; 16]));
        tbs.extend(der(SEQUENCE, &der(0x06, &[0x2a, 0x86])));
        tbs.extend(der(SEQUENCE, &[0u8; 200]));
        tbs.extend(der(SEQUENCE, &[not_before, not_after].concat()));
        tbs.extend(der(SEQUENCE, &[0u8; 300]));
        der(
            SEQUENCE,
            &[der(SEQUENCE, &tbs), der(0x03, &[0; 257])].concat(),
        )
    }

    #[test]
    fn reads_utc_time_across_the_1950_pivot_and_generalized_time() {
        let cert = certificate(
            der(UTC_TIME, b"491231235959Z"),
            der(GENERALIZED_TIME, b"20500101000000Z"),
            true,
        );
        assert_eq!(
            certificate_validity(&cert),
            Ok(Validity {
                not_before: 2_524_607_999,
                not_after: 2_524_608_000,
            })
        );
        let cert = certificate(
            der(UTC_TIME, b"500101000000Z"),
            der(UTC_TIME, b"000229120000Z"),
            false,
        );
        assert_eq!(
            certificate_validity(&cert),
            Ok(Validity {
                not_before: -631_152_000,
                not_after: 951_825_600,
            })
        );
    }

    #[test]
    fn refuses_times_without_seconds_or_zulu_and_other_shapes() {
        for (not_before, expected) in [
            (der(UTC_TIME, b"2401010000Z"), "a validity time"),
            (der(UTC_TIME, b"240101000000+"), "a validity time"),
            (der(UTC_TIME, b"241301000000Z"), "a validity time"),
            (der(INTEGER, b"240101000000Z"), "a validity time"),
        ] {
            let cert = certificate(not_before, der(UTC_TIME, b"300101000000Z"), true);
            let error = certificate_validity(&cert).unwrap_err();
            assert!(error.0.starts_with(expected), "{error}");
        }
    }

    #[test]
    fn refuses_truncated_and_non_certificate_input_without_panicking() {
        let cert = certificate(
            der(UTC_TIME, b"240101000000Z"),
            der(UTC_TIME, b"300101000000Z"),
            true,
        );
        for end in 0..cert.len() {
            assert!(certificate_validity(&cert[..end]).is_err(), "{end}");
        }
        assert_eq!(
            certificate_validity(&[0x30, 0x80, 0, 0]),
            Err(NotACertificate("a length DER does not allow"))
        );
        assert_eq!(
            x5c_validity("MIIC*"),
            Err(NotACertificate("not base64 (RFC 7517 §4.7)"))
        );
        assert_eq!(
            x5c_validity("AgEB"),
            Err(NotACertificate("the certificate"))
        );
    }
}
