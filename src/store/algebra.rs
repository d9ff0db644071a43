//! Walks over parsed queries and updates: the SERVICE allow-list check, request values bound
//! on the algebra (never pasted into text), and the text a remote engine is sent.

use crate::store::error::{Error, Result};
use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::Variable;
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern};
use spargebra::GraphUpdateOperation;

/// Refuses what an update must not do before any of it runs: `LOAD` (it would make the server
/// fetch any URL a request names) and SERVICE calls off the allow-list. Returns whether the
/// update calls any service.
pub(super) fn check_update(update: &spargebra::Update, allowed: &[NamedNode]) -> Result<bool> {
    let mut calls_services = false;
    for operation in &update.operations {
        match operation {
            GraphUpdateOperation::Load { source, .. } => {
                return Err(Error::QueryRejected(format!(
                    "LOAD {source} is refused: this service does not fetch documents from URLs \
                     that requests name; send the data with PUT or POST on /store"
                )))
            }
            GraphUpdateOperation::DeleteInsert { pattern, .. } => {
                calls_services |= check_pattern_services(pattern, allowed)?;
            }
            _ => {}
        }
    }
    Ok(calls_services)
}

/// Refuses a query whose SERVICE calls are not all on the allow-list, naming the first one that
/// is not; returns whether the query calls any service.
pub(super) fn check_services(query: &spargebra::Query, allowed: &[NamedNode]) -> Result<bool> {
    // The walker is shared with bind_values and takes patterns mutably; a copy keeps this
    // read-only. Queries are small next to their evaluation.
    let mut copy = query.clone();
    check_pattern_services(query_pattern(&mut copy), allowed)
}

/// The SERVICE check of one graph pattern. It walks the whole algebra, including `EXISTS`
/// inside filters, binds, orderings and aggregates, so no SERVICE can hide.
pub(super) fn check_pattern_services(
    pattern: &GraphPattern,
    allowed: &[NamedNode],
) -> Result<bool> {
    let mut names = Vec::new();
    let mut copy = pattern.clone();
    visit_patterns(&mut copy, &mut |pattern| {
        if let GraphPattern::Service { name, .. } = pattern {
            names.push(name.clone());
        }
    });
    for name in &names {
        let listed = match name {
            NamedNodePattern::NamedNode(iri) => allowed.contains(iri),
            NamedNodePattern::Variable(_) => false,
        };
        if listed {
            continue;
        }
        let allowed_list = allowed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::QueryRejected(match (name, allowed.is_empty()) {
            (_, true) => format!(
                "SERVICE {name} is refused: SERVICE (federation) is not enabled on this endpoint; \
                 its operator can allow named endpoints with --federate URL"
            ),
            (NamedNodePattern::Variable(_), false) => format!(
                "SERVICE {name} is refused: a federated query must name its endpoint with an IRI; \
                 allowed endpoints: {allowed_list}"
            ),
            (NamedNodePattern::NamedNode(_), false) => format!(
                "SERVICE {name} is not an allowed endpoint; allowed endpoints: {allowed_list}"
            ),
        }));
    }
    Ok(!names.is_empty())
}

/// Calls `visit` on every graph pattern of `pattern`, parents before children, including the
/// patterns inside `EXISTS` in filters, binds, orderings, aggregates and left-join conditions.
pub(super) fn visit_patterns(pattern: &mut GraphPattern, visit: &mut dyn FnMut(&mut GraphPattern)) {
    visit(pattern);
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            visit_patterns(left, visit);
            visit_patterns(right, visit);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            visit_patterns(left, visit);
            visit_patterns(right, visit);
            if let Some(expression) = expression {
                visit_expression(expression, visit);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            visit_expression(expr, visit);
            visit_patterns(inner, visit);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            visit_patterns(inner, visit);
            visit_expression(expression, visit);
        }
        GraphPattern::OrderBy { inner, expression } => {
            visit_patterns(inner, visit);
            for order in expression {
                match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        visit_expression(e, visit)
                    }
                }
            }
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            visit_patterns(inner, visit);
            for (_, aggregate) in aggregates {
                if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                    visit_expression(expr, visit);
                }
            }
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => visit_patterns(inner, visit),
    }
}

pub(super) fn visit_expression(
    expression: &mut Expression,
    visit: &mut dyn FnMut(&mut GraphPattern),
) {
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
        Expression::Exists(pattern) => visit_patterns(pattern, visit),
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            visit_expression(a, visit);
            visit_expression(b, visit);
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            visit_expression(a, visit)
        }
        Expression::In(a, list) => {
            visit_expression(a, visit);
            for e in list {
                visit_expression(e, visit);
            }
        }
        Expression::If(a, b, c) => {
            visit_expression(a, visit);
            visit_expression(b, visit);
            visit_expression(c, visit);
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            for e in list {
                visit_expression(e, visit);
            }
        }
    }
}

