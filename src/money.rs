//! Exact decimal money: [`Decimal`] for arithmetic, [`Money`] for a JSON field as it came.
//!
//! Vendors send money as JSON numbers (`4.86`, `7`) *and* as strings (`"4.860000"`), sometimes
//! `null` or `""`, even for the same field. [`Money`] accepts all of them, remembers which form
//! and scale it came in and writes it back the same way; [`Decimal`] does the arithmetic, exactly
//! (no `f64` anywhere).

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;

/// The most digits after the decimal point a [`Decimal`] keeps (more is an error, not rounding).
pub const MAX_SCALE: u32 = 28;

/// An exact decimal number: `mantissa × 10^-scale`.
///
/// Equality and ordering are by value (`4.86 == 4.860000`); the scale is kept for display.
/// Arithmetic is checked (`checked_add`, ...): amounts come from untrusted input, and an
/// overflow is a `None`, never a panic or a rounding.
///
/// ```
/// use pos_webhooks::Decimal;
/// let price: Decimal = "4.50".parse().unwrap();
/// let tax: Decimal = "0.36".parse().unwrap();
/// assert_eq!(price.checked_add(tax).unwrap().to_string(), "4.86");
/// assert_eq!(price.checked_mul_int(3).unwrap().to_string(), "13.50");
/// assert_eq!("4.860000".parse::<Decimal>().unwrap(), "4.86".parse().unwrap());
/// ```
#[derive(Clone, Copy, Default)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// Why a decimal could not be read or computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecimalError {
    /// The text is not a decimal number.
    #[error("not a decimal number: {0:?}")]
    Invalid(String),
    /// More digits than a `Decimal` holds exactly (it never rounds silently).
    #[error("decimal out of range: {0:?}")]
    OutOfRange(String),
    /// An arithmetic result does not fit.
    #[error("decimal arithmetic overflow")]
    Overflow,
}

/// How [`Decimal::to_minor_units`] rounds digits it has to drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rounding {
    /// Fail if any non-zero digit would be dropped.
    Exact,
    /// Round half away from zero (`0.125` → `0.13`, `-0.125` → `-0.13`): commercial rounding.
    HalfUp,
    /// Round half to even (`0.125` → `0.12`, `0.135` → `0.14`): banker's rounding.
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

const fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    /// Zero, with scale 0.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`; `None` if `scale` exceeds [`MAX_SCALE`].
    ///
    /// ```
    /// # use pos_webhooks::Decimal;
    /// assert_eq!(Decimal::new(486, 2).unwrap().to_string(), "4.86");
    /// ```
    pub const fn new(mantissa: i128, scale: u32) -> Option<Decimal> {
        if scale > MAX_SCALE {
            None
        } else {
            Some(Decimal { mantissa, scale })
        }
    }

    /// An integer amount (scale 0).
    pub const fn from_int(value: i64) -> Decimal {
        Decimal {
            mantissa: value as i128,
            scale: 0,
        }
    }

    /// Minor units (cents) with `decimals` digits: `from_minor_units(25800, 2)` is `258.00`.
    pub const fn from_minor_units(units: i64, decimals: u32) -> Option<Decimal> {
        Decimal::new(units as i128, decimals)
    }

    /// The unscaled integer.
    pub const fn mantissa(self) -> i128 {
        self.mantissa
    }

    /// Digits after the decimal point, as written.
    pub const fn scale(self) -> u32 {
        self.scale
    }

    /// Whether the value is zero.
    pub const fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Whether the value is below zero.
    pub const fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// The same value written with `scale` digits; `None` if that would drop a non-zero digit or
    /// overflow.
    ///
    /// ```
    /// # use pos_webhooks::Decimal;
    /// let d: Decimal = "4.86".parse().unwrap();
    /// assert_eq!(d.rescale(6).unwrap().to_string(), "4.860000");
    /// assert!(d.rescale(1).is_none());
    /// ```
    pub fn rescale(self, scale: u32) -> Option<Decimal> {
        if scale > MAX_SCALE {
            return None;
        }
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => Some(Decimal {
                mantissa: self.mantissa.checked_mul(pow10(scale - self.scale)?)?,
                scale,
            }),
            Ordering::Less => {
                let factor = pow10(self.scale - scale)?;
                (self.mantissa % factor == 0).then(|| Decimal {
                    mantissa: self.mantissa / factor,
                    scale,
                })
            }
        }
    }

    /// Both values at the larger of their scales.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        Some((
            self.rescale(scale)?.mantissa,
            other.rescale(scale)?.mantissa,
            scale,
        ))
    }

    /// `self + other`, exactly; `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            mantissa: a.checked_add(b)?,
            scale,
        })
    }

    /// `self - other`, exactly; `None` on overflow.
    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            mantissa: a.checked_sub(b)?,
            scale,
        })
    }

    /// `self × quantity` for an integer quantity; `None` on overflow.
    pub fn checked_mul_int(self, quantity: i64) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(i128::from(quantity))?,
            scale: self.scale,
        })
    }

    /// `self × other` (a fractional quantity or a weight), exactly: the scales add up. `None` on
    /// overflow or beyond [`MAX_SCALE`].
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        Decimal::new(
            self.mantissa.checked_mul(other.mantissa)?,
            self.scale.checked_add(other.scale)?,
        )
    }

    /// Integer minor units with `decimals` digits (2 for cents), rounding dropped digits as
    /// `rounding` says. `None` if [`Rounding::Exact`] would drop a non-zero digit, or on overflow.
    ///
    /// ```
    /// use pos_webhooks::{Decimal, Rounding};
    /// let d: Decimal = "4.865".parse().unwrap();
    /// assert_eq!(d.to_minor_units(2, Rounding::HalfUp), Some(487));
    /// assert_eq!(d.to_minor_units(2, Rounding::HalfEven), Some(486));
    /// assert_eq!(d.to_minor_units(2, Rounding::Exact), None);
    /// assert_eq!("4.860000".parse::<Decimal>().unwrap().to_minor_units(2, Rounding::Exact), Some(486));
    /// ```
    pub fn to_minor_units(self, decimals: u32, rounding: Rounding) -> Option<i64> {
        let units = if decimals >= self.scale {
            self.mantissa.checked_mul(pow10(decimals - self.scale)?)?
        } else {
            let factor = pow10(self.scale - decimals)?;
            let quotient = self.mantissa / factor;
            let remainder = self.mantissa % factor;
            if remainder == 0 {
                quotient
            } else {
                let away = if self.mantissa < 0 { -1 } else { 1 };
                // Compare twice the remainder with the factor: below, at or above half.
                let twice = remainder.unsigned_abs().checked_mul(2)?;
                let half = twice.cmp(&factor.unsigned_abs());
                let round_away = match rounding {
                    Rounding::Exact => return None,
                    Rounding::Down => false,
                    Rounding::Up => true,
                    Rounding::HalfUp => half != Ordering::Less,
                    Rounding::HalfEven => match half {
                        Ordering::Less => false,
                        Ordering::Greater => true,
                        Ordering::Equal => quotient % 2 != 0,
                    },
                };
                if round_away {
                    quotient.checked_add(away)?
                } else {
                    quotient
                }
            }
        };
        i64::try_from(units).ok()
    }

    /// The value normalized: trailing zeros after the point removed.
    fn normalized(self) -> Decimal {
        let mut d = self;
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        d
    }

    /// Parses the body of a JSON number or a numeric string: optional sign, digits, optional
    /// fraction, optional exponent. Never rounds: a value that does not fit is an error.
    ///
    /// Every spelling of a representable value is accepted: zero with any exponent (`0e999999`),
    /// trailing zeros beyond [`MAX_SCALE`] that do not change the value
    /// (`1.00000000000000000000000000000`), exponents with leading zeros (`1e0000001`). The
    /// scale kept is the one written (`4.860000` has scale 6), brought within `0..=MAX_SCALE`
    /// when the value allows.
    fn parse_bytes(text: &[u8]) -> Result<Decimal, DecimalError> {
        let invalid = || DecimalError::Invalid(quote(text));
        let out_of_range = || DecimalError::OutOfRange(quote(text));
        let (negative, rest) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            Some(_) => (false, text),
            None => return Err(invalid()),
        };
        let (number, exponent) = match rest.iter().position(|b| matches!(b, b'e' | b'E')) {
            Some(at) => (
                rest.get(..at).unwrap_or_default(),
                Some(rest.get(at + 1..).unwrap_or_default()),
            ),
            None => (rest, None),
        };
        let (int_part, frac_part) = match number.iter().position(|b| *b == b'.') {
            Some(at) => (
                number.get(..at).unwrap_or_default(),
                number.get(at + 1..).unwrap_or_default(),
            ),
            None => (number, &[][..]),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
            return Err(invalid());
        }
        // The exponent, with leading zeros dropped; `None` when it has more digits than an i64
        // holds (only zero is representable then).
        let exp: Option<i64> = match exponent {
            None => Some(0),
            Some(exponent) => {
                let (exp_negative, digits) = match exponent.split_first() {
                    Some((b'-', rest)) => (true, rest),
                    Some((b'+', rest)) => (false, rest),
                    _ => (false, exponent),
                };
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return Err(invalid());
                }
                let start = digits
                    .iter()
                    .position(|b| *b != b'0')
                    .unwrap_or(digits.len());
                let digits = digits.get(start..).unwrap_or_default();
                if digits.len() > 17 {
                    None
                } else {
                    let mut exp: i64 = 0;
                    for b in digits {
                        exp = exp * 10 + i64::from(b - b'0');
                    }
                    Some(if exp_negative { -exp } else { exp })
                }
            }
        };
        // value = core × 10^(trailing - frac_len + exp), core without leading or trailing zeros.
        let all = || int_part.iter().chain(frac_part);
        let total = int_part.len() + frac_part.len();
        let leading = all().take_while(|b| **b == b'0').count();
        let trailing = if leading == total {
            0
        } else {
            all().rev().take_while(|b| **b == b'0').count()
        };
        let frac_len = i64::try_from(frac_part.len()).map_err(|_| out_of_range())?;
        if leading == total {
            // Zero, whatever the exponent: keep the written scale where it fits.
            let scale = exp
                .map_or(0, |exp| frac_len.saturating_sub(exp))
                .clamp(0, i64::from(MAX_SCALE));
            return Ok(Decimal {
                mantissa: 0,
                scale: u32::try_from(scale).unwrap_or(0),
            });
        }
        let exp = exp.ok_or_else(out_of_range)?;
        // Accumulated with its sign, so that every i128 (i128::MIN included) reads back.
        let mut core: i128 = 0;
        for b in all().skip(leading).take(total - leading - trailing) {
            let digit = i128::from(b - b'0');
            core = core
                .checked_mul(10)
                .and_then(|m| {
                    if negative {
                        m.checked_sub(digit)
                    } else {
                        m.checked_add(digit)
                    }
                })
                .ok_or_else(out_of_range)?;
        }
        let trailing = i64::try_from(trailing).map_err(|_| out_of_range())?;
        let core_exp = trailing - frac_len + exp;
        let written_scale = frac_len - exp;
        let scale = written_scale.clamp(0, i64::from(MAX_SCALE));
        // mantissa = core × 10^(core_exp + scale); below zero means digits beyond MAX_SCALE.
        let shift = u32::try_from(core_exp + scale).map_err(|_| out_of_range())?;
        let mantissa = pow10(shift)
            .and_then(|f| core.checked_mul(f))
            .ok_or_else(out_of_range)?;
        Ok(Decimal {
            mantissa,
            scale: u32::try_from(scale).map_err(|_| out_of_range())?,
        })
    }
}

