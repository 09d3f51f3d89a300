//! Running totals that item analysis keeps while the store streams past: mean and spread, an item score against the rest score (exact sums, and each side's distribution for Moodle's discriminative efficiency), and times in a histogram for medians. Memory grows with the number of distinct point totals and decisions, never with the number of attempts.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::figure::{Figure, Undefined};

/// Mean and sample standard deviation, by Welford's running update.
#[derive(Debug, Clone, Default)]
pub(crate) struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    pub(crate) fn add(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub(crate) fn mean(&self) -> f64 {
        self.mean
    }

    /// Sample standard deviation (divides by n − 1); 0 for fewer than two values.
    pub(crate) fn sd(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / (self.n - 1) as f64).sqrt()
        }
    }
}

/// Pairs (x, y) of whole numbers: x the points an attempt earned at a decision, y its score
/// on everything else. Sums are exact (integers), so the correlation does not drift over a
/// million attempts; each side's distribution is kept as counts per value, which is all the
/// highest possible covariance needs (both sides sorted and paired in order).
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemRest {
    n: i128,
    sx: i128,
    sy: i128,
    sxx: i128,
    syy: i128,
    sxy: i128,
    xs: BTreeMap<i64, u64>,
    ys: BTreeMap<i64, u64>,
}

impl ItemRest {
    pub(crate) fn add(&mut self, x: i64, y: i64) {
        let (x128, y128) = (i128::from(x), i128::from(y));
        self.n += 1;
        self.sx += x128;
        self.sy += y128;
        self.sxx += x128 * x128;
        self.syy += y128 * y128;
        self.sxy += x128 * y128;
        *self.xs.entry(x).or_default() += 1;
        *self.ys.entry(y).or_default() += 1;
    }

    /// n² times the variances and the covariance: exact.
    fn scaled_moments(&self) -> (i128, i128, i128) {
        (
            self.n * self.sxx - self.sx * self.sx,
            self.n * self.syy - self.sy * self.sy,
            self.n * self.sxy - self.sx * self.sy,
        )
    }

    /// Pearson's correlation of x with y (Moodle's discrimination index, as a fraction).
    pub(crate) fn correlation(&self) -> Figure {
        let (vx, vy, cov) = self.scaled_moments();
        if vx == 0 {
            return Figure::Undefined(Undefined::SamePointsHere);
        }
        if vy == 0 {
            return Figure::Undefined(Undefined::SameScoreElsewhere);
        }
        Figure::Value(cov as f64 / ((vx as f64).sqrt() * (vy as f64).sqrt()))
    }

    /// The covariance as a share of the highest covariance the same two distributions allow
    /// (Moodle's discriminative efficiency, as a fraction): the highest pairs the smallest x
    /// with the smallest y, and so on up.
    pub(crate) fn efficiency(&self) -> Figure {
        let (vx, vy, cov) = self.scaled_moments();
        if vx == 0 {
            return Figure::Undefined(Undefined::SamePointsHere);
        }
        if vy == 0 {
            return Figure::Undefined(Undefined::SameScoreElsewhere);
        }
        let sorted_sxy = sorted_pairing_sum(&self.xs, &self.ys);
        let cov_max = self.n * sorted_sxy - self.sx * self.sy;
        if cov_max <= 0 {
            // Cannot happen with spread on both sides; kept so a division by zero cannot.
            return Figure::Undefined(Undefined::SamePointsHere);
        }
        Figure::Value(cov as f64 / cov_max as f64)
    }
}

/// Σ x·y when both sorted lists (given as counts per value) are paired in order.
fn sorted_pairing_sum(xs: &BTreeMap<i64, u64>, ys: &BTreeMap<i64, u64>) -> i128 {
    let mut sum = 0i128;
    let mut ys = ys.iter().map(|(&y, &k)| (y, k));
    let mut current = ys.next();
    for (&x, &count) in xs {
        let mut left = count;
        while left > 0 {
            let Some((y, k)) = current.as_mut() else {
                return sum;
            };
            let take = left.min(*k);
            sum += i128::from(x) * i128::from(*y) * i128::from(take);
            left -= take;
            *k -= take;
            if *k == 0 {
                current = ys.next();
            }
        }
    }
    sum
}

/// Times in milliseconds, kept as a histogram with two significant figures (each value to
/// within 1%), which grows with the range of times, not their number.
#[derive(Debug, Clone)]
pub(crate) struct Times(Histogram<u64>);

impl Default for Times {
    fn default() -> Times {
        // Auto-resizing, so any time fits; two significant figures is always a valid
        // precision (HdrHistogram takes 0 to 5).
        Times(Histogram::new(2).expect("two significant figures are a valid precision"))
    }
}

