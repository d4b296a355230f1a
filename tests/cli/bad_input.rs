//! Bad input: exit 2 messages and data errors.