/// At most the first 40 characters of `text`, for an error message (a 10 MB number must not
/// make a 10 MB message).
fn quote(text: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(text);
    match text.char_indices().nth(MAX) {
        None => text.into_owned(),
        Some((at, _)) => format!(
            "{}… ({} bytes)",
            text.get(..at).unwrap_or_default(),
            text.len()
        ),
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            // Alignment overflowed: compare the normalized forms, then by magnitude of scale.
            None => {
                let (a, b) = (self.normalized(), other.normalized());
                match a.aligned(b) {
                    Some((x, y, _)) => x.cmp(&y),
                    None => a.mantissa.signum().cmp(&b.mantissa.signum()).then_with(|| {
                        // Same sign, huge difference in scale: the one with fewer fraction
                        // digits has the larger magnitude.
                        let by_scale = b.scale.cmp(&a.scale);
                        if a.mantissa < 0 {
                            by_scale.reverse()
                        } else {
                            by_scale
                        }
                    }),
                }
            }
        }
    }
}

impl core::hash::Hash for Decimal {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let n = self.normalized();
        n.mantissa.hash(state);
        n.scale.hash(state);
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        if scale == 0 {
            return f.write_str(&digits);
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{int}.{frac}")
        } else {
            f.write_str("0.")?;
            for _ in digits.len()..scale {
                f.write_str("0")?;
            }
            f.write_str(&digits)
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(s: &str) -> Result<Decimal, DecimalError> {
        Decimal::parse_bytes(s.trim().as_bytes())
    }
}

/// The JSON form a [`Money`] value came in, so it can be written back the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MoneyForm {
    /// A JSON number: `4.86`.
    Number,
    /// A JSON string: `"4.860000"`.
    String,
}

