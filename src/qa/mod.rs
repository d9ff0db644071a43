//! The language core of question answering: normalising questions, reading numbers and units,
//! detecting the language and finding lexicon labels despite typos.
//!
//! Nothing here knows about HTTP or the store; the question-answering pipeline calls these
//! functions and fills query slots only with the IRIs and typed values they return, never with
//! the user's text. The usual order is:
//!
//! 1. [`lang::detect`] the question's language (or take the one the client asked for; when
//!    the cue words tie, [`lang::decide`] can use the languages of the labels found in step 3);
//! 2. [`normalise::normalise`] it into tokens (numbers, units, years, words with stems);
//! 3. [`fuzzy::Lexicon::find`] entity and property labels among the tokens;
//! 4. read years, quantities and units from the remaining tokens, convert with
//!    [`units::convert`], and write answers with [`numbers::format_number`] and
//!    [`units::symbol`].
//!
//! On top of the core, [`templates`] reads the templates and word lists of
//! `ontology/questions.ttl`, [`index`] indexes the facts and labels of the graph, and
//! [`engine::Engine`] chooses template and facts, runs the template's SPARQL and writes the
//! answer.

pub(crate) mod asked;
pub(crate) mod compose;
pub(crate) mod copy;
pub(crate) mod decide;
pub(crate) mod distance;
pub(crate) mod engine;
pub mod error;
pub(crate) mod fold;
pub(crate) mod fuzzy;
pub(crate) mod index;
pub(crate) mod lang;
pub(crate) mod model;
pub(crate) mod normalise;
pub(crate) mod numbers;
pub(crate) mod rank;
pub(crate) mod read;
pub(crate) mod templates;
pub(crate) mod units;

pub use error::Error;
pub use lang::{detect, Lang};
pub use model::{Answer, Candidates, Engine, Value};

#[cfg(test)]
mod tests {
    //! The language core end to end, the way the question-answering pipeline will use it:
    //! detect the language, normalise, find labels, read years and quantities.

    use super::fuzzy::Lexicon;
    use super::normalise::{normalise, Token};
    use super::*;

