//! Creates of App users by email, gathered: the creates that wait for a writer's turn
//! (`Config::db_writers`) are added together, in one statement, by whichever of them gets
//! a turn first (`roster_identity::users::create_many_by_email`: the users, their mail,
//! their events and the answers of their idempotency keys in one statement, so that an
//! idempotent create's answer is durable with it and needs no write of its own after it,
//! see `crate::idempotency::Claimed`). The statement triggers
//! on users (counters, words) and PostgreSQL's start and end of a statement then run once
//! for the lot: pgbench here adds 3,000 users a second one by one and 4,700 four at a
//! time, with four clients. A batch that fails (a duplicate email, the same email twice)
//! adds no one; its users are then added one by one, each getting its own answer.
//!
//! A batch runs in a task of its own, so that a client that goes away (its request
//! dropped) does not cancel the others' writes; each create is answered from that task,
//! and its event is emitted in the context (request id, actor) of its own request.

use std::sync::Mutex;

use actix_web::HttpResponse;
use roster_core::error::DomainResult;
use roster_core::events::EventContext;
use roster_core::DomainError;
use roster_identity::users::{self, Created, Gathered, MakeAnswer, NewUser, User};
use roster_identity::OrgId;
use tokio::sync::{oneshot, OwnedSemaphorePermit};

use super::Writer;
use crate::idempotency::Claimed;

/// The most creates one statement adds.
pub const MAX_BATCH: usize = 32;

/// A create waiting for a turn.
struct Pending {
    /// Tells it from the others in the queue (see `Waiting`).
    ticket: u64,
    org_id: OrgId,
    new: NewUser,
    context: EventContext,
    /// The answer its request's idempotency key keeps, if it has one.
    answer: Option<Box<MakeAnswer>>,
    reply: oneshot::Sender<DomainResult<Created>>,
}

/// This worker's creates waiting for a turn.
#[derive(Default)]
pub(super) struct CreateQueue {
    pending: Mutex<Vec<Pending>>,
    tickets: std::sync::atomic::AtomicU64,
}

impl CreateQueue {
    fn push(&self, pending: Pending) {
        self.lock().push(pending);
    }

