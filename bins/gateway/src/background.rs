//! The gateway's background tasks (audit retention, the webhook deliverer): started with
//! the server, and ended when its last worker drops the state that holds them.

use std::sync::{Arc, Mutex};

use tokio::task::AbortHandle;

/// The running tasks; dropping the last clone of the `Arc` aborts them.
#[derive(Default)]
pub struct BackgroundTasks(Mutex<Vec<AbortHandle>>);

impl BackgroundTasks {
    /// Spawns `task` on the current runtime, to run until these tasks are dropped.
    pub fn spawn(self: &Arc<Self>, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task).abort_handle();
        if let Ok(mut tasks) = self.0.lock() {
            tasks.push(handle);
        }
    }
}

impl Drop for BackgroundTasks {
    fn drop(&mut self) {
        let tasks = self.0.get_mut().map(std::mem::take).unwrap_or_default();
        for task in tasks {
            task.abort();
        }
    }
}
