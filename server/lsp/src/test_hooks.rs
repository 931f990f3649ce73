//! Requests that exist only for tests (`DIGEST_LSP_TEST_HOOKS=1`), to
//! reproduce faults an editor cannot be made to produce on demand.

use std::time::Duration;

use tower_lsp_server::LspServiceBuilder;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::Uri;

use crate::handlers::Backend;

/// Adds the test requests to the server's methods.
pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder
        .custom_method("digest/testPanic", Backend::test_panic)
        .custom_method("digest/testSleep", Backend::test_sleep)
}

impl Backend {
    /// `digest/testPanic {"uri": ...}`: panics inside a request on that
    /// document, so that tests can see the server survive it.
    pub async fn test_panic(&self, params: serde_json::Value) -> Result<()> {
        let uri: Uri = serde_json::from_value(params["uri"].clone())
            .map_err(|e| jsonrpc::Error::invalid_params(e.to_string()))?;
        self.on_snapshot(uri, |_, _| -> () {
            panic!("digest/testPanic was asked to panic")
        })
        .await
    }

    /// `digest/testSleep {"ms": N}`: a request that takes N ms (at most
    /// 60 s), so that a test can cancel it while it runs.
    pub async fn test_sleep(&self, params: serde_json::Value) -> Result<u64> {
        let ms = params["ms"].as_u64().unwrap_or(0).min(60_000);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    }
}
