//! Demo data: a clearly fictional province (江岳省) of ten cities, one city (云川市) with districts,
//! counties, parks and departments, about 300 projects and a year to date of weekly reports with the
//! variety real data has. Deterministic: the same date gives the same data.

use anyhow::{Context, Result};
use diaodu_domain::access::Scope;
use diaodu_domain::access::{Role, UnitKind};
use diaodu_domain::import::{ProjectRow, UnitRow};
use diaodu_domain::period::{fmt_date, fmt_date_zh};
use diaodu_domain::project::{
    AdmissionRule, AdmissionTest, Category, EnvApproval, ProjectFields, Stage,
};
use diaodu_domain::{Period, Yuan};
use diaodu_store::{Actor, Store, StoreError};
use time::{Date, Duration, Month, Time};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "Diaodu@2026";

/// Demo logins: (login, name, unit code, role, what to try).
pub const DEMO_USERS: &[(&str, &str, &str, Role, &str)] = &[
    (
        "admin",
        "系统管理员",
        "YC",
        Role::Admin,
        "全部功能、单位与用户、操作留痕",
    ),
    (
        "duchashi",
        "市政府督查室",
        "YC",
        Role::Supervision,
        "全市项目、排名、留痕",
    ),
    (
        "fagaiwei",
        "市发改委",
        "YC",
        Role::Drc,
        "项目库维护、准入规则、导入",
    ),
    (
        "tongjiju",
        "市统计局",
        "YC",
        Role::Statistics,
        "指标录入、成绩单与通报",
    ),
    (
        "lingdao",
        "分管副市长",
        "YC",
        Role::Leader,
        "总览、红灯项目、排名，作出领导批示",
    ),
    (
        "zhuanyuan",
        "驻工地专员",
        "YC",
        Role::Commissioner,
        "现场督导记录",
    ),
    (
        "yundong",
        "云东区填报员",
        "YC-YD",
        Role::Reporter,
        "只能填报云东区项目",
    ),
    (
        "yunxi",
        "云西区填报员",
        "YC-YX",
        Role::Reporter,
        "只能填报云西区项目",
    ),
    (
        "gaoxin",
        "高新区填报员",
        "YC-GX",
        Role::Reporter,
        "只能填报高新区项目",
    ),
];

/// A small deterministic generator (xorshift64*), so the demo needs no randomness crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn units() -> Vec<UnitRow> {
    let mut v = Vec::new();
    let mut add = |code: &str, name: &str, parent: &str, kind: UnitKind| {
        v.push(UnitRow {
            row: v.len() + 2,
            code: code.into(),
            name: name.into(),
            parent: parent.into(),
            kind,
        })
    };
    add("JY", "江岳省（演示）", "", UnitKind::Province);
    for (c, n) in [
        ("YC", "云川市"),
        ("QL", "青岚市"),
        ("BL", "白鹭市"),
        ("CP", "翠屏市"),
        ("XH", "星湖市"),
        ("FL", "枫林市"),
        ("YG", "月港市"),
        ("CC", "澄川市"),
        ("TX", "桐溪市"),
        ("HT", "鹤汀市"),
    ] {
        add(c, n, "JY", UnitKind::City);
    }
    for (c, n, k) in [
        ("YC-YD", "云东区", UnitKind::District),
        ("YC-YX", "云西区", UnitKind::District),
        ("YC-CB", "川北区", UnitKind::District),
        ("YC-LX", "临溪县", UnitKind::District),
        ("YC-QH", "青禾县", UnitKind::District),
        ("YC-SQ", "石桥县", UnitKind::District),
        ("YC-GX", "云川高新区", UnitKind::Park),
        ("YC-JK", "云川经开区", UnitKind::Park),
        ("YC-FGW", "市发改委", UnitKind::Department),
        ("YC-DCS", "市政府督查室", UnitKind::Department),
        ("YC-TJJ", "市统计局", UnitKind::Department),
        ("YC-JTJ", "市交通运输局", UnitKind::Department),
        ("YC-ZJJ", "市住建局", UnitKind::Department),
        ("YC-WLJ", "市文旅局", UnitKind::Department),
    ] {
        add(c, n, "YC", k);
    }
    add("YC-YD-CY", "云东产业园", "YC-YD", UnitKind::Park);
    v
}

const NAMES: &[(Category, &[&str])] = &[
    (
        Category::Industry,
        &[
            "新能源电池材料",
            "智能装备制造产业园",
            "高端铝基新材料",
            "电子元器件",
            "生物医药产业园",
            "绿色食品加工",
            "光伏组件",
            "精密铸造",
            "新型建材",
            "汽车零部件",
            "锂电池回收利用",
            "数据中心",
        ],
    ),
    (
        Category::Tourism,
        &[
            "古镇文旅综合体",
            "湿地公园提升",
            "康养度假区",
            "非遗文化街区",
            "温泉旅游小镇",
            "研学旅行基地",
            "红色教育基地",
        ],
    ),
    (
        Category::Ecology,
        &[
            "河道综合治理",
            "矿山生态修复",
            "污水处理厂提标改造",
            "国土绿化",
            "垃圾焚烧发电",
            "水土保持",
            "农村人居环境整治",
        ],
    ),
    (
        Category::Infrastructure,
        &[
            "城市快速路",
            "主干道改造",
            "综合管廊",
            "现代物流园",
            "高速公路连接线",
            "城乡供水一体化",
            "220千伏变电站",
            "公交枢纽",
            "停车场建设",
        ],
    ),
    (
        Category::Livelihood,
        &[
            "人民医院新院区",
            "第二中学新建",
            "保障性租赁住房",
            "老旧小区改造",
            "养老服务中心",
            "全民健身中心",
            "职业技术学校实训楼",
        ],
    ),
    (
        Category::Other,
        &["智慧城市平台", "应急物资储备库", "农产品冷链仓储"],
    ),
];

const LEADERS: &[&str] = &["李明远", "王建华", "赵文静", "陈志强", "刘海峰", "周雪梅"];
const PROBLEMS: &[&str] = &[
    "用地指标待落实",
    "施工临时用电需协调",
    "征地拆迁进度滞后",
    "环评手续办理中",
    "配套资金到位不足",
    "跨区管线迁改需协调",
    "专项债资金拨付滞后",
];
const PROGRESS: &[&str] = &[
    "场地平整",
    "桩基施工",
    "主体结构施工",
    "钢结构吊装",
    "设备安装调试",
    "室外配套施工",
    "路基施工",
    "管网铺设",
];

