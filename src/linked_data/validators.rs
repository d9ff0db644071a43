//! Validators of documents that depend only on the data (dumps, VoID, Service Description):
//! a strong entity tag from the bytes, and times to the second as HTTP dates carry them.

use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A strong entity tag for `body`: the first 128 bits of its SHA-256, so equal bytes always get
/// the same tag, across restarts and instances.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `time` to the second, as HTTP dates carry it (so a date sent back compares equal).
pub fn whole_seconds(time: SystemTime) -> SystemTime {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    UNIX_EPOCH + Duration::from_secs(seconds)
}
