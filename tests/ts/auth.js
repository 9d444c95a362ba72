#!/usr/bin/env node
// Reads the signed-in user's account through the official kalshi-typescript SDK,
// which signs every request itself, and prints one JSON summary on stdout.
//
// usage: KALSHI_API_KEY_ID=... KALSHI_PRIVATE_KEY_PEM=... node auth.js BASE_URL
//   BASE_URL  e.g. http://127.0.0.1:8000/trade-api/v2
// The key travels in the environment so the PEM stays out of the process list.
//
// Every call is recorded on its own, so one refused request does not hide the others:
//   {"calls": {NAME: {"ok": true, "url": ..., "data": ...} | {"ok": false, "status": ..., "error": ...}}}
'use strict';

const { ApiKeysApi, Configuration, PortfolioApi } = require('kalshi-typescript');

const { record } = require('./record');

async function main() {
  const [basePath] = process.argv.slice(2);
  const apiKey = process.env.KALSHI_API_KEY_ID;
  const privateKeyPem = process.env.KALSHI_PRIVATE_KEY_PEM;
  if (!basePath || !apiKey || !privateKeyPem) {
    process.stderr.write('usage: KALSHI_API_KEY_ID=... KALSHI_PRIVATE_KEY_PEM=... node auth.js BASE_URL\n');
    process.exit(2);
  }
  // Each API object adds its signing interceptor to the shared axios instance, so every
  // object in this process must be built from the same key.
  const config = new Configuration({ basePath, apiKey, privateKeyPem });
  const portfolio = new PortfolioApi(config);
  const apiKeys = new ApiKeysApi(config);

  const calls = {};
  await record(calls, 'get_balance', () => portfolio.getBalance());
  await record(calls, 'get_api_keys', () => apiKeys.getApiKeys());
  await record(calls, 'get_deposits', () => portfolio.getDeposits());
  await record(calls, 'get_withdrawals', () => portfolio.getWithdrawals());

  process.stdout.write(JSON.stringify({ calls }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
