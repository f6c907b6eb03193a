//! The units' boundaries for the cockpit's map: an uploaded GeoJSON file matched to the units by
//! code or name, and the map drawn from them on the server (nothing fetched from a map service).

use std::collections::HashMap;

use diaodu_domain::access::Action;
use diaodu_domain::map::{parse_geojson, Projection, Ring};
use diaodu_store::{Actor, Store, UnitTree};

use super::Error;
use crate::auth::Current;
use crate::AppState;

/// What an upload matched.
#[derive(Debug, Clone)]
pub struct MapSummary {
    /// Features in the file.
    pub features: usize,
    /// Units given a boundary.
    pub matched: usize,
    /// Features that matched no unit.
    pub unmatched: Vec<String>,
}

/// Reads `text` (GeoJSON) and replaces every unit's boundary with the file's: each feature matched
/// to a unit by its code, else by its name when exactly one unit has it (a name two units share is
/// listed unmatched, with the reason; a unit named by two features gets both shapes). A file
/// matching no unit is refused, and nothing changes.
pub async fn apply(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    file_name: &str,
    text: &str,
) -> Result<MapSummary, Error> {
    let owned = text.to_string();
    let features = tokio::task::spawn_blocking(move || parse_geojson(&owned))
        .await
        .map_err(|e| Error::Internal(format!("reading a GeoJSON file: {e}")))?
        .map_err(|m| Error::invalid("文件", m))?;
    let mut shapes: HashMap<i64, Vec<Ring>> = HashMap::new();
    let mut unmatched = Vec::new();
    for f in &features {
        let by_code = f.code.as_deref().and_then(|c| tree.resolve(c).ok());
        let unit = match (by_code, f.name.as_deref()) {
            (Some(u), _) => Ok(u),
            (None, Some(n)) => tree.resolve(n),
            (None, None) => Err(String::new()),
        };
        match unit {
            Ok(u) => shapes
                .entry(u.id)
                .or_default()
                .extend(f.rings.iter().cloned()),
            Err(why) if why.starts_with("有多个") => {
                unmatched.push(format!("{}（{why}）", f.label()))
            }
            Err(_) => unmatched.push(f.label()),
        }
    }
    if shapes.is_empty() {
        return Err(Error::invalid(
            "文件",
            "没有一个边界的编码（code）或名称（name）与单位对应，未做任何更改",
        ));
    }
    let mut shapes: Vec<(i64, Vec<Ring>)> = shapes.into_iter().collect();
    shapes.sort_by_key(|s| s.0);
    store
        .set_unit_shapes(actor, file_name, features.len(), &shapes, &unmatched)
        .await?;
    Ok(MapSummary {
        features: features.len(),
        matched: shapes.len(),
        unmatched,
    })
}

/// An upload from the map page: the administrator's (`ManageUnits`); the file is UTF-8 text.
pub async fn upload(
    state: &AppState,
    c: &Current,
    file_name: &str,
    bytes: &[u8],
) -> Result<MapSummary, Error> {
    c.require(Action::ManageUnits)?;
    if bytes.is_empty() {
        return Err(Error::invalid("文件", "请选择文件"));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::invalid("文件", "GeoJSON 文件应为 UTF-8 编码的文本"))?;
    let tree = state.store.units().await?;
    apply(&state.store, &c.actor(), &tree, file_name, text).await
}

/// The drawn areas of `units` (id, value, text, href) that have a boundary, fitted to `width` ×
/// at most `height`; the drawing's height.
pub fn areas(
    shapes: &HashMap<i64, Vec<Ring>>,
    tree: &UnitTree,
    units: &[(i64, Option<f64>, String, String)],
    width: f64,
    height: f64,
) -> (Vec<diaodu_office::svg::Area>, f64) {
    let drawn: Vec<&(i64, Option<f64>, String, String)> =
        units.iter().filter(|u| shapes.contains_key(&u.0)).collect();
    let proj = Projection::fit(
        drawn.iter().flat_map(|u| shapes[&u.0].iter()),
        width,
        height,
    );
    let areas = drawn
        .iter()
        .map(|(id, value, text, href)| {
            let rings = &shapes[id];
            diaodu_office::svg::Area {
                name: tree.get(*id).map(|u| u.name.clone()).unwrap_or_default(),
                path: proj.path(rings),
                centre: proj.centre(rings),
                value: *value,
                text: text.clone(),
                href: href.clone(),
            }
        })
        .collect();
    (areas, proj.height)
}