/// A money field as a vendor sent it: a number or a numeric string, `""`, or `null`.
///
/// Parsing keeps the exact value and scale (no `f64`) and the exact text; serializing writes the
/// same text back (`4.86` as a number, `"4.860000"` as that string).
///
/// ```
/// use pos_webhooks::{Decimal, Money, MoneyForm};
/// let number: Money = serde_json::from_str("4.86").unwrap();
/// let string: Money = serde_json::from_str(r#""4.860000""#).unwrap();
/// assert_eq!(number.value(), string.value());
/// assert_eq!(string.form(), Some(MoneyForm::String));
/// assert_eq!(serde_json::to_string(&string).unwrap(), r#""4.860000""#);
/// assert_eq!(serde_json::to_string(&number).unwrap(), "4.86");
/// let none: Money = serde_json::from_str("null").unwrap();
/// assert_eq!(none.value(), None);
/// // Built from a value, it is written with the value's scale.
/// let built = Money::string("12.50".parse().unwrap());
/// assert_eq!(serde_json::to_string(&built).unwrap(), r#""12.50""#);
/// ```
#[derive(Clone)]
pub struct Money {
    repr: Repr,
    /// The JSON text as received, written back as it is (absent for built values).
    raw: Option<Box<RawValue>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Repr {
    Amount(Decimal, MoneyForm),
    Empty,
    Null,
}

impl Money {
    /// An amount written as a JSON number.
    pub const fn number(value: Decimal) -> Money {
        Money {
            repr: Repr::Amount(value, MoneyForm::Number),
            raw: None,
        }
    }

    /// An amount written as a JSON string.
    pub const fn string(value: Decimal) -> Money {
        Money {
            repr: Repr::Amount(value, MoneyForm::String),
            raw: None,
        }
    }

    /// The empty string `""`, as some vendors send for "no amount".
    pub const fn empty() -> Money {
        Money {
            repr: Repr::Empty,
            raw: None,
        }
    }

    /// JSON `null`.
    pub const fn null() -> Money {
        Money {
            repr: Repr::Null,
            raw: None,
        }
    }

    /// The amount, if there is one (`""` and `null` have none).
    pub const fn value(&self) -> Option<Decimal> {
        match self.repr {
            Repr::Amount(value, _) => Some(value),
            Repr::Empty | Repr::Null => None,
        }
    }

    /// The amount, with `""` and `null` read as zero.
    pub const fn value_or_zero(&self) -> Decimal {
        match self.repr {
            Repr::Amount(value, _) => value,
            Repr::Empty | Repr::Null => Decimal::ZERO,
        }
    }

