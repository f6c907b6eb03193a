//! The organisation tree (单位): province → cities → districts, counties, parks, departments.

use std::collections::HashMap;

use diaodu_domain::access::{Scope, UnitKind};
use diaodu_domain::import::{ImportError, UnitRow};
use serde::Serialize;

use crate::bulk;
use crate::{audit, Actor, Result, Store, StoreError};

/// A unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// Id.
    pub id: i64,
    /// 单位编码.
    pub code: String,
    /// 单位名称.
    pub name: String,
    /// Parent unit.
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: UnitKind,
    /// Materialised path `/1/4/9/`.
    #[serde(skip)]
    pub path: String,
    /// The day it was retired (撤销), if it was: kept for its history, not offered for new records.
    pub retired_on: Option<String>,
}

/// A unit as the database holds it.
#[derive(sqlx::FromRow)]
struct UnitRecord {
    id: i64,
    code: String,
    name: String,
    parent_id: Option<i64>,
    kind: String,
    path: String,
    retired_on: Option<String>,
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// 单位编码.
    pub code: String,
    /// 单位名称.
    pub name: String,
    /// Parent unit id.
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: UnitKind,
}

/// All units in memory, for scope checks, pickers and rankings.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    /// Units in path order (a parent before its children).
    pub units: Vec<Unit>,
    by_id: HashMap<i64, usize>,
}

impl UnitTree {
    /// Builds the tree from units.
    pub fn new(mut units: Vec<Unit>) -> UnitTree {
        units.sort_by(|a, b| a.path.cmp(&b.path));
        let by_id = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        UnitTree { units, by_id }
    }

    /// A unit by id.
    pub fn get(&self, id: i64) -> Option<&Unit> {
        self.by_id.get(&id).map(|&i| &self.units[i])
    }

    /// A unit by code, or failing that by exact name (the import rule: units are named by code or
    /// exact name).
    pub fn find(&self, code_or_name: &str) -> Option<&Unit> {
        let t = code_or_name.trim();
        self.units
            .iter()
            .find(|u| u.code == t)
            .or_else(|| self.units.iter().find(|u| u.name == t))
    }

    /// A unit named by code or by exact name, with a Chinese reason when there is none or the name is
    /// shared by several units (then only the code is unambiguous).
    pub fn resolve(&self, code_or_name: &str) -> std::result::Result<&Unit, String> {
        let t = code_or_name.trim();
        if let Some(u) = self.units.iter().find(|u| u.code == t) {
            return Ok(u);
        }
        let mut named = self.units.iter().filter(|u| u.name == t);
        match (named.next(), named.next()) {
            (Some(u), None) => Ok(u),
            (Some(_), Some(_)) => Err(format!("有多个单位名为“{t}”，请改用单位编码")),
            _ => Err(format!("找不到单位“{t}”")),
        }
    }

    /// Whether `unit_id` lies in `scope`.
    pub fn in_scope(&self, unit_id: i64, scope: Scope) -> bool {
        match scope {
            Scope::All => true,
            Scope::Subtree(root) => match (self.get(unit_id), self.get(root)) {
                (Some(u), Some(r)) => u.path.starts_with(&r.path),
                _ => false,
            },
        }
    }

    /// Direct children of `id` (or the roots for `None`).
    pub fn children(&self, id: Option<i64>) -> Vec<&Unit> {
        self.units.iter().filter(|u| u.parent_id == id).collect()
    }

    /// Units inside a scope, in tree order.
    pub fn within(&self, scope: Scope) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| self.in_scope(u.id, scope))
            .collect()
    }

    /// Depth of a unit (roots are 0).
    pub fn depth(&self, id: i64) -> usize {
        self.get(id)
            .map(|u| u.path.matches('/').count().saturating_sub(2))
            .unwrap_or(0)
    }

    /// The full name chain, e.g. 示例省 / 云川市 / 东城区.
    pub fn display_path(&self, id: i64) -> String {
        let mut names = Vec::new();
        let mut cur = self.get(id);
        while let Some(u) = cur {
            names.push(u.name.as_str());
            cur = u.parent_id.and_then(|p| self.get(p));
        }
        names.reverse();
        names.join(" / ")
    }

    /// The path prefix of a scope for SQL `LIKE`, or `None` for everything.
    pub fn scope_prefix(&self, scope: Scope) -> Option<String> {
        match scope {
            Scope::All => None,
            Scope::Subtree(root) => Some(
                self.get(root)
                    .map(|u| u.path.clone())
                    .unwrap_or_else(|| "/nonexistent/".into()),
            ),
        }
    }
}

