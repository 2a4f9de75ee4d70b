//! The lower input layer: header lookup by name, for `http` 1.x maps and for plain pairs.

use http::{HeaderMap, HeaderName};

/// Something header values can be looked up in, by name, case-insensitively.
///
/// Implemented for [`http::HeaderMap`] and for lists of `(name, value)` pairs, so callers on
/// another `http` major version (or none) can pass `&[("X-Revel-Signature", sig)]`.
///
/// ```
/// use pos_webhooks::HeaderSource;
/// let pairs = [("X-Revel-Signature", "abc")];
/// assert_eq!(pairs.header("x-revel-signature"), Some(&b"abc"[..]));
/// assert_eq!(pairs.header("x-other"), None);
/// ```
pub trait HeaderSource {
    /// The first value of header `name` (given lowercase), as raw bytes.
    fn header(&self, name: &str) -> Option<&[u8]>;

    /// The same lookup by a prepared [`HeaderName`]; sources that can use it directly (an
    /// `http::HeaderMap`: no name parsing per lookup) override it.
    fn header_named(&self, name: &HeaderName) -> Option<&[u8]> {
        self.header(name.as_str())
    }
}

impl HeaderSource for HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(|value| value.as_bytes())
    }

    fn header_named(&self, name: &HeaderName) -> Option<&[u8]> {
        self.get(name).map(|value| value.as_bytes())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderSource for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<T: HeaderSource + ?Sized> HeaderSource for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }

    fn header_named(&self, name: &HeaderName) -> Option<&[u8]> {
        (**self).header_named(name)
    }
}
