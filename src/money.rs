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
        match Decimal::parse_short(text) {
            Some((value, _)) => Ok(value),
            None => Decimal::parse_general(text),
        }
    }

    /// [`Decimal::parse_bytes`] for any text.
    fn parse_general(text: &[u8]) -> Result<Decimal, DecimalError> {
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

impl Decimal {
    /// The usual amounts, in 64-bit arithmetic: `-?D*(.D*)?` with 1 to 18 digits in all and no
    /// exponent (`None` for anything else, left to [`Decimal::parse_bytes`]'s general path,
    /// which gives the same value and scale for these texts: the digits as the mantissa, the
    /// digits after the point as the scale). With the value, whether `text` is how the value's
    /// `Display` writes it (see [`canonical_decimal`]).
    fn parse_short(text: &[u8]) -> Option<(Decimal, bool)> {
        let (negative, rest) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        if rest.is_empty() || rest.len() > 19 {
            return None;
        }
        let mut mantissa: u64 = 0;
        let mut point: Option<usize> = None;
        for (at, &b) in rest.iter().enumerate() {
            match b {
                b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
                b'.' if point.is_none() => point = Some(at),
                _ => return None,
            }
        }
        let digits = rest.len() - usize::from(point.is_some());
        if digits == 0 || digits > 18 {
            return None;
        }
        let int_len = point.unwrap_or(rest.len());
        let scale = rest.len() - int_len - usize::from(point.is_some());
        // `Display` writes one digit before the point (no leading zero beyond it), at least one
        // after it if there is a point, and no sign on zero.
        let canonical = int_len > 0
            && (int_len == 1 || rest.first() != Some(&b'0'))
            && (point.is_none() || scale > 0)
            && !(negative && mantissa == 0);
        // At most 18 digits: below 10^18, within i64.
        let mantissa = i128::from(mantissa);
        let value = Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale: u32::try_from(scale).ok()?,
        };
        Some((value, canonical))
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
        with_text(*self, |text| f.write_str(text))
    }
}

/// `value`'s text (as `Display` writes it), handed to `f`: zero, the most common amount, from a
/// static text (`0`, `0.0`, `0.000000`, ...), any other value built on the stack.
fn with_text<R>(value: Decimal, f: impl FnOnce(&str) -> R) -> R {
    /// `0.` and [`MAX_SCALE`] zeros.
    const ZEROS: &str = "0.0000000000000000000000000000";
    if value.mantissa == 0 {
        let len = match value.scale {
            0 => 1,
            scale => scale as usize + 2,
        };
        if let Some(text) = ZEROS.get(..len) {
            return f(text);
        }
    }
    f(DecimalText::new(value).as_str())
}

/// A [`Decimal`]'s text in a stack buffer (no allocation): at most a sign, 39 digits, a point
/// and 28 zeros.
struct DecimalText {
    bytes: [u8; 72],
    /// Where the text starts: it is written from the end.
    start: usize,
}

impl DecimalText {
    fn new(value: Decimal) -> DecimalText {
        let mut text = DecimalText {
            bytes: [0; 72],
            start: 72,
        };
        let magnitude = value.mantissa.unsigned_abs();
        // 64-bit arithmetic where it fits (the usual amounts): a division by 10 is then a
        // multiplication, not a call.
        match u64::try_from(magnitude) {
            Ok(small) => text.digits(small, value.scale, |m| ((m % 10) as u8, m / 10)),
            Err(_) => text.digits(magnitude, value.scale, |m| ((m % 10) as u8, m / 10)),
        }
        if value.mantissa < 0 {
            text.push(b'-');
        }
        text
    }

    fn push(&mut self, byte: u8) {
        if let Some(at) = self.start.checked_sub(1)
            && let Some(slot) = self.bytes.get_mut(at)
        {
            *slot = byte;
            self.start = at;
        }
    }

