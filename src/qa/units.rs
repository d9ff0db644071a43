//! Units of measure: recognising them in questions, converting within a dimension, naming them.
//!
//! Units are identified by their QUDT IRIs, the same IRIs the graph uses in `qudt:hasUnit`, so a
//! unit found in a question can be compared with a fact's unit without any mapping table.
//! "ton" means the metric tonne (1000 kg) in both languages: the article is European and the
//! short and long tons never occur in it.

use super::lang::Lang;
use super::numbers::format_number;

/// The namespace of QUDT unit IRIs.
pub const QUDT_UNIT: &str = "http://qudt.org/vocab/unit/";

/// What a unit measures; only units of the same dimension convert into each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Energy, reference unit the watt hour.
    Energy,
    /// Mass, reference unit the kilogram.
    Mass,
    /// Area, reference unit the square metre.
    Area,
    /// Length, reference unit the metre.
    Length,
    /// A share of a whole, reference unit one (percentages). No fact of the graph has it; it is
    /// known so that "hoeveel procent" is not answered with a quantity of another dimension.
    Ratio,
}

impl Dimension {
    /// The dimension a question-vocabulary word set names (`qa:dimension "area"`).
    pub fn from_name(name: &str) -> Option<Dimension> {
        match name {
            "energy" => Some(Dimension::Energy),
            "mass" => Some(Dimension::Mass),
            "area" => Some(Dimension::Area),
            "length" => Some(Dimension::Length),
            "ratio" => Some(Dimension::Ratio),
            _ => None,
        }
    }
}

/// A unit of measure with the words that name it in questions and the labels used in answers.
#[derive(Debug, PartialEq)]
pub struct Unit {
    /// The QUDT IRI, e.g. `http://qudt.org/vocab/unit/MegaW-HR`.
    pub iri: &'static str,
    /// What the unit measures.
    pub dimension: Dimension,
    /// The size of the unit in the dimension's reference unit (Wh, kg, m², m).
    pub factor: f64,
    symbol_nl: &'static str,
    symbol_en: &'static str,
    /// Word sequences naming the unit anywhere in a question, folded and lowercase.
    words: &'static [&'static [&'static str]],
    /// Short symbols that name the unit only right after a number ("9 t", "2 ha", "5 m"), since
    /// on their own they are ordinary letters or words.
    after_number: &'static [&'static str],
}

impl Unit {
    /// The symbol used in answers: "MWh", "m²", "km" in both languages; mass in tonnes is
    /// "ton" in Dutch and "t" in English.
    pub fn symbol(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nl => self.symbol_nl,
            Lang::En => self.symbol_en,
        }
    }

    /// Every word that names the unit in questions ("hectare", "ha", "km", "miles").
    pub fn surface_words(&self) -> impl Iterator<Item = &'static str> {
        self.words
            .iter()
            .flat_map(|w| w.iter().copied())
            .chain(self.after_number.iter().copied())
    }

    /// The local name of the IRI ("MegaW-HR"), handy in logs and for building `unit:` CURIEs.
    pub fn local_name(&self) -> &'static str {
        self.iri.strip_prefix(QUDT_UNIT).unwrap_or(self.iri)
    }
}

macro_rules! unit {
    ($local:literal, $dim:expr, $factor:expr, $nl:literal, $en:literal, $words:expr, $short:expr) => {
        Unit {
            iri: concat!("http://qudt.org/vocab/unit/", $local),
            dimension: $dim,
            factor: $factor,
            symbol_nl: $nl,
            symbol_en: $en,
            words: $words,
            after_number: $short,
        }
    };
}

