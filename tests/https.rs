//! factgraph as an HTTPS client, offline: a certificate authority made for the run signs the
//! certificate of a loopback HTTPS endpoint (another instance standing in for Wikidata), and
//! SERVICE calls and `--sparql-endpoint` reach it when the authority is trusted and are refused
//! with a 502 naming the endpoint when it is not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use factgraph::store::model::NamedNode;
use factgraph::store::tls::Trust;
use factgraph::store::{Federation, Store, DEFAULT_BASE};
use factgraph::{app, AppState, ServiceConfig};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::rustls;

/// A certificate authority and a server certificate it signed.
struct Pki {
    ca_pem: String,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
}

fn make_pki() -> Pki {
    pki_for(&["127.0.0.1", "localhost"])
}

/// A certificate authority and a server certificate for `names` it signed.
fn pki_for(names: &[&str]) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "factgraph test authority");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let server = CertificateParams::new(names)
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        chain: vec![server.der().clone(), ca.der().clone()],
        key: rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
    }
}

/// Serves `router` over HTTPS on loopback with the given certificate chain.
async fn serve_tls(
    router: axum::Router,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> SocketAddr {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                // A client that refuses our certificate ends the handshake: nothing to serve.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    address
}

/// A stand-in for Wikidata: a factgraph instance serving a few of its statements about the
/// entities our graph links to.
fn wikidata_standin() -> AppState {
    let dir = std::env::temp_dir().join(format!("factgraph-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wikidata.ttl");
    std::fs::write(
        &file,
        "@prefix wd: <http://www.wikidata.org/entity/> .\n\
         @prefix wdt: <http://www.wikidata.org/prop/direct/> .\n\
         @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         wd:Q23317 rdfs:label \"Audi\"@en ; wdt:P571 \"1909-07-16T00:00:00Z\" .\n\
         wd:Q3004 rdfs:label \"Ingolstadt\"@en ; wdt:P1082 142308 .\n\
         wd:Q28 wdt:P1082 9599744 .\n\
         wd:Q30 wdt:P1082 340110988 .\n",
    )
    .unwrap();
    let (store, _) = Store::load(&[file], DEFAULT_BASE).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    AppState::new(store, ServiceConfig::default()).unwrap()
}

/// The shipped graph, allowed to call `endpoint` with the given trust.
fn federating(endpoint: &str, trust: &Trust) -> axum::Router {
    let state = common::state().with_federation(Federation::new(
        vec![NamedNode::new(endpoint).unwrap()],
        Some(Duration::from_secs(5)),
        trust,
    ));
    app(state)
}

async fn select(router: axum::Router, query: &str) -> common::Reply {
    let request = Request::get(format!("/sparql?query={}", common::encode(query)))
        .header("accept", "application/sparql-results+json")
        .body(Body::empty())
        .unwrap();
    common::send_to(router, request).await
}

/// Our entities joined with what the endpoint says about the Wikidata items they link to.
fn join_query(endpoint: &str) -> String {
    format!(
        "SELECT ?thing ?label WHERE {{
  ?thing owl:sameAs ?item .
  SERVICE <{endpoint}> {{ ?item rdfs:label ?label }}
}} ORDER BY ?label"
    )
}

/// The CA written to a file, as an operator passes it with --ca-file.
fn bundle_file(pem: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "factgraph-https-ca-{}-{}.pem",
        std::process::id(),
        pem.len()
    ));
    std::fs::write(&path, pem).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn federated_query_over_https_with_a_trusted_authority() {
    let pki = make_pki();
    let address = serve_tls(app(wikidata_standin()), pki.chain, pki.key).await;
    let endpoint = format!("https://{address}/sparql");
    // The authority as --ca-file adds it: the system's store plus the bundle.
    let file = bundle_file(&pki.ca_pem);
    let trust = Trust::with_bundles(std::slice::from_ref(&file)).unwrap();
    std::fs::remove_file(&file).unwrap();

    let reply = select(federating(&endpoint, &trust), &join_query(&endpoint)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let rows = reply.json()["results"]["bindings"].clone();
    let pairs: Vec<(String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["thing"]["value"].as_str().unwrap().to_owned(),
                row["label"]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            (format!("{DEFAULT_BASE}id/audi"), "Audi".to_owned()),
            (
                format!("{DEFAULT_BASE}id/ingolstadt"),
                "Ingolstadt".to_owned()
            ),
        ]
    );
}

