//! The *reading* stage: the question's language and tokens, the things and relations it names
//! (mentions), the template its cue or opener chooses, and what constrains the answer (dates,
//! numbers, units, a comparison, tense, what it focuses on). Its output, a [`Reading`], is what
//! every later stage works from: composition, the cue scorer, ranking and decision.

use std::ops::Range;

use super::fuzzy::LabelMatch;
use super::index::Target;
use super::lang::{self, Lang};
use super::model::{forms, phrase_in, Comparison, Engine, Tense, TimeCmp};
use super::normalise::{normalise, Normalised, TokenKind};
use super::templates::{AnswerKind, Phrase};
use super::units::Unit;

/// A label found in the question.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    pub(super) tokens: Range<usize>,
    pub(super) entities: Vec<usize>,
    pub(super) properties: Vec<usize>,
    /// Properties named by a label of their inverse ("the owner of"); also in `properties`.
    pub(super) inverse: Vec<usize>,
}

/// A thing the question describes by a relation instead of naming it: "de motoren per trein
/// vervoeren" describes the freight line as what the motors are transported via.
#[derive(Debug, Clone)]
pub(super) struct Description {
    /// The IRI of the thing described.
    pub(super) entity: String,
    /// The fact that links it to the named thing.
    pub(super) fact: usize,
    /// The tokens of the named thing and of the relation.
    pub(super) named: Range<usize>,
    pub(super) relation: Range<usize>,
}

/// A question read into its parts.
pub(super) struct Reading {
    pub(super) lang: Lang,
    pub(super) norm: Normalised,
    /// Per token: the vocabulary numbers of the forms a fact's words may contain.
    pub(super) ids: Vec<Vec<u32>>,
    pub(super) mentions: Vec<Mention>,
    pub(super) template: usize,
    pub(super) cue: Option<Range<usize>>,
    /// Per token: part of a cue, a stop word, or a content word.
    pub(super) content: Vec<bool>,
    pub(super) dates: Vec<(Option<i32>, Option<u8>, Range<usize>)>,
    /// Numbers that are not years, with their unit.
    pub(super) numbers: Vec<(f64, Option<&'static Unit>, usize)>,
    /// A unit named without a number ("in kWh").
    pub(super) unit: Option<&'static Unit>,
    pub(super) comparison: Option<Comparison>,
    pub(super) tense: Tense,
    pub(super) time_cmp: TimeCmp,
    pub(super) year_only: bool,
    /// A part of a year is named before a year ("de eerste helft van 2023").
    pub(super) part_of_year: bool,
    /// Names of things outside the graph (`qa:NameList`), with their class.
    pub(super) others: Vec<(Range<usize>, String)>,
    pub(super) described: Vec<Description>,
    /// "een exact getal?", "an exact figure?": whether the value is exact, not approximate.
    pub(super) asks_exact: bool,
    /// "Hoe lang duurt …", "how long does … take": a duration, not a length.
    pub(super) duration: bool,
    /// "Welke regio", "which country": the answer must be a place.
    pub(super) place_focus: bool,
    /// The question asks "wie", "who": its answer is not a thing it names.
    pub(super) agent_focus: bool,
    /// The tokens after the question word that name the kind of thing asked for ("hoe heet
    /// het *milieuprogramma*", "which *employers federation*"): class labels; empty when the
    /// question names no kind.
    pub(super) asked_kind: Range<usize>,
    /// Per token: the vocabulary numbers a kind may be named by (`Engine::kind_forms`).
    pub(super) kind_ids: Vec<Vec<u32>>,
    /// Where the nouns after a counting word start ("aantal *zonnepanelen*", "how many
    /// *cars*", `qa:count-words`): the things the question counts.
    pub(super) counted_at: Vec<usize>,
    /// The question says "sinds", "since": it asks when something began.
    pub(super) since: bool,
    /// The named options of an either-or question ("Ingolstadt of Brussel").
    pub(super) options: Vec<String>,
    /// A multiple the question compares with ("meer dan het dubbele", "twice"; `qa:Multiplier`),
    /// 1 when it names none.
    pub(super) factor: f64,
}

impl Engine {
    /// Reads a question: language, tokens, mentions, template, dates, numbers, units.
    pub(super) fn read(&self, question: &str, lang: Option<Lang>) -> Reading {
        let (norm, found) = self.normalised(question, lang);
        let lang = norm.lang;
        let mentions = mentions_of(&found);

        let (template, cue, tags) = self.template_of(question, &norm, &mentions);
        let words = &self.config.words;

        let cue_range = cue.clone().unwrap_or(0..0);
        let mut content: Vec<bool> = norm
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                !cue_range.contains(&i)
                    && !tags.iter().any(|r| r.contains(&i))
                    && matches!(t.kind, TokenKind::Word)
                    && !self.is_stop(t)
            })
            .collect();

