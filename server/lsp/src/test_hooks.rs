//! Requests that exist only for tests (`DIGEST_LSP_TEST_HOOKS=1`), to
//! reproduce faults an editor cannot be made to produce on demand.

use std::time::Duration;

use tower_lsp_server::jsonrpc::Result;

use crate::handlers::Backend;

impl Backend {
    /// `digest/testSleep {"ms": N}`: a request that takes N ms (at most
    /// 60 s), so that a test can cancel it while it runs.
    pub async fn test_sleep(&self, params: serde_json::Value) -> Result<u64> {
        let ms = params["ms"].as_u64().unwrap_or(0).min(60_000);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    }
}
