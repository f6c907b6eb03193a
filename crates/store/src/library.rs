//! 材料库: the documents the platform issued and the references users uploaded, their text, and the
//! Chinese full-text search over them on both engines.
//!
//! The terms come from [`diaodu_domain::fulltext`] (pairs of Chinese characters, Latin words); each
//! engine indexes them with its own means — SQLite an FTS5 table whose rowid is the library's order
//! (`sort_key`), PostgreSQL `tsvector` columns under GIN indexes — together with tags for what a
//! list filters on (unit, kind, year, records). A search finds the documents having every term of
//! every word and the tags asked for, newest first, then keeps those whose text contains each word
//! itself; documents whose title contains the words come first. Both engines answer alike: the same
//! documents in the same order.

use diaodu_domain::fulltext::{self, Query, Term};
use diaodu_domain::period::fmt_date;
use serde::Serialize;
use serde_json::json;
use time::Date;

use crate::{audit, dialect, now_ts, Actor, Documents, Engine, Result, StoreError};

/// The most results a search or a list counts and pages through; past it the count reads "1000 以上"
/// and a narrower search is needed (a year, a kind, another word).
pub const MAX_RESULTS: i64 = 1000;

/// The fewest documents having a search's terms from which PostgreSQL may walk the library's order
/// rather than read them all (see [`Documents::found`]).
const WALK_FROM: i64 = 200;

/// The most distinct terms a document is indexed under, in the order they first appear: about
/// 400,000 characters of ordinary Chinese text. PostgreSQL keeps a `tsvector` under 1 MB; both
/// engines index the same terms so that they find the same documents.
pub const MAX_TERMS: usize = 60_000;

/// Kinds of documents in the library, with their Chinese names.
pub const KINDS: [(&str, &str); 9] = [
    ("monthly_notice", "月度通报"),
    ("planning_notice", "策划通报"),
    ("assessment_notice", "考核通报"),
    ("scorecard_notice", "指标通报"),
    ("briefing", "会议材料"),
    ("minutes", "会议纪要"),
    ("supervision_notice", "督办通知书"),
    ("closing_report", "办结报告"),
    ("reference", "参考材料"),
];

/// The Chinese name of a kind.
pub fn kind_zh(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, z)| *z)
        .unwrap_or("其他")
}

/// A document to keep.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// One of [`KINDS`].
    pub kind: String,
    /// What a generated document is of (`meeting:12`): it replaces the earlier one of its kind and
    /// subject. `None` for an upload.
    pub subject: Option<String>,
    /// 发文字号, or empty.
    pub number: String,
    /// Title.
    pub title: String,
    /// 成文日期.
    pub date: Date,
    /// 发文机关.
    pub issuer: String,
    /// 主送机关.
    pub recipients: String,
    /// The unit whose records it concerns.
    pub unit_id: i64,
    /// The meeting it concerns.
    pub meeting_id: Option<i64>,
    /// The project it concerns.
    pub project_id: Option<i64>,
    /// The task it concerns.
    pub task_id: Option<i64>,
    /// The supervision notice it concerns.
    pub notice_id: Option<i64>,
    /// Its series (one unit's meetings), or empty.
    pub series: String,
    /// The file's name.
    pub file_name: String,
    /// The file's type.
    pub content_type: String,
    /// The file's size in bytes.
    pub size: i64,
    /// The file's SHA-256, hex.
    pub sha256: String,
    /// The file's name on disk.
    pub stored_name: String,
    /// The text.
    pub body: String,
    /// 摘要; empty to take the text's first sentences.
    pub summary: String,
}

/// A document of the library (without its text).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LibraryDoc {
    /// Id.
    pub id: i64,
    /// Kind (see `KINDS`).
    pub kind: String,
    /// 发文字号, or empty.
    pub number: String,
    /// Title.
    pub title: String,
    /// 成文日期, YYYY-MM-DD.
    pub doc_date: String,
    /// Year.
    pub year: i64,
    /// 发文机关.
    pub issuer: String,
    /// 主送机关.
    pub recipients: String,
    /// The unit whose records it concerns.
    pub unit_id: i64,
    /// The meeting it concerns.
    pub meeting_id: Option<i64>,
    /// The project it concerns.
    pub project_id: Option<i64>,
    /// The task it concerns.
    pub task_id: Option<i64>,
    /// The supervision notice it concerns.
    pub notice_id: Option<i64>,
    /// Its series, or empty.
    #[serde(skip)]
    pub series: String,
    /// 摘要: the first sentences.
    pub summary: String,
    /// Characters of text.
    pub chars: i64,
    /// File name.
    pub file_name: String,
    /// File type.
    pub content_type: String,
    /// File size in bytes.
    pub size: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Name on disk.
    #[serde(skip)]
    pub stored_name: String,
    /// When it was first kept.
    pub created_at: String,
    /// When it was last replaced.
    pub updated_at: String,
}

const DOC_COLS: &str = "d.id, d.kind, d.number, d.title, d.doc_date, d.year, d.issuer, \
    d.recipients, d.unit_id, d.meeting_id, d.project_id, d.task_id, d.notice_id, d.series, \
    d.summary, d.chars, d.file_name, d.content_type, d.size, d.sha256, d.stored_name, \
    d.created_at, d.updated_at";

