//! The commission's monthly routine from the command line: the year's planning quotas imported
//! from a spreadsheet (a bad file refused naming its row and column, nothing written), then the
//! monthly planning notice written as a Word document naming each unit's progress. Through the
//! binary, on the test engine.

mod common;
use common::diaodu;

fn ok(db: &str, args: &[&str]) -> String {
    let (good, out, err) = diaodu(db, args);
    assert!(good, "diaodu {args:?} failed:\n{out}\n{err}");
    out
}

/// A fresh database: a schema of its own on PostgreSQL when `DIAODU_TEST_DB` names one, else a file.
fn fresh(dir: &std::path::Path) -> String {
    match std::env::var("DIAODU_TEST_DB")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let schema = format!("pl_{}", std::process::id());
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                sqlx::any::install_default_drivers();
                let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                )))
                .execute(&mut c)
                .await
                .unwrap();
            });
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}options=-c%20search_path%3D{schema}")
        }
        None => dir.join("planning.db").to_string_lossy().into_owned(),
    }
}

#[test]
fn the_commission_imports_quotas_and_writes_the_monthly_notice() {
    let dir = std::env::temp_dir().join(format!("diaodu-planning-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = fresh(&dir);
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples");
    ok(&db, &["import", "units", &format!("{examples}/units.csv")]);
    // Two projects planned and packaged in 2026: one of 甲区 (12 亿元, a big one), one of 乙县.
    let projects = dir.join("planned.csv");
    std::fs::write(
        &projects,
        "项目编码,项目名称,责任单位,包抓领导,项目类别,建设阶段,总投资(万元),计划年度,年度计划投资(万元),计划开工日期,计划竣工日期,实际开工日期,集中开工批次,所属行业,环评状态,策划年度,入库日期\n\
         PL-001,甲区新能源电池材料项目,EX-A,张某某,工业,前期,120000,2026,10000,2026-09-01,2028-12-31,,,新材料,已批复,2026,2026-03-15\n\
         PL-002,乙县冷链物流园项目,EX-B,李某某,其他,储备,30000,2026,0,,,,,现代物流,待批复,2026,2026-05-20\n",
    )
    .unwrap();
    ok(&db, &["import", "projects", projects.to_str().unwrap()]);

    // A bad file: row 3 has more big projects than projects. Refused, naming row and column;
    // nothing of row 2 is kept.
    let quotas = dir.join("quotas.csv");
    std::fs::write(
        &quotas,
        "单位编码,年度,策划项目数,策划总投资(万元),大块头项目数\nEX-A,2026,4,400000,1\nEX-B,2026,2,100000,3\n",
    )
    .unwrap();
    let (good, out, err) = diaodu(
        &db,
        &["import", "planning-quotas", quotas.to_str().unwrap()],
    );
    assert!(!good, "{out}");
    assert!(
        err.contains("第3行") && err.contains("大块头项目数"),
        "{err}"
    );
    let notice = dir.join("notice.docx");
    // June's notice, written and read back.
    let june_notice = || {
        ok(
            &db,
            &[
                "report",
                "planning",
                "--month",
                "2026-06",
                "--out",
                notice.to_str().unwrap(),
            ],
        );
        diaodu_office::extract::text_of(
            diaodu_office::extract::TextKind::Docx,
            &std::fs::read(&notice).unwrap(),
        )
        .unwrap()
    };
    let text = june_notice();
    assert!(
        !text.contains("甲区") || !text.contains("25.0%"),
        "no quota was kept: {text}"
    );

    // The corrected file.
    std::fs::write(
        &quotas,
        "单位编码,年度,策划项目数,策划总投资(万元),大块头项目数\nEX-A,2026,4,400000,1\nEX-B,2026,2,100000,1\n",
    )
    .unwrap();
    ok(
        &db,
        &["import", "planning-quotas", quotas.to_str().unwrap()],
    );
    let text = june_notice();
    // As of 30 June: 甲区 1 of 4 (25.0 %), 120,000 of 400,000 万元 (30.0 %), its big one (1/1),
    // converted (前期); 乙县 1 of 2 (50.0 %), 30,000 of 100,000 (30.0 %), none big (0/1). 乙县
    // leads; the city: 2 of 6 = 33.3 %.
    for part in [
        "项目策划包装情况的通报",
        "示发改投资〔2026〕1号",
        "甲区",
        "乙县",
        "25.0%",
        "50.0%",
        "30.0%",
        "1/1",
        "0/1",
        "33.3%",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(
        text.find("乙县").unwrap() < text.find("甲区").unwrap(),
        "乙县 ranks first: {text}"
    );
}