    fn ticket(&self) -> u64 {
        self.tickets
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Takes a create out of the queue if no batch has taken it yet.
    fn withdraw(&self, ticket: u64) {
        self.lock().retain(|p| p.ticket != ticket);
    }

    /// Up to `MAX_BATCH` of the waiting creates, oldest first.
    fn take(&self) -> Vec<Pending> {
        let mut pending = self.lock();
        let n = pending.len().min(MAX_BATCH);
        pending.drain(..n).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        // Nothing panics while the lock is held (pushes and drains); a poisoned queue is
        // still a valid Vec.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Writer {
    /// Adds a user to an org: by email, gathered with the other creates waiting for a
    /// turn; for an existing account (`account_id`), on its own. With `render` (how the
    /// request answers the user), a create by email whose request claimed an idempotency
    /// key stores the key's answer in its own statement.
    pub async fn create_user(
        &self,
        org_id: &OrgId,
        new: NewUser,
        render: Option<fn(&User) -> HttpResponse>,
    ) -> DomainResult<User> {
        if new.account_id.is_some() {
            let mut conn = self.conn().await.map_err(|e| e.0)?;
            return users::create(&mut conn, org_id, new).await;
        }
        let claimed = render.and_then(|render| Claimed::current().map(|c| (c, render)));
        let answer = claimed
            .as_ref()
            .map(|(c, render)| Box::new(c.answer_with(*render)) as Box<MakeAnswer>);
        let created = self.gathered(org_id, new, answer).await?;
        if let (true, Some((claimed, _))) = (created.answered, claimed) {
            claimed.stored();
        }
        Ok(created.user)
    }

    /// A create by email, added with whichever batch takes it.
    async fn gathered(
        &self,
        org_id: &OrgId,
        new: NewUser,
        answer: Option<Box<MakeAnswer>>,
    ) -> DomainResult<Created> {
        let (reply, mut answered) = oneshot::channel();
        let ticket = self.creates.ticket();
        // A request dropped (its client gone) before a batch took its create withdraws
        // it: a create is added only while its request waits for the answer, or once a
        // batch holding it is under way.
        let _waiting = Waiting {
            queue: &self.creates,
            ticket,
        };
        self.creates.push(Pending {
            ticket,
            org_id: org_id.clone(),
            new,
            context: EventContext::current(),
            answer,
            reply,
        });
        let dropped = || DomainError::internal_msg("a gathered create was dropped unanswered");
        loop {
            tokio::select! {
                biased;
                done = &mut answered => return done.map_err(|_| dropped())?,
                turn = self.turn() => {
                    let turn = turn.map_err(|e| e.0)?;
                    let batch = self.creates.take();
                    if batch.is_empty() {
                        // This create is in a batch already under way.
                        drop(turn);
                        return answered.await.map_err(|_| dropped())?;
                    }
                    let writer = self.clone();
                    actix_web::rt::spawn(async move {
                        let announcer = writer.announcer.clone();
                        announcer.scope(writer.add_batch(turn, batch)).await
                    });
                }
            }
        }
    }

    /// Adds `batch` with the turn held (one statement, a batch of one included), then
    /// answers each create. When the batch cannot be added so (a duplicate, an account to
    /// reclaim first, a connection that cannot be had), each create is added alone, in a
    /// transaction of its own, with its own answer (its key's answer then stored after).
    async fn add_batch(&self, _turn: OwnedSemaphorePermit, batch: Vec<Pending>) {
        if let Ok(mut conn) = self.pooled().await {
            let items: Vec<Gathered<'_>> = batch
                .iter()
                .map(|p| Gathered {
                    org_id: &p.org_id,
                    new: &p.new,
                    context: &p.context,
                    answer: p.answer.as_deref(),
                })
                .collect();
            if let Ok(added) = users::create_many_by_email(&mut conn, &items).await {
                for (pending, created) in batch.into_iter().zip(added) {
                    let _ = pending.reply.send(Ok(created));
                }
                return;
            }
        }
        for pending in batch {
            let answer = pending
                .context
                .scope(async {
                    let mut conn = self.pooled().await.map_err(|e| e.0)?;
                    let user = users::create(&mut conn, &pending.org_id, pending.new).await?;
                    Ok(Created {
                        user,
                        answered: false,
                    })
                })
                .await;
            let _ = pending.reply.send(answer);
        }
    }
}

/// Withdraws its create from the queue when dropped (a no-op once a batch took it).
struct Waiting<'a> {
    queue: &'a CreateQueue,
    ticket: u64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.queue.withdraw(self.ticket);
    }
}

#[cfg(test)]
mod tests {
    use roster_core::text::Email;
    use roster_identity::users::NewUser;
    use roster_identity::{OrgId, Role};
    use tokio::sync::oneshot;

    use super::{CreateQueue, Pending, MAX_BATCH};

    fn push(queue: &CreateQueue) -> u64 {
        let ticket = queue.ticket();
        let (reply, _) = oneshot::channel();
        queue.push(Pending {
            ticket,
            org_id: OrgId::parse("org_0000000000000001").unwrap(),
            new: NewUser {
                account_id: None,
                role: Role::AppMember,
                email: Email::parse("email", &format!("u{ticket}@acme.test")).unwrap(),
                name: "U".into(),
                given_name: None,
                family_name: None,
                job_position_name: None,
                job_position_description: None,
                metadata: Default::default(),
            },
            context: roster_core::events::EventContext::default(),
            answer: None,
            reply,
        });
        ticket
    }

    #[test]
    fn batches_are_taken_oldest_first_at_most_max_batch_and_withdrawn_creates_are_not() {
        let queue = CreateQueue::default();
        let tickets: Vec<u64> = (0..MAX_BATCH + 3).map(|_| push(&queue)).collect();
        queue.withdraw(tickets[1]);
        let first: Vec<u64> = queue.take().iter().map(|p| p.ticket).collect();
        let expected: Vec<u64> = tickets[..=MAX_BATCH]
            .iter()
            .copied()
            .filter(|t| *t != tickets[1])
            .collect();
        assert_eq!(first, expected);
        let rest: Vec<u64> = queue.take().iter().map(|p| p.ticket).collect();
        assert_eq!(rest, tickets[MAX_BATCH + 1..]);
        // Withdrawing one a batch took already changes nothing.
        queue.withdraw(tickets[0]);
        assert!(queue.take().is_empty());
    }
}