/// What a reader may see of the library: the units whose documents they see (`None`: all), the
/// units whose scorecard notices they see (the indicator scope), and whether they see meetings'
/// documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Units whose documents the reader sees; `None` for every unit.
    pub units: Option<Vec<i64>>,
    /// Units whose scorecard notices the reader sees; `None` for every unit.
    pub indicator_units: Option<Vec<i64>>,
    /// Whether the reader sees meetings' briefings and minutes.
    pub meetings: bool,
}

impl Viewer {
    /// Everything (the administrator, the command line).
    pub fn all() -> Viewer {
        Viewer {
            units: None,
            indicator_units: None,
            meetings: true,
        }
    }

    /// Whether the reader sees `d` — the rule the search's tags express, for lists read otherwise
    /// (a document's related documents).
    pub fn sees(&self, d: &LibraryDoc) -> bool {
        if !self.meetings && matches!(d.kind.as_str(), "briefing" | "minutes") {
            return false;
        }
        let units = if d.kind == "scorecard_notice" {
            &self.indicator_units
        } else {
            &self.units
        };
        units.as_ref().is_none_or(|us| us.contains(&d.unit_id))
    }

    /// The tags expression of what the reader sees, `None` when it is everything. Written with
    /// no negation: PostgreSQL's GIN index answers a `!` only by reading every entry.
    fn expr(&self) -> Option<Expr> {
        if self.units.is_none() && self.indicator_units.is_none() && self.meetings {
            return None;
        }
        let set = |us: &Option<Vec<i64>>| match us {
            None => None,
            Some(us) if us.is_empty() => Some(Expr::Tag("_none".into())),
            Some(us) => Some(Expr::Or(
                us.iter().map(|u| Expr::Tag(format!("_u{u}"))).collect(),
            )),
        };
        let kinds = |pick: &dyn Fn(&str) -> bool| -> Option<Expr> {
            let all = KINDS.iter().all(|(k, _)| pick(k));
            (!all).then(|| {
                Expr::Or(
                    KINDS
                        .iter()
                        .filter(|(k, _)| pick(k))
                        .map(|(k, _)| Expr::Tag(tag_kind(k)))
                        .collect(),
                )
            })
        };
        let seen = |k: &str| self.meetings || !matches!(k, "briefing" | "minutes");
        let both = |a: Option<Expr>, b: Option<Expr>| match (a, b) {
            (None, None) => Expr::Tag("_doc".into()),
            (Some(x), None) | (None, Some(x)) => x,
            (Some(x), Some(y)) => Expr::And(vec![x, y]),
        };
        if self.units == self.indicator_units {
            return Some(both(set(&self.units), kinds(&seen)));
        }
        Some(Expr::Or(vec![
            both(
                set(&self.units),
                kinds(&|k| seen(k) && k != "scorecard_notice"),
            ),
            both(
                set(&self.indicator_units),
                Some(Expr::Tag(tag_kind("scorecard_notice"))),
            ),
        ]))
    }
}

/// A record a document concerns, as a list filters on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A dispatch meeting.
    Meeting(i64),
    /// A project.
    Project(i64),
    /// A key task.
    Task(i64),
    /// A supervision notice.
    Notice(i64),
}

impl Record {
    /// Reads `meeting:12`, `project:3`, `task:4` or `notice:5`.
    pub fn parse(s: &str) -> Option<Record> {
        let (k, id) = s.trim().split_once(':')?;
        let id: i64 = id.trim().parse().ok().filter(|i| *i > 0)?;
        match k.trim() {
            "meeting" => Some(Record::Meeting(id)),
            "project" => Some(Record::Project(id)),
            "task" => Some(Record::Task(id)),
            "notice" => Some(Record::Notice(id)),
            _ => None,
        }
    }

    fn tag(self) -> String {
        match self {
            Record::Meeting(i) => format!("_m{i}"),
            Record::Project(i) => format!("_p{i}"),
            Record::Task(i) => format!("_t{i}"),
            Record::Notice(i) => format!("_n{i}"),
        }
    }
}

/// A search of the library, or a list when `query` is empty.
#[derive(Debug, Clone, Default)]
pub struct DocSearch {
    /// The words; empty for the whole list.
    pub query: Query,
    /// One kind only.
    pub kind: Option<String>,
    /// One year only.
    pub year: Option<i64>,
    /// Documents of these units only (a unit and those below it).
    pub units: Option<Vec<i64>>,
    /// Documents concerning this record only.
    pub record: Option<Record>,
    /// Results skipped.
    pub offset: i64,
    /// Results returned.
    pub limit: i64,
}

/// A document found, with the passage that contains the words.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocHit {
    /// The document.
    #[serde(flatten)]
    pub doc: LibraryDoc,
    /// Whether its title contains the words (such documents come first).
    pub in_title: bool,
    /// The passage of its text around the first match, in parts marked where a word matched; empty
    /// for a list without words or when only the title matched.
    pub passage: Vec<PassagePart>,
}

/// A part of a passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PassagePart {
    /// The text.
    pub text: String,
    /// Whether it is a searched word (shown marked).
    pub matched: bool,
}

/// One page of a search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocPage {
    /// Documents found, up to [`MAX_RESULTS`].
    pub total: i64,
    /// Whether more than [`MAX_RESULTS`] were found (then `total` is that limit).
    pub more: bool,
    /// This page.
    pub hits: Vec<DocHit>,
}

