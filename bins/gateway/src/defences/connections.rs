//! A cap on the connections one client address holds open at once
//! (`ROSTER_MAX_CONNECTIONS_PER_CLIENT`). A connection past it is answered 429 and closed
//! as soon as it is accepted, before it can hold a file descriptor waiting for its request.
//! Connections from trusted proxies carry many clients and are not capped.

use std::any::Any;
use std::collections::HashMap;
use std::net::{IpAddr, Shutdown};
use std::sync::{Arc, Mutex};

use actix_web::dev::Extensions;
use actix_web::http::StatusCode;
use actix_web::rt::net::TcpStream;

use super::TrustedProxies;
use crate::error::{Problem, PROBLEM_JSON};

/// Open connections per client address.
pub struct ConnectionCap {
    limit: usize,
    proxies: TrustedProxies,
    open: Mutex<HashMap<IpAddr, usize>>,
    /// The whole HTTP answer to a connection past the cap.
    refusal: Vec<u8>,
}

/// A connection counted against its address, given back when the connection ends (it
/// lives in the connection's data, dropped with it).
struct Slot {
    cap: Arc<ConnectionCap>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.cap.open.lock() {
            if let Some(count) = open.get_mut(&self.ip) {
                *count -= 1;
                if *count == 0 {
                    open.remove(&self.ip);
                }
            }
        }
    }
}

impl ConnectionCap {
    pub fn new(limit: usize, proxies: TrustedProxies) -> Self {
        let problem = Problem::for_status(
            StatusCode::TOO_MANY_REQUESTS,
            Some(format!(
                "this address has {limit} connections open, the most allowed; retry once one closes"
            )),
        );
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut refusal = format!(
            "HTTP/1.1 429 Too Many Requests\r\ncontent-type: {PROBLEM_JSON}\r\n\
             content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\
             x-content-type-options: nosniff\r\n\r\n",
            body.len()
        )
        .into_bytes();
        refusal.extend_from_slice(&body);
        Self {
            limit: limit.max(1),
            proxies,
            open: Mutex::new(HashMap::new()),
            refusal,
        }
    }

    /// For `HttpServer::on_connect`: counts the new connection against its peer, or
    /// answers and shuts it past the cap (actix then sees it end at once).
    pub fn on_connect(self: &Arc<Self>, io: &dyn Any, data: &mut Extensions) {
        let Some(stream) = io.downcast_ref::<TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        let ip = peer.ip().to_canonical();
        if self.proxies.trusts(ip) {
            return;
        }
        match self.take(ip) {
            Some(slot) => {
                data.insert(slot);
            }
            None => {
                // A fresh socket's send buffer takes the few hundred bytes at once.
                let socket = socket2::SockRef::from(stream);
                let _ = socket.send(&self.refusal);
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }

    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(ip).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            cap: Arc::clone(self),
            ip,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_its_limit_and_gets_slots_back_as_connections_end() {
        let cap = Arc::new(ConnectionCap::new(2, TrustedProxies::default()));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let first = cap.take(ip).unwrap();
        let _second = cap.take(ip).unwrap();
        assert!(cap.take(ip).is_none());
        assert!(
            cap.take("192.0.2.2".parse().unwrap()).is_some(),
            "addresses are counted apart"
        );
        drop(first);
        assert!(cap.take(ip).is_some());
    }
}
