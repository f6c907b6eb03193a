//! The library's part of `diaodu bench`: fills the 材料库 to a given number of documents with
//! synthetic official texts (once; later runs find them there) and times searches of every shape a
//! user makes — a rare phrase, a common word, a two-character word, one character, a search within
//! a reader's scope, a list by year — as percentiles over many searches.

use std::time::Instant;

use anyhow::Result;
use diaodu_domain::access::Scope;
use diaodu_domain::fulltext::Query;
use diaodu_store::{Actor, DocSearch, NewDocument, Store, Viewer};
use time::Date;

use crate::bench::Measure;
use crate::gen::Rng;

const PLACES: [&str; 12] = [
    "城东",
    "城西",
    "滨江",
    "高新",
    "临港",
    "北山",
    "南湖",
    "新城",
    "老城",
    "开发区",
    "物流园",
    "空港",
];
const WORKS: [&str; 16] = [
    "污水处理厂",
    "快速路",
    "产业园",
    "第一中学",
    "人民医院",
    "安置小区",
    "国道改造",
    "综合管廊",
    "数据中心",
    "轨道交通",
    "体育中心",
    "供水管网",
    "物流枢纽",
    "光伏电站",
    "旧城改造",
    "智慧园区",
];
const MATTERS: [&str; 14] = [
    "征地拆迁",
    "环评审批",
    "资金拨付",
    "用地报批",
    "施工许可",
    "能耗指标",
    "管线迁改",
    "林地手续",
    "规划调整",
    "招标采购",
    "电力接入",
    "专项债券",
    "安全生产",
    "防汛度汛",
];
const FILLER: [&str; 8] = [
    "各责任单位要进一步压实责任，倒排工期，确保按时序进度完成年度目标任务。",
    "对进度滞后的项目，由督查室实行挂牌督办，每周调度、每月通报。",
    "要强化要素保障，及时协调解决项目推进中的困难和问题。",
    "请各单位于每周五前报送项目进展情况，逾期未报的予以通报。",
    "会议听取了各地各部门重点项目推进情况汇报，研究部署下一阶段工作。",
    "要坚持问题导向，建立问题清单、责任清单和整改清单，实行销号管理。",
    "市政府将对重点项目建设情况开展专项督查，督查结果纳入年度综合考核。",
    "各级领导干部要深入一线，靠前指挥，推动项目早开工、早投产、早见效。",
];
const KINDS: [(&str, &str); 6] = [
    ("monthly_notice", "重点项目建设情况通报"),
    ("briefing", "重点工作调度会会议材料"),
    ("minutes", "重点工作调度会会议纪要"),
    ("supervision_notice", "督办通知书"),
    ("closing_report", "督办事项办结报告"),
    ("reference", "工作要点"),
];

fn pick<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

/// A synthetic document of unit `unit`: a kind's title about a place's works and a matter, and
/// 8–40 sentences (about 300 to 1,800 characters) mixing them with the office's usual phrases.
fn document(rng: &mut Rng, unit: (i64, &str), day0: Date, i: usize) -> NewDocument {
    let (kind, what) = KINDS[rng.below(KINDS.len() as u64) as usize];
    let place = pick(rng, &PLACES);
    let work = pick(rng, &WORKS);
    let matter = pick(rng, &MATTERS);
    let date = day0 + time::Duration::days(rng.below(3 * 365) as i64);
    let title = match kind {
        "supervision_notice" | "closing_report" => {
            format!("关于{}{place}{work}{matter}的{what}", unit.1)
        }
        _ => format!("{}{}年第{}期{what}", unit.1, date.year(), 1 + i % 40),
    };
    let mut body = format!("{}：\n", unit.1);
    for _ in 0..rng.range(8, 40) {
        match rng.below(3) {
            0 => {
                body += &format!(
                    "{}{}项目{}工作进展缓慢，",
                    pick(rng, &PLACES),
                    pick(rng, &WORKS),
                    pick(rng, &MATTERS)
                );
                body += pick(rng, &FILLER);
            }
            1 => {
                body += &format!(
                    "截至{}月底，{place}{work}完成投资{}万元。",
                    1 + rng.below(12),
                    rng.range(100, 90_000)
                )
            }
            _ => body += pick(rng, &FILLER),
        }
        if rng.below(5) == 0 {
            body.push('\n');
        }
    }
    let sha = format!("{:064x}", rng.next());
    NewDocument {
        kind: kind.into(),
        subject: None,
        number: String::new(),
        title,
        date,
        issuer: "市人民政府督查室".into(),
        recipients: "各区县人民政府".into(),
        unit_id: unit.0,
        meeting_id: None,
        project_id: None,
        task_id: None,
        notice_id: None,
        series: String::new(),
        file_name: "bench.docx".into(),
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            .into(),
        size: body.len() as i64,
        sha256: sha,
        stored_name: "bench".into(),
        body,
        summary: String::new(),
    }
}

