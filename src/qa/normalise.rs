//! Turns a question (or a label) into folded text and tokens for matching.
//!
//! Folding makes spelling variants compare equal: lowercase, no diacritics ("één" → "een",
//! "geïnstalleerd" → "geinstalleerd"), one apostrophe ("’ ‘ ` ´" → "'"), ASCII digits for
//! sub- and superscripts ("CO₂" → "co2", "m²" → "m2") and plain spaces for no-break and thin
//! spaces. Tokenising then keeps the shapes the article uses as single tokens:
//!
//! * hyphenated and colon-joined words stay whole ("e-tron", "co2-neutraal", "mission:zero");
//!   matching compares them without the joiner (see [`Token::compact`]), so "mission zero" and
//!   "etron" still meet them;
//! * an apostrophe inside a word is dropped ("auto's" → "autos", "Audi's" → "audis"); when it
//!   marks a possessive or plural "s" the form without it is kept too ([`Token::alt`] = "audi");
//! * a number with what follows it becomes one number token: separators ("43.866"), spaced
//!   groups ("40 000"), multipliers ("2,5 miljoen", "40k"), number words ("veertigduizend") and
//!   a unit ("9.000 MWh", "107.000 m2", "1.881 ton");
//! * a unit named without a number becomes a unit token ("hoeveel megawattuur").
//!
//! Every token carries a stem from [`stem`], a light, explicit suffix stripper for Dutch and
//! English, so inflected cue words ("geproduceerd", "produced") meet their template forms.

use std::ops::Range;

use super::fold::fold_char;
use super::lang::Lang;
use super::numbers::{self, ParsedNumber, Reading};
use super::units::{self, Unit};

/// A number found in a question, with the unit written after it if there was one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The value, multipliers applied ("2,5 miljoen" → 2 500 000).
    pub value: f64,
    /// The other reading of an ambiguous separator (see [`numbers`]), multipliers applied.
    pub alternative: Option<f64>,
    /// How the number was written; [`Reading::Year`] marks a year.
    pub reading: Reading,
    /// The unit written after the number, if any.
    pub unit: Option<&'static Unit>,
}

impl Quantity {
    /// The year, when the number was written as a year and has no unit ("sinds 2018").
    pub fn year(&self) -> Option<i32> {
        if self.reading == Reading::Year && self.unit.is_none() {
            Some(self.value as i32)
        } else {
            None
        }
    }

    /// The value as an integer when it has no fractional part.
    pub fn as_integer(&self) -> Option<i64> {
        if self.value.fract() == 0.0 && self.value.abs() < 9.0e15 {
            Some(self.value as i64)
        } else {
            None
        }
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenKind {
    /// An ordinary word (which may contain digits, like "q8" or "co2").
    Word,
    /// A number, possibly with its unit.
    Number(Quantity),
    /// A unit named without a number ("hoeveel megawattuur").
    Unit(&'static Unit),
}

/// One token of a normalised question.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The folded surface form without apostrophes ("audis", "e-tron", "mission:zero"); for
    /// numbers the plain decimal value ("43866", "2.5") so numbers compare by value.
    pub text: String,
    /// The form without a possessive or plural "'s" ("audi" for "Audi's"), when there was one.
    pub alt: Option<String>,
    /// The stem of `text` (see [`stem`]); equal to `text` for numbers and units.
    pub stem: String,
    /// Byte range of the token in the original string, for highlighting and error messages.
    pub span: Range<usize>,
    /// Word, number or unit.
    pub kind: TokenKind,
}

impl Token {
    /// The text without hyphens, colons and spaces, the form fuzzy matching compares so that
    /// "e-tron", "etron" and "e tron" meet.
    pub fn compact(&self) -> String {
        compact(&self.text)
    }

    /// The parts of a hyphenated or colon-joined word ("co2-uitstoot" → "co2", "uitstoot"), so
    /// template cues can be found inside compounds.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.text.split(['-', ':']).filter(|p| !p.is_empty())
    }

    /// The quantity, when the token is a number.
    pub fn quantity(&self) -> Option<&Quantity> {
        match &self.kind {
            TokenKind::Number(q) => Some(q),
            _ => None,
        }
    }

    /// The unit, when the token is a unit or a number with a unit.
    pub fn unit(&self) -> Option<&'static Unit> {
        match self.kind {
            TokenKind::Number(q) => q.unit,
            TokenKind::Unit(u) => Some(u),
            TokenKind::Word => None,
        }
    }

    /// The month, when the token is a Dutch or English month name. "may" is also an English
    /// verb; callers decide from context (e.g. a following year) whether it is the month.
    pub fn month(&self) -> Option<u8> {
        match self.kind {
            TokenKind::Word => numbers::month_number(&self.text),
            _ => None,
        }
    }
}

