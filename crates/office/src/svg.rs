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

/// A whole number with thousands separators (`12,500`), as the axis reads money.
fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < -0.5 {
        out.insert(0, '-');
    }
    out
}

/// Cumulative investment of a year against the time-proportional plan line (时序进度线).
///
/// `points` are (period last day, investment in the period) for periods ending in `year`; the chart
/// accumulates them in date order, from the project's start when it started within the year (a
/// project started in November has no line through the months before). `as_of` draws a marker for
/// the status date.
pub fn investment_chart(
    year: i32,
    plan: Yuan,
    points: &[(Date, Yuan)],
    start: Option<Date>,
    as_of: Date,
) -> String {
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
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="累计完成投资与时序计划线"><title>累计完成投资与时序计划线</title><rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="#fafbfc" stroke="#d0d7de"/>"##
    );
    for i in 0..=ticks {
        let v = step * f64::from(i);
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{l}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e5e9ef"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#57606a">{}</text>"##,
            l + pw,
            l - 6.0,
            yy + 4.0,
            grouped(v)
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
        // The plan's figure ends left of the day's line when the day is late in the year, so the
        // line does not cross it.
        let day_x = (as_of.year() == year).then(|| x(as_of));
        let label_x = match day_x {
            Some(dx) if dx > l + pw - 170.0 => dx - 6.0,
            _ => l + pw - 4.0,
        };
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9a6700" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#9a6700" text-anchor="end">年度计划 {}</text>"##,
            y(0.0),
            l + pw,
            y(plan.wan()),
            label_x,
            y(plan.wan()) + 14.0,
            plan.wan_text()
        );
    }
    if !cum.is_empty() {
        let first = cum[0].0;
        let from = start
            .filter(|s| s.year() == year)
            .map_or(jan1, |s| s.min(first));
        let from_x = l + ((from - jan1).whole_days() as f64) / days * pw;
        let mut path = format!("M{from_x:.1},{:.1}", y(0.0));
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
        // The date reads leftwards of its line in the year's last months, so it stays inside.
        let (tx, anchor) = if xx > l + pw - 80.0 {
            (xx - 3.0, "end")
        } else {
            (xx + 3.0, "start")
        };
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{t}" y2="{}" stroke="#cf222e" stroke-dasharray="2 3"/><text x="{tx:.1}" y="{}" font-size="11" fill="#cf222e" text-anchor="{anchor}">{}</text>"##,
            t + ph,
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

/// One bar of a peer chart: name, metric, whether it is the region being scored.
pub type Bar = (String, f64, bool);

/// Horizontal bars of every peer's metric, best first, the scored region highlighted, with an
/// optional threshold line (target or the parent's figure) and its label.
pub fn peer_bars(bars: &[Bar], threshold: Option<(f64, &str)>, suffix: &str) -> String {
    let row = 22.0_f64;
    let (l, r, t, b) = (92.0_f64, 70.0_f64, 24.0_f64, 10.0_f64);
    let w = 560.0_f64;
    let h = t + b + row * bars.len().max(1) as f64;
    let pw = w - l - r;
    let mut lo = bars.iter().map(|x| x.1).fold(0.0_f64, f64::min);
    let mut hi = bars.iter().map(|x| x.1).fold(0.0_f64, f64::max);
    if let Some((v, _)) = threshold {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let x = |v: f64| l + (v - lo) / (hi - lo) * pw;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="各地区对比">"##
    );
    let zero = x(0.0);
    for (i, (name, v, me)) in bars.iter().enumerate() {
        let y = t + row * i as f64;
        let (x0, x1) = if *v >= 0.0 {
            (zero, x(*v))
        } else {
            (x(*v), zero)
        };
        let fill = if *me { "#cf222e" } else { "#7aa7d8" };
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2328"{}>{}</text><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#57606a">{}{suffix}</text>"##,
            l - 6.0,
            y + 15.0,
            if *me { r#" font-weight="700""# } else { "" },
            esc(name),
            y + 4.0,
            (x1 - x0).max(0.5),
            row - 8.0,
            x(*v).max(zero) + 4.0,
            y + 15.0,
            format_args!("{v:.1}")
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{zero:.1}" x2="{zero:.1}" y1="{}" y2="{}" stroke="#57606a"/>"##,
        t - 4.0,
        h - b
    );
    if let Some((v, label)) = threshold {
        let xx = x(v);
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{}" y2="{}" stroke="#9a6700" stroke-dasharray="5 3" stroke-width="1.5"/><text x="{xx:.1}" y="{}" font-size="11" fill="#9a6700" text-anchor="middle">{} {v:.1}</text>"##,
            t - 6.0,
            h - b,
            t - 10.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// The scored region's rank over the last periods (1 at the top), with the number of peers;
/// `name` (the indicator) titles the drawing, and each point names its period, rank and peers on
/// hover.
pub fn rank_line(name: &str, points: &[(String, Option<u32>, u32)]) -> String {
    let (w, h) = (380.0_f64, 160.0_f64);
    let (l, r, t, b) = (34.0, 30.0, 16.0, 30.0);
    let pw = w - l - r;
    let ph = h - t - b;
    let max_rank = points.iter().map(|p| p.2).max().unwrap_or(1).max(2);
    let n = points.len().max(2);
    let x = |i: usize| l + pw * i as f64 / (n - 1) as f64;
    let y = |rank: u32| t + ph * f64::from(rank - 1) / f64::from(max_rank - 1);
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{title}"><title>{title}</title><rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="#fafbfc" stroke="#d0d7de"/>"##,
        title = esc(&format!("{name}排名变化"))
    );
    for rank in [1, max_rank] {
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#57606a">{rank}</text>"##,
            l - 4.0,
            y(rank) + 4.0
        );
    }
    let mut path = String::new();
    for (i, (label, rank, peers)) in points.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle" fill="#57606a">{}</text>"##,
            x(i),
            h - 10.0,
            esc(label)
        );
        if let Some(rk) = rank {
            let cmd = if path.is_empty() { 'M' } else { 'L' };
            let _ = write!(path, "{cmd}{:.1},{:.1} ", x(i), y(*rk));
            let _ = write!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#cf222e"><title>{}：第 {rk} 名（共 {peers} 个）</title></circle><text x="{:.1}" y="{:.1}" font-size="10" fill="#1f2328">{rk}</text>"##,
                x(i),
                y(*rk),
                esc(label),
                x(i) + 4.0,
                y(*rk) - 5.0
            );
        } else if !path.is_empty() {
            // A gap in the data breaks the line.
            path.push(' ');
        }
    }
    let _ = write!(
        s,
        r##"<path d="{path}" fill="none" stroke="#cf222e" stroke-width="1.5"/></svg>"##
    );
    s
}

