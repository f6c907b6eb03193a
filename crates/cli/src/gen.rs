//! `diaodu gen`: deterministic synthetic data at named scales, written through the storage layer's bulk
//! paths — a city (about 2,000 projects, 500 tasks, one year of weekly reports) or a province (about
//! 50,000 projects across ten cities, 10,000 tasks, three years of weekly reports: millions of rows).

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result};
use diaodu_domain::access::UnitKind;
use diaodu_domain::import::{IndicatorImportRow, IndicatorValueRow, ProjectRow, UnitRow};
use diaodu_domain::indicator::{Direction, Indicator, IndicatorKind, StatPeriod};
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::task::Cadence;
use diaodu_domain::{Period, Yuan};
use diaodu_store::{Actor, NewTask, Store};
use time::{Date, Duration, Month, Time};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Cities.
    pub cities: usize,
    /// Districts, counties and parks per city.
    pub districts: usize,
    /// Projects.
    pub projects: usize,
    /// Tasks.
    pub tasks: usize,
    /// Weeks of weekly reports, back from today.
    pub weeks: i64,
}

impl Scale {
    /// `city`, `province`, or a number of projects.
    pub fn parse(s: &str) -> Result<Scale> {
        Ok(match s {
            "city" => Scale {
                cities: 1,
                districts: 10,
                projects: 2_000,
                tasks: 500,
                weeks: 52,
            },
            "province" => Scale {
                cities: 10,
                districts: 10,
                projects: 50_000,
                tasks: 10_000,
                weeks: 156,
            },
            n => {
                let projects: usize = n.parse().with_context(|| {
                    format!("--scale 应为 city、province 或项目数，而不是“{n}”")
                })?;
                Scale {
                    cities: (projects / 5_000).clamp(1, 10),
                    districts: 8,
                    projects,
                    tasks: projects / 4,
                    weeks: 52,
                }
            }
        })
    }
}

/// A small deterministic generator (splitmix64), so the same seed always gives the same data.
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

/// Counts of what was written, and how long it took.
#[derive(Debug, Default)]
pub struct Summary {
    /// Units.
    pub units: usize,
    /// Projects.
    pub projects: usize,
    /// Reports.
    pub reports: usize,
    /// Tasks.
    pub tasks: usize,
    /// Indicator values.
    pub values: usize,
    /// Seconds.
    pub seconds: f64,
}

/// The unit code of district `d` of city `c`.
pub fn district_code(c: usize, d: usize) -> String {
    format!("G{c:02}-{d:02}")
}

