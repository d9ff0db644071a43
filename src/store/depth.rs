//! The depth of parsed queries and updates, measured without recursion, and refused trees taken
//! apart without recursion (dropping a deep tree recursively would overflow the stack).

use crate::store::error::{Error, Result};
use spargebra::algebra::{
    AggregateExpression, Expression, GraphPattern, OrderExpression, PropertyPathExpression,
};
use spargebra::{GraphUpdateOperation, Query, Update};

/// Deepest algebra a query or update may parse into (patterns, expressions and property paths
/// counted together). Long chains of UNION, OPTIONAL, operators or path steps each add a level.
/// The evaluator recurses over the algebra with large frames (a debug build needs up to 16 MiB
/// for 256 levels of `+`), so queries are evaluated on threads with [`EVALUATION_STACK`].
pub const MAX_ALGEBRA_DEPTH: usize = 256;

/// Refuses a parsed query deeper than [`MAX_ALGEBRA_DEPTH`] (taking it apart without recursion).
pub fn check_query(query: Query) -> Result<Query> {
    let too_deep = {
        let mut roots = Vec::new();
        push_query(&query, &mut roots);
        exceeds(roots, MAX_ALGEBRA_DEPTH)
    };
    if too_deep {
        dismantle_query(query);
        return Err(algebra_error("query"));
    }
    Ok(query)
}

/// Refuses a parsed update deeper than [`MAX_ALGEBRA_DEPTH`] (taking it apart without recursion).
pub fn check_update(update: Update) -> Result<Update> {
    let too_deep = {
        let roots = update
            .operations
            .iter()
            .filter_map(|operation| match operation {
                GraphUpdateOperation::DeleteInsert { pattern, .. } => {
                    Some((Node::Pattern(pattern), 1))
                }
                _ => None,
            })
            .collect();
        exceeds(roots, MAX_ALGEBRA_DEPTH)
    };
    if too_deep {
        let mut work = Vec::new();
        for operation in update.operations {
            if let GraphUpdateOperation::DeleteInsert { pattern, .. } = operation {
                work.push(Owned::Pattern(*pattern));
            }
        }
        dismantle(work);
        return Err(algebra_error("update"));
    }
    Ok(update)
}

fn algebra_error(what: &str) -> Error {
    Error::TooDeep {
        what: what.to_owned(),
        limit: MAX_ALGEBRA_DEPTH,
        unit: "nested operations (chains of UNION, OPTIONAL, operators or path steps count too)",
    }
}

/// A node of the algebra, borrowed, for the depth measurement.
enum Node<'a> {
    Pattern(&'a GraphPattern),
    Expression(&'a Expression),
    Path(&'a PropertyPathExpression),
}

fn push_query<'a>(query: &'a Query, out: &mut Vec<(Node<'a>, usize)>) {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => out.push((Node::Pattern(pattern), 1)),
    }
}

/// Whether any path from the roots down is longer than `limit`; depth-first with an explicit
/// stack, so it never recurses however deep the tree.
fn exceeds(mut stack: Vec<(Node<'_>, usize)>, limit: usize) -> bool {
    let mut children = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        children_of(&node, &mut children);
        stack.extend(children.drain(..).map(|child| (child, depth + 1)));
    }
    false
}

fn children_of<'a>(node: &Node<'a>, out: &mut Vec<Node<'a>>) {
    match node {
        Node::Pattern(pattern) => pattern_children(pattern, out),
        Node::Expression(expression) => expression_children(expression, out),
        Node::Path(path) => match path {
            PropertyPathExpression::NamedNode(_)
            | PropertyPathExpression::NegatedPropertySet(_) => {}
            PropertyPathExpression::Reverse(a)
            | PropertyPathExpression::ZeroOrMore(a)
            | PropertyPathExpression::OneOrMore(a)
            | PropertyPathExpression::ZeroOrOne(a) => out.push(Node::Path(a)),
            PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
                out.push(Node::Path(a));
                out.push(Node::Path(b));
            }
        },
    }
}

fn pattern_children<'a>(pattern: &'a GraphPattern, out: &mut Vec<Node<'a>>) {
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Path { path, .. } => out.push(Node::Path(path)),
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            out.push(Node::Pattern(left));
            out.push(Node::Pattern(right));
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            out.push(Node::Pattern(left));
            out.push(Node::Pattern(right));
            out.extend(expression.iter().map(Node::Expression));
        }
        GraphPattern::Filter { expr, inner } => {
            out.push(Node::Expression(expr));
            out.push(Node::Pattern(inner));
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            out.push(Node::Pattern(inner));
            out.push(Node::Expression(expression));
        }
        GraphPattern::OrderBy { inner, expression } => {
            out.push(Node::Pattern(inner));
            out.extend(expression.iter().map(|order| match order {
                OrderExpression::Asc(e) | OrderExpression::Desc(e) => Node::Expression(e),
            }));
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            out.push(Node::Pattern(inner));
            out.extend(
                aggregates
                    .iter()
                    .filter_map(|(_, aggregate)| match aggregate {
                        AggregateExpression::FunctionCall { expr, .. } => {
                            Some(Node::Expression(expr))
                        }
                        AggregateExpression::CountSolutions { .. } => None,
                    }),
            );
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => out.push(Node::Pattern(inner)),
    }
}

