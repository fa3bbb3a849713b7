//! PostgreSQL notifications (`LISTEN`) on a connection of their own, kept open while its
//! listener wants it: reconnecting after 1 s, then up to 30 s apart while it keeps failing.

use std::time::Duration;

use futures_util::StreamExt;

/// What a `LISTEN` connection tells.
pub trait Listener: Send + Sync + 'static {
    /// Whether to go on listening (checked every few seconds and before reconnecting).
    fn alive(&self) -> bool;
    /// The connection listens: notifications from now on are heard.
    fn up(&self);
    /// One notification's payload.
    fn heard(&self, payload: &str);
    /// The connection is lost (or could not be made): notifications may be missed until
    /// `up` again. `first` says whether this is a fresh problem, worth saying once.
    fn down(&self, error: Option<&tokio_postgres::Error>, first: bool);
}

/// Listens on `channel` for `listener` until it is no longer alive.
pub async fn listen(database_url: String, channel: &'static str, listener: impl Listener) {
    let mut pause = Duration::from_secs(1);
    while listener.alive() {
        let started = tokio::time::Instant::now();
        let outcome = listen_once(&listener, &database_url, channel).await;
        if started.elapsed() > Duration::from_secs(60) {
            // It worked for a while: a fresh problem, said once, retried soon.
            pause = Duration::from_secs(1);
        }
        listener.down(outcome.as_ref().err(), pause == Duration::from_secs(1));
        if !listener.alive() {
            return;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

async fn listen_once(
    listener: &impl Listener,
    database_url: &str,
    channel: &str,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) =
        tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let statement = format!("LISTEN {channel}");
    let listen = client.batch_execute(&statement);
    tokio::pin!(listen);
    // Drive the connection while LISTEN runs; then hear notifications until it ends.
    loop {
        tokio::select! {
            done = &mut listen => { done?; break; }
            message = messages.next() => match message {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
        }
    }
    listener.up();
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            message = messages.next() => match message {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => listener.heard(n.payload()),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            _ = tick.tick() => {
                if !listener.alive() {
                    return Ok(());
                }
            }
        }
    }
}