        let mut dates = norm
            .dates()
            .into_iter()
            .map(|d| (d.year, d.month, d.tokens))
            .collect::<Vec<_>>();
        // "volgend jaar", "last year": a year counted from the article's date.
        if let Some(present) = self.index.present {
            for (p, offset) in words.relative_years.iter().filter(|(p, _)| p.lang == lang) {
                if let Some(range) = phrase_in(&norm, lang, p) {
                    if !dates
                        .iter()
                        .any(|(_, _, r)| r.start < range.end && range.start < r.end)
                    {
                        dates.push((Some(present.year + offset), None, range));
                    }
                }
            }
        }
        let in_date = |i: usize| dates.iter().any(|(_, _, r)| r.contains(&i));
        let in_name = |i: usize| {
            mentions
                .iter()
                .any(|m| !m.entities.is_empty() && m.tokens.contains(&i))
        };
        // "één van de grootste", "one of the largest": a member of a group, not a value.
        let one_of = |i: usize| {
            words
                .one_of
                .iter()
                .filter(|p| p.lang == lang)
                .any(|p| norm.phrase_at(p.forms.get(lang), i))
        };
        // A unit right after "per" divides ("kWh per vierkante meter", "per opgewekte MWh": one
        // word may stand between): it is not the unit the answer is asked in.
        let per_at = |i: usize| {
            words.per.iter().any(|p| {
                p.forms.get(lang).tokens.len() == 1 && norm.phrase_at(p.forms.get(lang), i)
            })
        };
        let after_per = |i: usize| {
            (i > 0 && per_at(i - 1))
                || (i > 1
                    && per_at(i - 2)
                    && matches!(norm.tokens[i - 1].kind, TokenKind::Word)
                    && !self.is_stop(&norm.tokens[i - 1]))
        };
        let mut numbers = Vec::new();
        let mut unit = None;
        let mut multiple = None;
        let times_after = |i: usize| {
            words
                .times
                .iter()
                .any(|p| p.lang == lang && norm.phrase_at(p.forms.get(lang), i + 1))
        };
        for (i, t) in norm.tokens.iter().enumerate() {
            match t.kind {
                // "drie keer zoveel", "1.5 times": a multiple to compare with, not a value.
                TokenKind::Number(q) if q.unit.is_none() && times_after(i) => {
                    multiple = Some(q.value);
                    content[i] = false;
                    content[i + 1] = false;
                }
                // "Mission Zero", "één van de grootste": a number word inside a name is no value.
                TokenKind::Number(q)
                    if !in_date(i) && (q.unit.is_some() || !in_name(i) && !one_of(i)) =>
                {
                    numbers.push((q.value, q.unit, i))
                }
                TokenKind::Unit(u) if !after_per(i) => unit = Some(u),
                _ => {}
            }
        }
        for p in self
            .config
            .words
            .more_than
            .iter()
            .chain(&self.config.words.less_than)
        {
            if let Some(range) = phrase_in(&norm, lang, p) {
                for i in range {
                    content[i] = false;
                }
            }
        }
        // A date is checked against the facts' times, not matched as words ("volgend jaar").
        for (_, _, range) in &dates {
            for c in content.iter_mut().skip(range.start).take(range.len()) {
                *c = false;
            }
        }
        let find_any = |list: &[Phrase]| list.iter().any(|p| phrase_in(&norm, lang, p).is_some());
        // "Is die 9000 MWh een exact getal?": asks whether the figure is exact.
        let mut asks_exact = false;
        for p in words.exact.iter().filter(|p| p.lang == lang) {
            if let Some(range) = phrase_in(&norm, lang, p) {
                asks_exact = true;
                for i in range {
                    content[i] = false;
                }
            }
        }
        let at_least = ["at least", "minstens", "ten minste", "tenminste"];
        let comparison = if find_any(&self.config.words.more_than) {
            let least = self
                .config
                .words
                .more_than
                .iter()
                .filter(|p| at_least.contains(&p.text.as_str()))
                .any(|p| phrase_in(&norm, lang, p).is_some());
            Some(if least {
                Comparison::AtLeast
            } else {
                Comparison::More
            })
        } else if find_any(&self.config.words.less_than) {
            Some(Comparison::Less)
        } else {
            None
        };
        // Tense markers carry no content of their own; they decide planned facts.
        let mut marked = |list: &[Phrase]| {
            let mut found = false;
            for p in list.iter().filter(|p| p.lang == lang) {
                let forms = p.forms.get(lang);
                for start in 0..norm.tokens.len() {
                    if norm.phrase_at(forms, start) {
                        found = true;
                        for c in content.iter_mut().skip(start).take(forms.tokens.len()) {
                            *c = false;
                        }
                    }
                }
            }
            found
        };
        let (future, now, past) = (
            marked(&words.future),
            marked(&words.now),
            marked(&words.past),
        );
        let tense = if future {
            Tense::Future
        } else if now {
            Tense::Now
        } else if past {
            Tense::Past
        } else {
            Tense::Unmarked
        };
        // A word right before a year (maybe with "in" between) compares it with the fact's time.
        let mut time_cmp = TimeCmp::In;
        let mut best_len = 0;
        for (_, _, d) in &dates {
            for (list, cmp) in [
                (&words.before, TimeCmp::Before),
                (&words.after, TimeCmp::After),
                (&words.same_time, TimeCmp::In),
            ] {
                for p in list.iter().filter(|p| p.lang == lang) {
                    let len = p.forms.get(lang).tokens.len();
                    let gap_ok =
                        |g: usize| (d.start - g..d.start).all(|i| self.is_stop(&norm.tokens[i]));
                    for gap in [0usize, 1] {
                        if d.start < len + gap || !gap_ok(gap) {
                            continue;
                        }
                        let start = d.start - gap - len;
                        if norm.phrase_at(p.forms.get(lang), start) && len > best_len {
                            best_len = len;
                            time_cmp = cmp;
                            for c in content.iter_mut().skip(start).take(len) {
                                *c = false;
                            }
                        }
                    }
                }
            }
        }
        let part_of_year = words
            .part_of_year
            .iter()
            .filter(|p| p.lang == lang)
            .any(|p| {
                let len = p.forms.get(lang).tokens.len();
                dates.iter().any(|(_, _, d)| {
                    (d.start.saturating_sub(len + 2)..d.start)
                        .any(|i| i + len <= d.start && norm.phrase_at(p.forms.get(lang), i))
                })
            });
        if time_cmp == TimeCmp::In
            && best_len == 0
            && self.config.templates[template].kind == AnswerKind::Boolean
        {
            let has = |list: &[Phrase]| {
                list.iter()
                    .filter(|p| p.lang == lang)
                    .any(|p| phrase_in(&norm, lang, p).is_some())
            };
            let since_before = dates.iter().any(|(_, _, d)| {
                words.since.iter().filter(|p| p.lang == lang).any(|p| {
                    let len = p.forms.get(lang).tokens.len();
                    d.start >= len && norm.phrase_at(p.forms.get(lang), d.start - len)
                })
            });
            if !since_before && !has(&words.events) {
                time_cmp = TimeCmp::During;
            }
        }
        // "In welk jaar": the answer is a year even when the graph knows the month.
        let year_only = self.config.templates[template].kind == AnswerKind::Time
            && words.year_words.iter().filter(|p| p.lang == lang).any(|p| {
                let forms = p.forms.get(lang);
                (cue_range.start..=cue_range.end).any(|i| norm.phrase_at(forms, i))
            });
        let others = self
            .config
            .other_names
            .iter()
            .filter_map(|o| {
                let r = phrase_in(&norm, lang, &o.phrase)?;
                let overlaps = mentions
                    .iter()
                    .any(|m| m.tokens.start < r.end && r.start < m.tokens.end);
                (!overlaps).then(|| (r, o.class.clone()))
            })
            .collect();
        // A named thing next to a relation word describes the thing at the relation's other end
        // ("de motoren per trein": the freight line), which then counts as named for its facts.
        let mut described = Vec::new();
        for a in mentions.iter().filter(|m| !m.entities.is_empty()) {
            for p in mentions.iter().filter(|m| !m.properties.is_empty()) {
                let (first, second) = if a.tokens.start < p.tokens.start {
                    (&a.tokens, &p.tokens)
                } else {
                    (&p.tokens, &a.tokens)
                };
                if first.end > second.start || second.start - first.end > 2 {
                    continue;
                }
                // Only facts at whose ends a named thing stands can link it to another.
                let mut near: Vec<usize> = a
                    .entities
                    .iter()
                    .filter_map(|&e| self.index.by_end.get(&self.index.entities[e]))
                    .flatten()
                    .copied()
                    .collect();
                near.sort_unstable();
                near.dedup();
                for (i, f) in near.into_iter().map(|i| (i, &self.index.facts[i])) {
                    if !p
                        .properties
                        .iter()
                        .any(|&x| self.index.properties[x] == f.predicate)
                    {
                        continue;
                    }
                    let names =
                        |iri: &str| a.entities.iter().any(|&e| self.index.entities[e] == iri);
                    let other = if names(&f.subject) {
                        f.object_iri()
                    } else if f.object_iri().is_some_and(names) {
                        Some(f.subject.as_str())
                    } else {
                        None
                    };
                    // Not a thing the question names anyway, nor the setting of every fact.
                    let named = mentions.iter().any(|m| {
                        m.entities
                            .iter()
                            .any(|&e| Some(self.index.entities[e].as_str()) == other)
                    });
                    let topic = other.is_some_and(|o| self.index.is_topic(i, o));
                    if let Some(other) = other.filter(|_| !named && !topic) {
                        described.push(Description {
                            entity: other.to_owned(),
                            fact: i,
                            named: a.tokens.clone(),
                            relation: p.tokens.clone(),
                        });
                    }
                }
            }
        }
        let has = |list: &[Phrase]| {
            list.iter()
                .filter(|p| p.lang == lang)
                .any(|p| phrase_in(&norm, lang, p).is_some())
        };
        // Whether the question phrase opens with one of the list's phrases.
        let opens_cue = |list: &[Phrase]| {
            cue.as_ref().is_some_and(|c| {
                list.iter()
                    .filter(|p| p.lang == lang)
                    .any(|p| norm.phrase_at(p.forms.get(lang), c.start))
            })
        };
        let duration = opens_cue(&words.how_long) && has(&words.duration);
        let agent_focus = opens_cue(&words.agent);
        let since = has(&words.since);
        // "Welke regio", "in welke stad": a place word right after the question word, or
        // inside the cue phrase itself.
        let place_focus = cue.as_ref().is_some_and(|c| {
            words
                .place_words
                .iter()
                .filter(|p| p.lang == lang)
                .any(|p| (c.start..=c.end).any(|i| norm.phrase_at(p.forms.get(lang), i)))
        });
        // "…, Ingolstadt of Brussel?": two named things joined by "of"/"or".
        let mut options = Vec::new();
        for (a, b) in mentions.iter().zip(mentions.iter().skip(1)) {
            if a.entities.is_empty() || b.entities.is_empty() || b.tokens.start <= a.tokens.end {
                continue;
            }
            // The joining word, then only articles ("het zonnedak of de spoorlijn").
            let joined = words.either_or.iter().filter(|p| p.lang == lang).any(|p| {
                let n = p.forms.get(lang).tokens.len();
                norm.phrase_at(p.forms.get(lang), a.tokens.end)
                    && (a.tokens.end + n..b.tokens.start).all(|i| {
                        words
                            .subject_words
                            .iter()
                            .filter(|w| w.lang == lang)
                            .any(|w| norm.phrase_at(w.forms.get(lang), i))
                    })
            });
            if joined {
                for m in [a, b] {
                    options.extend(m.entities.iter().map(|&e| self.index.entities[e].clone()));
                }
            }
        }
        let ids: Vec<Vec<u32>> = norm
            .tokens
            .iter()
            .map(|t| self.index.form_ids(&forms(t)))
            .collect();
        let factor = multiple.unwrap_or_else(|| {
            self.config
                .multipliers
                .iter()
                .find(|m| {
                    m.phrases
                        .iter()
                        .any(|p| phrase_in(&norm, lang, p).is_some())
                })
                .map_or(1.0, |m| m.factor)
        });
        // Per token, its forms and those of its synonyms when it is no class word itself:
        // what a kind may be named by (see `kind_forms`), read once for every later check.
        let kind_ids: Vec<Vec<u32>> = norm
            .tokens
            .iter()
            .zip(&ids)
            .map(|(t, own)| self.kind_forms(norm.lang, t, own))
            .collect();
        let asked_kind = self.asked_kind(&norm, &kind_ids, cue.as_ref(), &mentions);
        let counted_at = self
            .config
            .words
            .count
            .iter()
            .filter(|p| p.lang == norm.lang)
            .filter_map(|p| norm.find_phrase(p.forms.get(norm.lang)))
            .map(|at| at.end)
            .collect();
        Reading {
            asked_kind,
            kind_ids,
            counted_at,
            factor,
            ids,
            asks_exact,
            duration,
            place_focus,
            agent_focus,
            since,
            options,
            described,
            lang,
            norm,
            mentions,
            template,
            cue,
            content,
            dates,
            numbers,
            unit,
            comparison,
            tense,
            time_cmp,
            year_only,
            part_of_year,
            others,
        }
    }

    /// The question normalised in its language (the client's, or detected from its words and
    /// the languages of the labels found in it), and the labels found in it.
    fn normalised(
        &self,
        question: &str,
        lang: Option<Lang>,
    ) -> (Normalised, Vec<LabelMatch<'_, Target>>) {
        let scores = lang::scores(question);
        let first = lang.unwrap_or_else(|| lang::decide(scores, [], Lang::DEFAULT));
        let mut norm = normalise(question, first);
        let mut found = self.index.lexicon.find(&norm);
        if lang.is_none() {
            let hints: Vec<Lang> = found
                .iter()
                .filter(|m| m.langs.len() == 1)
                .flat_map(|m| m.langs.iter().copied())
                .collect();
            let decided = lang::decide(scores, hints, Lang::DEFAULT);
            if decided != first {
                norm = normalise(question, decided);
                found = self.index.lexicon.find(&norm);
            }
        }
        (norm, found)
    }

    /// The template a question asks with, the cue phrase that chose it, and the tokens of a
    /// tag ("…, toch?") that makes a statement a yes/no question.
    fn template_of(
        &self,
        question: &str,
        norm: &Normalised,
        mentions: &[Mention],
    ) -> (usize, Option<Range<usize>>, Vec<Range<usize>>) {
        let lang = norm.lang;
        // The template: an opener at the start makes a yes/no question; otherwise the longest
        // cue anywhere wins, the earlier one on equal length.
        let mut best: Option<(usize, usize, Range<usize>)> = None; // (len, template, range)
        let has_date = !norm.dates().is_empty();
        for (i, t) in self.config.templates.iter().enumerate() {
            if t.needs_date && !has_date {
                continue;
            }
            for cue in &t.cues {
                if let Some(r) = phrase_in(norm, lang, cue) {
                    let better = match &best {
                        None => true,
                        Some((len, bt, br)) => {
                            r.len() > *len
                                || (r.len() == *len && r.start < br.start)
                                || (r.len() == *len
                                    && r.start == br.start
                                    && t.needs_date
                                    && !self.config.templates[*bt].needs_date)
                        }
                    };
                    if better {
                        best = Some((r.len(), i, r));
                    }
                }
            }
        }
        let opener = self.config.templates.iter().enumerate().find_map(|(i, t)| {
            // Openers are verb forms: compared by their exact text, not by stem, so the noun
            // "productie" does not open a question like the verb "produceert".
            t.openers
                .iter()
                .filter(|o| {
                    let forms = &o.forms.get(lang).tokens;
                    forms.len() <= norm.tokens.len()
                        && forms.iter().zip(&norm.tokens).all(|(p, q)| {
                            p.text == q.text || q.alt.as_deref() == Some(p.text.as_str())
                        })
                })
                .map(|o| 0..o.forms.get(lang).tokens.len())
                .max_by_key(|r| r.len())
                .map(|r| (i, r))
        });
        let starts_with_cue = best.as_ref().is_some_and(|(_, _, r)| r.start == 0);
        // A relation word at the start is a verb ("Bespaart de lijn …?") only when a noun phrase
        // follows: an article or pronoun, or a capitalised name. Otherwise it is a keyword
        // query ("lengte spoorlijn hongarije") and asks for the value, not yes or no.
        let words = &self.config.words;
        let first_is_verb = {
            let in_entity = |i: usize| {
                mentions
                    .iter()
                    .any(|m| m.tokens.contains(&i) && !m.entities.is_empty())
            };
            // The first word with the words of its relation label ("wekt … op" is one token).
            let next = mentions
                .first()
                .filter(|m| m.tokens.start == 0 && m.entities.is_empty())
                .map_or(1, |m| m.tokens.end);
            let subject_word = words
                .subject_words
                .iter()
                .filter(|p| p.lang == lang)
                .any(|p| norm.phrase_at(p.forms.get(lang), next));
            // A capitalised name after the first word marks a verb only in a real question
            // ("Levert Audi …?"), not in keywords ("productie Q8 e-tron sinds").
            let capitalised_name = question.trim_end().ends_with('?')
                && in_entity(next)
                && norm.tokens.get(next).is_some_and(|t| {
                    question
                        .get(t.span.clone())
                        .and_then(|s| s.chars().next())
                        .is_some_and(char::is_uppercase)
                });
            let first_word = norm
                .tokens
                .first()
                .is_some_and(|t| matches!(t.kind, TokenKind::Word) && !in_entity(0));
            let first_named = mentions.first().is_some_and(|m| m.tokens.start == 0);
            // A question mark after words with no question word, opened by a word that names
            // nothing, is a polar question ("Worden er nu al … gebouwd?"); keyword queries open
            // with what they ask about.
            let polar = question.trim_end().ends_with('?') && !first_named && best.is_none();
            first_word
                && ((!norm.tokens.first().is_some_and(|t| self.is_stop(t))
                    && (subject_word || capitalised_name))
                    || polar)
        };
        let (template, cue) = match (&best, opener) {
            (_, Some((i, r))) if !starts_with_cue => (i, Some(r)),
            (_, None) if first_is_verb && !starts_with_cue => {
                (self.template_by_id("yes-no").unwrap_or(0), None)
            }
            (Some((_, i, r)), _) => (*i, Some(r.clone())),
            _ => {
                // A keyword query with a word for a time ("jaartal overname fabriek", "green
                // power since") asks for the time, not for the thing.
                let time = words
                    .time_words
                    .iter()
                    .filter(|p| p.lang == lang)
                    .find_map(|p| phrase_in(norm, lang, p));
                match (time, self.template_by_id("since-when")) {
                    (Some(r), Some(t)) => (t, Some(r)),
                    _ => (self.template_by_id("what").unwrap_or(0), None),
                }
            }
        };
        // A statement with a tag ("…, toch?", "… — is that right?") or a particle of
        // confirmation ("Audi heeft … toch pas in 2012 overgenomen?") asks whether it holds.
        let tags: Vec<Range<usize>> = words
            .tag_question
            .iter()
            .filter(|p| p.lang == lang)
            .filter_map(|p| phrase_in(norm, lang, p))
            .collect();
        let (template, cue) = match self.template_by_id("yes-no") {
            Some(yes_no) if best.is_none() && question.contains('?') && !tags.is_empty() => {
                (yes_no, None)
            }
            _ => (template, cue),
        };

        (template, cue, tags)
    }
}

