//! 材料库 use cases: every document the platform issues is kept as it is downloaded; users upload
//! references; the library is searched and listed within the reader's scope, and each document
//! shown with the documents related to it.

use std::path::Path;

use diaodu_domain::access::{allows, Action, Role, Scope};
use diaodu_domain::fulltext::Query;
use diaodu_office::extract::{self, TextKind};
use diaodu_store::{
    Actor, DocPage, DocSearch, LibraryDoc, NewDocument, Record, Related, Store, UnitTree, Viewer,
};
use sha2::{Digest, Sha256};
use time::Date;

use super::documents::Issued;
use super::Error;
use crate::auth::Current;
use crate::forms::nonempty;
use crate::AppState;

/// What a reader of `role` attached to `unit` may see of the library: the records' scope for every
/// document, the indicator scope for scorecard notices, meetings' documents for those who see
/// meetings.
pub fn viewer(tree: &UnitTree, role: Role, unit: i64) -> Viewer {
    let ids = |scope: Scope| -> Option<Vec<i64>> {
        match scope {
            Scope::All => None,
            s => Some(tree.within(s).into_iter().map(|u| u.id).collect()),
        }
    };
    let parent = tree.get(unit).and_then(|u| u.parent_id);
    Viewer {
        units: ids(Scope::of(role, unit)),
        indicator_units: ids(Scope::indicators(role, unit, parent)),
        meetings: allows(role, Action::ViewMeetings),
    }
}

/// The caller's [`viewer`].
pub async fn viewer_of(state: &AppState, c: &Current) -> Result<(Viewer, UnitTree), Error> {
    let tree = state.store.units().await?;
    Ok((viewer(&tree, c.user.role, c.user.unit_id), tree))
}

/// Where an issued document belongs in the library: its kind, what it is of, its unit and records.
#[derive(Debug, Clone, Default)]
pub struct Filing {
    /// Kind (see `diaodu_store::library::KINDS`).
    pub kind: &'static str,
    /// What it is of (`meeting:12`): issued again, it replaces the earlier one.
    pub subject: String,
    /// 成文日期.
    pub date: Option<Date>,
    /// The unit whose records it concerns.
    pub unit_id: i64,
    /// The meeting.
    pub meeting_id: Option<i64>,
    /// The supervision notice.
    pub notice_id: Option<i64>,
    /// The project.
    pub project_id: Option<i64>,
    /// Its series.
    pub series: String,
}

/// Writes `bytes` under the files directory by their SHA-256 (once: the same content is the same
/// file) and returns the hash and the name on disk. Written to a temporary name first, so a file
/// on disk is always whole.
pub async fn store_file(dir: &Path, bytes: &[u8]) -> Result<(String, String), Error> {
    let sha = hex::encode(Sha256::digest(bytes));
    let name = format!("doc-{sha}");
    let path = dir.join(&name);
    let io = |e: std::io::Error| Error::Internal(e.to_string());
    if tokio::fs::try_exists(&path).await.map_err(io)? {
        return Ok((sha, name));
    }
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let mut rnd = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut rnd);
    let tmp = dir.join(format!("{name}.{}.part", hex::encode(rnd)));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok((sha, name))
}

/// Keeps an issued document in the library (its file under `dir`), as filed by `f`; returns its
/// id. The command line and the server keep documents alike.
pub async fn keep_issued(
    store: &Store,
    dir: &Path,
    actor: &Actor,
    issued: &Issued,
    bytes: &[u8],
    f: &Filing,
) -> Result<i64, Error> {
    let (sha, stored) = store_file(dir, bytes).await?;
    let doc = &issued.doc;
    let d = NewDocument {
        kind: f.kind.into(),
        subject: Some(f.subject.clone()),
        number: doc.number().unwrap_or("").to_string(),
        title: doc.title_text().to_string(),
        date: f.date.unwrap_or_else(diaodu_store::today_local),
        issuer: doc.issuer(),
        recipients: doc.addressee_text().to_string(),
        unit_id: f.unit_id,
        meeting_id: f.meeting_id,
        project_id: f.project_id,
        task_id: None,
        notice_id: f.notice_id,
        series: f.series.clone(),
        file_name: issued.file_name.clone(),
        content_type: crate::files::DOCX.into(),
        size: bytes.len() as i64,
        sha256: sha,
        stored_name: stored,
        body: doc.plain_text(),
        summary: doc.body_text(),
    };
    Ok(store.documents().keep(actor, &d).await?)
}