/// Every unit the service knows. Word lists spell out plurals because the lists are matched
/// against surface words, not stems, to keep unit recognition exact.
pub static UNITS: &[Unit] = &[
    unit!(
        "W-HR",
        Dimension::Energy,
        1.0,
        "Wh",
        "Wh",
        &[
            &["wh"],
            &["wattuur"],
            &["watturen"],
            &["watt-hour"],
            &["watt-hours"],
            &["watt", "hour"],
            &["watt", "hours"],
        ],
        &[]
    ),
    unit!(
        "KiloW-HR",
        Dimension::Energy,
        1e3,
        "kWh",
        "kWh",
        &[
            &["kwh"],
            &["kilowattuur"],
            &["kilowatturen"],
            &["kilowatt-hour"],
            &["kilowatt-hours"],
            &["kilowatt", "hour"],
            &["kilowatt", "hours"],
        ],
        &[]
    ),
    unit!(
        "MegaW-HR",
        Dimension::Energy,
        1e6,
        "MWh",
        "MWh",
        &[
            &["mwh"],
            &["megawattuur"],
            &["megawatturen"],
            &["megawatt-hour"],
            &["megawatt-hours"],
            &["megawatt", "hour"],
            &["megawatt", "hours"],
        ],
        &[]
    ),
    unit!(
        "GigaW-HR",
        Dimension::Energy,
        1e9,
        "GWh",
        "GWh",
        &[
            &["gwh"],
            &["gigawattuur"],
            &["gigawatturen"],
            &["gigawatt-hour"],
            &["gigawatt-hours"],
            &["gigawatt", "hour"],
            &["gigawatt", "hours"],
        ],
        &[]
    ),
    unit!(
        "TeraW-HR",
        Dimension::Energy,
        1e12,
        "TWh",
        "TWh",
        &[
            &["twh"],
            &["terawattuur"],
            &["terawatturen"],
            &["terawatt-hour"],
            &["terawatt-hours"],
            &["terawatt", "hour"],
            &["terawatt", "hours"],
        ],
        &[]
    ),
    unit!(
        "GM",
        Dimension::Mass,
        1e-3,
        "g",
        "g",
        &[&["gram"], &["grammen"], &["grams"]],
        &["g"]
    ),
    unit!(
        "KiloGM",
        Dimension::Mass,
        1.0,
        "kg",
        "kg",
        &[
            &["kg"],
            &["kilogram"],
            &["kilogrammen"],
            &["kilograms"],
            &["kilo"],
            &["kilos"],
        ],
        &[]
    ),
    unit!(
        "TONNE",
        Dimension::Mass,
        1e3,
        "ton",
        "t",
        &[
            &["ton"],
            &["tons"],
            &["tonne"],
            &["tonnes"],
            &["metric", "ton"],
            &["metric", "tons"],
            &["metrische", "ton"],
        ],
        &["t"]
    ),
    unit!(
        "KiloTONNE",
        Dimension::Mass,
        1e6,
        "kiloton",
        "kt",
        &[
            &["kiloton"],
            &["kilotonnen"],
            &["kilotons"],
            &["kilotonne"],
            &["kilotonnes"],
        ],
        &["kt"]
    ),
    unit!(
        "M2",
        Dimension::Area,
        1.0,
        "m²",
        "m²",
        &[
            &["m2"],
            &["sqm"],
            &["vierkante", "meter"],
            &["vierkante", "meters"],
            &["vierkante", "metre"],
            &["square", "metre"],
            &["square", "metres"],
            &["square", "meter"],
            &["square", "meters"],
            &["sq", "m"],
        ],
        &[]
    ),
    unit!(
        "KiloM2",
        Dimension::Area,
        1e6,
        "km²",
        "km²",
        &[
            &["km2"],
            &["vierkante", "kilometer"],
            &["vierkante", "kilometers"],
            &["square", "kilometre"],
            &["square", "kilometres"],
            &["square", "kilometer"],
            &["square", "kilometers"],
            &["sq", "km"],
        ],
        &[]
    ),
    unit!(
        "HA",
        Dimension::Area,
        1e4,
        "ha",
        "ha",
        &[&["hectare"], &["hectares"]],
        &["ha"]
    ),
    unit!(
        "M",
        Dimension::Length,
        1.0,
        "m",
        "m",
        &[&["meter"], &["meters"], &["metre"], &["metres"]],
        &["m"]
    ),
    unit!(
        "KiloM",
        Dimension::Length,
        1e3,
        "km",
        "km",
        &[
            &["km"],
            &["kilometer"],
            &["kilometers"],
            &["kilometre"],
            &["kilometres"],
        ],
        &[]
    ),
    unit!(
        "PERCENT",
        Dimension::Ratio,
        0.01,
        "%",
        "%",
        &[
            &["procent"],
            &["percent"],
            &["per", "cent"],
            &["percentage"]
        ],
        &[]
    ),
    unit!(
        "MI",
        Dimension::Length,
        1609.344,
        "mijl",
        "mi",
        &[&["mile"], &["miles"], &["mijl"], &["mijlen"]],
        &["mi"]
    ),
];

/// Looks a unit up by IRI. Also accepts the `unit:` CURIE ("unit:MegaW-HR") and QUDT's older
/// name for the tonne (`TON_Metric`), so data written either way resolves.
pub fn unit_by_iri(iri: &str) -> Option<&'static Unit> {
    let local = iri
        .strip_prefix(QUDT_UNIT)
        .or_else(|| iri.strip_prefix("unit:"))
        .unwrap_or(iri);
    let local = match local {
        "TON_Metric" | "TON_M" => "TONNE",
        other => other,
    };
    UNITS.iter().find(|u| u.local_name() == local)
}

