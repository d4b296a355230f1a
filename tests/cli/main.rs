//! Integration tests: the real `peixun` binary on the fixtures and on bad input.
//! One test binary, a module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod bad_input;
mod counts;
mod fixtures;
mod formats;
mod forms;
#[cfg(unix)]
mod harm;
mod inputs;
mod layout;
mod limits;
mod measures;
mod near;
mod notices;
mod props;
mod review;
mod rules_cmd;
mod texts;
mod trend;
mod typed_columns;
mod units;
mod util;
mod workbooks;
