//! Revel's date-times: naive local time of the establishment, sometimes with an offset.

use core::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A Revel date-time: `YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM|Z]`.
///
/// Without an offset it is the establishment's local time (Revel does not say which zone).
/// `0001-01-01T00:00:00` is Revel's "unset". The text is written back exactly as received.
///
/// ```
/// use pos_webhooks::revel::RevelDateTime;
/// let t: RevelDateTime = "2018-11-14T15:20:37.799884".parse().unwrap();
/// assert_eq!((t.year(), t.month(), t.day()), (2018, 11, 14));
/// assert_eq!((t.hour(), t.minute(), t.second(), t.microsecond()), (15, 20, 37, 799884));
/// assert_eq!(t.offset_minutes(), None);
/// assert_eq!(t.as_str(), "2018-11-14T15:20:37.799884");
///
/// let utc: RevelDateTime = "2016-04-13T17:29:15+00:00".parse().unwrap();
/// assert_eq!(utc.offset_minutes(), Some(0));
/// assert!("0001-01-01T00:00:00".parse::<RevelDateTime>().unwrap().is_unset());
/// assert!("2016-13-01T00:00:00".parse::<RevelDateTime>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RevelDateTime {
    /// The text as received, inline (no allocation): every accepted text is ASCII and at most
    /// [`MAX_LEN`] bytes; the bytes after `len` are zero. The fields (`year()`, ...) are read
    /// from it when asked (fixed positions, checked when parsed): the value is 33 bytes.
    text: [u8; MAX_LEN],
    len: u8,
}

/// The longest accepted text: `YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM`.
const MAX_LEN: usize = 32;

/// Why a text is not a Revel date-time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid revel date-time {text:?}: {reason}")]
pub struct DateTimeError {
    text: String,
    reason: &'static str,
}

fn digits(bytes: &[u8], from: usize, len: usize) -> Option<u32> {
    let part = bytes.get(from..from.checked_add(len)?)?;
    part.iter().try_fold(0u32, |acc, b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        Some(acc * 10 + u32::from(d))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

impl RevelDateTime {
    /// Parses `text`; see the type's documentation for the accepted forms.
    pub fn parse(text: &str) -> Result<RevelDateTime, DateTimeError> {
        let fail = |reason| DateTimeError {
            text: text.to_owned(),
            reason,
        };
        let b = text.as_bytes();
        let shape = b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && matches!(b.get(10), Some(b'T' | b' '))
            && b.get(13) == Some(&b':')
            && b.get(16) == Some(&b':');
        if !shape {
            return Err(fail("expected YYYY-MM-DDTHH:MM:SS"));
        }
        let num = |from, len| digits(b, from, len).ok_or_else(|| fail("expected digits"));
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(fail("no such date"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(fail("no such time"));
        }
        let mut at = 19;
        if b.get(at) == Some(&b'.') {
            let count = b
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if count == 0 || count > 6 {
                return Err(fail("expected 1 to 6 fraction digits"));
            }
            num(at + 1, count)?;
            at += 1 + count;
        }
        match b.get(at) {
            None => {}
            Some(b'Z') if at + 1 == b.len() => {}
            Some(b'+' | b'-') if at + 6 == b.len() && b.get(at + 3) == Some(&b':') => {
                let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
                if h > 23 || m > 59 {
                    return Err(fail("no such offset"));
                }
            }
            Some(_) => return Err(fail("unexpected text after the time")),
        }
        // Every byte was checked above (digits, separators, `Z`, signs): ASCII, at most MAX_LEN.
        let mut inline = [0u8; MAX_LEN];
        inline
            .get_mut(..b.len())
            .ok_or_else(|| fail("unexpected text after the time"))?
            .copy_from_slice(b);
        Ok(RevelDateTime {
            text: inline,
            len: u8::try_from(b.len()).map_err(|_| fail("unexpected text after the time"))?,
        })
    }

    /// Digits at `from..from + len` of the text (checked when parsed; 0 if not digits).
    fn field(&self, from: usize, len: usize) -> u32 {
        digits(self.bytes(), from, len).unwrap_or(0)
    }

    fn bytes(&self) -> &[u8] {
        self.text.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        // ASCII only (checked when parsed).
        core::str::from_utf8(self.bytes()).unwrap_or_default()
    }

    /// Whether this is Revel's "unset" value, `0001-01-01T00:00:00`.
    pub fn is_unset(&self) -> bool {
        self.year() == 1
            && self.month() == 1
            && self.day() == 1
            && self.hour() == 0
            && self.minute() == 0
            && self.second() == 0
            && self.microsecond() == 0
    }

    /// The year.
    pub fn year(&self) -> u16 {
        // Four digits: below 10000.
        self.field(0, 4) as u16
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.field(5, 2) as u8
    }
    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.field(8, 2) as u8
    }
    /// The hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.field(11, 2) as u8
    }
    /// The minute.
    pub fn minute(&self) -> u8 {
        self.field(14, 2) as u8
    }
    /// The second.
    pub fn second(&self) -> u8 {
        self.field(17, 2) as u8
    }
    /// The fraction of the second in microseconds (0 when absent).
    pub fn microsecond(&self) -> u32 {
        let b = self.bytes();
        if b.get(19) != Some(&b'.') {
            return 0;
        }
        let count = b
            .get(20..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        // 1 to 6 digits (checked when parsed).
        self.field(20, count) * 10u32.pow(6u32.saturating_sub(count as u32))
    }
    /// The UTC offset in minutes when the text has one (`+00:00` is `Some(0)`); `None` for the
    /// usual naive local time.
    pub fn offset_minutes(&self) -> Option<i16> {
        let b = self.bytes();
        match b.last() {
            Some(b'Z') => Some(0),
            _ if b.len() >= 25 && b.get(b.len() - 3) == Some(&b':') => {
                let at = b.len() - 6;
                let sign = b.get(at)?;
                if !matches!(sign, b'+' | b'-') {
                    return None;
                }
                // At most 23 × 60 + 59 (checked when parsed).
                let minutes = (self.field(at + 1, 2) * 60 + self.field(at + 4, 2)) as i16;
                Some(if *sign == b'-' { -minutes } else { minutes })
            }
            _ => None,
        }
    }
}

impl core::str::FromStr for RevelDateTime {
    type Err = DateTimeError;
    fn from_str(s: &str) -> Result<RevelDateTime, DateTimeError> {
        RevelDateTime::parse(s)
    }
}

impl fmt::Display for RevelDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RevelDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevelDateTime({})", self.as_str())
    }
}