    /// The form the amount came in (`None` for `""` and `null`).
    pub const fn form(&self) -> Option<MoneyForm> {
        match self.repr {
            Repr::Amount(_, form) => Some(form),
            Repr::Empty | Repr::Null => None,
        }
    }

    /// Whether it is the empty string `""`.
    pub const fn is_empty(&self) -> bool {
        matches!(self.repr, Repr::Empty)
    }

    /// Whether it is `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self.repr, Repr::Null)
    }
}

impl Default for Money {
    fn default() -> Money {
        Money::null()
    }
}

impl PartialEq for Money {
    /// Same kind, same form and same value (`"4.86"` equals `"4.860000"`; a number never
    /// equals a string).
    fn eq(&self, other: &Money) -> bool {
        self.repr == other.repr
    }
}

impl Eq for Money {}

impl core::hash::Hash for Money {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        match self.repr {
            Repr::Amount(value, form) => {
                value.hash(state);
                form.hash(state);
            }
            Repr::Empty => 1u8.hash(state),
            Repr::Null => 2u8.hash(state),
        }
    }
}

impl PartialEq<Decimal> for Money {
    fn eq(&self, other: &Decimal) -> bool {
        self.value().is_some_and(|value| value == *other)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            Repr::Amount(value, MoneyForm::Number) => write!(f, "Money({value})"),
            Repr::Amount(value, MoneyForm::String) => write!(f, "Money(\"{value}\")"),
            Repr::Empty => f.write_str("Money(\"\")"),
            Repr::Null => f.write_str("Money(null)"),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            Repr::Amount(value, _) => fmt::Display::fmt(&value, f),
            Repr::Empty => f.write_str("\"\""),
            Repr::Null => f.write_str("null"),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        // The raw JSON text of the value: numbers are read from their digits, never via f64,
        // and the text is kept to be written back exactly.
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        let text = raw.get().trim();
        let repr = if text == "null" {
            Repr::Null
        } else if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            if inner.is_empty() {
                Repr::Empty
            } else {
                let inner: std::borrow::Cow<'_, str> = if inner.contains('\\') {
                    serde_json::from_str::<String>(text)
                        .map_err(de::Error::custom)?
                        .into()
                } else {
                    inner.into()
                };
                let value =
                    Decimal::parse_bytes(inner.trim().as_bytes()).map_err(de::Error::custom)?;
                Repr::Amount(value, MoneyForm::String)
            }
        } else if matches!(text.bytes().next(), Some(b'-' | b'0'..=b'9')) {
            let value = Decimal::parse_bytes(text.as_bytes()).map_err(de::Error::custom)?;
            Repr::Amount(value, MoneyForm::Number)
        } else {
            return Err(de::Error::custom(format_args!(
                "invalid type: expected a money amount (number, numeric string, \"\" or null), found {}",
                kind_of(text)
            )));
        };
        Ok(Money {
            repr,
            raw: Some(raw),
        })
    }
}

fn kind_of(raw: &str) -> &'static str {
    match raw.bytes().next() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        _ => "another value",
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(raw) = &self.raw {
            return raw.serialize(serializer);
        }
        match self.repr {
            Repr::Amount(value, MoneyForm::String) => serializer.collect_str(&value),
            Repr::Amount(value, MoneyForm::Number) => {
                let raw =
                    RawValue::from_string(value.to_string()).map_err(serde::ser::Error::custom)?;
                raw.serialize(serializer)
            }
            Repr::Empty => serializer.serialize_str(""),
            Repr::Null => serializer.serialize_unit(),
        }
    }
}

impl Serialize for Decimal {
    /// A decimal serializes as a JSON string (exact in every consumer).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// A decimal deserializes from a JSON number or numeric string, exactly.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        Money::deserialize(deserializer)?
            .value()
            .ok_or_else(|| de::Error::custom("expected a decimal amount, found null or \"\""))
    }
}