/// One segment of a stacked bar: its count, its colour, what it is (for the hover title) and the
/// list it opens.
pub struct Segment {
    /// How many.
    pub count: u32,
    /// Fill colour.
    pub color: &'static str,
    /// What it counts (红灯, 黄灯 …).
    pub label: &'static str,
    /// The filtered list behind it.
    pub href: String,
}

/// Horizontal stacked bars, one per row (a unit's projects by light), each segment a link to the
/// list behind it and titled with its count, the row's total at the right; `title` names the chart
/// for screen readers.
pub fn stacked_bars(title: &str, rows: &[(String, Vec<Segment>)]) -> String {
    let row = 24.0_f64;
    let (l, r, t, b) = (96.0_f64, 44.0_f64, 6.0_f64, 6.0_f64);
    let w = 560.0_f64;
    let h = t + b + row * rows.len().max(1) as f64;
    let pw = w - l - r;
    let max = rows
        .iter()
        .map(|(_, s)| s.iter().map(|x| x.count).sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{}"><title>{}</title>"##,
        esc(title),
        esc(title)
    );
    for (i, (name, segs)) in rows.iter().enumerate() {
        let y = t + row * i as f64;
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2328">{}</text>"##,
            l - 6.0,
            y + 16.0,
            esc(name)
        );
        let mut x = l;
        let total: u32 = segs.iter().map(|x| x.count).sum();
        for seg in segs.iter().filter(|x| x.count > 0) {
            let wd = f64::from(seg.count) / max * pw;
            let _ = write!(
                s,
                r##"<a href="{}"><rect x="{x:.1}" y="{:.1}" width="{wd:.1}" height="{:.1}" fill="{}"><title>{}：{}{} 个</title></rect></a>"##,
                esc(&seg.href),
                y + 4.0,
                row - 8.0,
                seg.color,
                esc(name),
                seg.label,
                seg.count
            );
            x += wd;
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#57606a">{total}</text>"##,
            x + 4.0,
            y + 16.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One area of a map: its drawn path, where its label goes, its value and the list it opens.
pub struct Area {
    /// The unit's name.
    pub name: String,
    /// The SVG path of its boundary.
    pub path: String,
    /// Where its name is written.
    pub centre: (f64, f64),
    /// The figure it is coloured by; none: grey.
    pub value: Option<f64>,
    /// The figure as written (`82.4%`, `3 个`).
    pub text: String,
    /// The list behind it.
    pub href: String,
}

/// A map of areas coloured by a figure in five steps from its lowest to its highest value — green
/// when higher is better, red when higher is worse — each area titled with its name and figure and
/// linked to its list, with a legend; `title` names it for screen readers.
pub fn choropleth(
    title: &str,
    areas: &[Area],
    width: f64,
    height: f64,
    higher_is_worse: bool,
) -> String {
    const GOOD: [&str; 5] = ["#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c"];
    const BAD: [&str; 5] = ["#fff5f0", "#fcbba1", "#fb6a4a", "#de2d26", "#a50f15"];
    let scale = if higher_is_worse { BAD } else { GOOD };
    let vals: Vec<f64> = areas.iter().filter_map(|a| a.value).collect();
    let lo = vals.iter().copied().fold(f64::MAX, f64::min);
    let hi = vals.iter().copied().fold(f64::MIN, f64::max);
    let step = |v: f64| -> usize {
        if hi - lo < 1e-9 {
            2
        } else {
            (((v - lo) / (hi - lo) * 5.0).floor() as usize).min(4)
        }
    };
    let legend_h = 26.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {:.1}" class="chart map" role="img" aria-label="{}"><title>{}</title>"##,
        height + legend_h,
        esc(title),
        esc(title)
    );
    for a in areas {
        let fill = a.value.map_or("#d0d7de", |v| scale[step(v)]);
        let _ = write!(
            s,
            r##"<a href="{}"><path d="{}" fill="{fill}" stroke="#57606a" stroke-width="0.8"><title>{}：{}</title></path></a>"##,
            esc(&a.href),
            a.path,
            esc(&a.name),
            esc(&a.text)
        );
    }
    for a in areas {
        let dark = a.value.is_some_and(|v| step(v) >= 3);
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{}" pointer-events="none">{}<tspan x="{:.1}" dy="13" font-size="10">{}</tspan></text>"##,
            a.centre.0,
            a.centre.1 - 3.0,
            if dark { "#fff" } else { "#1f2328" },
            esc(&a.name),
            a.centre.0,
            esc(&a.text)
        );
    }
    if !vals.is_empty() {
        let y = height + 6.0;
        for (i, c) in scale.iter().enumerate() {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{y:.1}" width="28" height="10" fill="{c}" stroke="#8c959f" stroke-width="0.5"/>"##,
                8.0 + 28.0 * i as f64
            );
        }
        let _ = write!(
            s,
            r##"<text x="8" y="{:.1}" font-size="10" fill="#57606a">{}</text><text x="148" y="{:.1}" font-size="10" fill="#57606a" text-anchor="end">{}</text>"##,
            y + 20.0,
            format_args!("{lo:.1}"),
            y + 20.0,
            format_args!("{hi:.1}")
        );
    }
    s.push_str("</svg>");
    s
}

