//! Label similarity, shared by the reconciliation service (`/reconcile`) and link discovery
//! (`factgraph link`): how much of a name a lexicon's labels account for, despite case,
//! diacritics, hyphens, inflection and typos.
//!
//! Both ask the same question of a [`Lexicon`] — the question engine's own (entity labels in
//! Dutch and English, `qa::index`) or one built over another dataset's labels — so they find
//! names exactly as `/ask` does: `Lexicon::candidates` gives every label found in the text,
//! whole labels only, with their typos. A target's similarity to the text is the share of the
//! text's characters that non-overlapping labels of that target cover, less a penalty per typo
//! and per extra label, so "Audi Brussel" (one label, all of it) scores 1, "Vorst plant" (two
//! labels of the plant) 0.95, "Audi Q8" inside "Audi Q8 e-tron" 0.55.

use crate::qa::fuzzy::Lexicon;
use crate::qa::lang::Lang;
use crate::qa::normalise::{normalise, TokenKind};

/// What a typo costs, as a share of the text.
const TYPO_PENALTY: f64 = 0.08;
/// What a word matched only through its stem costs.
const STEM_PENALTY: f64 = 0.02;
/// What each label beyond the first costs: one label naming the whole text is a stronger
/// name than pieces that happen to name the same thing.
const PIECE_PENALTY: f64 = 0.05;

/// Articles a name may start with that carry nothing ("de fabriek in Brussel").
const ARTICLES: &[&str] = &["de", "het", "een", "the", "a", "an"];

/// How well a target's labels account for a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    /// 0 (nothing) to 1 (one label is the whole text, without typos).
    pub score: f64,
    /// The labels that matched, as added to the lexicon, in text order.
    pub labels: Vec<String>,
    /// Typos forgiven in all.
    pub typos: usize,
}

/// Every target whose labels name some of `text`, with its similarity, best first (ties in
/// the lexicon's order). The text is read as Dutch and as English (stemming differs) and the
/// better reading counts.
pub fn compare<T: PartialEq + Clone>(lexicon: &Lexicon<T>, text: &str) -> Vec<(T, Similarity)> {
    let mut best: Vec<(T, Similarity)> = Vec::new();
    for lang in [Lang::Nl, Lang::En] {
        for (target, similarity) in compare_as(lexicon, text, lang) {
            match best.iter_mut().find(|(t, _)| *t == target) {
                Some((_, known)) if known.score >= similarity.score => {}
                Some((_, known)) => *known = similarity,
                None => best.push((target, similarity)),
            }
        }
    }
    best.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    best
}

fn compare_as<T: PartialEq + Clone>(
    lexicon: &Lexicon<T>,
    text: &str,
    lang: Lang,
) -> Vec<(T, Similarity)> {
    let normalised = normalise(text, lang);
    let tokens = &normalised.tokens;
    // Each token weighs its characters; a leading article weighs nothing.
    let weights: Vec<usize> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let article = i == 0 && tokens.len() > 1 && ARTICLES.contains(&t.text.as_str());
            match t.kind {
                _ if article => 0,
                TokenKind::Word | TokenKind::Unit(_) => t.compact().chars().count().max(1),
                TokenKind::Number(_) => t.text.chars().count().max(1),
            }
        })
        .collect();
    let total: usize = weights.iter().sum();
    if total == 0 {
        return Vec::new();
    }
    // Per target: the token ranges taken, the labels, typos and stem matches.
    struct Cover<T> {
        target: T,
        taken: Vec<std::ops::Range<usize>>,
        covered: usize,
        labels: Vec<(usize, String)>,
        typos: usize,
        stems: usize,
    }
    let mut covers: Vec<Cover<T>> = Vec::new();
    // Exact labels first, then stem matches, then typo matches, each longest first, so a
    // target keeps its cleanest labels where two overlap ("Vorst" and "plant" rather than
    // "Forest plant" with two typos; "Audi Brussel" rather than "Audi Brussels" by stem).
    let mut found_all = lexicon.candidates(&normalised);
    found_all.sort_by(|a, b| {
        (a.typos, a.via_stem)
            .cmp(&(b.typos, b.via_stem))
            .then(b.score.total_cmp(&a.score))
    });
    for found in found_all {
        for target in found.targets {
            let at = match covers.iter().position(|c| c.target == *target) {
                Some(at) => at,
                None => {
                    covers.push(Cover {
                        target: target.clone(),
                        taken: Vec::new(),
                        covered: 0,
                        labels: Vec::new(),
                        typos: 0,
                        stems: 0,
                    });
                    covers.len() - 1
                }
            };
            let cover = &mut covers[at];
            let overlaps = cover
                .taken
                .iter()
                .any(|r| r.start < found.tokens.end && found.tokens.start < r.end);
            if overlaps {
                continue;
            }
            // A label found inside a hyphenated word ("Audi" in "audi-q4-e-tron") reports the
            // whole word, so it covers at most its own letters.
            let window: usize = found.tokens.clone().filter_map(|i| weights.get(i)).sum();
            let own = found.label.chars().filter(|c| c.is_alphanumeric()).count();
            cover.covered += window.min(own.max(1));
            cover.taken.push(found.tokens.clone());
            cover
                .labels
                .push((found.tokens.start, found.label.to_owned()));
            cover.typos += found.typos;
            cover.stems += usize::from(found.via_stem);
        }
    }
    covers
        .into_iter()
        .map(|mut cover| {
            let score = cover.covered as f64 / total as f64
                - TYPO_PENALTY * cover.typos as f64
                - STEM_PENALTY * cover.stems as f64
                - PIECE_PENALTY * cover.labels.len().saturating_sub(1) as f64;
            cover.labels.sort();
            let similarity = Similarity {
                score: score.clamp(0.0, 1.0),
                labels: cover.labels.into_iter().map(|(_, l)| l).collect(),
                typos: cover.typos,
            };
            (cover.target, similarity)
        })
        .filter(|(_, s)| s.score > 0.0)
        .collect()
}

