//! `drydock fault add|list|clear`: live drills against a running `drydock serve`, through
//! its control API. A rule is written as in a scenario's `fault:` step (YAML or JSON,
//! inline or in a file).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use drydock_core::faults::FaultRule;
use serde_json::Value;

use crate::control_token;
use crate::terminal_text::escaped;
use crate::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_PASSED};

#[derive(Debug, Args)]
pub struct FaultArgs {
    #[command(subcommand)]
    pub action: FaultAction,
    /// Control API of the running `drydock serve` (default: $DRYDOCK_CONTROL_URL, else
    /// the one `drydock serve` wrote to --serve-env, else http://127.0.0.1:4780).
    #[arg(long, global = true, env = "DRYDOCK_CONTROL_URL")]
    pub control: Option<String>,
    /// The world to act on (`drydock serve` prints its id).
    #[arg(long, global = true, default_value = "w1")]
    pub world: String,
    /// The control API's bearer token (default: $DRYDOCK_CONTROL_TOKEN, else the one
    /// `drydock serve` wrote to --serve-env).
    #[arg(
        long,
        alias = "control-token",
        global = true,
        env = "DRYDOCK_CONTROL_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// The env file `drydock serve` wrote, read for the token when none is given.
    #[arg(long, global = true, default_value = ".drydock/serve.env")]
    pub serve_env: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum FaultAction {
    /// Put a fault in force, e.g.
    /// `drydock fault add '{name: down, persona: easypost, effect: outage}'` or a file.
    Add {
        /// The rule as YAML/JSON, or the path of a file holding it.
        rule: String,
    },
    /// Show the faults in force and every time one fired.
    List,
    /// Take a fault out of force (or all of them with --all).
    Clear {
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
}

pub async fn fault(a: FaultArgs) -> u8 {
    let control = a
        .control
        .clone()
        .or_else(|| control_token::read_variable(&a.serve_env, control_token::URL_VARIABLE))
        .unwrap_or_else(|| control_token::DEFAULT_URL.to_string());
    let base = format!(
        "{}/worlds/{}/faults",
        control.trim_end_matches('/'),
        a.world
    );
    let client = reqwest::Client::new();
    let token = a
        .token
        .clone()
        .or_else(|| control_token::read_from_env_file(&a.serve_env));
    let with_token = |req: reqwest::RequestBuilder| match &token {
        Some(t) => req.bearer_auth(t),
        None => req,
    };
    let request = match &a.action {
        FaultAction::Add { rule } => {
            let rule = match read_rule(rule) {
                Ok(rule) => rule,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_BAD_INPUT;
                }
            };
            client.post(&base).json(&rule)
        }
        FaultAction::List => client.get(&base),
        FaultAction::Clear {
            name: Some(name), ..
        } => client.delete(format!("{base}/{name}")),
        FaultAction::Clear { all: true, .. } => client.delete(&base),
        FaultAction::Clear { .. } => {
            eprintln!("error: name the fault to clear, or pass --all");
            return EXIT_BAD_INPUT;
        }
    };
    let response = match with_token(request).send().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "error: cannot reach the control API at {}: {e}; is `drydock serve` running?",
                control
            );
            return EXIT_FAILED;
        }
    };
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let why = body["error"].as_str().unwrap_or("no reason given");
        eprintln!("error: the control API answered {status}: {why}");
        if status == reqwest::StatusCode::UNAUTHORIZED {
            eprintln!("{}", token_hint(&a, token.is_some()));
        }
        return EXIT_FAILED;
    }
    match a.action {
        FaultAction::List => print_list(&body),
        _ => println!("{body}"),
    }
    EXIT_PASSED
}

/// What to do when the control API refuses the token (or its absence).
fn token_hint(a: &FaultArgs, had_token: bool) -> String {
    let sources = format!(
        "pass --token <token>, set {var}, or run from the folder where `drydock serve` wrote {file} (or point --serve-env at it)",
        var = control_token::TOKEN_VARIABLE,
        file = a.serve_env.display()
    );
    if had_token {
        format!("hint: the token sent is not the one this `drydock serve` printed; {sources}")
    } else {
        format!("hint: no control token was found; {sources}")
    }
}

/// A rule from inline YAML/JSON or a file, checked before it is sent.
fn read_rule(text_or_path: &str) -> Result<FaultRule, String> {
    let path = Path::new(text_or_path);
    let text = if path.is_file() {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    } else {
        text_or_path.to_string()
    };
    let rule: FaultRule = serde_saphyr::from_str(&text).map_err(|e| {
        format!("the fault rule does not parse: {e}\nhint: write it as in a scenario's `fault:` step, e.g. '{{name: down, persona: easypost, effect: outage}}'")
    })?;
    let problems = rule.problems();
    if problems.is_empty() {
        Ok(rule)
    } else {
        Err(format!("fault `{}`: {}", rule.name, problems.join("; ")))
    }
}

fn print_list(body: &Value) {
    let active = body["active"].as_array().cloned().unwrap_or_default();
    if active.is_empty() {
        println!("no faults in force");
    }
    for a in &active {
        let rule = &a["rule"];
        println!(
            "{:<24} {:<9} {:<22} seen {:>4}  fired {:>4}  when {}",
            escaped(rule["name"].as_str().unwrap_or("?")),
            rule["node"]
                .as_str()
                .or(rule["persona"].as_str())
                .unwrap_or("?"),
            rule["effect"].as_str().unwrap_or("?"),
            a["seen"],
            a["fired"],
            rule["when"]
        );
    }
    let fired = body["fired"].as_array().cloned().unwrap_or_default();
    if !fired.is_empty() {
        println!("\nfired ({}):", fired.len());
        for f in fired.iter().rev().take(20).rev() {
            println!(
                "  {}  {:<20} {:<22} {}",
                f["at"].as_str().unwrap_or("?"),
                escaped(f["rule"].as_str().unwrap_or("?")),
                f["effect"].as_str().unwrap_or("?"),
                escaped(f["target"].as_str().unwrap_or("?"))
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_rule;

    #[test]
    fn an_inline_rule_is_read_and_checked() {
        let rule = read_rule("{name: down, persona: easypost, effect: outage, when: {first: 2}}")
            .expect("a valid rule");
        assert_eq!(rule.name, "down");
        let unknown =
            read_rule("{name: x, persona: ups, effect: outrage}").expect_err("no outrage");
        assert!(unknown.contains("does not parse"), "{unknown}");
        assert!(unknown.contains("hint:"), "{unknown}");
        let wrong =
            read_rule("{name: x, persona: shopify, effect: latency, delay: 1s, status: 503}")
                .expect_err("a status is not a latency's");
        assert!(
            wrong.contains("`status` does not apply to `latency`"),
            "{wrong}"
        );
        let slow = read_rule("{name: x, persona: shopify, effect: latency, delay: 1m}")
            .expect_err("a minute of latency");
        assert!(slow.contains("at most 30s"), "{slow}");
    }
}