    /// `magnitude` with `scale` digits after the point (at least one digit before it).
    fn digits<T: Copy + PartialEq + Default>(
        &mut self,
        mut magnitude: T,
        scale: u32,
        split: impl Fn(T) -> (u8, T),
    ) {
        if scale > 0 {
            for _ in 0..scale {
                let (digit, rest) = split(magnitude);
                self.push(b'0' + digit);
                magnitude = rest;
            }
            self.push(b'.');
        }
        loop {
            let (digit, rest) = split(magnitude);
            self.push(b'0' + digit);
            magnitude = rest;
            if magnitude == T::default() {
                break;
            }
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, `.` and `-` are written.
        core::str::from_utf8(self.bytes.get(self.start..).unwrap_or_default()).unwrap_or_default()
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
/// same text back (`4.86` as a number, `"4.860000"` as that string). The text itself is stored
/// only when the value and form would not write it back (`4.8600e0`, `-0`, `" 4.86"`): a
/// `Money` is 32 bytes, and a canonical text costs no allocation to keep.
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
/// // A text the value would not write back is kept and written as received.
/// let odd: Money = serde_json::from_str("4.8600e0").unwrap();
/// assert_eq!(serde_json::to_string(&odd).unwrap(), "4.8600e0");
/// ```
#[derive(Clone)]
pub struct Money {
    /// The mantissa's low and high 64 bits (a `Decimal` holds an `i128`, 16-byte aligned:
    /// split, the value packs into 32 bytes with the text pointer).
    lo: u64,
    hi: i64,
    /// The JSON text as received, when writing the value back would not give it (absent for
    /// built values and canonical texts). A thin pointer: kept texts are rare.
    raw: Option<Box<Box<RawValue>>>,
    /// The decimal's scale (at most [`MAX_SCALE`]).
    scale: u8,
    kind: Kind,
}

/// What a [`Money`] holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    String,
    Empty,
    Null,
}

/// The logical content of a [`Money`], unpacked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repr {
    Amount(Decimal, MoneyForm),
    Empty,
    Null,
}

impl Money {
    const fn pack(repr: Repr) -> Money {
        let (value, kind) = match repr {
            Repr::Amount(value, MoneyForm::Number) => (value, Kind::Number),
            Repr::Amount(value, MoneyForm::String) => (value, Kind::String),
            Repr::Empty => (Decimal::ZERO, Kind::Empty),
            Repr::Null => (Decimal::ZERO, Kind::Null),
        };
        Money {
            // Two's complement halves: `repr` puts them back together exactly.
            lo: value.mantissa as u64,
            hi: (value.mantissa >> 64) as i64,
            raw: None,
            // A `Decimal`'s scale is at most MAX_SCALE (28): it fits.
            scale: value.scale as u8,
            kind,
        }
    }

    const fn decimal(&self) -> Decimal {
        Decimal {
            mantissa: ((self.hi as i128) << 64) | (self.lo as i128),
            scale: self.scale as u32,
        }
    }

    const fn repr(&self) -> Repr {
        match self.kind {
            Kind::Number => Repr::Amount(self.decimal(), MoneyForm::Number),
            Kind::String => Repr::Amount(self.decimal(), MoneyForm::String),
            Kind::Empty => Repr::Empty,
            Kind::Null => Repr::Null,
        }
    }

    /// An amount written as a JSON number.
    pub const fn number(value: Decimal) -> Money {
        Money::pack(Repr::Amount(value, MoneyForm::Number))
    }

    /// An amount written as a JSON string.
    pub const fn string(value: Decimal) -> Money {
        Money::pack(Repr::Amount(value, MoneyForm::String))
    }

    /// The empty string `""`, as some vendors send for "no amount".
    pub const fn empty() -> Money {
        Money::pack(Repr::Empty)
    }

    /// JSON `null`.
    pub const fn null() -> Money {
        Money::pack(Repr::Null)
    }

    /// The amount, if there is one (`""` and `null` have none).
    pub const fn value(&self) -> Option<Decimal> {
        match self.repr() {
            Repr::Amount(value, _) => Some(value),
            Repr::Empty | Repr::Null => None,
        }
    }

    /// The amount, with `""` and `null` read as zero.
    pub const fn value_or_zero(&self) -> Decimal {
        match self.repr() {
            Repr::Amount(value, _) => value,
            Repr::Empty | Repr::Null => Decimal::ZERO,
        }
    }

    /// The form the amount came in (`None` for `""` and `null`).
    pub const fn form(&self) -> Option<MoneyForm> {
        match self.kind {
            Kind::Number => Some(MoneyForm::Number),
            Kind::String => Some(MoneyForm::String),
            Kind::Empty | Kind::Null => None,
        }
    }

    /// Whether it is the empty string `""`.
    pub const fn is_empty(&self) -> bool {
        matches!(self.kind, Kind::Empty)
    }

    /// Whether it is `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
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
        self.repr() == other.repr()
    }
}

impl Eq for Money {}

