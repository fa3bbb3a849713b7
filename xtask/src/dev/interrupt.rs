//! Ctrl-C (SIGINT), SIGTERM and SIGHUP during `cargo xtask dev`: xtask does not die of
//! them; the child it waits on (the build, the gateway) gets SIGTERM, and `dev` cleans up.

use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::process::sigterm;

/// How long a child has to stop after SIGTERM before it is killed.
const GRACE: Duration = Duration::from_secs(15);

#[derive(Default)]
struct State {
    requested: AtomicBool,
    /// The child being waited on; reaped only under this lock, so a signal never
    /// reaches a process that took over its pid.
    running: Mutex<Option<Child>>,
}

impl State {
    fn running(&self) -> MutexGuard<'_, Option<Child>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop_running(&self, running: &Option<Child>) {
        if let Some(child) = running {
            sigterm(child.id());
        }
    }
}

pub struct Interrupt {
    state: Arc<State>,
}

impl Interrupt {
    /// Takes over the three signals for the rest of the process.
    pub fn install() -> Result<Self> {
        let state = Arc::new(State::default());
        let handler = Arc::clone(&state);
        ctrlc::set_handler(move || {
            handler.requested.store(true, Ordering::SeqCst);
            handler.stop_running(&handler.running());
        })
        .context("handling Ctrl-C")?;
        Ok(Self { state })
    }

    /// Whether a signal asked `dev` to stop.
    pub fn requested(&self) -> bool {
        self.state.requested.load(Ordering::SeqCst)
    }

    /// Runs `command` until it exits; a signal meanwhile sends it SIGTERM.
    pub fn run(&self, command: &mut Command) -> Result<ExitStatus> {
        let child = command.spawn()?;
        self.wait(child)
    }

    /// Waits for `child` (started by us); a signal meanwhile sends it SIGTERM, and
    /// SIGKILL if it is still there `GRACE` later.
    pub fn wait(&self, child: Child) -> Result<ExitStatus> {
        {
            let mut running = self.state.running();
            *running = Some(child);
            // A signal that came before the child was in place.
            if self.requested() {
                self.state.stop_running(&running);
            }
        }
        let mut killed_at = None;
        loop {
            {
                let mut running = self.state.running();
                let child = running.as_mut().context("the child is gone")?;
                if let Some(status) = child.try_wait()? {
                    *running = None;
                    return Ok(status);
                }
                if self.requested()
                    && Instant::now() > *killed_at.get_or_insert_with(|| Instant::now() + GRACE)
                {
                    child.kill()?;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