/// Fills the library up to `n` documents (those there count), in transactions of 1,000. Returns
/// the documents written and the seconds it took.
async fn fill(store: &Store, n: usize, today: Date) -> Result<(usize, f64)> {
    let have = store.documents().count().await? as usize;
    if have >= n {
        return Ok((0, 0.0));
    }
    let tree = store.units().await?;
    let units: Vec<(i64, String)> = tree
        .within(Scope::All)
        .into_iter()
        .map(|u| (u.id, u.name.clone()))
        .collect();
    anyhow::ensure!(
        !units.is_empty(),
        "材料库基准测试需要单位：请先运行 diaodu gen"
    );
    let day0 = today - time::Duration::days(3 * 365);
    let mut rng = Rng(0x6C1B_0000 + have as u64);
    let t = Instant::now();
    let mut done = 0;
    while have + done < n {
        let batch: Vec<NewDocument> = (0..(n - have - done).min(1000))
            .map(|i| {
                let u = &units[rng.below(units.len() as u64) as usize];
                document(&mut rng, (u.0, &u.1), day0, have + done + i)
            })
            .collect();
        store.documents().keep_all(&Actor::cli(), &batch).await?;
        done += batch.len();
    }
    let secs = t.elapsed().as_secs_f64();
    // The planner's statistics of the new rows, as autovacuum would gather them (it may be off).
    sqlx::query("ANALYZE documents")
        .execute(store.pool())
        .await?;
    Ok((done, secs))
}

/// Untimed searches of each shape before its timed ones.
const WARM_UP: usize = 20;

/// Percentiles of `xs` (milliseconds): (p50, p99).
fn percentiles(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((xs.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

/// Fills the library to `n` documents and times its searches; each shape is searched `rounds`
/// times with different words, and all shapes together give the overall p99.
pub async fn measure(store: &Store, n: usize, rounds: usize, today: Date) -> Result<Vec<Measure>> {
    let (written, secs) = fill(store, n, today).await?;
    let mut out = Vec::new();
    let total = store.documents().count().await?;
    if written > 0 {
        out.push(Measure {
            name: format!("library: documents kept ({written} written)"),
            value: written as f64 / secs.max(1e-6),
            unit: "docs/s".into(),
            floor: None,
            ratio: None,
            floor_is: String::new(),
        });
    }
    let tree = store.units().await?;
    // A reader below the top: the first unit with units below it (on `gen` data, the city: most of
    // the library), seeing no meetings' documents — the scope and kinds both filter.
    let subtree = |u: i64| -> Vec<i64> {
        tree.within(Scope::Subtree(u))
            .into_iter()
            .map(|x| x.id)
            .collect()
    };
    let everyone = tree.within(Scope::All);
    let district = everyone
        .iter()
        .find(|u| u.parent_id.is_some() && subtree(u.id).len() > 1)
        .or(everyone.first())
        .map(|u| u.id);
    let district_viewer = Viewer {
        units: district.map(subtree),
        indicator_units: district.map(subtree),
        meetings: false,
    };
    let all = Viewer::all();
    let mut rng = Rng(7);
    type Shape = (&'static str, fn(&mut Rng) -> String, bool, bool);
    let shapes: [Shape; 7] = [
        (
            "a place's works (rare phrase)",
            |r| format!("{}{}", pick(r, &PLACES), pick(r, &WORKS)),
            false,
            false,
        ),
        (
            "a matter (4 characters)",
            |r| pick(r, &MATTERS).to_string(),
            false,
            false,
        ),
        (
            "two characters",
            |r| pick(r, &MATTERS).chars().take(2).collect(),
            false,
            false,
        ),
        (
            "one character",
            |r| pick(r, &MATTERS).chars().nth(2).unwrap().to_string(),
            false,
            false,
        ),
        (
            "two words",
            |r| format!("{} {}", pick(r, &WORKS), pick(r, &MATTERS)),
            false,
            false,
        ),
        (
            "a matter, within a district",
            |r| pick(r, &MATTERS).to_string(),
            true,
            false,
        ),
        ("a year's list, page 3", |_| String::new(), false, true),
    ];
    let mut every: Vec<f64> = Vec::new();
    for (name, words, in_district, by_year) in shapes {
        let mut times = Vec::with_capacity(rounds);
        // A few searches of the shape first, untimed, as a running server has made them before:
        // the figures are of a library whose index the engine has read, not of the disk.
        for i in 0..rounds + WARM_UP {
            let timed = i >= WARM_UP;
            let s = DocSearch {
                query: Query::parse(&words(&mut rng)),
                year: by_year.then(|| i64::from(today.year()) - 1),
                offset: if by_year { 40 } else { 0 },
                limit: 20,
                ..DocSearch::default()
            };
            let v = if in_district { &district_viewer } else { &all };
            let t = Instant::now();
            std::hint::black_box(store.documents().search(v, &s).await?);
            if timed {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        every.extend_from_slice(&times);
        let (p50, p99) = percentiles(times);
        out.push(Measure {
            name: format!("library search: {name}, p99"),
            value: p99,
            unit: "ms".into(),
            floor: None,
            ratio: None,
            floor_is: format!("p50 {p50:.1} ms, {rounds} searches, {total} documents"),
        });
    }
    let (p50, p99) = percentiles(every.clone());
    out.push(Measure {
        name: "library search: every shape, p99".into(),
        value: p99,
        unit: "ms".into(),
        floor: None,
        ratio: None,
        floor_is: format!(
            "p50 {p50:.1} ms, {} searches, {total} documents",
            every.len()
        ),
    });
    Ok(out)
}
