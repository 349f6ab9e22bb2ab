//! `drydock serve`: one world on fixed loopback ports plus the control API, until Ctrl-C.
//! Prints every node (role, id, provider, URL) and writes the integration's environment
//! and the world's manifest (`world.json`) beside it.

use std::sync::Arc;

use drydock_runner::files;
use drydock_scenario::parse_scenario_with;
use drydock_simulator::control::{self, ControlState};
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::listen::bind_loopback;
use drydock_simulator::refusal::Dialect;
use drydock_simulator::serving;
use drydock_simulator::{PortPlan, Simulator};

use drydock_runner::endpoint::{PROJECT_DIR, Project, WORLD_FILE, write_manifest};

use crate::args::ServeArgs;
use crate::control_token;
use crate::{EXIT_BAD_INPUT, EXIT_PASSED};

pub async fn serve(a: ServeArgs) -> u8 {
    let spec = match &a.world {
        None => default_world(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return EXIT_BAD_INPUT;
                }
            };
            let providers = drydock_runner::providers::node_providers();
            match parse_scenario_with(&path.display().to_string(), &text, &providers) {
                Ok(s) => s.world_spec(),
                Err(e) => {
                    eprintln!("{:?}", miette::Report::new(e));
                    return EXIT_BAD_INPUT;
                }
            }
        }
    };
    let token = match (&a.control_token, a.no_control_token) {
        (_, true) => None,
        (Some(token), false) => Some(token.clone()),
        (None, false) => match control_token::generate() {
            Ok(token) => Some(token),
            Err(e) => {
                eprintln!("error: {e}; pass one with --control-token");
                return EXIT_BAD_INPUT;
            }
        },
    };
    let simulator = Simulator::new();
    let ports = PortPlan::Base(a.port_base);
    // The project's credentials, as every world of `drydock run --endpoint` has them.
    let settings = WorldSettings {
        webhook_targets: a.webhooks.targets(),
        ..serve_settings()
    };
    let settings = match Project::at(PROJECT_DIR).world_settings(settings) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let world = match simulator.create_world(&spec, ports, settings).await {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}\n  hint: {PORT_HINT}");
            return EXIT_BAD_INPUT;
        }
    };
    let state = ControlState::new(Arc::clone(&simulator), token.clone())
        .with_max_worlds(usize::from(a.max_worlds))
        .with_webhook_targets(a.webhooks.targets());
    let app = control::router(state);
    let port = a
        .sut_url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or(8080);
    let env = world.sut_env(&a.sut_url, port);
    let env_text: String = env
        .iter()
        .map(|(k, v)| control_token::env_line(k, v))
        .collect();
    let token_line = token
        .as_deref()
        .map(|t| control_token::env_line(control_token::TOKEN_VARIABLE, t))
        .unwrap_or_default();
    // `drydock fault` finds the control API here, whatever --port-base was.
    let control_line = control_token::env_line(
        control_token::URL_VARIABLE,
        &format!("http://127.0.0.1:{}", a.port_base),
    );
    let token_line = format!("{control_line}{token_line}");
    if let Some(dir) = a.env_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    // Owner-only from the start: it holds the control token and every credential.
    let written = files::write_privately(&a.env_file, format!("{env_text}{token_line}").as_bytes());
    if let Err(e) = written {
        eprintln!("warning: cannot write {}: {e}", a.env_file.display());
    }
    // The manifest beside it, for integrations that discover their nodes from a file.
    let manifest_file = a.env_file.with_file_name(WORLD_FILE);
    if let Err(e) = write_manifest(&manifest_file, &world, &a.sut_url) {
        eprintln!("warning: {e}");
    }
    if a.env_only {
        world.shut_down();
        eprint!("{}", node_lines(&world));
        eprintln!(
            "wrote {} and {}; start your integration from it, then `drydock run --endpoint URL --port-base {}`",
            a.env_file.display(),
            manifest_file.display(),
            a.port_base
        );
        return EXIT_PASSED;
    }
    let listener = match bind_loopback(ports.control(), "the control API").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}\n  hint: {PORT_HINT}");
            return EXIT_BAD_INPUT;
        }
    };
    println!("drydock simulator — world {} ({})", world.id, spec.name);
    println!(
        "  control API  http://127.0.0.1:{}  (POST /worlds/{}/clock/advance, GET /worlds/{}/state, ...)",
        ports.control(),
        world.id,
        world.id
    );
    match &token {
        Some(t) => println!(
            "  control token {t}  (send Authorization: Bearer <token>; also {} in {})",
            control_token::TOKEN_VARIABLE,
            a.env_file.display()
        ),
        None => eprintln!(
            "warning: --no-control-token: the control API is open to every local process (it can read every credential and delete the world)"
        ),
    }
    print!("{}", node_lines(&world));
    println!();
    println!(
        "Environment for your integration (also written to {}):",
        a.env_file.display()
    );
    print!("{env_text}");
    println!();
    println!("Press Ctrl-C to stop.");
    let limits = drydock_simulator::ConnectionLimits::default();
    let server = serving::serve(listener, app, Dialect::Control, limits);
    tokio::select! {
        () = server => {}
        () = crate::signals::received() => {}
    }
    world.shut_down();
    EXIT_PASSED
}

/// One line per node: its role, id, provider and URL.
fn node_lines(world: &drydock_simulator::WorldHandle) -> String {
    let rows: Vec<[&str; 4]> = world
        .personas
        .iter()
        .map(|p| {
            let provider = p.provider();
            [
                provider.role().as_str(),
                p.node.as_str(),
                provider.name(),
                &p.url,
            ]
        })
        .collect();
    // Columns as wide as their longest value, so every URL starts in one column.
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (role, id, provider) = (width(0), width(1), width(2));
    rows.iter()
        .map(|r| {
            format!(
                "  {:<role$}  {:<id$}  {:<provider$}  {}\n",
                r[0], r[1], r[2], r[3]
            )
        })
        .collect()
}

/// What to check when a port is taken.
pub const PORT_HINT: &str = "is `drydock serve` or `drydock run --endpoint` still running on it? \
Stop it, or choose other ports with --port-base";

/// A served world runs for hours: its journal is kept in `.drydock/journal/`.
fn serve_settings() -> WorldSettings {
    WorldSettings {
        journal_dir: Some(std::path::PathBuf::from(".drydock").join("journal")),
        ..WorldSettings::default()
    }
}

/// The world `drydock serve` starts with when no scenario is named.
fn default_world() -> drydock_core::WorldSpec {
    use drydock_core::spec::ProductSpec;
    drydock_core::WorldSpec {
        name: "serve".into(),
        seed: 1,
        catalog: vec![
            ProductSpec {
                sku: "MUG-BLUE".into(),
                title: "Blue enamel mug".into(),
                price_cents: 1400,
                weight_oz: 12,
                stock: 50,
            },
            ProductSpec {
                sku: "TEE-M".into(),
                title: "Logo tee, medium".into(),
                price_cents: 2500,
                weight_oz: 6,
                stock: 40,
            },
        ],
        ..drydock_core::WorldSpec::default()
    }
}