impl Serialize for RevelDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RevelDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RevelDateTime, D::Error> {
        struct DateTimeVisitor;
        impl de::Visitor<'_> for DateTimeVisitor {
            type Value = RevelDateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a revel date-time string")
            }
            // Borrowed or from the deserializer's scratch space: parsed and copied inline, no
            // allocation either way.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RevelDateTime, E> {
                RevelDateTime::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DateTimeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::RevelDateTime;

    #[test]
    fn fields_read_from_the_inline_text() {
        type Fields = (u16, u8, u8, u8, u8, u8, u32, Option<i16>);
        let cases: [(&str, Fields); 7] = [
            (
                "2018-11-14T15:20:37.799884",
                (2018, 11, 14, 15, 20, 37, 799_884, None),
            ),
            (
                "2016-04-13T17:29:15+00:00",
                (2016, 4, 13, 17, 29, 15, 0, Some(0)),
            ),
            (
                "2016-04-13 17:29:15.5-05:30",
                (2016, 4, 13, 17, 29, 15, 500_000, Some(-330)),
            ),
            (
                "2016-04-13T17:29:15.123456+23:59",
                (2016, 4, 13, 17, 29, 15, 123_456, Some(1439)),
            ),
            ("0001-01-01T00:00:00", (1, 1, 1, 0, 0, 0, 0, None)),
            (
                "2024-02-29T23:59:59Z",
                (2024, 2, 29, 23, 59, 59, 0, Some(0)),
            ),
            (
                "9999-12-31T00:00:00.01",
                (9999, 12, 31, 0, 0, 0, 10_000, None),
            ),
        ];
        for (text, expected) in cases {
            let t = RevelDateTime::parse(text).unwrap();
            let got = (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.microsecond(),
                t.offset_minutes(),
            );
            assert_eq!(got, expected, "{text}");
            assert_eq!(t.as_str(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
        }
        assert!(
            RevelDateTime::parse("0001-01-01T00:00:00")
                .unwrap()
                .is_unset()
        );
        assert!(
            !RevelDateTime::parse("0001-01-01T00:00:00.1")
                .unwrap()
                .is_unset()
        );
        // Escaped text (read from the deserializer's scratch space) parses the same.
        let t: RevelDateTime = serde_json::from_str(r#""2016-04-13\u005417:29:15""#).unwrap();
        assert_eq!(t.as_str(), "2016-04-13T17:29:15");
        assert_eq!(core::mem::size_of::<RevelDateTime>(), 33);
        for bad in [
            "2016-04-13T17:29:15+0000",
            "2016-04-13T17:29:15.",
            "2016-04-13T17:29:15Zx",
            "2016-02-30T00:00:00",
            "2016-04-13T17:29:15.1234567",
        ] {
            assert!(RevelDateTime::parse(bad).is_err(), "{bad}");
        }
    }
}
