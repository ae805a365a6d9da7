//! The state file: signing keys and users kept across restarts, as JSON.

use crate::clock::UnixTime;
use crate::ids::{b64, from_b64};
use crate::keys::SigningKey;
use crate::store::User;
use serde::{Deserialize, Serialize};
use std::path::Path;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct FileContents {
    version: u32,
    /// Published keys; the first signs.
    keys: Vec<StoredKey>,
    users: Vec<User>,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    kid: String,
    created_at: UnixTime,
    /// PKCS#8 PEM.
    private_key: String,
    /// DER, base64.
    certificate: String,
}

/// What a state file holds.
pub(crate) struct Saved {
    pub(crate) keys: Vec<SigningKey>,
    pub(crate) users: Vec<User>,
}

/// Reads `path`; `Ok(None)` when it does not exist yet.
pub(crate) fn load(path: &Path) -> Result<Option<Saved>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let contents: FileContents = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a dev-tenant state file: {e}", path.display()))?;
    if contents.version != VERSION {
        return Err(format!(
            "{} has version {}, expected {VERSION}; delete it to start afresh",
            path.display(),
            contents.version
        ));
    }
    let mut keys = Vec::new();
    for stored in contents.keys {
        let certificate = from_b64(&stored.certificate).ok_or_else(|| {
            format!(
                "{}: key {} has a bad certificate",
                path.display(),
                stored.kid
            )
        })?;
        let key = SigningKey::from_stored(&stored.private_key, certificate, stored.created_at)
            .map_err(|e| format!("{}: key {}: {e}", path.display(), stored.kid))?;
        keys.push(key);
    }
    Ok(Some(Saved {
        keys,
        users: contents.users,
    }))
}

/// Writes `path` whole (through a temporary file and a rename, so that a crash leaves the old or the new file).
pub(crate) fn save(path: &Path, keys: &[SigningKey], users: &[User]) -> Result<(), String> {
    let contents = FileContents {
        version: VERSION,
        keys: keys
            .iter()
            .map(|k| StoredKey {
                kid: k.kid().to_string(),
                created_at: k.created_at(),
                private_key: k.private_pkcs8_pem().to_string(),
                certificate: b64(k.certificate_der()),
            })
            .collect(),
        users: users.to_vec(),
    };
    let text = serde_json::to_string_pretty(&contents)
        .map_err(|e| format!("cannot encode the state: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    write_private(&tmp, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes a file only its owner may read (it holds private keys).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}
