//! Sorting a list page by its column headers: `?sort=col` ascending, `?sort=-col` descending. The
//! list is sorted on the server, so the Excel export, which carries the same query, follows the
//! order on screen. (The project list, which pages through the city's projects, sorts its own way:
//! `projects::sort_rows`.)

use std::cmp::Ordering;

use maud::{html, Markup};

/// The value a row shows in a sortable column.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    /// Text, in natural order (`T-2` before `T-10`); dates as `YYYY-MM-DD` sort as text.
    Text(String),
    /// A figure.
    Num(f64),
    /// No value: last, whichever the direction.
    Empty,
}

impl Key {
    /// Text, or [`Key::Empty`] for blank text.
    pub fn text(s: impl Into<String>) -> Key {
        let s = s.into();
        if s.trim().is_empty() {
            Key::Empty
        } else {
            Key::Text(s)
        }
    }
}

/// Text compared with its runs of digits as numbers.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut s = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        s.push(c);
                        it.next();
                    }
                    s
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (mt, nt) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = mt.len().cmp(&nt.len()).then_with(|| mt.cmp(nt));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

fn compare(a: &Key, b: &Key, desc: bool) -> Ordering {
    let dir = |o: Ordering| if desc { o.reverse() } else { o };
    match (a, b) {
        (Key::Empty, Key::Empty) => Ordering::Equal,
        (Key::Empty, _) => Ordering::Greater,
        (_, Key::Empty) => Ordering::Less,
        (Key::Num(x), Key::Num(y)) => dir(x.partial_cmp(y).unwrap_or(Ordering::Equal)),
        (Key::Text(x), Key::Text(y)) => dir(natural(x, y)),
        (Key::Num(_), Key::Text(_)) => Ordering::Less,
        (Key::Text(_), Key::Num(_)) => Ordering::Greater,
    }
}

/// How a list is sorted, and how its headers link to the other orders.
pub struct Sorting {
    /// The current `sort` value, if one of the list's columns.
    current: Option<String>,
    /// The page's path and its other query parameters, kept in every header's link.
    path: &'static str,
    params: Vec<(String, String)>,
}

impl Sorting {
    /// The sorting asked for by `sort` on the list at `path`, whose other parameters are `params`
    /// (blank ones are left out of the links). `columns` are the codes the list sorts by; another
    /// `sort` is ignored, leaving the list in its own order.
    pub fn new(
        path: &'static str,
        sort: Option<&str>,
        columns: &[&str],
        params: &[(&str, &str)],
    ) -> Sorting {
        let current = sort
            .map(str::trim)
            .filter(|s| columns.contains(&s.strip_prefix('-').unwrap_or(s)))
            .map(str::to_string);
        Sorting {
            current,
            path,
            params: params
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The `sort` value in force, for the export link.
    pub fn value(&self) -> &str {
        self.current.as_deref().unwrap_or("")
    }

    /// Sorts `rows` by the current column (stable: rows that compare equal keep the list's order).
    pub fn apply<T>(&self, rows: &mut [T], key: impl Fn(&T, &str) -> Key) {
        let Some(s) = &self.current else { return };
        let (desc, col) = match s.strip_prefix('-') {
            Some(c) => (true, c),
            None => (false, s.as_str()),
        };
        rows.sort_by_cached_key(|r| SortKey(key(r, col), desc));
    }

    /// A header that sorts by `col`: ascending first (largest first for a figure, `numeric`), then
    /// the other way; the current order marked with an arrow.
    pub fn th(&self, col: &str, label: &str, numeric: bool) -> Markup {
        let (mark, next) = header_order(self.current.as_deref().unwrap_or(""), col, numeric);
        let mut params = self.params.clone();
        params.push(("sort".into(), next));
        let link = format!(
            "{}?{}",
            self.path,
            serde_urlencoded::to_string(&params).unwrap_or_default()
        );
        html! { a.sort href=(link) title="点击排序" { (label) (mark) } }
    }
}

/// What a header for `col` shows and asks for, the list sorted by `now` (a `sort` value): the arrow
/// marking the order in force, and the `sort` value of its link — ascending first (descending for a
/// figure, `numeric`), then the other way.
pub fn header_order(now: &str, col: &str, numeric: bool) -> (&'static str, String) {
    if now == col {
        (" ▲", format!("-{col}"))
    } else if now.strip_prefix('-') == Some(col) {
        (" ▼", col.to_string())
    } else if numeric {
        ("", format!("-{col}"))
    } else {
        ("", col.to_string())
    }
}

/// A key with its direction, ordered as [`compare`] says.
struct SortKey(Key, bool);

impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for SortKey {}
impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0, self.1)
    }
}

/// A header: a sorting link when the table is a sortable list, the label alone elsewhere.
pub fn th(s: Option<&Sorting>, col: &str, label: &str, numeric: bool) -> Markup {
    match s {
        Some(s) => s.th(col, label, numeric),
        None => html! { (label) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sort_by_their_numbers_and_blanks_go_last_both_ways() {
        assert_eq!(natural("T-2", "T-10"), Ordering::Less);
        assert_eq!(natural("督〔2026〕9号", "督〔2026〕12号"), Ordering::Less);
        assert_eq!(
            natural("A01", "A1"),
            Ordering::Less,
            "equal numbers fall back to text"
        );
        let s = Sorting::new("/x", Some("-n"), &["n"], &[]);
        let mut rows = vec![Key::Num(1.0), Key::Empty, Key::Num(3.0)];
        s.apply(&mut rows, |k, _| k.clone());
        assert_eq!(rows, [Key::Num(3.0), Key::Num(1.0), Key::Empty]);
        let s = Sorting::new("/x", Some("n"), &["n"], &[]);
        s.apply(&mut rows, |k, _| k.clone());
        assert_eq!(rows, [Key::Num(1.0), Key::Num(3.0), Key::Empty]);
        // A column the list does not have leaves it as it is.
        let s = Sorting::new("/x", Some("zzz"), &["n"], &[("show", "all")]);
        assert_eq!(s.value(), "");
        assert_eq!(Sorting::new("/x", Some("--n"), &["n"], &[]).value(), "");
        assert!(s
            .th("n", "数", true)
            .into_string()
            .contains("/x?show=all&amp;sort=-n"));
    }
}
