//! The NXTsoft client end to end: the demo and the benchmark behind `cargo xtask demo` and
//! `cargo xtask bench`, and (in `tests/`) the end-to-end, snapshot and fault-matrix tests, all
//! against the loopback stand-in (`nxtsoft-standin`).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod bench;
pub mod demo;

/// The README's code examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;
