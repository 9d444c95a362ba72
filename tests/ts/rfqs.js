#!/usr/bin/env node
// An RFQ round trip through the official kalshi-typescript SDK's CommunicationsApi: the requester
// creates an RFQ, the maker quotes it, the requester accepts, the maker confirms, the manual clock
// moves past the execution timer (admin API), and both read the executed quote. One JSON summary
// is printed on stdout: {"calls": {NAME: {"ok", "url", "method", "body", "data" | "status" and "error"}}}.
//
// usage: KALSHI_REQUESTER_KEY_ID=... KALSHI_REQUESTER_PEM=... KALSHI_MAKER_KEY_ID=... KALSHI_MAKER_PEM=... \
//        KALSHI_ADMIN_TOKEN=... node rfqs.js BASE_URL ADMIN_URL TICKER
'use strict';

const axios = require('axios');
const { Configuration, CommunicationsApi } = require('kalshi-typescript');

const { record } = require('./record');

function party(basePath, apiKey, privateKeyPem) {
  return new CommunicationsApi(new Configuration({ basePath, apiKey, privateKeyPem }), undefined, axios.create());
}

async function main() {
  const [basePath, adminUrl, ticker] = process.argv.slice(2);
  const env = process.env;
  const requester = party(basePath, env.KALSHI_REQUESTER_KEY_ID, env.KALSHI_REQUESTER_PEM);
  const maker = party(basePath, env.KALSHI_MAKER_KEY_ID, env.KALSHI_MAKER_PEM);
  const calls = {};
  await record(calls, 'id', () => requester.getCommunicationsID());
  await record(calls, 'create_rfq', () =>
    requester.createRFQ({ market_ticker: ticker, contracts_fp: '5.00', rest_remainder: false }),
  );
  const rfqId = calls.create_rfq.ok ? calls.create_rfq.data.id : 'missing';
  await record(calls, 'rfqs', () => maker.getRFQs(undefined, undefined, ticker));
  await record(calls, 'create_quote', () =>
    maker.createQuote({ rfq_id: rfqId, yes_bid: '0.3500', no_bid: '0.6000', rest_remainder: false }),
  );
  const quoteId = calls.create_quote.ok ? calls.create_quote.data.id : 'missing';
  const none = undefined;
  await record(calls, 'quotes', () => requester.getQuotes(none, none, none, none, none, none, none, none, none, none, rfqId));
  await record(calls, 'accept', () => requester.acceptQuote(quoteId, { accepted_side: 'no' }));
  await record(calls, 'confirm', () => maker.confirmQuote(quoteId, {}));
  const admin = { headers: { Authorization: `Bearer ${env.KALSHI_ADMIN_TOKEN}` } };
  await record(calls, 'advance', () => axios.post(`${adminUrl}/clock`, { advance_seconds: 15 }, admin));
  await record(calls, 'quote_requester', () => requester.getQuote(quoteId));
  await record(calls, 'quote_maker', () => maker.getQuote(quoteId));
  await record(calls, 'rfq', () => requester.getRFQ(rfqId));
  process.stdout.write(JSON.stringify({ calls }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