/// A lexicon over labels with their language tags: Dutch and English labels are stemmed as
/// such, labels without a tag (or in another language) are added in both.
pub fn lexicon_of<T: PartialEq + Clone>(
    labels: impl IntoIterator<Item = (String, Option<Lang>, T)>,
) -> Lexicon<T> {
    let mut lexicon = Lexicon::new();
    for (label, lang, target) in labels {
        match lang {
            Some(lang) => lexicon.insert(&label, lang, target),
            None => {
                lexicon.insert(&label, Lang::Nl, target.clone());
                lexicon.insert(&label, Lang::En, target);
            }
        }
    }
    lexicon
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lexicon() -> Lexicon<&'static str> {
        lexicon_of(
            [
                ("Audi Brussels", Lang::En, "plant"),
                ("Audi Brussel", Lang::Nl, "plant"),
                ("Vorst", Lang::Nl, "plant"),
                ("the plant", Lang::En, "plant"),
                ("Audi", Lang::Nl, "audi"),
                ("Brussel", Lang::Nl, "brussels"),
                ("Audi Q8 e-tron", Lang::En, "q8"),
                ("Q8 e-tron", Lang::En, "q8"),
                ("Audi Q8", Lang::En, "suv"),
                ("Forest", Lang::En, "forest"),
            ]
            .map(|(l, lang, t)| (l.to_owned(), Some(lang), t)),
        )
    }

    fn score(text: &str, target: &str) -> f64 {
        compare(&lexicon(), text)
            .into_iter()
            .find(|(t, _)| *t == target)
            .map_or(0.0, |(_, s)| s.score)
    }

    #[test]
    fn whole_labels_score_one_and_pieces_less() {
        assert_eq!(score("Audi Brussel", "plant"), 1.0);
        assert_eq!(score("audi-brussel", "plant"), 1.0);
        assert!((score("Vorst plant", "plant") - 0.95).abs() < 1e-9);
        assert!(score("Audi Brussel", "audi") < 0.5);
        assert_eq!(score("Q8 etron", "q8"), 1.0);
        // "audi" and "q8" of "audi", "q8", "etron": 6 of 11 characters.
        assert!((score("Audi Q8 e-tron", "suv") - 6.0 / 11.0).abs() < 1e-9);
        assert_eq!(score("forest", "forest"), 1.0);
        assert_eq!(score("the forest", "forest"), 1.0);
        assert!(score("audi-q8-e-tron", "audi") < 0.5);
    }

    #[test]
    fn typos_cost_but_still_match() {
        let s = score("Audi Brusel", "plant");
        assert!(s > 0.85 && s < 1.0, "{s}");
        assert_eq!(score("Volkswagen", "plant"), 0.0);
    }

    #[test]
    fn results_come_best_first() {
        let found = compare(&lexicon(), "Audi Brussel");
        assert_eq!(found[0].0, "plant");
        assert_eq!(found[0].1.labels, vec!["Audi Brussel".to_owned()]);
        assert!(found.windows(2).all(|w| w[0].1.score >= w[1].1.score));
    }
}