/// Fills an empty database with the demo data as of `today`. Returns false if it was not empty.
pub async fn fill(store: &Store, today: Date, files: &std::path::Path) -> Result<bool> {
    if !store.units().await?.units.is_empty() {
        return Ok(false);
    }
    let actor = Actor {
        user_id: None,
        login: "demo".into(),
    };
    store
        .import_units(&actor, &units(), Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("demo units: {e:?}"))?;
    let tree = store.units().await?;
    // The shipped holiday arrangement: deadlines and on-time flags below follow it.
    let holidays = diaodu_domain::calendar::parse_year(2026, diaodu_domain::calendar::EXAMPLE_2026)
        .map_err(|e| anyhow::anyhow!("2026 holidays: {e:?}"))?;
    store
        .reports()
        .set_calendar_year(&actor, 2026, &holidays)
        .await?;
    let calendar = store.reports().calendar().await?;
    for (login, name, unit, role, _) in DEMO_USERS {
        let u = tree.find(unit).context("demo unit")?;
        store
            .users()
            .create(&actor, login, name, u.id, *role, DEMO_PASSWORD)
            .await?;
    }
    for rule in [
        AdmissionRule {
            code: "env".into(),
            name: "环评未通过".into(),
            test: AdmissionTest::EnvRejected,
        },
        AdmissionRule {
            code: "backward".into(),
            name: "落后产能".into(),
            test: AdmissionTest::IndustryIn(vec![
                "小钢铁".into(),
                "小水泥".into(),
                "小火电".into(),
                "小造纸".into(),
            ]),
        },
        AdmissionRule {
            code: "overcap".into(),
            name: "产能过剩".into(),
            test: AdmissionTest::IndustryIn(vec![
                "电解铝".into(),
                "平板玻璃".into(),
                "焦化".into(),
            ]),
        },
    ] {
        store.projects().add_admission_rule(&actor, &rule).await?;
    }

    let y = today.year();
    let jan1 = Date::from_calendar_date(y, Month::January, 1)?;
    let mut rng = Rng(0x5EED_2026_u64 ^ u64::from(y as u32));
    // Planning years and days of entry draw from their own sequence, leaving the rest of the demo's
    // data as it was.
    let mut plan_rng = Rng(0x0C4E_2026_u64 ^ u64::from(y as u32));
    let owners: Vec<(&str, &str, u64)> = vec![
        ("YC-YD", "云东", 16),
        ("YC-YX", "云西", 14),
        ("YC-CB", "川北", 12),
        ("YC-LX", "临溪", 10),
        ("YC-QH", "青禾", 9),
        ("YC-SQ", "石桥", 8),
        ("YC-GX", "高新区", 13),
        ("YC-JK", "经开区", 10),
        ("YC-JTJ", "市", 3),
        ("YC-ZJJ", "市", 3),
        ("YC-WLJ", "市", 2),
        ("YC-YD-CY", "云东产业园", 4),
    ];
    let weight_total: u64 = owners.iter().map(|o| o.2).sum();
    let mut rows = Vec::new();
    let mut behaviours = Vec::new();
    for i in 0..300u32 {
        let mut w = rng.below(weight_total);
        let owner = owners
            .iter()
            .find(|o| {
                if w < o.2 {
                    true
                } else {
                    w -= o.2;
                    false
                }
            })
            .expect("weights");
        let (cat, names) = rng.pick(NAMES);
        let stage = match rng.below(100) {
            0..=7 => Stage::Reserve,
            8..=21 => Stage::Preparation,
            22..=51 => Stage::NewStart,
            52..=87 => Stage::Continuing,
            88..=94 => Stage::Completed,
            _ => Stage::Halted,
        };
        let total_wan = rng.range(50, 5000) * 100;
        let plan_wan = total_wan * rng.range(12, 40) / 100;
        let (planned_start, actual_start) = match stage {
            Stage::Reserve => (None, None),
            Stage::Preparation => {
                // Some are already past their planned start (逾期未开工), most are later in the year.
                let ps = if rng.chance(25) {
                    today - Duration::days(rng.range(10, 120))
                } else {
                    today + Duration::days(rng.range(15, 200))
                };
                (Some(ps), None)
            }
            Stage::NewStart => {
                let ps =
                    jan1 + Duration::days(rng.range(40, i64::from(today.ordinal()).max(60) - 20));
                let a = (ps + Duration::days(rng.range(-10, 25)))
                    .min(today - Duration::days(1))
                    .max(jan1);
                (Some(ps), Some(a))
            }
            _ => {
                let ps = jan1 - Duration::days(rng.range(120, 900));
                (Some(ps), Some(ps + Duration::days(rng.range(0, 30))))
            }
        };
        let batch = match (stage, planned_start) {
            (Stage::NewStart, Some(ps)) => format!(
                "{y}年第{}批",
                ["一", "二", "三", "四"][((ps.month() as usize - 1) / 3).min(3)]
            ),
            (Stage::Continuing | Stage::Completed | Stage::Halted, Some(ps)) if rng.chance(60) => {
                format!(
                    "{}年第{}批",
                    ps.year(),
                    ["一", "二", "三", "四"][((ps.month() as usize - 1) / 3).min(3)]
                )
            }
            _ => String::new(),
        };
        // Most projects not yet built, and two in three of this year's new starts, were planned and
        // packaged this year (策划年度), entering the library through the year; the others came in
        // earlier years.
        let planned_now = match stage {
            Stage::Reserve | Stage::Preparation => plan_rng.chance(85),
            Stage::NewStart => plan_rng.chance(65),
            _ => false,
        };
        let entered_on = if planned_now {
            let latest = actual_start.unwrap_or(today).min(today);
            let span = (latest - jan1).whole_days().max(1);
            jan1 + Duration::days(plan_rng.range(0, span))
        } else {
            jan1 - Duration::days(plan_rng.range(200, 1000))
        };
        let code = format!("YC{y}-{:03}", i + 1);
        let name = format!(
            "{}{}{}",
            owner.1,
            rng.pick(names),
            if rng.chance(30) {
                "（一期）"
            } else {
                "项目"
            }
        );
        rows.push(ProjectRow {
            row: i as usize + 2,
            unit: owner.0.into(),
            fields: ProjectFields {
                code,
                name,
                leader: rng.pick(LEADERS).to_string(),
                category: *cat,
                stage,
                total_investment: Yuan(total_wan * 10_000),
                // A project in preparation whose start is still ahead is planned for next year.
                plan_year: if stage == Stage::Preparation
                    && planned_start.is_some_and(|p| p > today)
                {
                    y + 1
                } else {
                    y
                },
                annual_plan: Yuan(plan_wan * 10_000),
                planned_start,
                planned_finish: planned_start.map(|p| p + Duration::days(rng.range(300, 1100))),
                actual_start,
                batch,
                industry: if *cat == Category::Industry {
                    rng.pick(&["装备制造", "新材料", "电子信息", "生物医药", "食品加工"])
                        .to_string()
                } else {
                    String::new()
                },
                env_approval: if matches!(stage, Stage::Reserve | Stage::Preparation)
                    && rng.chance(40)
                {
                    EnvApproval::Pending
                } else {
                    EnvApproval::Approved
                },
                planning_year: planned_now.then_some(y),
                entered_on: Some(entered_on),
            },
        });
        // Reporting behaviour: 0 on track, 1 lagging, 2 stalled, 3 late reporter, 4 far behind.
        behaviours.push(match rng.below(100) {
            0..=54 => 0,
            55..=74 => 1,
            75..=80 => 2,
            81..=94 => 3,
            _ => 4,
        });
    }
    store
        .projects()
        .import(&actor, &rows, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("demo projects: {e:?}"))?;

    // Projects refused at admission, kept on record.
    let gx = tree.find("YC-GX").context("unit")?.id;
    for (code, name, industry, env) in [
        (
            "YC-R001",
            "年产60万吨小水泥熟料生产线",
            "小水泥",
            EnvApproval::Approved,
        ),
        ("YC-R002", "电解铝扩能改造", "电解铝", EnvApproval::Approved),
        (
            "YC-R003",
            "化工中间体项目",
            "精细化工",
            EnvApproval::Rejected,
        ),
    ] {
        let f = ProjectFields {
            code: code.into(),
            name: name.into(),
            leader: "王建华".into(),
            category: Category::Industry,
            stage: Stage::Reserve,
            total_investment: Yuan(300_000_000),
            plan_year: y,
            annual_plan: Yuan(50_000_000),
            planned_start: None,
            planned_finish: None,
            actual_start: None,
            batch: String::new(),
            industry: industry.into(),
            env_approval: env,
            planning_year: Some(y),
            entered_on: None,
        };
        match store.projects().create(&actor, gx, f).await {
            Err(StoreError::Refused { .. }) => {}
            other => anyhow::bail!("demo admission refusal expected, got {other:?}"),
        }
    }

    // Invented boundaries for the invented city's districts and parks, as an administrator would
    // upload them (GeoJSON).
    let cells: Vec<String> = [
        "YC-LX", "YC-CB", "YC-QH", "YC-SQ", "YC-YX", "YC-YD", "YC-GX", "YC-JK",
    ]
    .map(String::from)
    .to_vec();
    let geojson = invented_boundaries(&cells, 1);
    diaodu_web::service::map::apply(store, &actor, &tree, "云川市边界（示意）.geojson", &geojson)
        .await
        .map_err(|e| anyhow::anyhow!("demo map: {e:?}"))?;

    // Two of the assessment office's bonuses and deductions (加减分) of the year.
    for (code, points, reason, document) in [
        (
            "YC-YD",
            200,
            "获评全省重点项目建设先进集体",
            "云政办发〔2026〕18号",
        ),
        (
            "YC-SQ",
            -100,
            "重点项目信息连续两周迟报",
            "市委督查室通报〔2026〕7号",
        ),
    ] {
        let unit_id = tree.find(code).context("unit")?.id;
        store
            .assessment()
            .add_adjustment(
                &actor,
                &tree,
                &diaodu_store::assessment::NewAdjustment {
                    unit_id,
                    on: (today - Duration::days(40)).max(jan1),
                    points,
                    reason: reason.into(),
                    document: document.into(),
                },
            )
            .await?;
    }

    // The commission's planning quotas (策划包装任务) for the year — 石桥县's set high, so that the
    // notice names a unit behind — and the city's investment plan 千亿百项, listing the projects of
    // 8 亿元 and up, smallest first, while they add up to under 900 亿元.
    for (code, projects, inv_wan, big) in [
        ("YC-YD", 20, 4_000_000, 12),
        ("YC-YX", 16, 3_000_000, 10),
        ("YC-CB", 14, 2_800_000, 8),
        ("YC-LX", 12, 2_000_000, 6),
        ("YC-QH", 10, 2_000_000, 6),
        ("YC-SQ", 20, 3_000_000, 8),
        ("YC-GX", 14, 3_500_000, 8),
        ("YC-JK", 10, 2_500_000, 6),
        ("YC-JTJ", 3, 600_000, 2),
        ("YC-ZJJ", 3, 500_000, 1),
        ("YC-WLJ", 3, 400_000, 1),
    ] {
        let unit = tree.find(code).context("unit")?.id;
        let q = diaodu_domain::planning::Quota {
            projects,
            investment: Yuan(inv_wan * 10_000),
            big_projects: big,
        };
        store
            .planning()
            .set_quota(&actor, &tree, unit, y, q)
            .await?;
    }
    let mut candidates: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r.fields.total_investment.0 >= 80_000 * 10_000)
        .map(|r| (r.fields.total_investment.0, r.fields.code.clone()))
        .collect();
    candidates.sort();
    let (mut sum, mut listed) = (0i64, Vec::new());
    for (inv, code) in candidates {
        if listed.len() == 100 || sum + inv > 9_000_000 * 10_000 {
            break;
        }
        sum += inv;
        listed.push(code);
    }
    store
        .planning()
        .save_plan(
            &actor,
            None,
            y,
            "千亿百项",
            diaodu_domain::planning::PlanTarget {
                projects: 100,
                investment: Yuan(10_000_000 * 10_000),
            },
            Some(&listed),
        )
        .await?;

    // Weekly reports for every ISO week of the year up to last week (the current week is still open).
    let this_week = Period::week_of(today);
    let mut periods: Vec<Period> = Vec::new();
    let mut w = Period::week_of(jan1);
    if w.last_day().year() < y {
        w = Period::week_of(w.last_day() + Duration::days(1));
    }
    while w != this_week && w.last_day() < today {
        periods.push(w);
        w = Period::week_of(w.last_day() + Duration::days(1));
    }
    let ids: std::collections::HashMap<String, i64> = store
        .projects()
        .statuses(
            &tree,
            diaodu_domain::access::Scope::All,
            &Default::default(),
            today,
        )
        .await?
        .into_iter()
        .map(|r| (r.project.fields.code, r.project.id))
        .collect();
    let bj = time::UtcOffset::from_hms(8, 0, 0)?;
    let mut reports = Vec::new();
    for (r, beh) in rows.iter().zip(&behaviours) {
        let f = &r.fields;
        let Some(start) = f.actual_start else {
            continue;
        };
        let id = ids[&f.code];
        // The plan is spread evenly over the year; a project started this year reports the land,
        // design and equipment costs of the weeks before its start with its first report.
        let weekly_plan = f.annual_plan.0 as f64 / 52.0;
        let mut catch_up = ((start - jan1).whole_days().max(0) as f64 / 7.0).floor();
        // Halted and completed projects stop reporting some weeks ago; stalled ones stop investing.
        let stop = match (f.stage, beh) {
            (Stage::Halted, _) => Some(today - Duration::days(rng.range(35, 90))),
            (Stage::Completed, _) => Some(today - Duration::days(rng.range(20, 120))),
            _ => None,
        };
        let stall_from = (*beh == 2).then(|| today - Duration::days(rng.range(35, 70)));
        for p in &periods {
            let end = p.last_day();
            if end < start || stop.is_some_and(|s| end > s) {
                continue;
            }
            let factor = match beh {
                0 | 3 => 0.95 + rng.below(25) as f64 / 100.0,
                1 => 0.82 + rng.below(12) as f64 / 100.0,
                4 => 0.3 + rng.below(30) as f64 / 100.0,
                _ => 0.9,
            };
            let mut inv = (weekly_plan * (1.0 + catch_up) * factor / 100.0).round() as i64 * 100;
            if stall_from.is_some_and(|s| end > s) {
                inv = 0;
            }
            // Late reporters miss some weeks and file others days after the deadline.
            let (late, skip) = if *beh == 3 {
                (rng.chance(40), rng.chance(15))
            } else {
                (false, rng.chance(2))
            };
            if skip || (end >= today - Duration::days(8) && rng.chance(12)) {
                continue;
            }
            catch_up = 0.0;
            let deadline = calendar.deadline(*p).day;
            let submitted = if late {
                deadline + Duration::days(rng.range(2, 6))
            } else {
                end + Duration::days(rng.range(-2, 1))
            };
            let at = submitted
                .with_time(Time::from_hms(
                    9 + rng.range(0, 8) as u8,
                    rng.range(0, 59) as u8,
                    0,
                )?)
                .assume_offset(bj);
            let at = if at.to_offset(time::UtcOffset::UTC) > time::OffsetDateTime::now_utc() {
                time::OffsetDateTime::now_utc()
            } else {
                at
            };
            let progress = if inv == 0 {
                "本期无实物工作量".to_string()
            } else {
                format!("{}，完成本期计划", rng.pick(PROGRESS))
            };
            let problems = if inv == 0 || rng.chance(12) {
                rng.pick(PROBLEMS).to_string()
            } else {
                String::new()
            };
            reports.push(diaodu_store::RawReport {
                project_id: id,
                period: *p,
                investment: Yuan(inv),
                progress,
                problems,
                on_time: calendar.on_time(*p, diaodu_store::local_datetime(at)),
                submitted_at: diaodu_store::ts(at),
            });
        }
    }
    store.reports().insert_raw(&actor, reports).await?;

    // A few site visits on red projects.
    let red = store
        .projects()
        .statuses(
            &tree,
            diaodu_domain::access::Scope::All,
            &diaodu_store::ProjectFilter {
                light: Some(diaodu_domain::status::Light::Red),
                ..Default::default()
            },
            today,
        )
        .await?;
    for r in red.iter().take(6) {
        let date = today - Duration::days(rng.range(1, 20));
        store
            .reports()
            .add_site_visit(
                &actor,
                r.project.id,
                date,
                &format!(
                    "现场{}，施工人员较少",
                    if r.status.stalled {
                        "未见施工机械"
                    } else {
                        "施工进度偏慢"
                    }
                ),
                rng.pick::<&str>(PROBLEMS),
            )
            .await?;
    }
    fill_indicators(store, &actor, today).await?;
    fill_supervision(store, today).await?;
    fill_library(store, today, files).await?;
    tracing::info!(date = %fmt_date(today), "demo data filled");
    Ok(true)
}

