//! Where drydock's own log (tracing) goes. By default to `.drydock/logs/drydock.log`,
//! never the terminal: a passing run prints only its results. `-v` sends info to standard
//! error, `-vv` debug. `DRYDOCK_LOG` (an `EnvFilter`, e.g. `warn,drydock_runner=debug`)
//! overrides the level wherever the log goes. Colour only on a terminal without
//! `NO_COLOR`; the file never gets colour codes.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::args::Command;

/// Where the log file lives, relative to the directory drydock runs in.
pub const LOG_FILE: &str = ".drydock/logs/drydock.log";

/// Installs the global subscriber for this process.
pub fn init(verbose: u8, command: &Command) {
    let level = match verbose {
        0 => default_level(command),
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("DRYDOCK_LOG").unwrap_or_else(|_| level.into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if verbose > 0 {
        builder
            .with_ansi(crate::print::colour_on(&io::stderr()))
            .with_writer(io::stderr)
            .init();
    } else {
        builder
            .with_ansi(false)
            .with_writer(Mutex::new(LazyFile::new(PathBuf::from(LOG_FILE))))
            .init();
    }
}

/// A fuzz run makes the embedded integration refuse thousands of addresses on purpose:
/// its warnings would bury the log.
fn default_level(command: &Command) -> &'static str {
    match command {
        Command::Fuzz(_) => "warn,drydock_reference=off",
        _ => "warn",
    }
}

/// The log file, created (with its directory) only when something is logged, so that
/// `drydock schema` or `drydock init` leave no `.drydock/` behind. Appends: `drydock
/// serve` and `drydock fault` may share a directory. If it cannot be written, lines are
/// dropped rather than mixed into the results.
struct LazyFile {
    path: PathBuf,
    file: Option<File>,
    failed: bool,
}

impl LazyFile {
    fn new(path: PathBuf) -> LazyFile {
        LazyFile {
            path,
            file: None,
            failed: false,
        }
    }

    fn open(&mut self) -> Option<&mut File> {
        if self.file.is_none() && !self.failed {
            let opened = self
                .path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| {
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&self.path)
                });
            match opened {
                Ok(f) => self.file = Some(f),
                Err(_) => self.failed = true,
            }
        }
        self.file.as_mut()
    }
}

impl Write for LazyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.open() {
            Some(f) => f.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}