/// A boolean expression over the index, written for either engine.
#[derive(Debug, Clone)]
enum Expr {
    Term(Term),
    Tag(String),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// As an FTS5 query; terms only in `column` when given.
    fn fts(&self, column: Option<&str>) -> String {
        let join = |xs: &[Expr], op: &str| {
            let parts: Vec<String> = xs.iter().map(|x| x.fts(column)).collect();
            format!("({})", parts.join(op))
        };
        match self {
            Expr::Term(t) => {
                let col = column.map(|c| format!("{c} : ")).unwrap_or_default();
                format!("{col}\"{}\"{}", t.text, if t.prefix { "*" } else { "" })
            }
            Expr::Tag(t) => format!("\"{t}\""),
            Expr::And(xs) => join(xs, " AND "),
            Expr::Or(xs) => join(xs, " OR "),
        }
    }

    /// As a PostgreSQL `tsquery` literal (lexemes as given, never normalized by a configuration).
    fn tsquery(&self) -> String {
        let join = |xs: &[Expr], op: &str| {
            let parts: Vec<String> = xs.iter().map(Expr::tsquery).collect();
            format!("({})", parts.join(op))
        };
        match self {
            Expr::Term(t) => format!("'{}'{}", t.text, if t.prefix { ":*" } else { "" }),
            Expr::Tag(t) => format!("'{t}'"),
            Expr::And(xs) => join(xs, " & "),
            Expr::Or(xs) => join(xs, " | "),
        }
    }
}

/// The tag of a kind (letters and digits only, as the index keeps them).
fn tag_kind(kind: &str) -> String {
    format!("_k{}", kind.replace('_', ""))
}

/// The tags a document is listed under.
fn tags(d: &NewDocument, year: i64) -> Vec<String> {
    tags_of(
        &d.kind,
        year,
        d.unit_id,
        [d.meeting_id, d.project_id, d.task_id, d.notice_id],
    )
}

/// The tags of a document of `kind` and `year`, of a unit, and of the meeting, project, task and
/// notice it concerns.
fn tags_of(kind: &str, year: i64, unit_id: i64, of: [Option<i64>; 4]) -> Vec<String> {
    let mut t = vec![
        "_doc".to_string(),
        tag_kind(kind),
        format!("_y{year}"),
        format!("_u{unit_id}"),
    ];
    for (p, id) in ["_m", "_p", "_t", "_n"].into_iter().zip(of) {
        if let Some(id) = id {
            t.push(format!("{p}{id}"));
        }
    }
    t
}

