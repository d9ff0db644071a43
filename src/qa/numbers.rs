//! Reads numbers written the Dutch or the English way and writes them back for answers.
//!
//! # The separator rule
//!
//! Dutch groups thousands with "." and writes decimals with ","; English does the opposite.
//! [`parse_number`] decides per number, in this order:
//!
//! 1. Both "." and "," present: the one that comes last is the decimal separator and the other
//!    must group thousands ("1.234,5" and "1,234.5" are both 1234.5).
//! 2. One kind of separator, used more than once: it groups thousands ("1.234.567").
//! 3. One separator, used once, with exactly three digits after it and one to three digits
//!    (not starting with 0) before it: thousands, in both languages. "1.881" is 1881 even in an
//!    English question, because people copy the figures of the Dutch article as written and a
//!    decimal with exactly three places is rare in questions about it. When the separator is the
//!    decimal separator of the question's language ("1.881" in English, "43,866" in Dutch) the
//!    decimal reading is kept in [`ParsedNumber::alternative`] so a caller can retry with it;
//!    this is where the question's language is used as a tie-breaker.
//! 4. Any other single separator is a decimal separator ("2,5" and "2.5" are both 2.5; so is
//!    "0.881").
//!
//! Spaces (also no-break and thin spaces) group thousands when every group after the first has
//! exactly three digits ("40 000"). A trailing "k" multiplies by a thousand ("40k").
//! Four digits without a separator between 1900 and 2100 are read as a year.

use super::lang::Lang;

/// How a number was written, so callers can tell a year from a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Plain digits, no separator ("43866").
    Plain,
    /// Digits grouped in thousands ("43.866", "43,866", "40 000").
    Grouped,
    /// A decimal fraction ("2,5", "2.5").
    Decimal,
    /// Four digits between 1900 and 2100 without a separator ("2018").
    Year,
    /// A number with a "k" suffix ("40k").
    Suffixed,
    /// Number words ("veertigduizend", "forty thousand").
    Words,
}

/// A number read from a question.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParsedNumber {
    /// The value under the reading chosen by the separator rule.
    pub value: f64,
    /// The other reading when the question's language makes the chosen one debatable.
    pub alternative: Option<f64>,
    /// How the number was written.
    pub reading: Reading,
}

impl ParsedNumber {
    fn new(value: f64, reading: Reading) -> Self {
        ParsedNumber {
            value,
            alternative: None,
            reading,
        }
    }
}

/// True for the characters that may group thousands as a space.
pub fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}')
}