/// Inserts a unit under a parent whose path is known and sets its own path `parent_path/id/`.
async fn insert_unit(
    tx: &mut sqlx::AnyConnection,
    code: &str,
    name: &str,
    parent_id: Option<i64>,
    kind: UnitKind,
    parent_path: &str,
) -> Result<(i64, String)> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (code, name, parent_id, kind, path) VALUES ($1, $2, $3, $4, '') RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(parent_id)
    .bind(kind.code())
    .fetch_one(&mut *tx)
    .await?;
    let path = format!("{parent_path}{id}/");
    sqlx::query("UPDATE units SET path = $1 WHERE id = $2")
        .bind(&path)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok((id, path))
}

fn unit_json(u: &Unit) -> serde_json::Value {
    serde_json::json!({"id": u.id, "code": u.code, "name": u.name, "parent_id": u.parent_id,
        "kind": u.kind.code(), "retired_on": u.retired_on})
}

/// What an administrator changes of a unit; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct UnitChange {
    /// 单位名称.
    pub name: Option<String>,
    /// The unit above it (moving it with everything below it).
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: Option<UnitKind>,
    /// Retire (true) or restore (false).
    pub retired: Option<bool>,
}

/// Checks a unit's name: 1 – 50 characters.
pub fn check_unit_name(name: &str) -> std::result::Result<(), String> {
    let n = name.trim().chars().count();
    if n == 0 || n > 50 {
        return Err("应为 1 – 50 个字".into());
    }
    Ok(())
}

impl Store {
    /// Loads all units.
    pub async fn units(&self) -> Result<UnitTree> {
        // Every page needs the tree; it changes rarely, so it is reused until the data changes.
        let version = self.data_version().await?;
        if let Some(t) = self.status_cache.units.get(version) {
            return Ok(t);
        }
        let tree = self.read_units().await?;
        self.status_cache.units.put(version, tree.clone());
        Ok(tree)
    }

    async fn read_units(&self) -> Result<UnitTree> {
        let rows: Vec<UnitRecord> =
            sqlx::query_as("SELECT id, code, name, parent_id, kind, path, retired_on FROM units")
                .fetch_all(&self.pool)
                .await?;
        let units = rows
            .into_iter()
            .map(|r| Unit {
                id: r.id,
                code: r.code,
                name: r.name,
                parent_id: r.parent_id,
                kind: UnitKind::parse(&r.kind).unwrap_or(UnitKind::Department),
                path: r.path,
                retired_on: r.retired_on,
            })
            .collect();
        Ok(UnitTree::new(units))
    }

