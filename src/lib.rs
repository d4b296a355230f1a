//! peixun checks union-cadre training records against a declarative training plan.
//! See SPEC and README; `run` wires the stages: options → rules → data → evaluation →
//! report → exit code.

pub mod baseline;
pub mod cells;
pub mod cli;
pub mod dates;
pub mod diag;
pub mod eval;
pub mod i18n;
pub mod init;
pub mod limits;
pub mod load;
pub mod model;
pub mod notice;
pub mod report;
pub mod rules;
pub mod ruletest;
pub mod spelling;
pub mod tables;
pub mod trace;
pub mod trend;
pub mod units;
pub mod view;
pub mod waivers;

pub use cli::run;
