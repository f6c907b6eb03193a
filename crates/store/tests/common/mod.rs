//! Helpers shared by the storage tests.

use diaodu_domain::access::UnitKind;
use diaodu_store::{Actor, NewUnit, Store};

/// Creates a unit through the store (audited like any other) and returns its id.
pub async fn unit(
    store: &Store,
    code: &str,
    name: &str,
    parent: Option<i64>,
    kind: UnitKind,
) -> i64 {
    store
        .create_unit(
            &Actor::cli(),
            NewUnit {
                code: code.into(),
                name: name.into(),
                parent_id: parent,
                kind,
            },
        )
        .await
        .unwrap()
        .id
}
