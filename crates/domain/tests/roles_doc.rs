//! `docs/roles.md` and `access::allows` must say the same thing.

use diaodu_domain::access::{allows, Action, Role};

#[test]
fn roles_doc_matches_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/roles.md"))
        .unwrap();
    let header = doc
        .lines()
        .find(|l| l.starts_with("| action |"))
        .expect("table header");
    let roles: Vec<Role> = header
        .split('|')
        .skip(2)
        .filter_map(|c| c.split('`').nth(1))
        .map(|code| Role::parse(code).unwrap_or_else(|| panic!("unknown role {code}")))
        .collect();
    assert_eq!(roles, Role::ALL, "columns are every role, in order");
    for a in Action::ALL {
        let name = format!("`{a:?}`");
        let row = doc
            .lines()
            .find(|l| l.starts_with("| ") && l.contains(&name))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let cells: Vec<&str> = row
            .split('|')
            .skip(2)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells.len(), roles.len(), "{row}");
        for (r, c) in roles.iter().zip(cells) {
            assert_eq!(c == "✔", allows(*r, a), "{a:?} for {r:?}: doc says {c}");
        }
    }
}
