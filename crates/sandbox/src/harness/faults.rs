//! Per-route fault rules (latency, forced status, dropped connection) and the handle that changes them.
//! Rules are matched in the order they were added; the first live match applies to a request.

use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a matching rule does after its latency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FaultAction {
    /// Only delay, then answer normally.
    Pass,
    /// Answer with this status instead of calling the service (429 gets a `Retry-After`).
    Status {
        status: u16,
        retry_after_secs: Option<u32>,
    },
    /// Close the TCP connection without answering.
    Drop,
}

/// One rule: which requests, how long to wait, what to do, how many times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// Upper-case method, or any method when `None`.
    pub method: Option<String>,
    /// Exact path, or a prefix when it ends with `*`; `*` alone matches every path.
    pub path: String,
    #[serde(skip)]
    pub latency: Option<Duration>,
    pub action: FaultAction,
    /// How many more requests this rule applies to; `None` means until removed.
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule for `path` (exact, or a prefix ending in `*`) that does nothing yet.
    pub fn on(path: impl Into<String>) -> Self {
        FaultRule {
            method: None,
            path: path.into(),
            latency: None,
            action: FaultAction::Pass,
            times: None,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.action = FaultAction::Status {
            status,
            retry_after_secs: (status == 429).then_some(1),
        };
        self
    }

    pub fn status_with_retry_after(mut self, status: u16, secs: u32) -> Self {
        self.action = FaultAction::Status {
            status,
            retry_after_secs: Some(secs),
        };
        self
    }

    pub fn drop_connection(mut self) -> Self {
        self.action = FaultAction::Drop;
        self
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method
            && !m.eq_ignore_ascii_case(method)
        {
            return false;
        }
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }
}

/// Identifies a rule so a test can remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FaultId(u64);

/// What the harness must do for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub latency: Option<Duration>,
    pub action: FaultAction,
}

#[derive(Debug, Default)]
struct Rules {
    next: u64,
    list: Vec<(FaultId, FaultRule)>,
}

/// Shared, clonable handle to one service's fault rules; changes apply to the next request.
#[derive(Clone, Debug, Default)]
pub struct FaultControl {
    inner: Arc<Mutex<Rules>>,
}

impl FaultControl {
    pub fn new(rules: impl IntoIterator<Item = FaultRule>) -> Self {
        let c = FaultControl::default();
        for r in rules {
            c.add(r);
        }
        c
    }

    pub fn add(&self, rule: FaultRule) -> FaultId {
        let mut g = self.lock();
        g.next += 1;
        let id = FaultId(g.next);
        g.list.push((id, rule));
        id
    }

    pub fn remove(&self, id: FaultId) {
        self.lock().list.retain(|(i, _)| *i != id);
    }

    pub fn clear(&self) {
        self.lock().list.clear();
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.lock().list.iter().map(|(_, r)| r.clone()).collect()
    }

    /// The fault for this request, if any; counts the use against the rule's `times`.
    pub fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut g = self.lock();
        let pos = g.list.iter().position(|(_, r)| r.matches(method, path))?;
        let rule = &mut g.list[pos].1;
        let fault = Fault {
            latency: rule.latency,
            action: rule.action.clone(),
        };
        if let Some(n) = rule.times.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                g.list.remove(pos);
            }
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Rules> {
        // A panic while holding this lock cannot leave the rule list half-written.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_rule_applies_and_counts_down() {
        let c = FaultControl::default();
        c.add(FaultRule::on("/a").status(503).times(2));
        c.add(FaultRule::on("/a*").drop_connection());
        assert!(matches!(
            c.take("GET", "/a").map(|f| f.action),
            Some(FaultAction::Status { status: 503, .. })
        ));
        assert!(c.take("GET", "/a").is_some());
        assert_eq!(
            c.take("GET", "/a").map(|f| f.action),
            Some(FaultAction::Drop)
        );
        assert_eq!(
            c.take("GET", "/ab").map(|f| f.action),
            Some(FaultAction::Drop)
        );
        assert_eq!(c.take("GET", "/b"), None);
    }

    #[test]
    fn method_filter_and_remove() {
        let c = FaultControl::default();
        let id = c.add(FaultRule::on("*").method("post").status(500));
        assert_eq!(c.take("GET", "/x"), None);
        assert!(c.take("POST", "/x").is_some());
        c.remove(id);
        assert_eq!(c.take("POST", "/x"), None);
    }
}
