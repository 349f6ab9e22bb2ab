//! The shape of a provider's documented surface: its routes and the webhooks it sends.
//! Each provider keeps its own table next to its wire format; the reference docs render
//! them and a test calls every documented route on a fresh world.

/// One endpoint, relative to the persona's base URL (`{id}` stands for an id).
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// The request's fields (empty: no body).
    pub request: &'static str,
    /// The answer's fields that matter to an integration.
    pub answer: &'static str,
}

/// Webhooks of some topics: how they are sent and where their fields sit.
#[derive(Debug, Clone, Copy)]
pub struct Webhook {
    pub topics: &'static str,
    /// Headers, signature included.
    pub headers: &'static str,
    pub body: &'static str,
}

/// A persona's documented surface.
#[derive(Debug, Clone, Copy)]
pub struct Surface {
    pub persona: &'static str,
    /// The base URL's environment variable and shape.
    pub base: &'static str,
    pub auth: &'static str,
    pub routes: &'static [Route],
    pub webhooks: &'static [Webhook],
}
