//! Inclusive integer ranges (ports), normalized so that equal sets compare equal.

use std::fmt;

use super::value::ValueRanges;

/// A set of integers stored as sorted, disjoint, non-adjacent inclusive
/// ranges: `[31000-31005, 31010-31010]`.
///
/// Every operation keeps that normal form, so `[1-3] + [4-5]` equals `[1-5]`
/// and two `Ranges` holding the same numbers are `==`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Ranges {
    ranges: Vec<(u64, u64)>,
}

impl Ranges {
    /// No numbers.
    pub fn new() -> Self {
        Ranges::default()
    }

    /// The numbers in `pairs` of inclusive `(begin, end)`, in any order,
    /// overlapping or not. A pair whose `begin` is after its `end` is empty
    /// and adds nothing.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> Self {
        let mut ranges: Vec<(u64, u64)> = pairs.into_iter().filter(|(b, e)| b <= e).collect();
        ranges.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (begin, end) in ranges {
            match out.last_mut() {
                Some(last) if begin <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => out.push((begin, end)),
            }
        }
        Ranges { ranges: out }
    }

    /// The one range `begin..=end` (empty when `begin > end`).
    pub fn single(begin: u64, end: u64) -> Self {
        Ranges::from_pairs([(begin, end)])
    }

    /// The normalized `(begin, end)` pairs, ascending.
    pub fn pairs(&self) -> &[(u64, u64)] {
        &self.ranges
    }

    /// The numbers, ascending.
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.ranges.iter().flat_map(|&(b, e)| b..=e)
    }

    /// Whether there are no numbers.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// How many numbers there are (saturating at `u64::MAX`).
    pub fn count(&self) -> u64 {
        self.ranges.iter().fold(0u64, |n, &(b, e)| {
            n.saturating_add((e - b).saturating_add(1))
        })
    }

    /// The union of `self` and `other`.
    pub fn union(&self, other: &Ranges) -> Ranges {
        Ranges::from_pairs(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// The numbers of `self` that are not in `other`.
    pub fn difference(&self, other: &Ranges) -> Ranges {
        let mut out = Vec::with_capacity(self.ranges.len());
        let mut cut = other.ranges.iter().peekable();
        for &(begin, end) in &self.ranges {
            // Skip cuts wholly before this range; they cannot touch later ones.
            while cut.next_if(|c| c.1 < begin).is_some() {}
            let mut from = begin;
            let mut covered = false;
            // Cuts are sorted and disjoint, so each starts after `from - 1`.
            for &(cb, ce) in cut.clone() {
                if cb > end {
                    break;
                }
                if cb > from {
                    out.push((from, cb - 1));
                }
                if ce >= end {
                    covered = true;
                    break;
                }
                from = ce + 1;
            }
            if !covered {
                out.push((from, end));
            }
        }
        Ranges { ranges: out }
    }

    /// Whether every number of `other` is in `self`.
    pub fn contains(&self, other: &Ranges) -> bool {
        other.ranges.iter().all(|&(b, e)| {
            let i = self.ranges.partition_point(|r| r.1 < b);
            self.ranges.get(i).is_some_and(|r| r.0 <= b && e <= r.1)
        })
    }

    /// Whether `value` is in `self`.
    pub fn contains_value(&self, value: u64) -> bool {
        self.contains(&Ranges::single(value, value))
    }

    /// The lowest `n` numbers, or `None` when there are fewer than `n`.
    pub fn take_lowest(&self, n: u64) -> Option<Ranges> {
        let mut left = n;
        let mut out = Vec::new();
        for &(b, e) in &self.ranges {
            if left == 0 {
                break;
            }
            let size = (e - b).saturating_add(1);
            if size >= left {
                out.push((b, b + (left - 1)));
                left = 0;
            } else {
                out.push((b, e));
                left -= size;
            }
        }
        (left == 0).then_some(Ranges { ranges: out })
    }

    /// The wire form.
    pub fn to_value(&self) -> ValueRanges {
        ValueRanges::new(self.ranges.iter().copied())
    }

    /// Parses the legacy text form `[31000-32000, 33000-33010]`, as legacy
    /// endpoints (`/master/state`) write ports. `None` when malformed.
    pub fn parse_legacy(text: &str) -> Option<Ranges> {
        let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
        if inner.is_empty() {
            return Some(Ranges::new());
        }
        let mut pairs = Vec::new();
        for part in inner.split(',') {
            let (b, e) = part.split_once('-')?;
            let (b, e) = (b.trim().parse().ok()?, e.trim().parse().ok()?);
            if b > e {
                return None;
            }
            pairs.push((b, e));
        }
        Some(Ranges::from_pairs(pairs))
    }
}

impl From<&ValueRanges> for Ranges {
    fn from(value: &ValueRanges) -> Self {
        Ranges::from_pairs(value.range.iter().map(|r| (r.begin, r.end)))
    }
}

/// Prints the legacy text form: `[31000-31005,31010-31010]`.
impl fmt::Display for Ranges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, (b, e)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{b}-{e}")?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::Ranges;

    #[test]
    fn overlapping_and_adjacent_ranges_merge() {
        let r = Ranges::from_pairs([(5, 7), (1, 3), (4, 4), (10, 12), (11, 20)]);
        assert_eq!(r.pairs(), &[(1, 7), (10, 20)]);
        assert_eq!(r.count(), 18);
        assert_eq!(Ranges::from_pairs([(3, 1)]), Ranges::new());
    }

    #[test]
    fn difference_cuts_holes() {
        let r = Ranges::from_pairs([(31000, 31010), (32000, 32005)]);
        let cut = Ranges::from_pairs([(30000, 31000), (31003, 31004), (31010, 32001)]);
        assert_eq!(
            r.difference(&cut).pairs(),
            &[(31001, 31002), (31005, 31009), (32002, 32005)]
        );
        assert_eq!(r.difference(&r), Ranges::new());
        assert_eq!(r.difference(&Ranges::new()), r);
    }

    #[test]
    fn contains_needs_every_number() {
        let r = Ranges::from_pairs([(1, 5), (7, 9)]);
        assert!(r.contains(&Ranges::from_pairs([(2, 3), (9, 9)])));
        assert!(!r.contains(&Ranges::single(5, 7)));
        assert!(r.contains(&Ranges::new()));
        assert!(r.contains_value(8));
        assert!(!r.contains_value(6));
    }

    #[test]
    fn the_extremes_do_not_overflow() {
        let all = Ranges::single(0, u64::MAX);
        assert_eq!(all.count(), u64::MAX);
        assert_eq!(
            all.difference(&Ranges::single(u64::MAX, u64::MAX)).pairs(),
            &[(0, u64::MAX - 1)]
        );
        assert_eq!(
            Ranges::from_pairs([(0, 5), (6, u64::MAX)]).pairs(),
            &[(0, u64::MAX)]
        );
    }

    #[test]
    fn take_lowest_spans_ranges() {
        let r = Ranges::from_pairs([(31000, 31001), (31005, 31010)]);
        assert_eq!(
            r.take_lowest(4).unwrap().pairs(),
            &[(31000, 31001), (31005, 31006)]
        );
        assert_eq!(r.take_lowest(0), Some(Ranges::new()));
        assert_eq!(r.take_lowest(9), None);
    }

    #[test]
    fn legacy_text_parses_and_prints() {
        let r = Ranges::parse_legacy("[31000-32000, 33000-33001]").unwrap();
        assert_eq!(r.pairs(), &[(31000, 32000), (33000, 33001)]);
        assert_eq!(r.to_string(), "[31000-32000,33000-33001]");
        assert_eq!(Ranges::parse_legacy("[]"), Some(Ranges::new()));
        assert_eq!(Ranges::parse_legacy("31000-32000"), None);
        assert_eq!(Ranges::parse_legacy("[5-1]"), None);
    }
}