/// One line of a trend: its name, colour, a value per point and the list each point opens.
pub type Series<'a> = (&'a str, &'a str, Vec<u32>, Vec<String>);

/// Counts over time as lines (the last twelve weeks of a figure), each point titled with its value
/// and linked to its list, with a legend; `title` names it for screen readers.
pub fn trend_lines(title: &str, labels: &[String], series: &[Series]) -> String {
    let (w, h) = (560.0_f64, 220.0_f64);
    let (l, r, t, b) = (36.0, 12.0, 14.0, 48.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let n = labels.len().max(2);
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(4) as f64;
    let x = |i: usize| l + pw * i as f64 / (n - 1) as f64;
    let y = |v: u32| t + ph - ph * f64::from(v) / max;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{}"><title>{}</title><rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="#f6f8fa"/>"##,
        esc(title),
        esc(title)
    );
    for k in 0..=4 {
        let v = (max * f64::from(k) / 4.0).round() as u32;
        let _ = write!(
            s,
            r##"<line x1="{l}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#d0d7de" stroke-width="0.5"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#57606a">{v}</text>"##,
            l + pw,
            y(v),
            y(v),
            l - 4.0,
            y(v) + 3.0
        );
    }
    for (i, lab) in labels.iter().enumerate() {
        if i % 2 == labels.len() % 2 || i + 1 == labels.len() {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle" fill="#57606a">{}</text>"##,
                x(i),
                t + ph + 14.0,
                esc(lab)
            );
        }
    }
    for (si, (name, color, vals, hrefs)) in series.iter().enumerate() {
        let pts: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"##,
            pts.join(" ")
        );
        for (i, v) in vals.iter().enumerate() {
            let _ = write!(
                s,
                r##"<a href="{}"><circle cx="{:.1}" cy="{:.1}" r="4" fill="{color}"><title>{} {}：{v} 个</title></circle></a>"##,
                esc(hrefs.get(i).map(String::as_str).unwrap_or("")),
                x(i),
                y(*v),
                esc(labels.get(i).map(String::as_str).unwrap_or("")),
                esc(name)
            );
        }
        let lx = l + 120.0 * si as f64;
        let _ = write!(
            s,
            r##"<line x1="{lx}" x2="{}" y1="{}" y2="{}" stroke="{color}" stroke-width="2"/><text x="{}" y="{}" font-size="11" fill="#1f2328">{}</text>"##,
            lx + 18.0,
            h - 10.0,
            h - 10.0,
            lx + 22.0,
            h - 6.0,
            esc(name)
        );
    }
    s.push_str("</svg>");
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
            None,
            date!(2026 - 02 - 01),
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("累计 3.00 万元"), "{svg}");
        assert!(svg.contains("年度计划 100.00"));
        assert_eq!(esc("<a&\">"), "&lt;a&amp;&quot;&gt;");
        assert!(
            svg.contains("M64.0,"),
            "a project without a start date is drawn from January"
        );
    }

    #[test]
    fn a_project_started_in_november_has_no_line_before_and_the_axis_groups_thousands() {
        let svg = investment_chart(
            2026,
            Yuan(1_200_000_000),
            &[(date!(2026 - 11 - 15), Yuan(300_000_000))],
            Some(date!(2026 - 11 - 02)),
            date!(2026 - 12 - 20),
        );
        let path = svg.split("<path d=\"M").nth(1).unwrap();
        let start_x: f64 = path.split(',').next().unwrap().parse().unwrap();
        assert!(
            start_x > 64.0 + 0.8 * 560.0,
            "the line starts in November: {start_x}"
        );
        assert!(svg.contains(">50,000<"), "{svg}");
        assert!(
            svg.contains(r#"text-anchor="end">2026-12-20<"#),
            "the date stays inside: {svg}"
        );
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(500.0), "500");
    }

    #[test]
    fn peer_bars_and_rank_line() {
        let svg = peer_bars(
            &[("甲".into(), 6.8, true), ("乙".into(), -1.5, false)],
            Some((6.5, "目标")),
            "%",
        );
        assert!(svg.contains("6.8%") && svg.contains("-1.5%") && svg.contains("目标 6.5"));
        assert!(svg.contains("#cf222e"), "the scored region is highlighted");
        let line = rank_line(
            "地区生产总值",
            &[
                ("2026-Q1".into(), Some(2), 4),
                ("2026-Q2".into(), None, 4),
                ("2026-Q3".into(), Some(1), 4),
            ],
        );
        assert!(line.contains("2026-Q3") && line.matches("<circle").count() == 2);
        assert!(line.contains("<title>地区生产总值排名变化</title>"));
        assert!(line.contains("2026-Q3：第 1 名（共 4 个）"));
    }
}
