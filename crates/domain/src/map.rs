//! The units' boundaries for the cockpit's map: read from a GeoJSON file (a FeatureCollection of
//! Polygons and MultiPolygons whose properties name the unit by code or name), and projected onto a
//! drawing. Nothing is fetched from a map service: the shapes are the administrator's file.

use serde_json::Value;

/// The most points a file may hold, over all its shapes: far above a city's districts drawn to
/// the detail a screen shows, low enough that a page never draws megabytes.
pub const MAX_POINTS: usize = 200_000;

/// A ring of (longitude, latitude) points.
pub type Ring = Vec<(f64, f64)>;

/// One feature of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Its position in the file (1-based), for messages.
    pub index: usize,
    /// The code it names (property `code`, `编码`, `单位编码`, `adcode`), if any.
    pub code: Option<String>,
    /// The name it names (property `name`, `名称`, `单位名称`, `NAME`), if any.
    pub name: Option<String>,
    /// Its outer rings (holes are not drawn).
    pub rings: Vec<Ring>,
}

impl Feature {
    /// How it is called in a message: its name, code, or position.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.code.clone())
            .unwrap_or_else(|| format!("第{}个要素", self.index))
    }
}

fn prop(props: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match props.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn ring(v: &Value) -> Option<Ring> {
    let pts = v.as_array()?;
    let mut out = Vec::with_capacity(pts.len());
    for p in pts {
        let a = p.as_array()?;
        let (x, y) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
        if !x.is_finite() || !y.is_finite() || x.abs() > 180.0 || y.abs() > 90.0 {
            return None;
        }
        out.push((x, y));
    }
    (out.len() >= 3).then_some(out)
}

/// The largest file read, in bytes: [`MAX_POINTS`] points written out with indentation (QGIS,
/// mapshaper) stay well below it.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// How many arrays the text opens outside its strings. A file of P points opens fewer than 2P
/// (every point is an array, every ring of at least three points one more, every polygon one more),
/// so counting them first refuses a file of too many points before it is parsed into memory.
fn arrays_opened(text: &str) -> usize {
    let (mut n, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'[' {
            n += 1;
        }
    }
    n
}

/// A JSON syntax error in words, with its line and column.
fn syntax_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "文件不完整（内容意外结束）",
        _ if e.to_string().contains("recursion limit") => "嵌套层数过多",
        Category::Syntax => "JSON 语法错误",
        Category::Data | Category::Io => "内容无法读取",
    };
    format!(
        "不是有效的 GeoJSON 文件：第 {} 行第 {} 列{what}",
        e.line(),
        e.column()
    )
}

fn too_many_points() -> String {
    format!("边界点数超过 {MAX_POINTS} 个，请先在制图软件中简化边界后再上传")
}

/// Reads a GeoJSON FeatureCollection: each feature's code and name and its outer rings. The reason
/// in Chinese when the file is larger than [`MAX_BYTES`], is not such a collection, a geometry is
/// not a polygon with valid longitudes and latitudes, or the file holds more than [`MAX_POINTS`]
/// points (refused before the file is parsed into memory).
pub fn parse_geojson(text: &str) -> Result<Vec<Feature>, String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "文件超过 {} MB，请先在制图软件中简化边界后再上传",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if arrays_opened(text) > 2 * MAX_POINTS {
        return Err(too_many_points());
    }
    let v: Value = serde_json::from_str(text).map_err(|e| syntax_error(&e))?;
    if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err("应为 GeoJSON 的 FeatureCollection（各单位边界为其中的 Feature）".into());
    }
    let feats = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or("FeatureCollection 缺少 features")?;
    let mut out = Vec::new();
    let mut points = 0usize;
    for (i, f) in feats.iter().enumerate() {
        let index = i + 1;
        let props = f.get("properties").cloned().unwrap_or(Value::Null);
        let g = f
            .get("geometry")
            .ok_or_else(|| format!("第{index}个要素缺少 geometry"))?;
        let bad = || format!("第{index}个要素的边界坐标无效（应为经度、纬度）");
        let rings: Vec<Ring> = match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => {
                let r = g
                    .get("coordinates")
                    .and_then(Value::as_array)
                    .ok_or_else(bad)?;
                vec![ring(r.first().ok_or_else(bad)?).ok_or_else(bad)?]
            }
            Some("MultiPolygon") => g
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(bad)?
                .iter()
                .map(|poly| {
                    poly.as_array()
                        .and_then(|p| p.first())
                        .and_then(ring)
                        .ok_or_else(bad)
                })
                .collect::<Result<Vec<Ring>, _>>()
                .and_then(|r| if r.is_empty() { Err(bad()) } else { Ok(r) })?,
            other => {
                return Err(format!(
                    "第{index}个要素的边界类型“{}”不受支持（应为 Polygon 或 MultiPolygon）",
                    other.unwrap_or("无")
                ))
            }
        };
        points += rings.iter().map(Vec::len).sum::<usize>();
        if points > MAX_POINTS {
            return Err(too_many_points());
        }
        out.push(Feature {
            index,
            code: prop(&props, &["code", "编码", "单位编码", "adcode"]),
            name: prop(&props, &["name", "名称", "单位名称", "NAME"]),
            rings,
        });
    }
    if out.is_empty() {
        return Err("文件中没有任何边界".into());
    }
    Ok(out)
}

