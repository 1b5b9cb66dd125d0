//! Randomized property tests of the resource math, with fixed seeds so that
//! a failure is reproducible: the seed and the case are printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use mesos_client::resources::{
    AllocationInfo, Ranges, ReservationInfo, ReservationType, Resource, ResourceError, Resources,
    Scalar,
};

const CASES: u64 = 500;

fn rng(seed: u64) -> fastrand::Rng {
    fastrand::Rng::with_seed(0x6d65_736f_7300 + seed)
}

fn random_ranges(rng: &mut fastrand::Rng, lo: u64, hi: u64) -> Vec<(u64, u64)> {
    (0..rng.usize(0..5))
        .map(|_| {
            let begin = rng.u64(lo..hi);
            (begin, rng.u64(begin..=(begin + 20).min(hi)))
        })
        .collect()
}

fn brute(pairs: &[(u64, u64)]) -> BTreeSet<u64> {
    pairs.iter().flat_map(|&(b, e)| b..=e).collect()
}

#[test]
fn scalar_addition_and_subtraction_are_exact() {
    let mut rng = rng(1);
    for case in 0..CASES * 10 {
        let a = Scalar::from_millis(rng.i64(0..10_000_000));
        let b = Scalar::from_millis(rng.i64(0..10_000_000));
        assert_eq!((a + b) - b, a, "case {case}");
        assert_eq!((a + b).checked_sub(a), Some(b), "case {case}");
        assert_eq!(Scalar::from(a.to_f64()), a, "case {case}: f64 round trip");
        assert_eq!(a.checked_sub(a + b + Scalar::from_millis(1)), None);
    }
    // Ten thousand 0.1s are exactly 1000, where f64 drifts.
    let tenth = Scalar::from(0.1);
    let sum: Scalar = (0..10_000).map(|_| tenth).sum();
    assert_eq!(sum, Scalar::from(1000.0));
    let float: f64 = (0..10_000).map(|_| 0.1).sum();
    assert_ne!(float, 1000.0, "f64 does drift, which is the point");
}

#[test]
fn ranges_agree_with_sets_of_numbers() {
    let mut rng = rng(2);
    for case in 0..CASES * 4 {
        let (pa, pb) = (
            random_ranges(&mut rng, 0, 120),
            random_ranges(&mut rng, 0, 120),
        );
        let (a, b) = (
            Ranges::from_pairs(pa.clone()),
            Ranges::from_pairs(pb.clone()),
        );
        let (sa, sb) = (brute(&pa), brute(&pb));
        let values = |r: &Ranges| r.values().collect::<BTreeSet<_>>();
        assert_eq!(values(&a), sa, "case {case}: {pa:?}");
        assert_eq!(a.count(), sa.len() as u64, "case {case}");
        assert_eq!(values(&a.union(&b)), &sa | &sb, "case {case}");
        assert_eq!(
            values(&a.difference(&b)),
            &sa - &sb,
            "case {case}: {a} - {b}"
        );
        assert_eq!(a.contains(&b), sb.is_subset(&sa), "case {case}: {a} ⊇ {b}");
        let n = rng.u64(0..=sa.len() as u64 + 1);
        let lowest: Option<BTreeSet<u64>> =
            (n <= sa.len() as u64).then(|| sa.iter().copied().take(n as usize).collect());
        assert_eq!(a.take_lowest(n).map(|r| values(&r)), lowest, "case {case}");
    }
}

#[test]
fn ranges_are_normalized_and_merging_is_idempotent() {
    let mut rng = rng(3);
    for case in 0..CASES * 4 {
        let pairs = random_ranges(&mut rng, 0, 120);
        let r = Ranges::from_pairs(pairs);
        assert_eq!(
            Ranges::from_pairs(r.pairs().iter().copied()),
            r,
            "case {case}"
        );
        assert_eq!(r.union(&r), r, "case {case}");
        for w in r.pairs().windows(2) {
            assert!(
                w[0].1 + 1 < w[1].0,
                "case {case}: {r} not disjoint and apart"
            );
        }
        assert_eq!(Ranges::parse_legacy(&r.to_string()), Some(r.clone()));
    }
}

/// Reservation forms to draw from: unreserved, legacy static, the same role
/// refined, a dynamic refined stack, and an allocated unreserved resource.
fn dress(rng: &mut fastrand::Rng, mut resource: Resource) -> Resource {
    match rng.u8(0..5) {
        0 => {}
        1 => resource.role = Some("ops".into()),
        2 => {
            resource.reservations = Some(vec![ReservationInfo::new(ReservationType::Static, "ops")])
        }
        3 => {
            let mut dynamic = ReservationInfo::new(ReservationType::Dynamic, "ops/ci");
            dynamic.principal = Some("jenkins".into());
            resource.reservations = Some(vec![
                ReservationInfo::new(ReservationType::Static, "ops"),
                dynamic,
            ]);
        }
        _ => resource.allocation_info = Some(AllocationInfo::new("eng").into()),
    }
    resource
}

