//! Running a program with its stdout on a pseudo-terminal, as a person at a
//! terminal would see it (Unix only).
//!
//! The pseudo-terminal comes from `rustix` (`openpt`, `grantpt`,
//! `unlockpt`, `ptsname`: POSIX, no C code, already in the lock file
//! through `tempfile`); the child gets the terminal's other end as its
//! stdout, stdin is empty and stderr a pipe.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

/// What a run on a terminal showed: exit status, the terminal's text (its
/// `\r\n` made `\n`), and stderr.
#[derive(Debug)]
pub struct TerminalRun {
    pub code: i32,
    pub screen: String,
    pub stderr: String,
}

/// Runs `program args` in `cwd` with stdout on a new pseudo-terminal and
/// the environment changed by `env` (`Some`: set, `None`: removed); waits
/// for it to end and for its output, at most `timeout`.
pub fn run_on_terminal(
    program: &Path,
    args: &[&str],
    cwd: &Path,
    env: &[(&str, Option<&str>)],
    timeout: Duration,
) -> TerminalRun {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
    grantpt(&master).expect("grantpt");
    unlockpt(&master).expect("unlockpt");
    let name = ptsname(&master, Vec::new()).expect("ptsname");
    let name = name.to_str().expect("a UTF-8 terminal name").to_string();
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&name)
        .expect("the terminal's other end");

    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped());
    for (key, value) in env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let mut child = command.spawn().expect("the program runs");
    // The child holds the only other end now: when it ends, reads see EOF (EIO).
    drop(command);

    let (sender, receiver) = mpsc::channel();
    let mut master = std::fs::File::from(master);
    std::thread::spawn(move || {
        let mut screen = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            match master.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => screen.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = sender.send(screen);
    });
    let screen = match receiver.recv_timeout(timeout) {
        Ok(screen) => screen,
        Err(_) => {
            let _ = child.kill();
            panic!("{} did not finish within {timeout:?}", program.display());
        }
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let status = child.wait().expect("the program ends");
    TerminalRun {
        code: status.code().unwrap_or(-1),
        screen: String::from_utf8_lossy(&screen).replace("\r\n", "\n"),
        stderr,
    }
}
