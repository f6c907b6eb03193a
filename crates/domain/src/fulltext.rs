//! Chinese full-text search terms, the same on both engines (材料库检索).
//!
//! Chinese is written without spaces, and neither engine's own tokenizer cuts it into words that a
//! search for 征地 would find inside 征地拆迁. So the text is cut here, into overlapping pairs of
//! characters (征地 地拆 拆迁) plus the last character of each run of Chinese (迁), and Latin letters
//! and digits into lower-case words; the engines index those terms as they are given (SQLite FTS5
//! over space-separated terms, PostgreSQL a `tsvector` of them under a GIN index). A search word
//! becomes its terms, all of which must be present; the engine then keeps only the documents whose
//! text contains the word itself, so both engines answer exactly "which texts contain this word".
//!
//! A single Chinese character is searched as a prefix (年 → every pair starting with 年, and 年 at
//! the end of a run), which is why each run's last character is indexed.

/// Whether `c` is a Chinese character (CJK unified ideographs and their extensions, compatibility
/// ideographs, 〇).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// The longest Latin word kept as one term; longer ones are cut (a hash or a file name is not
/// searched for by its whole length).
const MAX_WORD: usize = 32;

/// A run of the text: a Latin word (lower case) or a run of Chinese characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Word(String),
    Han(Vec<char>),
}

/// The runs of `text`; anything neither Latin letter, digit nor Chinese separates them.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let flush_word = |w: &mut String, out: &mut Vec<Piece>| {
        if !w.is_empty() {
            out.push(Piece::Word(std::mem::take(w)));
        }
    };
    let flush_han = |h: &mut Vec<char>, out: &mut Vec<Piece>| {
        if !h.is_empty() {
            out.push(Piece::Han(std::mem::take(h)));
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            if word.len() < MAX_WORD {
                word.push(c.to_ascii_lowercase());
            }
        } else if is_cjk(c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_han(&mut han, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_han(&mut han, &mut out);
    out
}

/// The terms `text` is indexed under, in order, repeated where the text repeats them.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in pieces(text) {
        match p {
            Piece::Word(w) => out.push(w),
            Piece::Han(h) => {
                for pair in h.windows(2) {
                    out.push(pair.iter().collect());
                }
                out.push(h[h.len() - 1].to_string());
            }
        }
    }
    out
}

/// The distinct terms of `text`, sorted: what an index needs (it keeps no positions).
pub fn distinct_terms(text: &str) -> Vec<String> {
    let mut t = terms(text);
    t.sort_unstable();
    t.dedup();
    t
}

/// One term of a search: the term itself, or every term starting with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term, lower case.
    pub text: String,
    /// Matches every term starting with `text`.
    pub prefix: bool,
}

/// One word of a search, as typed (Latin letters lower-cased): a text must contain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word as the text must contain it (ASCII lower-cased).
    pub text: String,
    /// The terms a text containing the word is indexed under.
    pub terms: Vec<Term>,
}

/// A search: the words a text must all contain. Empty when the input has nothing searchable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The words.
    pub words: Vec<Word>,
}

/// The most words a search keeps; the rest are ignored (a pasted paragraph is not a query).
pub const MAX_WORDS: usize = 8;

/// The longest word kept, in characters.
pub const MAX_WORD_CHARS: usize = 32;

impl Query {
    /// Reads what a user typed: words are separated by anything that is neither a letter, a digit
    /// nor a Chinese character (so 征地、拆迁 is two words, G318国道 one).
    pub fn parse(input: &str) -> Query {
        let mut words: Vec<Word> = Vec::new();
        let mut cur = String::new();
        let push = |cur: &mut String, words: &mut Vec<Word>| {
            if cur.is_empty() {
                return;
            }
            let text: String = std::mem::take(cur).chars().take(MAX_WORD_CHARS).collect();
            if words.iter().any(|w| w.text == text) || words.len() == MAX_WORDS {
                return;
            }
            let terms = word_terms(&text);
            words.push(Word { text, terms });
        };
        for c in input.chars() {
            if c.is_ascii_alphanumeric() || is_cjk(c) {
                cur.push(c.to_ascii_lowercase());
            } else {
                push(&mut cur, &mut words);
            }
        }
        push(&mut cur, &mut words);
        Query { words }
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Every term of every word, each once.
    pub fn all_terms(&self) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::new();
        for t in self.words.iter().flat_map(|w| &w.terms) {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    }
}

/// The terms of one search word (letters, digits and Chinese only): the pairs of each Chinese run,
/// and its last character where a Latin part follows (the text's run ends there too); a word's last
/// part, Latin or a lone Chinese character, matches as a prefix.
fn word_terms(word: &str) -> Vec<Term> {
    let ps = pieces(word);
    let n = ps.len();
    let mut out = Vec::new();
    for (i, p) in ps.into_iter().enumerate() {
        let last = i + 1 == n;
        match p {
            Piece::Word(w) => out.push(Term {
                text: w,
                prefix: last,
            }),
            Piece::Han(h) if h.len() == 1 => out.push(Term {
                text: h[0].to_string(),
                prefix: last,
            }),
            Piece::Han(h) => {
                for pair in h.windows(2) {
                    out.push(Term {
                        text: pair.iter().collect(),
                        prefix: false,
                    });
                }
                if !last {
                    out.push(Term {
                        text: h[h.len() - 1].to_string(),
                        prefix: false,
                    });
                }
            }
        }
    }
    out
}

/// `text` with ASCII letters lower-cased: what a search word is looked for in (both engines compare
/// the same way: SQLite's `lower` and PostgreSQL's `translate` change only ASCII).
pub fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// A passage of `text` around the first place it contains one of `words`, at most `width`
/// characters, split into parts that are (`true`) or are not (`false`) a matched word, so a page
/// marks the matches without building markup from the text. `None` when no word is found.
pub fn passage(text: &str, words: &[Word], width: usize) -> Option<Vec<(String, bool)>> {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let needles: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.text.chars().collect::<Vec<char>>())
        .filter(|n| !n.is_empty())
        .collect();
    let found_at = |at: usize| -> Option<usize> {
        needles
            .iter()
            .filter(|n| folded[at..].starts_with(n))
            .map(|n| n.len())
            .max()
    };
    let first = (0..folded.len()).find(|&i| found_at(i).is_some())?;
    // Some context before the match, then as much after as the width allows; never across a
    // paragraph break before the match.
    let lead = width / 4;
    let mut start = first.saturating_sub(lead);
    if let Some(nl) = chars[start..first].iter().rposition(|c| *c == '\n') {
        start += nl + 1;
    }
    let end = (start + width).min(chars.len());
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut plain = String::new();
    if start > 0 {
        plain.push('…');
    }
    let mut i = start;
    while i < end {
        if let Some(len) = found_at(i) {
            let len = len.min(end - i);
            if !plain.is_empty() {
                parts.push((std::mem::take(&mut plain), false));
            }
            parts.push((chars[i..i + len].iter().collect(), true));
            i += len;
        } else {
            // Line breaks, tabs and the full-width spaces of indented paragraphs read as one space.
            let c = chars[i];
            if c.is_whitespace() {
                if !plain.ends_with(' ') && !plain.ends_with('…') {
                    plain.push(' ');
                }
            } else {
                plain.push(c);
            }
            i += 1;
        }
    }
    if end < chars.len() {
        plain.push('…');
    }
    if !plain.is_empty() {
        parts.push((plain, false));
    }
    Some(parts)
}

