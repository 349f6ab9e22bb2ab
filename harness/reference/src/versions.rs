//! API version changes, pure: reading a retired version's successor from ShipBob's
//! `Link: </2026-07>; rel="successor-version"`, rebasing a dated base URL onto it, and
//! reading the version a Shopify base URL asks for. No I/O.

/// The successor named in a `Link` header value, as written (e.g. "/2026-07").
pub(crate) fn successor_link(link: &str) -> Option<&str> {
    link.split(',').find_map(|entry| {
        let (target, params) = entry.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let is_successor = params.split(';').any(|p| {
            let Some((key, value)) = p.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("successor-version"))
        });
        (is_successor && !target.is_empty()).then_some(target)
    })
}

/// `scheme://host:port` of an absolute URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// The base URL to use after a `Link` successor: absolute targets as given, an
/// origin-relative path ("/2026-07") on the current origin, a bare version ("2026-07")
/// in place of the current last path segment. No trailing slash.
pub(crate) fn rebase(base: &str, successor: &str) -> String {
    let successor = successor.trim();
    let joined = if successor.starts_with("http://") || successor.starts_with("https://") {
        successor.to_owned()
    } else if successor.starts_with('/') {
        format!("{}{successor}", origin(base))
    } else {
        let parent = base.rsplit_once('/').map_or(base, |(parent, _)| parent);
        format!("{parent}/{successor}")
    };
    joined.trim_end_matches('/').to_owned()
}

/// The last path segment of a base URL: the dated version of ShipBob
/// (`.../2026-01`) or Shopify (`.../admin/api/2026-10`).
pub(crate) fn version_of(base: &str) -> Option<&str> {
    let path = &base[origin(base).len()..];
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_successor_link() {
        assert_eq!(
            successor_link(r#"</2026-07>; rel="successor-version""#),
            Some("/2026-07")
        );
        assert_eq!(
            successor_link(r#"<https://x/a>; rel="next", </2026-07>;rel=successor-version"#),
            Some("/2026-07")
        );
        assert_eq!(successor_link(r#"</2026-07>; rel="next""#), None);
        assert_eq!(successor_link("garbage"), None);
    }

    #[test]
    fn rebases_onto_the_successor() {
        let base = "http://127.0.0.1:4783/2026-01";
        assert_eq!(rebase(base, "/2026-07"), "http://127.0.0.1:4783/2026-07");
        assert_eq!(rebase(base, "2026-07"), "http://127.0.0.1:4783/2026-07");
        assert_eq!(
            rebase(base, "http://127.0.0.1:9/2026-07/"),
            "http://127.0.0.1:9/2026-07"
        );
    }

    #[test]
    fn reads_the_configured_version() {
        assert_eq!(
            version_of("http://127.0.0.1:4781/admin/api/2026-10"),
            Some("2026-10")
        );
        assert_eq!(
            version_of("http://127.0.0.1:4783/2026-01/"),
            Some("2026-01")
        );
        assert_eq!(version_of("http://127.0.0.1:4783"), None);
    }
}
