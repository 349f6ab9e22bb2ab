//! Webhook signatures exactly as each provider computes them. Pure functions over bytes;
//! the persona shell attaches them as headers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;

type HmacSha256 = Hmac<Sha256>;

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac accepts every key length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Shopify `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256(raw body) keyed by the app secret.
pub fn shopify_hmac(app_secret: &str, body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(app_secret.as_bytes(), &[body]))
}

/// EasyPost `X-Hmac-Signature`: `hmac-sha256-hex=` + hex HMAC-SHA256(raw body), keyed by
/// the NFKD normalization of the webhook secret.
pub fn easypost_signature(webhook_secret: &str, body: &[u8]) -> String {
    let key: String = webhook_secret.nfkd().collect();
    format!(
        "hmac-sha256-hex={}",
        hex::encode(hmac_sha256(key.as_bytes(), &[body]))
    )
}

/// Standard Webhooks (`webhook-signature`, used by ShipBob): `v1,` + base64
/// HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed by the base64-decoded part of the
/// `whsec_` secret. A secret that is not valid base64 is used as raw bytes.
pub fn standard_webhooks_signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let ts = timestamp.to_string();
    let mac = hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    format!("v1,{}", STANDARD.encode(mac))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known-answer vector from RFC 4231 test case 2 (key "Jefe").
    const RFC4231_HEX: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    #[test]
    fn easypost_signature_matches_rfc4231_vector() {
        let sig = easypost_signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, format!("hmac-sha256-hex={RFC4231_HEX}"));
    }

    #[test]
    fn shopify_hmac_is_base64_of_the_same_mac() {
        let raw = hex::decode(RFC4231_HEX).expect("hex");
        assert_eq!(
            shopify_hmac("Jefe", b"what do ya want for nothing?"),
            STANDARD.encode(raw)
        );
    }

    #[test]
    fn easypost_secret_is_nfkd_normalized() {
        // U+FB01 (ligature "fi") decomposes to "fi" under NFKD.
        assert_eq!(
            easypost_signature("\u{FB01}", b"x"),
            easypost_signature("fi", b"x")
        );
    }

    #[test]
    fn standard_webhooks_signs_id_timestamp_and_body() {
        let secret = format!("whsec_{}", STANDARD.encode(b"Jefe"));
        let sig = standard_webhooks_signature(&secret, "msg_1", 1_700_000_000, b"{}");
        let expected = STANDARD.encode(hmac_sha256(b"Jefe", &[b"msg_1.1700000000.{}"]));
        assert_eq!(sig, format!("v1,{expected}"));
        assert_ne!(
            sig,
            standard_webhooks_signature(&secret, "msg_2", 1_700_000_000, b"{}")
        );
    }
}