/// The library as the office would have it after these weeks: every meeting's briefing and
/// minutes, every notice's 督办通知书 (and 办结报告 where closed), last month's notice, and two
/// references uploaded — a province's notice and a speech.
async fn fill_library(store: &Store, today: Date, files: &std::path::Path) -> Result<()> {
    use diaodu_web::service::documents as docs;
    use diaodu_web::service::library::{keep_issued, store_file};
    let actor = Actor {
        user_id: None,
        login: "demo".into(),
    };
    let tree = store.units().await?;
    let keep = |issued: docs::Issued, f: diaodu_web::service::library::Filing| {
        let actor = &actor;
        async move {
            let bytes = issued.doc.to_docx();
            keep_issued(store, files, actor, &issued, &bytes, &f).await
        }
    };
    let named = docs::Issued::named;
    for m in store.meetings().list().await? {
        let b = docs::briefing_issued(store, &tree, &m).await?;
        let name = format!("{}重点工作调度会会议材料.docx", fmt_date_zh(m.date));
        keep(named(b, name), docs::meeting_filing(&m, false)).await?;
        if !m.minutes.trim().is_empty() {
            let d = docs::minutes_issued(store, &actor, &tree, &m).await?;
            let name = format!("{}重点工作调度会会议纪要.docx", fmt_date_zh(m.date));
            keep(named(d, name), docs::meeting_filing(&m, true)).await?;
        }
    }
    for n in store.notices().list(&tree, Scope::All, today).await? {
        let d = docs::supervision_notice(store, &actor, &tree, &n).await?;
        keep(
            docs::Issued::titled(d),
            docs::notice_filing(&n, false, today),
        )
        .await?;
        let (n, events) = store.notices().get(&tree, n.id, today).await?;
        if let Some(d) = docs::closing_report(store, &tree, &n, &events).await? {
            keep(
                docs::Issued::titled(d),
                docs::notice_filing(&n, true, today),
            )
            .await?;
        }
    }
    let city = tree
        .within(Scope::All)
        .into_iter()
        .find(|u| u.code == "YC")
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("demo city"))?;
    let last_month = today.replace_day(1)? - time::Duration::days(1);
    let ym = (last_month.year(), last_month.month() as u8);
    let d = docs::monthly_notice(store, &actor, &tree, city, ym, today).await?;
    keep(
        docs::Issued::titled(d),
        docs::monthly_filing(city, ym, today),
    )
    .await?;
    for (title, issuer, days_ago, text) in [
        (
            "关于做好2027年省重点项目申报工作的通知",
            "省发展和改革委员会",
            40,
            "各市发展改革委：\n为做好2027年省重点项目申报工作，现将有关事项通知如下。\n一、申报范围。重点支持先进制造业、基础设施、社会民生等领域项目，项目须前期手续完备，用地、环评、能评等要素保障落实。\n二、申报要求。各市要严格审核，对征地拆迁、资金来源等存在重大问题的项目不予申报。\n三、时间安排。请于11月30日前报送申报材料。",
        ),
        (
            "市长在全市重点项目建设推进会上的讲话",
            "云川市人民政府办公室",
            12,
            "同志们：\n今天召开全市重点项目建设推进会，主要任务是分析形势、查找差距，动员全市上下奋战四季度，确保全年目标任务圆满完成。\n一、正视差距。今年以来，全市重点项目建设总体平稳，但部分项目开工不足、投资进度滞后，云西区、高新区的征地拆迁问题较为突出。\n二、攻坚克难。要坚持“一个项目、一名领导、一套班子、一抓到底”，对照时序进度倒排工期，集中解决要素保障中的难点堵点。\n三、压实责任。督查室要加强调度督办，对进度滞后的项目挂牌督办，每月通报。",
        ),
    ] {
        let bytes = text.as_bytes();
        let (sha, stored) = store_file(files, bytes).await?;
        store
            .documents()
            .keep(
                &actor,
                &diaodu_store::NewDocument {
                    kind: "reference".into(),
                    subject: None,
                    number: String::new(),
                    title: title.into(),
                    date: today - time::Duration::days(days_ago),
                    issuer: issuer.into(),
                    recipients: String::new(),
                    unit_id: city,
                    meeting_id: None,
                    project_id: None,
                    task_id: None,
                    notice_id: None,
                    series: String::new(),
                    file_name: format!("{title}.txt"),
                    content_type: "text/plain; charset=utf-8".into(),
                    size: bytes.len() as i64,
                    sha256: sha,
                    stored_name: stored,
                    body: text.into(),
                    summary: String::new(),
                },
            )
            .await?;
    }
    Ok(())
}

