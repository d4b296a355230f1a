//! The forecast of a series to the plan's end (SPEC §9): a least-squares line through
//! the last 6 points' met rates (fewer if fewer exist, none below 2), the days between
//! dates as the x axis, read at the plan's end and clamped to [0, 1]. Exact: rates are
//! whole ten-thousandths and dates whole days, so the sums are integers and only the
//! final division truncates.

use chrono::NaiveDate;

/// How many of the latest points the line goes through.
pub const WINDOW: usize = 6;

/// The met rate (ten-thousandths) projected at `due` from the rates of a series at its
/// dates (None where nothing was checked), clamped to [0, 10000]. None when fewer than
/// 2 of the last points have a rate.
pub fn projected(points: &[(NaiveDate, Option<u32>)], due: NaiveDate) -> Option<u32> {
    let recent: Vec<(i128, i128)> = points
        .iter()
        .filter_map(|&(d, r)| Some((i128::from((d - due).num_days()), i128::from(r?))))
        .collect();
    let recent = &recent[recent.len().saturating_sub(WINDOW)..];
    Some(project(recent)?.clamp(0, 10_000) as u32)
}

/// The least-squares line through (x, y), x in days before the due date, read at x = 0, rounded down; None below 2
/// points. With n points, Sx = Σx, Sy = Σy, Sxx = n·Σx² − Sx², Sxy = n·Σxy − Sx·Sy:
/// slope = Sxy / Sxx and y(0) = (Sy − slope·Sx) / n = (Sy·Sxx − Sxy·Sx) / (n·Sxx).
pub fn project(points: &[(i128, i128)]) -> Option<i128> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as i128;
    let sx: i128 = points.iter().map(|p| p.0).sum();
    let sy: i128 = points.iter().map(|p| p.1).sum();
    let sxx = n * points.iter().map(|p| p.0 * p.0).sum::<i128>() - sx * sx;
    let sxy = n * points.iter().map(|p| p.0 * p.1).sum::<i128>() - sx * sy;
    if sxx == 0 {
        return None;
    }
    Some((sy * sxx - sxy * sx).div_euclid(n * sxx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_read_exactly() {
        // y = 5000 + 10·x at x = -30, -20, -10: y(0) = 5000.
        assert_eq!(
            project(&[(-30, 4700), (-20, 4800), (-10, 4900)]),
            Some(5000)
        );
        // Flat.
        assert_eq!(project(&[(-60, 7000), (-1, 7000)]), Some(7000));
        assert_eq!(project(&[(-1, 7000)]), None);
        // Rising and falling by 1 a day, read a day after the last point.
        assert_eq!(project(&[(-2, 0), (-1, 1)]), Some(2));
        assert_eq!(project(&[(-2, 1), (-1, 0)]), Some(-1));
    }

    #[test]
    fn least_squares_of_scattered_points() {
        // x = -3, -2, -1; y = 0, 3, 3: Sx = -6, Sy = 6, Sxx = 3·14 − 36 = 6,
        // Σxy = −9, Sxy = 3·(−9) − (−6)(6) = 9, y(0) = (6·6 − 9·(−6)) / (3·6) = 90 / 18
        // = 5 (the mean 2 at x = −2, slope 1.5).
        assert_eq!(project(&[(-3, 0), (-2, 3), (-1, 3)]), Some(5));
    }
}