impl Times {
    /// Records one time; a negative one (a clock set back) counts as 0.
    pub(crate) fn add(&mut self, ms: i64) {
        let ms = u64::try_from(ms).unwrap_or(0);
        // `record` grows the histogram to fit; only a time beyond its largest possible
        // range (centuries) is clamped instead.
        if self.0.record(ms).is_err() {
            self.0.saturating_record(ms);
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.0.len()
    }

    /// The median in seconds, or why there is none.
    pub(crate) fn median_seconds(&self, need: u64) -> Figure {
        if self.0.is_empty() {
            return Figure::Undefined(Undefined::NoTimes);
        }
        Figure::at_least(self.len(), need, || {
            let at = self.0.value_at_quantile(0.5);
            Figure::Value(self.0.median_equivalent(at) as f64 / 1000.0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pearson's r and the sorted-pairing covariance worked out the textbook way.
    fn direct(pairs: &[(i64, i64)]) -> (f64, f64) {
        let n = pairs.len() as f64;
        let mx = pairs.iter().map(|p| p.0 as f64).sum::<f64>() / n;
        let my = pairs.iter().map(|p| p.1 as f64).sum::<f64>() / n;
        let cov = |ps: &[(i64, i64)]| {
            ps.iter()
                .map(|p| (p.0 as f64 - mx) * (p.1 as f64 - my))
                .sum::<f64>()
                / n
        };
        let sx = (pairs.iter().map(|p| (p.0 as f64 - mx).powi(2)).sum::<f64>() / n).sqrt();
        let sy = (pairs.iter().map(|p| (p.1 as f64 - my).powi(2)).sum::<f64>() / n).sqrt();
        let mut xs: Vec<i64> = pairs.iter().map(|p| p.0).collect();
        let mut ys: Vec<i64> = pairs.iter().map(|p| p.1).collect();
        xs.sort_unstable();
        ys.sort_unstable();
        let sorted: Vec<(i64, i64)> = xs.into_iter().zip(ys).collect();
        (cov(pairs) / (sx * sy), cov(pairs) / cov(&sorted))
    }

    #[test]
    fn correlation_and_efficiency_match_the_textbook_formulas() {
        let pairs = [
            (10, 40),
            (-10, 55),
            (4, 12),
            (10, 61),
            (-10, 20),
            (4, 33),
            (10, 25),
            (4, 50),
        ];
        let mut acc = ItemRest::default();
        for (x, y) in pairs {
            acc.add(x, y);
        }
        let (r, e) = direct(&pairs);
        let got_r = acc.correlation().value().expect("a correlation");
        let got_e = acc.efficiency().value().expect("an efficiency");
        assert!((got_r - r).abs() < 1e-12, "{got_r} against {r}");
        assert!((got_e - e).abs() < 1e-12, "{got_e} against {e}");
        assert!(got_e.abs() <= 1.0 + 1e-12 && got_r.abs() <= got_e.abs() + 1e-12);
    }

    #[test]
    fn no_spread_is_said_not_divided_by() {
        let mut same_here = ItemRest::default();
        let mut same_elsewhere = ItemRest::default();
        for y in 0..40 {
            same_here.add(10, y);
            same_elsewhere.add(y % 3, 7);
        }
        assert_eq!(
            same_here.correlation(),
            Figure::Undefined(Undefined::SamePointsHere)
        );
        assert_eq!(
            same_elsewhere.efficiency(),
            Figure::Undefined(Undefined::SameScoreElsewhere)
        );
    }

    #[test]
    fn perfectly_ordered_pairs_are_fully_efficient() {
        let mut acc = ItemRest::default();
        for k in 0..50 {
            acc.add(k % 2 * 10, k % 2 * 30 + k / 10);
        }
        assert_eq!(acc.efficiency(), Figure::Value(1.0));
    }

    #[test]
    fn moments_and_medians() {
        let mut m = Moments::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            m.add(x);
        }
        assert!((m.mean() - 5.0).abs() < 1e-12);
        assert!((m.sd() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let mut t = Times::default();
        for ms in [1_500, 2_000, 90_000, -5, 2_100] {
            t.add(ms);
        }
        assert_eq!(t.len(), 5);
        let median = t.median_seconds(5).value().expect("a median");
        assert!((median - 2.0).abs() <= 0.02, "{median}");
        assert_eq!(t.median_seconds(6), Figure::TooFew { have: 5, need: 6 });
        assert_eq!(
            Times::default().median_seconds(1),
            Figure::Undefined(Undefined::NoTimes)
        );
    }
}