/// Builds the search index of every document again from the documents themselves (after a
/// restore: the index is the engine's own — SQLite's FTS table, PostgreSQL's term vectors — and is
/// not carried in a backup).
pub(crate) async fn reindex_all(conn: &mut sqlx::AnyConnection, engine: Engine) -> Result<usize> {
    type DocRow = (
        i64,
        i64,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let docs: Vec<DocRow> = sqlx::query_as(
        "SELECT id, sort_key, title, body, kind, year, unit_id, meeting_id, project_id, task_id, \
         notice_id FROM documents ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if engine == Engine::Sqlite {
        sqlx::query("DELETE FROM documents_fts")
            .execute(&mut *conn)
            .await?;
    }
    for (id, key, title, body, kind, year, unit, m, p, t, n) in &docs {
        let title_terms = index_terms(title);
        let body_terms = index_terms(&format!("{title}\n{body}"));
        let tags = tags_of(kind, *year, *unit, [*m, *p, *t, *n]);
        match engine {
            Engine::Postgres => {
                sqlx::query(
                    "UPDATE documents SET terms = CAST($1 AS tsvector), \
                     title_terms = CAST($2 AS tsvector), tags = CAST($3 AS tsvector) WHERE id = $4",
                )
                .bind(tsvector(&body_terms))
                .bind(tsvector(&title_terms))
                .bind(tsvector(&tags))
                .bind(id)
                .execute(&mut *conn)
                .await?;
            }
            Engine::Sqlite => {
                sqlx::query(
                    "INSERT INTO documents_fts (rowid, title, body, tags) VALUES ($1, $2, $3, $4)",
                )
                .bind(key)
                .bind(title_terms.join(" "))
                .bind(body_terms.join(" "))
                .bind(tags.join(" "))
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(docs.len())
}

/// The distinct terms `text` is indexed under, in the order they first appear, at most [`MAX_TERMS`].
fn index_terms(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for t in fulltext::terms(text) {
        if out.len() == MAX_TERMS {
            break;
        }
        if seen.insert(t.clone()) {
            out.push(t);
        }
    }
    out
}

/// A `tsvector` literal of `terms` (quoted lexemes, no positions).
fn tsvector(terms: &[String]) -> String {
    let mut s = String::with_capacity(terms.iter().map(|t| t.len() + 3).sum());
    for t in terms {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push('\'');
        s.push_str(&t.replace('\'', "''"));
        s.push('\'');
    }
    s
}

/// The day of `d` counted from 1970-01-01: the high part of a document's place in the library.
fn day_number(d: Date) -> i64 {
    i64::from(d.to_julian_day()) - 2_440_588
}

fn sort_key(d: Date, id: i64) -> i64 {
    (day_number(d) << 32) + id
}

/// The longest title kept, in characters.
const MAX_TITLE: usize = 200;

/// The abstract's length, in characters.
const SUMMARY_CHARS: usize = 120;

impl Documents<'_> {
    /// Keeps `d` in the library: a new row, or — for a generated document whose kind and subject
    /// were kept before — the earlier row brought up to date (its id stays; nothing is written when
    /// the file is the same). Returns the document's id. Audited.
    pub async fn keep(self, actor: &Actor, d: &NewDocument) -> Result<i64> {
        // The same document issued twice at the same moment (two clicks) on PostgreSQL: the second
        // insert meets the first's row, and keeping it again updates that row instead.
        let mut tries = 0;
        loop {
            tries += 1;
            match self.keep_all(actor, std::slice::from_ref(d)).await {
                Err(StoreError::Db(sqlx::Error::Database(e)))
                    if e.is_unique_violation() && tries < 3 => {}
                r => return Ok(r?[0]),
            }
        }
    }

    /// Keeps many documents in one transaction (the demo, the bench); as [`Documents::keep`].
    pub async fn keep_all(self, actor: &Actor, docs: &[NewDocument]) -> Result<Vec<i64>> {
        for d in docs {
            check(d)?;
        }
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(docs.len());
        for d in docs {
            ids.push(keep_one(&mut tx, self.engine(), actor, d, docs.len() == 1).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// A document, without its text.
    pub async fn get(self, id: i64) -> Result<Option<LibraryDoc>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLS} FROM documents d WHERE d.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A document's text.
    pub async fn text(self, id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT body FROM documents WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The number of documents kept.
    pub async fn count(self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM documents")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The documents of a generated kind and subject, if kept (`minutes`, `meeting:12`).
    pub async fn of_subject(self, kind: &str, subject: &str) -> Result<Option<LibraryDoc>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLS} FROM documents d WHERE d.kind = $1 AND d.subject = $2"
        )))
        .bind(kind)
        .bind(subject)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Searches the library, or lists it when the query has no words: what `viewer` may see, with
    /// the filters of `s`; documents whose title contains the words first, then the rest, each
    /// newest first.
    pub async fn search(self, viewer: &Viewer, s: &DocSearch) -> Result<DocPage> {
        let limit = s.limit.clamp(1, 200);
        let offset = s.offset.clamp(0, MAX_RESULTS);
        let mut filters: Vec<Expr> = Vec::new();
        if let Some(e) = viewer.expr() {
            filters.push(e);
        }
        if let Some(k) = &s.kind {
            filters.push(Expr::Tag(tag_kind(k)));
        }
        // A year is a stretch of the library's order, read as such: its newest document is found
        // directly, where a tag would be tested on every newer document first.
        let range = s.year.and_then(|y| {
            let first = |y: i64| {
                Date::from_calendar_date(i32::try_from(y).ok()?, time::Month::January, 1).ok()
            };
            Some((sort_key(first(y)?, 0), sort_key(first(y + 1)?, 0)))
        });
        if let Some(us) = &s.units {
            filters.push(if us.is_empty() {
                Expr::Tag("_none".into())
            } else {
                Expr::Or(us.iter().map(|u| Expr::Tag(format!("_u{u}"))).collect())
            });
        }
        if let Some(r) = s.record {
            filters.push(Expr::Tag(r.tag()));
        }
        let tags = (!filters.is_empty()).then_some(Expr::And(filters));
        let all_words: Vec<String> = s.query.words.iter().map(|w| w.text.clone()).collect();
        let words: Vec<String> = s
            .query
            .words
            .iter()
            .filter(|w| w.terms.len() > 1)
            .map(|w| w.text.clone())
            .collect();
        let terms = (!s.query.is_empty())
            .then(|| Expr::And(s.query.all_terms().into_iter().map(Expr::Term).collect()));
        let Some(terms) = terms else {
            let q = Find {
                terms: None,
                title_only: false,
                tags: tags.as_ref(),
                range,
                words: &[],
                all_words: &[],
                not_in_title: false,
            };
            let (total, more) = self.count_found(&q).await?;
            let rows = self.found(&q, offset, limit, Some((total, more))).await?;
            let hits = rows
                .into_iter()
                .map(|(doc, _)| DocHit {
                    doc,
                    in_title: false,
                    passage: Vec::new(),
                })
                .collect();
            return Ok(DocPage { total, more, hits });
        };
        let all = Find {
            terms: Some(&terms),
            title_only: false,
            tags: tags.as_ref(),
            range,
            words: &words,
            all_words: &all_words,
            not_in_title: false,
        };
        let (total, more) = self.count_found(&all).await?;
        let in_title = Find {
            title_only: true,
            ..all
        };
        let (titled, titled_more) = self.count_found(&in_title).await?;
        let mut rows: Vec<(LibraryDoc, String, bool)> = Vec::new();
        if offset < titled {
            for (d, body) in self
                .found(&in_title, offset, limit, Some((titled, titled_more)))
                .await?
            {
                rows.push((d, body, true));
            }
        }
        let rest = limit - rows.len() as i64;
        if rest > 0 && total > titled {
            let skip = (offset - titled).max(0);
            let elsewhere = Find {
                not_in_title: true,
                ..all
            };
            for (d, body) in self
                .found(
                    &elsewhere,
                    skip,
                    rest,
                    (!more).then_some((total - titled, false)),
                )
                .await?
            {
                rows.push((d, body, false));
            }
        }
        let hits = rows
            .into_iter()
            .map(|(doc, body, in_title)| DocHit {
                // A title found again in the text is not shown as its passage: the match after it.
                passage: fulltext::passage(after_title(&body, &doc.title), &s.query.words, 90)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(text, matched)| PassagePart { text, matched })
                    .collect(),
                doc,
                in_title,
            })
            .collect();
        Ok(DocPage { total, more, hits })
    }

    /// How many documents `q` finds, up to [`MAX_RESULTS`], and whether there are more.
    async fn count_found(self, q: &Find<'_>) -> Result<(i64, bool)> {
        let n = self.count_up_to(q, MAX_RESULTS + 1).await?;
        Ok((n.min(MAX_RESULTS), n > MAX_RESULTS))
    }

    /// How many documents `q` finds, up to `up_to`.
    async fn count_up_to(self, q: &Find<'_>, up_to: i64) -> Result<i64> {
        let (sql, binds) = q.sql(self.engine(), "1", Read::Count, up_to, 0);
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM ({sql}) found");
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        Ok(query.fetch_one(self.pool()).await?)
    }

    /// How many documents have `q`'s terms and tags, up to `up_to` (the words themselves not looked
    /// for).
    async fn candidates(self, q: &Find<'_>, up_to: i64) -> Result<i64> {
        let only_terms = Find {
            words: &[],
            all_words: &[],
            not_in_title: false,
            ..*q
        };
        self.count_up_to(&only_terms, up_to).await
    }

    /// The documents `q` finds, newest first, with their text when the search has words.
    /// `known`, when given, is how many documents `q` finds (up to [`MAX_RESULTS`]) and whether
    /// there are more, as counted just before: it spares PostgreSQL counting the candidates again.
    async fn found(
        self,
        q: &Find<'_>,
        offset: i64,
        limit: i64,
        known: Option<(i64, bool)>,
    ) -> Result<Vec<(LibraryDoc, String)>> {
        let cols = if q.terms.is_some() {
            format!("{DOC_COLS}, d.body")
        } else {
            format!("{DOC_COLS}, '' AS body")
        };
        // PostgreSQL's planner, asked for the newest documents having common terms, reads every one
        // of them and sorts (tens of thousands of rows with their text); walking the library's
        // order instead finds a page within its first rows. When few documents have the terms,
        // reading them all is what costs least. SQLite's index walks its rowid, the library's
        // order, either way.
        let read = if self.engine() == Engine::Postgres {
            // Walking reads about (offset + limit) × documents ÷ candidates rows; reading the
            // candidates, their number. Walk when that is fewer.
            let rows: f64 = sqlx::query_scalar(
                "SELECT CAST(GREATEST(reltuples, 1000) AS DOUBLE PRECISION) FROM pg_class \
                 WHERE oid = 'documents'::regclass",
            )
            .fetch_one(self.pool())
            .await?;
            let from = ((rows * (offset + limit) as f64).sqrt() * 1.5) as i64;
            let from = from.clamp(WALK_FROM, 20 * WALK_FROM);
            let walk = match known {
                // Fewer found than the threshold: the candidates are about as few (only a longer
                // word's terms standing apart add any).
                Some((n, false)) if n < from => false,
                Some((_, true)) if from <= MAX_RESULTS => true,
                _ => self.candidates(q, from).await? >= from,
            };
            if walk {
                Read::Walk
            } else {
                Read::Newest
            }
        } else {
            Read::Newest
        };
        let (sql, binds) = q.sql(self.engine(), &cols, read, limit, offset);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        let rows = if read == Read::Walk {
            // GIN indexes are read by bitmap only: without bitmaps (or a scan of the table) the
            // one way left is the library's order, backwards, stopped by the LIMIT.
            let mut tx = self.pool().begin().await?;
            for set in [
                "SET LOCAL enable_bitmapscan = off",
                "SET LOCAL enable_seqscan = off",
            ] {
                sqlx::query(set).execute(&mut *tx).await?;
            }
            let rows = query.fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        } else {
            query.fetch_all(self.pool()).await?
        };
        use sqlx::{FromRow, Row};
        rows.iter()
            .map(|r| Ok((LibraryDoc::from_row(r)?, r.try_get::<String, _>("body")?)))
            .collect()
    }

    /// Documents related to `d`: those concerning the same records, the same series (nearest in
    /// date first), and those whose titles share the most words with its title — each list at most
    /// `n`, before any reader's scope is applied (the caller keeps what its reader sees).
    pub async fn related(self, d: &LibraryDoc, n: i64) -> Result<Related> {
        let same_records: Vec<LibraryDoc> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLS} FROM documents d WHERE d.id <> $1 AND \
             (d.meeting_id = $2 OR d.project_id = $3 OR d.task_id = $4 OR d.notice_id = $5) \
             ORDER BY d.sort_key DESC LIMIT $6"
        )))
        .bind(d.id)
        .bind(d.meeting_id)
        .bind(d.project_id)
        .bind(d.task_id)
        .bind(d.notice_id)
        .bind(n)
        .fetch_all(self.pool())
        .await?;
        let same_series: Vec<LibraryDoc> = if d.series.is_empty() {
            Vec::new()
        } else {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {DOC_COLS} FROM documents d WHERE d.series = $1 AND d.id <> $2 \
                 ORDER BY d.sort_key DESC LIMIT $3"
            )))
            .bind(&d.series)
            .bind(d.id)
            .bind(n)
            .fetch_all(self.pool())
            .await?
        };
        // Similar: the newest documents whose titles have any of this title's distinctive terms,
        // ranked by how many of them they share.
        let mine: Vec<String> = title_terms(&d.title);
        let mut similar: Vec<LibraryDoc> = Vec::new();
        if !mine.is_empty() {
            let any = Expr::Or(
                mine.iter()
                    .map(|t| {
                        Expr::Term(Term {
                            text: t.clone(),
                            prefix: false,
                        })
                    })
                    .collect(),
            );
            let q = Find {
                terms: Some(&any),
                title_only: true,
                tags: None,
                range: None,
                words: &[],
                all_words: &[],
                not_in_title: false,
            };
            let mut cands: Vec<(usize, LibraryDoc)> = self
                .found(&q, 0, 200, None)
                .await?
                .into_iter()
                .filter(|(c, _)| c.id != d.id)
                .map(|(c, _)| {
                    let theirs = title_terms(&c.title);
                    (mine.iter().filter(|t| theirs.contains(t)).count(), c)
                })
                .collect();
            cands.sort_by_key(|c| std::cmp::Reverse(c.0));
            similar = cands
                .into_iter()
                .filter(|(shared, _)| *shared >= 2)
                .map(|(_, c)| c)
                .take(n as usize)
                .collect();
        }
        Ok(Related {
            same_records,
            same_series,
            similar,
        })
    }
}

