//! Figures as the pages and the documents write them: 万元 with thousands separators, 亿元,
//! percentages and points with one decimal, a dash for a figure that does not exist.

use diaodu_domain::Yuan;

/// Money in 万元 with two decimals and thousands separators.
pub fn wan(y: Yuan) -> String {
    let t = y.wan_text();
    let (int, frac) = t.split_once('.').unwrap_or((&t, "00"));
    let (sign, digits) = int.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{frac}")
}

/// A large amount in 亿元 (hundred million yuan) with two decimals, for headline cards.
pub fn yi(y: Yuan) -> String {
    format!("{:.2}", y.0 as f64 / 100_000_000.0)
}

/// A percentage with one decimal, or a dash.
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// Points with one decimal and a sign, or a dash.
pub fn pp(v: Option<f64>) -> String {
    v.map(|v| format!("{v:+.1}")).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_grouping() {
        assert_eq!(wan(Yuan(12_345_678_900)), "1,234,567.89");
        assert_eq!(wan(Yuan(700)), "0.07");
        assert_eq!(wan(Yuan(1_000_000)), "100.00");
    }
}