/// The README's worked example, with the loopback endpoint in Wikidata's place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_wikidata_example_runs_as_written() {
    const WIKIDATA: &str = "https://query.wikidata.org/sparql";
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find(&format!("--federate {WIKIDATA} &"))
        .expect("README.md has the Wikidata example");
    let text = &readme[start..];
    let query = &text[text.find("query=\n").unwrap() + "query=\n".len()..];
    let query = &query[..query.find("'\n```").unwrap()];
    assert!(query.contains(&format!("SERVICE <{WIKIDATA}>")), "{query}");

    let pki = make_pki();
    let trust = Trust::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let address = serve_tls(app(wikidata_standin()), pki.chain, pki.key).await;
    let endpoint = format!("https://{address}/sparql");
    let query = query.replace(WIKIDATA, &endpoint);
    let reply = select(federating(&endpoint, &trust), &query).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let names: Vec<String> = reply.json()["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            format!(
                "{} {}",
                row["name"]["value"].as_str().unwrap(),
                row["population"]["value"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Hungary 9599744",
            "Ingolstadt 142308",
            "United States 340110988"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_a_502_naming_the_endpoint() {
    let pki = make_pki();
    let address = serve_tls(app(wikidata_standin()), pki.chain, pki.key).await;
    let endpoint = format!("https://{address}/sparql");

    // The system's store alone does not know the test authority.
    let reply = select(
        federating(&endpoint, &Trust::default()),
        &join_query(&endpoint),
    )
    .await;
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(reply.body.contains(&endpoint), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("certificate was refused (UnknownIssuer)"),
        "{}",
        reply.body
    );

    // Another authority (even one of the same name) is no better than none.
    let other = make_pki();
    let reply = select(
        federating(
            &endpoint,
            &Trust::from_pem(other.ca_pem.as_bytes()).unwrap(),
        ),
        &join_query(&endpoint),
    )
    .await;
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(reply.body.contains(&endpoint), "{}", reply.body);
    assert!(reply.body.contains("certificate"), "{}", reply.body);

    // SILENT makes the failed call an empty answer, as SPARQL 1.1 says.
    let silent = format!(
        "SELECT ?label WHERE {{ SERVICE SILENT <{endpoint}> {{ ?item rdfs:label ?label }} }}"
    );
    let reply = select(federating(&endpoint, &Trust::default()), &silent).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_name_is_refused() {
    // Signed by the trusted authority, but for another host than the one called.
    let pki = pki_for(&["query.example.org"]);
    let trust = Trust::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let address = serve_tls(app(wikidata_standin()), pki.chain, pki.key).await;
    let endpoint = format!("https://{address}/sparql");
    let reply = select(federating(&endpoint, &trust), &join_query(&endpoint)).await;
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(reply.body.contains(&endpoint), "{}", reply.body);
    assert!(reply.body.contains("certificate"), "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_endpoint_over_https() {
    let pki = make_pki();
    let trust = Trust::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let address = serve_tls(app(common::state()), pki.chain, pki.key).await;
    let url = format!("https://{address}/sparql");

    let remote = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            Store::remote_trusting(&url, DEFAULT_BASE, None, Vec::new(), 1 << 26, &trust)
        })
        .await
        .unwrap()
        .unwrap()
    };
    let state = AppState::new(remote, ServiceConfig::default()).unwrap();
    let reply = select(
        app(state),
        "SELECT ?label WHERE { id:audi skos:prefLabel ?label FILTER(lang(?label) = 'en') }",
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("\"Audi\""), "{}", reply.body);

    // Without the authority the service does not start, and says which endpoint and why.
    let refused = tokio::task::spawn_blocking(move || {
        Store::remote_trusting(
            &url,
            DEFAULT_BASE,
            None,
            Vec::new(),
            1 << 26,
            &Trust::default(),
        )
    })
    .await
    .unwrap();
    let Err(error) = refused else {
        panic!("an untrusted endpoint is refused");
    };
    let message = error.to_string();
    assert!(
        message.contains(&format!("https://{address}/sparql")),
        "{message}"
    );
    assert!(message.contains("certificate"), "{message}");
}

#[test]
fn a_bundle_without_certificates_stops_the_start() {
    let file = bundle_file("not a certificate\n");
    let error = Trust::with_bundles(std::slice::from_ref(&file)).unwrap_err();
    std::fs::remove_file(&file).unwrap();
    assert!(
        error.to_string().contains("holds no certificate"),
        "{error}"
    );
    let missing = Trust::with_bundles(&[PathBuf::from("/nonexistent/ca.pem")]).unwrap_err();
    assert!(
        missing.to_string().contains("/nonexistent/ca.pem"),
        "{missing}"
    );
}
