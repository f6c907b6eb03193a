//! Files in and out: CSV and .xlsx import with row/column errors in Chinese, .xlsx/.csv export of the
//! ledgers, import templates, and SVG charts shared by the web pages and documents.

pub mod docx;
pub mod extract;
pub mod files;
pub mod import;
pub mod svg;
pub mod table;
pub mod xlsx;

pub use table::{read_table, Table};
