//! The one scaled score: checked against exact decimal arithmetic for random raw and max, and at the cases that once printed three different figures.

use proptest::prelude::*;
use silent_slavery_scenario::play::score::Scaled;

/// `raw / max` to four decimals, rounded half up, by long division in decimal digits: an
/// oracle that shares no arithmetic with `Scaled::of`.
fn long_division(raw: i64, max: i64) -> String {
    if max <= 0 || raw <= 0 {
        return "0.0000".into();
    }
    let raw = raw.min(max);
    let mut digits = vec![raw / max];
    let mut rest = raw % max;
    for _ in 0..5 {
        rest *= 10;
        digits.push(rest / max);
        rest %= max;
    }
    // Half up on the fifth decimal.
    if digits[5] >= 5 {
        let mut i = 4;
        loop {
            digits[i] += 1;
            if digits[i] < 10 || i == 0 {
                break;
            }
            digits[i] = 0;
            i -= 1;
        }
    }
    format!(
        "{}.{}{}{}{}",
        digits[0], digits[1], digits[2], digits[3], digits[4]
    )
}

proptest! {
    #[test]
    fn of_matches_long_division(raw in -10_000i64..=1_000_000, max in -5i64..=1_000_000) {
        prop_assert_eq!(Scaled::of(raw, max).fraction(), long_division(raw, max));
    }

    #[test]
    fn every_rendering_is_the_same_value(raw in 0i64..=100_000, max in 1i64..=100_000) {
        let s = Scaled::of(raw, max);
        let fraction: f64 = s.fraction().parse().expect("a number");
        let percent: f64 = s.percent().parse().expect("a number");
        prop_assert_eq!(fraction, s.as_f64());
        prop_assert!((percent / 100.0 - fraction).abs() < 1e-12);
        prop_assert_eq!(s.percent().len() - s.percent().find('.').expect("a point"), 3);
        // Read back from its stored number, it is the same score.
        prop_assert_eq!(Scaled::from_f64(s.as_f64()), s);
        let short: f64 = s.percent_short().trim_end_matches('%').parse().expect("a number");
        prop_assert!((short - percent).abs() <= 0.05 + 1e-9);
    }

    #[test]
    fn a_course_grade_is_the_rounded_mean(scores in prop::collection::vec((0i64..=500, 1i64..=500), 1..8)) {
        let each: Vec<Scaled> = scores.iter().map(|&(r, m)| Scaled::of(r, m)).collect();
        let mean = Scaled::mean(&each).expect("some");
        let exact = each.iter().map(|s| s.as_f64()).sum::<f64>() / each.len() as f64;
        prop_assert!((mean.as_f64() - exact).abs() <= 0.00005 + 1e-12);
    }
}

#[test]
fn the_figures_that_once_disagreed_agree() {
    // 127/160 = 0.79375: xAPI once wrote 0.7938 and the CSV 0.7937.
    assert_eq!(Scaled::of(127, 160).fraction(), "0.7938");
    // −3/160: xAPI once wrote −0.0188, the CSV 0.0000.
    assert_eq!(Scaled::of(-3, 160), Scaled::ZERO);
    // 0 of 0 once read "100% — pass".
    assert_eq!(Scaled::of(0, 0), Scaled::ZERO);
    assert!(!Scaled::of(0, 0).reaches(0.8));
    // 62.25% once went to Totara as 62.3.
    assert_eq!(Scaled::of(249, 400).percent(), "62.25");
    assert_eq!(Scaled::of(1, 1).percent(), "100.00");
    assert_eq!(Scaled::of(1, 1).fraction(), "1.0000");
    assert_eq!(Scaled::of(2, 3).percent_short(), "66.7%");
    // A mastery score of 0.8 is reached by exactly 80%, not by 79.99%.
    assert!(Scaled::of(128, 160).reaches(0.8));
    assert!(!Scaled::of(7999, 10_000).reaches(0.8));
    assert_eq!(
        Scaled::mean(&[Scaled::of(1, 1), Scaled::of(1, 2), Scaled::ZERO]).map(Scaled::percent),
        Some("50.00".into())
    );
    assert_eq!(Scaled::mean(&[]), None);
}
