//! The Service Description of `/sparql` (SPARQL 1.1 Service Description): what a client gets
//! from the endpoint without a query, negotiated as RDF or, for a browser, the editor page.

use crate::http::error::{Error, Result};
use crate::http::linked_data::representations::VOID_PATH;
use crate::http::negotiate::negotiate;
use crate::http::sparql_stream::{GRAPH_OFFERS, RESULT_OFFERS};
use crate::linked_data::void;
use crate::service::state::AppState;
use crate::store::formats::Offer;
use crate::store::formats::{self};
use crate::store::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use oxigraph::io::RdfFormat;

/// What `/sparql` without a query can be: the Service Description in an RDF format, or, for a
/// browser, the query editor.
#[derive(Debug, Clone, Copy)]
enum Description {
    Rdf(RdfFormat),
    Editor,
}

/// The Service Description, or the editor for a browser. HTML comes after every RDF offer, so a
/// client that accepts RDF at all (even through `*/*`) still gets RDF unless it prefers HTML.
pub(super) fn service_description(
    state: &AppState,
    headers: &HeaderMap,
    format: Option<&str>,
) -> Result<Response> {
    let offers: Vec<Offer<Description>> = GRAPH_OFFERS
        .iter()
        .map(|o| o.map(Description::Rdf))
        .chain([Offer::new("text/html", &["html"], Description::Editor)])
        .collect();
    let offer = negotiate(headers, format, &offers)?;
    let mut response = match offer.value {
        Description::Editor => crate::http::editor::page(state, None).into_response(),
        Description::Rdf(rdf) => {
            let triples = describe_service(state, headers)?;
            let body = state.store.write_triples(&triples, rdf, Vec::new())?;
            // It changes only with the data (the triple count) and the configuration, so
            // clients and caches may revalidate it.
            let tag = crate::http::conditional::etag(&body);
            let response = ([(header::CONTENT_TYPE, offer.media_type)], body).into_response();
            crate::http::conditional::respond(headers, &tag, state.dumps().since, response)
        }
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

fn describe_service(state: &AppState, headers: &HeaderMap) -> Result<Vec<Triple>> {
    const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
    let node = |iri: String| {
        NamedNode::new(iri).map_err(|e| Error::Internal(format!("bad IRI in description: {e}")))
    };
    let sd = |local: &str| node(format!("{SD}{local}"));
    let endpoint = node(format!("{}/sparql", state.public_origin(headers)))?;
    let subject = NamedOrBlankNode::from(endpoint.clone());
    let rdf_type = node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type".to_owned())?;
    let mut triples = vec![
        Triple::new(
            subject.clone(),
            rdf_type.clone(),
            Term::from(sd("Service")?),
        ),
        Triple::new(subject.clone(), sd("endpoint")?, Term::from(endpoint)),
        Triple::new(
            subject.clone(),
            sd("supportedLanguage")?,
            Term::from(sd("SPARQL11Query")?),
        ),
        Triple::new(
            subject.clone(),
            sd("feature")?,
            Term::from(sd("UnionDefaultGraph")?),
        ),
        Triple::new(
            subject.clone(),
            node("http://purl.org/dc/terms/title".to_owned())?,
            Term::from(Literal::new_language_tagged_literal_unchecked(
                "factgraph SPARQL endpoint",
                "en",
            )),
        ),
    ];
    if state.write_access.is_some() && state.store.is_persistent() {
        // Clients may look here before trying an update; read-only services do not claim it.
        triples.push(Triple::new(
            subject.clone(),
            sd("supportedLanguage")?,
            Term::from(sd("SPARQL11Update")?),
        ));
    }
    if !state.federation.endpoints.is_empty() {
        triples.push(Triple::new(
            subject.clone(),
            sd("feature")?,
            Term::from(sd("BasicFederatedQuery")?),
        ));
    }
    // The dataset behind the endpoint, and where its VoID description is.
    let dataset = NamedOrBlankNode::from(void::dataset_iri(&state.store)?);
    // A fixed label, so the same service gives the same bytes every time.
    let default_graph = NamedOrBlankNode::from(BlankNode::new_unchecked("defaultGraph"));
    triples.extend([
        Triple::new(
            subject.clone(),
            sd("defaultDataset")?,
            Term::from(dataset.clone()),
        ),
        Triple::new(
            dataset.clone(),
            rdf_type.clone(),
            Term::from(sd("Dataset")?),
        ),
        Triple::new(
            dataset.clone(),
            node("http://www.w3.org/2000/01/rdf-schema#seeAlso".to_owned())?,
            Term::from(node(format!(
                "{}{VOID_PATH}",
                state.public_origin(headers)
            ))?),
        ),
        Triple::new(
            dataset,
            sd("defaultGraph")?,
            Term::from(default_graph.clone()),
        ),
        Triple::new(
            default_graph.clone(),
            rdf_type.clone(),
            Term::from(sd("Graph")?),
        ),
    ]);
    {
        let stats = state.dataset();
        triples.push(Triple::new(
            default_graph,
            node("http://rdfs.org/ns/void#triples".to_owned())?,
            Term::from(Literal::from(stats.triples as i64)),
        ));
    }
    // Every format the endpoint produces, once each, in the order of the offers.
    let mut produced: Vec<&str> = Vec::new();
    let results = RESULT_OFFERS.iter().map(|o| o.value.iri());
    let graphs = GRAPH_OFFERS.iter().map(|o| formats::rdf_iri(o.value));
    for iri in results.chain(graphs) {
        if !produced.contains(&iri) {
            produced.push(iri);
        }
    }
    for iri in produced {
        triples.push(Triple::new(
            subject.clone(),
            sd("resultFormat")?,
            Term::from(node(iri.to_owned())?),
        ));
    }
    Ok(triples)
}
