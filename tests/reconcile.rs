//! The reconciliation service (`/reconcile`) against the Reconciliation Service API 0.2: every
//! response is validated with the specification's JSON Schemas (`tests/reconcile/schemas/`),
//! the specification's valid and invalid examples run through the request parsing, and the
//! queries of `tests/cases/reconcile/queries.tsv` must find the entities they name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{encode, get, send, Reply};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SCHEMAS: &str = "tests/reconcile/schemas";
const EXAMPLES: &str = "tests/reconcile/examples";

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One validator per schema file, built offline: the schemas refer to each other by their
/// `$id`, and the manifest's `authentication` to the Swagger 2.0 schema, which is shipped.
fn validators() -> &'static HashMap<String, jsonschema::Validator> {
    static VALIDATORS: OnceLock<HashMap<String, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(SCHEMAS)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut registry = jsonschema::Registry::new();
        let mut schemas = Vec::new();
        for file in &files {
            let schema = read_json(file);
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let id = schema
                .get("$id")
                .or_else(|| schema.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{name} has no $id"))
                .to_owned();
            let resource = if name == "swagger-2.0.json" {
                jsonschema::Draft::Draft4.create_resource(schema.clone())
            } else {
                jsonschema::Draft::Draft7.create_resource(schema.clone())
            };
            registry = registry.add(&id, resource).unwrap();
            schemas.push((name, schema));
        }
        let registry = registry.prepare().unwrap();
        schemas
            .into_iter()
            .filter(|(name, _)| name != "swagger-2.0.json")
            .map(|(name, schema)| {
                let validator = jsonschema::options()
                    .offline()
                    .with_draft(jsonschema::Draft::Draft7)
                    .with_registry(&registry)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (name.trim_end_matches(".json").to_owned(), validator)
            })
            .collect()
    })
}

