//! Choices for generated requests: a source of draws from proptest's seeds and the
//! palettes of valid, boundary and garbage values a request is built from.

use serde_json::{Value, json};

/// A source of choices drawn from the seeds proptest generated for one request.
pub(crate) struct Draw<'a> {
    pub(crate) seeds: &'a [u32],
    pub(crate) next: usize,
}

impl Draw<'_> {
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        let seed = self
            .seeds
            .get(self.next % self.seeds.len())
            .copied()
            .unwrap_or(0);
        self.next += 1;
        seed.rotate_left(self.next as u32 % 32) % n.max(1)
    }

    pub(crate) fn pick<T: Clone>(&mut self, options: &[T]) -> T {
        options[self.below(options.len() as u32) as usize].clone()
    }

    /// A number: half the time `valid`, otherwise mostly a boundary (0, -1, the u32 and
    /// i64 limits, a huge and a tiny decimal), sometimes a value of the wrong type.
    pub(crate) fn number(&mut self, valid: Value) -> Value {
        match self.below(8) {
            0..=3 => valid,
            4..=6 => self.pick(&[
                json!(0),
                json!(-1),
                json!(u32::MAX),
                json!(1u64 << 31),
                json!(i64::MAX),
                json!(i64::MIN),
                json!(1e18),
                json!(1e-300),
            ]),
            _ => self.pick(&[
                json!(u64::MAX),
                json!(1.5),
                json!(f64::MAX),
                json!("12"),
                Value::Null,
                json!([]),
                json!({}),
                json!(true),
            ]),
        }
    }

    /// A string: usually `valid`, otherwise empty, unicode, very long, or not a string.
    pub(crate) fn text(&mut self, valid: &str) -> Value {
        match self.below(16) {
            0..=8 => json!(valid),
            9 => json!(""),
            10 => json!("ü日本語🚀\u{202e}txet\u{0301}"),
            11 => json!("x".repeat(10_000)),
            12 => json!(" \t\n"),
            13 => json!(42),
            14 => Value::Null,
            _ => json!(["a"]),
        }
    }

    /// One of `known` (ids of real things), or an id that names nothing.
    pub(crate) fn id(&mut self, known: &[Value]) -> Value {
        if !known.is_empty() && self.below(8) != 7 {
            self.pick(known)
        } else {
            self.pick(&[
                json!(0),
                json!(-1),
                json!(u64::MAX),
                json!("abc"),
                json!(1e30),
            ])
        }
    }

    /// An id as a path segment.
    pub(crate) fn segment(&mut self, known: &[String]) -> String {
        if !known.is_empty() && self.below(4) != 3 {
            self.pick(known)
        } else {
            self.pick(&[
                "0".to_string(),
                "18446744073709551615".into(),
                "18446744073709551616".into(),
                "-1".into(),
                "abc".into(),
                "%F0%9F%9A%80".into(),
            ])
        }
    }
}

/// An object with some fields left out now and then (fields first, so that their values
/// are drawn before the draw decides which to leave out).
pub(crate) fn obj(fields: Vec<(&str, Value)>, d: &mut Draw) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in fields {
        if d.below(16) != 15 {
            map.insert(k.to_string(), v);
        }
    }
    Value::Object(map)
}

/// The body as sent: the JSON, or (now and then) broken, empty or not an object.
pub(crate) fn encode(body: &Value, d: &mut Draw) -> Vec<u8> {
    let text = serde_json::to_vec(body).unwrap_or_default();
    match d.below(32) {
        27 => text[..text.len() / 2].to_vec(),
        28 => Vec::new(),
        29 => b"[1, 2".to_vec(),
        30 => b"{\"n\": 1e400}".to_vec(),
        31 => b"\"just a string\"".to_vec(),
        _ => text,
    }
}
