//! The dataset as Linked Data, apart from HTTP: its statistics and VoID/DCAT description, the
//! dumps, and JSON-LD.

pub mod describe;
pub mod dump;
pub mod jsonld;
pub mod linksets;
pub mod stats;
pub mod validators;
pub mod void;