/// The text sent to a remote engine: the parsed query written out (prefixes expanded), with
/// every blank node of its patterns turned into a variable of its own. Our parser turns a
/// sequence path (`?e a/rdfs:subClassOf* ?c`) into triples joined by a blank node, and Virtuoso
/// refuses a blank node as the subject of a transitive path (SP031); in a pattern a blank node
/// means exactly what an unprojected variable means, so every engine reads the same query.
/// Blank nodes of a CONSTRUCT template stay blank nodes: there they mean fresh nodes.
pub(super) fn remote_text(query: &spargebra::Query) -> String {
    let mut query = query.clone();
    inline_fixed_values(query_pattern(&mut query));
    let text = query.to_string();
    if !text.contains("_:") {
        return text;
    }
    // A prefix no variable of the query starts with, so the new names cannot capture one.
    let mut prefix = String::from("fgb");
    while text.contains(&format!("?{prefix}")) || text.contains(&format!("${prefix}")) {
        prefix.push('_');
    }
    let variable = |pattern: &mut TermPattern| {
        if let TermPattern::BlankNode(node) = pattern {
            let name = format!("{prefix}_{}", node.as_str());
            // A blank node label is a valid variable name but for '-' and '.', which
            // variables do not allow.
            let name: String = name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            *pattern = TermPattern::Variable(Variable::new_unchecked(name));
        }
    };
    visit_patterns(query_pattern(&mut query), &mut |pattern| match pattern {
        GraphPattern::Bgp { patterns } => {
            for triple in patterns {
                variable(&mut triple.subject);
                variable(&mut triple.object);
            }
        }
        GraphPattern::Path {
            subject, object, ..
        } => {
            variable(subject);
            variable(object);
        }
        _ => {}
    });
    query.to_string()
}

/// Where the query's own group fixes a variable for every solution with a one-row `VALUES`
/// (`VALUES ?fact { <…> }`, as the answer queries bind the fact), writes the term into the
/// group's triple patterns as well, keeping the VALUES (so the variable is still bound). The
/// same solutions; Virtuoso 7 plans the patterns with the IRI in place several times faster
/// (the answer query: 4 ms instead of 21). Sub-selects, MINUS, EXISTS and SERVICE are left as
/// they are: their variables are scoped differently.
pub(super) fn inline_fixed_values(pattern: &mut GraphPattern) {
    // The query's group, under its modifiers (LIMIT, DISTINCT, SELECT, ORDER BY, BIND,
    // aggregates, HAVING).
    let mut group = pattern;
    loop {
        group = match group {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Extend { inner, .. }
            | GraphPattern::Group { inner, .. }
            | GraphPattern::Filter { inner, .. } => inner,
            _ => break,
        };
    }
    let mut fixed = Vec::new();
    fixed_values(group, &mut fixed);
    if !fixed.is_empty() {
        write_fixed_values(group, &fixed);
    }
}

/// The variables every solution of `pattern` binds to one term: those of a one-row VALUES in
/// its mandatory part (joins, the left of OPTIONAL, filtered and extended patterns).
pub(super) fn fixed_values(pattern: &GraphPattern, out: &mut Vec<(Variable, GroundTerm)>) {
    match pattern {
        GraphPattern::Values {
            variables,
            bindings,
        } if bindings.len() == 1 => {
            for (variable, term) in variables.iter().zip(&bindings[0]) {
                if let Some(term @ (GroundTerm::NamedNode(_) | GroundTerm::Literal(_))) = term {
                    out.push((variable.clone(), term.clone()));
                }
            }
        }
        GraphPattern::Join { left, right } => {
            fixed_values(left, out);
            fixed_values(right, out);
        }
        GraphPattern::LeftJoin { left: inner, .. }
        | GraphPattern::Minus { left: inner, .. }
        | GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. } => fixed_values(inner, out),
        _ => {}
    }
}

/// Writes the fixed terms into the triple patterns of the group (through joins, OPTIONALs,
/// UNIONs, filters and GRAPH; not into sub-selects, MINUS, SERVICE or aggregates).
pub(super) fn write_fixed_values(pattern: &mut GraphPattern, fixed: &[(Variable, GroundTerm)]) {
    let term = |pattern: &mut TermPattern| {
        if let TermPattern::Variable(v) = pattern {
            match fixed.iter().find(|(f, _)| f == v).map(|(_, t)| t) {
                Some(GroundTerm::NamedNode(n)) => *pattern = TermPattern::NamedNode(n.clone()),
                Some(GroundTerm::Literal(l)) => *pattern = TermPattern::Literal(l.clone()),
                _ => {}
            }
        }
    };
    match pattern {
        GraphPattern::Bgp { patterns } => {
            for triple in patterns {
                term(&mut triple.subject);
                term(&mut triple.object);
                if let NamedNodePattern::Variable(v) = &triple.predicate {
                    if let Some((_, GroundTerm::NamedNode(n))) = fixed.iter().find(|(f, _)| f == v)
                    {
                        triple.predicate = NamedNodePattern::NamedNode(n.clone());
                    }
                }
            }
        }
        GraphPattern::Path {
            subject, object, ..
        } => {
            term(subject);
            term(object);
        }
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Union { left, right } => {
            write_fixed_values(left, fixed);
            write_fixed_values(right, fixed);
        }
        GraphPattern::Minus { left: inner, .. }
        | GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Graph { inner, .. } => write_fixed_values(inner, fixed),
        _ => {}
    }
}

