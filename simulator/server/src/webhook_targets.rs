//! Where webhooks may go. By default only to loopback (127.0.0.0/8, ::1, `localhost`):
//! a simulator left running must not become a way to make requests to other hosts (a
//! link-local metadata service, an intranet). `drydock serve --allow-webhook-host HOST`
//! names more hosts; `--allow-remote-webhooks` allows any.

use std::net::IpAddr;

/// The hosts webhook subscriptions and deliveries may target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WebhookTargets {
    /// Loopback only.
    #[default]
    Loopback,
    /// Loopback and these host names or addresses (compared case-insensitively).
    Hosts(Vec<String>),
    /// Any host.
    Any,
}

impl WebhookTargets {
    /// `Ok` when `url` may receive webhooks, else what is wrong, worded for the
    /// provider's own validation message.
    pub fn check(&self, url: &str) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|_| "is not a valid URL".to_string())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("must be an http(s) URL".into());
        }
        let host = parsed
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let allowed = match self {
            WebhookTargets::Any => true,
            WebhookTargets::Loopback => is_loopback(&host),
            WebhookTargets::Hosts(hosts) => {
                is_loopback(&host) || hosts.iter().any(|h| h.eq_ignore_ascii_case(&host))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(format!(
                "points at {host}, which is not a loopback address: drydock delivers webhooks to 127.0.0.1, ::1 or localhost only (start drydock with --allow-webhook-host {host} to allow it)"
            ))
        }
    }
}

impl WebhookTargets {
    /// This policy, also allowing the host of `url` (an integration the user named),
    /// if there is one.
    pub fn with_host_of(self, url: Option<&str>) -> WebhookTargets {
        let host = url
            .and_then(|u| reqwest::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string());
        match (self, host) {
            (WebhookTargets::Any, _) => WebhookTargets::Any,
            (policy, None) => policy,
            (WebhookTargets::Loopback, Some(host)) => WebhookTargets::Hosts(vec![host]),
            (WebhookTargets::Hosts(mut hosts), Some(host)) => {
                hosts.push(host);
                WebhookTargets::Hosts(hosts)
            }
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::WebhookTargets;

    #[test]
    fn only_loopback_is_allowed_by_default() {
        let t = WebhookTargets::default();
        for ok in [
            "http://127.0.0.1:8080/webhooks",
            "http://127.3.4.5/x",
            "http://[::1]:9/x",
            "https://LOCALHOST/x",
        ] {
            assert_eq!(t.check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/x",
            "http://example.com/x",
            "http://localhost.example.com/x",
            "http://[::ffff:169.254.169.254]/x",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(t.check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn named_hosts_and_any_widen_the_policy() {
        let t = WebhookTargets::Hosts(vec!["Hooks.Internal".into()]);
        assert_eq!(t.check("http://hooks.internal:81/x"), Ok(()));
        assert!(t.check("http://169.254.169.254/").is_err());
        assert_eq!(WebhookTargets::Any.check("http://169.254.169.254/"), Ok(()));
        let endpoint = WebhookTargets::default().with_host_of(Some("http://10.1.2.3:8080"));
        assert_eq!(
            endpoint.check("http://10.1.2.3:8080/webhooks/shopify"),
            Ok(())
        );
        assert!(endpoint.check("http://10.1.2.4/").is_err());
    }
}