/// The six headline indicators and the surveyed unemployment rate (lower is better), targets for the
/// year, and quarterly values for last year and this year's finished quarters for the province, its
/// ten cities and 云川市's districts, counties and parks.
async fn fill_indicators(store: &Store, actor: &Actor, today: Date) -> Result<()> {
    use diaodu_domain::import::{IndicatorImportRow, IndicatorValueRow, TargetRow};
    use diaodu_domain::indicator::{Direction, Indicator, IndicatorKind, StatPeriod};
    // (code, name, unit, kind, direction, target, annual level of an average city, growth centre)
    type Entry = (
        &'static str,
        &'static str,
        &'static str,
        IndicatorKind,
        Direction,
        f64,
        f64,
        f64,
    );
    let catalogue: [Entry; 7] = [
        (
            "GDP",
            "地区生产总值",
            "亿元",
            IndicatorKind::Growth,
            Direction::Higher,
            6.5,
            1800.0,
            6.0,
        ),
        (
            "IND",
            "规模以上工业增加值",
            "亿元",
            IndicatorKind::Growth,
            Direction::Higher,
            7.5,
            520.0,
            7.0,
        ),
        (
            "FAI",
            "固定资产投资",
            "亿元",
            IndicatorKind::Growth,
            Direction::Higher,
            6.0,
            900.0,
            4.5,
        ),
        (
            "RETAIL",
            "社会消费品零售总额",
            "亿元",
            IndicatorKind::Growth,
            Direction::Higher,
            6.0,
            700.0,
            5.5,
        ),
        (
            "REV",
            "地方一般公共预算收入",
            "亿元",
            IndicatorKind::Growth,
            Direction::Higher,
            5.0,
            110.0,
            3.0,
        ),
        (
            "ELEC",
            "全社会用电量",
            "亿千瓦时",
            IndicatorKind::Growth,
            Direction::Higher,
            6.0,
            150.0,
            5.0,
        ),
        (
            "UNEMP",
            "城镇调查失业率",
            "%",
            IndicatorKind::Level,
            Direction::Lower,
            5.5,
            5.2,
            0.0,
        ),
    ];
    let rows: Vec<IndicatorImportRow> = catalogue
        .iter()
        .enumerate()
        .map(|(i, c)| IndicatorImportRow {
            row: i + 2,
            indicator: Indicator {
                code: c.0.into(),
                name: c.1.into(),
                unit: c.2.into(),
                kind: c.3,
                direction: c.4,
            },
        })
        .collect();
    store
        .indicators()
        .import_indicators(actor, &rows, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("demo indicators: {e:?}"))?;
    let y = today.year();
    let targets: Vec<TargetRow> = catalogue
        .iter()
        .enumerate()
        .map(|(i, c)| TargetRow {
            row: i + 2,
            code: c.0.into(),
            year: y,
            target: c.5,
        })
        .collect();
    store
        .indicators()
        .import_targets(actor, &targets, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("demo targets: {e:?}"))?;

    let tree = store.units().await?;
    let mut rng = Rng(0xC0FF_EE00 ^ u64::from(y as u32));
    // Regions: the ten cities (size factor) and 云川市's districts, counties and parks.
    let cities = ["YC", "QL", "BL", "CP", "XH", "FL", "YG", "CC", "TX", "HT"];
    let districts = [
        "YC-YD", "YC-YX", "YC-CB", "YC-LX", "YC-QH", "YC-SQ", "YC-GX", "YC-JK",
    ];
    let mut size: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    let mut bias: std::collections::HashMap<(&str, &str), f64> = std::collections::HashMap::new();
    for c in cities.iter().chain(districts.iter()) {
        let base = if c.starts_with("YC-") {
            0.08 + rng.below(10) as f64 / 100.0
        } else {
            0.5 + rng.below(120) as f64 / 100.0
        };
        size.insert(c, base);
        for ind in &catalogue {
            // Each region has its own lead or lag on each indicator, in tenths of a point.
            bias.insert((c, ind.0), (rng.range(-25, 25) as f64) / 10.0);
        }
    }
    // Quarters of last year, and of this year up to the last finished quarter.
    let mut periods: Vec<StatPeriod> = (1..=4)
        .map(|q| StatPeriod::Quarter {
            year: y - 1,
            quarter: q,
        })
        .collect();
    let done_q = (today.month() as u8 - 1) / 3;
    periods.extend((1..=done_q).map(|q| StatPeriod::Quarter {
        year: y,
        quarter: q,
    }));
    let share = |q: u8| [0.22, 0.47, 0.73, 1.0][q as usize - 1];
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    let mut values = Vec::new();
    for p in &periods {
        let StatPeriod::Quarter { year, quarter } = *p else {
            continue;
        };
        for ind in &catalogue {
            let mut prov_level = 0.0;
            let mut prov_last = 0.0;
            for c in cities.iter().chain(districts.iter()) {
                let noise = rng.range(-6, 6) as f64 / 10.0;
                let drift = if year == y { 0.0 } else { 0.4 };
                if ind.3 == IndicatorKind::Level {
                    let v = round1(ind.6 + bias[&(*c, ind.0)] / 3.0 + noise / 4.0);
                    values.push((c.to_string(), ind.0, *p, Some(v), None));
                    continue;
                }
                let g = round1(ind.7 + bias[&(*c, ind.0)] + noise + drift);
                let level = round1(ind.6 * size[c] * share(quarter) * (1.0 + g / 100.0));
                if !c.starts_with("YC-") {
                    prov_level += level;
                    prov_last += level / (1.0 + g / 100.0);
                }
                values.push((c.to_string(), ind.0, *p, Some(level), Some(g)));
            }
            // The province's own figure: the sum of its cities, growth from the sums.
            if ind.3 == IndicatorKind::Level {
                values.push(("JY".into(), ind.0, *p, Some(round1(ind.6)), None));
            } else {
                values.push((
                    "JY".into(),
                    ind.0,
                    *p,
                    Some(round1(prov_level)),
                    Some(round1((prov_level / prov_last - 1.0) * 100.0)),
                ));
            }
        }
    }
    let rows: Vec<IndicatorValueRow> = values
        .into_iter()
        .enumerate()
        .map(
            |(i, (region, ind, period, level, growth))| IndicatorValueRow {
                row: i + 2,
                region,
                indicator: ind.into(),
                period,
                level,
                growth,
            },
        )
        .collect();
    let _ = tree;
    let tree = store.units().await?;
    store
        .indicators()
        .import_indicator_values(actor, &tree, &rows, Vec::new())
        .await?
        .map_err(|e| anyhow::anyhow!("demo indicator values: {e:?}"))?;
    Ok(())
}

