//! A run's result as a Turtle linkset: confirmed links apart from the proposals (Alignment API
//! cells, one a line, with each candidate's score and evidence) and the near misses as comments.

use std::fmt::Write as _;

/// Candidates below the threshold but at least this good are listed as comments, so a
/// reviewer sees the near misses.
pub(super) const NEAR_MISS: f64 = 0.4;

/// One compared pair with its evidence.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub ours: String,
    pub theirs: String,
    pub score: f64,
    pub label: f64,
    pub type_factor: f64,
    pub shared: usize,
    pub evidence: String,
}

/// A link our graph states, with the matcher's candidate for the pair when it found one.
pub type Confirmed = (String, String, String, Option<Candidate>);

/// What a run found.
pub struct Linkset {
    pub threshold: f64,
    /// Links our graph states, with the matcher's candidate for each pair when it found one.
    pub confirmed: Vec<Confirmed>,
    /// Pairs at or above the threshold that are not confirmed, best first.
    pub proposed: Vec<Candidate>,
    /// Pairs below the threshold, down to `NEAR_MISS`, best first.
    pub near_misses: Vec<Candidate>,
    pub compared: usize,
}

/// An IRI as the evidence shows it: its last segment.
pub(super) fn short(iri: &str) -> String {
    iri.rsplit(['/', '#']).next().unwrap_or(iri).to_owned()
}

/// Writes an IRI with one of `prefixes` where the local part allows it, else in full.
fn term(iri: &str, prefixes: &[(String, String)]) -> String {
    for (prefix, namespace) in prefixes {
        if let Some(local) = iri.strip_prefix(namespace.as_str()) {
            let plain = !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && local
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && !local.ends_with('-');
            if plain {
                return format!("{prefix}:{local}");
            }
        }
    }
    format!("<{iri}>")
}

fn cell(c: &Candidate, status: &str, prefixes: &[(String, String)]) -> String {
    let evidence = oxigraph::model::Literal::new_simple_literal(c.evidence.as_str());
    format!(
        "[] a align:Cell ; align:entity1 {} ; align:entity2 {} ; align:relation \"=\" ; \
         align:measure \"{:.3}\"^^xsd:float ; skos:note \"{status}\" ; rdfs:comment {evidence} .\n",
        term(&c.ours, prefixes),
        term(&c.theirs, prefixes),
        c.score,
    )
}

impl Linkset {
    /// The linkset in Turtle: confirmed links (with the matcher's verdict on each), then the
    /// proposals, one candidate a line, then the near misses as comments.
    pub fn to_turtle(&self, prefixes: &[(String, String)], source: &str, target: &str) -> String {
        let mut prefixes: Vec<(String, String)> = prefixes.to_vec();
        prefixes.push((
            "align".to_owned(),
            "http://knowledgeweb.semanticweb.org/heterogeneity/alignment#".to_owned(),
        ));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Links between {source} and {target}, found by `factgraph link`.\n\
             # Each candidate is an Alignment API cell (align:entity1 ours, align:entity2 theirs,\n\
             # align:measure the score) with its evidence in rdfs:comment: the labels compared,\n\
             # the types, the neighbours linked on both sides. Threshold {:.2}.\n\
             # Review the proposals; write the right ones into data/ as owl:sameAs (the very same\n\
             # thing) or skos:exactMatch / skos:closeMatch.",
            self.threshold
        );
        for (prefix, namespace) in &prefixes {
            let _ = writeln!(out, "@prefix {prefix}: <{namespace}> .");
        }
        let _ = writeln!(
            out,
            "\n# Confirmed: links the graph states already ({}), each with the matcher's score.",
            self.confirmed.len()
        );
        for (e, p, x, found) in &self.confirmed {
            let _ = writeln!(
                out,
                "{} {} {} .",
                term(e, &prefixes),
                term(p, &prefixes),
                term(x, &prefixes)
            );
            match found {
                Some(c) => out.push_str(&cell(c, "confirmed", &prefixes)),
                None => {
                    let _ = writeln!(
                        out,
                        "# (the matcher found no label of the target for this link)"
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "\n# Proposed: {} candidates at or above the threshold, best first.",
            self.proposed.len()
        );
        for c in &self.proposed {
            out.push_str(&cell(c, "proposed", &prefixes));
        }
        let _ = writeln!(
            out,
            "\n# Below the threshold (not proposed): {} candidates scoring {NEAR_MISS:.2} or more.",
            self.near_misses.len()
        );
        for c in &self.near_misses {
            let _ = writeln!(
                out,
                "# {} ~ {} {:.3}: {}",
                term(&c.ours, &prefixes),
                term(&c.theirs, &prefixes),
                c.score,
                c.evidence.replace('\n', " ")
            );
        }
        out
    }

    /// One line for the terminal: what was compared, proposed and confirmed.
    pub fn summary(&self) -> String {
        let found = self
            .confirmed
            .iter()
            .filter(|(_, _, _, c)| c.as_ref().is_some_and(|c| c.score >= self.threshold))
            .count();
        format!(
            "{} pairs compared; {} proposed at threshold {:.2}; {} near misses; confirmed links \
             found again: {found} of {}",
            self.compared,
            self.proposed.len(),
            self.threshold,
            self.near_misses.len(),
            self.confirmed.len()
        )
    }
}
