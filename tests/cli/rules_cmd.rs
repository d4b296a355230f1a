//! `rules list` and `rules explain`.