    /// A lexicon shaped like the one the pipeline builds from the graph's labels.
    fn lexicon() -> Lexicon<&'static str> {
        let labels: &[(&str, Lang, &str)] = &[
            ("Audi", Lang::Nl, "id:audi"),
            ("Audi Brussels", Lang::Nl, "id:audi-brussels"),
            ("de fabriek in Brussel", Lang::Nl, "id:audi-brussels"),
            ("the Brussels plant", Lang::En, "id:audi-brussels"),
            ("Brussel", Lang::Nl, "id:brussels"),
            ("Brussels", Lang::En, "id:brussels"),
            ("Q8 e-tron", Lang::Nl, "id:q8-e-tron"),
            ("Q8-tron", Lang::Nl, "id:q8-e-tron"),
            ("Ingolstadt", Lang::Nl, "id:ingolstadt"),
            ("Hongarije", Lang::Nl, "id:hungary"),
            ("Hungary", Lang::En, "id:hungary"),
            ("geproduceerd", Lang::Nl, "fg:produces"),
            ("produces", Lang::En, "fg:produces"),
            ("zonne-energiesysteem", Lang::Nl, "id:solar-system"),
            ("solar power system", Lang::En, "id:solar-system"),
        ];
        let mut lexicon = Lexicon::new();
        for (label, lang, target) in labels {
            lexicon.insert(label, *lang, *target);
        }
        lexicon
    }

    struct Reading {
        lang: Lang,
        targets: Vec<&'static str>,
        years: Vec<i32>,
        quantities: Vec<(f64, Option<&'static str>)>,
        units: Vec<&'static str>,
    }

    fn read(lexicon: &Lexicon<&'static str>, question: &str) -> Reading {
        let lang = lang::detect(question);
        let n = normalise(question, lang);
        let mut targets: Vec<&'static str> = lexicon
            .find(&n)
            .iter()
            .flat_map(|m| m.targets.iter().copied())
            .collect();
        targets.dedup();
        Reading {
            lang,
            targets,
            years: n.years().collect(),
            quantities: n
                .tokens
                .iter()
                .filter_map(Token::quantity)
                .filter(|q| q.year().is_none())
                .map(|q| (q.value, q.unit.map(|u| u.local_name())))
                .collect(),
            units: n.units().map(|u| u.local_name()).collect(),
        }
    }

    #[test]
    fn reads_the_questions_the_product_must_answer() {
        let lexicon = lexicon();

        let r = read(
            &lexicon,
            "Hoeveel elektrische Audi's rolden er in 2021 in Brussel van de band?",
        );
        assert_eq!(r.lang, Lang::Nl);
        assert_eq!(r.targets, vec!["id:audi", "id:brussels"]);
        assert_eq!(r.years, vec![2021]);

        let r = read(
            &lexicon,
            "How many MWh of renewable energy does the Brussels plant generate each year?",
        );
        assert_eq!(r.lang, Lang::En);
        assert_eq!(r.targets, vec!["id:audi-brussels"]);
        assert_eq!(r.units, vec!["MegaW-HR"]);

        let r = read(&lexicon, "Wekt het zonne-energiesysteem 9 GWh per jaar op?");
        assert_eq!(r.targets, vec!["id:solar-system"]);
        assert_eq!(r.quantities, vec![(9.0, Some("GigaW-HR"))]);
        let stored = units::convert(9.0, "unit:GigaW-HR", "unit:MegaW-HR");
        assert_eq!(stored, Some(9000.0));

        let r = read(
            &lexicon,
            "Sinds wanneer komen de motoren voor de Q8-tron per spoor uit Hongarije?",
        );
        assert_eq!(r.lang, Lang::Nl);
        assert_eq!(r.targets, vec!["id:q8-e-tron", "id:hungary"]);

        let r = read(&lexicon, "Did the CO₂ emissions drop by 1,881 tonnes?");
        assert_eq!(r.lang, Lang::En);
        assert_eq!(r.quantities, vec![(1881.0, Some("TONNE"))]);

        let r = read(&lexicon, "How long is the rail line from Hungray, in km?");
        assert_eq!(r.targets, vec!["id:hungary"]);
        assert_eq!(r.units, vec!["KiloM"]);

        let r = read(&lexicon, "Wat wordt er in Ingolstat geproduceerd?");
        assert_eq!(r.targets, vec!["id:ingolstadt", "fg:produces"]);

        let r = read(&lexicon, "Hoeveel zonne-energie: 107.000 m² of 9.000 MWh?");
        assert_eq!(
            r.quantities,
            vec![(107000.0, Some("M2")), (9000.0, Some("MegaW-HR"))]
        );
    }

    #[test]
    fn labels_of_one_language_decide_a_question_without_cue_words() {
        let lexicon = lexicon();
        let question = "Hungary?";
        let scores = lang::scores(question);
        let n = normalise(question, lang::detect(question));
        let matches = lexicon.find(&n);
        // A label both languages share would give no hint; "Hungary" is English only.
        let hints = matches
            .iter()
            .filter(|m| m.langs.len() == 1)
            .flat_map(|m| m.langs.iter().copied());
        assert_eq!(lang::decide(scores, hints, Lang::DEFAULT), Lang::En);
    }

    #[test]
    fn writes_answers_in_the_question_language() {
        assert_eq!(numbers::format_number(43866.0, Lang::Nl), "43.866");
        assert_eq!(numbers::format_number(43866.0, Lang::En), "43,866");
        assert_eq!(
            units::format_quantity(9000.0, "unit:MegaW-HR", Lang::Nl).as_deref(),
            Some("9.000 MWh")
        );
        assert_eq!(
            units::format_quantity(1881.0, "unit:TONNE", Lang::En).as_deref(),
            Some("1,881 t")
        );
    }
}
