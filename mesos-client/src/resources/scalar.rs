//! Fixed-point scalars with three decimals, as Mesos computes them.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use super::value::ValueScalar;

/// A resource quantity in fixed point with three decimals (thousandths).
///
/// Mesos rounds every scalar to three decimals and adds them as integers
/// (`Value.Scalar` in `mesos.proto`, mesos-go `fixedpoint.go`), so that
/// `0.1 + 0.2` is exactly `0.3` and a thousand additions of `0.001` are
/// exactly `1`. Do resource arithmetic here, never on `f64`.
///
/// `+` and `-` saturate at the `i64` bounds; use
/// [`checked_sub`](Scalar::checked_sub) to refuse going below zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scalar(i64);

impl Scalar {
    /// Zero.
    pub const ZERO: Scalar = Scalar(0);

    /// The scalar nearest to `value`, rounded to three decimals, halves away
    /// from zero, as Mesos rounds. `NaN` is zero and infinities saturate.
    pub fn from_f64(value: f64) -> Self {
        // `as` saturates and maps NaN to 0, which is what we document.
        #[allow(clippy::cast_possible_truncation)]
        Scalar((value * 1000.0).round() as i64)
    }

    /// The scalar holding `millis` thousandths.
    pub const fn from_millis(millis: i64) -> Self {
        Scalar(millis)
    }

    /// A whole number of units.
    pub const fn from_units(units: i64) -> Self {
        Scalar(units.saturating_mul(1000))
    }

    /// The quantity in thousandths.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// The quantity as a float, for the wire.
    #[allow(clippy::cast_precision_loss)]
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Whether the quantity is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the quantity is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self - other`, or `None` when that would go below zero.
    pub fn checked_sub(self, other: Scalar) -> Option<Scalar> {
        let left = self.0.checked_sub(other.0)?;
        (left >= 0).then_some(Scalar(left))
    }

    /// `self - other`, or zero when that would go below zero.
    pub fn saturating_sub(self, other: Scalar) -> Scalar {
        self.checked_sub(other).unwrap_or(Scalar::ZERO)
    }

    /// The wire form.
    pub fn to_value(self) -> ValueScalar {
        ValueScalar::new(self.to_f64())
    }
}

impl From<f64> for Scalar {
    fn from(value: f64) -> Self {
        Scalar::from_f64(value)
    }
}

impl From<u32> for Scalar {
    fn from(units: u32) -> Self {
        Scalar::from_units(i64::from(units))
    }
}

impl From<&ValueScalar> for Scalar {
    fn from(value: &ValueScalar) -> Self {
        Scalar::from_f64(value.value)
    }
}

impl Add for Scalar {
    type Output = Scalar;
    fn add(self, other: Scalar) -> Scalar {
        Scalar(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Scalar {
    fn add_assign(&mut self, other: Scalar) {
        *self = *self + other;
    }
}

impl Sub for Scalar {
    type Output = Scalar;
    fn sub(self, other: Scalar) -> Scalar {
        Scalar(self.0.saturating_sub(other.0))
    }
}

impl SubAssign for Scalar {
    fn sub_assign(&mut self, other: Scalar) {
        *self = *self - other;
    }
}

impl Sum for Scalar {
    fn sum<I: Iterator<Item = Scalar>>(iter: I) -> Scalar {
        iter.fold(Scalar::ZERO, Add::add)
    }
}

/// Prints the shortest exact decimal: `2`, `0.3`, `45.55`, `-0.001`.
impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (units, mut frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            return write!(f, "{sign}{units}");
        }
        let mut digits = 3;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, "{sign}{units}.{frac:0digits$}")
    }
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn point_one_plus_point_two_is_point_three() {
        assert_eq!(Scalar::from(0.1) + Scalar::from(0.2), Scalar::from(0.3));
        assert_eq!(Scalar::from(0.3).to_f64(), 0.3);
    }

    #[test]
    fn rounding_is_to_three_decimals() {
        assert_eq!(Scalar::from(0.0004).millis(), 0);
        assert_eq!(Scalar::from(0.0005).millis(), 1);
        assert_eq!(Scalar::from(45.55).millis(), 45_550);
        assert_eq!(Scalar::from(f64::NAN), Scalar::ZERO);
        assert_eq!(Scalar::from(f64::INFINITY).millis(), i64::MAX);
    }

    #[test]
    fn display_is_the_shortest_exact_decimal() {
        assert_eq!(Scalar::from(2.0).to_string(), "2");
        assert_eq!(Scalar::from(0.3).to_string(), "0.3");
        assert_eq!(Scalar::from(45.55).to_string(), "45.55");
        assert_eq!(Scalar::from_millis(-1).to_string(), "-0.001");
        assert_eq!(Scalar::from_millis(1_050).to_string(), "1.05");
    }

    #[test]
    fn checked_sub_refuses_negatives() {
        assert_eq!(Scalar::from(1.0).checked_sub(Scalar::from(1.001)), None);
        assert_eq!(
            Scalar::from(1.0).checked_sub(Scalar::from(0.999)),
            Some(Scalar::from_millis(1))
        );
        assert_eq!(
            Scalar::from(1.0).saturating_sub(Scalar::from(2.0)),
            Scalar::ZERO
        );
    }
}