/// `body` after the first line holding `title`, when it has one (generated documents repeat their
/// title below the 版头), else the whole of it.
fn after_title<'b>(body: &'b str, title: &str) -> &'b str {
    match body.find(title) {
        Some(at) => {
            let rest = &body[at + title.len()..];
            if rest.trim().is_empty() {
                body
            } else {
                rest
            }
        }
        None => body,
    }
}

/// Words common to most documents' titles, left out when comparing titles.
const COMMON_TITLE_TERMS: [&str; 24] = [
    "关于", "于重", "情况", "通报", "会议", "议材", "材料", "纪要", "工作", "重点", "点工", "点项",
    "项目", "目建", "建设", "设情", "调度", "度会", "报告", "通知", "知书", "督办", "办结", "结报",
];

fn title_terms(title: &str) -> Vec<String> {
    fulltext::distinct_terms(title)
        .into_iter()
        .filter(|t| t.chars().count() == 2 || t.chars().all(|c| c.is_ascii_alphanumeric()))
        .filter(|t| !COMMON_TITLE_TERMS.contains(&t.as_str()))
        .filter(|t| !t.chars().all(|c| c.is_ascii_digit()))
        .take(16)
        .collect()
}

/// Documents related to one document.
#[derive(Debug, Clone, Default)]
pub struct Related {
    /// Concerning the same meeting, project, task or notice.
    pub same_records: Vec<LibraryDoc>,
    /// Of the same series (one unit's meetings or monthly notices).
    pub same_series: Vec<LibraryDoc>,
    /// With similar titles.
    pub similar: Vec<LibraryDoc>,
}