    /// Creates one unit (audited).
    pub async fn create_unit(&self, actor: &Actor, u: NewUnit) -> Result<Unit> {
        let mut tx = self.begin().await?;
        let parent_path: String = match u.parent_id {
            Some(p) => {
                let (path, retired): (String, Option<String>) =
                    sqlx::query_as("SELECT path, retired_on FROM units WHERE id = $1")
                        .bind(p)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::NotFound("上级单位".into()))?;
                if retired.is_some() {
                    return Err(StoreError::invalid("上级单位", "上级单位已撤销"));
                }
                path
            }
            None => "/".into(),
        };
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
            .bind(&u.code)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("单位编码“{}”已存在", u.code)));
        }
        let (id, path) =
            insert_unit(&mut tx, &u.code, &u.name, u.parent_id, u.kind, &parent_path).await?;
        let unit = Unit {
            id,
            code: u.code,
            name: u.name,
            parent_id: u.parent_id,
            kind: u.kind,
            path,
            retired_on: None,
        };
        audit::record(
            &mut tx,
            actor,
            "create",
            "unit",
            &unit.code,
            None,
            Some(unit_json(&unit)),
        )
        .await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Imports units all or nothing. Parents may be existing units or rows of the same file (in any
    /// order), named by code or exact name. Returns the number created.
    pub async fn import_units(
        &self,
        actor: &Actor,
        rows: &[UnitRow],
        mut errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let tree = self.units().await?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for r in rows {
            if tree.units.iter().any(|u| u.code == r.code) {
                errors.push(ImportError::new(
                    r.row,
                    "单位编码",
                    format!("“{}”已存在", r.code),
                ));
            }
            if let Some(first) = seen.insert(r.code.as_str(), r.row) {
                errors.push(ImportError::new(
                    r.row,
                    "单位编码",
                    format!("“{}”与第{first}行重复", r.code),
                ));
            }
        }
        // Resolve parents: an existing unit, or another row of this file. Order rows so that every
        // parent is inserted before its children; a cycle is an error.
        let by_code: HashMap<&str, &UnitRow> = rows.iter().map(|r| (r.code.as_str(), r)).collect();
        let by_name: HashMap<&str, &UnitRow> = rows.iter().map(|r| (r.name.as_str(), r)).collect();
        enum Parent<'a> {
            Root,
            Existing(i64, String),
            InFile(&'a str),
        }
        let mut parents: HashMap<&str, Parent> = HashMap::new();
        for r in rows {
            let p = r.parent.trim();
            let parent = if p.is_empty() {
                Parent::Root
            } else if let Some(f) = by_code.get(p).or_else(|| by_name.get(p)) {
                Parent::InFile(f.code.as_str())
            } else {
                match tree.resolve(p) {
                    Ok(u) => Parent::Existing(u.id, u.path.clone()),
                    Err(m) => {
                        errors.push(ImportError::new(r.row, "上级单位编码", m));
                        continue;
                    }
                }
            };
            parents.insert(r.code.as_str(), parent);
        }
        // Cycle detection runs even when rows above failed, so the user sees every error at once; rows
        // with an unresolved parent are simply not followed.
        let mut order: Vec<&UnitRow> = Vec::new();
        let mut placed: HashMap<&str, bool> = HashMap::new();
        for r in rows {
            let mut chain = vec![r];
            let mut cur = r;
            while let Some(Parent::InFile(pc)) = parents.get(cur.code.as_str()) {
                if placed.contains_key(pc) {
                    break;
                }
                let p = by_code[pc];
                if chain.iter().any(|c| c.code == p.code) {
                    errors.push(ImportError::new(
                        r.row,
                        "上级单位编码",
                        "上级关系形成了循环",
                    ));
                    break;
                }
                chain.push(p);
                cur = p;
            }
            for c in chain.into_iter().rev() {
                if placed.insert(c.code.as_str(), true).is_none() {
                    order.push(c);
                }
            }
        }
        if !errors.is_empty() {
            diaodu_domain::import::sort_errors(&mut errors);
            errors.dedup();
            return Ok(Err(errors));
        }
        let mut tx = self.begin().await?;
        let mut made: HashMap<&str, (i64, String)> = HashMap::new();
        let mut audit_rows = Vec::new();
        for r in &order {
            let (parent_id, parent_path) = match &parents[r.code.as_str()] {
                Parent::Root => (None, "/".to_string()),
                Parent::Existing(id, path) => (Some(*id), path.clone()),
                Parent::InFile(c) => {
                    let (id, path) = &made[c];
                    (Some(*id), path.clone())
                }
            };
            let (id, path) =
                insert_unit(&mut tx, &r.code, &r.name, parent_id, r.kind, &parent_path).await?;
            audit_rows.push(crate::audit::row(
                &crate::now_ts(),
                actor,
                "create",
                "unit",
                r.code.clone(),
                None,
                Some(
                    serde_json::json!({"id": id, "code": r.code, "name": r.name, "parent_id": parent_id, "kind": r.kind.code()})
                        .to_string(),
                ),
            ));
            made.insert(r.code.as_str(), (id, path));
        }
        bulk::insert(&mut tx, "audit", crate::audit::AUDIT_COLUMNS, audit_rows).await?;
        tx.commit().await?;
        Ok(Ok(order.len()))
    }
}

