#!/usr/bin/env node
// One member drives its subaccounts through the official kalshi-typescript SDK (3.30 has the
// methods): create two, transfer cash into one (and repeat the same client_transfer_id), a
// refused transfer, all balances, the transfer history, netting read and changed, an order
// resting in a subaccount and its balance. One JSON summary is printed on stdout.
//
// usage: KALSHI_KEY_ID=... KALSHI_PEM=... node subaccounts.js BASE_URL TICKER TRANSFER_ID
//   BASE_URL     e.g. http://127.0.0.1:8000/trade-api/v2
//   TICKER       an active linear_cent market
//   TRANSFER_ID  a UUID for the first transfer (sent twice)
// Every call is recorded on its own (record.js): {"calls": {NAME: {"ok", "url", "method", "body", ...}}}
'use strict';

const axios = require('axios');
const { Configuration, OrdersApi, PortfolioApi } = require('kalshi-typescript');

const { record } = require('./record');

async function drive(calls, portfolio, orders, ticker, transferId) {
  const as = (name, request) => record(calls, name, request);
  await as('create_first', () => portfolio.createSubaccount({}));
  await as('create_second', () => portfolio.createSubaccount());
  const move = { client_transfer_id: transferId, from_subaccount: 0, to_subaccount: 1, amount_cents: 2500 };
  await as('transfer', () => portfolio.applySubaccountTransfer(move));
  await as('transfer_repeated', () => portfolio.applySubaccountTransfer(move));
  await as('transfer_onward', () =>
    portfolio.applySubaccountTransfer({
      client_transfer_id: 'a6f0c7e2-5d1b-4c3a-9e8f-0b1c2d3e4f50',
      from_subaccount: 1,
      to_subaccount: 2,
      amount_cents: 500,
      exchange_index: 0,
    }),
  );
  await as('refused_transfer_short', () =>
    portfolio.applySubaccountTransfer({
      client_transfer_id: 'b7e1d8f3-6e2c-4d4b-8f90-1c2d3e4f5061',
      from_subaccount: 2,
      to_subaccount: 0,
      amount_cents: 501,
    }),
  );
  await as('refused_transfer_unknown', () =>
    portfolio.applySubaccountTransfer({
      client_transfer_id: 'c8f2e904-7f3d-4e5c-9a01-2d3e4f506172',
      from_subaccount: 0,
      to_subaccount: 9,
      amount_cents: 1,
    }),
  );
  await as('balances', () => portfolio.getSubaccountBalances());
  await as('transfers', () => portfolio.getSubaccountTransfers());
  await as('transfers_page_1', () => portfolio.getSubaccountTransfers(1));
  const first = calls.transfers_page_1;
  const cursor = first.ok && first.data.cursor ? first.data.cursor : 'missing';
  await as('transfers_page_2', () => portfolio.getSubaccountTransfers(1, cursor));
  await as('netting_before', () => portfolio.getSubaccountNetting());
  await as('netting_off', () => portfolio.updateSubaccountNetting({ subaccount_number: 2, enabled: false }));
  await as('netting_after', () => portfolio.getSubaccountNetting());
  await as('refused_netting_unknown', () => portfolio.updateSubaccountNetting({ subaccount_number: 9, enabled: true }));
  // A bid resting in subaccount 1: it locks $3.00 and a cent of that subaccount's $20.00.
  await as('order_in_subaccount', () =>
    orders.createOrderV2({
      ticker,
      client_order_id: 'ts-sub-1',
      side: 'bid',
      count: '10',
      price: '0.30',
      time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'taker_at_cross',
      subaccount: 1,
    }),
  );
  await as('balance_subaccount_1', () => portfolio.getBalance(1));
  await as('balance_primary', () => portfolio.getBalance());
  await as('orders_subaccount_1', () =>
    orders.getOrders(ticker, undefined, undefined, undefined, 'resting', undefined, undefined, 1),
  );
  await as('orders_primary', () => orders.getOrders(ticker, undefined, undefined, undefined, 'resting', undefined, undefined, 0));
  await as('balances_end', () => portfolio.getSubaccountBalances());
}

async function main() {
  const [basePath, ticker, transferId] = process.argv.slice(2);
  const { KALSHI_KEY_ID: apiKey, KALSHI_PEM: privateKeyPem } = process.env;
  if (!basePath || !ticker || !transferId || !apiKey || !privateKeyPem) {
    process.stderr.write('usage: KALSHI_KEY_ID=... KALSHI_PEM=... node subaccounts.js BASE_URL TICKER TRANSFER_ID\n');
    process.exit(2);
  }
  const config = new Configuration({ basePath, apiKey, privateKeyPem });
  const http = axios.create();
  const calls = {};
  await drive(calls, new PortfolioApi(config, undefined, http), new OrdersApi(config, undefined, http), ticker, transferId);
  process.stdout.write(JSON.stringify({ calls }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