/// Tasks in every light, notices at every step of the ladder, a finished inspection sweep, and two
/// dispatch meetings, the second reporting on the first's decisions. Each step is taken by the user who
/// would take it (reporters report, the supervision office verifies), so the audit log reads true.
async fn fill_supervision(store: &Store, today: Date) -> Result<()> {
    use diaodu_domain::task::{Cadence, QuantTarget};
    use diaodu_store::{NewInspection, NewMeeting, NewNotice, NewTask, TaskReportInput};
    let tree = store.units().await?;
    let users = store.users().list().await?;
    let as_user = |login: &str| -> Actor {
        let u = users.iter().find(|u| u.login == login).expect("demo user");
        Actor {
            user_id: Some(u.id),
            login: u.login.clone(),
        }
    };
    let sup = as_user("duchashi");
    let unit = |code: &str| tree.find(code).map(|u| u.id).expect("demo unit");
    let city = unit("YC");
    let day = |n: i64| today + Duration::days(n);
    let month = |d: Date| Period::month_of(d);
    let week = |d: Date| Period::week_of(d);
    let report = |p: Period, pct: u8, body: &str| TaskReportInput {
        period: p,
        body: body.into(),
        percent: pct,
        actual_value: None,
        milestones_met: Vec::new(),
    };
    let task = |title: &str, lead: &str, start: i64, end: i64, cadence: Cadence| NewTask {
        code: String::new(),
        title: title.into(),
        content: format!("{title}，按期完成并报送进度。"),
        lead_unit_id: unit(lead),
        cooperating: Vec::new(),
        leader: "王建华".into(),
        start: day(start),
        deadline: day(end),
        cadence,
        target: None,
        parent_id: None,
        milestones: Vec::new(),
    };
    let reporter_of = |lead: &str| match lead {
        "YC-YX" => as_user("yunxi"),
        "YC-GX" => as_user("gaoxin"),
        _ => as_user("yundong"),
    };

    // Meeting 1, four weeks ago: its decisions become tasks.
    let m1 = store
        .meetings()
        .create(
            &sup,
            NewMeeting {
                title: "第一次重点工作调度会".into(),
                date: day(-28),
                review_period: format!("{}年{}月", day(-28).year(), day(-28).month() as u8),
                unit_id: city,
                attendees: "市长、分管副市长，各县区、园区和市直有关部门主要负责同志".into(),
                agenda:
                    "一、通报重点项目建设和主要经济指标；二、调度重点工作任务；三、部署督查督办"
                        .into(),
            },
        )
        .await?;
    store
        .meetings()
        .set_minutes(
            &sup,
            m1,
            "会议指出，部分项目开工不足、投资进度滞后，要求各地对标时序进度，逐项落实责任。",
        )
        .await?;
    let (_, done_task) = store
        .meetings()
        .add_decision(
            &sup,
            m1,
            "云东区完成第二中学食堂改造",
            task("完成第二中学食堂改造", "YC-YD", -28, 20, Cadence::Weekly),
        )
        .await?;
    let (_, open_task) = store
        .meetings()
        .add_decision(
            &sup,
            m1,
            "云西区完成城乡供水管网联通工程",
            task(
                "完成城乡供水管网联通工程",
                "YC-YX",
                -28,
                90,
                Cadence::Weekly,
            ),
        )
        .await?;
    // The first is reported done and closed; the second is behind.
    let yd = as_user("yundong");
    for (i, pct) in [(3, 30u8), (2, 60), (1, 100)] {
        store
            .tasks()
            .submit_report(
                &yd,
                done_task,
                &report(week(day(-7 * i)), pct, "按计划推进"),
                today,
            )
            .await?;
    }
    store
        .tasks()
        .verify(
            &sup,
            done_task,
            true,
            "经现场核查，食堂已投入使用，同意销号",
        )
        .await?;
    let yx = as_user("yunxi");
    for i in [3, 2] {
        store
            .tasks()
            .submit_report(
                &yx,
                open_task,
                &report(week(day(-7 * i)), 8, "管材招标中"),
                today,
            )
            .await?;
    }

    // Tasks in every light.
    let mut air = task(
        "全年空气质量优良天数不少于300天",
        "YC-SQ",
        -330,
        35,
        Cadence::Monthly,
    );
    air.target = Some(QuantTarget {
        value: 300.0,
        unit: "天".into(),
        direction: diaodu_domain::indicator::Direction::Higher,
    });
    let air_id = store.tasks().create(&sup, air).await?.id;
    let sq = as_user("admin");
    for k in (1..=10).rev() {
        let p = month(day(-30 * k));
        if p.last_day() < today {
            let mut r = report(p, (100 - k * 8).clamp(5, 95) as u8, "持续推进大气污染防治");
            r.actual_value = Some(format!("{}", 270 - k * 20));
            store.tasks().submit_report(&sq, air_id, &r, today).await?;
        }
    }
    let mut trees = task(
        "新植树木成活率不低于85%",
        "YC-LX",
        -200,
        3,
        Cadence::Monthly,
    );
    trees.target = Some(QuantTarget {
        value: 85.0,
        unit: "%".into(),
        direction: diaodu_domain::indicator::Direction::Higher,
    });
    trees.milestones = vec![
        (day(-120), "完成春季造林任务".into()),
        (day(-30), "完成成活率普查".into()),
    ];
    let trees_id = store.tasks().create(&sup, trees).await?.id;
    let t_gx = store
        .tasks()
        .create(
            &sup,
            task("高新区标准厂房建设", "YC-GX", -60, 120, Cadence::Weekly),
        )
        .await?
        .id;
    let gx = as_user("gaoxin");
    for i in [3, 2, 1] {
        store
            .tasks()
            .submit_report(
                &gx,
                t_gx,
                &report(week(day(-7 * i)), 45, "主体结构施工"),
                today,
            )
            .await?;
    }
    let overdue = store
        .tasks()
        .create(
            &sup,
            task("老旧小区改造年度任务", "YC-YD", -300, -10, Cadence::Monthly),
        )
        .await?
        .id;
    store
        .tasks()
        .submit_report(
            &yd,
            overdue,
            &report(month(day(-40)), 80, "完成改造18个"),
            today,
        )
        .await?;
    let silent = store
        .tasks()
        .create(
            &sup,
            task("农村人居环境整治提升", "YC-QH", -100, 200, Cadence::Monthly),
        )
        .await?
        .id;
    let claimed = store
        .tasks()
        .create(
            &sup,
            task(
                "政务服务“一网通办”事项梳理",
                "YC-JK",
                -90,
                30,
                Cadence::Monthly,
            ),
        )
        .await?
        .id;
    store
        .tasks()
        .submit_report(
            &as_user("admin"),
            claimed,
            &report(month(day(-5)), 100, "全部事项已上线"),
            today,
        )
        .await?;
    // A task split per district: the parent's progress rolls up.
    let parent = store
        .tasks()
        .create(
            &sup,
            task("全市闲置低效用地清理处置", "YC", -60, 150, Cadence::Monthly),
        )
        .await?
        .id;
    for (lead, pct) in [("YC-YD", 60u8), ("YC-YX", 30), ("YC-CB", 45)] {
        let mut t = task(
            &format!(
                "闲置低效用地清理处置（{}）",
                tree.find(lead).map(|u| u.name.clone()).unwrap_or_default()
            ),
            lead,
            -60,
            150,
            Cadence::Monthly,
        );
        t.parent_id = Some(parent);
        let id = store.tasks().create(&sup, t).await?.id;
        store
            .tasks()
            .submit_report(
                &reporter_of(lead),
                id,
                &report(month(day(-32)), pct / 2, "摸底调查"),
                today,
            )
            .await?;
        store
            .tasks()
            .submit_report(
                &reporter_of(lead),
                id,
                &report(month(day(-2)), pct, "分类处置"),
                today,
            )
            .await?;
    }
    let _ = (trees_id, silent);

    // Notices at every step of the ladder: issued that many days before their deadline passed.
    let ladder = store.notices().ladder().await?;
    let projects = store
        .projects()
        .statuses(
            &tree,
            diaodu_domain::access::Scope::All,
            &diaodu_store::ProjectFilter {
                light: Some(diaodu_domain::status::Light::Red),
                ..Default::default()
            },
            today,
        )
        .await?;
    let mut notice_ids = Vec::new();
    for (i, overdue_days) in [
        0i64,
        ladder.days[0],
        ladder.days[1] + 1,
        ladder.days[2] + 1,
        ladder.days[3] + 1,
        ladder.days[4] + 1,
    ]
    .iter()
    .enumerate()
    {
        let Some(p) = projects.get(i) else { break };
        let reply_by = day(-overdue_days);
        let id = store
            .notices()
            .issue(
                &sup,
                NewNotice {
                    subject_kind: "project".into(),
                    subject_id: Some(p.project.id),
                    unit_id: p.project.unit_id,
                    title: format!("关于加快推进{}的督办通知", p.project.fields.name),
                    content: format!(
                        "该项目{}，请于期限内说明原因、提出整改措施并反馈。",
                        p.status.reasons.join("、")
                    ),
                    reply_by,
                },
                reply_by - Duration::days(7),
            )
            .await?;
        notice_ids.push((id, p.project.unit_id));
    }
    // The climbs tell the units and, from 通报 on, the leaders, in their inboxes.
    diaodu_web::notify::escalate_and_tell(
        store,
        &Actor {
            user_id: None,
            login: "system".into(),
        },
        today,
        None,
    )
    .await?;
    if let Some((id, unit_id)) = notice_ids.last() {
        let a = diaodu_store::Accountability {
            id: 0,
            notice_id: Some(*id),
            unit_id: Some(*unit_id),
            person: "刘某（项目所在区住建局局长）".into(),
            what: "督办事项逾期30天未反馈，项目开而未建".into(),
            decision: "诫勉谈话".into(),
            decided_on: today,
        };
        store.notices().add_accountability(&sup, &a).await?;
    }
    // And the other states: signed, replied, sent back, closed.
    for (k, p) in projects.iter().skip(6).take(4).enumerate() {
        let id = store
            .notices()
            .issue(
                &sup,
                NewNotice {
                    subject_kind: "project".into(),
                    subject_id: Some(p.project.id),
                    unit_id: p.project.unit_id,
                    title: format!("关于{}进度滞后的督办通知", p.project.fields.name),
                    content: "请核实项目进度，协调解决存在问题，并按期反馈。".into(),
                    reply_by: day(5),
                },
                today,
            )
            .await?;
        let unit_actor = Actor {
            user_id: None,
            login: "责任单位".into(),
        };
        store.notices().sign(&unit_actor, id).await?;
        if k >= 1 {
            store
                .notices()
                .reply(
                    &unit_actor,
                    id,
                    "已召开专题会协调，施工单位增加人员设备，预计本月追回进度。",
                )
                .await?;
        }
        if k == 2 {
            store
                .notices()
                .verify(&sup, id, false, "反馈未附现场照片和进度计划，请补充")
                .await?;
        }
        if k == 3 {
            store
                .notices()
                .verify(&sup, id, true, "经核查情况属实，同意办结")
                .await?;
        }
    }

    // The leader's instructions on three red projects: one awaiting the district's answer, one
    // answered and awaiting the leader, one closed.
    let leader = as_user("lingdao");
    let words = [
        "请区政府主要负责同志牵头，一周内协调解决用地和资金问题，确保尽快复工。",
        "该项目是全市重点，请发改委会同责任单位倒排工期，每周报告进展。",
        "请抓紧办理施工许可，月底前实现实质性开工。",
    ];
    for (k, p) in projects.iter().skip(10).take(3).enumerate() {
        let id = store
            .notices()
            .write_instruction(
                &leader,
                "分管副市长",
                &diaodu_store::NewInstruction {
                    subject: diaodu_domain::instruction::InstructionSubject::Project,
                    subject_id: p.project.id,
                    body: words[k].into(),
                    due_on: day(3 + 2 * k as i64),
                },
                today,
            )
            .await?;
        if k >= 1 {
            store
                .notices()
                .reply_instruction(
                    &Actor {
                        user_id: None,
                        login: "责任单位".into(),
                    },
                    id,
                    "责任单位",
                    "已召开专题会落实批示要求，施工单位已进场，计划下周复工。",
                )
                .await?;
        }
        if k == 2 {
            store
                .notices()
                .decide_instruction(&leader, id, true, "同意办结，继续跟踪。")
                .await?;
        }
    }

    // A finished sweep of the first concentrated-start batch.
    // This year's first concentrated-start batch.
    let this_year = format!("{}年", today.year());
    let batch = store
        .projects()
        .batches()
        .await?
        .into_iter()
        .find(|b| b.starts_with(&this_year));
    if let Some(batch) = batch {
        let insp = store
            .notices()
            .create_inspection(
                &sup,
                &tree,
                NewInspection {
                    title: format!("{batch}集中开工项目拉网式督查"),
                    scope_kind: "batch".into(),
                    scope_value: batch,
                    checklist: "是否实质性开工\n现场施工人员与机械\n形象进度与填报是否一致".into(),
                    inspectors: "市政府督查室、驻工地专员".into(),
                    start: day(-20),
                    end: day(-6),
                    unit_id: city,
                },
                day(-20),
            )
            .await?;
        let (_, items) = store.notices().inspection(insp).await?;
        let comm = as_user("zhuanyuan");
        let mut noticed = Vec::new();
        for it in &items {
            let (f, sev) = if it.label.contains("开而未建") {
                ("现场未见施工人员和机械，开而未建", "major")
            } else {
                ("现场施工正常，形象进度与填报一致", "none")
            };
            store.notices().record_finding(&comm, it.id, f, sev).await?;
            if sev != "none" {
                noticed.push(it.id);
            }
        }
        store
            .notices()
            .notices_from_findings(&sup, insp, &noticed, day(10), today)
            .await?;
        store.notices().finish_inspection(&sup, insp).await?;
    }

    // Meeting 2, today: its briefing reports on meeting 1's decisions.
    let m2 = store
        .meetings().create(&sup, NewMeeting {
            title: "第二次重点工作调度会".into(),
            date: today,
            review_period: format!("{}年{}月", today.year(), today.month() as u8),
            unit_id: city,
            attendees: "市长、分管副市长，各县区、园区和市直有关部门主要负责同志".into(),
            agenda: "一、通报上次会议议定事项落实情况；二、调度红灯项目和滞后任务；三、部署下一步工作".into(),
        })
        .await?;
    store
        .meetings()
        .add_decision(
            &sup,
            m2,
            "各县区对红灯项目逐一制定追赶计划",
            task("红灯项目追赶计划", "YC", 0, 30, Cadence::Weekly),
        )
        .await?;
    Ok(())
}