/// Parses one written number (digits and separators, optional sign and "k" suffix).
///
/// `lang` is the question's language; it only decides whether the other reading of an
/// ambiguous number is offered in [`ParsedNumber::alternative`] (see the module docs).
pub fn parse_number(input: &str, lang: Lang) -> Option<ParsedNumber> {
    let mut s = input.trim();
    let mut sign = 1.0;
    if let Some(rest) = s.strip_prefix(['-', '\u{2212}']) {
        sign = -1.0;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    let mut multiplier = None;
    if let Some(rest) = s.strip_suffix(['k', 'K']) {
        multiplier = Some(1000.0);
        s = rest.trim_end();
    }
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let mut parsed = if s.contains(is_group_space) {
        parse_space_grouped(s)?
    } else {
        parse_separated(s, lang)?
    };
    if sign < 0.0 {
        parsed.value = -parsed.value;
        parsed.alternative = parsed.alternative.map(|a| -a);
        if parsed.reading == Reading::Year {
            parsed.reading = Reading::Plain;
        }
    }
    if let Some(m) = multiplier {
        parsed.value *= m;
        parsed.alternative = parsed.alternative.map(|a| a * m);
        parsed.reading = Reading::Suffixed;
    }
    Some(parsed)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn digits_value(s: &str) -> Option<f64> {
    s.parse::<u64>().ok().map(|v| v as f64)
}

/// "40 000" and "1 234 567,5": space-separated groups of three, optional decimal at the end.
fn parse_space_grouped(s: &str) -> Option<ParsedNumber> {
    let groups: Vec<&str> = s.split(is_group_space).collect();
    let (last, rest) = groups.split_last()?;
    let (last_digits, fraction) = match last.find(['.', ',']) {
        Some(i) => (&last[..i], Some(&last[i + 1..])),
        None => (*last, None),
    };
    let first = rest.first()?;
    if !all_digits(first) || first.len() > 3 {
        return None;
    }
    if !rest[1..].iter().all(|g| all_digits(g) && g.len() == 3) {
        return None;
    }
    if !all_digits(last_digits) || last_digits.len() != 3 {
        return None;
    }
    let mut joined: String = rest.concat();
    joined.push_str(last_digits);
    let whole = digits_value(&joined)?;
    match fraction {
        None => Some(ParsedNumber::new(whole, Reading::Grouped)),
        Some(f) if all_digits(f) => {
            let value = format!("{joined}.{f}").parse::<f64>().ok()?;
            Some(ParsedNumber::new(value, Reading::Decimal))
        }
        Some(_) => None,
    }
}

/// Digits with "." and "," in any of the shapes the module docs list.
fn parse_separated(s: &str, lang: Lang) -> Option<ParsedNumber> {
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    match (dots, commas) {
        (0, 0) => {
            let value = digits_value(s)?;
            let reading = if s.len() == 4 && (1900.0..=2100.0).contains(&value) {
                Reading::Year
            } else {
                Reading::Plain
            };
            Some(ParsedNumber::new(value, reading))
        }
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let parts: Vec<&str> = s.split(sep).collect();
            if parts.len() > 2 {
                let value = grouped_value(&parts)?;
                return Some(ParsedNumber::new(value, Reading::Grouped));
            }
            let (left, right) = (parts[0], parts[1]);
            if right.len() == 3 && (1..=3).contains(&left.len()) && !left.starts_with('0') {
                let value = grouped_value(&parts)?;
                let decimal_sep = match lang {
                    Lang::Nl => ',',
                    Lang::En => '.',
                };
                let alternative = if sep == decimal_sep {
                    decimal_value(left, right)
                } else {
                    None
                };
                return Some(ParsedNumber {
                    value,
                    alternative,
                    reading: Reading::Grouped,
                });
            }
            let value = decimal_value(left, right)?;
            Some(ParsedNumber::new(value, Reading::Decimal))
        }
        _ => {
            // Both kinds: the last one is the decimal separator and must occur once.
            let last_dot = s.rfind('.')?;
            let last_comma = s.rfind(',')?;
            let (decimal_sep, group_sep, at) = if last_dot > last_comma {
                ('.', ',', last_dot)
            } else {
                (',', '.', last_comma)
            };
            if s.matches(decimal_sep).count() != 1 {
                return None;
            }
            let whole: Vec<&str> = s[..at].split(group_sep).collect();
            let whole_value = grouped_value(&whole)?;
            let fraction = &s[at + 1..];
            if !all_digits(fraction) {
                return None;
            }
            let value = format!("{whole_value}.{fraction}").parse::<f64>().ok()?;
            Some(ParsedNumber::new(value, Reading::Decimal))
        }
    }
}

/// Joins thousands groups after checking their shape: 1–3 digits, then groups of exactly 3.
fn grouped_value(parts: &[&str]) -> Option<f64> {
    let (first, rest) = parts.split_first()?;
    if !all_digits(first) || first.len() > 3 || !rest.iter().all(|g| all_digits(g) && g.len() == 3)
    {
        return None;
    }
    digits_value(&parts.concat())
}

fn decimal_value(left: &str, right: &str) -> Option<f64> {
    if !(left.is_empty() || all_digits(left)) || !all_digits(right) {
        return None;
    }
    let left = if left.is_empty() { "0" } else { left };
    format!("{left}.{right}").parse::<f64>().ok()
}

/// The factor of a multiplier word that may follow a number ("2,5 miljoen", "40 thousand").
///
/// The word must already be lowercase and folded (see [`super::fold::fold`]).
pub fn multiplier(word: &str) -> Option<f64> {
    match word {
        "k" | "duizend" | "thousand" | "thousands" => Some(1e3),
        "mln" | "mio" | "miljoen" | "miljoenen" | "million" | "millions" => Some(1e6),
        "mld" | "miljard" | "miljarden" | "billion" | "billions" | "bn" => Some(1e9),
        _ => None,
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month number (1–12) of a Dutch or English month name or common abbreviation.
///
/// Case and a trailing full stop are ignored ("Mei", "okt.", "Sept"). "may" is also an English
/// verb; deciding whether it names the month is left to the caller, which sees the context.
pub fn month_number(word: &str) -> Option<u8> {
    let w = word.trim().trim_end_matches('.').to_lowercase();
    let n = match w.as_str() {
        "januari" | "january" | "jan" => 1,
        "februari" | "february" | "feb" | "febr" => 2,
        "maart" | "march" | "mrt" | "mar" | "maa" => 3,
        "april" | "apr" => 4,
        "mei" | "may" => 5,
        "juni" | "june" | "jun" => 6,
        "juli" | "july" | "jul" => 7,
        "augustus" | "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "oktober" | "october" | "okt" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(n)
}

/// The name of month `n` (1–12) for answers: Dutch months are lowercase, English capitalised.
pub fn month_name(n: u8, lang: Lang) -> Option<&'static str> {
    let i = usize::from(n).checked_sub(1)?;
    match lang {
        Lang::Nl => MONTHS_NL.get(i).copied(),
        Lang::En => MONTHS_EN.get(i).copied(),
    }
}

/// Formats a number for an answer with at most three decimals ("43.866", "2,5" in Dutch;
/// "43,866", "2.5" in English). Three decimals keep "1,881 kiloton" exact.
pub fn format_number(value: f64, lang: Lang) -> String {
    format_decimal(value, 3, lang)
}

/// Formats a number with thousands grouping and at most `max_decimals` decimals; trailing zero
/// decimals are dropped so whole numbers print without a fraction.
pub fn format_decimal(value: f64, max_decimals: u32, lang: Lang) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let (group_sep, decimal_sep) = match lang {
        Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    };
    let max_decimals = max_decimals.min(9);
    let scale = 10u64.pow(max_decimals);
    let scaled = (value.abs() * scale as f64).round();
    if scaled >= 9.0e18 {
        // Too large to group exactly; such values never come from the article.
        return value.to_string();
    }
    let scaled = scaled as u64;
    let whole = scaled / scale;
    let fraction = scaled % scale;
    let mut out = String::new();
    if value < 0.0 && scaled > 0 {
        out.push('-');
    }
    out.push_str(&group_thousands(whole, group_sep));
    if fraction > 0 {
        let digits = format!("{:0width$}", fraction, width = max_decimals as usize);
        out.push(decimal_sep);
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

fn group_thousands(value: u64, sep: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// One piece of a number written in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordPiece {
    Value(u64),
    /// "en" (Dutch, "drieënveertig") or "and" (English, "two hundred and five").
    And,
}

/// Dutch number morphemes, matched longest first inside compounds such as "veertigduizend".
const NL_MORPHEMES: &[(&str, u64)] = &[
    ("nul", 0),
    ("een", 1),
    ("twee", 2),
    ("drie", 3),
    ("vier", 4),
    ("vijf", 5),
    ("zes", 6),
    ("zeven", 7),
    ("acht", 8),
    ("negen", 9),
    ("tien", 10),
    ("elf", 11),
    ("twaalf", 12),
    ("dertien", 13),
    ("veertien", 14),
    ("vijftien", 15),
    ("zestien", 16),
    ("zeventien", 17),
    ("achttien", 18),
    ("negentien", 19),
    ("twintig", 20),
    ("dertig", 30),
    ("veertig", 40),
    ("vijftig", 50),
    ("zestig", 60),
    ("zeventig", 70),
    ("tachtig", 80),
    ("negentig", 90),
    ("honderd", 100),
    ("duizend", 1_000),
    ("miljoen", 1_000_000),
    ("miljard", 1_000_000_000),
];

/// English number words; English writes them as separate (or hyphenated) words.
const EN_WORDS: &[(&str, u64)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
];

/// Splits one folded word into number pieces, or `None` if it is not wholly a number word of
/// `lang`. Only the question's own language is used so that Dutch "ten" ("ten noorden") and
/// English "elf" are not read as numbers.
fn word_pieces(word: &str, lang: Lang) -> Option<Vec<WordPiece>> {
    match (lang, word) {
        (Lang::En, "and") | (Lang::Nl, "en") => return Some(vec![WordPiece::And]),
        _ => {}
    }
    match lang {
        Lang::Nl => split_dutch_compound(word),
        Lang::En => {
            let mut pieces = Vec::new();
            for part in word.split('-') {
                let &(_, v) = EN_WORDS.iter().find(|(w, _)| *w == part)?;
                pieces.push(WordPiece::Value(v));
            }
            Some(pieces)
        }
    }
}

/// Greedy longest-morpheme split of a Dutch compound ("tweeduizendachttien" → 2, 1000, 18).
fn split_dutch_compound(mut rest: &str) -> Option<Vec<WordPiece>> {
    let mut pieces = Vec::new();
    while !rest.is_empty() {
        let best = NL_MORPHEMES
            .iter()
            .filter(|(m, _)| rest.starts_with(m))
            .max_by_key(|(m, _)| m.len());
        if let Some(&(m, v)) = best {
            pieces.push(WordPiece::Value(v));
            rest = &rest[m.len()..];
        } else if let Some(r) = rest.strip_prefix("en") {
            // The connector between unit and tens: "drieënveertig" folds to "drieenveertig".
            pieces.push(WordPiece::And);
            rest = r;
        } else {
            return None;
        }
    }
    Some(pieces)
}

/// Accumulates number pieces and refuses sequences that are not a well-formed number.
#[derive(Clone, Default)]
struct WordNumber {
    total: u64,
    current: u64,
    pending_and: bool,
    any: bool,
}

impl WordNumber {
    /// Adds a piece; returns false (and changes nothing) when it would not make a number.
    fn push(&mut self, piece: WordPiece) -> bool {
        match piece {
            WordPiece::And => {
                if !self.any || self.pending_and {
                    return false;
                }
                self.pending_and = true;
                true
            }
            WordPiece::Value(v) => {
                let low = self.current % 100;
                let ok = if v == 100 {
                    self.current < 100
                } else if v >= 1000 || !self.any || low == 0 {
                    true
                } else if self.pending_and {
                    // Dutch "drie-en-veertig": a unit, "en", then a multiple of ten.
                    low < 10 && v >= 20 && v.is_multiple_of(10)
                } else {
                    // English "forty three": a multiple of ten, then a unit.
                    low >= 20 && low.is_multiple_of(10) && v < 10
                };
                if !ok {
                    return false;
                }
                if v == 100 {
                    self.current = self.current.max(1) * 100;
                } else if v >= 1000 {
                    self.total += self.current.max(1) * v;
                    self.current = 0;
                } else {
                    self.current += v;
                }
                self.pending_and = false;
                self.any = true;
                true
            }
        }
    }

    fn value(&self) -> u64 {
        self.total + self.current
    }
}

/// Reads a number written in words at the start of `words` (folded, lowercase) in the
/// question's language: Dutch ("veertigduizend", "drieënveertig", "twee duizend achttien") or
/// English ("forty thousand", "forty-three thousand eight hundred and sixty-six").
///
/// Returns the value and how many words it used. A lone "een" or "one" is not read as a number,
/// because in questions it is nearly always the article or a pronoun ("een fabriek", "which
/// one"); the tokeniser reads an accented "één" as 1 itself.
pub fn parse_number_words(words: &[&str], lang: Lang) -> Option<(f64, usize)> {
    let mut number = WordNumber::default();
    let mut used_at_last_value = 0;
    for (i, word) in words.iter().enumerate() {
        let Some(pieces) = word_pieces(word, lang) else {
            break;
        };
        // Try the word on a copy so a word that breaks the number leaves it as it was.
        let mut trial = number.clone();
        if !pieces.iter().all(|p| trial.push(*p)) {
            break;
        }
        number = trial;
        if !number.pending_and {
            used_at_last_value = i + 1;
        }
    }
    if used_at_last_value == 0 {
        return None;
    }
    if used_at_last_value == 1 && matches!(words[0], "een" | "one") {
        return None;
    }
    Some((number.value() as f64, used_at_last_value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str, lang: Lang) -> Option<f64> {
        parse_number(s, lang).map(|p| p.value)
    }

    #[test]
    fn parses_numbers_the_dutch_and_the_english_way() {
        let cases: &[(&str, Lang, f64, Reading)] = &[
            ("43.866", Lang::Nl, 43866.0, Reading::Grouped),
            ("43,866", Lang::En, 43866.0, Reading::Grouped),
            ("43.866", Lang::En, 43866.0, Reading::Grouped),
            ("9.000", Lang::Nl, 9000.0, Reading::Grouped),
            ("1.881", Lang::Nl, 1881.0, Reading::Grouped),
            ("1.881", Lang::En, 1881.0, Reading::Grouped),
            ("107.000", Lang::Nl, 107000.0, Reading::Grouped),
            ("2,5", Lang::Nl, 2.5, Reading::Decimal),
            ("2.5", Lang::En, 2.5, Reading::Decimal),
            ("2,5", Lang::En, 2.5, Reading::Decimal),
            ("0.881", Lang::En, 0.881, Reading::Decimal),
            ("40 000", Lang::Nl, 40000.0, Reading::Grouped),
            ("40\u{a0}000", Lang::Nl, 40000.0, Reading::Grouped),
            ("40\u{202f}000", Lang::En, 40000.0, Reading::Grouped),
            ("1 234 567", Lang::En, 1234567.0, Reading::Grouped),
            ("40k", Lang::En, 40000.0, Reading::Suffixed),
            ("2,5k", Lang::Nl, 2500.0, Reading::Suffixed),
            ("43866", Lang::En, 43866.0, Reading::Plain),
            ("1.234.567", Lang::Nl, 1234567.0, Reading::Grouped),
            ("1,234,567", Lang::En, 1234567.0, Reading::Grouped),
            ("1.234,5", Lang::Nl, 1234.5, Reading::Decimal),
            ("1,234.5", Lang::En, 1234.5, Reading::Decimal),
            ("2018", Lang::Nl, 2018.0, Reading::Year),
            ("1300", Lang::Nl, 1300.0, Reading::Plain),
            ("2600", Lang::Nl, 2600.0, Reading::Plain),
            ("-3", Lang::Nl, -3.0, Reading::Plain),
        ];
        for (input, lang, expected, reading) in cases {
            let parsed = parse_number(input, *lang);
            assert_eq!(
                parsed.map(|p| p.value),
                Some(*expected),
                "{input} ({lang:?})"
            );
            assert_eq!(
                parsed.map(|p| p.reading),
                Some(*reading),
                "{input} ({lang:?})"
            );
        }
    }

    #[test]
    fn keeps_the_decimal_reading_when_the_language_makes_it_plausible() {
        let en = parse_number("1.881", Lang::En);
        assert_eq!(en.and_then(|p| p.alternative), Some(1.881));
        let nl = parse_number("1.881", Lang::Nl);
        assert_eq!(nl.and_then(|p| p.alternative), None);
        let nl_comma = parse_number("43,866", Lang::Nl);
        assert_eq!(nl_comma.map(|p| p.value), Some(43866.0));
        assert_eq!(nl_comma.and_then(|p| p.alternative), Some(43.866));
    }

    #[test]
    fn rejects_malformed_numbers() {
        for input in [
            "",
            "abc",
            "1.2.3",
            "1,23,456",
            "12 34",
            "1.234,5,6",
            "--1",
            "k",
        ] {
            assert_eq!(value(input, Lang::Nl), None, "{input}");
        }
    }

    #[test]
    fn recognises_years() {
        let reading = |text, lang| parse_number(text, lang).map(|p| (p.value, p.reading));
        assert_eq!(reading("2021", Lang::En), Some((2021.0, Reading::Year)));
        assert_ne!(reading("2.021", Lang::Nl).map(|r| r.1), Some(Reading::Year));
    }

    #[test]
    fn formats_numbers_for_answers() {
        let cases: &[(f64, &str, &str)] = &[
            (43866.0, "43.866", "43,866"),
            (9000.0, "9.000", "9,000"),
            (2.5, "2,5", "2.5"),
            (1881.0, "1.881", "1,881"),
            (1.881, "1,881", "1.881"),
            (107000.0, "107.000", "107,000"),
            (90000.0, "90.000", "90,000"),
            (1300.0, "1.300", "1,300"),
            (12.0, "12", "12"),
            (0.0, "0", "0"),
            (-2600.0, "-2.600", "-2,600"),
            (1234567.25, "1.234.567,25", "1,234,567.25"),
        ];
        for (value, nl, en) in cases {
            assert_eq!(format_number(*value, Lang::Nl), *nl);
            assert_eq!(format_number(*value, Lang::En), *en);
        }
        assert_eq!(format_number(43866.0, Lang::Nl), "43.866");
        assert_eq!(format_number(-9000.0, Lang::En), "-9,000");
        assert_eq!(format_decimal(2.0 / 3.0, 2, Lang::Nl), "0,67");
    }

    #[test]
    fn formatting_and_parsing_round_trip() {
        for value in [43866.0, 9000.0, 2.5, 1881.0, 107000.0, 1234567.0] {
            for lang in [Lang::Nl, Lang::En] {
                let written = format_number(value, lang);
                assert_eq!(value_of(&written, lang), Some(value), "{written}");
            }
        }
    }

    fn value_of(s: &str, lang: Lang) -> Option<f64> {
        value(s, lang)
    }

    #[test]
    fn reads_month_names() {
        let cases: &[(&str, u8)] = &[
            ("mei", 5),
            ("May", 5),
            ("januari", 1),
            ("okt.", 10),
            ("Oct", 10),
            ("maart", 3),
            ("March", 3),
            ("december", 12),
        ];
        for (name, n) in cases {
            assert_eq!(month_number(name), Some(*n), "{name}");
        }
        assert_eq!(month_number("brussel"), None);
        assert_eq!(month_name(5, Lang::Nl), Some("mei"));
        assert_eq!(month_name(5, Lang::En), Some("May"));
        assert_eq!(month_name(13, Lang::En), None);
        assert_eq!(month_name(0, Lang::En), None);
    }

    #[test]
    fn reads_numbers_written_in_words() {
        use Lang::{En, Nl};
        let cases: &[(&[&str], Lang, f64, usize)] = &[
            (&["veertigduizend"], Nl, 40000.0, 1),
            (&["veertig", "duizend"], Nl, 40000.0, 2),
            (&["drieenveertig"], Nl, 43.0, 1),
            (&["tweeduizendachttien"], Nl, 2018.0, 1),
            (&["honderdzeven", "duizend"], Nl, 107000.0, 2),
            (&["negenduizend", "megawattuur"], Nl, 9000.0, 1),
            (&["twee", "en", "drie"], Nl, 2.0, 1),
            (&["een", "miljoen"], Nl, 1e6, 2),
            (&["forty", "thousand"], En, 40000.0, 2),
            (
                &[
                    "forty-three",
                    "thousand",
                    "eight",
                    "hundred",
                    "and",
                    "sixty-six",
                ],
                En,
                43866.0,
                6,
            ),
            (
                &["two", "thousand", "and", "eighteen", "cars"],
                En,
                2018.0,
                4,
            ),
            (&["nine", "thousand", "and"], En, 9000.0, 2),
        ];
        for (words, lang, value, used) in cases {
            assert_eq!(
                parse_number_words(words, *lang),
                Some((*value, *used)),
                "{words:?}"
            );
        }
        let not_numbers: &[(&[&str], Lang)] = &[
            (&["een"], Nl),
            (&["one"], En),
            (&["fabriek"], Nl),
            (&["tienen"], Nl),
            (&["and", "two"], En),
            (&["ten", "noorden"], Nl),
            (&["veertig"], En),
        ];
        for (words, lang) in not_numbers {
            assert_eq!(parse_number_words(words, *lang), None, "{words:?}");
        }
    }

    #[test]
    fn reads_multipliers() {
        assert_eq!(multiplier("duizend"), Some(1e3));
        assert_eq!(multiplier("million"), Some(1e6));
        assert_eq!(multiplier("mln"), Some(1e6));
        assert_eq!(multiplier("ton"), None);
    }
}