/// The .docx of an issued document, kept in the library first: what a page's button and the API
/// send.
pub async fn issue(
    state: &AppState,
    c: &Current,
    issued: Issued,
    f: Filing,
) -> Result<(Issued, Vec<u8>), Error> {
    let bytes = issued.doc.to_docx();
    keep_issued(
        &state.store,
        &state.cfg.files_dir,
        &c.actor(),
        &issued,
        &bytes,
        &f,
    )
    .await?;
    Ok((issued, bytes))
}

/// A search or list of the library as the pages and the API take it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LibraryQuery {
    /// Words (Chinese or Latin; a text must contain each).
    pub q: Option<String>,
    /// Kind: monthly_notice, scorecard_notice, briefing, minutes, supervision_notice,
    /// closing_report, reference.
    pub kind: Option<String>,
    /// Year of 成文日期.
    pub year: Option<String>,
    /// Unit id: documents of this unit and those below it.
    pub unit: Option<String>,
    /// The record concerned: `meeting:12`, `project:3`, `task:4` or `notice:5`.
    pub record: Option<String>,
    /// Page, from 1.
    pub page: Option<String>,
}

/// Documents shown per page.
pub const PER_PAGE: i64 = 20;

/// Searches (or lists) the library for the caller: what they may see, filtered; an invalid filter
/// is a 400 naming it.
pub async fn search(state: &AppState, c: &Current, q: &LibraryQuery) -> Result<DocPage, Error> {
    let (viewer, tree) = viewer_of(state, c).await?;
    let s = search_of(&tree, c, q)?;
    Ok(state.store.documents().search(&viewer, &s).await?)
}

/// The store's search for `q`, its filters checked.
fn search_of(tree: &UnitTree, c: &Current, q: &LibraryQuery) -> Result<DocSearch, Error> {
    let kind = match nonempty(&q.kind) {
        None => None,
        Some(k) if diaodu_store::library::KINDS.iter().any(|(x, _)| *x == k) => Some(k.to_string()),
        Some(_) => return Err(Error::invalid("种类", "没有这种材料")),
    };
    let year = match nonempty(&q.year) {
        None => None,
        Some(y) => Some(
            y.parse::<i64>()
                .ok()
                .filter(|y| (1949..=9999).contains(y))
                .ok_or_else(|| Error::invalid("年度", "应为四位年份，如 2026"))?,
        ),
    };
    let units = match nonempty(&q.unit) {
        None => None,
        Some(u) => {
            let id: i64 = u
                .parse()
                .map_err(|_| Error::invalid("单位", "应为单位编号"))?;
            if tree.get(id).is_none() {
                return Err(Error::invalid("单位", "没有这个单位"));
            }
            Some(
                tree.within(Scope::Subtree(id))
                    .into_iter()
                    .map(|u| u.id)
                    .collect(),
            )
        }
    };
    let record = match nonempty(&q.record) {
        None => None,
        Some(r) => Some(Record::parse(r).ok_or_else(|| {
            Error::invalid(
                "涉及事项",
                "应为 meeting:编号、project:编号、task:编号或 notice:编号",
            )
        })?),
    };
    let page = match nonempty(&q.page) {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1 && *p <= 10_000)
            .ok_or_else(|| Error::invalid("页码", "应为正整数"))?,
    };
    let _ = c;
    Ok(DocSearch {
        query: Query::parse(nonempty(&q.q).unwrap_or("")),
        kind,
        year,
        units,
        record,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
    })
}

