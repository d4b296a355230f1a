//! Integration tests: the real `peixun` binary on the fixtures and on bad input.
//! One test binary, a module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod bad_input;
mod counts;
mod csv_text;
mod fixtures;
mod formats;
mod forms;
#[cfg(unix)]
mod harm;
mod html_print;
mod inputs;
mod languages;
mod layout;
mod limits;
mod lint;
mod manpages;
mod mask;
mod measures;
mod near;
mod notices;
mod props;
mod quota_groups;
#[cfg(unix)]
mod readme;
mod review;
mod rule_messages;
mod rule_tests;
mod ruledoc;
mod rules_cmd;
mod stream;
mod table_stream;
mod texts;
mod trend;
mod typed_columns;
mod units;
mod util;
mod workbooks;
mod xlsx_report;
