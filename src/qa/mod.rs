//! The language core of question answering: normalising questions, reading numbers and units,
//! detecting the language and finding lexicon labels despite typos.
//!
//! Nothing here knows about HTTP or the store; the question-answering pipeline calls these
//! functions and fills query slots only with the IRIs and typed values they return, never with
//! the user's text. The usual order is:
//!
//! 1. [`lang::detect`] the question's language (or take the one the client asked for);
//! 2. [`normalise::normalise`] it into tokens (numbers, units, years, words with stems);
//! 3. [`fuzzy::Lexicon::find`] entity and property labels among the tokens;
//! 4. read years, quantities and units from the remaining tokens, convert with
//!    [`units::convert`], and write answers with [`numbers::format_number`] and
//!    [`units::symbol`].

pub mod fuzzy;
pub mod lang;
pub mod normalise;
pub mod numbers;
pub mod units;

pub use fuzzy::{LabelMatch, Lexicon};
pub use lang::Lang;
pub use normalise::{normalise, Normalised, Quantity, Token, TokenKind};
