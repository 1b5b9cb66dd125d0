//! Marathon timestamps, parsed leniently.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A timestamp as Marathon writes it, such as `2015-09-25T15:13:48.343Z`.
///
/// The text is kept exactly as sent (versions are opaque keys for
/// `/versions/{v}` and rollback), and [`Timestamp::to_system_time`] parses it
/// leniently: old servers wrote `2014-01-23T05:31+0000`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub String);

impl Timestamp {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, if the text is a timestamp in any of the forms Marathon
    /// has written: with or without seconds and fractions, `Z` or a numeric
    /// offset with or without a colon.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        parse_lenient(&self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Timestamp {
    fn from(s: &str) -> Self {
        Timestamp(s.to_owned())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let dcos_auth::model::Key(text) = dcos_auth::model::Key::deserialize(d)?;
        Ok(Timestamp(text.into_owned()))
    }
}

impl dcos_auth::model::Field for Timestamp {
    fn is_unset(&self) -> bool {
        false
    }
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH[:]MM)`.
fn parse_lenient(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (date, rest) = text.split_once(['T', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let (clock, offset_secs) = split_offset(rest)?;
    let mut clock_parts = clock.splitn(3, ':');
    let hour: u32 = clock_parts.next()?.parse().ok()?;
    let minute: u32 = clock_parts.next()?.parse().ok()?;
    let (second, nanos) = match clock_parts.next() {
        None => (0, 0),
        Some(sec) => match sec.split_once('.') {
            None => (sec.parse().ok()?, 0),
            Some((whole, frac)) => {
                let digits: String = frac.chars().take(9).collect();
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let nanos: u32 = format!("{digits:0<9}").parse().ok()?;
                (whole.parse().ok()?, nanos)
            }
        },
    };
    if !(0..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_secs;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Splits the clock from its zone, returning the zone's offset in seconds.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let at = rest.rfind(['+', '-'])?;
    let (clock, zone) = rest.split_at(at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> Option<u64> {
        Timestamp::from(text)
            .to_system_time()
            .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
    }

    #[test]
    fn current_and_legacy_forms() {
        assert_eq!(secs("2015-09-25T15:13:48.343Z"), Some(1_443_194_028));
        assert_eq!(secs("2015-09-25T15:13:48Z"), Some(1_443_194_028));
        assert_eq!(secs("2014-01-23T05:31+0000"), Some(1_390_455_060));
        assert_eq!(secs("2014-01-23T06:31+01:00"), Some(1_390_455_060));
        assert_eq!(secs("1970-01-01T00:00:00.000Z"), Some(0));
    }

    #[test]
    fn fractions_keep_their_precision() {
        let t = Timestamp::from("2015-09-25T15:13:48.343Z")
            .to_system_time()
            .unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().subsec_millis(), 343);
    }

    #[test]
    fn garbage_is_none_not_a_panic() {
        for text in [
            "",
            "yesterday",
            "2015-13-01T00:00Z",
            "99999999999999999-01-01T00:00Z",
            "-99999999999999999-01-01T00:00Z",
            "2015-01-01",
            "2015-01-01T10:00+5",
            "2015-01-01T1é:00Z",
        ] {
            assert_eq!(secs(text), None, "{text}");
        }
    }

    #[test]
    fn text_is_kept_as_sent() {
        let t: Timestamp = serde_json::from_str(r#""2014-01-23T05:31+0000""#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2014-01-23T05:31+0000""#
        );
    }
}
