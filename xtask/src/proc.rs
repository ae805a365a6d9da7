//! Running child processes: timed steps, timeouts, captured output.

use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A failed step, with a message that says what went wrong and what to do.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `body` as a named step, printing its name first and its duration after.
pub fn step<T>(name: &str, body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    println!("==> {name}");
    let start = Instant::now();
    let result = body();
    let took = start.elapsed().as_secs_f64();
    match &result {
        Ok(_) => println!("    done: {name} ({took:.1}s)"),
        Err(e) => println!("    FAILED: {name} ({took:.1}s): {e}"),
    }
    result
}

fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs `cmd` with its output shown and no standard input; fails on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result<(), Failure> {
    run_with_timeout(cmd, Duration::from_secs(24 * 3600))
}

/// Like [`run`], but kills the command (and fails) when it runs longer than `limit`.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Result<(), Failure> {
    let shown = describe(cmd);
    println!("    $ {shown}");
    let mut child = cmd
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot start `{shown}`: {e}")))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(Failure::new(format!("`{shown}` failed ({status})"))),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::new(format!(
                    "`{shown}` did not finish within {}s and was stopped",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(Failure::new(format!("waiting for `{shown}`: {e}"))),
        }
    }
}

/// Runs `cmd` quietly and returns its standard output; fails on a non-zero exit.
pub fn run_capture(cmd: &mut Command) -> Result<String, Failure> {
    let shown = describe(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| Failure::new(format!("cannot start `{shown}`: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(format!("`{shown}` failed ({})", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first executable called `program` on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