/// The schema's complaints about `instance` (none when it is valid).
fn violations(schema: &str, instance: &Value) -> Vec<String> {
    let validator = validators()
        .get(schema)
        .unwrap_or_else(|| panic!("no schema {schema}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(schema: &str, instance: &Value) {
    let errors = violations(schema, instance);
    assert!(
        errors.is_empty(),
        "{schema}: {errors:#?}\n{}",
        serde_json::to_string_pretty(instance).unwrap()
    );
}

#[test]
fn the_schemas_accept_their_valid_examples_and_refuse_the_invalid_ones() {
    // The validators themselves, on the specification's examples: a schema that cannot tell
    // them apart would make every other check here worthless.
    let mut checked = 0;
    for (folder, schema) in [
        ("manifest", "manifest"),
        ("reconciliation-query-batch", "reconciliation-query-batch"),
        ("reconciliation-result-batch", "reconciliation-result-batch"),
        ("data-extension-query", "data-extension-query"),
        ("data-extension-response", "data-extension-response"),
        (
            "data-extension-property-proposal",
            "data-extension-property-proposal",
        ),
        ("suggest-entities-response", "suggest-entities-response"),
        ("suggest-properties-response", "suggest-properties-response"),
        ("suggest-types-response", "suggest-types-response"),
    ] {
        for (verdict, valid) in [("valid", true), ("invalid", false)] {
            let dir = Path::new(EXAMPLES).join(folder).join(verdict);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let errors = violations(schema, &read_json(&path));
                assert_eq!(errors.is_empty(), valid, "{}: {errors:?}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} examples");
}

#[test]
fn request_parsing_agrees_with_the_schemas_on_every_example() {
    let mut checked = 0;
    for (folder, schema) in [
        ("reconciliation-query-batch", "reconciliation-query-batch"),
        ("data-extension-query", "data-extension-query"),
    ] {
        for verdict in ["valid", "invalid"] {
            let dir = Path::new(EXAMPLES).join(folder).join(verdict);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let parsed = match folder {
                    "data-extension-query" => factgraph::reconcile::request::extend(&text)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    _ => factgraph::reconcile::request::queries(&text)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                };
                let valid = violations(schema, &serde_json::from_str(&text).unwrap()).is_empty();
                assert_eq!(
                    parsed.is_ok(),
                    valid,
                    "{}: the parser says {parsed:?}, the schema says valid={valid}",
                    path.display()
                );
                assert_eq!(valid, verdict == "valid", "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 9, "only {checked} examples");
}

#[test]
fn request_parsing_agrees_with_the_schema_on_edge_cases() {
    // What the schema allows beyond the examples (any key, a bare number limit, an empty
    // query string, extra fields in a property) and what it refuses.
    for (batch, valid) in [
        (json!({}), true),
        (json!({"": {"query": ""}}), true),
        (json!({"q": {"query": "Audi", "limit": 2.5}}), true),
        (json!({"q": {"query": "Audi", "limit": -1}}), true),
        (json!({"q": {"query": "Audi", "type": []}}), true),
        (json!({"q": {"query": "Audi", "properties": []}}), true),
        (
            json!({"q": {"properties": [{"pid": "p", "v": {"id": "x", "name": "X"}, "extra": 1}]}}),
            true,
        ),
        (json!({"q": {"query": "Audi", "type": 3}}), false),
        (json!({"q": {"query": "Audi", "limit": "2"}}), false),
        (
            json!({"q": {"query": "Audi", "type_strict": "some"}}),
            false,
        ),
        (json!({"q": {"properties": [{"pid": "p"}]}}), false),
        (
            json!({"q": {"properties": [{"pid": "p", "v": null}]}}),
            false,
        ),
        (
            json!({"q": {"properties": [{"pid": "p", "v": {"name": "X"}}]}}),
            false,
        ),
        (
            json!({"q": {"properties": [{"pid": "p", "v": [[1]]}]}}),
            false,
        ),
        (json!({"q": "Audi"}), false),
        (json!({"q": {"query": 1}}), false),
    ] {
        let parsed = factgraph::reconcile::request::queries(&batch.to_string());
        let schema = violations("reconciliation-query-batch", &batch).is_empty();
        assert_eq!(schema, valid, "the schema on {batch}");
        assert_eq!(parsed.is_ok(), valid, "the parser on {batch}: {parsed:?}");
    }
}

async fn reconcile_get(params: &str) -> Reply {
    get(&format!("/reconcile?{params}")).await
}

fn form_post(form: &str) -> Request<Body> {
    Request::post("/reconcile")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap()
}

async fn reconcile_post(form: &str) -> Reply {
    send(form_post(form)).await
}

#[tokio::test]
async fn the_manifest_declares_every_service_and_validates() {
    let reply = get("/reconcile").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("application/json"));
    let manifest = reply.json();
    assert_valid("manifest", &manifest);
    assert_eq!(manifest["versions"], json!(["0.2"]));
    assert_eq!(
        manifest["identifierSpace"],
        "https://w3id.org/factgraph/id/"
    );
    assert_eq!(manifest["schemaSpace"], "https://w3id.org/factgraph/def/");
    for key in ["view", "preview", "suggest", "extend"] {
        assert!(manifest.get(key).is_some(), "no {key}");
    }
    for kind in ["entity", "type", "property"] {
        assert!(
            manifest["suggest"][kind]["service_path"].is_string(),
            "{kind}"
        );
    }
    // The view template leads to the entity's page on this service.
    let view = manifest["view"]["url"].as_str().unwrap();
    let path = view
        .replace("{{id}}", "audi-brussels")
        .replace("http://localhost", "");
    assert_eq!(get(&path).await.status, 200, "{path}");
}

/// The queries of `tests/cases/reconcile/queries.tsv`: query, type (or `-`), and the entity
/// that must come first with `match: true`, or `-` when no candidate may be a match.
fn cases() -> Vec<(String, Option<String>, Option<String>)> {
    let text = std::fs::read_to_string("tests/cases/reconcile/queries.tsv").unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "three tab-separated fields: {line:?}");
            let opt = |s: &str| (s != "-").then(|| s.to_owned());
            (fields[0].to_owned(), opt(fields[1]), opt(fields[2]))
        })
        .collect()
}

/// The cases as one batch, in a form body.
fn cases_form() -> String {
    let cases = cases();
    assert!(cases.len() >= 15, "{} cases", cases.len());
    let mut batch = serde_json::Map::new();
    for (i, (query, type_id, _)) in cases.iter().enumerate() {
        let mut q = json!({ "query": query, "limit": 5 });
        if let Some(t) = type_id {
            q["type"] = json!(t);
        }
        batch.insert(format!("q{i}"), q);
    }
    let batch = Value::Object(batch);
    assert_valid("reconciliation-query-batch", &batch);
    format!("queries={}", encode(&batch.to_string()))
}

#[tokio::test]
async fn every_case_reconciles_as_written_in_one_batch_by_get_and_by_post() {
    let cases = cases();
    let form = cases_form();
    let by_get = reconcile_get(&form).await;
    let by_post = reconcile_post(&form).await;
    assert_eq!(by_get.status, 200, "{}", by_get.body);
    assert_eq!(by_post.status, 200, "{}", by_post.body);
    assert_eq!(by_get.json(), by_post.json());
    let results = by_post.json();
    assert_valid("reconciliation-result-batch", &results);
    for (i, (query, _, expected)) in cases.iter().enumerate() {
        let candidates = results[format!("q{i}")]["result"].as_array().unwrap();
        let scores: Vec<f64> = candidates
            .iter()
            .map(|c| c["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{query}: {scores:?}"
        );
        assert!(candidates.len() <= 5, "{query}: the limit");
        let matched: Vec<&Value> = candidates.iter().filter(|c| c["match"] == true).collect();
        match expected {
            Some(id) => {
                assert_eq!(
                    candidates.first().map(|c| &c["id"]),
                    Some(&json!(id)),
                    "{query}: {candidates:#?}"
                );
                assert_eq!(matched.len(), 1, "{query}: {candidates:#?}");
                assert_eq!(matched[0]["id"], json!(id), "{query}");
                // A candidate carries its types, with names.
                assert!(
                    !candidates[0]["type"].as_array().unwrap().is_empty(),
                    "{query}"
                );
            }
            None => assert!(matched.is_empty(), "{query}: {candidates:#?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_engine_gives_the_same_answers() {
    // The graph behind another instance's /sparql: the same candidates, schema-valid.
    let remote = factgraph::app(common::remote_state().await);
    let here = reconcile_post(&cases_form()).await;
    let there = common::send_to(remote.clone(), form_post(&cases_form())).await;
    assert_eq!(there.status, 200, "{}", there.body);
    assert_valid("reconciliation-result-batch", &there.json());
    assert_eq!(there.json(), here.json());
    let extend = json!({"ids": ["audi-brussels-solar-roof", "audi-brussels"],
        "properties": [{"id": "surfaceArea"}, {"id": "locatedIn"}, {"id": "annualEnergyOutput"}]});
    assert_valid("data-extension-query", &extend);
    let form = format!("extend={}", encode(&extend.to_string()));
    let there = common::send_to(remote.clone(), form_post(&form)).await;
    assert_valid("data-extension-response", &there.json());
    assert_eq!(there.json(), reconcile_post(&form).await.json());
    let manifest = common::send_to(
        remote,
        Request::get("/reconcile").body(Body::empty()).unwrap(),
    )
    .await;
    assert_valid("manifest", &manifest.json());
}

#[tokio::test]
async fn types_restrict_and_properties_refine() {
    let batch = json!({
        // "Brussel" as a place is the city; as a plant, nothing is named so.
        "place": {"query": "Brussel", "type": "Place"},
        "plant": {"query": "Brussel", "type": ["Plant"]},
        // Types by local name, prefixed name or IRI.
        "prefixed": {"query": "Brussel", "type": "fg:Place"},
        "iri": {"query": "Brussel", "type": "https://w3id.org/factgraph/def/Place"},
        // Soft types keep other candidates, lower.
        "should": {"query": "Brussel", "type": "Plant", "type_strict": "should"},
        // A property by the value's identifier or its name.
        "by-id": {"query": "Audi Brussels", "properties": [{"pid": "locatedIn", "v": {"id": "brussels"}}]},
        "by-name": {"query": "Audi Brussels", "properties": [{"pid": "locatedIn", "v": "Brussel"}]},
        "wrong": {"query": "Audi Brussels", "properties": [{"pid": "locatedIn", "v": "Hongarije"}]},
        // No name at all: the entities holding the property value.
        "no-name": {"properties": [{"pid": "surfaceArea", "v": 107000}]},
        // An identifier names its entity.
        "id": {"query": "audi-q4-e-tron"},
    });
    assert_valid("reconciliation-query-batch", &batch);
    let results = reconcile_post(&format!("queries={}", encode(&batch.to_string())))
        .await
        .json();
    assert_valid("reconciliation-result-batch", &results);
    let first = |key: &str| results[key]["result"][0].clone();
    assert_eq!(first("place")["id"], "brussels");
    assert_eq!(first("place")["match"], true);
    assert_eq!(results["plant"]["result"], json!([]));
    assert_eq!(results["prefixed"], results["place"]);
    assert_eq!(results["iri"], results["place"]);
    assert_eq!(first("should")["id"], "brussels");
    assert_eq!(first("should")["match"], false);
    assert_eq!(first("by-id")["match"], true);
    assert_eq!(first("by-name")["match"], true);
    assert_eq!(first("wrong")["id"], "audi-brussels");
    assert_eq!(first("wrong")["match"], false);
    assert!(first("wrong")["score"].as_f64() < first("by-id")["score"].as_f64());
    assert_eq!(first("no-name")["id"], "audi-brussels-solar-roof");
    assert_eq!(first("no-name")["match"], true);
    assert_eq!(first("id")["id"], "audi-q4-e-tron");
    assert_eq!(first("id")["match"], true);
}

#[tokio::test]
async fn suggest_services_complete_prefixes_and_validate() {
    for (kind, prefix, expected, schema) in [
        (
            "entity",
            "Audi Bru",
            "audi-brussels",
            "suggest-entities-response",
        ),
        ("entity", "hongar", "hungary", "suggest-entities-response"),
        (
            "entity",
            "Ingolstat",
            "ingolstadt",
            "suggest-entities-response",
        ),
        ("type", "fabr", "Plant", "suggest-types-response"),
        ("type", "city", "City", "suggest-types-response"),
        (
            "property",
            "surface",
            "surfaceArea",
            "suggest-properties-response",
        ),
        (
            "property",
            "ligt",
            "locatedIn",
            "suggest-properties-response",
        ),
    ] {
        let reply = get(&format!(
            "/reconcile/suggest/{kind}?prefix={}",
            encode(prefix)
        ))
        .await;
        assert_eq!(reply.status, 200, "{kind} {prefix}: {}", reply.body);
        let body = reply.json();
        assert_valid(schema, &body);
        let ids: Vec<&str> = body["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert!(ids.contains(&expected), "{kind} {prefix}: {ids:?}");
    }
    // The cursor pages on; an empty prefix suggests nothing.
    let all = get("/reconcile/suggest/entity?prefix=a").await.json();
    let next = get("/reconcile/suggest/entity?prefix=a&cursor=2")
        .await
        .json();
    assert_eq!(all["result"][2], next["result"][0]);
    let empty = get("/reconcile/suggest/entity?prefix=").await.json();
    assert_eq!(empty, json!({"result": []}));
    assert_eq!(get("/reconcile/suggest/entity").await.status, 400);
    let long = "a".repeat(1001);
    let reply = get(&format!("/reconcile/suggest/entity?prefix={long}")).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("longer than 1000"), "{}", reply.body);
    assert_eq!(
        get("/reconcile/suggest/type?prefix=a&cursor=x")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn data_extension_gives_values_with_units_and_validates() {
    let proposal = get("/reconcile/properties?type=SolarPowerSystem&limit=10").await;
    assert_eq!(proposal.status, 200, "{}", proposal.body);
    let proposal = proposal.json();
    assert_valid("data-extension-property-proposal", &proposal);
    let proposed: Vec<&str> = proposal["properties"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(proposed.contains(&"surfaceArea"), "{proposed:?}");

    let query = json!({
        "ids": ["audi-brussels-solar-roof", "audi-brussels", "no-such-entity"],
        "properties": [
            {"id": "surfaceArea"},
            {"id": "annualEnergyOutput", "settings": {"unit": "included"}},
            {"id": "locatedIn"},
            {"id": "noSuchProperty"}
        ]
    });
    assert_valid("data-extension-query", &query);
    let reply = reconcile_post(&format!("extend={}", encode(&query.to_string()))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_valid("data-extension-response", &body);
    let meta: Vec<&str> = body["meta"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(meta.contains(&"surface area (m²)"), "{meta:?}");
    let roof = &body["rows"]["audi-brussels-solar-roof"];
    assert_eq!(roof["surfaceArea"], json!([{"int": 107000}]));
    assert_eq!(roof["annualEnergyOutput"], json!([{"str": "9000 MWh"}]));
    assert_eq!(
        body["rows"]["audi-brussels"]["locatedIn"],
        json!([{"id": "brussels", "name": "Brussels"}])
    );
    assert_eq!(body["rows"]["no-such-entity"]["surfaceArea"], json!([]));
    assert_eq!(body["rows"]["audi-brussels"]["noSuchProperty"], json!([]));
    assert_eq!(get("/reconcile/properties").await.status, 400);
}

#[tokio::test]
async fn previews_are_small_escaped_pages() {
    let reply = get("/reconcile/preview?id=audi-brussels").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert!(reply.body.contains("<h1"), "{}", reply.body);
    assert!(reply.body.contains("Audi Brussels plant"));
    assert!(reply
        .body
        .contains("Audi has owned the Brussels plant since 2007."));
    assert!(!reply.body.contains("<script"));
    assert!(reply
        .header("content-security-policy")
        .contains("default-src 'none'"));
    let missing = get(&format!("/reconcile/preview?id={}", encode("<b>x</b>"))).await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/plain"));
    assert_eq!(get("/reconcile/preview").await.status, 400);
}

#[tokio::test]
async fn jsonp_wraps_any_json_answer_and_refuses_code_as_a_callback() {
    let reply = reconcile_get("callback=jsonp_42").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/javascript"));
    let body = reply
        .body
        .strip_prefix("/**/jsonp_42(")
        .unwrap()
        .strip_suffix(");")
        .unwrap();
    assert_valid("manifest", &serde_json::from_str(body).unwrap());
    let batch = json!({"q0": {"query": "Q8 etron"}});
    assert_valid("reconciliation-query-batch", &batch);
    let queries = encode(&batch.to_string());
    let reply = reconcile_get(&format!("queries={queries}&callback=jQuery.cb")).await;
    let body = reply
        .body
        .strip_prefix("/**/jQuery.cb(")
        .unwrap()
        .strip_suffix(");")
        .unwrap();
    let results: Value = serde_json::from_str(body).unwrap();
    assert_valid("reconciliation-result-batch", &results);
    assert_eq!(results["q0"]["result"][0]["id"], "audi-q8-e-tron");
    let reply = get("/reconcile/suggest/type?prefix=pl&callback=cb").await;
    assert!(reply.body.starts_with("/**/cb("), "{}", reply.body);
    for bad in ["alert(1)", "a;b", "1a", "", "a..b"] {
        let reply = reconcile_get(&format!("callback={}", encode(bad))).await;
        assert_eq!(reply.status, 400, "{bad:?}");
        assert!(reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("callback"));
    }
}

#[tokio::test]
async fn cors_lets_pages_read_and_preflights_allow_the_methods() {
    let reply = send(
        Request::get("/reconcile")
            .header("origin", "https://openrefine.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let reply = send(
        Request::options("/reconcile")
            .header("origin", "https://openrefine.example")
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        reply.header("access-control-allow-methods"),
        "GET, HEAD, POST, OPTIONS"
    );
    for path in [
        "/reconcile/suggest/entity",
        "/reconcile/suggest/type",
        "/reconcile/suggest/property",
        "/reconcile/properties",
        "/reconcile/preview",
    ] {
        let reply = send(Request::options(path).body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, 204, "{path}");
        assert_eq!(reply.header("allow"), "GET, HEAD, OPTIONS", "{path}");
    }
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_json_message() {
    let too_many: serde_json::Map<String, Value> = (0..=100)
        .map(|i| (format!("q{i}"), json!({"query": "Audi"})))
        .collect();
    for (form, status, says) in [
        ("queries=%7B", 400, "not JSON"),
        ("queries=%5B%5D", 400, "JSON object"),
        (
            &format!("queries={}", encode(r#"{"q": {"limit": 3}}"#)) as &str,
            400,
            "neither",
        ),
        (
            &format!(
                "queries={}",
                encode(r#"{"q": {"query": "x", "props": []}}"#)
            ),
            400,
            "props",
        ),
        (
            &format!("queries={}", encode(&Value::Object(too_many).to_string())),
            413,
            "batch",
        ),
        ("queries=%7B%7D&extend=%7B%7D", 400, "not both"),
        ("extend=%7B%22ids%22%3A%5B%5D%7D", 400, "properties"),
        ("queries=%7B%7D&queries=%7B%7D", 400, "more than once"),
    ] {
        for reply in [reconcile_get(form).await, reconcile_post(form).await] {
            assert_eq!(reply.status, status, "{form}: {}", reply.body);
            let message = reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(message.contains(says), "{form}: {message}");
        }
    }
    let reply = send(
        Request::post("/reconcile")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 415);
    let reply = send(Request::delete("/reconcile").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, 405);
    assert!(reply.header("allow").contains("POST"));
    // An empty batch is a valid batch, with an empty answer.
    let reply = reconcile_post("queries=%7B%7D").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({}));
}

#[tokio::test]
async fn every_valid_example_batch_of_the_specification_is_answered_validly() {
    // Names and properties the graph does not hold give empty results, never errors.
    let dir = Path::new(EXAMPLES).join("reconciliation-query-batch/valid");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let reply = reconcile_post(&format!("queries={}", encode(&text))).await;
        assert_eq!(reply.status, 200, "{}: {}", path.display(), reply.body);
        assert_valid("reconciliation-result-batch", &reply.json());
    }
    let dir = Path::new(EXAMPLES).join("data-extension-query/valid");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let reply = reconcile_post(&format!("extend={}", encode(&text))).await;
        assert_eq!(reply.status, 200, "{}: {}", path.display(), reply.body);
        assert_valid("data-extension-response", &reply.json());
    }
}
