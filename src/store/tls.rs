//! What the service trusts when it is an HTTPS client (SERVICE calls to `--federate` endpoints,
//! `--sparql-endpoint`): the system's certificate store plus the PEM bundles the operator adds
//! with `--ca-file`, and the one way to build an HTTP client with that trust ([`Trust::agent`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// Why the trust could not be set up (at start-up only).
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("--ca-file {path}: cannot be read: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--ca-file {path}: {detail}")]
    BadBundle { path: PathBuf, detail: String },
}

/// The root certificates outgoing HTTPS connections are verified against. Cheap to clone.
#[derive(Clone)]
pub struct Trust {
    roots: Arc<Vec<Certificate<'static>>>,
    /// How many of `roots` came from the system store (the rest from `--ca-file`), for the log.
    system: usize,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust")
            .field("system_roots", &self.system)
            .field("added_roots", &(self.roots.len() - self.system))
            .finish()
    }
}

impl Default for Trust {
    /// The system's store alone, read once per process.
    fn default() -> Self {
        static SYSTEM: OnceLock<Trust> = OnceLock::new();
        SYSTEM
            .get_or_init(|| {
                let roots = system_roots();
                Trust {
                    system: roots.len(),
                    roots: Arc::new(roots),
                }
            })
            .clone()
    }
}

/// The system's certificates, found as OpenSSL finds them (on Debian `/etc/ssl/certs`), so
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` name the store instead, as they do for curl. Files that
/// cannot be read are logged, not fatal: the other certificates still work, and an endpoint
/// whose issuer is missing gets a certificate error that names it.
fn system_roots() -> Vec<Certificate<'static>> {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::warn!(%error, "reading the system's certificate store");
    }
    found
        .certs
        .into_iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect()
}

impl Trust {
    /// The system's store plus every certificate of the PEM bundles `files`. A bundle that
    /// cannot be read or holds no certificate stops the start-up: the operator asked for it.
    pub fn with_bundles(files: &[PathBuf]) -> Result<Self, TrustError> {
        let mut trust = Self::default();
        if files.is_empty() {
            return Ok(trust);
        }
        let mut roots = trust.roots.as_ref().clone();
        for file in files {
            roots.extend(read_bundle(file)?);
        }
        trust.roots = Arc::new(roots);
        Ok(trust)
    }

    /// Only the certificates of `pem` (for tests: a certificate authority made on the spot).
    pub fn from_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let roots = parse_bundle(Path::new("(in memory)"), pem)?;
        Ok(Self {
            roots: Arc::new(roots),
            system: 0,
        })
    }

    /// An HTTP client that verifies servers against this trust, follows no redirect (the
    /// operator named the endpoint; a redirect elsewhere is not followed silently), hands
    /// error statuses back as responses, and gives up after `timeout`.
    pub fn agent(&self, timeout: Option<Duration>) -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(timeout)
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("factgraph/", env!("CARGO_PKG_VERSION")))
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::Specific(Arc::clone(&self.roots)))
                    .build(),
            )
            .build()
            .into()
    }
}

fn read_bundle(path: &Path) -> Result<Vec<Certificate<'static>>, TrustError> {
    let pem = std::fs::read(path).map_err(|source| TrustError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    parse_bundle(path, &pem)
}

fn parse_bundle(path: &Path, pem: &[u8]) -> Result<Vec<Certificate<'static>>, TrustError> {
    let bad = |detail: String| TrustError::BadBundle {
        path: path.to_owned(),
        detail,
    };
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(certificate)) => certificates.push(certificate),
            // A bundle may hold other things (a key next to the certificate); they are not trust.
            Ok(_) => {}
            Err(e) => return Err(bad(format!("is not a PEM bundle: {e}"))),
        }
    }
    if certificates.is_empty() {
        return Err(bad(
            "holds no certificate (expected PEM blocks \"-----BEGIN CERTIFICATE-----\")".to_owned(),
        ));
    }
    Ok(certificates)
}

/// Says why an endpoint could not be reached, in words an operator can act on: a certificate
/// the trust does not accept is named as such, with what to do about it.
pub fn describe(error: &ureq::Error) -> String {
    let certificate = match error {
        ureq::Error::Rustls(rustls::Error::InvalidCertificate(e)) => Some(format!("{e:?}")),
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .and_then(|e| match e {
                rustls::Error::InvalidCertificate(e) => Some(format!("{e:?}")),
                _ => None,
            }),
        _ => None,
    };
    match certificate {
        Some(reason) => format!(
            "its TLS certificate was refused ({reason}); the service trusts the system's \
             certificate store (or SSL_CERT_FILE) plus --ca-file"
        ),
        None => format!("could not be reached: {error}"),
    }
}
