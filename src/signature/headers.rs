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

    /// The first value of header `name` and whether the header appears **more than once**.
    ///
    /// Verifiers use this to refuse a request carrying a header twice (two signature lines,
    /// two message ids): which of them a proxy or a framework keeps is not defined, so neither
    /// is trusted. The default cannot tell and reports `false`; `http::HeaderMap` and the pair
    /// lists of this crate report repeats. A source of your own should override it.
    ///
    /// ```
    /// use pos_webhooks::{HeaderSource, header};
    /// let once = [("Webhook-Id", "msg_1")];
    /// assert_eq!(once.header_entry(&header::WEBHOOK_ID), Some((&b"msg_1"[..], false)));
    /// let twice = [("webhook-id", "msg_1"), ("WEBHOOK-ID", "msg_2")];
    /// assert_eq!(twice.header_entry(&header::WEBHOOK_ID), Some((&b"msg_1"[..], true)));
    /// assert_eq!(twice.header_entry(&header::SVIX_ID), None);
    /// ```
    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        self.header_named(name).map(|value| (value, false))
    }
}

impl HeaderSource for HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(|value| value.as_bytes())
    }

    fn header_named(&self, name: &HeaderName) -> Option<&[u8]> {
        self.get(name).map(|value| value.as_bytes())
    }

    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        let mut values = self.get_all(name).iter();
        let first = values.next()?;
        Some((first.as_bytes(), values.next().is_some()))
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(key, _)| key.as_ref().trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }

    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        let name = name.as_str();
        let mut values = self
            .iter()
            .filter(|(key, _)| key.as_ref().trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref());
        let first = values.next()?;
        Some((first, values.next().is_some()))
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderSource for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        self.as_slice().header_entry(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        self.as_slice().header_entry(name)
    }
}

impl<T: HeaderSource + ?Sized> HeaderSource for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }

    fn header_named(&self, name: &HeaderName) -> Option<&[u8]> {
        (**self).header_named(name)
    }

    fn header_entry(&self, name: &HeaderName) -> Option<(&[u8], bool)> {
        (**self).header_entry(name)
    }
}
