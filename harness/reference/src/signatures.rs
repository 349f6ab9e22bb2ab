//! Webhook signature verification for the three signing dialects (Shopify base64
//! HMAC, EasyPost hex HMAC over an NFKD key, Standard Webhooks for ShipBob).
//! Comparisons are constant-time through `Mac::verify_slice`. Pure: no I/O.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;

type HmacSha256 = Hmac<Sha256>;

/// Why a delivery was refused; logged, never echoed in detail to the sender.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum SignatureError {
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("the {0} header is malformed")]
    Malformed(&'static str),
    #[error("the signature does not match the body")]
    Mismatch,
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this constructor cannot fail.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac accepts keys of any length"),
    }
}

fn verify(key: &[u8], parts: &[&[u8]], expected: &[u8]) -> bool {
    let mut mac = mac(key);
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(expected).is_ok()
}

/// Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app secret, raw body)).
pub(crate) fn verify_shopify(
    secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    const NAME: &str = "X-Shopify-Hmac-Sha256";
    let header = header.ok_or(SignatureError::MissingHeader(NAME))?;
    let expected = STANDARD
        .decode(header.trim())
        .map_err(|_| SignatureError::Malformed(NAME))?;
    if verify(secret.as_bytes(), &[body], &expected) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// EasyPost: `X-Hmac-Signature: hmac-sha256-hex=<hex>`, key = NFKD(webhook secret).
pub(crate) fn verify_easypost(
    secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    const NAME: &str = "X-Hmac-Signature";
    let header = header.ok_or(SignatureError::MissingHeader(NAME))?;
    let hex_digest = header
        .trim()
        .strip_prefix("hmac-sha256-hex=")
        .ok_or(SignatureError::Malformed(NAME))?;
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed(NAME))?;
    let key: String = secret.nfkd().collect();
    if verify(key.as_bytes(), &[body], &expected) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Standard Webhooks (ShipBob): signed content `{id}.{timestamp}.{body}`; the
/// `webhook-signature` header holds one or more space-separated `v1,<base64>`.
/// The timestamp is signed but its age is not checked here (the official libraries,
/// which do check it, are run against drydock's deliveries by `tests/sdk/`).
pub(crate) fn verify_standard_webhook(
    key: &[u8],
    body: &[u8],
    id: Option<&str>,
    timestamp: Option<&str>,
    signatures: Option<&str>,
) -> Result<(), SignatureError> {
    let id = id.ok_or(SignatureError::MissingHeader("webhook-id"))?;
    let timestamp = timestamp.ok_or(SignatureError::MissingHeader("webhook-timestamp"))?;
    let signatures = signatures.ok_or(SignatureError::MissingHeader("webhook-signature"))?;
    if timestamp.trim().parse::<i64>().is_err() {
        return Err(SignatureError::Malformed("webhook-timestamp"));
    }
    let mut saw_v1 = false;
    for candidate in signatures.split_whitespace() {
        let Some(encoded) = candidate.strip_prefix("v1,") else {
            continue;
        };
        saw_v1 = true;
        let Ok(expected) = STANDARD.decode(encoded) else {
            continue;
        };
        let parts: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
        if verify(key, &parts, &expected) {
            return Ok(());
        }
    }
    if saw_v1 {
        Err(SignatureError::Mismatch)
    } else {
        Err(SignatureError::Malformed("webhook-signature"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const RFC4231_DATA: &[u8] = b"what do ya want for nothing?";
    const RFC4231_HEX: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    const RFC4231_B64: &str = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";

    #[test]
    fn shopify_accepts_rfc4231_case_2() {
        assert_eq!(
            verify_shopify("Jefe", RFC4231_DATA, Some(RFC4231_B64)),
            Ok(())
        );
    }

    #[test]
    fn shopify_rejects_tampered_body_and_missing_header() {
        assert_eq!(
            verify_shopify("Jefe", b"what do ya want for something?", Some(RFC4231_B64)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_shopify("Jefe", RFC4231_DATA, None),
            Err(SignatureError::MissingHeader("X-Shopify-Hmac-Sha256"))
        );
        assert_eq!(
            verify_shopify("Jefe", RFC4231_DATA, Some("not base64!")),
            Err(SignatureError::Malformed("X-Shopify-Hmac-Sha256"))
        );
    }

    #[test]
    fn easypost_accepts_rfc4231_case_2_hex() {
        let header = format!("hmac-sha256-hex={RFC4231_HEX}");
        assert_eq!(verify_easypost("Jefe", RFC4231_DATA, Some(&header)), Ok(()));
        let upper = format!("hmac-sha256-hex={}", RFC4231_HEX.to_uppercase());
        assert_eq!(verify_easypost("Jefe", RFC4231_DATA, Some(&upper)), Ok(()));
    }

    #[test]
    fn easypost_normalizes_the_secret_with_nfkd() {
        // Computed with Python: hmac.new(unicodedata.normalize("NFKD", secret).encode(), body, sha256).
        let secret = "\u{fb01}le-caf\u{e9}";
        let body = br#"{"object":"Event","id":"evt_1"}"#;
        let nfkd =
            "hmac-sha256-hex=f6e598da164fd569dd007ae634ac9e45d0594d096e115b533fbc3f10899967de";
        let raw =
            "hmac-sha256-hex=c1a2a822eeb8b9577cda31718427ce723bea28d92834032222d5763e64abb63e";
        assert_eq!(verify_easypost(secret, body, Some(nfkd)), Ok(()));
        assert_eq!(
            verify_easypost(secret, body, Some(raw)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn easypost_requires_the_prefix() {
        assert_eq!(
            verify_easypost("Jefe", RFC4231_DATA, Some(RFC4231_HEX)),
            Err(SignatureError::Malformed("X-Hmac-Signature"))
        );
    }

    // The Standard Webhooks reference vector (standard-webhooks test suite).
    fn standard_key() -> Vec<u8> {
        STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .expect("valid base64")
    }
    const STD_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const STD_TS: &str = "1614265330";
    const STD_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const STD_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn standard_webhook_accepts_reference_vector_even_when_old() {
        let result = verify_standard_webhook(
            &standard_key(),
            STD_BODY,
            Some(STD_ID),
            Some(STD_TS),
            Some(STD_SIG),
        );
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn standard_webhook_accepts_any_of_several_signatures() {
        let header = format!("v1,Zm9vYmFy v2,abc {STD_SIG}");
        let result = verify_standard_webhook(
            &standard_key(),
            STD_BODY,
            Some(STD_ID),
            Some(STD_TS),
            Some(&header),
        );
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn standard_webhook_rejects_other_id_or_body() {
        let key = standard_key();
        assert_eq!(
            verify_standard_webhook(
                &key,
                STD_BODY,
                Some("msg_other"),
                Some(STD_TS),
                Some(STD_SIG)
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_standard_webhook(&key, b"{}", Some(STD_ID), Some(STD_TS), Some(STD_SIG)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_standard_webhook(&key, STD_BODY, Some(STD_ID), None, Some(STD_SIG)),
            Err(SignatureError::MissingHeader("webhook-timestamp"))
        );
    }
}
