//! SVG charts drawn in Rust, shared by the web pages and (later) the documents.

use std::fmt::Write;

use diaodu_domain::Yuan;
use time::{Date, Month};

/// Escapes text for SVG/XML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Cumulative investment of a year against the time-proportional plan line (时序进度线).
///
/// `points` are (period last day, investment in the period) for periods ending in `year`; the chart
/// accumulates them in date order. `as_of` draws a marker for the status date.
pub fn investment_chart(year: i32, plan: Yuan, points: &[(Date, Yuan)], as_of: Date) -> String {
    let (w, h) = (640.0_f64, 280.0_f64);
    let (l, r, t, b) = (64.0, 16.0, 22.0, 54.0);
    let pw = w - l - r;
    let ph = h - t - b;
    let jan1 = Date::from_calendar_date(year, Month::January, 1).expect("valid");
    let days = f64::from(diaodu_domain::period::days_in_year(year));
    let x = |d: Date| l + ((d - jan1).whole_days() as f64 + 1.0) / days * pw;
    let mut pts: Vec<(Date, Yuan)> = points
        .iter()
        .filter(|(d, _)| d.year() == year)
        .copied()
        .collect();
    pts.sort_by_key(|p| p.0);
    let mut cum = Vec::with_capacity(pts.len());
    let mut acc = Yuan::ZERO;
    for (d, v) in &pts {
        acc += *v;
        cum.push((*d, acc));
    }
    // A "nice" tick step (1, 2 or 5 × 10^k) so the axis reads 0, 200, 400 … rather than odd numbers.
    let top = plan.wan().max(acc.wan()).max(1.0);
    let raw = top / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let ticks = (top / step).ceil().max(1.0) as i32;
    let max_wan = step * f64::from(ticks);
    let y = |wan: f64| t + ph - wan / max_wan * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="累计完成投资与时序计划线"><rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="#fafbfc" stroke="#d0d7de"/>"##
    );
    for i in 0..=ticks {
        let v = step * f64::from(i);
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{l}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e5e9ef"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#57606a">{:.0}</text>"##,
            l + pw,
            l - 6.0,
            yy + 4.0,
            v
        );
    }
    for m in 1..=12u8 {
        let d =
            Date::from_calendar_date(year, Month::try_from(m).expect("month"), 1).expect("valid");
        let xx = l + ((d - jan1).whole_days() as f64) / days * pw;
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{}" y2="{}" stroke="#d0d7de"/><text x="{:.1}" y="{}" font-size="11" fill="#57606a">{m}月</text>"##,
            t + ph,
            t + ph + 4.0,
            xx + 2.0,
            t + ph + 18.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" font-size="11" fill="#57606a" text-anchor="end">万元</text>"##,
        l - 6.0,
        t - 8.0
    );
    if plan.0 > 0 {
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9a6700" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#9a6700" text-anchor="end">年度计划 {}</text>"##,
            y(0.0),
            l + pw,
            y(plan.wan()),
            l + pw - 4.0,
            y(plan.wan()) + 14.0,
            plan.wan_text()
        );
    }
    if !cum.is_empty() {
        let mut path = format!("M{l:.1},{:.1}", y(0.0));
        for (d, v) in &cum {
            let _ = write!(path, " L{:.1},{:.1}", x(*d), y(v.wan()));
        }
        let _ = write!(
            s,
            r##"<path d="{path}" fill="none" stroke="#0b5cad" stroke-width="2"/>"##
        );
        for (d, v) in &cum {
            let _ = write!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="#0b5cad"><title>{} 累计 {} 万元</title></circle>"##,
                x(*d),
                y(v.wan()),
                diaodu_domain::period::fmt_date(*d),
                v.wan_text()
            );
        }
    }
    if as_of.year() == year {
        let xx = x(as_of);
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{t}" y2="{}" stroke="#cf222e" stroke-dasharray="2 3"/><text x="{:.1}" y="{}" font-size="11" fill="#cf222e">{}</text>"##,
            t + ph,
            xx + 3.0,
            t + 12.0,
            diaodu_domain::period::fmt_date(as_of)
        );
    }
    let _ = write!(
        s,
        r##"<g font-size="11"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#0b5cad" stroke-width="2"/><text x="{}" y="{}">累计完成投资</text><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9a6700" stroke-dasharray="6 4"/><text x="{}" y="{}">时序计划线</text></g></svg>"##,
        l + 8.0,
        l + 28.0,
        h - 10.0,
        h - 10.0,
        l + 32.0,
        h - 6.0,
        l + 130.0,
        l + 150.0,
        h - 10.0,
        h - 10.0,
        l + 154.0,
        h - 6.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn chart_accumulates_and_escapes() {
        let svg = investment_chart(
            2026,
            Yuan(1_000_000),
            &[
                (date!(2026 - 01 - 11), Yuan(10_000)),
                (date!(2026 - 01 - 04), Yuan(20_000)),
                (date!(2025 - 12 - 28), Yuan(5)),
            ],
            date!(2026 - 02 - 01),
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("累计 3.00 万元"), "{svg}");
        assert!(svg.contains("年度计划 100.00"));
        assert_eq!(esc("<a&\">"), "&lt;a&amp;&quot;&gt;");
    }
}
