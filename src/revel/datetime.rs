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
    text: Box<str>,
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    microsecond: u32,
    offset_minutes: Option<i16>,
}

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
        let mut microsecond = 0;
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
            let fraction = num(at + 1, count)?;
            microsecond = fraction * 10u32.pow(6 - count as u32);
            at += 1 + count;
        }
        let offset_minutes = match b.get(at) {
            None => None,
            Some(b'Z') if at + 1 == b.len() => Some(0),
            Some(sign @ (b'+' | b'-')) if at + 6 == b.len() && b.get(at + 3) == Some(&b':') => {
                let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
                if h > 23 || m > 59 {
                    return Err(fail("no such offset"));
                }
                let minutes = i16::try_from(h * 60 + m).map_err(|_| fail("no such offset"))?;
                Some(if *sign == b'-' { -minutes } else { minutes })
            }
            Some(_) => return Err(fail("unexpected text after the time")),
        };
        Ok(RevelDateTime {
            text: text.into(),
            year: u16::try_from(year).map_err(|_| fail("no such year"))?,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            microsecond,
            offset_minutes,
        })
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is Revel's "unset" value, `0001-01-01T00:00:00`.
    pub fn is_unset(&self) -> bool {
        self.year == 1
            && self.month == 1
            && self.day == 1
            && self.hour == 0
            && self.minute == 0
            && self.second == 0
            && self.microsecond == 0
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The second.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fraction of the second in microseconds (0 when absent).
    pub fn microsecond(&self) -> u32 {
        self.microsecond
    }
    /// The UTC offset in minutes when the text has one (`+00:00` is `Some(0)`); `None` for the
    /// usual naive local time.
    pub fn offset_minutes(&self) -> Option<i16> {
        self.offset_minutes
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
        f.write_str(&self.text)
    }
}

impl fmt::Debug for RevelDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevelDateTime({})", self.text)
    }
}

impl Serialize for RevelDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for RevelDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RevelDateTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        RevelDateTime::parse(&text).map_err(de::Error::custom)
    }
}