/// The first sentences of `text`, up to about `max` characters: a document's abstract (摘要).
pub fn abstract_of(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let chars: Vec<char> = flat.chars().collect();
    if chars.len() <= max {
        return flat;
    }
    // End at the last full stop within the limit when there is one in its second half.
    let cut = chars[..max]
        .iter()
        .rposition(|c| matches!(c, '。' | '！' | '？' | '；'))
        .filter(|&p| p >= max / 2)
        .map(|p| p + 1);
    match cut {
        Some(p) => chars[..p].iter().collect(),
        None => {
            let mut s: String = chars[..max].iter().collect();
            s.push('…');
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ts: &[Term]) -> Vec<String> {
        ts.iter()
            .map(|t| format!("{}{}", t.text, if t.prefix { "*" } else { "" }))
            .collect()
    }

    #[test]
    fn chinese_is_cut_into_pairs_and_the_last_character() {
        assert_eq!(
            terms("征地拆迁，G318国道"),
            ["征地", "地拆", "拆迁", "迁", "g318", "国道", "道"]
        );
        assert_eq!(terms("年"), ["年"]);
        assert!(terms("—— ，。").is_empty());
    }

    #[test]
    fn a_word_is_found_by_the_terms_of_every_text_containing_it() {
        // Every word of a text, cut at any place, has terms the text's terms include.
        let text = "2026年征地拆迁工作推进会G318国道改造项目（一期）";
        let index = distinct_terms(text);
        let chars: Vec<char> = text.chars().collect();
        for i in 0..chars.len() {
            for j in i + 1..=chars.len() {
                let w: String = chars[i..j].iter().collect();
                let q = Query::parse(&w);
                for word in &q.words {
                    for t in &word.terms {
                        let hit = if t.prefix {
                            index.iter().any(|x| x.starts_with(&t.text))
                        } else {
                            index.contains(&t.text)
                        };
                        // Latin words are whole terms: "318" is not found in "g318".
                        let latin_inside = word.text.starts_with(|c: char| c.is_ascii_digit())
                            && i > 0
                            && chars[i - 1].is_ascii_alphanumeric();
                        assert!(hit || latin_inside, "{w:?}: {t:?} not in {index:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn search_words() {
        let q = Query::parse("征地、拆迁 G318国道 年");
        let words: Vec<&str> = q.words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(words, ["征地", "拆迁", "g318国道", "年"]);
        assert_eq!(texts(&q.words[0].terms), ["征地"]);
        assert_eq!(texts(&q.words[2].terms), ["g318", "国道"]);
        assert_eq!(texts(&q.words[3].terms), ["年*"]);
        assert_eq!(
            texts(&Query::parse("国道G3").words[0].terms),
            ["国道", "道", "g3*"]
        );
        assert!(Query::parse(" ，。 ").is_empty());
    }

    #[test]
    fn the_passage_marks_every_match_near_the_first() {
        let text = "第一段。\n会议研究了征地拆迁工作，要求加快征地进度。";
        let q = Query::parse("征地");
        let p = passage(text, &q.words, 40).unwrap();
        let marked: Vec<&str> = p
            .iter()
            .filter(|(_, m)| *m)
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(marked, ["征地", "征地"]);
        assert!(p[0].0.starts_with("…会议"), "{p:?}");
        assert!(passage(text, &Query::parse("土地").words, 40).is_none());
    }

    #[test]
    fn the_abstract_is_the_first_sentences() {
        let text = "各区县：\n  现将11月重点项目建设情况通报如下。一、总体情况。";
        assert_eq!(
            abstract_of(text, 100),
            "各区县： 现将11月重点项目建设情况通报如下。一、总体情况。"
        );
        assert_eq!(
            abstract_of(text, 24),
            "各区县： 现将11月重点项目建设情况通报如下。"
        );
    }
}