/// One read of the library: documents with the terms (in the title only, when `title_only`) and
/// the tags, whose text contains each of `words` (when `not_in_title`, not every one of
/// `all_words` in the title).
///
/// A word of one term (two Chinese characters, one, a Latin word) is found exactly by its term; a
/// longer word's terms may stand apart in a text, so those words (`words`) are also looked for in
/// the text itself.
#[derive(Clone, Copy)]
struct Find<'a> {
    terms: Option<&'a Expr>,
    title_only: bool,
    tags: Option<&'a Expr>,
    /// A stretch of the library's order (`sort_key` from, until).
    range: Option<(i64, i64)>,
    words: &'a [String],
    all_words: &'a [String],
    not_in_title: bool,
}

/// How the statement reads the documents.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Any order (a count).
    Count,
    /// Newest first, the engine choosing how.
    Newest,
    /// Newest first by walking the library's order and testing each document until the page is
    /// full (PostgreSQL, when many documents have the terms; see [`Documents::found`]): the same
    /// statement, run where the planner may not read the candidates by their index.
    Walk,
}

impl Find<'_> {
    /// The statement (newest first) and its text parameters.
    fn sql(
        &self,
        engine: Engine,
        cols: &str,
        read: Read,
        limit: i64,
        offset: i64,
    ) -> (String, Vec<String>) {
        let mut binds: Vec<String> = Vec::new();
        let mut wher: Vec<String> = Vec::new();
        // A word is looked for in the title and the text; with Latin letters, in both folded to
        // lower case (slower: the text is rewritten on the way), else as it is.
        let in_text =
            |title_only: bool, words: &[String], binds: &mut Vec<String>| -> Vec<String> {
                words
                    .iter()
                    .map(|w| {
                        binds.push(w.clone());
                        let n = binds.len();
                        let letters = w.chars().any(|c| c.is_ascii_alphabetic());
                        match (title_only, letters) {
                            (true, false) => dialect::contains(engine, "d.title", n),
                            (true, true) => {
                                dialect::contains(engine, &dialect::fold(engine, "d.title"), n)
                            }
                            (false, false) => format!(
                                "({} OR {})",
                                dialect::contains(engine, "d.title", n),
                                dialect::contains(engine, "d.body", n)
                            ),
                            (false, true) => dialect::contains(
                                engine,
                                &dialect::fold(engine, &dialect::title_and_body(engine, "d")),
                                n,
                            ),
                        }
                    })
                    .collect()
            };
        let from = match engine {
            Engine::Sqlite => {
                let mut parts: Vec<String> = Vec::new();
                if let Some(t) = self.terms {
                    parts.push(t.fts(self.title_only.then_some("title")));
                }
                if let Some(t) = self.tags {
                    parts.push(t.fts(None));
                }
                if parts.is_empty() {
                    if let Some((lo, hi)) = self.range {
                        wher.push(format!("d.sort_key >= {lo} AND d.sort_key < {hi}"));
                    }
                    "documents d".to_string()
                } else {
                    binds.push(parts.join(" AND "));
                    wher.push(format!("documents_fts MATCH ${}", binds.len()));
                    if let Some((lo, hi)) = self.range {
                        wher.push(format!("f.rowid >= {lo} AND f.rowid < {hi}"));
                    }
                    "documents_fts f JOIN documents d ON d.sort_key = f.rowid".to_string()
                }
            }
            Engine::Postgres => {
                if let Some(t) = self.terms {
                    binds.push(t.tsquery());
                    let col = if self.title_only {
                        "title_terms"
                    } else {
                        "terms"
                    };
                    wher.push(format!("d.{col} @@ CAST(${} AS tsquery)", binds.len()));
                }
                if let Some(t) = self.tags {
                    binds.push(t.tsquery());
                    wher.push(format!("d.tags @@ CAST(${} AS tsquery)", binds.len()));
                }
                if let Some((lo, hi)) = self.range {
                    wher.push(format!("d.sort_key >= {lo} AND d.sort_key < {hi}"));
                }
                "documents d".to_string()
            }
        };
        wher.extend(in_text(self.title_only, self.words, &mut binds));
        if self.not_in_title && !self.all_words.is_empty() {
            let t = in_text(true, self.all_words, &mut binds);
            wher.push(format!("NOT ({})", t.join(" AND ")));
        }
        let order = match read {
            Read::Count => String::new(),
            _ if from.starts_with("documents_fts") => " ORDER BY f.rowid DESC".into(),
            _ => " ORDER BY d.sort_key DESC".into(),
        };
        let wher = if wher.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wher.join(" AND "))
        };
        (
            format!("SELECT {cols} FROM {from}{wher}{order} LIMIT {limit} OFFSET {offset}"),
            binds,
        )
    }
}