/// Removes the joiners that do not change a name's identity: hyphens, colons and spaces.
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | ':' | ' '))
        .collect()
}

/// A normalised question: folded text and its tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalised {
    /// The folded words of the question joined by single spaces, punctuation removed
    /// ("Hoeveel MWh wordt er per jaar opgewekt?" → "hoeveel mwh wordt er per jaar opgewekt").
    pub text: String,
    /// The tokens, in order.
    pub tokens: Vec<Token>,
    /// The language the question was normalised as (it decided stems and number words).
    pub lang: Lang,
}

impl Normalised {
    /// The years mentioned without a unit, in order: slot fillers for "in 2021".
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.tokens
            .iter()
            .filter_map(|t| t.quantity().and_then(Quantity::year))
    }

    /// Every unit mentioned, with or without a number ("in GWh", "9.000 MWh").
    pub fn units(&self) -> impl Iterator<Item = &'static Unit> + '_ {
        self.tokens.iter().filter_map(Token::unit)
    }

    /// True if some token has `stem_` as its stem; templates use this for single cue words.
    pub fn has_stem(&self, stem_: &str) -> bool {
        self.tokens.iter().any(|t| t.stem == stem_)
    }

    /// Finds a cue phrase (normalised with [`normalise`]) as consecutive tokens of this
    /// question and returns their token range. Tokens are the same word when their texts,
    /// their forms without "'s" or their stems are equal, so the cue "hoeveel auto" is found
    /// in "Hoeveel auto's werden geproduceerd?". The words must be consecutive; a template
    /// with a discontinuous cue ("hoeveel … geproduceerd") lists its parts as separate phrases.
    pub fn find_phrase(&self, phrase: &Normalised) -> Option<Range<usize>> {
        let n = phrase.tokens.len();
        if n == 0 || n > self.tokens.len() {
            return None;
        }
        (0..=self.tokens.len() - n)
            .find(|&start| {
                self.tokens[start..start + n]
                    .iter()
                    .zip(&phrase.tokens)
                    .all(|(q, p)| same_word(q, p))
            })
            .map(|start| start..start + n)
    }
}

impl Normalised {
    /// True when `phrase` starts at token `start` of this question.
    pub fn phrase_at(&self, phrase: &Normalised, start: usize) -> bool {
        let n = phrase.tokens.len();
        n > 0
            && start + n <= self.tokens.len()
            && self.tokens[start..start + n]
                .iter()
                .zip(&phrase.tokens)
                .all(|(q, p)| same_word(q, p))
    }
}

/// Two tokens name the same word: equal text, equal form without "'s", or equal stem.
fn same_word(a: &Token, b: &Token) -> bool {
    a.text == b.text
        || a.alt.as_deref().unwrap_or(&a.text) == b.alt.as_deref().unwrap_or(&b.text)
        || (matches!(a.kind, TokenKind::Word) && a.stem == b.stem)
}

/// A year, a month, or a month of a year mentioned in a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMention {
    /// The year ("2021" in "in 2021", "mei 2022").
    pub year: Option<i32>,
    /// The month, 1–12 ("mei" in "sinds afgelopen mei").
    pub month: Option<u8>,
    /// The tokens that say it.
    pub tokens: Range<usize>,
}

/// Words after which a month name or abbreviation is surely a date ("sinds mei", "last May").
const DATE_CONTEXT: &[&str] = &[
    "in",
    "sinds",
    "vanaf",
    "afgelopen",
    "vorige",
    "tot",
    "begin",
    "eind",
    "medio",
    "since",
    "from",
    "last",
    "until",
    "by",
    "of",
    "early",
    "late",
    "mid",
];

/// Month names that are also ordinary words or names ("may", "march", "jan", "dec").
fn month_needs_context(word: &str) -> bool {
    let full = [
        "januari",
        "februari",
        "maart",
        "mei",
        "juni",
        "juli",
        "augustus",
        "oktober",
        "january",
        "february",
        "june",
        "july",
        "august",
        "october",
        "april",
        "september",
        "november",
        "december",
    ];
    !full.contains(&word)
}