/// Invented boundaries (GeoJSON) for the units of `codes`: a tiling of about 4 × 2 cells whose
/// inner corners are moved a little, so that the areas fit together without being squares; each
/// edge drawn with `points_per_edge` points (a real district's boundary, simplified for a screen,
/// has a few hundred per side), the inner ones wavy and shared exactly by the two cells beside it.
pub fn invented_boundaries(codes: &[String], points_per_edge: usize) -> String {
    let n = codes.len().max(1);
    let cols = ((n as f64 * 2.0).sqrt().ceil() as usize).max(1);
    let rows = n.div_ceil(cols);
    let corner = |i: usize, j: usize| -> (f64, f64) {
        let h = (i * 7 + j * 13 + 3) % 11;
        let edge = i == 0 || i == cols || j == 0 || j == rows;
        let (dx, dy) = if edge {
            (0.0, 0.0)
        } else {
            (
                (h as f64 - 5.0) * 0.012,
                (((h * 3) % 11) as f64 - 5.0) * 0.01,
            )
        };
        (112.0 + 0.25 * i as f64 + dx, 30.4 - 0.2 * j as f64 + dy)
    };
    // The points of the edge from corner `a` to corner `b`, `b` left out; the same points, in the
    // other order, for the cell on the other side.
    let edge = |a: (usize, usize), b: (usize, usize)| -> Vec<(f64, f64)> {
        let (lo, hi, reversed) = if a <= b { (a, b, false) } else { (b, a, true) };
        let (p, q) = (corner(lo.0, lo.1), corner(hi.0, hi.1));
        let outer = (lo.0 == hi.0 && (lo.0 == 0 || lo.0 == cols))
            || (lo.1 == hi.1 && (lo.1 == 0 || lo.1 == rows));
        let k = points_per_edge.max(1);
        let mut pts: Vec<(f64, f64)> = (0..=k)
            .map(|s| {
                let t = s as f64 / k as f64;
                let wave = if outer || k == 1 {
                    0.0
                } else {
                    0.006 * (t * std::f64::consts::PI * 5.0).sin() * (t * (1.0 - t) * 4.0)
                };
                // Perpendicular to the edge.
                let (ex, ey) = (q.0 - p.0, q.1 - p.1);
                let len = (ex * ex + ey * ey).sqrt().max(1e-9);
                (
                    p.0 + ex * t - ey / len * wave,
                    p.1 + ey * t + ex / len * wave,
                )
            })
            .collect();
        if reversed {
            pts.reverse();
        }
        pts.pop();
        pts
    };
    let features: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(k, code)| {
            let (i, j) = (k % cols, k / cols);
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)];
            let mut ring: Vec<(f64, f64)> = corners.windows(2).flat_map(|w| edge(w[0], w[1])).collect();
            ring.push(ring[0]);
            let ring = ring
                .iter()
                .map(|(x, y)| format!("[{x:.5},{y:.5}]"))
                .collect::<Vec<_>>()
                .join(",");
            format!(
                r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[{ring}]]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}