/// Converts `value` between two units of the same dimension; `None` for unknown units or
/// units that measure different things (tonnes to MWh).
pub fn convert(value: f64, from_unit_iri: &str, to_unit_iri: &str) -> Option<f64> {
    let from = unit_by_iri(from_unit_iri)?;
    let to = unit_by_iri(to_unit_iri)?;
    if from.dimension != to.dimension {
        return None;
    }
    if from.iri == to.iri {
        return Some(value);
    }
    Some(value * from.factor / to.factor)
}

/// Writes a value with its unit for an answer, in the answer's language: "9.000 MWh" and
/// "9,000 MWh", "107.000 m²", "1.881 ton" and "1,881 t". `None` for an unknown unit.
pub fn format_quantity(value: f64, unit_iri: &str, lang: Lang) -> Option<String> {
    let unit = unit_by_iri(unit_iri)?;
    Some(format!(
        "{} {}",
        format_number(value, lang),
        unit.symbol(lang)
    ))
}

/// Finds the unit named at the start of `words` (folded, lowercase) and how many words name it.
///
/// Multi-word names win over their first word ("vierkante meter" over nothing, "square
/// metres" over nothing, "metric tons" over "metric"). Short symbols ("t", "m", "ha") count
/// only when `after_number` is true, because on their own they are ordinary words or letters.
pub fn recognise(words: &[&str], after_number: bool) -> Option<(&'static Unit, usize)> {
    let mut best: Option<(&'static Unit, usize)> = None;
    for unit in UNITS {
        for name in unit.words {
            let n = name.len();
            if n <= words.len() && words[..n] == **name && best.is_none_or(|(_, used)| n > used) {
                best = Some((unit, n));
            }
        }
        if after_number && best.is_none() {
            if let Some(first) = words.first() {
                if unit.after_number.contains(first) {
                    best = Some((unit, 1));
                }
            }
        }
    }
    best.or_else(|| misspelt(words.first()?))
}

/// The shortest unit name read despite a typo: shorter ones ("mile", "gram") are too close to
/// ordinary words.
const MIN_MISSPELT: usize = 7;

/// A one-word unit name written with a typo ("hecatres", "kilometres"), read as the unit only
/// when exactly one unit is that near, within the allowance the label lexicon uses.
fn misspelt(word: &str) -> Option<(&'static Unit, usize)> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < MIN_MISSPELT || chars.iter().any(char::is_ascii_digit) {
        return None;
    }
    let max = super::distance::allowance(chars.len());
    let mut found = UNITS.iter().filter(|unit| {
        unit.words.iter().any(|name| {
            let [one] = name else { return false };
            let other: Vec<char> = one.chars().collect();
            other.len() >= MIN_MISSPELT
                && super::distance::bounded_distance(&chars, &other, max).is_some()
        })
    });
    match (found.next(), found.next()) {
        (Some(unit), None) => Some((unit, 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iri(local: &str) -> String {
        format!("{QUDT_UNIT}{local}")
    }

    #[test]
    fn reads_a_misspelt_unit_name_only_when_one_unit_is_near() {
        let read = |w: &str| recognise(&[w], false).map(|(u, _)| u.local_name());
        assert_eq!(read("hecatres"), Some("HA"));
        assert_eq!(read("kilogramm"), Some("KiloGM"));
        // Short words are never read as a misspelt unit, nor words far from every unit name.
        assert_eq!(read("miels"), None);
        assert_eq!(read("factory"), None);
        assert_eq!(read("hectare"), Some("HA"));
    }

    #[test]
    fn converts_within_a_dimension() {
        let cases: &[(f64, &str, &str, f64)] = &[
            (9.0, "GigaW-HR", "MegaW-HR", 9000.0),
            (9000.0, "MegaW-HR", "GigaW-HR", 9.0),
            (9000.0, "MegaW-HR", "KiloW-HR", 9_000_000.0),
            (1.0, "KiloW-HR", "W-HR", 1000.0),
            (1881.0, "TONNE", "KiloGM", 1_881_000.0),
            (1881.0, "TONNE", "KiloTONNE", 1.881),
            (2.6, "KiloTONNE", "TONNE", 2600.0),
            (107000.0, "M2", "HA", 10.7),
            (107000.0, "M2", "KiloM2", 0.107),
            (1300.0, "KiloM", "M", 1_300_000.0),
            (1.0, "MI", "KiloM", 1.609344),
        ];
        for (value, from, to, expected) in cases {
            let got = convert(*value, &iri(from), &iri(to));
            let got = got.unwrap_or(f64::NAN);
            assert!(
                (got - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "{value} {from} → {to}: {got}"
            );
        }
    }

    #[test]
    fn refuses_to_convert_across_dimensions_or_unknown_units() {
        assert_eq!(convert(1.0, &iri("TONNE"), &iri("MegaW-HR")), None);
        assert_eq!(convert(1.0, &iri("M2"), &iri("M")), None);
        assert_eq!(convert(1.0, &iri("PARSEC"), &iri("M")), None);
    }

    #[test]
    fn accepts_curies_and_the_old_tonne_name() {
        assert_eq!(
            unit_by_iri("unit:MegaW-HR").map(|u| u.local_name()),
            Some("MegaW-HR")
        );
        assert_eq!(
            unit_by_iri(&iri("TON_Metric")).map(|u| u.local_name()),
            Some("TONNE")
        );
        assert_eq!(convert(9.0, "unit:GigaW-HR", "unit:MegaW-HR"), Some(9000.0));
    }

    #[test]
    fn labels_units_for_answers() {
        let cases: &[(&str, &str, &str)] = &[
            ("MegaW-HR", "MWh", "MWh"),
            ("M2", "m²", "m²"),
            ("TONNE", "ton", "t"),
            ("KiloM", "km", "km"),
        ];
        for (local, nl, en) in cases {
            let unit = unit_by_iri(&iri(local)).unwrap();
            assert_eq!(unit.symbol(Lang::Nl), *nl);
            assert_eq!(unit.symbol(Lang::En), *en);
        }
    }

    #[test]
    fn writes_quantities_for_answers() {
        let cases: &[(f64, &str, &str, &str)] = &[
            (9000.0, "MegaW-HR", "9.000 MWh", "9,000 MWh"),
            (107000.0, "M2", "107.000 m²", "107,000 m²"),
            (1881.0, "TONNE", "1.881 ton", "1,881 t"),
            (1300.0, "KiloM", "1.300 km", "1,300 km"),
            (9.0, "GigaW-HR", "9 GWh", "9 GWh"),
            (10.7, "HA", "10,7 ha", "10.7 ha"),
        ];
        for (value, local, nl, en) in cases {
            assert_eq!(
                format_quantity(*value, &iri(local), Lang::Nl).as_deref(),
                Some(*nl)
            );
            assert_eq!(
                format_quantity(*value, &iri(local), Lang::En).as_deref(),
                Some(*en)
            );
        }
        assert_eq!(format_quantity(1.0, "unit:PARSEC", Lang::En), None);
        // The product's conversion case: 9 GWh asked, 9.000 MWh stored.
        let stored = convert(9.0, &iri("GigaW-HR"), &iri("MegaW-HR"));
        assert_eq!(stored, Some(9000.0));
    }

    #[test]
    fn recognises_unit_words_in_both_languages() {
        let cases: &[(&[&str], bool, &str, usize)] = &[
            (&["mwh"], false, "MegaW-HR", 1),
            (&["megawattuur", "per", "jaar"], false, "MegaW-HR", 1),
            (&["gigawatt", "hours"], false, "GigaW-HR", 2),
            (&["gigawatt-hours"], false, "GigaW-HR", 1),
            (&["ton"], false, "TONNE", 1),
            (&["tonnes"], false, "TONNE", 1),
            (&["metric", "tons", "co2"], false, "TONNE", 2),
            (&["t"], true, "TONNE", 1),
            (&["vierkante", "meter"], false, "M2", 2),
            (&["square", "metres"], false, "M2", 2),
            (&["m2"], false, "M2", 1),
            (&["km2"], false, "KiloM2", 1),
            (&["hectare"], false, "HA", 1),
            (&["km"], false, "KiloM", 1),
            (&["kilometer"], false, "KiloM", 1),
            (&["m"], true, "M", 1),
            (&["kg"], false, "KiloGM", 1),
        ];
        for (words, after_number, local, used) in cases {
            let found = recognise(words, *after_number).map(|(u, n)| (u.local_name(), n));
            assert_eq!(found, Some((*local, *used)), "{words:?}");
        }
        assert_eq!(recognise(&["t"], false), None);
        assert_eq!(recognise(&["m"], false), None);
        assert_eq!(recognise(&["metric"], false), None);
        assert_eq!(recognise(&["fabriek"], true), None);
        assert_eq!(recognise(&[], true), None);
    }
}
