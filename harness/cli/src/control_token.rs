//! The control API's address and bearer token: `drydock serve` makes the token from OS
//! randomness and writes both to `.drydock/serve.env`; `drydock fault` finds them again
//! (flag, environment, then that file).

use std::path::Path;

/// The variable the token is written and read under.
pub const TOKEN_VARIABLE: &str = "DRYDOCK_CONTROL_TOKEN";
/// The variable the control API's URL is written and read under.
pub const URL_VARIABLE: &str = "DRYDOCK_CONTROL_URL";
/// Where `drydock fault` looks when neither a flag, the environment nor the env file
/// says (`drydock serve`'s default `--port-base`).
pub const DEFAULT_URL: &str = "http://127.0.0.1:4780";

/// A fresh token: 32 random bytes as hex.
pub fn generate() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("cannot get randomness from the OS for the control token: {e}"))?;
    Ok(hex::encode(bytes))
}

/// `KEY='value'` lines as `drydock serve` writes them (single quotes, `'\''` for a quote).
pub fn env_line(key: &str, value: &str) -> String {
    format!("{key}='{}'\n", value.replace('\'', "'\\''"))
}

/// The token in an env file written by `drydock serve`, if it holds one.
pub fn read_from_env_file(path: &Path) -> Option<String> {
    read_variable(path, TOKEN_VARIABLE)
}

/// A variable of an env file written by `drydock serve`, if it holds one.
pub fn read_variable(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix('=')?;
        let value = value.trim();
        let value = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .map(|v| v.replace("'\\''", "'"))
            .unwrap_or_else(|| value.to_string());
        (!value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_read_back_from_the_env_file() {
        let a = generate().expect("token");
        assert_eq!(a.len(), 64);
        assert_ne!(a, generate().expect("token"));
        let dir = std::env::temp_dir().join(format!("drydock-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("serve.env");
        let text = format!("PORT='8080'\n{}", env_line(TOKEN_VARIABLE, "it's"));
        std::fs::write(&path, text).expect("env file");
        assert_eq!(read_from_env_file(&path).as_deref(), Some("it's"));
        std::fs::write(&path, "PORT='8080'\n").expect("env file");
        assert_eq!(read_from_env_file(&path), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
