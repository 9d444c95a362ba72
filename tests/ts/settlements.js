#!/usr/bin/env node
// One trader reads its settlements through the official kalshi-typescript SDK (PortfolioApi),
// first page and the page after its cursor, and one JSON summary is printed on stdout.
//
// usage: KALSHI_KEY_ID=... KALSHI_PEM=... node settlements.js BASE_URL
// The key travels in the environment so the PEM stays out of the process list.
//   {"calls": {NAME: {"ok", "url", "method", "body", "data" | "status" and "error"}}}
'use strict';

const { Configuration, PortfolioApi } = require('kalshi-typescript');

const { record } = require('./record');

async function main() {
  const [basePath] = process.argv.slice(2);
  const config = new Configuration({ basePath, apiKey: process.env.KALSHI_KEY_ID, privateKeyPem: process.env.KALSHI_PEM });
  const portfolio = new PortfolioApi(config);
  const calls = {};
  await record(calls, 'first_page', () => portfolio.getSettlements(1));
  const cursor = calls.first_page.ok ? calls.first_page.data.cursor : undefined;
  await record(calls, 'second_page', () => portfolio.getSettlements(1, cursor));
  process.stdout.write(JSON.stringify({ calls }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