/// A projection of longitudes and latitudes onto a drawing `width` wide and at most `height`
/// high, keeping shapes' proportions (longitudes shrunk by the cosine of the middle latitude).
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    min_x: f64,
    max_y: f64,
    kx: f64,
    scale: f64,
    /// The drawing's height.
    pub height: f64,
}

impl Projection {
    /// Fits every ring of `shapes` into the drawing with a margin.
    pub fn fit<'a>(
        shapes: impl Iterator<Item = &'a Ring> + Clone,
        width: f64,
        height: f64,
    ) -> Projection {
        let pts = || shapes.clone().flatten();
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in pts() {
            min_x = min_x.min(*x);
            max_x = max_x.max(*x);
            min_y = min_y.min(*y);
            max_y = max_y.max(*y);
        }
        if min_x > max_x {
            (min_x, max_x, min_y, max_y) = (0.0, 1.0, 0.0, 1.0);
        }
        let kx = ((min_y + max_y) / 2.0).to_radians().cos().max(0.1);
        let w = ((max_x - min_x) * kx).max(1e-9);
        let h = (max_y - min_y).max(1e-9);
        let margin = 8.0;
        let scale = ((width - 2.0 * margin) / w).min((height - 2.0 * margin) / h);
        Projection {
            min_x: min_x - margin / scale / kx,
            max_y: max_y + margin / scale,
            kx,
            scale,
            height: h * scale + 2.0 * margin,
        }
    }

    /// A point on the drawing.
    pub fn at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            (x - self.min_x) * self.kx * self.scale,
            (self.max_y - y) * self.scale,
        )
    }

    /// The SVG path of rings.
    pub fn path(&self, rings: &[Ring]) -> String {
        let mut d = String::new();
        for r in rings {
            for (i, p) in r.iter().enumerate() {
                let (x, y) = self.at(*p);
                d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }

    /// The middle of a ring's bounding box on the drawing (where its label goes).
    pub fn centre(&self, rings: &[Ring]) -> (f64, f64) {
        let biggest = rings.iter().max_by_key(|r| r.len());
        let Some(r) = biggest else { return (0.0, 0.0) };
        let (mut a, mut b, mut c, mut e) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in r {
            let (x, y) = self.at(*p);
            a = a.min(x);
            b = b.max(x);
            c = c.min(y);
            e = e.max(y);
        }
        ((a + b) / 2.0, (c + e) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_and_multipolygons_are_read_with_their_names() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"D1","name":"甲区"},
             "geometry":{"type":"Polygon","coordinates":[[[110,30],[110.2,30],[110.2,30.2],[110,30]]]}},
            {"type":"Feature","properties":{"名称":"乙区"},
             "geometry":{"type":"MultiPolygon","coordinates":[[[[110.3,30],[110.5,30],[110.4,30.2]]],[[[111,31],[111.1,31],[111,31.1]]]]}}
        ]}"#;
        let f = parse_geojson(text).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].code.as_deref(), f[0].name.as_deref()),
            (Some("D1"), Some("甲区"))
        );
        assert_eq!(f[1].name.as_deref(), Some("乙区"));
        assert_eq!(f[1].rings.len(), 2);
        let p = Projection::fit(f.iter().flat_map(|x| x.rings.iter()), 400.0, 300.0);
        let (x, y) = p.at((110.0, 31.1));
        assert!((x - 8.0).abs() < 0.01 && (y - 8.0).abs() < 0.01, "{x},{y}");
        assert!(p.path(&f[0].rings).starts_with("M8.0,"));
    }

    #[test]
    fn bad_files_are_refused_in_words() {
        assert!(parse_geojson("{")
            .unwrap_err()
            .contains("不是有效的 GeoJSON"));
        assert!(parse_geojson(r#"{"type":"Feature"}"#)
            .unwrap_err()
            .contains("FeatureCollection"));
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        assert!(parse_geojson(point).unwrap_err().contains("Point"));
        let far = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[500,2],[1,2],[1,3]]]}}]}"#;
        assert!(parse_geojson(far).unwrap_err().contains("坐标无效"));
        let empty = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}"#;
        assert!(parse_geojson(empty).unwrap_err().contains("第1个要素"));
    }

    #[test]
    fn hostile_files_are_refused_before_they_cost_memory() {
        let cut =
            parse_geojson("{\n  \"type\": \"FeatureCollection\",\n  \"features\": [").unwrap_err();
        assert!(cut.contains("第 3 行") && cut.contains("意外结束"), "{cut}");
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse_geojson(&deep).unwrap_err().contains("嵌套层数过多"));
        let many = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}[0,0]]]}}}}]}}"#,
            "[0,0],".repeat(MAX_POINTS)
        );
        assert!(parse_geojson(&many).unwrap_err().contains("边界点数超过"));
        // Brackets inside a name are not arrays.
        assert_eq!(arrays_opened(r#"{"name":"[\"[","c":[[1]]}"#), 2);
        let big = " ".repeat(MAX_BYTES + 1);
        assert!(parse_geojson(&big).unwrap_err().contains("文件超过 20 MB"));
        let bom = "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"甲\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,1],[2,1],[2,2],[1,1]]]}}]}";
        assert_eq!(parse_geojson(bom).unwrap().len(), 1);
    }
}
