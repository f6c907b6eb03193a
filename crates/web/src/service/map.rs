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

/// A unit's boundary drawn on a map: its path and where its name goes.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// The SVG path of its boundary.
    pub path: String,
    /// Where its name is written.
    pub centre: (f64, f64),
}

/// The boundaries of `unit_ids` that have one, fitted together to `width` × at most `height`;
/// the drawing's height. Drawn once per cockpit and kept with it: a district's boundary of a few
/// thousand points is costly to write out on every request.
pub fn draw(
    shapes: &HashMap<i64, Vec<Ring>>,
    tree: &UnitTree,
    unit_ids: &[i64],
    width: f64,
    height: f64,
) -> (Vec<Drawn>, f64) {
    let ids: Vec<i64> = unit_ids
        .iter()
        .copied()
        .filter(|id| shapes.contains_key(id))
        .collect();
    let proj = Projection::fit(ids.iter().flat_map(|id| shapes[id].iter()), width, height);
    let drawn = ids
        .iter()
        .map(|id| Drawn {
            unit_id: *id,
            name: tree.get(*id).map(|u| u.name.clone()).unwrap_or_default(),
            path: proj.path(&shapes[id]),
            centre: proj.centre(&shapes[id]),
        })
        .collect();
    (drawn, proj.height)
}

/// What a unit's area shows: the figure it is coloured by (none: grey), the figure as written, and
/// the list it opens.
pub type AreaFigure = (Option<f64>, String, String);

/// The areas of a drawing coloured by `figures` (unit id → its figure); a unit without one is
/// drawn grey.
pub fn areas(drawn: &[Drawn], figures: &HashMap<i64, AreaFigure>) -> Vec<diaodu_office::svg::Area> {
    drawn
        .iter()
        .map(|d| {
            let (value, text, href) = figures.get(&d.unit_id).cloned().unwrap_or_default();
            diaodu_office::svg::Area {
                name: d.name.clone(),
                path: d.path.clone(),
                centre: d.centre,
                value,
                text,
                href,
            }
        })
        .collect()
}