fn check(d: &NewDocument) -> Result<()> {
    if !crate::library::KINDS.iter().any(|(k, _)| *k == d.kind) {
        return Err(StoreError::invalid(
            "种类",
            format!("未知的材料种类“{}”", d.kind),
        ));
    }
    let title = d.title.trim();
    if title.is_empty() {
        return Err(StoreError::invalid("标题", "不能为空"));
    }
    if title.chars().count() > MAX_TITLE || title.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            "标题",
            format!("不能超过 {MAX_TITLE} 个字，也不能含控制字符"),
        ));
    }
    Ok(())
}

/// Keeps one document in `tx` (see [`Documents::keep`]); `audit_each` records it in the audit log.
async fn keep_one(
    tx: &mut crate::WriteTx,
    engine: Engine,
    actor: &Actor,
    d: &NewDocument,
    audit_each: bool,
) -> Result<i64> {
    let year = i64::from(d.date.year());
    let now = now_ts();
    let summary = fulltext::abstract_of(
        if d.summary.trim().is_empty() {
            &d.body
        } else {
            &d.summary
        },
        SUMMARY_CHARS,
    );
    let chars = d.body.chars().filter(|c| !c.is_whitespace()).count() as i64;
    let title = d.title.trim();
    let title_terms = index_terms(title);
    let body_terms = index_terms(&format!("{title}\n{}", d.body));
    let tags = tags(d, year);
    let before: Option<(i64, i64, String)> = match &d.subject {
        Some(s) => {
            sqlx::query_as(
                "SELECT id, sort_key, sha256 FROM documents WHERE kind = $1 AND subject = $2",
            )
            .bind(&d.kind)
            .bind(s)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => None,
    };
    if let Some((id, _, sha)) = &before {
        if *sha == d.sha256 {
            return Ok(*id);
        }
    }
    let id = match &before {
        Some((id, _, _)) => *id,
        None => dialect::next_document_id(tx, engine).await?,
    };
    let key = sort_key(d.date, id);
    let date = fmt_date(d.date);
    let row = Row {
        id,
        key,
        d,
        title,
        date: &date,
        year,
        summary: &summary,
        chars,
        now: &now,
    };
    if let Some((_, old_key, _)) = &before {
        if engine == Engine::Sqlite {
            sqlx::query("DELETE FROM documents_fts WHERE rowid = $1")
                .bind(old_key)
                .execute(&mut **tx)
                .await?;
        }
        let sql = format!(
            "UPDATE documents SET sort_key = $2, number = $3, title = $4, doc_date = $5, year = $6, \
             issuer = $7, recipients = $8, unit_id = $9, meeting_id = $10, project_id = $11, \
             task_id = $12, notice_id = $13, series = $14, summary = $15, chars = $16, \
             file_name = $17, content_type = $18, size = $19, sha256 = $20, stored_name = $21, \
             body = $22, updated_at = $23{} WHERE id = $1",
            if engine == Engine::Postgres {
                ", terms = CAST($24 AS tsvector), title_terms = CAST($25 AS tsvector), \
                 tags = CAST($26 AS tsvector)"
            } else {
                ""
            }
        );
        let q = row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)));
        with_terms(q, engine, &body_terms, &title_terms, &tags)
            .execute(&mut **tx)
            .await?;
    } else {
        let sql = format!(
            "INSERT INTO documents (id, sort_key, number, title, doc_date, year, issuer, recipients, \
             unit_id, meeting_id, project_id, task_id, notice_id, series, summary, chars, file_name, \
             content_type, size, sha256, stored_name, body, updated_at, created_at, kind, subject, \
             created_by{}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20, $21, $22, $23, $23, $24, $25, $26{})",
            if engine == Engine::Postgres {
                ", terms, title_terms, tags"
            } else {
                ""
            },
            if engine == Engine::Postgres {
                ", CAST($27 AS tsvector), CAST($28 AS tsvector), CAST($29 AS tsvector)"
            } else {
                ""
            }
        );
        let q = row
            .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .bind(&d.kind)
            .bind(&d.subject)
            .bind(actor.user_id);
        with_terms(q, engine, &body_terms, &title_terms, &tags)
            .execute(&mut **tx)
            .await?;
    }
    if engine == Engine::Sqlite {
        sqlx::query("INSERT INTO documents_fts (rowid, title, body, tags) VALUES ($1, $2, $3, $4)")
            .bind(key)
            .bind(title_terms.join(" "))
            .bind(body_terms.join(" "))
            .bind(tags.join(" "))
            .execute(&mut **tx)
            .await?;
    }
    if audit_each {
        audit::record(
            tx,
            actor,
            if before.is_some() { "update" } else { "create" },
            "document",
            &id.to_string(),
            None,
            Some(json!({
                "kind": d.kind, "number": d.number, "title": title, "file": d.file_name,
                "sha256": d.sha256, "size": d.size,
            })),
        )
        .await?;
    }
    Ok(id)
}