impl core::hash::Hash for Money {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        match self.repr() {
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
        match self.repr() {
            Repr::Amount(value, MoneyForm::Number) => write!(f, "Money({value})"),
            Repr::Amount(value, MoneyForm::String) => write!(f, "Money(\"{value}\")"),
            Repr::Empty => f.write_str("Money(\"\")"),
            Repr::Null => f.write_str("Money(null)"),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr() {
            Repr::Amount(value, _) => fmt::Display::fmt(&value, f),
            Repr::Empty => f.write_str("\"\""),
            Repr::Null => f.write_str("null"),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        // The raw JSON text of the value: numbers are read from their digits, never via f64.
        // Borrowed from the input where the deserializer allows it: no allocation.
        let crate::lossless::RawText(raw) = crate::lossless::RawText::deserialize(deserializer)?;
        // The usual texts: a short plain number, bare or in quotes, read and checked for being
        // canonical in one pass.
        let bytes = raw.as_bytes();
        let short = match bytes.split_first() {
            Some((b'"', rest)) => rest
                .strip_suffix(b"\"")
                .and_then(Decimal::parse_short)
                .map(|(value, canonical)| (Repr::Amount(value, MoneyForm::String), canonical)),
            Some((b'-' | b'0'..=b'9', _)) => Decimal::parse_short(bytes)
                .map(|(value, canonical)| (Repr::Amount(value, MoneyForm::Number), canonical)),
            _ => None,
        };
        if let Some((repr, canonical)) = short {
            let mut money = Money::pack(repr);
            if !canonical {
                money.raw = Some(keep(raw)?);
            }
            return Ok(money);
        }
        let text = trim(&raw);
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
                    Decimal::parse_bytes(trim(&inner).as_bytes()).map_err(de::Error::custom)?;
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
        let mut money = Money::pack(repr);
        // Kept only when (value, form) would not write the same text back.
        if !canonical(raw.as_bytes(), repr) {
            money.raw = Some(keep(raw)?);
        }
        Ok(money)
    }
}

/// The received text of an amount, kept to be written back as it came (rare: only texts that
/// writing the value back would not give).
fn keep<E: de::Error>(raw: std::borrow::Cow<'_, str>) -> Result<Box<Box<RawValue>>, E> {
    // The deserializer gave this text as one JSON value, so it is valid JSON.
    RawValue::from_string(raw.into_owned())
        .map(Box::new)
        .map_err(de::Error::custom)
}

/// `text` without surrounding whitespace (`str::trim`, skipped when the text starts and ends
/// with a visible ASCII character: the usual case).
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let plain = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if plain(bytes.first()) && plain(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Whether writing `repr` back (as [`Money`]'s `Serialize` does without a kept text) gives
/// exactly `text`: `null`, `""`, and amounts as [`Decimal`]'s `Display` writes them
/// (`-?(0|[1-9][0-9]*)`, then optionally `.` and 1 to [`MAX_SCALE`] digits, no exponent, no
/// sign on zero), bare for a number, in quotes for a string.
fn canonical(text: &[u8], repr: Repr) -> bool {
    match repr {
        Repr::Null => text == b"null",
        Repr::Empty => text == b"\"\"",
        Repr::Amount(value, MoneyForm::Number) => canonical_decimal(text, value),
        Repr::Amount(value, MoneyForm::String) => text
            .strip_prefix(b"\"")
            .and_then(|t| t.strip_suffix(b"\""))
            .is_some_and(|inner| canonical_decimal(inner, value)),
    }
}

/// Whether `text` is how `value`'s `Display` writes it; `value` was read from `text`, so only
/// the spelling is checked.
fn canonical_decimal(text: &[u8], value: Decimal) -> bool {
    let (negative, rest) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if negative && value.is_zero() {
        return false;
    }
    let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (int, frac) = rest.split_at(int_len);
    let int_ok = match int {
        [] => false,
        [b'0'] => true,
        [first, ..] => *first != b'0',
    };
    let frac_ok = match frac {
        [] => true,
        [b'.', digits @ ..] => {
            !digits.is_empty()
                && digits.len() <= MAX_SCALE as usize
                && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    int_ok && frac_ok && u32::try_from(frac.len().saturating_sub(1)) == Ok(value.scale)
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
        match self.repr() {
            Repr::Amount(value, MoneyForm::String) => {
                with_text(value, |text| serializer.serialize_str(text))
            }
            Repr::Amount(value, MoneyForm::Number) => {
                // An integer is written by the serializer as its digits, exactly; a fraction
                // goes through `RawValue` (borrowed from the stack text: no allocation).
                if value.scale == 0
                    && let Ok(int) = i64::try_from(value.mantissa)
                {
                    return serializer.serialize_i64(int);
                }
                with_text(value, |text| {
                    let raw: &RawValue =
                        serde_json::from_str(text).map_err(serde::ser::Error::custom)?;
                    raw.serialize(serializer)
                })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The text is the same whether the deserializer lends it (a string or slice), copies it
    /// (a reader) or writes it out (a `serde_json::Value`).
    #[test]
    fn every_deserializer_gives_the_same_money() {
        for text in [
            "4.860",
            "\"4.86\"",
            "-0",
            "1E2",
            "\"\"",
            "null",
            "\"4\\u002e86\"",
        ] {
            let lent: Money = serde_json::from_str(text).unwrap();
            let read: Money = serde_json::from_reader(text.as_bytes()).unwrap();
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let written: Money = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_string(&lent).unwrap(), text);
            assert_eq!(serde_json::to_string(&read).unwrap(), text);
            assert_eq!(lent, read, "{text}");
            // A `Value` holds the number's text only as an f64 would; it writes it back as
            // it does itself.
            assert_eq!(serde_json::to_string(&written).unwrap(), value.to_string());
        }
        assert!(serde_json::from_str::<Money>("true").is_err());
        assert!(serde_json::from_reader::<_, Money>(&b"[1]"[..]).is_err());
    }

    /// The short path gives exactly the general path's value and scale where it answers.
    #[test]
    fn short_path_matches_general_path() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "00",
            "0.0",
            "-0.000",
            "5.",
            ".5",
            "-.5",
            "1",
            "-1",
            "007.10",
            "4.86",
            "999999999999999999",
            "-999999999999999999",
            "1234567890.12345678",
            ".",
            "-",
            "",
            "1.2.3",
            "1e2",
            "+1",
            " 1",
            "1 ",
            "9999999999999999999",
            "0.000000000000000001",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 22) as usize;
            let text: String = (0..len)
                .map(|i| match (seed >> (i * 3 % 60)) % 13 {
                    10 => '.',
                    11 if i == 0 => '-',
                    12 => '0',
                    d => char::from(b'0' + (d % 10) as u8),
                })
                .collect();
            texts.push(text);
        }
        for text in &texts {
            if let Some((short, canonical)) = Decimal::parse_short(text.as_bytes()) {
                let general = Decimal::parse_general(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{text:?}: {e}"));
                assert_eq!(
                    (short.mantissa, short.scale),
                    (general.mantissa, general.scale),
                    "{text:?}"
                );
                assert_eq!(
                    canonical,
                    canonical_decimal(text.as_bytes(), short),
                    "{text:?}"
                );
                assert_eq!(canonical, short.to_string() == *text, "{text:?}");
            }
        }
    }

    #[test]
    fn display_and_packing_round_trip() {
        for (mantissa, scale) in [
            (0, 0),
            (0, 28),
            (486, 2),
            (-486, 6),
            (5, 3),
            (i128::MAX, 0),
            (i128::MIN, 28),
            (i128::from(i64::MIN) - 1, 4),
            (u64::MAX as i128, 1),
        ] {
            let value = Decimal::new(mantissa, scale).unwrap();
            let text = value.to_string();
            let back = Decimal::parse_general(text.as_bytes()).unwrap();
            assert_eq!((back.mantissa, back.scale), (mantissa, scale), "{text}");
            for money in [Money::number(value), Money::string(value)] {
                let inner = money.value().unwrap();
                assert_eq!((inner.mantissa, inner.scale), (mantissa, scale));
            }
        }
        assert_eq!(Decimal::new(-5, 3).unwrap().to_string(), "-0.005");
        assert_eq!(Decimal::new(0, 0).unwrap().to_string(), "0");
        assert_eq!(Decimal::new(0, 1).unwrap().to_string(), "0.0");
        assert_eq!(
            Decimal::new(0, MAX_SCALE).unwrap().to_string(),
            format!("0.{}", "0".repeat(MAX_SCALE as usize))
        );
        assert_eq!(Decimal::new(-1234, 0).unwrap().to_string(), "-1234");
        assert_eq!(core::mem::size_of::<Money>(), 32);
        assert_eq!(core::mem::size_of::<Option<Money>>(), 32);
    }
}