/// Generates the data set into an empty database.
/// Generates the data set into an empty database; with `files`, also writes it as import files there
/// (`units.csv`, `projects.csv`, `projects.xlsx`, `reports.csv` — reports only as CSV, since three years
/// of weekly reports exceed a worksheet's 1,048,576 rows).
pub async fn generate(
    store: &Store,
    scale: Scale,
    seed: u64,
    today: Date,
    files: Option<&std::path::Path>,
) -> Result<Summary> {
    let t0 = Instant::now();
    anyhow::ensure!(
        store.projects().count().await? == 0,
        "数据库中已有项目：gen 只写入空数据库"
    );
    let actor = Actor {
        user_id: None,
        login: "gen".into(),
    };
    let mut rng = Rng(seed);
    let mut sum = Summary::default();

    let mut units = vec![UnitRow {
        row: 2,
        code: "G".into(),
        name: "生成省".into(),
        parent: String::new(),
        kind: UnitKind::Province,
    }];
    for c in 1..=scale.cities {
        units.push(UnitRow {
            row: units.len() + 2,
            code: format!("G{c:02}"),
            name: format!("生成{c:02}市"),
            parent: "G".into(),
            kind: UnitKind::City,
        });
        for d in 1..=scale.districts {
            let kind = if d % 4 == 0 {
                UnitKind::Park
            } else {
                UnitKind::District
            };
            units.push(UnitRow {
                row: units.len() + 2,
                code: district_code(c, d),
                name: format!("生成{c:02}市{d:02}区"),
                parent: format!("G{c:02}"),
                kind,
            });
        }
    }
    sum.units = units.len();
    store
        .import_units(&actor, &units, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("units: {e:?}"))?;
    let tree = store.units().await?;

    // Projects, spread evenly over the districts.
    let y = today.year();
    let jan1 = Date::from_calendar_date(y, Month::January, 1)?;
    let first_week = today - Duration::days(scale.weeks * 7);
    let mut rows = Vec::with_capacity(scale.projects);
    let cats = Category::ALL;
    for i in 0..scale.projects {
        let c = i % scale.cities + 1;
        let d = (i / scale.cities) % scale.districts + 1;
        let stage = match rng.below(100) {
            0..=5 => Stage::Reserve,
            6..=15 => Stage::Preparation,
            16..=45 => Stage::NewStart,
            46..=90 => Stage::Continuing,
            91..=95 => Stage::Completed,
            _ => Stage::Halted,
        };
        let total = rng.range(500, 200_000) * 10_000;
        let plan = total * rng.range(10, 40) / 100;
        let (ps, start) = match stage {
            Stage::Reserve => (None, None),
            Stage::Preparation => (Some(today + Duration::days(rng.range(-60, 200))), None),
            Stage::NewStart => {
                let s = jan1 + Duration::days(rng.range(0, i64::from(today.ordinal()).max(2) - 1));
                (Some(s), Some(s))
            }
            _ => {
                let s = first_week - Duration::days(rng.range(0, 400));
                (Some(s), Some(s))
            }
        };
        rows.push(ProjectRow {
            row: i + 2,
            unit: district_code(c, d),
            fields: ProjectFields {
                code: format!("GP{i:06}"),
                name: format!("生成项目{i:06}"),
                leader: "生成".into(),
                category: cats[i % cats.len()],
                stage,
                total_investment: Yuan(total),
                plan_year: y,
                annual_plan: Yuan(plan),
                planned_start: ps,
                planned_finish: ps.map(|p| p + Duration::days(700)),
                actual_start: start,
                batch: format!("{y}年第{}批", i % 4 + 1),
                industry: String::new(),
                env_approval: EnvApproval::Approved,
                planning_year: None,
                entered_on: None,
            },
        });
    }
    for chunk in rows.chunks(10_000) {
        store
            .projects()
            .import(&actor, chunk, Vec::new())
            .await?
            .map_err(|e| anyhow::anyhow!("projects: {:?}", e.first()))?;
    }
    sum.projects = rows.len();
    // The planner must know the projects before the reports arrive: each report statement's reference
    // check joins its rows' projects, and with a week of every project in one statement, planned
    // against a `projects` table it believed empty, PostgreSQL scanned the table once per project.
    store.analyze().await?;
    let ids = store.projects().ids().await?;
    let mut reports_csv = None;
    if let Some(dir) = files {
        use std::io::Write;
        std::fs::create_dir_all(dir)?;
        let mut u = String::from("单位编码,单位名称,上级单位编码,单位类型\n");
        for r in &units {
            u += &format!("{},{},{},{}\n", r.code, r.name, r.parent, r.kind.zh());
        }
        std::fs::write(dir.join("units.csv"), u)?;
        let ledger: Vec<diaodu_office::xlsx::LedgerRow> = rows
            .iter()
            .map(|r| diaodu_office::xlsx::LedgerRow {
                unit: r.unit.clone(),
                fields: r.fields.clone(),
                light: "",
                time_progress_pct: 0.0,
                ytd: Yuan::ZERO,
                completion_pct: None,
                lag_pp: None,
                reasons: String::new(),
            })
            .collect();
        std::fs::write(
            dir.join("projects.csv"),
            diaodu_office::xlsx::ledger_csv(&ledger),
        )?;
        std::fs::write(
            dir.join("projects.xlsx"),
            diaodu_office::xlsx::ledger_xlsx("项目", &ledger)?,
        )?;
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("reports.csv"))?);
        writeln!(w, "项目编码,填报期,本期完成投资(万元),形象进度,存在问题")?;
        reports_csv = Some(w);
    }

    // Weekly reports over the last `weeks` weeks, written week by week in large transactions, in the
    // order a live system receives them: a week's reports lie together in the table and its indexes
    // (a year of weekly imports leaves them so), and one project's reports are spread over the weeks.
    // The running totals are rebuilt once at the end, year by year.
    let weeks: Vec<Period> = (0..scale.weeks)
        .map(|w| Period::week_of(first_week + Duration::days(w * 7)))
        .filter(|p| p.last_day() < today)
        .collect();
    // Per started project: id, code, actual start, weekly investment, and whether it has stalled (one
    // project in twelve: no investment for the last six weeks).
    let started: Vec<(i64, &str, Date, i64, bool)> = rows
        .iter()
        .filter_map(|r| {
            let start = r.fields.actual_start?;
            Some((
                ids[&r.fields.code],
                r.fields.code.as_str(),
                start,
                r.fields.annual_plan.0 / 52,
                rng.below(12) == 0,
            ))
        })
        .collect();
    // Each report leaves its audit record, as its submission or import would have.
    let codes: HashMap<i64, String> = ids.iter().map(|(c, id)| (*id, c.clone())).collect();
    let mut batch = Vec::with_capacity(200_000);
    for p in &weeks {
        for &(id, code, start, weekly, stalled) in &started {
            if p.last_day() < start {
                continue;
            }
            let mut inv = weekly * rng.range(60, 130) / 100 / 100 * 100;
            if stalled && p.last_day() > today - Duration::days(42) {
                inv = 0;
            }
            let on_time = rng.below(100) < 88;
            let at = (p.last_day() + Duration::days(if on_time { 1 } else { 4 }))
                .with_time(Time::from_hms(9, 0, 0)?)
                .assume_utc();
            if let Some(w) = reports_csv.as_mut() {
                use std::io::Write;
                writeln!(w, "{},{},{},,", code, p, Yuan(inv).wan_text())?;
            }
            batch.push(diaodu_store::RawReport {
                project_id: id,
                period: *p,
                investment: Yuan(inv),
                progress: String::new(),
                problems: String::new(),
                on_time,
                submitted_at: diaodu_store::ts(at),
            });
            if batch.len() == 200_000 {
                sum.reports += batch.len();
                store
                    .reports()
                    .insert_history(&actor, std::mem::take(&mut batch), &codes)
                    .await?;
            }
        }
    }
    sum.reports += batch.len();
    store
        .reports()
        .insert_history(&actor, batch, &codes)
        .await?;
    store.reports().rebuild_totals().await?;
    if let Some(mut w) = reports_csv {
        use std::io::Write;
        w.flush()?;
    }

    // Tasks, led by the districts.
    let district_ids: Vec<i64> = tree
        .units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::District | UnitKind::Park))
        .map(|u| u.id)
        .collect();
    let tasks: Vec<NewTask> = (0..scale.tasks)
        .map(|i| {
            let start = today - Duration::days(rng.range(10, 300));
            NewTask {
                code: format!("GT{i:06}"),
                title: format!("生成任务{i:06}"),
                content: String::new(),
                lead_unit_id: district_ids[i % district_ids.len()],
                cooperating: Vec::new(),
                leader: "生成".into(),
                start,
                deadline: start + Duration::days(rng.range(60, 500)),
                cadence: if i % 2 == 0 {
                    Cadence::Weekly
                } else {
                    Cadence::Monthly
                },
                target: None,
                parent_id: None,
                milestones: Vec::new(),
            }
        })
        .collect();
    for chunk in tasks.chunks(5_000) {
        store.tasks().insert_bulk(&actor, chunk).await?;
    }
    sum.tasks = tasks.len();

    // Indicator values: six indicators, the last four quarters, every city and district.
    let inds = [
        ("GDP", "地区生产总值"),
        ("IND", "规模以上工业增加值"),
        ("FAI", "固定资产投资"),
        ("RETAIL", "社会消费品零售总额"),
        ("REV", "地方一般公共预算收入"),
        ("ELEC", "全社会用电量"),
    ];
    let cat: Vec<IndicatorImportRow> = inds
        .iter()
        .enumerate()
        .map(|(i, (c, n))| IndicatorImportRow {
            row: i + 2,
            indicator: Indicator {
                code: (*c).into(),
                name: (*n).into(),
                unit: "亿元".into(),
                kind: IndicatorKind::Growth,
                direction: Direction::Higher,
            },
        })
        .collect();
    store
        .indicators()
        .import_indicators(&actor, &cat, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("indicators: {e:?}"))?;
    let last_q = StatPeriod::Quarter {
        year: y,
        quarter: (today.month() as u8 - 1) / 3 + 1,
    }
    .prev();
    let mut values = Vec::new();
    for p in last_q.history(4) {
        for u in tree.units.iter().filter(|u| u.kind != UnitKind::Province) {
            for (c, _) in &inds {
                let g = rng.range(-30, 120) as f64 / 10.0;
                values.push(IndicatorValueRow {
                    row: values.len() + 2,
                    region: u.code.clone(),
                    indicator: (*c).into(),
                    period: p,
                    level: Some(rng.range(100, 5000) as f64),
                    growth: Some(g),
                });
            }
        }
    }
    sum.values = values.len();
    store
        .indicators()
        .import_indicator_values(&actor, &tree, &values, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("values: {:?}", e.first()))?;
    sum.seconds = t0.elapsed().as_secs_f64();
    // Fresh statistics, so that both engines' planners choose indexes for the data just written (for
    // instance a district's reports of one week by project, not the whole province's week).
    store.analyze().await?;
    Ok(sum)
}