/// A document the caller may see, with its related documents that they may see (404 when there is
/// none, 403 when it is outside their scope).
pub async fn document(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(LibraryDoc, Related, UnitTree), Error> {
    let (viewer, tree) = viewer_of(state, c).await?;
    let d = load(state, &viewer, id).await?;
    let mut r = state.store.documents().related(&d, 12).await?;
    for list in [&mut r.same_records, &mut r.same_series, &mut r.similar] {
        list.retain(|x| viewer.sees(x));
        list.truncate(6);
    }
    // A document listed once, under the first heading it belongs to.
    let shown: Vec<i64> = r
        .same_records
        .iter()
        .chain(&r.same_series)
        .map(|x| x.id)
        .collect();
    r.same_series
        .retain(|x| !r.same_records.iter().any(|y| y.id == x.id));
    r.similar.retain(|x| !shown.contains(&x.id));
    Ok((d, r, tree))
}

async fn load(state: &AppState, viewer: &Viewer, id: i64) -> Result<LibraryDoc, Error> {
    let d = state
        .store
        .documents()
        .get(id)
        .await?
        .ok_or_else(|| Error::NotFound("材料".into()))?;
    if !viewer.sees(&d) {
        return Err(Error::Forbidden);
    }
    Ok(d)
}

/// A document's file as kept, for those who may see it.
pub async fn file(state: &AppState, c: &Current, id: i64) -> Result<(LibraryDoc, Vec<u8>), Error> {
    let (viewer, _) = viewer_of(state, c).await?;
    let d = load(state, &viewer, id).await?;
    let bytes = tokio::fs::read(state.cfg.files_dir.join(&d.stored_name))
        .await
        .map_err(|_| Error::NotFound("材料文件".into()))?;
    Ok((d, bytes))
}

/// A document's text, for those who may see it.
pub async fn text(state: &AppState, c: &Current, id: i64) -> Result<String, Error> {
    let (viewer, _) = viewer_of(state, c).await?;
    load(state, &viewer, id).await?;
    Ok(state.store.documents().text(id).await?.unwrap_or_default())
}

/// An uploaded reference, as the page's form and the API take it.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Title (default: the file's name without its extension).
    pub title: Option<String>,
    /// 成文日期, YYYY-MM-DD (default: today).
    pub date: Option<String>,
    /// 发文机关.
    pub issuer: Option<String>,
    /// The unit it concerns (default: the uploader's).
    pub unit: Option<String>,
    /// The record it concerns (`meeting:12`, …).
    pub record: Option<String>,
}

/// Reads an upload's fields from a multipart body (the pages' form and the API alike): the file
/// whole up to `max_mb` megabytes (a larger one is refused as it arrives), the other fields at
/// most 1,000 bytes each.
pub async fn read_upload(
    mp: &mut axum::extract::Multipart,
    max_mb: usize,
) -> Result<Upload, Error> {
    let mut u = Upload::default();
    let too_large = || Error::invalid("文件", format!("文件过大或上传中断（上限 {max_mb} MB）"));
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| Error::invalid("文件", e.to_string()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            u.file_name = field.file_name().unwrap_or("upload").to_string();
            // Read chunk by chunk so that a file over the limit is refused when it passes it,
            // not after the whole body is held.
            let limit = max_mb * 1024 * 1024;
            let mut field = field;
            u.bytes.clear();
            while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                if u.bytes.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                u.bytes.extend_from_slice(&chunk);
            }
            continue;
        }
        let slot = match name.as_str() {
            "title" => &mut u.title,
            "date" => &mut u.date,
            "issuer" => &mut u.issuer,
            "unit" => &mut u.unit,
            "record" => &mut u.record,
            _ => continue,
        };
        let text = field.text().await.map_err(|_| too_large())?;
        if text.len() > 1000 {
            return Err(Error::invalid(&name, "过长"));
        }
        *slot = Some(text);
    }
    Ok(u)
}

/// How long reading one upload's text may take before it is refused.
const READ_SECONDS: u64 = 20;

