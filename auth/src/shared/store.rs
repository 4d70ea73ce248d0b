//! Redis I/O: every command bounded by a timeout, the lock and compare-and-delete as scripts.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Script};
use tokio::sync::OnceCell;

/// Why a Redis command gave no answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// No answer within the configured timeout (Redis paused, overloaded or unreachable).
    #[error("Redis did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// Redis answered with an error, or the connection failed.
    #[error("Redis command failed")]
    Redis(#[source] redis::RedisError),
}

/// Deletes KEYS[1] if it holds ARGV[1]: releases the lock only for its owner, and removes a
/// rejected token only if it is still the one stored.
const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Stores ARGV[1] at KEYS[1] for ARGV[2] ms, then releases the lock KEYS[2] if ARGV[3] owns it.
const PUBLISH_AND_RELEASE: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
return 1
";

pub(crate) struct Store {
    client: redis::Client,
    manager: OnceCell<ConnectionManager>,
    timeout: Duration,
    compare_and_delete: Script,
    publish_and_release: Script,
}

impl Store {
    /// Parses the URL; connects only when first used.
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, redis::RedisError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            manager: OnceCell::new(),
            timeout,
            compare_and_delete: Script::new(COMPARE_AND_DELETE),
            publish_and_release: Script::new(PUBLISH_AND_RELEASE),
        })
    }

    /// Runs one command against the (lazily created, self-reconnecting) connection, within
    /// the timeout.
    async fn run<T, F, Fut>(&self, command: F) -> Result<T, StoreError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let work = async {
            let manager = self
                .manager
                .get_or_try_init(|| async {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(self.timeout))
                        .set_response_timeout(Some(self.timeout))
                        .set_number_of_retries(1)
                        .set_max_delay(Duration::from_secs(1));
                    ConnectionManager::new_lazy_with_config(self.client.clone(), config)
                })
                .await
                .map_err(StoreError::Redis)?;
            command(manager.clone()).await.map_err(StoreError::Redis)
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| StoreError::Timeout(self.timeout))?
    }

    pub(crate) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.run(|mut c| async move { c.get(key).await }).await
    }

    /// `SET lock owner NX PX ttl`: whether the lock was taken.
    pub(crate) async fn try_lock(
        &self,
        key: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let ttl_ms = ttl.as_millis().max(1) as u64;
        self.run(|mut c| async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(key)
                .arg(owner)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms)
                .query_async(&mut c)
                .await?;
            Ok(set.is_some())
        })
        .await
    }

    /// Stores `value` at `key` for `ttl` and releases `lock` if `owner` still holds it.
    pub(crate) async fn publish_and_release(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        lock: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        let ttl_ms = ttl.as_millis().max(1) as u64;
        self.run(|mut c| async move {
            let _: i64 = self
                .publish_and_release
                .key(key)
                .key(lock)
                .arg(value)
                .arg(ttl_ms)
                .arg(owner)
                .invoke_async(&mut c)
                .await?;
            Ok(())
        })
        .await
    }

    /// Deletes `key` only if it still holds `expected`; whether it did.
    pub(crate) async fn delete_if(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        self.run(|mut c| async move {
            let deleted: i64 = self
                .compare_and_delete
                .key(key)
                .arg(expected)
                .invoke_async(&mut c)
                .await?;
            Ok(deleted == 1)
        })
        .await
    }
}
