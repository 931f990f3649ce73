// The flags headless Chromium runs with in the editor tests: as root in a
// sandbox, on a closed network (without the background-networking flags it
// tries, and fails, to reach Google's hosts at every start).
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