/// Keeps an uploaded reference: its type read from its content, its text extracted (off the async
/// threads, within [`READ_SECONDS`]), its fields checked — every refusal a 400 naming the field —
/// then the file written and the document kept. Uploading is for those who `UploadDocuments`, into
/// a unit of their scope, about a record they may see.
pub async fn upload(state: &AppState, c: &Current, u: Upload) -> Result<i64, Error> {
    c.require(Action::UploadDocuments)?;
    if u.bytes.is_empty() {
        return Err(Error::invalid("文件", "请选择文件"));
    }
    let limit = state.cfg.max_upload_mb * 1024 * 1024;
    if u.bytes.len() > limit {
        return Err(Error::invalid(
            "文件",
            format!("文件超过 {} MB", state.cfg.max_upload_mb),
        ));
    }
    let file_name: String = u
        .file_name
        .chars()
        .filter(|ch| !matches!(ch, '/' | '\\' | '"') && !ch.is_control())
        .take(200)
        .collect();
    let kind = extract::kind_of(&file_name, &u.bytes).map_err(|m| Error::invalid("文件", m))?;
    let tree = state.store.units().await?;
    let unit = match nonempty(&u.unit) {
        None => c.user.unit_id,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|id| tree.get(*id).is_some())
            .ok_or_else(|| Error::invalid("涉及单位", "请选择单位"))?,
    };
    if !tree.in_scope(unit, c.scope) {
        return Err(Error::invalid("涉及单位", "请选择权限范围内的单位"));
    }
    let date = match nonempty(&u.date) {
        None => state.today(),
        Some(d) => diaodu_domain::period::parse_date(d)
            .map_err(|e| Error::invalid("成文日期", e.to_string()))?,
    };
    if date > state.today() {
        return Err(Error::invalid("成文日期", "不能晚于今天"));
    }
    let record = match nonempty(&u.record) {
        None => None,
        Some(r) => Some(
            Record::parse(r)
                .ok_or_else(|| Error::invalid("涉及事项", "应为 meeting:编号 等形式"))?,
        ),
    };
    let mut d = NewDocument {
        kind: "reference".into(),
        subject: None,
        number: String::new(),
        title: String::new(),
        date,
        issuer: nonempty(&u.issuer)
            .unwrap_or("")
            .chars()
            .take(100)
            .collect(),
        recipients: String::new(),
        unit_id: unit,
        meeting_id: None,
        project_id: None,
        task_id: None,
        notice_id: None,
        series: String::new(),
        file_name: file_name.clone(),
        content_type: kind.content_type().into(),
        size: u.bytes.len() as i64,
        sha256: String::new(),
        stored_name: String::new(),
        body: String::new(),
        summary: String::new(),
    };
    match record {
        None => {}
        Some(Record::Meeting(id)) => {
            let (m, _) = super::scope::load_meeting(state, c, id)
                .await
                .map_err(|e| record_error(e, "调度会"))?;
            d.meeting_id = Some(m.id);
            d.series = format!("meetings:{}", m.unit_id);
        }
        Some(Record::Notice(id)) => {
            let (n, _, _) = super::scope::load_notice(state, c, id)
                .await
                .map_err(|e| record_error(e, "督办单"))?;
            d.notice_id = Some(n.id);
        }
        Some(Record::Project(id)) => {
            let (p, _) = super::scope::load_in_scope(state, c, id)
                .await
                .map_err(|e| record_error(e, "项目"))?;
            d.project_id = Some(p.id);
        }
        Some(Record::Task(id)) => {
            let (t, _, _) = super::scope::load_task(state, c, id)
                .await
                .map_err(|e| record_error(e, "任务"))?;
            d.task_id = Some(t.id);
        }
    }
    let bytes = std::sync::Arc::new(u.bytes);
    let read = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || extract::text_of(kind, &bytes))
    };
    let text = match tokio::time::timeout(std::time::Duration::from_secs(READ_SECONDS), read).await
    {
        Ok(Ok(Ok(text))) => text,
        Ok(Ok(Err(m))) => return Err(Error::invalid("文件", m)),
        Ok(Err(_)) => return Err(Error::invalid("文件", "无法读取该文件的文字")),
        Err(_) => {
            return Err(Error::invalid(
                "文件",
                format!("读取文字超过 {READ_SECONDS} 秒，文件过于复杂，请转为 .docx 或文本后上传"),
            ))
        }
    };
    if text.trim().is_empty() && kind == TextKind::Pdf {
        return Err(Error::invalid(
            "文件",
            "该 PDF 中没有可读取的文字（可能是扫描图片），请上传可复制文字的 PDF 或 .docx",
        ));
    }
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(&file_name)
        .to_string();
    d.title = nonempty(&u.title)
        .map(str::to_string)
        .unwrap_or(stem)
        .chars()
        .take(200)
        .collect();
    d.body = text;
    let (sha, stored) = store_file(&state.cfg.files_dir, &bytes).await?;
    d.sha256 = sha;
    d.stored_name = stored;
    Ok(state.store.documents().keep(&c.actor(), &d).await?)
}

/// A record named by an upload that the uploader may not see or that does not exist: a 400 on the
/// field, never the record.
fn record_error(e: Error, what: &str) -> Error {
    match e {
        Error::NotFound(_) | Error::Forbidden | Error::ForbiddenBecause(_) => {
            Error::invalid("涉及事项", format!("没有这个{what}，或不在您的权限范围内"))
        }
        other => other,
    }
}