impl Normalised {
    /// The dates the question mentions, in order: a month followed by a year becomes one
    /// mention ("mei 2022", "May 2022"); a lone year ("in 2021") or a lone month ("sinds
    /// afgelopen mei") is a mention of its own. Month names that are also ordinary words
    /// ("may", "march") and abbreviations count only before a year or after a word such as
    /// "in", "sinds", "since" or "last".
    pub fn dates(&self) -> Vec<DateMention> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < self.tokens.len() {
            let token = &self.tokens[i];
            let next_year = self
                .tokens
                .get(i + 1)
                .and_then(Token::quantity)
                .and_then(Quantity::year);
            if let Some(month) = token.month() {
                let in_context = i > 0 && DATE_CONTEXT.contains(&self.tokens[i - 1].text.as_str());
                if next_year.is_some() || in_context || !month_needs_context(&token.text) {
                    let end = if next_year.is_some() { i + 2 } else { i + 1 };
                    found.push(DateMention {
                        year: next_year,
                        month: Some(month),
                        tokens: i..end,
                    });
                    i = end;
                    continue;
                }
            }
            if let Some(year) = token.quantity().and_then(Quantity::year) {
                found.push(DateMention {
                    year: Some(year),
                    month: None,
                    tokens: i..i + 1,
                });
            }
            i += 1;
        }
        found
    }
}

/// A piece of the question before numbers, units and number words are combined.
#[derive(Debug)]
struct Lexeme {
    /// Folded text without apostrophes.
    text: String,
    /// Folded text before the last apostrophe, when what follows it is "s".
    alt: Option<String>,
    start: usize,
    end: usize,
    numeric: bool,
    /// Only whitespace separates this lexeme from the previous one (or nothing at all).
    gap_is_space: bool,
    /// Exactly one space separates this lexeme from the previous one ("40 000").
    gap_is_one_space: bool,
}

/// A folded character with the byte range of the original character it came from.
#[derive(Clone, Copy)]
struct FoldedChar {
    c: char,
    start: usize,
    end: usize,
}

fn fold_with_spans(s: &str) -> Vec<FoldedChar> {
    let mut out = Vec::with_capacity(s.len());
    for (start, c) in s.char_indices() {
        let end = start + c.len_utf8();
        fold_char(c, &mut |f| out.push(FoldedChar { c: f, start, end }));
    }
    out
}

/// Splits folded characters into words and numeric strings (see the module docs for joiners).
fn lex(chars: &[FoldedChar]) -> Vec<Lexeme> {
    let mut lexemes: Vec<Lexeme> = Vec::new();
    let mut i = 0;
    let mut gap_chars = 0usize;
    let mut gap_is_space = true;
    let at = |j: usize| chars.get(j).map(|f| f.c);
    let alnum = |j: usize| at(j).is_some_and(char::is_alphanumeric);
    while i < chars.len() {
        let c = chars[i].c;
        if !c.is_alphanumeric() {
            gap_chars += 1;
            gap_is_space &= c.is_whitespace();
            i += 1;
            continue;
        }
        let start = i;
        let mut numeric = false;
        let mut end = i;
        if c.is_ascii_digit() {
            // A number: digits, with "." or "," only between digits.
            let mut j = i;
            while j < chars.len() {
                let cj = chars[j].c;
                if cj.is_ascii_digit()
                    || (matches!(cj, '.' | ',')
                        && at(j + 1).is_some_and(|n| n.is_ascii_digit())
                        && j > i)
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // Letters glued to the number: a unit or multiplier ("40k", "107.000m2") splits
            // off; anything else ("360factory", "2e") makes the whole run a word.
            let mut k = j;
            while alnum(k) {
                k += 1;
            }
            let tail: String = chars[j..k].iter().map(|f| f.c).collect();
            if tail.is_empty()
                || numbers::multiplier(&tail).is_some()
                || units::recognise(&[tail.as_str()], true).is_some()
            {
                numeric = true;
                end = j;
            }
        }
        let mut apostrophe_at: Option<usize> = None;
        let mut text = String::new();
        if numeric {
            text = chars[start..end].iter().map(|f| f.c).collect();
        } else {
            // A word: alphanumerics, joined by "-" (unless between two digits, "2018-2021"),
            // ":" between letters ("mission:zero") and "'" between alphanumerics ("auto's").
            let mut j = start;
            loop {
                if alnum(j) {
                    text.push(chars[j].c);
                    j += 1;
                    continue;
                }
                let joiner = at(j);
                let before = j.checked_sub(1).and_then(at);
                let after = at(j + 1);
                let both_alnum = before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric);
                let both_digits = before.is_some_and(|b| b.is_ascii_digit())
                    && after.is_some_and(|a| a.is_ascii_digit());
                let both_letters = before.is_some_and(char::is_alphabetic)
                    && after.is_some_and(char::is_alphabetic);
                match joiner {
                    Some('-') if both_alnum && !both_digits => text.push('-'),
                    Some(':') if both_letters => text.push(':'),
                    Some('\'') if both_alnum => apostrophe_at = Some(text.len()),
                    _ => break,
                }
                j += 1;
            }
            end = j;
        }
        let alt = apostrophe_at.and_then(|a| (&text[a..] == "s").then(|| text[..a].to_string()));
        lexemes.push(Lexeme {
            text,
            alt,
            start: chars[start].start,
            end: chars[end - 1].end,
            numeric,
            gap_is_space: lexemes.is_empty() || gap_is_space,
            gap_is_one_space: gap_chars == 1 && gap_is_space,
        });
        gap_chars = 0;
        gap_is_space = true;
        i = end;
    }
    lexemes
}