/// The variables a SELECT projects (the outermost projection of its pattern).
pub(super) fn pattern_variables(pattern: &GraphPattern) -> Vec<Variable> {
    let mut pattern = pattern;
    loop {
        pattern = match pattern {
            GraphPattern::Project { variables, .. } => return variables.clone(),
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => inner,
            _ => return Vec::new(),
        };
    }
}

pub(super) fn query_dataset(
    query: &mut spargebra::Query,
) -> Option<&mut spargebra::algebra::QueryDataset> {
    match query {
        spargebra::Query::Select { dataset, .. }
        | spargebra::Query::Ask { dataset, .. }
        | spargebra::Query::Construct { dataset, .. }
        | spargebra::Query::Describe { dataset, .. } => dataset.as_mut(),
    }
}

pub(super) fn query_pattern(query: &mut spargebra::Query) -> &mut GraphPattern {
    match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Ask { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. } => pattern,
    }
}

/// Gives variables their values where the query asks for it with `VALUES ?x { UNDEF }`: the
/// UNDEF becomes the term. Done on the algebra, so the value never passes through query text
/// and the bound query reads the same to any SPARQL engine. A binding with no such `VALUES` is
/// a programming error, reported rather than silently leaving the variable free.
pub(super) fn bind_values(
    query: &mut spargebra::Query,
    bindings: &[(Variable, Term)],
) -> Result<()> {
    for (variable, term) in bindings {
        let value = match term {
            Term::NamedNode(n) => GroundTerm::NamedNode(n.clone()),
            Term::Literal(l) => GroundTerm::Literal(l.clone()),
            other => {
                return Err(Error::Internal(format!(
                    "cannot bind ?{variable} to {other}: only IRIs and literals can be bound"
                )))
            }
        };
        let mut bound = 0;
        visit_patterns(query_pattern(query), &mut |pattern| {
            if let GraphPattern::Values {
                variables,
                bindings: rows,
            } = pattern
            {
                if let Some(column) = variables.iter().position(|v| v == variable) {
                    for row in rows.iter_mut() {
                        if let Some(cell @ None) = row.get_mut(column) {
                            *cell = Some(value.clone());
                            bound += 1;
                        }
                    }
                }
            }
        });
        if bound == 0 {
            return Err(Error::Internal(format!(
                "the query has no VALUES ?{variable} {{ UNDEF }} to bind"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, UpdateOptions, DEFAULT_BASE};
    use spargebra::SparqlParser;

    fn memory_store() -> Store {
        Store::load(&[], DEFAULT_BASE).unwrap().0
    }

    fn parse(query: &str) -> spargebra::Query {
        SparqlParser::new().parse_query(query).unwrap()
    }

    #[test]
    pub(super) fn binds_undef_values_on_the_algebra() {
        let mut query = parse(
            "SELECT * WHERE { { VALUES ?x { UNDEF } ?x ?p ?o } UNION { VALUES ?x { UNDEF } ?s ?p ?x } }",
        );
        let x = Variable::new_unchecked("x");
        let term = Term::from(NamedNode::new_unchecked("http://example.org/a"));
        bind_values(&mut query, &[(x.clone(), term)]).unwrap();
        let text = query.to_string();
        assert_eq!(
            text.matches("VALUES ( ?x ) { ( <http://example.org/a> )")
                .count(),
            2,
            "{text}"
        );
        assert!(!text.contains("UNDEF"), "{text}");
        let mut free = parse("SELECT * WHERE { ?x ?p ?o }");
        let term = Term::from(NamedNode::new_unchecked("http://example.org/a"));
        assert!(bind_values(&mut free, &[(x, term)]).is_err());
    }

    #[test]
    pub(super) fn remote_text_has_no_blank_nodes_in_patterns() {
        let cases = [
            "SELECT * WHERE { ?e a/<http://ex/sub>* ?c }",
            "SELECT ?c WHERE { ?e a/<http://ex/sub>+ ?c FILTER EXISTS { [] <http://ex/p> ?c } }",
            "ASK { _:x <http://ex/p>/<http://ex/q> [ <http://ex/r> ?fgb ] }",
            "CONSTRUCT { _:n <http://ex/p> ?c } WHERE { ?e a/<http://ex/sub>* ?c }",
        ];
        for case in cases {
            let text = remote_text(&parse(case));
            let pattern = text.split_once("WHERE").map_or(text.as_str(), |(_, w)| w);
            assert!(!pattern.contains("_:"), "{case} -> {text}");
            // It still parses, and `SELECT *` still projects only the query's own variables.
            let reparsed = parse(&text);
            if case.starts_with("SELECT *") {
                let projection = text.split_once("WHERE").map_or("", |(p, _)| p);
                assert_eq!(projection.matches('?').count(), 2, "{text}");
            }
            if case.starts_with("CONSTRUCT") {
                assert!(
                    text.contains("_:"),
                    "the template keeps its blank node: {text}"
                );
            }
            if case.contains("?fgb") {
                assert!(text.contains("?fgb_") && !text.contains("?fgb_x"), "{text}");
            }
            assert_eq!(remote_text(&reparsed), reparsed.to_string());
        }
    }

    #[test]
    pub(super) fn fixed_values_are_written_into_the_group_only() {
        let query = parse(
            "SELECT ?f ?o ?x WHERE { VALUES ?f { <http://ex/a> } ?f <http://ex/p> ?o \
             OPTIONAL { ?f <http://ex/q> ?x } MINUS { ?f <http://ex/r> ?y } \
             { SELECT ?f WHERE { ?f <http://ex/s> ?z } } } ORDER BY ?o",
        );
        let text = remote_text(&query);
        assert!(text.contains("<http://ex/a> <http://ex/p> ?o"), "{text}");
        assert!(text.contains("<http://ex/a> <http://ex/q> ?x"), "{text}");
        assert!(
            text.contains("?f <http://ex/r> ?y"),
            "MINUS keeps it: {text}"
        );
        assert!(
            text.contains("?f <http://ex/s> ?z"),
            "a sub-select keeps it: {text}"
        );
        assert!(text.contains("VALUES"), "the variable stays bound: {text}");
        let several =
            parse("SELECT * WHERE { VALUES ?f { <http://ex/a> <http://ex/b> } ?f ?p ?o }");
        assert!(remote_text(&several).contains("?f ?p ?o"));
        // The same solutions on a store: the rewritten text against the original.
        let store = memory_store();
        let data = "<http://ex/a> <http://ex/p> 1 . <http://ex/a> <http://ex/p> 2 . \
                    <http://ex/a> <http://ex/q> 3 . <http://ex/a> <http://ex/r> 4 . \
                    <http://ex/b> <http://ex/p> 5 . <http://ex/a> <http://ex/s> 6 .";
        store
            .update(
                &format!("INSERT DATA {{ GRAPH <http://ex/g> {{ {data} }} }}"),
                &UpdateOptions::default(),
            )
            .unwrap();
        let original = query.to_string();
        let sorted = |q: &str| {
            let mut rows = store.select(q).unwrap().rows;
            rows.sort_by_key(|r| format!("{r:?}"));
            rows
        };
        assert_eq!(sorted(&original), sorted(&text));
        assert_eq!(sorted(&original).len(), 0, "MINUS removes the fact's rows");
        let kept = "SELECT ?f ?o ?x WHERE { VALUES ?f { <http://ex/a> } ?f <http://ex/p> ?o \
                    OPTIONAL { ?f <http://ex/q> ?x } }";
        assert_eq!(sorted(kept), sorted(&remote_text(&parse(kept))));
        assert_eq!(sorted(kept).len(), 2);
    }

    #[test]
    pub(super) fn finds_services_everywhere() {
        let allowed = [NamedNode::new_unchecked("http://ok.example/sparql")];
        for query in [
            "SELECT * WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }",
            "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://evil.example/> { ?s ?p ?o } } }",
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r FILTER NOT EXISTS { SERVICE <http://evil.example/> {} } } }",
            "SELECT (COUNT(*) AS ?n) WHERE { { SELECT * WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } } } }",
            "SELECT * WHERE { BIND(EXISTS { SERVICE <http://evil.example/> { ?s ?p ?o } } AS ?b) }",
            "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://evil.example/> {} })",
            "SELECT * WHERE { SERVICE <http://ok.example/sparql> { SERVICE <http://evil.example/> {} } }",
            "ASK { GRAPH ?g { SERVICE SILENT <http://evil.example/> {} } }",
        ] {
            let err = check_services(&parse(query), &allowed).unwrap_err().to_string();
            assert!(err.contains("SERVICE"), "{query}: {err}");
            assert!(!err.is_empty());
        }
        assert!(check_services(
            &parse("SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }"),
            &allowed
        )
        .unwrap());
        assert!(!check_services(&parse("SELECT * WHERE { ?s ?p ?o }"), &[]).unwrap());
    }
}