/// A random collection. `half` picks which half of the range and set
/// universes it draws from, so two collections from different halves are
/// disjoint there (ranges and sets are unions, and `(a + b) - b == a` only
/// holds for them when `a` and `b` do not overlap).
fn random_resources(rng: &mut fastrand::Rng, half: u64) -> Resources {
    let items = [["a", "b", "c", "d"], ["w", "x", "y", "z"]][half as usize];
    let mut list = Vec::new();
    for _ in 0..rng.usize(0..8) {
        let resource = match rng.u8(0..4) {
            0 => Resource::scalar("cpus", rng.u32(0..8000) as f64 / 1000.0),
            1 => Resource::scalar("mem", rng.u32(0..4096) as f64),
            2 => Resource::ranges(
                "ports",
                random_ranges(rng, 31000 + half * 500, 31400 + half * 500),
            ),
            _ => Resource::set(
                "pandas",
                items
                    .iter()
                    .filter(|_| rng.bool())
                    .copied()
                    .collect::<Vec<_>>(),
            ),
        };
        list.push(dress(rng, resource));
    }
    Resources::from_resources(&list).expect("generated resources are valid")
}

#[test]
fn adding_then_subtracting_gives_back_the_original() {
    let mut rng = rng(4);
    for case in 0..CASES {
        let a = random_resources(&mut rng, 0);
        let b = random_resources(&mut rng, 1);
        let sum = &a + &b;
        assert_eq!(
            sum.subtract(&b).as_ref(),
            Ok(&a),
            "case {case}: ({a:?} + {b:?}) - b"
        );
        assert_eq!(sum.subtract(&a).as_ref(), Ok(&b), "case {case}");
        assert_eq!(&b + &a, sum, "case {case}: addition commutes");
    }
}

#[test]
fn a_sum_contains_its_parts() {
    let mut rng = rng(5);
    for case in 0..CASES {
        // Any halves: containment holds even when ranges and sets overlap.
        let a = random_any(&mut rng);
        let b = random_any(&mut rng);
        let sum = &a + &b;
        assert!(sum.contains(&a), "case {case}");
        assert!(sum.contains(&b), "case {case}");
        assert!(sum.contains(&Resources::new()));
        assert!(a.contains(&a));
        assert_eq!(sum.scalar("cpus"), a.scalar("cpus") + b.scalar("cpus"));
    }
}

#[test]
fn subtraction_never_goes_negative_and_refuses_what_is_missing() {
    let mut rng = rng(6);
    let (mut fits, mut refused) = (0, 0);
    for case in 0..CASES {
        let a = random_any(&mut rng);
        let b = random_any(&mut rng);
        match a.subtract(&b) {
            Ok(left) => {
                fits += 1;
                assert!(a.contains(&b), "case {case}: subtracted what was not there");
                assert_eq!(&left + &b, a, "case {case}: (a - b) + b == a when b ⊆ a");
                assert!(a.contains(&left));
            }
            Err(ResourceError::Insufficient { .. }) => {
                refused += 1;
                assert!(!a.contains(&b), "case {case}: refused what was there");
            }
            Err(other) => panic!("case {case}: {other}"),
        }
        let left = a.saturating_sub(&b);
        for (_, quantity) in left.iter() {
            if let mesos_client::resources::Quantity::Scalar(s) = quantity {
                assert!(!s.is_negative() && !s.is_zero(), "case {case}: {s}");
            }
        }
        assert!(a.contains(&left), "case {case}");
    }
    // Both outcomes were exercised, not just the empty subtraction.
    assert!(fits > 20 && refused > 20, "fits {fits}, refused {refused}");
}

#[test]
fn the_wire_form_round_trips() {
    let mut rng = rng(7);
    for case in 0..CASES {
        let a = random_any(&mut rng);
        let json = serde_json::to_string(&a.to_vec()).unwrap();
        let back: Vec<Resource> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            Resources::from_resources(&back).unwrap(),
            a,
            "case {case}: {json}"
        );
    }
}

/// A random collection from either half.
fn random_any(rng: &mut fastrand::Rng) -> Resources {
    let half = rng.u64(0..2);
    random_resources(rng, half)
}