fn expression_children<'a>(expression: &'a Expression, out: &mut Vec<Node<'a>>) {
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
        Expression::Exists(pattern) => out.push(Node::Pattern(pattern)),
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
            out.push(Node::Expression(a));
            out.push(Node::Expression(b));
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            out.push(Node::Expression(a))
        }
        Expression::In(a, list) => {
            out.push(Node::Expression(a));
            out.extend(list.iter().map(Node::Expression));
        }
        Expression::If(a, b, c) => {
            out.extend([a, b, c].into_iter().map(|e| Node::Expression(e)));
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            out.extend(list.iter().map(Node::Expression));
        }
    }
}

/// A node of the algebra, owned, for taking a refused tree apart.
enum Owned {
    Pattern(GraphPattern),
    Expression(Expression),
    Path(PropertyPathExpression),
}

fn dismantle_query(query: Query) {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => dismantle(vec![Owned::Pattern(pattern)]),
    }
}

/// Drops a tree of any depth without recursing: each node's boxed children are moved out onto
/// a work list before the (now shallow) node itself is dropped.
fn dismantle(mut work: Vec<Owned>) {
    while let Some(node) = work.pop() {
        match node {
            Owned::Pattern(pattern) => take_pattern_children(pattern, &mut work),
            Owned::Expression(expression) => take_expression_children(expression, &mut work),
            Owned::Path(path) => match path {
                PropertyPathExpression::NamedNode(_)
                | PropertyPathExpression::NegatedPropertySet(_) => {}
                PropertyPathExpression::Reverse(a)
                | PropertyPathExpression::ZeroOrMore(a)
                | PropertyPathExpression::OneOrMore(a)
                | PropertyPathExpression::ZeroOrOne(a) => work.push(Owned::Path(*a)),
                PropertyPathExpression::Sequence(a, b)
                | PropertyPathExpression::Alternative(a, b) => {
                    work.push(Owned::Path(*a));
                    work.push(Owned::Path(*b));
                }
            },
        }
    }
}

fn take_pattern_children(pattern: GraphPattern, work: &mut Vec<Owned>) {
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Path { path, .. } => work.push(Owned::Path(path)),
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            work.push(Owned::Pattern(*left));
            work.push(Owned::Pattern(*right));
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            work.push(Owned::Pattern(*left));
            work.push(Owned::Pattern(*right));
            work.extend(expression.map(Owned::Expression));
        }
        GraphPattern::Filter { expr, inner } => {
            work.push(Owned::Expression(expr));
            work.push(Owned::Pattern(*inner));
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            work.push(Owned::Pattern(*inner));
            work.push(Owned::Expression(expression));
        }
        GraphPattern::OrderBy { inner, expression } => {
            work.push(Owned::Pattern(*inner));
            work.extend(expression.into_iter().map(|order| match order {
                OrderExpression::Asc(e) | OrderExpression::Desc(e) => Owned::Expression(e),
            }));
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            work.push(Owned::Pattern(*inner));
            work.extend(
                aggregates
                    .into_iter()
                    .filter_map(|(_, aggregate)| match aggregate {
                        AggregateExpression::FunctionCall { expr, .. } => {
                            Some(Owned::Expression(expr))
                        }
                        AggregateExpression::CountSolutions { .. } => None,
                    }),
            );
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => work.push(Owned::Pattern(*inner)),
    }
}

fn take_expression_children(expression: Expression, work: &mut Vec<Owned>) {
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
        Expression::Exists(pattern) => work.push(Owned::Pattern(*pattern)),
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
            work.push(Owned::Expression(*a));
            work.push(Owned::Expression(*b));
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            work.push(Owned::Expression(*a))
        }
        Expression::In(a, list) => {
            work.push(Owned::Expression(*a));
            work.extend(list.into_iter().map(Owned::Expression));
        }
        Expression::If(a, b, c) => {
            work.extend([*a, *b, *c].into_iter().map(Owned::Expression));
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            work.extend(list.into_iter().map(Owned::Expression));
        }
    }
}
