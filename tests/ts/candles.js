#!/usr/bin/env node
// Reads one market's candlesticks through the official kalshi-typescript SDK: the market's
// own (hourly), the batch (daily) and its event's (hourly); one JSON summary on stdout.
//
// usage: node candles.js BASE_URL SERIES TICKER EVENT START_TS END_TS
//   {"calls": {NAME: {"ok", "url", "method", "body", "data" | "status" and "error"}}}
'use strict';

const { Configuration, EventsApi, MarketApi } = require('kalshi-typescript');

const { record } = require('./record');

async function main() {
  const [basePath, series, ticker, event, start, end] = process.argv.slice(2);
  const config = new Configuration({ basePath });
  const market = new MarketApi(config);
  const events = new EventsApi(config);
  const [startTs, endTs] = [Number(start), Number(end)];
  const calls = {};
  await record(calls, 'market', () => market.getMarketCandlesticks(series, ticker, startTs, endTs, 60));
  await record(calls, 'market_latest', () =>
    market.getMarketCandlesticks(series, ticker, startTs + 600, endTs, 1, true));
  await record(calls, 'batch', () => market.batchGetMarketCandlesticks(ticker, startTs, endTs, 1440));
  await record(calls, 'event', () => events.getMarketCandlesticksByEvent(event, series, startTs, endTs, 60));
  process.stdout.write(JSON.stringify({ calls }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
