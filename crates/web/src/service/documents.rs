//! Documents built from live data, for the pages, the API and the command line alike: a meeting's
//! briefing (会议材料) and minutes, and a region's scorecard as JSON, as text and as an official
//! notice (通报), and the ledger and ranking rows of the exports.

use super::Error;
use diaodu_domain::access::Scope;
use diaodu_domain::indicator::StatPeriod;
use diaodu_domain::notice::NoticeState;
use diaodu_domain::period::{fmt_date, fmt_date_zh};
use diaodu_domain::scorecard::d1;
use diaodu_domain::status::{time_progress_pct, Light, UnitFigures};
use diaodu_domain::task::TaskLight;
use diaodu_office::docx::{Colophon, Masthead, OfficialDoc};
use diaodu_office::xlsx::{LedgerRow, RankingRow};
use diaodu_store::reporting::{unit_table, UnitLine};
use diaodu_store::scorecard::Scorecard;
use diaodu_store::{Actor, Meeting, ProjectFilter, ProjectStatusRow, Store, UnitTree};
use serde_json::Value;
use time::Date;

use crate::format::{pct, yi};

/// The briefing (会议材料) of a meeting, assembled from live data as of the meeting date: indicators,
/// projects, tasks, overdue notices, and the decisions of the previous meeting.
pub async fn briefing(store: &Store, tree: &UnitTree, m: &Meeting) -> Result<OfficialDoc, Error> {
    let d = m.date;
    let unit = tree
        .get(m.unit_id)
        .cloned()
        .ok_or_else(|| Error::NotFound("单位".into()))?;
    let scope = Scope::Subtree(unit.id);
    let mut doc = OfficialDoc::new();
    doc.title(format!("{}汇报材料", m.title));
    doc.para(format!(
        "本次调度会（{}）调度{}{}重点工作推进情况。现将主要经济指标、重点项目、重点工作任务、督办事项和上次会议议定事项落实情况汇报如下。",
        fmt_date_zh(d),
        m.review_period,
        unit.name
    ));

    // 一、主要经济指标: the scorecard of the newest period with data up to the meeting.
    let periods: Vec<StatPeriod> = store
        .indicators()
        .value_periods()
        .await?
        .iter()
        .filter_map(|p| StatPeriod::parse(p).ok())
        .collect();
    let latest = periods
        .into_iter()
        .filter(|p| p.year() <= d.year())
        .max_by_key(|p| (p.year(), p.to_string()));
    if let Some(p) = latest {
        let sc = store.indicators().scorecard(tree, unit.id, p).await?;
        if sc.indicators.iter().any(|c| c.card.rank.is_some()) {
            doc.h1("主要经济指标情况");
            doc.para(sc.summary.clone());
            for c in &sc.indicators {
                if c.card.rank.is_some() {
                    doc.para(c.card.text.clone());
                }
            }
        }
    }

    // 二、重点项目建设情况.
    let rows = store
        .projects()
        .statuses(tree, scope, &ProjectFilter::default(), d)
        .await?;
    doc.h1("重点项目建设情况");
    projects_part(&mut doc, tree, &unit, &rows, d);

    // 三、重点工作任务推进情况.
    let tasks = store.tasks().rows(tree, scope, d).await?;
    let top: Vec<_> = tasks
        .iter()
        .filter(|t| t.task.parent_id.is_none())
        .collect();
    if !top.is_empty() {
        let count = |l: TaskLight| top.iter().filter(|t| t.status.light == l).count();
        doc.h1("重点工作任务推进情况");
        doc.para(format!(
            "纳入调度的重点工作任务{}项，已销号{}项，绿灯{}项、黄灯{}项、红灯{}项。",
            top.len(),
            count(TaskLight::Done),
            count(TaskLight::Green),
            count(TaskLight::Yellow),
            count(TaskLight::Red)
        ));
        let slipping: Vec<_> = top
            .iter()
            .filter(|t| matches!(t.status.light, TaskLight::Red | TaskLight::Yellow))
            .collect();
        if !slipping.is_empty() {
            doc.table(
                ["任务", "牵头单位", "截止日期", "进度", "亮灯", "原因"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                slipping
                    .iter()
                    .map(|t| {
                        vec![
                            t.task.title.clone(),
                            t.lead_unit.clone(),
                            fmt_date(t.task.deadline),
                            format!("{}%", t.status.percent_done),
                            t.status.light.zh().into(),
                            t.status.reasons.join("；"),
                        ]
                    })
                    .collect(),
            );
        }
    }

    // 四、督办事项办理情况.
    let notices = store.notices().list(tree, scope, d).await?;
    let overdue: Vec<_> = notices.iter().filter(|n| n.days_overdue > 0).collect();
    let open = notices
        .iter()
        .filter(|n| n.state != NoticeState::Closed)
        .count();
    if !notices.is_empty() {
        doc.h1("督办事项办理情况");
        doc.para(format!(
            "共下发督办单{}件，已办结{}件，正在办理{}件，其中逾期未反馈{}件。",
            notices.len(),
            notices.len() - open,
            open,
            overdue.len()
        ));
        if !overdue.is_empty() {
            overdue_table(&mut doc, &overdue);
        }
    }

    // 五、上次会议议定事项落实情况.
    if let Some(prev) = store.meetings().previous(m).await? {
        let decisions = store.meetings().decisions(prev.id).await?;
        doc.h1("上次会议议定事项落实情况");
        if decisions.is_empty() {
            doc.para(format!(
                "{}（{}）未形成议定事项。",
                prev.title,
                fmt_date_zh(prev.date)
            ));
        } else {
            let all = store.tasks().rows(tree, Scope::All, d).await?;
            let done = decisions
                .iter()
                .filter(|x| {
                    all.iter()
                        .any(|t| t.task.id == x.task_id && t.status.light == TaskLight::Done)
                })
                .count();
            doc.para(format!(
                "{}（{}）议定事项{}项，已办结销号{}项，正在推进{}项。",
                prev.title,
                fmt_date_zh(prev.date),
                decisions.len(),
                done,
                decisions.len() - done
            ));
            doc.table(
                ["议定事项", "牵头单位", "截止日期", "落实情况"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                decisions
                    .iter()
                    .map(|x| match all.iter().find(|t| t.task.id == x.task_id) {
                        Some(t) => vec![
                            x.content.clone(),
                            t.lead_unit.clone(),
                            fmt_date(t.task.deadline),
                            format!(
                                "{}（{}，进度{}%）",
                                t.task.state.zh(),
                                t.status.light.zh(),
                                t.status.percent_done
                            ),
                        ],
                        None => vec![x.content.clone(), String::new(), String::new(), "—".into()],
                    })
                    .collect(),
            );
        }
    }
    let issuer = doc_setting(store, "document.issuer", || {
        format!("{}人民政府督查室", unit.name)
    })
    .await?;
    doc.signature(issuer, fmt_date_zh(d));
    Ok(doc)
}

/// A unit's key projects as of `d` in a document: the overall figures against time progress (with
/// 双过半 once 30 June has passed), the ranking of the units below it, and the red and yellow
/// projects with their reasons (the first 30 of each).
fn projects_part(
    doc: &mut OfficialDoc,
    tree: &UnitTree,
    unit: &diaodu_store::Unit,
    rows: &[ProjectStatusRow],
    d: Date,
) {
    let mut total = UnitFigures::default();
    for r in rows {
        total.add(&r.facts, &r.status, d);
    }
    total.finish(d);
    doc.para(format!(
        "截至{}，{}纳入调度的重点项目{}个，已开工{}个，开工率{}；年度计划投资{}亿元，已完成{}亿元，完成率{}，时序进度{:.1}%。亮红灯{}个、黄灯{}个、绿灯{}个{}。",
        fmt_date_zh(d),
        unit.name,
        total.projects,
        total.started,
        pct(total.start_rate_pct),
        yi(total.annual_plan),
        yi(total.ytd_investment),
        pct(total.completion_pct),
        time_progress_pct(d),
        total.red,
        total.yellow,
        total.green,
        match total.double_half {
            Some(true) => "，投资实现“双过半”",
            Some(false) => "，投资未实现“双过半”",
            None => "",
        }
    ));
    let lines = unit_table(tree, rows, unit.id, d);
    if lines.len() > 1 {
        doc.h2("各地各部门项目推进排名");
        doc.table(
            ["排名", "单位", "项目数", "开工率", "完成率", "红灯", "黄灯"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            lines
                .iter()
                .skip(1)
                .map(|l| {
                    vec![
                        l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
                        l.unit.name.clone(),
                        l.figures.projects.to_string(),
                        pct(l.figures.start_rate_pct),
                        pct(l.figures.completion_pct),
                        l.figures.red.to_string(),
                        l.figures.yellow.to_string(),
                    ]
                })
                .collect(),
        );
    }
    for (light, title) in [(Light::Red, "红灯项目"), (Light::Yellow, "黄灯项目")] {
        let list: Vec<_> = rows.iter().filter(|r| r.status.light == light).collect();
        if list.is_empty() {
            continue;
        }
        doc.h2(format!("{title}（{}个）", list.len()));
        doc.table(
            ["项目", "责任单位", "完成率", "原因"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            list.iter()
                .take(30)
                .map(|r| {
                    vec![
                        r.project.fields.name.clone(),
                        r.unit_name.clone(),
                        pct(r.status.annual_completion_pct),
                        r.status.reasons.join("；"),
                    ]
                })
                .collect(),
        );
        if list.len() > 30 {
            doc.para(format!(
                "（另有{}个{}，详见项目库。）",
                list.len() - 30,
                title
            ));
        }
    }
}

/// The overdue notices as a table: the matter, the unit, the deadline, the days past it and the
/// ladder step reached.
fn overdue_table(doc: &mut OfficialDoc, notices: &[&diaodu_store::Notice]) {
    doc.table(
        ["督办事项", "承办单位", "反馈期限", "逾期天数", "升级至"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        notices
            .iter()
            .map(|n| {
                vec![
                    n.title.clone(),
                    n.unit_name.clone(),
                    fmt_date(n.reply_by),
                    n.days_overdue.to_string(),
                    n.escalation.zh().into(),
                ]
            })
            .collect(),
    );
}

/// The minutes (会议纪要) of a meeting as an official document.
pub async fn minutes(store: &Store, tree: &UnitTree, m: &Meeting) -> Result<OfficialDoc, Error> {
    let unit = tree
        .get(m.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let mut doc = OfficialDoc::new();
    doc.title(format!("{}纪要", m.title));
    doc.para(format!(
        "{}，{}召开{}，调度{}重点工作推进情况。",
        fmt_date_zh(m.date),
        unit,
        m.title,
        m.review_period
    ));
    if !m.attendees.is_empty() {
        doc.para(format!("参加会议的有：{}。", m.attendees));
    }
    if !m.agenda.is_empty() {
        doc.para(format!("会议议程：{}", m.agenda));
    }
    if !m.minutes.is_empty() {
        doc.para(m.minutes.clone());
    }
    let decisions = store.meetings().decisions(m.id).await?;
    if !decisions.is_empty() {
        doc.h1("会议议定事项");
        let tasks = store.tasks().rows(tree, Scope::All, m.date).await?;
        for (i, x) in decisions.iter().enumerate() {
            let owner = tasks.iter().find(|t| t.task.id == x.task_id);
            doc.para(format!(
                "{}. {}{}",
                i + 1,
                x.content,
                owner
                    .map(|t| format!(
                        "（牵头单位：{}；完成时限：{}）",
                        t.lead_unit,
                        fmt_date_zh(t.task.deadline)
                    ))
                    .unwrap_or_default()
            ));
        }
    }
    let issuer = doc_setting(store, "document.issuer", || format!("{unit}人民政府督查室")).await?;
    doc.signature(issuer, fmt_date_zh(m.date));
    Ok(doc)
}

/// The first character of a place's name, which begins its authorities' 机关代字 (云川市 → 云).
fn first_char(name: &str) -> String {
    name.chars().next().map(String::from).unwrap_or_default()
}

/// The briefing as handed out at the meeting: [`briefing`] under the red mark of the dispatch
/// meeting's materials, with the issuing body and the meeting's date beneath it. Materials for a
/// meeting carry no 发文字号 and no 版记: they are not sent out.
pub async fn briefing_issued(
    store: &Store,
    tree: &UnitTree,
    m: &Meeting,
) -> Result<OfficialDoc, Error> {
    let mut doc = briefing(store, tree, m).await?;
    let unit = tree
        .get(m.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let issuer = doc_setting(store, "document.issuer", || format!("{unit}人民政府督查室")).await?;
    doc.masthead(Masthead {
        mark: "重点工作调度会材料".into(),
        sides: Some((issuer, fmt_date_zh(m.date))),
        ..Default::default()
    });
    Ok(doc)
}

/// The minutes as issued (GB/T 9704's 纪要 format): the red mark 重点工作调度会纪要, the issue's
/// number of the year (第N期, one sequence per issuing body and year, the same number each time
/// this meeting's minutes are produced), the issuing body and the date, and a 版记 naming who
/// receives them and who printed them when.
pub async fn minutes_issued(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    m: &Meeting,
) -> Result<OfficialDoc, Error> {
    let mut doc = minutes(store, tree, m).await?;
    let unit = tree
        .get(m.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let issuer = doc_setting(store, "document.issuer", || format!("{unit}人民政府督查室")).await?;
    let prefix = doc_setting(store, "document.prefix", || {
        format!("{}政督", first_char(&unit))
    })
    .await?;
    let n = store
        .documents()
        .number(
            actor,
            &format!("{prefix}纪要"),
            m.date.year(),
            "minutes",
            &format!("meeting/{}", m.id),
            &format!("{}纪要", m.title),
        )
        .await?;
    doc.masthead(Masthead {
        mark: "重点工作调度会纪要".into(),
        number: Some(format!("〔{}〕第{}期", n.year, n.seq)),
        sides: Some((issuer.clone(), fmt_date_zh(m.date))),
        ..Default::default()
    })
    .colophon(Colophon {
        copies_to: Some(format!(
            "市委、市政府领导，{unit}各县区人民政府，市直各有关部门"
        )),
        copies_label: "分送",
        printed_by: issuer,
        printed_on: fmt_date_zh(m.date),
    });
    Ok(doc)
}

/// The scorecard notice as issued on `date`: [`notice`] signed by the scorecard's issuing body
/// (`document.scorecard_issuer`, else the region's statistics bureau), under its red mark with the
/// notice's 发文字号 — the next of the body's prefix (`document.scorecard_prefix`, else the region's
/// first character and 统字) in the year, and the same number each time the same region's notice of
/// the same period is produced — and a 版记 with who printed it when.
pub async fn scorecard_notice(
    store: &Store,
    actor: &Actor,
    sc: &Scorecard,
    date: Date,
) -> Result<OfficialDoc, Error> {
    let issuer = doc_setting(store, "document.scorecard_issuer", || {
        format!("{}统计局", sc.region.name)
    })
    .await?;
    let prefix = doc_setting(store, "document.scorecard_prefix", || {
        format!("{}统字", first_char(&sc.region.name))
    })
    .await?;
    let mut doc = notice(sc, &issuer, date);
    let title = doc.title_text().to_string();
    let n = store
        .documents()
        .number(
            actor,
            &prefix,
            date.year(),
            "scorecard_notice",
            &format!("{}/{}", sc.region.code, sc.period),
            &title,
        )
        .await?;
    doc.masthead(Masthead {
        mark: format!("{issuer}文件"),
        number: Some(n.zh()),
        ..Default::default()
    })
    .colophon(Colophon {
        copies_to: None,
        copies_label: "抄送",
        printed_by: issuer,
        printed_on: fmt_date_zh(date),
    });
    Ok(doc)
}

/// A document as the caller downloads it, from a page's button or the API alike: the .docx and the
/// name an office files it under.
pub struct Issued {
    /// The document.
    pub doc: OfficialDoc,
    /// The file name, in Chinese (`…会议纪要.docx`).
    pub file_name: String,
    /// The .docx, once it is written (and kept in the library).
    pub bytes: Vec<u8>,
}

impl Issued {
    /// Named after its title.
    pub fn titled(doc: OfficialDoc) -> Issued {
        let file_name = format!("{}.docx", doc.title_text());
        Issued::named(doc, file_name)
    }

    /// Named `file_name`.
    pub fn named(doc: OfficialDoc, file_name: String) -> Issued {
        Issued {
            doc,
            file_name,
            bytes: Vec::new(),
        }
    }

    /// Writes the .docx and keeps it in the library as filed by `f`, for the caller.
    pub(crate) async fn kept(
        mut self,
        state: &crate::AppState,
        c: &crate::auth::Current,
        f: super::library::Filing,
    ) -> Result<Issued, Error> {
        self.bytes = self.doc.to_docx();
        super::library::keep_issued(
            &state.store,
            &state.cfg.files_dir,
            &c.actor(),
            &self,
            &self.bytes,
            &f,
        )
        .await?;
        Ok(self)
    }
}

/// The monthly notice of `month` (YYYY-MM) on the projects of `unit` (default: the top of the
/// caller's scope), as the page's button and the API produce it: issuing a numbered document is the
/// supervision office's (`IssueNotices`), of a unit within its scope, for a month begun.
pub async fn monthly_notice_for(
    state: &crate::AppState,
    c: &crate::auth::Current,
    unit: Option<i64>,
    month: &str,
) -> Result<Issued, Error> {
    c.require(diaodu_domain::access::Action::IssueNotices)?;
    let (year, m) = parse_month(month)?;
    let unit = unit.unwrap_or_else(|| super::scope::scope_root(c));
    let tree = state.check_scope(c.scope, unit).await?;
    let doc = monthly_notice(
        &state.store,
        &c.actor(),
        &tree,
        unit,
        (year, m),
        state.today(),
    )
    .await?;
    let f = monthly_filing(unit, (year, m), state.today());
    Issued::titled(doc).kept(state, c, f).await
}

/// Where the monthly notice of `unit` for `(year, month)` is kept: one per unit and month, dated
/// the month's last day, or `today` while the month runs.
pub fn monthly_filing(unit: i64, (year, month): (i32, u8), today: Date) -> super::library::Filing {
    let last = diaodu_domain::Period::Month { year, month }.last_day();
    super::library::Filing {
        kind: "monthly_notice",
        subject: format!("monthly:{unit}:{year}-{month:02}"),
        date: Some(last.min(today)),
        unit_id: unit,
        series: format!("monthly:{unit}"),
        ..Default::default()
    }
}

/// The scorecard notice of a region (id, code or name; default the caller's unit) for a period
/// (default the newest with data), for those who view scorecards, issued today; filed as
/// `{地区}{期间}主要经济指标运行情况通报.docx`.
pub async fn scorecard_notice_for(
    state: &crate::AppState,
    c: &crate::auth::Current,
    region: Option<&str>,
    period: Option<&str>,
) -> Result<Issued, Error> {
    c.require(diaodu_domain::access::Action::ViewScorecard)?;
    let tree = state.store.units().await?;
    let region = super::scope::resolve_region(&tree, c, region)?;
    let period = super::scope::resolve_period(state, period).await?;
    let sc = state
        .store
        .indicators()
        .scorecard(&tree, region, period)
        .await?;
    let doc = scorecard_notice(&state.store, &c.actor(), &sc, state.today()).await?;
    let name = format!(
        "{}{}主要经济指标运行情况通报.docx",
        sc.region.name,
        period.zh()
    );
    let f = super::library::Filing {
        kind: "scorecard_notice",
        subject: format!("scorecard:{}:{period}", sc.region.id),
        date: Some(state.today()),
        unit_id: sc.region.id,
        series: format!("scorecard:{}", sc.region.id),
        ..Default::default()
    };
    Issued::named(doc, name).kept(state, c, f).await
}

/// A meeting's briefing (`minutes` false) or minutes, for those who may see the meeting; filed as
/// `{日期}重点工作调度会会议材料.docx` or `…会议纪要.docx`.
pub async fn meeting_document_for(
    state: &crate::AppState,
    c: &crate::auth::Current,
    meeting: i64,
    minutes: bool,
) -> Result<Issued, Error> {
    let (m, tree) = super::scope::load_meeting(state, c, meeting).await?;
    let (doc, what) = if minutes {
        (
            minutes_issued(&state.store, &c.actor(), &tree, &m).await?,
            "会议纪要",
        )
    } else {
        (briefing_issued(&state.store, &tree, &m).await?, "会议材料")
    };
    let name = format!("{}重点工作调度会{what}.docx", fmt_date_zh(m.date));
    Issued::named(doc, name)
        .kept(state, c, meeting_filing(&m, minutes))
        .await
}

/// Where a meeting's briefing (`minutes` false) or minutes are kept: one each per meeting, dated
/// the meeting's day, in the series of the holding unit's meetings.
pub fn meeting_filing(m: &Meeting, minutes: bool) -> super::library::Filing {
    super::library::Filing {
        kind: if minutes { "minutes" } else { "briefing" },
        subject: format!("meeting:{}", m.id),
        date: Some(m.date),
        unit_id: m.unit_id,
        meeting_id: Some(m.id),
        series: format!("meetings:{}", m.unit_id),
        ..Default::default()
    }
}

/// A supervision notice as its 督办通知书 (`closing` false) or, once closed, its 办结报告, for those
/// who may see the notice; named after its title. A closing report of an open notice is a conflict.
pub async fn notice_document_for(
    state: &crate::AppState,
    c: &crate::auth::Current,
    notice: i64,
    closing: bool,
) -> Result<Issued, Error> {
    let (n, events, tree) = super::scope::load_notice(state, c, notice).await?;
    let doc = if closing {
        closing_report(&state.store, &tree, &n, &events)
            .await?
            .ok_or_else(|| {
                Error::Store(diaodu_store::StoreError::Conflict(
                    "督办事项尚未办结，还没有办结报告".into(),
                ))
            })?
    } else {
        supervision_notice(&state.store, &c.actor(), &tree, &n).await?
    };
    let f = notice_filing(&n, closing, state.today());
    Issued::titled(doc).kept(state, c, f).await
}

/// Where a supervision notice's 督办通知书 (`closing` false, dated the day it was issued) or its
/// 办结报告 (dated `today`) is kept: one each per notice, concerning the notice and its project.
pub fn notice_filing(
    n: &diaodu_store::Notice,
    closing: bool,
    today: Date,
) -> super::library::Filing {
    super::library::Filing {
        kind: if closing {
            "closing_report"
        } else {
            "supervision_notice"
        },
        subject: format!("notice:{}", n.id),
        date: Some(if closing {
            today
        } else {
            local_day(&n.issued_at).unwrap_or(today)
        }),
        unit_id: n.unit_id,
        notice_id: Some(n.id),
        project_id: (n.subject_kind == "project")
            .then_some(n.subject_id)
            .flatten(),
        ..Default::default()
    }
}

/// The monthly notice on the key projects (重点项目建设情况月度通报) of `unit` for the month of `(year,
/// month)`, as of its last day — or `today` while the month runs: the overall figures against time
/// progress with 双过半 where due, the units ranked, the red and yellow projects with their reasons,
/// the projects stalled after starting (开而未建), the units late with their reports, and the
/// supervision notices that went up the ladder; issued under the supervision office's red mark with
/// the next 发文字号 of its prefix (`document.prefix`), the same number each time this month's
/// notice of this unit is produced.
pub async fn monthly_notice(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    unit_id: i64,
    (year, month): (i32, u8),
    today: Date,
) -> Result<OfficialDoc, Error> {
    let (unit, d) = notice_month(tree, unit_id, (year, month), today)?;
    let scope = Scope::Subtree(unit.id);
    let rows = store
        .projects()
        .statuses(tree, scope, &ProjectFilter::default(), d)
        .await?;
    let mut doc = OfficialDoc::new();
    let title = format!("关于{year}年{month}月{}重点项目建设情况的通报", unit.name);
    doc.title(title.clone());
    doc.addressee("各县区人民政府，市直各有关部门");
    doc.para(format!(
        "为加快推进重点项目建设，现将{year}年{month}月{}重点项目建设情况通报如下。",
        unit.name
    ));
    doc.h1("总体情况");
    projects_part(&mut doc, tree, &unit, &rows, d);

    let stalled: Vec<_> = rows
        .iter()
        .filter(|r| r.status.started && r.status.stalled)
        .collect();
    doc.h1("开而未建项目");
    if stalled.is_empty() {
        doc.para("本月无开而未建项目。");
    } else {
        doc.para(format!(
            "已开工但连续无投资进度的项目{}个，请责任单位查明原因，限期复工。",
            stalled.len()
        ));
        doc.table(
            ["项目", "责任单位", "实际开工", "本年完成(亿元)"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            stalled
                .iter()
                .map(|r| {
                    vec![
                        r.project.fields.name.clone(),
                        r.unit_name.clone(),
                        r.project
                            .fields
                            .actual_start
                            .map(fmt_date)
                            .unwrap_or_else(|| "—".into()),
                        yi(r.status.ytd_investment),
                    ]
                })
                .collect(),
        );
    }

    // Units late with their reports: fewer reports on time than were due, by the on-time rate.
    let mut late: Vec<UnitLine> = unit_table(tree, &rows, unit.id, d)
        .into_iter()
        .skip(1)
        .filter(|l| l.figures.reports_on_time < l.figures.reports_due)
        .collect();
    late.sort_by(|a, b| {
        a.figures
            .on_time_pct
            .unwrap_or(0.0)
            .total_cmp(&b.figures.on_time_pct.unwrap_or(0.0))
    });
    doc.h1("进度填报情况");
    if late.is_empty() {
        doc.para("各单位均按时报送项目进度。");
    } else {
        doc.para(format!(
            "{}个单位未按时报送全部项目进度，请加强调度、按时报送。",
            late.len()
        ));
        doc.table(
            ["单位", "本年应报(次)", "按时报送(次)", "按时率"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            late.iter()
                .map(|l| {
                    vec![
                        l.unit.name.clone(),
                        l.figures.reports_due.to_string(),
                        l.figures.reports_on_time.to_string(),
                        pct(l.figures.on_time_pct),
                    ]
                })
                .collect(),
        );
    }

    let notices = store.notices().list(tree, scope, d).await?;
    let escalated: Vec<_> = notices
        .iter()
        .filter(|n| {
            n.escalation.level() > 0 && n.days_overdue > 0 && n.state != NoticeState::Closed
        })
        .collect();
    doc.h1("督办升级情况");
    if escalated.is_empty() {
        doc.para("本月无逾期升级的督办事项。");
    } else {
        doc.para(format!(
            "逾期未反馈并已升级的督办事项{}件，请承办单位立即办理反馈。",
            escalated.len()
        ));
        overdue_table(&mut doc, &escalated);
    }
    doc.h1("下一步工作要求");
    doc.para(
        "各责任单位要对照时序进度查找差距，红灯项目逐个制定整改措施，黄灯项目加快赶超，开而未建项目限期复工；按时报送项目进度，确保数据真实准确。",
    );
    let issuer = doc_setting(store, "document.issuer", || {
        format!("{}人民政府督查室", unit.name)
    })
    .await?;
    let prefix = doc_setting(store, "document.prefix", || {
        format!("{}政督", first_char(&unit.name))
    })
    .await?;
    sign_and_number(
        store,
        actor,
        &mut doc,
        Issuer {
            name: issuer,
            prefix,
        },
        (
            "monthly_notice",
            &format!("{}/{year}-{month:02}", unit.code),
        ),
        today,
    )
    .await?;
    Ok(doc)
}

/// Who issues a numbered notice: the issuing body (发文机关) and its 机关代字.
pub struct Issuer {
    /// 发文机关, e.g. 云川市人民政府督查室.
    pub name: String,
    /// 机关代字, e.g. 云政督.
    pub prefix: String,
}

/// Signs `doc` by `issuer` on `today`, gives it the next 发文字号 of the issuer's prefix for
/// (`kind`, `subject`) — the same number when the same document is produced again — and sets the
/// issuer's red mark and the colophon: the ending every numbered notice shares.
pub async fn sign_and_number(
    store: &Store,
    actor: &Actor,
    doc: &mut OfficialDoc,
    issuer: Issuer,
    (kind, subject): (&str, &str),
    today: Date,
) -> Result<(), Error> {
    doc.signature(issuer.name.clone(), fmt_date_zh(today));
    let title = doc.title_text().to_string();
    let n = store
        .documents()
        .number(actor, &issuer.prefix, today.year(), kind, subject, &title)
        .await?;
    doc.masthead(Masthead {
        mark: format!("{}文件", issuer.name),
        number: Some(n.zh()),
        ..Default::default()
    })
    .colophon(Colophon {
        copies_to: None,
        copies_label: "抄送",
        printed_by: issuer.name,
        printed_on: fmt_date_zh(today),
    });
    Ok(())
}

/// The month a monthly notice names (`YYYY-MM`).
pub fn parse_month(month: &str) -> Result<(i32, u8), Error> {
    match diaodu_domain::Period::parse(month.trim()) {
        Ok(diaodu_domain::Period::Month { year, month }) => Ok((year, month)),
        _ => Err(Error::invalid("月份", "应为 YYYY-MM，如 2026-11")),
    }
}

/// The unit a monthly notice of `(year, month)` covers and the day it speaks of: the month's last
/// day, or `today` while the month runs; a month not begun is refused.
pub fn notice_month(
    tree: &UnitTree,
    unit_id: i64,
    (year, month): (i32, u8),
    today: Date,
) -> Result<(diaodu_store::Unit, Date), Error> {
    let unit = tree
        .get(unit_id)
        .cloned()
        .ok_or_else(|| Error::NotFound("单位".into()))?;
    let m = time::Month::try_from(month).map_err(|_| Error::invalid("月份", "应为 1 至 12"))?;
    let first = Date::from_calendar_date(year, m, 1).map_err(|_| Error::invalid("月份", "无效"))?;
    if first > today {
        return Err(Error::invalid("月份", "尚未开始，不能通报"));
    }
    Ok((
        unit,
        first.replace_day(m.length(year)).expect("valid").min(today),
    ))
}

pub(crate) use diaodu_store::local_day;

/// A supervision notice as the document sent to its unit (督办通知书): addressed to the unit, what
/// is to be done, the reply deadline and what follows a late reply, signed and dated by the
/// supervision office on the day it was issued; under the office's red mark with its 发文字号 (the
/// same each time this notice is printed).
pub async fn supervision_notice(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    n: &diaodu_store::Notice,
) -> Result<OfficialDoc, Error> {
    let city = city_of(tree, n.unit_id);
    let issuer = doc_setting(store, "document.issuer", || format!("{city}人民政府督查室")).await?;
    let prefix = doc_setting(store, "document.prefix", || {
        format!("{}政督", first_char(&city))
    })
    .await?;
    let issued = local_day(&n.issued_at).unwrap_or(n.reply_by);
    let mut doc = OfficialDoc::new();
    doc.title(n.title.clone());
    doc.addressee(n.unit_name.clone());
    for p in n.content.lines().map(str::trim).filter(|p| !p.is_empty()) {
        doc.para(p.to_string());
    }
    doc.para(format!(
        "请于{}前将办理情况书面反馈{issuer}（督办编号：{}）。逾期未反馈的，将按督办升级规定依次予以提醒、催办、通报、约谈，直至提请问责。",
        fmt_date_zh(n.reply_by),
        n.code
    ));
    doc.signature(issuer.clone(), fmt_date_zh(issued));
    let number = store
        .documents()
        .number(
            actor,
            &prefix,
            issued.year(),
            "supervision_notice",
            &format!("notice/{}", n.id),
            &n.title,
        )
        .await?;
    doc.masthead(Masthead {
        urgency: (n.escalation.level() >= 2).then(|| "加急".to_string()),
        mark: format!("{issuer}文件"),
        number: Some(number.zh()),
        ..Default::default()
    })
    .colophon(Colophon {
        copies_to: None,
        copies_label: "抄送",
        printed_by: issuer,
        printed_on: fmt_date_zh(issued),
    });
    Ok(doc)
}

/// The closing report of a notice closed after verification (督办事项办结报告): the matter, the
/// unit's replies with their dates, the ladder steps it reached, and the verification that closed
/// it; under the mark 督办事项办结报告 with the office and the day it was closed. `None` while the
/// notice is open.
pub async fn closing_report(
    store: &Store,
    tree: &UnitTree,
    n: &diaodu_store::Notice,
    events: &[diaodu_store::NoticeEvent],
) -> Result<Option<OfficialDoc>, Error> {
    if n.state != NoticeState::Closed {
        return Ok(None);
    }
    let city = city_of(tree, n.unit_id);
    let issuer = doc_setting(store, "document.issuer", || format!("{city}人民政府督查室")).await?;
    let day = |e: &diaodu_store::NoticeEvent| {
        local_day(&e.at)
            .map(fmt_date_zh)
            .unwrap_or_else(|| e.at.clone())
    };
    let closed = events.iter().rev().find(|e| e.kind == "close");
    let closed_on = closed.and_then(|e| local_day(&e.at)).unwrap_or(n.reply_by);
    let mut doc = OfficialDoc::new();
    doc.title(format!("“{}”办结报告", n.title));
    doc.h1("督办事项");
    doc.para(format!(
        "{}（督办编号：{}），承办单位：{}，反馈期限：{}。",
        n.title,
        n.code,
        n.unit_name,
        fmt_date_zh(n.reply_by)
    ));
    if !n.content.trim().is_empty() {
        doc.para(n.content.trim().to_string());
    }
    doc.h1("办理情况");
    let replies: Vec<_> = events.iter().filter(|e| e.kind == "reply").collect();
    if replies.is_empty() {
        doc.para("承办单位未书面反馈。");
    }
    for e in &replies {
        doc.para(format!(
            "{}，{}反馈：{}",
            day(e),
            e.user_name,
            e.body.trim()
        ));
    }
    for e in events.iter().filter(|e| e.kind == "send_back") {
        doc.para(format!("{}，退回重办：{}", day(e), e.body.trim()));
    }
    let steps: Vec<String> = events
        .iter()
        .filter_map(|e| e.kind.strip_prefix("escalate:").map(|s| (e, s)))
        .map(|(e, s)| {
            let step = diaodu_domain::notice::Escalation::parse(s)
                .map(|x| x.zh().to_string())
                .unwrap_or_else(|| s.to_string());
            format!(
                "{}（{}）",
                step,
                e.effective_on.clone().unwrap_or_else(|| day(e))
            )
        })
        .collect();
    if !steps.is_empty() {
        doc.para(format!("办理中因逾期升级：{}。", steps.join("、")));
    }
    doc.h1("核查意见");
    match closed {
        Some(e) if !e.body.trim().is_empty() => {
            let body = e.body.trim().trim_end_matches('。');
            let close = if body.contains("办结") {
                ""
            } else {
                "，予以办结"
            };
            doc.para(format!("{}，{}核查：{body}{close}。", day(e), e.user_name))
        }
        Some(e) => doc.para(format!("{}，{}核查，予以办结。", day(e), e.user_name)),
        None => doc.para("经核查，予以办结。"),
    };
    doc.signature(issuer.clone(), fmt_date_zh(closed_on));
    doc.masthead(Masthead {
        mark: "督办事项办结报告".into(),
        sides: Some((issuer, fmt_date_zh(closed_on))),
        ..Default::default()
    });
    Ok(Some(doc))
}

/// The name of the city (the nearest unit of that kind above or at `unit_id`, else the top of its
/// branch) that derived issuing bodies are named after.
fn city_of(tree: &UnitTree, unit_id: i64) -> String {
    let mut at = tree.get(unit_id);
    let mut top = None;
    while let Some(u) = at {
        if u.kind == diaodu_domain::access::UnitKind::City {
            return u.name.clone();
        }
        top = Some(u);
        at = u.parent_id.and_then(|p| tree.get(p));
    }
    top.map(|u| u.name.clone()).unwrap_or_default()
}

/// A region's scorecard for one period, as the API and `diaodu scorecard --format json` give it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ScorecardOut {
    /// Region name.
    pub region: String,
    /// Region code.
    pub region_code: String,
    /// Region id.
    pub region_id: i64,
    /// Period, as given (`2026-Q3`).
    pub period: String,
    /// The summary paragraph.
    pub summary: String,
    /// One card per indicator.
    pub indicators: Vec<diaodu_domain::scorecard::IndicatorCard>,
}

impl ScorecardOut {
    /// The record of a scorecard.
    pub fn of(sc: &Scorecard) -> ScorecardOut {
        ScorecardOut {
            region: sc.region.name.clone(),
            region_code: sc.region.code.clone(),
            region_id: sc.region.id,
            period: sc.period.to_string(),
            summary: sc.summary.clone(),
            indicators: sc.indicators.iter().map(|c| c.card.clone()).collect(),
        }
    }
}

/// A document's text setting — the issuing body it is signed with, its 机关代字 — when the
/// administrator has set one, else the name derived from the unit (`derived`).
pub async fn doc_setting(
    store: &Store,
    key: &str,
    derived: impl FnOnce() -> String,
) -> Result<String, Error> {
    Ok(store
        .setting(key)
        .await?
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(derived))
}

/// The scorecard as JSON (the API, `diaodu scorecard --format json`).
pub fn scorecard_json(sc: &Scorecard) -> Value {
    serde_json::to_value(ScorecardOut::of(sc)).unwrap_or(Value::Null)
}

/// The scorecard as plain text: the summary and one paragraph per indicator.
pub fn scorecard_text(sc: &Scorecard) -> String {
    let mut s = format!("{}\n", sc.summary);
    for c in &sc.indicators {
        s += &format!("\n{}\n", c.card.text);
    }
    s
}

/// The scorecard as an official notice (通报) in the GB/T 9704 layout.
pub fn notice(sc: &Scorecard, issuer: &str, date: Date) -> OfficialDoc {
    let mut d = OfficialDoc::new();
    d.title(format!(
        "关于{}{}主要经济指标运行情况的通报",
        sc.period.zh(),
        sc.region.name
    ));
    d.addressee("各县区人民政府，市直各有关部门");
    d.para(format!(
        "现将{}{}主要经济指标在{}同级地区中的排位情况通报如下。",
        sc.period.zh(),
        sc.region.name,
        sc.parent
            .as_ref()
            .map(|p| p.name.as_str())
            .unwrap_or("全部")
    ));
    d.h1("总体情况");
    d.para(sc.summary.clone());
    d.h1("分项指标情况");
    for c in &sc.indicators {
        d.h2(&c.card.name);
        d.para(c.card.text.clone());
    }
    d.h1("主要指标排位表");
    let opt = |v: Option<f64>| v.map(d1).unwrap_or_else(|| "—".into());
    let rows = sc
        .indicators
        .iter()
        .map(|c| {
            let k = &c.card;
            vec![
                k.name.clone(),
                opt(k.value),
                opt(k.growth_pct),
                k.rank
                    .map(|r| format!("{r}/{}", k.peer_count))
                    .unwrap_or_else(|| "—".into()),
                match k.rank_change {
                    Some(0) => "持平".into(),
                    Some(x) if x > 0 => format!("↑{x}"),
                    Some(x) => format!("↓{}", -x),
                    None => "—".into(),
                },
                k.above
                    .as_ref()
                    .map(|a| d1(a.gap_pp))
                    .unwrap_or_else(|| "—".into()),
                k.below
                    .as_ref()
                    .map(|b| d1(b.gap_pp))
                    .unwrap_or_else(|| "—".into()),
                opt(k.needed_growth_pct),
            ]
        })
        .collect();
    d.table(
        [
            "指标",
            "本期数值",
            "增速(%)",
            "排名",
            "位次变化",
            "与前一位差距",
            "领先后一位",
            "追赶所需增速(%)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows,
    );
    let weak: Vec<&str> = sc
        .indicators
        .iter()
        .filter(|c| c.card.rank.is_some_and(|r| r * 3 > 2 * c.card.peer_count))
        .map(|c| c.card.name.as_str())
        .collect();
    d.h1("下一步工作要求");
    if weak.is_empty() {
        d.para("各牵头部门要巩固当前发展态势，对标先进找差距，确保全年目标任务圆满完成。");
    } else {
        d.para(format!(
            "对排位靠后的{}等指标，各牵头部门要深入分析原因，逐项制定追赶措施，按月调度、按季评估，确保全年目标任务完成。",
            weak.join("、")
        ));
    }
    d.signature(issuer, diaodu_domain::period::fmt_date_zh(date));
    d
}

/// Ledger lines for export.
pub fn ledger_rows(rows: &[ProjectStatusRow]) -> Vec<LedgerRow> {
    rows.iter()
        .map(|r| LedgerRow {
            unit: r.unit_name.clone(),
            fields: r.project.fields.clone(),
            light: r.status.light.zh(),
            time_progress_pct: r.status.time_progress_pct,
            ytd: r.status.ytd_investment,
            completion_pct: r.status.annual_completion_pct,
            lag_pp: r.status.lag_pp,
            reasons: r.status.reasons.join("；"),
        })
        .collect()
}

/// Ranking lines for export (the first, the parent's total, is left out).
pub fn ranking_rows(lines: &[UnitLine]) -> Vec<RankingRow> {
    lines
        .iter()
        .skip(1)
        .map(|l| RankingRow {
            rank: l.rank,
            unit: l.unit.name.clone(),
            projects: l.figures.projects,
            started: l.figures.started,
            start_rate_pct: l.figures.start_rate_pct,
            annual_plan: l.figures.annual_plan,
            ytd: l.figures.ytd_investment,
            completion_pct: l.figures.completion_pct,
            red: l.figures.red,
            yellow: l.figures.yellow,
            green: l.figures.green,
            on_time_pct: l.figures.on_time_pct,
            double_half: l.figures.double_half,
        })
        .collect()
}