/// True if `s` can start a space-grouped number ("40" of "40 000"): one to three plain digits.
fn can_lead_group(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// True if `s` can continue a space-grouped number: exactly three plain digits.
fn can_continue_group(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The plain decimal text of a number, used as the token text so numbers compare by value.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Normalises a question (or a label) in language `lang`; see the module docs.
pub fn normalise(input: &str, lang: Lang) -> Normalised {
    let chars = fold_with_spans(input);
    let lexemes = lex(&chars);
    let text = lexemes
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut tokens = Vec::with_capacity(lexemes.len());
    let mut i = 0;
    while i < lexemes.len() {
        let lexeme = &lexemes[i];
        let (number, mut next) = read_number(input, &lexemes, i, lang);
        if let Some(parsed) = number {
            let mut quantity = Quantity {
                value: parsed.value,
                alternative: parsed.alternative,
                reading: parsed.reading,
                unit: None,
            };
            // A multiplier word after a numeral ("2,5 miljoen", "40 k"); number words already
            // include their own ("veertig duizend").
            if let Some(m) = lexemes
                .get(next)
                .filter(|l| l.gap_is_space && parsed.reading != Reading::Words)
                .and_then(|l| numbers::multiplier(&l.text))
            {
                quantity.value *= m;
                quantity.alternative = quantity.alternative.map(|a| a * m);
                if quantity.reading == Reading::Year {
                    quantity.reading = Reading::Plain;
                }
                next += 1;
            }
            if let Some((unit, used)) = unit_at(&lexemes, next, true) {
                quantity.unit = Some(unit);
                if quantity.reading == Reading::Year {
                    quantity.reading = Reading::Plain;
                }
                next += used;
            }
            let text = number_text(quantity.value);
            tokens.push(Token {
                stem: text.clone(),
                text,
                alt: None,
                span: lexeme.start..lexemes[next - 1].end,
                kind: TokenKind::Number(quantity),
            });
            i = next;
            continue;
        }
        if let Some((unit, used)) = unit_at(&lexemes, i, false) {
            let text = lexemes[i..i + used]
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            tokens.push(Token {
                stem: text.clone(),
                text,
                alt: None,
                span: lexeme.start..lexemes[i + used - 1].end,
                kind: TokenKind::Unit(unit),
            });
            i += used;
            continue;
        }
        tokens.push(Token {
            stem: stem(&lexeme.text, lang),
            text: lexeme.text.clone(),
            alt: lexeme.alt.clone(),
            span: lexeme.start..lexeme.end,
            kind: TokenKind::Word,
        });
        i += 1;
    }
    Normalised { text, tokens, lang }
}

/// Reads a number starting at lexeme `i`: a numeral (with space-separated groups joined), an
/// accented "één", or number words. Returns the number and the index after it.
fn read_number(
    input: &str,
    lexemes: &[Lexeme],
    i: usize,
    lang: Lang,
) -> (Option<ParsedNumber>, usize) {
    let lexeme = &lexemes[i];
    if lexeme.numeric {
        let mut written = lexeme.text.clone();
        let mut next = i + 1;
        if can_lead_group(&lexeme.text) {
            while let Some(l) = lexemes.get(next) {
                if l.numeric && l.gap_is_one_space && can_continue_group(&l.text) {
                    written.push(' ');
                    written.push_str(&l.text);
                    next += 1;
                } else {
                    break;
                }
            }
        }
        if let Some(parsed) = numbers::parse_number(&written, lang) {
            return (Some(parsed), next);
        }
        // Unparseable digit runs ("1.2.3") fall through and become words.
        return (None, i + 1);
    }
    // "één" is unambiguously the number one; the unaccented "een" is the article.
    if lexeme.text == "een"
        && input
            .get(lexeme.start..lexeme.end)
            .is_some_and(|original| !original.is_ascii())
    {
        return (Some(word_number(1.0)), i + 1);
    }
    let window: Vec<&str> = lexemes[i..]
        .iter()
        .take(8)
        .enumerate()
        .take_while(|(k, l)| !l.numeric && (*k == 0 || l.gap_is_space))
        .map(|(_, l)| l.text.as_str())
        .collect();
    if let Some((value, used)) = numbers::parse_number_words(&window, lang) {
        return (Some(word_number(value)), i + used);
    }
    (None, i + 1)
}

fn word_number(value: f64) -> ParsedNumber {
    ParsedNumber {
        value,
        alternative: None,
        reading: Reading::Words,
    }
}

/// The unit named by the lexemes starting at `i`, if they are words separated by whitespace.
fn unit_at(lexemes: &[Lexeme], i: usize, after_number: bool) -> Option<(&'static Unit, usize)> {
    let words: Vec<&str> = lexemes
        .get(i..)?
        .iter()
        .take(3)
        .take_while(|l| !l.numeric && l.gap_is_space)
        .map(|l| l.text.as_str())
        .collect();
    units::recognise(&words, after_number)
}

/// Words whose inflection the suffix rules below do not reach, mapped to the stem the rules
/// give their other forms. Kept to verbs that questions about the article use.
const IRREGULAR: &[(&str, &str)] = &[
    ("made", "mak"),
    ("make", "mak"),
    ("makes", "mak"),
    ("making", "mak"),
    ("built", "build"),
    ("began", "begin"),
    ("begun", "begin"),
    ("sold", "sell"),
    ("bought", "buy"),
    ("gemaakt", "maak"),
    ("maakt", "maak"),
    ("maakte", "maak"),
    ("maakten", "maak"),
    ("maken", "maak"),
    ("gebouwd", "bouw"),
    ("bouwt", "bouw"),
    ("bouwde", "bouw"),
    ("bouwden", "bouw"),
    ("opgewekt", "opwek"),
    ("wekt", "wek"),
    ("geleverd", "lever"),
    ("levert", "lever"),
    ("leverde", "lever"),
    ("aangevoerd", "aanvoer"),
    ("gestart", "start"),
];

/// A light stemmer with explicit, ordered suffix rules; the first rule that applies wins.
///
/// The aim is that inflections of one word meet, not linguistic accuracy, and that the result
/// is predictable. Question and label go through the same rules, so consistency is what
/// matters. Words shorter than four letters, and words with digits, are left alone.
///
/// Dutch:
/// 1. the table of irregular forms (`IRREGULAR`);
/// 2. past participles of "-eren" verbs lose "ge" ("geproduceerd" → "produceerd",
///    "gecertificeerde" → "certificeerde");
/// 3. "-eerden/-eerde/-eerd/-eert/-eren/-eer" are removed when four letters remain
///    ("produceert", "produceren", "geproduceerd" → "produc");
/// 4. "-aties/-atie/-ties/-tie" are removed when four letters remain ("productie" → "produc",
///    "installatie" → "install");
/// 5. "-eringen/-ering" when four letters remain, else "-ingen/-ing" ("investering" →
///    "invest", "levering" → "lever");
/// 6. "-en" when three letters remain, then a doubled final consonant is undoubled
///    ("modellen" → "model", "fabrieken" → "fabriek");
/// 7. "-s" after a vowel, "r" or "l" ("autos" → "auto", "leveranciers" → "leverancier").
///
/// English:
/// 1. the table of irregular forms;
/// 2. "-ations/-ation/-tions/-tion" when four letters remain ("production" → "produc");
/// 3. "-ies/-ied" → "y";
/// 4. "-ing" and "-ed" when three letters remain, undoubling a final consonant other than
///    l, s, z ("planned" → "plan", "installed" → "install");
/// 5. "-es" when three letters remain, else "-s" unless after "s", "u" or "i";
/// 6. a final "-e" when three letters remain ("produce" → "produc").
pub fn stem(word: &str, lang: Lang) -> String {
    if let Some(&(_, s)) = IRREGULAR.iter().find(|(w, _)| *w == word) {
        return s.to_string();
    }
    if word.chars().count() < 4 || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    match lang {
        Lang::Nl => stem_nl(word),
        Lang::En => stem_en(word),
    }
}

/// Removes `suffix` if at least `min_rest` characters remain.
fn strip<'a>(word: &'a str, suffix: &str, min_rest: usize) -> Option<&'a str> {
    word.strip_suffix(suffix)
        .filter(|rest| rest.chars().count() >= min_rest)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Undoubles a final double consonant ("modell" → "model") unless it is one of `keep`.
fn undouble(word: &str, keep: &[char]) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n >= 3
        && chars[n - 1] == chars[n - 2]
        && !is_vowel(chars[n - 1])
        && !keep.contains(&chars[n - 1])
    {
        chars.pop();
    }
    chars.into_iter().collect()
}

