//! The integration tests, as one test binary (one link of the crate instead of one per file).
//!
//! Each module is one area: run one with `cargo test --test it <module>::`, one rule's fixture
//! cases with `cargo test CA402`, one case with `cargo test CA402::fires_`.

mod bad_input;
mod baseline;
mod browser;
mod ci_recipes;
mod common;
mod config;
mod configuration;
mod diff_base;
mod examples;
mod findings;
mod formats;
mod fuzz_smoke;
mod generate;
mod hostile;
mod imports;
mod path_explosion;
mod readme;
mod report;
mod rule_fixtures;
mod scale;
mod schemas;
mod suppressions;
mod terminal;
mod what_if;