/// The columns an insert and an update of a document both write, as `$1` – `$23`.
struct Row<'r> {
    id: i64,
    key: i64,
    d: &'r NewDocument,
    title: &'r str,
    date: &'r str,
    year: i64,
    summary: &'r str,
    chars: i64,
    now: &'r str,
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl<'r> Row<'r> {
    fn bind(&self, q: AnyQuery<'r>) -> AnyQuery<'r> {
        let d = self.d;
        q.bind(self.id)
            .bind(self.key)
            .bind(&d.number)
            .bind(self.title)
            .bind(self.date)
            .bind(self.year)
            .bind(&d.issuer)
            .bind(&d.recipients)
            .bind(d.unit_id)
            .bind(d.meeting_id)
            .bind(d.project_id)
            .bind(d.task_id)
            .bind(d.notice_id)
            .bind(&d.series)
            .bind(self.summary)
            .bind(self.chars)
            .bind(&d.file_name)
            .bind(&d.content_type)
            .bind(d.size)
            .bind(&d.sha256)
            .bind(&d.stored_name)
            .bind(&d.body)
            .bind(self.now)
    }
}

/// Binds the three `tsvector`s of a row after the statement's other parameters, on PostgreSQL
/// only (SQLite's index is the FTS table, written apart).
fn with_terms<'q>(
    q: AnyQuery<'q>,
    engine: Engine,
    terms: &[String],
    title: &[String],
    tags: &[String],
) -> AnyQuery<'q> {
    match engine {
        Engine::Postgres => q
            .bind(tsvector(terms))
            .bind(tsvector(title))
            .bind(tsvector(tags)),
        Engine::Sqlite => q,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_read_alike_for_both_engines() {
        let q = Query::parse("征地 年");
        let e = Expr::And(q.all_terms().into_iter().map(Expr::Term).collect());
        assert_eq!(e.fts(None), "(\"征地\" AND \"年\"*)");
        assert_eq!(
            e.fts(Some("title")),
            "(title : \"征地\" AND title : \"年\"*)"
        );
        assert_eq!(e.tsquery(), "('征地' & '年':*)");
        let v = Viewer {
            units: Some(vec![2, 3]),
            indicator_units: Some(vec![1]),
            meetings: false,
        };
        let t = v.expr().unwrap();
        assert_eq!(
            t.tsquery(),
            "((('_u2' | '_u3') & ('_kmonthlynotice' | '_kplanningnotice' | '_kassessmentnotice' \
             | '_ksupervisionnotice' | '_kclosingreport' | '_kreference')) | (('_u1') \
             & '_kscorecardnotice'))"
        );
        let same = Viewer {
            units: Some(vec![2]),
            indicator_units: Some(vec![2]),
            meetings: true,
        };
        assert_eq!(same.expr().unwrap().fts(None), "(\"_u2\")");
    }

    #[test]
    fn a_day_orders_before_its_ids() {
        let d1 = Date::from_calendar_date(2026, time::Month::January, 1).unwrap();
        let d2 = Date::from_calendar_date(2026, time::Month::January, 2).unwrap();
        assert!(sort_key(d1, 999_999) < sort_key(d2, 1));
        assert_eq!(
            day_number(Date::from_calendar_date(1970, time::Month::January, 1).unwrap()),
            0
        );
    }
}