impl Store {
    /// Changes a unit (audited with before and after): renames it, moves it with everything below
    /// it under another unit, changes its kind, retires or restores it. Refused: a move under itself
    /// or a unit below it; retiring a unit that still has units below it in service or users who
    /// can log in (move or retire those first). A retired unit keeps its records.
    pub async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        change: &UnitChange,
        today: time::Date,
    ) -> Result<Unit> {
        if let Some(n) = &change.name {
            check_unit_name(n).map_err(|m| StoreError::invalid("单位名称", m))?;
        }
        let tree = self.read_units().await?;
        let before = tree
            .get(id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound("单位".into()))?;
        let mut tx = self.begin().await?;
        let mut after = before.clone();
        if let Some(n) = &change.name {
            after.name = n.trim().to_string();
        }
        if let Some(k) = change.kind {
            after.kind = k;
        }
        let moved = change.parent_id.filter(|p| before.parent_id != Some(*p));
        if let Some(p) = moved {
            let parent = tree
                .get(p)
                .ok_or_else(|| StoreError::invalid("上级单位", "上级单位不存在"))?;
            if parent.path.starts_with(&before.path) {
                return Err(StoreError::invalid(
                    "上级单位",
                    "不能移到本单位或其下级单位之下",
                ));
            }
            if parent.retired_on.is_some() {
                return Err(StoreError::invalid("上级单位", "上级单位已撤销"));
            }
            after.parent_id = Some(p);
            after.path = format!("{}{}/", parent.path, id);
            // Everything below moves with it: its path prefix is replaced.
            let sql =
                "UPDATE units SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 ESCAPE '\\'";
            sqlx::query(sql)
                .bind(&after.path)
                .bind(before.path.chars().count() as i64 + 1)
                .bind(format!("{}%", crate::like_escape(&before.path)))
                .execute(&mut *tx)
                .await?;
        }
        match change.retired {
            Some(true) if before.retired_on.is_none() => {
                let live_below = tree.units.iter().any(|u| {
                    u.id != id && u.path.starts_with(&before.path) && u.retired_on.is_none()
                });
                if live_below {
                    return Err(StoreError::invalid(
                        "撤销",
                        "其下级单位仍在使用，请先撤销或移走下级单位",
                    ));
                }
                let users: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE unit_id = $1 AND active = 1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                if users > 0 {
                    return Err(StoreError::invalid(
                        "撤销",
                        format!("本单位还有 {users} 个可登录的用户，请先停用或调整到其他单位"),
                    ));
                }
                after.retired_on = Some(diaodu_domain::period::fmt_date(today));
            }
            Some(false) => {
                if let Some(parent) = after.parent_id.and_then(|p| tree.get(p)) {
                    if parent.retired_on.is_some() {
                        return Err(StoreError::invalid(
                            "恢复",
                            "上级单位已撤销，请先恢复上级单位",
                        ));
                    }
                }
                after.retired_on = None;
            }
            _ => {}
        }
        sqlx::query(
            "UPDATE units SET name = $1, parent_id = $2, kind = $3, path = $4, retired_on = $5 WHERE id = $6",
        )
        .bind(&after.name)
        .bind(after.parent_id)
        .bind(after.kind.code())
        .bind(&after.path)
        .bind(&after.retired_on)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let action = match (&before.retired_on, &after.retired_on) {
            (None, Some(_)) => "retire",
            (Some(_), None) => "restore",
            _ if moved.is_some() => "move",
            _ => "update",
        };
        audit::record(
            &mut tx,
            actor,
            action,
            "unit",
            &after.code,
            Some(unit_json(&before)),
            Some(unit_json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