/// The labels found in a question as mentions: entities and properties (and properties named by
/// their inverse) by the tokens they cover; two labels on the same words make one mention.
fn mentions_of(found: &[LabelMatch<'_, Target>]) -> Vec<Mention> {
    let mut mentions: Vec<Mention> = Vec::new();
    for m in found {
        let mut mention = Mention {
            tokens: m.tokens.clone(),
            entities: Vec::new(),
            properties: Vec::new(),
            inverse: Vec::new(),
        };
        for t in m.targets {
            match t {
                Target::Entity(e) => mention.entities.push(*e),
                Target::Property(p) => mention.properties.push(*p),
                Target::Inverse(p) => {
                    mention.properties.push(*p);
                    mention.inverse.push(*p);
                }
            }
        }
        // Ties (two labels on the same words) merge into one mention.
        if let Some(last) = mentions.last_mut().filter(|l| l.tokens == mention.tokens) {
            last.entities.extend(mention.entities);
            last.properties.extend(mention.properties);
            last.inverse.extend(mention.inverse);
        } else {
            mentions.push(mention);
        }
    }

    mentions
}

impl Engine {
    /// The run of class-label words a question word that takes a noun (`qa:kind-question-words`,
    /// at the question's start or its cue; in a keyword query with a naming word,
    /// `qa:naming-words`, the start) leads to over only bridge words
    /// (`qa:focus-bridge-words`) and names of things: the kind of thing the question asks
    /// for. Empty when another word comes first: "what does the programme aim at" asks for
    /// what it aims at.
    fn asked_kind(
        &self,
        norm: &Normalised,
        kind_ids: &[Vec<u32>],
        cue: Option<&Range<usize>>,
        mentions: &[Mention],
    ) -> Range<usize> {
        let words = &self.config.words;
        let opener = [Some(0), cue.map(|c| c.start)]
            .into_iter()
            .flatten()
            .find_map(|at| {
                words
                    .kind_question
                    .iter()
                    .filter(|p| p.lang == norm.lang)
                    .filter(|p| norm.phrase_at(p.forms.get(norm.lang), at))
                    .map(|p| at + p.len())
                    .max()
            });
        // A keyword query that asks for a name ("audi environmental program … name") has no
        // question word: its first class words are the kind it asks for.
        let naming = || {
            words
                .naming
                .iter()
                .filter(|p| p.lang == norm.lang)
                .any(|p| norm.find_phrase(p.forms.get(norm.lang)).is_some())
        };
        let opener = opener.or_else(|| (cue.is_none() && naming()).then_some(0));
        let Some(after) = opener else {
            return 0..0;
        };
        let bridging = |t: &super::normalise::Token| {
            words.focus_bridge.contains(&t.text)
                || t.alt
                    .as_ref()
                    .is_some_and(|a| words.focus_bridge.contains(a))
        };
        let names_a_kind = |i: usize, t: &super::normalise::Token| {
            !bridging(t)
                && !self.is_stop(t)
                && kind_ids
                    .get(i)
                    .is_some_and(|f| self.index.pools_hold(&self.index.class_pools, norm.lang, f))
        };
        let names_a_thing = |i: usize| {
            mentions
                .iter()
                .any(|m| m.tokens.contains(&i) && !m.entities.is_empty())
        };
        // A label that starts a new mention ends the run: "employers organisation *factory*
        // of the future" names an award after the kind.
        let starts_another = |i: usize, from: usize| {
            mentions
                .iter()
                .any(|m| m.tokens.start == i && !m.tokens.contains(&from))
        };
        let mut start = None;
        for (i, token) in norm.tokens.iter().enumerate().skip(after) {
            let continues = start.is_none_or(|s| !starts_another(i, s));
            if names_a_kind(i, token) && continues {
                start.get_or_insert(i);
                continue;
            }
            if let Some(start) = start {
                return start..i;
            }
            if !bridging(token) && !names_a_thing(i) {
                return 0..0;
            }
        }
        start.map_or(0..0, |s| s..norm.tokens.len())
    }
}