fn stem_nl(word: &str) -> String {
    let mut w = word;
    if w.starts_with("ge")
        && w.len() >= 8
        && ["eerd", "eert", "eerde", "eerden"]
            .iter()
            .any(|suffix| w.ends_with(suffix))
    {
        w = &w[2..];
    }
    for suffix in ["eerden", "eerde", "eerd", "eert", "eren", "eer"] {
        if let Some(rest) = strip(w, suffix, 4) {
            return rest.to_string();
        }
    }
    for suffix in ["aties", "atie", "ties", "tie"] {
        if let Some(rest) = strip(w, suffix, 4) {
            return rest.to_string();
        }
    }
    for suffix in ["eringen", "ering"] {
        if let Some(rest) = strip(w, suffix, 4) {
            return rest.to_string();
        }
    }
    for suffix in ["ingen", "ing"] {
        if let Some(rest) = strip(w, suffix, 3) {
            return undouble(rest, &[]);
        }
    }
    if let Some(rest) = strip(w, "en", 3) {
        return undouble(rest, &[]);
    }
    if let Some(rest) = strip(w, "s", 3) {
        if rest.ends_with(|c: char| is_vowel(c) || c == 'r' || c == 'l') {
            return rest.to_string();
        }
    }
    w.to_string()
}

fn stem_en(word: &str) -> String {
    for suffix in ["ations", "ation", "tions", "tion"] {
        if let Some(rest) = strip(word, suffix, 4) {
            return rest.to_string();
        }
    }
    for suffix in ["ies", "ied"] {
        if let Some(rest) = strip(word, suffix, 2) {
            return format!("{rest}y");
        }
    }
    for suffix in ["ing", "ed"] {
        if let Some(rest) = strip(word, suffix, 3) {
            return undouble(rest, &['l', 's', 'z']);
        }
    }
    if let Some(rest) = strip(word, "es", 3) {
        return rest.to_string();
    }
    if let Some(rest) = strip(word, "s", 3) {
        if !rest.ends_with(['s', 'u', 'i']) {
            return rest.to_string();
        }
    }
    if let Some(rest) = strip(word, "e", 3) {
        return rest.to_string();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::fold::fold;

    fn texts(n: &Normalised) -> Vec<&str> {
        n.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn folds_case_diacritics_apostrophes_and_subscripts() {
        let cases: &[(&str, &str)] = &[
            ("één", "een"),
            ("Één", "een"),
            ("geïnstalleerd", "geinstalleerd"),
            ("Café Élysée", "cafe elysee"),
            ("e\u{301}e\u{301}n", "een"),
            ("CO₂", "co2"),
            ("107.000 m²", "107.000 m2"),
            ("Audi’s", "audi's"),
            ("auto‘s", "auto's"),
            ("auto`s", "auto's"),
            ("auto´s", "auto's"),
            ("40\u{a0}000", "40 000"),
            ("Ĳssel", "ijssel"),
            ("Straße", "strasse"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), *expected, "{input}");
        }
    }

    #[test]
    fn tokenises_words_the_article_uses() {
        let cases: &[(&str, &[&str])] = &[
            ("Audi's fabriek", &["audis", "fabriek"]),
            ("auto's", &["autos"]),
            ("de Q8 e-tron", &["de", "q8", "e-tron"]),
            ("Q8-tron", &["q8-tron"]),
            ("q8 e tron", &["q8", "e", "tron"]),
            ("Mission:Zero", &["mission:zero"]),
            ("mission zero", &["mission", "zero"]),
            ("CO₂-neutraal", &["co2-neutraal"]),
            ("CO2-uitstoot", &["co2-uitstoot"]),
            ("'360factory'-programma", &["360factory", "programma"]),
            (
                "Wat is 'Factory of the Future'?",
                &["wat", "is", "factory", "of", "the", "future"],
            ),
            ("zo'n", &["zon"]),
            ("2018-2021", &["2018", "2021"]),
            ("Hoe groot? Heel groot!", &["hoe", "groot", "heel", "groot"]),
        ];
        for (input, expected) in cases {
            assert_eq!(texts(&normalise(input, Lang::Nl)), *expected, "{input}");
        }
    }

    #[test]
    fn keeps_the_form_without_a_possessive_s() {
        let n = normalise("Audi's fabriek", Lang::Nl);
        assert_eq!(n.tokens[0].text, "audis");
        assert_eq!(n.tokens[0].alt.as_deref(), Some("audi"));
        let n = normalise("auto's", Lang::Nl);
        assert_eq!(n.tokens[0].alt.as_deref(), Some("auto"));
        assert_eq!(n.tokens[0].stem, "auto");
        let n = normalise("the plant’s roof", Lang::En);
        assert_eq!(n.tokens[1].alt.as_deref(), Some("plant"));
        assert_eq!(normalise("zo'n", Lang::Nl).tokens[0].alt, None);
    }

    fn quantity(input: &str, lang: Lang) -> Option<(f64, Option<&'static str>)> {
        let n = normalise(input, lang);
        n.tokens
            .iter()
            .find_map(|t| t.quantity())
            .map(|q| (q.value, q.unit.map(|u| u.local_name())))
    }

    #[test]
    fn reads_numbers_with_their_units() {
        use Lang::{En, Nl};
        let cases: &[(&str, Lang, f64, Option<&str>)] = &[
            ("Alleen al in 2021 rolden 43.866 modellen", Nl, 2021.0, None),
            ("43.866 auto's", Nl, 43866.0, None),
            ("43,866 cars", En, 43866.0, None),
            (
                "zo'n 9.000 MWh aan duurzame energie",
                Nl,
                9000.0,
                Some("MegaW-HR"),
            ),
            ("9,000 megawatt hours", En, 9000.0, Some("MegaW-HR")),
            ("(107.000 m2)", Nl, 107000.0, Some("M2")),
            ("107.000 m²", Nl, 107000.0, Some("M2")),
            ("107,000 square metres", En, 107000.0, Some("M2")),
            ("107.000 vierkante meter", Nl, 107000.0, Some("M2")),
            ("met 1.881 ton verminderd", Nl, 1881.0, Some("TONNE")),
            ("by 1,881 tonnes", En, 1881.0, Some("TONNE")),
            ("1.881 t", En, 1881.0, Some("TONNE")),
            ("(1.300 km)", Nl, 1300.0, Some("KiloM")),
            ("1300 km", En, 1300.0, Some("KiloM")),
            ("2600 ton", Nl, 2600.0, Some("TONNE")),
            ("circa 2.600 ton", Nl, 2600.0, Some("TONNE")),
            ("9 GWh", En, 9.0, Some("GigaW-HR")),
            ("40 000 auto's", Nl, 40000.0, None),
            ("40k cars", En, 40000.0, None),
            ("2,5 miljoen ton", Nl, 2_500_000.0, Some("TONNE")),
            ("veertigduizend auto's", Nl, 40000.0, None),
            ("forty thousand cars", En, 40000.0, None),
            ("negenduizend megawattuur", Nl, 9000.0, Some("MegaW-HR")),
            ("één van de grootste", Nl, 1.0, None),
            ("107.000m2", Nl, 107000.0, Some("M2")),
        ];
        for (input, lang, value, unit) in cases {
            assert_eq!(quantity(input, *lang), Some((*value, *unit)), "{input}");
        }
        assert_eq!(quantity("een fabriek", Nl), None);
        assert_eq!(quantity("ten noorden van Brussel", Nl), None);
    }

    #[test]
    fn number_tokens_carry_years_spans_and_plain_text() {
        let q = "Sinds 2018 worden er 43.866 auto's gemaakt";
        let n = normalise(q, Lang::Nl);
        assert_eq!(n.years().collect::<Vec<_>>(), vec![2018]);
        let count = n.tokens.iter().find(|t| t.text == "43866");
        assert_eq!(count.map(|t| &q[t.span.clone()]), Some("43.866"));
        let with_unit = normalise("ongeveer 9.000 MWh per jaar", Lang::Nl);
        assert_eq!(
            &"ongeveer 9.000 MWh per jaar"[with_unit.tokens[1].span.clone()],
            "9.000 MWh"
        );
        assert_eq!(with_unit.text, "ongeveer 9.000 mwh per jaar");
        // A year followed by a unit is a quantity, not a year.
        assert_eq!(normalise("2021 ton", Lang::Nl).years().count(), 0);
    }

    #[test]
    fn recognises_units_without_numbers() {
        let n = normalise("Hoeveel megawattuur per jaar, in GWh?", Lang::Nl);
        let units: Vec<&str> = n.units().map(|u| u.local_name()).collect();
        assert_eq!(units, vec!["MegaW-HR", "GigaW-HR"]);
        let n = normalise("How many square metres of solar panels?", Lang::En);
        assert_eq!(
            n.units().map(|u| u.local_name()).collect::<Vec<_>>(),
            vec!["M2"]
        );
        // A bare "t" or "m" is a letter, not a unit.
        assert_eq!(normalise("de t van ton", Lang::Nl).units().count(), 1);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let q = "Wanneer werd één zonne-energiesysteem geïnstalleerd?";
        let n = normalise(q, Lang::Nl);
        for t in &n.tokens {
            assert!(q.get(t.span.clone()).is_some(), "{t:?}");
        }
        let last = n.tokens.last().map(|t| &q[t.span.clone()]);
        assert_eq!(last, Some("geïnstalleerd"));
    }

    #[test]
    fn finds_dates_with_years_and_months() {
        use Lang::{En, Nl};
        type Date = (Option<i32>, Option<u8>);
        let cases: &[(&str, Lang, &[Date])] = &[
            ("Hoeveel auto's in 2021?", Nl, &[(Some(2021), None)]),
            ("sinds afgelopen mei", Nl, &[(None, Some(5))]),
            ("Sinds mei 2022", Nl, &[(Some(2022), Some(5))]),
            ("since May 2022", En, &[(Some(2022), Some(5))]),
            ("since last May", En, &[(None, Some(5))]),
            ("What may the plant build?", En, &[]),
            (
                "in maart 2018 en in 2021",
                Nl,
                &[(Some(2018), Some(3)), (Some(2021), None)],
            ),
            ("Jan werkt in december", Nl, &[(None, Some(12))]),
            (
                "van 2018 tot 2025",
                Nl,
                &[(Some(2018), None), (Some(2025), None)],
            ),
            ("2600 ton", Nl, &[]),
        ];
        for (question, lang, expected) in cases {
            let got: Vec<Date> = normalise(question, *lang)
                .dates()
                .iter()
                .map(|d| (d.year, d.month))
                .collect();
            assert_eq!(got, *expected, "{question}");
        }
    }

    #[test]
    fn finds_cue_phrases_as_consecutive_words() {
        let q = normalise("Hoeveel auto's werden in 2021 geproduceerd?", Lang::Nl);
        let cue = |s: &str| normalise(s, Lang::Nl);
        assert_eq!(q.find_phrase(&cue("hoeveel auto")), Some(0..2));
        assert_eq!(q.find_phrase(&cue("Hoeveel autos")), Some(0..2));
        assert_eq!(q.find_phrase(&cue("geproduceerd")), Some(5..6));
        assert_eq!(q.find_phrase(&cue("produceert")), Some(5..6));
        assert_eq!(q.find_phrase(&cue("hoeveel geproduceerd")), None);
        assert_eq!(q.find_phrase(&cue("")), None);
        assert!(q.has_stem("produc"));
    }

    #[test]
    fn odd_input_never_panics_and_spans_stay_on_char_boundaries() {
        let inputs = [
            "",
            " ",
            "???",
            "'",
            "'s",
            "-",
            "--e--",
            "a'b'c's",
            "1.",
            ".5",
            ",,,1,,,",
            "99999999999999999999999 ton",
            "1e10",
            "2022-12",
            "12 345 678 901",
            "40 000 000 000 000 000 000",
            "één één één",
            "Ⅻ ½ ¾ ① 🚗🔋 日本語 Ωmega ǅ",
            "e\u{301}\u{301}\u{301}",
            "ﬁets ﬂ",
            "mission::zero q8--tron",
            "honderdduizendmiljoen miljard",
            "k k k 1k k",
        ];
        for input in inputs {
            for lang in [Lang::Nl, Lang::En] {
                let n = normalise(input, lang);
                for t in &n.tokens {
                    assert!(input.get(t.span.clone()).is_some(), "{input:?}: {t:?}");
                    assert!(!t.text.is_empty(), "{input:?}: {t:?}");
                }
            }
        }
    }

    #[test]
    fn stems_inflections_to_one_form() {
        use Lang::{En, Nl};
        let groups: &[(Lang, &[&str], &str)] = &[
            (
                Nl,
                &[
                    "geproduceerd",
                    "produceert",
                    "produceren",
                    "produceerde",
                    "productie",
                ],
                "produc",
            ),
            (
                En,
                &["produced", "producing", "produces", "produce", "production"],
                "produc",
            ),
            (
                Nl,
                &["geinstalleerd", "installeren", "installatie"],
                "install",
            ),
            (
                Nl,
                &["gecertificeerd", "gecertificeerde", "certificeren"],
                "certific",
            ),
            (
                En,
                &["installed", "installing", "installs", "installation"],
                "install",
            ),
            (Nl, &["modellen", "model"], "model"),
            (Nl, &["fabrieken", "fabriek"], "fabriek"),
            (Nl, &["autos", "auto"], "auto"),
            (Nl, &["leveranciers", "leverancier"], "leverancier"),
            (Nl, &["levert", "geleverd", "leveren", "levering"], "lever"),
            (En, &["models", "model"], "model"),
            (En, &["plants", "plant"], "plant"),
            (En, &["batteries", "battery"], "battery"),
            (En, &["planned", "plans", "plan"], "plan"),
            (En, &["made", "makes", "making"], "mak"),
            (Nl, &["gemaakt", "maakt", "maken"], "maak"),
        ];
        for (lang, words, expected) in groups {
            for word in *words {
                assert_eq!(stem(word, *lang), *expected, "{word}");
            }
        }
        // Short words, words with digits and stop words stay as they are.
        assert_eq!(stem("q8", Lang::Nl), "q8");
        assert_eq!(stem("co2-uitstoot", Lang::Nl), "co2-uitstoot");
        assert_eq!(stem("sinds", Lang::Nl), "sinds");
        assert_eq!(stem("is", Lang::En), "is");
    }
}
